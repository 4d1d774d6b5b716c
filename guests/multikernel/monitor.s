# monitor.s — the monitor: one per CPU, the only code that reads the CPU's incoming
# channels; and the request slots through which a process of this CPU asks another
# CPU for something and waits for the answer (a remote procedure call).
#
# Concept: Barrelfish's monitor (Baumann et al., §4.4 "Monitors … collectively
# coordinate system-wide state … the monitors are responsible for interprocess
# communication setup, and for waking up blocked local processes in response to
# messages from other cores"). In Barrelfish it is a user-level process; here it is a
# kernel thread of the CPU driver (a process slot that never enters ring 3, `monitor`
# in the process table), so that it can sleep and be scheduled like one. Its loop:
# take every message (chan_poll_all), hand each to its handler, reap the processes it
# adopted (spawn.s), then either run again at once (poll mode) or sleep until an IPI or
# the next tick (notification mode).
#
# A request slot belongs to one waiting context (a process in a system call, or a
# coordinator of an agreement). Its number travels in the request (M_SLOT, with a
# generation in the high bits so a late answer to a timed-out request is dropped); the
# answer comes back as MT_REPLY or MT_VOTE to that slot, and the monitor wakes the
# waiter. The slot's bulk buffer in the shared region (chan.s bulk_of) carries data
# that does not fit in a message: a path, a block, the arguments of a new process.

# monitor_main: the body of the monitor thread (boot.s starts it). Never returns.
monitor_main:
    la   t0, curproc
    lw   t0, 0(t0)
    la   t1, monitor_proc
    sw   t0, 0(t1)
1:  call chan_poll_all
    call reap_adopted                   # spawn.s
.ifdef MONITOR_HOOKS
    call monitor_idle                   # the kernel's own periodic work (a disk to poll)
.endif
    la   t0, notify_mode
    lw   t0, 0(t0)
    bnez t0, 2f
    li   t0, ST_IE                      # poll mode: this CPU's scheduler is never idle,
    csrs status, t0                     # so the interrupts it would take there (timer,
    nop                                 # devices) are let in here
    csrc status, t0
    call yield                          # stay runnable, look again soon
    j    1b
2:  call chan_arm                       # notification mode: sleep unless something
    bnez a0, 1b                         # arrived while arming
    la   t0, monitor_proc               # (on itself: an IPI or an adopted child's
    lw   a0, 0(t0)                      # exit wakes it)
    call sleep
    call chan_disarm
    j    1b

# monitor_dispatch(a0 = message): run the handler of one incoming message (in the
# monitor thread; handlers never sleep — they answer at once or hand work to a thread).
monitor_dispatch:
    PROLOGUE
    mv   s1, a0
.ifdef MONITOR_HOOKS
    call monitor_filter                 # 0: taken care of there (dropped, or its own type)
    beqz a0, 9f
.endif
    lw   t0, M_TYPE(s1)
    andi t0, t0, 0xFF
    sltiu t1, t0, NMT
    beqz t1, 9f
    slli t0, t0, 2
    la   t1, handlers
    add  t0, t0, t1
    lw   t0, 0(t0)
    beqz t0, 9f
    mv   a0, s1
    jalr ra, t0, 0
9:  EPILOGUE

# msg_src(a0 = message) -> a0 = the CPU that sent it. Leaf.
msg_src:
    lw   a0, M_TYPE(a0)
    srli a0, a0, 8
    andi a0, a0, 0xFF
    ret

# ---------------------------------------------------------------- request slots

# rpc_alloc() -> a0 = a free slot number (waits for one). Its state becomes waiting
# with nothing expected yet; its message buffer is cleared.
rpc_alloc:
    PROLOGUE
1:  la   s1, rslots
    li   s2, 0
2:  lw   t0, RS_STATE(s1)
    beqz t0, 3f
    addi s1, s1, RS_SIZE
    addi s2, s2, 1
    li   t0, NREQ
    blt  s2, t0, 2b
    la   a0, rslots                     # all busy: wait for one to be freed
    call sleep
    j    1b
3:  li   t0, 1
    sw   t0, RS_STATE(s1)
    sw   zero, RS_NEED(s1)
    sw   zero, RS_NO(s1)
    sw   zero, RS_DEADLINE(s1)
    addi a0, s1, RS_MSG
    li   a1, 0
    li   a2, URPC_LINE
    call memset
    mv   a0, s2
    EPILOGUE

# rpc_free(a0 = slot): give it back; its generation advances (late answers are dropped).
rpc_free:
    PROLOGUE
    call rpc_slot
    sw   zero, RS_STATE(a0)
    sw   zero, RS_NEED(a0)
    lw   t0, RS_GEN(a0)
    addi t0, t0, 1
    sw   t0, RS_GEN(a0)
    la   a0, rslots
    call wakeup
    EPILOGUE

# rpc_slot(a0 = slot) -> a0 = its address. Leaf.
rpc_slot:
    andi a0, a0, 0xFF
    li   t0, RS_SIZE
    mul  a0, a0, t0
    la   t0, rslots
    add  a0, a0, t0
    ret

# rpc_tag(a0 = slot) -> a0 = the slot number to put in M_SLOT (slot | generation << 8).
rpc_tag:
    mv   t2, a0
    li   t0, RS_SIZE
    mul  t0, a0, t0
    la   t1, rslots
    add  t0, t0, t1
    lw   t0, RS_GEN(t0)
    slli t0, t0, 8
    or   a0, t2, t0
    ret

