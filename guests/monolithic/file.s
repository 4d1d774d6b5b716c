# file.s — the open-file table: file descriptors over inodes, pipes and the console.
#
# Concept: "everything is a file" (seed: monolithic kernel, Unix I/O): a process's fd
# indexes its ofile array, which points into a system-wide table of open files that
# fork shares (reference counts) and that carry the offset; read/write dispatch on the
# file's type.

# filealloc() -> a0 = file (ref 1) or 0
filealloc:
    la   t0, ftable
    li   t1, NFILE
1:  lw   t2, F_REF(t0)
    bnez t2, 2f
    sw   zero, F_TYPE(t0)
    li   t2, 1
    sw   t2, F_REF(t0)
    sw   zero, F_READABLE(t0)
    sw   zero, F_WRITABLE(t0)
    sw   zero, F_PIPE(t0)
    sw   zero, F_IP(t0)
    sw   zero, F_OFF(t0)
    mv   a0, t0
    ret
2:  addi t0, t0, 32
    addi t1, t1, -1
    bnez t1, 1b
    li   a0, 0
    ret

filedup:
    lw   t0, F_REF(a0)
    addi t0, t0, 1
    sw   t0, F_REF(a0)
    ret

# console_file() -> a0 = a new read/write console file
console_file:
    PROLOGUE
    call filealloc
    beqz a0, 1f
    li   t0, FD_CONSOLE
    sw   t0, F_TYPE(a0)
    li   t0, 1
    sw   t0, F_READABLE(a0)
    sw   t0, F_WRITABLE(a0)
1:  EPILOGUE

fileclose:
    PROLOGUE
    lw   t0, F_REF(a0)
    addi t0, t0, -1
    sw   t0, F_REF(a0)
    bnez t0, 9f
    lw   s1, F_TYPE(a0)
    lw   s2, F_PIPE(a0)
    lw   s3, F_IP(a0)
    lw   s4, F_WRITABLE(a0)
    sw   zero, F_TYPE(a0)
    li   t0, FD_PIPE
    bne  s1, t0, 1f
    mv   a0, s2
    mv   a1, s4
    call pipeclose
    j    9f
1:  li   t0, FD_INODE
    bne  s1, t0, 9f
    BEGIN_OP                            # the last iput of an unlinked file frees it
    mv   a0, s3
    call iput
    END_OP
9:  EPILOGUE

# filestat(a0 = file, a1 = user struct stat *) -> 0 / -EFAULT
filestat:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    sw   zero, 0(sp)
    sw   zero, 4(sp)
    sw   zero, 8(sp)
    sw   zero, 12(sp)
    li   t0, T_DEV
    sh   t0, 0(sp)
    li   t0, 1
    sh   t0, 2(sp)
    lw   t0, F_TYPE(s1)
    li   t1, FD_INODE
    bne  t0, t1, 1f
    lw   a0, F_IP(s1)
    call ilock
    lw   a0, F_IP(s1)
    mv   a1, sp
    call stati
    lw   a0, F_IP(s1)
    call iunlock
1:  CURPROC_PTR t0                     # this CPU's curproc (param.inc)
    lw   t0, 0(t0)
    lw   a0, P_PGDIR(t0)
    mv   a1, s2
    mv   a2, sp
    li   a3, 16
    call copyout
    beqz a0, 2f
    li   a0, -EFAULT
2:  EPILOGUE

# fileread(a0 = file, a1 = user buf, a2 = n) -> bytes or -errno
fileread:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    lw   t0, F_READABLE(s1)
    beqz t0, 8f
    lw   t0, F_TYPE(s1)
    li   t1, FD_PIPE
    bne  t0, t1, 1f
    lw   a0, F_PIPE(s1)
    call piperead
    EPILOGUE
1:  li   t1, FD_CONSOLE
    bne  t0, t1, 2f
    mv   a0, s2
    mv   a1, s3
    li   a2, 1
    call console_read
    EPILOGUE
2:  lw   a0, F_IP(s1)
    call ilock
    lw   a0, F_IP(s1)
    li   a1, 1
    mv   a2, s2
    lw   a3, F_OFF(s1)
    mv   a4, s3
    call readi
    mv   s4, a0
    blt  a0, zero, 3f
    lw   t0, F_OFF(s1)
    add  t0, t0, a0
    sw   t0, F_OFF(s1)
3:  lw   a0, F_IP(s1)
    call iunlock
    mv   a0, s4
    bge  a0, zero, 4f
    li   t0, -EIO                       # a bad block on the disk; else a bad buffer
    beq  a0, t0, 4f
    li   a0, -EFAULT
4:  EPILOGUE
8:  li   a0, -EBADF
    EPILOGUE

# filewrite(a0 = file, a1 = user buf, a2 = n) -> bytes or -errno. To an inode: in chunks
# of WRITE_CHUNK bytes, each a transaction of the log (FS_LOG) that dirties at most
# 4 data blocks, the indirect block, 2 bitmap blocks and the inode (xv6's filewrite).
# Without the log: one writei.
.if FS_LOG
.equ WRITE_CHUNK, 3 * 512
.else
.equ WRITE_CHUNK, 0x7FFFFFFF
.endif
filewrite:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    lw   t0, F_WRITABLE(s1)
    beqz t0, 8f
    lw   t0, F_TYPE(s1)
    li   t1, FD_PIPE
    bne  t0, t1, 1f
    lw   a0, F_PIPE(s1)
    call pipewrite
    EPILOGUE
1:  li   t1, FD_CONSOLE
    bne  t0, t1, 2f
    mv   a0, s2
    mv   a1, s3
    li   a2, 1
    call console_write
    EPILOGUE
2:
.if FS_LOG
    lw   t0, F_OFF(s1)                  # past the maximum size: nothing is written
    add  t1, t0, s3                     # (as one writei would)
    bltu t1, t0, 7f
    li   t0, MAXFILE_BYTES
    bgtu t1, t0, 7f
.endif
    li   s5, 0                          # written so far: in chunks, one transaction
21: sub  s6, s3, s5                     # each (a chunk dirties at most MAXOPBLOCKS)
    li   t0, WRITE_CHUNK
    bleu s6, t0, 22f
    mv   s6, t0
22: BEGIN_OP
    lw   a0, F_IP(s1)
    call ilock
    lw   a0, F_IP(s1)
    li   a1, 1
    add  a2, s2, s5
    lw   a3, F_OFF(s1)
    mv   a4, s6
    call writei
    mv   s4, a0
    blt  a0, zero, 3f
    lw   t0, F_OFF(s1)
    add  t0, t0, a0
    sw   t0, F_OFF(s1)
3:  lw   a0, F_IP(s1)
    call iunlock
    END_OP
    blt  s4, zero, 4f                   # an error: the bytes written so far, if any
    add  s5, s5, s4
    bne  s4, s6, 5f                     # a short write (the disk is full)
    bltu s5, s3, 21b
5:  mv   a0, s5
    EPILOGUE
4:  mv   a0, s5
    bnez s5, 6f
    mv   a0, s4
6:  EPILOGUE
7:  li   a0, -EFBIG
    EPILOGUE
8:  li   a0, -EBADF
    EPILOGUE

.bss
    .balign 16
ftable: .space NFILE * 32
.text
