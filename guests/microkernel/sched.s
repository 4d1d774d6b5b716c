# sched.s — threads: control blocks, the ready queue, time slices, timeouts, and
# creating, starting and deleting threads and tasks.
#
# Concept: L4's threads and scheduling (seed: kernels lecture — "a model for threads"
# and "scheduling" are two of the four mechanisms the kernel keeps). A thread is a
# register set (saved in its control block while it does not run), an address space,
# and its pager — the thread its page faults are sent to. The kernel has one stack:
# a blocked thread is described entirely by its state (sending to / receiving from
# whom), never by a kernel stack, so blocking costs nothing to save. Scheduling is
# round robin with a timer-driven time slice; IPC switches directly to the partner it
# unblocks (lazy scheduling: the ready queue is not touched on the fast path).

# tcb_of(a0 = tid) -> a0 = its TCB if the thread exists, else 0. Leaf.
tcb_of:
    andi t0, a0, 0xFF
    beqz t0, 9f
    li   t1, NTHREAD
    bgeu t0, t1, 9f
    slli t0, t0, TCB_SHIFT
    la   t1, tcb_table
    add  t0, t0, t1
    lw   t1, T_STATE(t0)
    beqz t1, 9f
    lw   t1, T_TID(t0)
    bne  t1, a0, 9f
    mv   a0, t0
    ret
9:  li   a0, 0
    ret

# thread_alloc(a0 = space, a1 = pager tid, a2 = kernel name) -> a0 = a new INACTIVE
# thread (registers zero) in the space, or 0.
thread_alloc:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    la   s4, tcb_table
    li   s5, 1
    addi s4, s4, 1 << TCB_SHIFT
1:  li   t0, NTHREAD
    bgeu s5, t0, 8f
    lw   t0, T_STATE(s4)
    beqz t0, 2f
    addi s4, s4, 1 << TCB_SHIFT
    addi s5, s5, 1
    j    1b
2:  lw   s6, T_GEN(s4)
    mv   a0, s4
    li   a1, 0
    li   a2, 1 << TCB_SHIFT
    call memset
    addi s6, s6, 1
    sw   s6, T_GEN(s4)
    slli t0, s6, 8
    or   t0, t0, s5
    sw   t0, T_TID(s4)
    sw   s5, T_SLOT(s4)
    li   t0, TS_INACTIVE
    sw   t0, T_STATE(s4)
    sw   s1, T_SPACE(s4)
    sw   s2, T_PAGER(s4)
    beqz s3, 3f
    addi a0, s4, T_NAME
    mv   a1, s3
    li   a2, 16
    call strlcpy
3:  mv   a0, s1
    call space_ptr
    lw   t0, S_NTHREADS(a0)
    addi t0, t0, 1
    sw   t0, S_NTHREADS(a0)
    mv   a0, s4
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# ---------------------------------------------------------------- the ready queue

# make_ready(a0 = tcb): READY, at the tail of the ready queue. Leaf.
make_ready:
    li   t0, TS_READY
    sw   t0, T_STATE(a0)
    sw   zero, T_TIMEOUT(a0)
    sw   zero, T_NEXT(a0)
    la   t0, ready_head
    lw   t1, 4(t0)
    beqz t1, 1f
    sw   a0, T_NEXT(t1)
    sw   a0, 4(t0)
    ret
1:  sw   a0, 0(t0)
    sw   a0, 4(t0)
    ret

# make_ready_front(a0 = tcb): READY, at the head of the ready queue (a thread that
# was interrupted before its slice was over). Leaf.
make_ready_front:
    li   t0, TS_READY
    sw   t0, T_STATE(a0)
    la   t0, ready_head
    lw   t1, 0(t0)
    sw   t1, T_NEXT(a0)
    sw   a0, 0(t0)
    bnez t1, 1f
    sw   a0, 4(t0)
1:  ret

# dequeue_ready() -> a0 = the head of the ready queue (removed), or 0. Leaf.
dequeue_ready:
    la   t0, ready_head
    lw   a0, 0(t0)
    beqz a0, 1f
    lw   t1, T_NEXT(a0)
    sw   t1, 0(t0)
    bnez t1, 1f
    sw   zero, 4(t0)