# rpc_call(a0 = destination CPU, a1 = message, a2 = slot, a3 = timeout in ticks or 0)
#   -> a0 = 0 with the answer in the slot's RS_MSG, or -1 if none came in time.
# Sends the request tagged with the slot and sleeps until the monitor delivers the
# answer.
rpc_call:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   a0, s3
    call rpc_tag
    sw   a0, M_SLOT(s2)
    mv   a0, s3
    call rpc_slot
    mv   s4, a0
    li   t0, 1
    sw   t0, RS_NEED(s4)
    sw   a3, RS_DEADLINE(s4)
    beqz a3, 1f
    la   t0, ticks
    lw   t0, 0(t0)
    add  t0, t0, a3
    sw   t0, RS_DEADLINE(s4)
1:  mv   a0, s1
    mv   a1, s2
    call chan_send
    mv   a0, s4
    call rpc_wait
    EPILOGUE

# rpc_wait(a0 = slot address) -> 0 when every answer expected has come, -1 at its
# deadline (RS_DEADLINE, in ticks; 0: none).
rpc_wait:
    PROLOGUE
    mv   s1, a0
1:  lw   t0, RS_NEED(s1)
    beqz t0, 8f
    lw   t1, RS_DEADLINE(s1)
    beqz t1, 2f
    la   t0, ticks
    lw   t0, 0(t0)
    sub  t0, t0, t1
    bge  t0, zero, 9f
2:  mv   a0, s1
    call sleep
    j    1b
8:  li   a0, 0
    EPILOGUE
9:  li   a0, -1
    EPILOGUE

# rpc_tick(): wake every request that has a deadline, to look at the clock (chan.s).
rpc_tick:
    PROLOGUE
    la   s1, rslots
    li   s2, NREQ
1:  lw   t0, RS_STATE(s1)
    beqz t0, 2f
    lw   t0, RS_DEADLINE(s1)
    beqz t0, 2f
    mv   a0, s1
    call wakeup
2:  addi s1, s1, RS_SIZE
    addi s2, s2, -1
    bnez s2, 1b
    EPILOGUE

# on_reply(a0 = message): an answer to one of our slots: keep it, count it down, wake
# its waiter when the last expected one is in. An answer for another generation of the
# slot (its request timed out) is dropped.
on_reply:
    PROLOGUE
    mv   s1, a0
    lw   s2, M_SLOT(s1)
    andi a0, s2, 0xFF
    sltiu t0, a0, NREQ
    beqz t0, 9f
    call rpc_slot
    mv   s3, a0
    lw   t0, RS_STATE(s3)
    beqz t0, 9f
    lw   t0, RS_GEN(s3)
    srli t1, s2, 8
    bne  t0, t1, 9f
    lw   t0, RS_NEED(s3)
    beqz t0, 9f
    addi t0, t0, -1
    sw   t0, RS_NEED(s3)
    lw   t1, M_TYPE(s1)                 # a vote: remember a refusal
    andi t1, t1, 0xFF
    li   t2, MT_VOTE
    bne  t1, t2, 1f
    lw   t1, M_A0(s1)
    bnez t1, 1f
    lw   t1, M_A1(s1)
    sw   t1, RS_NO(s3)
1:  addi a0, s3, RS_MSG
    mv   a1, s1
    li   a2, URPC_LINE
    call memmove
    lw   t0, RS_NEED(s3)
    bnez t0, 9f
    mv   a0, s3
    call wakeup
9:  EPILOGUE

# reply(a0 = request message, a1 = result A0, a2 = A1, a3 = A2): answer a request in
# place (the buffer becomes the answer: type MT_REPLY to the same slot) and send it
# back to its sender.
reply:
    PROLOGUE
    mv   s1, a0
    sw   a1, M_A0(s1)
    sw   a2, M_A1(s1)
    sw   a3, M_A2(s1)
    call msg_src
    li   t0, MT_REPLY
    sw   t0, M_TYPE(s1)
    mv   a1, s1
    call chan_send
    EPILOGUE

# on_ping(a0 = message): answer at once (the round-trip benchmark, mkping).
on_ping:
    li   a1, 0
    li   a2, 0
    li   a3, 0
    j    reply

# on_mode(a0 = message): the notification mode of this CPU from now on.
on_mode:
    lw   t0, M_A0(a0)
    la   t1, notify_mode
    sw   t0, 0(t1)
    ret

# on_kill(a0 = message): kill a process of this CPU for another CPU -> 0 / -ESRCH.
on_kill:
    PROLOGUE
    mv   s1, a0
    lw   a0, M_A0(s1)
    call kill                           # ../monolithic/proc.s
    mv   a1, a0
    mv   a0, s1
    li   a2, 0
    li   a3, 0
    call reply
    EPILOGUE

.rodata
    .balign 4
handlers:                               # by message type (param.inc MT_*)
    .word 0, on_reply, on_prepare, on_reply, on_decide, on_decide, on_svc, on_kill
    .word on_exit, on_ping, on_mode, on_rename, on_stat
.data
    .balign 4
monitor_proc: .word 0                   # this CPU's monitor thread
.bss
    .balign 16
rslots:       .space NREQ * RS_SIZE     # the request slots
.text
