# fspipe.s — pipes in the file-system server: a bounded buffer whose readers and
# writers wait without blocking the server (included by fsserv.s).
#
# Concept: the deferred reply (seed: L4's synchronous IPC — a server answers when it
# can): a read of an empty pipe or a write to a full one is not answered; the caller
# stays blocked in its call while the server goes on with other requests, and gets its
# answer (the bytes, or FS_RETRY: send again) when a writer or reader comes.

# ---------------------------------------------------------------- pipes

# pipealloc() -> a0 = read file, a1 = write file; a0 = 0 on failure
pipealloc:
    PROLOGUE
    la   s1, pipes
    li   t0, NPIPE
1:  lw   t1, PP_USED(s1)
    beqz t1, 2f
    addi s1, s1, 1 << PIPE_SHIFT
    addi t0, t0, -1
    bnez t0, 1b
    j    9f
2:  call filealloc
    beqz a0, 9f
    mv   s2, a0
    call filealloc
    beqz a0, 8f
    mv   s3, a0
    li   t0, 1
    sw   t0, PP_USED(s1)
    sw   t0, PP_ROPEN(s1)
    sw   t0, PP_WOPEN(s1)
    sw   zero, PP_NREAD(s1)
    sw   zero, PP_NWRITE(s1)
    sw   zero, PP_NR(s1)
    sw   zero, PP_NW(s1)
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
8:  sw   zero, F_REF(s2)
9:  li   a0, 0
    EPILOGUE

# pipeclose(a0 = pipe, a1 = the writing end?)
pipeclose:
    PROLOGUE
    mv   s1, a0
    beqz a1, 1f
    sw   zero, PP_WOPEN(s1)             # readers waiting now get the rest, then 0
    mv   a0, s1
    call pipe_answer_readers
    j    2f
1:  sw   zero, PP_ROPEN(s1)             # writers waiting now get EPIPE
    mv   a0, s1
    call pipe_retry_writers
2:  lw   t0, PP_ROPEN(s1)
    lw   t1, PP_WOPEN(s1)
    or   t0, t0, t1
    bnez t0, 3f
    sw   zero, PP_USED(s1)
3:  EPILOGUE

# piperead(a0 = pipe, a1 = bytes) -> bytes in rep_buf, 0 at end of file, or deferred
piperead:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    lw   t0, PP_NREAD(s1)
    lw   t1, PP_NWRITE(s1)
    bne  t0, t1, 2f
    lw   t0, PP_WOPEN(s1)
    beqz t0, 2f
    lw   t0, PP_NR(s1)                  # empty: wait (answered by a write or close)
    li   t1, PP_MAXWAIT
    bgeu t0, t1, 2f
    slli t1, t0, 3
    add  t1, t1, s1
    la   t2, cur_sender
    lw   t2, 0(t2)
    sw   t2, PP_RD(t1)
    sw   s2, PP_RD+4(t1)
    addi t0, t0, 1
    sw   t0, PP_NR(s1)
    call defer
    EPILOGUE
2:  mv   a0, s1
    la   a1, rep_buf
    mv   a2, s2
    call pipe_take
    mv   s3, a0
    call reply_string
    mv   a0, s1
    call pipe_retry_writers
    mv   a0, s3
    li   a1, 0
    EPILOGUE

# pipe_take(a0 = pipe, a1 = destination, a2 = at most) -> a0 = bytes taken
pipe_take:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    li   s4, 0
1:  bge  s4, s3, 8f
    lw   t0, PP_NREAD(s1)
    lw   t1, PP_NWRITE(s1)
    beq  t0, t1, 8f
    andi t2, t0, PIPESIZE - 1
    add  t2, t2, s1
    lbu  t3, 0(t2)
    add  t2, s2, s4
    sb   t3, 0(t2)
    addi t0, t0, 1
    sw   t0, PP_NREAD(s1)
    addi s4, s4, 1
    j    1b
8:  mv   a0, s4
    EPILOGUE

# pipewrite(a0 = pipe, a1 = bytes, a2 = count) -> bytes written (maybe fewer: the
# stub sends the rest), -EPIPE, or deferred while the pipe is full
pipewrite:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    lw   t0, PP_ROPEN(s1)
    beqz t0, 7f
    lw   t0, PP_NWRITE(s1)
    lw   t1, PP_NREAD(s1)
    sub  t0, t0, t1
    li   t1, PIPESIZE
    bltu t0, t1, 2f
    beqz s3, 2f
    lw   t0, PP_NW(s1)                  # full: wait (the stub sends the bytes again)
    li   t1, PP_MAXWAIT
    bgeu t0, t1, 7f
    slli t1, t0, 2
    add  t1, t1, s1
    la   t2, cur_sender
    lw   t2, 0(t2)
    sw   t2, PP_WR(t1)
    addi t0, t0, 1
    sw   t0, PP_NW(s1)
    call defer
    EPILOGUE