1:  ret

# ready_remove(a0 = tcb): take a READY thread out of the queue if it is there. Leaf.
ready_remove:
    la   t0, ready_head
    lw   t1, 0(t0)
    li   t2, 0                          # previous
1:  beqz t1, 9f
    beq  t1, a0, 2f
    mv   t2, t1
    lw   t1, T_NEXT(t1)
    j    1b
2:  lw   t1, T_NEXT(a0)
    bnez t2, 3f
    sw   t1, 0(t0)
    j    4f
3:  sw   t1, T_NEXT(t2)
4:  bnez t1, 9f
    sw   t2, 4(t0)
9:  ret

# wake(a0 = tcb): the thread may run again. If the current thread has just blocked,
# switch to it directly (the IPC fast path); otherwise queue it. Leaf.
wake:
.if MACH_IPC
    j    make_ready                     # Mach-style: always through the scheduler
.else
    la   t0, cur_tcb
    lw   t1, 0(t0)
    beqz t1, 1f
    lw   t2, T_STATE(t1)
    li   t3, TS_READY
    beq  t2, t3, 1f
    la   t2, next_direct
    lw   t3, 0(t2)
    bnez t3, 1f
    li   t3, TS_READY
    sw   t3, T_STATE(a0)
    sw   zero, T_TIMEOUT(a0)
    sw   a0, 0(t2)
    ret
1:  j    make_ready
.endif

# preempt(): the current thread's slice is over: to the tail of the queue. Leaf.
preempt:
    la   t0, cur_tcb
    lw   a0, 0(t0)
    beqz a0, 1f
    lw   t1, T_STATE(a0)
    li   t2, TS_READY
    bne  t1, t2, 1f
    sw   zero, 0(t0)
    j    make_ready
1:  ret

# block(a0 = tcb, a1 = state, a2 = partner, a3 = timeout ticks (-1 forever)): the
# thread waits. Leaf.
block:
    sw   a1, T_STATE(a0)
    sw   a2, T_PARTNER(a0)
    sw   zero, T_TIMEOUT(a0)
    addi t0, a3, 1
    beqz t0, 1f                         # forever
    la   t0, ticks
    lw   t0, 0(t0)
    add  t0, t0, a3
    addi t0, t0, 1                      # at least a whole tick
    sw   t0, T_TIMEOUT(a0)
    la   t1, next_timeout
    lw   t2, 0(t1)
    beqz t2, 2f
    bgeu t0, t2, 1f
2:  sw   t0, 0(t1)
1:  ret

# sendq_remove(a0 = sender tcb): take a SENDING thread off the send queue it is on.
# Leaf.
sendq_remove:
    lw   t0, T_WAITON(a0)
    beqz t0, 9f
    sw   zero, T_WAITON(a0)
    lw   t1, T_SQHEAD(t0)
    li   t2, 0
1:  beqz t1, 9f
    beq  t1, a0, 2f
    mv   t2, t1
    lw   t1, T_NEXT(t1)
    j    1b
2:  lw   t1, T_NEXT(a0)
    bnez t2, 3f
    sw   t1, T_SQHEAD(t0)
    j    4f
3:  sw   t1, T_NEXT(t2)
4:  bnez t1, 9f
    sw   t2, T_SQTAIL(t0)
9:  ret

# sendq_append(a0 = sender tcb, a1 = receiver tcb). Leaf.
sendq_append:
    sw   a1, T_WAITON(a0)
    sw   zero, T_NEXT(a0)
    lw   t0, T_SQTAIL(a1)
    beqz t0, 1f
    sw   a0, T_NEXT(t0)
    sw   a0, T_SQTAIL(a1)
    ret
1:  sw   a0, T_SQHEAD(a1)
    sw   a0, T_SQTAIL(a1)
    ret

# abort_ipc(a0 = tcb, a1 = status for it): whatever the thread waits for in IPC, it
# stops waiting; it becomes ready with t1 = status (not queued: the caller decides).
abort_ipc:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    lw   t0, T_STATE(s1)
    li   t1, TS_SENDING
    bne  t0, t1, 1f
    call sendq_remove
    j    2f
