# pipe.s — pipes: a bounded buffer between a writer and a reader.
#
# Concept: interprocess communication through the kernel (seed: IPC, xv6 pipe.c): a
# 512-byte ring in a kernel page; writers sleep when it is full, readers when it is
# empty, and each side wakes the other. Data moves in chunks with copyin/copyout.

.equ PIPESIZE, 512
.equ PI_NREAD, 512
.equ PI_NWRITE, 516
.equ PI_READOPEN, 520
.equ PI_WRITEOPEN, 524

# pipealloc() -> a0 = read file, a1 = write file; a0 = 0 on failure
pipealloc:
    PROLOGUE
    call kalloc
    beqz a0, 9f
    mv   s1, a0
    li   t0, 1
    sw   t0, PI_READOPEN(s1)
    sw   t0, PI_WRITEOPEN(s1)
    call filealloc
    beqz a0, 8f
    mv   s2, a0
    call filealloc
    beqz a0, 7f
    mv   s3, a0
    li   t0, FD_PIPE
    li   t1, 1
    sw   t0, F_TYPE(s2)
    sw   t1, F_READABLE(s2)
    sw   s1, F_PIPE(s2)
    sw   t0, F_TYPE(s3)
    sw   t1, F_WRITABLE(s3)
    sw   s1, F_PIPE(s3)
    mv   a0, s2
    mv   a1, s3
    EPILOGUE
7:  sw   zero, F_REF(s2)
8:  mv   a0, s1
    call kfree
9:  li   a0, 0
    EPILOGUE

# pipeclose(a0 = pipe, a1 = writable end?)
pipeclose:
    PROLOGUE
    mv   s1, a0
    beqz a1, 1f
    sw   zero, PI_WRITEOPEN(s1)
    addi a0, s1, PI_NREAD
    call wakeup
    j    2f
1:  sw   zero, PI_READOPEN(s1)
    addi a0, s1, PI_NWRITE
    call wakeup
2:  lw   t0, PI_READOPEN(s1)
    lw   t1, PI_WRITEOPEN(s1)
    or   t0, t0, t1
    bnez t0, 3f
    mv   a0, s1
    call kfree
3:  EPILOGUE

# pipewrite(a0 = pipe, a1 = user buf, a2 = n) -> n, or -EPIPE / -EINTR / -EFAULT
pipewrite:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    li   s4, 0
1:  bge  s4, s3, 8f
    lw   t0, PI_READOPEN(s1)
    beqz t0, 6f
    call killed
    bnez a0, 7f
    lw   t0, PI_NWRITE(s1)
    lw   t1, PI_NREAD(s1)
    sub  t2, t0, t1                     # bytes in the pipe
    li   t3, PIPESIZE
    bne  t2, t3, 2f
    addi a0, s1, PI_NREAD               # full
    call wakeup
    addi a0, s1, PI_NWRITE
    call sleep
    j    1b
2:  sub  s5, t3, t2                     # m = min(free, n - done, to the ring's end)
    sub  t1, s3, s4
    bleu s5, t1, 3f
    mv   s5, t1
3:  andi t0, t0, PIPESIZE - 1
    sub  t1, t3, t0
    bleu s5, t1, 4f
    mv   s5, t1
4:  CURPROC_PTR t1                     # this CPU's curproc (param.inc)
    lw   t1, 0(t1)
    lw   a0, P_PGDIR(t1)
    add  a1, s1, t0
    add  a2, s2, s4
    mv   a3, s5
    call copyin
    bnez a0, 5f
    lw   t0, PI_NWRITE(s1)
    add  t0, t0, s5
    sw   t0, PI_NWRITE(s1)
    add  s4, s4, s5
    j    1b
5:  li   a0, -EFAULT
    j    9f
6:  li   a0, -EPIPE
    j    9f
7:  li   a0, -EINTR
    j    9f
8:  mv   a0, s4
9:  mv   s5, a0
    addi a0, s1, PI_NREAD
    call wakeup
    mv   a0, s5
    EPILOGUE

# piperead(a0 = pipe, a1 = user buf, a2 = n) -> bytes (0 = no writers left)
piperead:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
1:  lw   t0, PI_NREAD(s1)
    lw   t1, PI_NWRITE(s1)
    bne  t0, t1, 2f
    lw   t0, PI_WRITEOPEN(s1)
    beqz t0, 2f
    call killed
    bnez a0, 7f
    addi a0, s1, PI_NREAD
    call sleep
    j    1b
2:  li   s4, 0
3:  bge  s4, s3, 8f
    lw   t0, PI_NREAD(s1)
    lw   t1, PI_NWRITE(s1)
    sub  s5, t1, t0                     # available
    beqz s5, 8f
    sub  t1, s3, s4
    bleu s5, t1, 4f
    mv   s5, t1
4:  andi t0, t0, PIPESIZE - 1
    li   t1, PIPESIZE
    sub  t1, t1, t0
    bleu s5, t1, 5f
    mv   s5, t1
5:  CURPROC_PTR t1                     # this CPU's curproc (param.inc)
    lw   t1, 0(t1)
    lw   a0, P_PGDIR(t1)
    add  a1, s2, s4
    add  a2, s1, t0
    mv   a3, s5
    call copyout
    bnez a0, 6f
    lw   t0, PI_NREAD(s1)
    add  t0, t0, s5
    sw   t0, PI_NREAD(s1)
    add  s4, s4, s5
    j    3b
6:  li   a0, -EFAULT
    j    9f
7:  li   a0, -EINTR
    EPILOGUE
8:  mv   a0, s4
9:  mv   s5, a0
    addi a0, s1, PI_NWRITE
    call wakeup
    mv   a0, s5
    EPILOGUE