2:  li   s4, 0
3:  bge  s4, s3, 5f
    lw   t0, PP_NWRITE(s1)
    lw   t1, PP_NREAD(s1)
    sub  t2, t0, t1
    li   t3, PIPESIZE
    bgeu t2, t3, 5f
    andi t2, t0, PIPESIZE - 1
    add  t2, t2, s1
    add  t3, s2, s4
    lbu  t3, 0(t3)
    sb   t3, 0(t2)
    addi t0, t0, 1
    sw   t0, PP_NWRITE(s1)
    addi s4, s4, 1
    j    3b
5:  mv   a0, s1
    call pipe_answer_readers
    mv   a0, s4
    EPILOGUE
7:  li   a0, -EPIPE
    EPILOGUE

# pipe_answer_readers(a0 = pipe): answer waiting readers while there are bytes (or
# with 0 once no writer is left)
pipe_answer_readers:
    PROLOGUE
    mv   s1, a0
1:  lw   t0, PP_NR(s1)
    beqz t0, 9f
    lw   t0, PP_NREAD(s1)
    lw   t1, PP_NWRITE(s1)
    bne  t0, t1, 2f
    lw   t0, PP_WOPEN(s1)
    bnez t0, 9f                         # nothing to give yet
2:  lw   s2, PP_RD(s1)                  # the first reader: tid, bytes
    lw   a2, PP_RD+4(s1)
    mv   a0, s1
    la   a1, aux_buf
    call pipe_take
    mv   s3, a0
    mv   a0, s1                         # out of the queue
    addi a1, s1, PP_RD
    addi a2, s1, PP_NR
    li   a3, 8
    call wait_pop
    mv   a0, s3                         # the deferred reply
    li   a1, 0
    mv   t0, s2
    li   t1, TIMEOUT_NEVER
    li   t3, MT_STRING
    la   t4, aux_buf
    mv   t5, s3
    KSYS K_SEND
    mv   a0, s1
    call pipe_retry_writers
    j    1b
9:  EPILOGUE

# pipe_retry_writers(a0 = pipe): every writer waiting for room sends again
pipe_retry_writers:
    PROLOGUE
    mv   s1, a0
1:  lw   t0, PP_NW(s1)
    beqz t0, 9f
    lw   s2, PP_WR(s1)
    mv   a0, s1
    addi a1, s1, PP_WR
    addi a2, s1, PP_NW
    li   a3, 4
    call wait_pop
    li   a0, FS_RETRY
    mv   t0, s2
    li   t1, TIMEOUT_NEVER
    li   t3, 0
    KSYS K_SEND
    j    1b
9:  EPILOGUE

# wait_pop(a0 = pipe, a1 = array, a2 = &count, a3 = entry size): drop the first
# entry of a wait queue. Leaf.
wait_pop:
    lw   t0, 0(a2)
    addi t0, t0, -1
    sw   t0, 0(a2)
    mul  t1, t0, a3                     # bytes to move
    add  t2, a1, a3
1:  beqz t1, 9f
    lbu  t3, 0(t2)
    sb   t3, 0(a1)
    addi a1, a1, 1
    addi t2, t2, 1
    addi t1, t1, -1
    j    1b
9:  ret

# pipes_forget(a0 = tid): a process is gone: take it off every pipe's wait queues
pipes_forget:
    PROLOGUE
    mv   s1, a0
    la   s2, pipes
    li   s3, NPIPE
1:  lw   t0, PP_USED(s2)
    beqz t0, 5f
    li   s4, 0                          # readers
2:  lw   t0, PP_NR(s2)
    bgeu s4, t0, 3f
    slli t1, s4, 3
    add  t1, t1, s2
    lw   t2, PP_RD(t1)
    bne  t2, s1, 21f
    mv   a0, s2
    addi a1, t1, PP_RD
    sub  t0, t0, s4                     # pop from this position on
    sw   t0, 0(sp)
    addi a2, sp, 0
    li   a3, 8
    call wait_pop
    lw   t0, PP_NR(s2)
    addi t0, t0, -1
    sw   t0, PP_NR(s2)
    j    2b
21: addi s4, s4, 1
    j    2b
3:  li   s4, 0                          # writers
4:  lw   t0, PP_NW(s2)
    bgeu s4, t0, 5f
    slli t1, s4, 2
    add  t1, t1, s2
    lw   t2, PP_WR(t1)
    bne  t2, s1, 41f
    mv   a0, s2
    addi a1, t1, PP_WR
    sub  t0, t0, s4
    sw   t0, 0(sp)
    addi a2, sp, 0
    li   a3, 4
    call wait_pop
    lw   t0, PP_NW(s2)
    addi t0, t0, -1
    sw   t0, PP_NW(s2)
    j    4b
41: addi s4, s4, 1
    j    4b
5:  addi s2, s2, 1 << PIPE_SHIFT
    addi s3, s3, -1
    bnez s3, 1b
    EPILOGUE