1:  li   t1, TS_READY
    bne  t0, t1, 2f
    mv   a0, s1                         # running or queued: out of the queue
    call ready_remove
2:  sw   s2, T_T1(s1)
    lw   t0, T_FLAGS(s1)
    andi t0, t0, ~(TH_CALL | TH_FAULT) & 0xFFFF
    sw   t0, T_FLAGS(s1)
    li   t0, TS_INACTIVE
    sw   t0, T_STATE(s1)
    sw   zero, T_TIMEOUT(s1)
    la   t0, next_direct
    lw   t1, 0(t0)
    bne  t1, s1, 3f
    sw   zero, 0(t0)
3:  EPILOGUE

# partner_gone(a0 = tid): every thread sending to it or waiting for a message from it
# specifically stops with IPC_ENOPARTNER.
partner_gone:
    PROLOGUE
    mv   s1, a0
    la   s2, tcb_table
    li   s3, NTHREAD
1:  lw   t0, T_STATE(s2)
    li   t1, TS_SENDING
    beq  t0, t1, 2f
    li   t1, TS_RECEIVING
    bne  t0, t1, 4f
2:  lw   t1, T_PARTNER(s2)
    bne  t1, s1, 4f
    mv   a0, s2
    li   a1, IPC_ENOPARTNER
    call abort_ipc
    mv   a0, s2
    call make_ready
4:  addi s2, s2, 1 << TCB_SHIFT
    addi s3, s3, -1
    bnez s3, 1b
    EPILOGUE

# thread_kill(a0 = tcb): delete the thread; its space too if it was the last one.
thread_kill:
    PROLOGUE
    mv   s1, a0
    li   a1, IPC_ECANCEL
    call abort_ipc
    lw   a0, T_TID(s1)
    call partner_gone
    mv   a0, s1
    call irq_detach
    la   t0, cur_tcb
    lw   t1, 0(t0)
    bne  t1, s1, 1f
    sw   zero, 0(t0)
1:  la   t0, last_tcb                   # (the slot may come back as another thread)
    lw   t1, 0(t0)
    bne  t1, s1, 11f
    sw   zero, 0(t0)
11: li   t0, TS_FREE
    sw   t0, T_STATE(s1)
    lw   s2, T_SPACE(s1)
    mv   a0, s2
    call space_ptr
    lw   t0, S_NTHREADS(a0)
    addi t0, t0, -1
    sw   t0, S_NTHREADS(a0)
    bnez t0, 9f
    mv   a0, s2
    call space_free
9:  EPILOGUE

# timeouts(): at a tick, end every finite wait that is due (IPC_ETIMEOUT).
timeouts:
    PROLOGUE
    la   t0, next_timeout
    lw   t1, 0(t0)
    beqz t1, 9f
    la   t2, ticks
    lw   t2, 0(t2)
    bltu t2, t1, 9f
    sw   zero, 0(t0)
    mv   s4, t2
    la   s2, tcb_table
    li   s3, NTHREAD
1:  lw   t0, T_TIMEOUT(s2)
    beqz t0, 4f
    bgtu t0, s4, 3f
    mv   a0, s2
    li   a1, IPC_ETIMEOUT
    call abort_ipc
    mv   a0, s2
    call make_ready
    j    4f
3:  la   t1, next_timeout               # still waiting: the earliest one is next
    lw   t2, 0(t1)
    beqz t2, 31f
    bgeu t0, t2, 4f
31: sw   t0, 0(t1)
4:  addi s2, s2, 1 << TCB_SHIFT
    addi s3, s3, -1
    bnez s3, 1b
9:  EPILOGUE

.data
    .balign 4
cur_tcb:      .word 0                   # the thread running (0: the kernel idles)
next_direct:  .word 0                   # the thread to switch to directly, if any
ready_head:   .word 0, 0                # head, tail
ticks:        .word 0
next_timeout: .word 0                   # earliest T_TIMEOUT (0: none)
.bss
    .balign 16
tcb_table:    .space NTHREAD << TCB_SHIFT
.text
