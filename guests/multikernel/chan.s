# chan.s — this CPU driver's end of the message channels: the shared region's layout,
# sending (with a notification when the receiver sleeps), polling every incoming
# channel, and the counters of both.
#
# Concept: the multikernel's only communication (Baumann et al., §3.1 "Make all
# inter-core communication explicit", §4.6): one URPC channel (guests/lib/msg/urpc.s)
# per ordered pair of CPUs, so each channel has one writer and one reader and no lock.
# A receiver either *polls* — its monitor looks at every incoming channel each time it
# runs and never sleeps — or sleeps and is *notified*: before sleeping it sets WAITING
# in each incoming channel, and a sender that finds WAITING set sends an IPI, which
# wakes it (trap.s devintr -> chan_notified). The choice is the notification mode
# (NOTIFY, `mkmode`); ST_POLLS/ST_EMPTY and ST_IPI_SENT/ST_IPI_RECV count each side.
# Every message is reported to the events device (MSG_SEND, MSG_RECV with a flow id
# unique per message, NOTIFY for an IPI): `catch message`, timelines.

.include "shared.inc"

# EMIT code, arg0, arg1 (registers): report a software event (t0 scratch).
.macro EMIT code, a0r, a1r
.if MK_EVENTS
    li   t0, EVENTS_ARG0
    sw   \a0r, 0(t0)
    li   t0, EVENTS_ARG1
    sw   \a1r, 0(t0)
    li   t0, EVENTS_EMIT
    li   t1, \code
    sw   t1, 0(t0)
.endif
.endm

# chan_out(a0 = destination CPU) -> a0 = the channel (this CPU -> it). Leaf.
chan_out:
    la   t0, my_cpu
    lw   t0, 0(t0)
    li   t1, MAXCPU
    mul  t0, t0, t1
    add  a0, a0, t0
    j    chan_at
# chan_in(a0 = source CPU) -> a0 = the channel (it -> this CPU). Leaf.
chan_in:
    li   t1, MAXCPU
    mul  a0, a0, t1
    la   t0, my_cpu
    lw   t0, 0(t0)
    add  a0, a0, t0
chan_at:                                # a0 = index i*MAXCPU + j
    li   t1, URPC_SIZE
    mul  a0, a0, t1
    la   t0, shared
    lw   t0, 0(t0)
    add  a0, a0, t0
    li   t1, SH_CHAN
    add  a0, a0, t1
    ret

# bulk_of(a0 = CPU, a1 = its request slot) -> a0 = that request's bulk buffer. Leaf.
bulk_of:
    li   t0, NREQ
    mul  a0, a0, t0
    add  a0, a0, a1
    li   t0, BULK_SIZE
    mul  a0, a0, t0
    la   t0, shared
    lw   t0, 0(t0)
    add  a0, a0, t0
    li   t0, SH_BULK
    add  a0, a0, t0
    ret

# chan_send(a0 = destination CPU, a1 = message): stamp word 0 with this CPU, put the
# message on the channel (waiting, by yielding, while it is full), report it, and
# notify the receiver if it sleeps (notification mode).
chan_send:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    lw   t0, M_TYPE(s2)                 # type | source << 8
    andi t0, t0, 0xFF
    la   t1, my_cpu
    lw   t1, 0(t1)
    slli t1, t1, 8
    or   t0, t0, t1
    sw   t0, M_TYPE(s2)
    mv   a0, s1
    call chan_out
    mv   s3, a0
1:  lw   s4, UC_TAIL(s3)                # the flow id: this message's index
    mv   a0, s3
    mv   a1, s2
    call urpc_send
    beqz a0, 2f
    la   t0, stats + ST_FULL            # full: let the receiver catch up
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    call yield
    j    1b
2:  la   t0, stats + ST_SENT
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    mv   a0, s1
    mv   a1, s4
    call flow_id
    EMIT EV_MSG_SEND, a0, s1
    mv   a0, s3
    call urpc_waiting
    beqz a0, 3f
    li   t0, IPI_SEND                   # the receiver sleeps: notify it
    sw   s1, 0(t0)
    la   t0, stats + ST_IPI_SENT
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    la   t0, my_cpu
    lw   t2, 0(t0)
    EMIT EV_NOTIFY, t2, s1
3:  EPILOGUE

# flow_id(a0 = the other CPU, a1 = index on the channel) -> a0 = a flow id naming one
# message: sender << 28 | receiver << 24 | index (the same at both ends). Leaf.
flow_id:
    la   t0, my_cpu
    lw   t0, 0(t0)
    li   t1, 0xFFFFFF
    and  a1, a1, t1
    slli t1, t0, 28                     # sending: me << 28 | other << 24
    slli t2, a0, 24
    or   t1, t1, t2
    or   a0, t1, a1
    ret
# flow_in(a0 = sender CPU, a1 = index) -> the flow id of a received message. Leaf.
flow_in:
    la   t0, my_cpu
    lw   t0, 0(t0)
    li   t1, 0xFFFFFF
    and  a1, a1, t1
    slli t1, a0, 28
    slli t2, t0, 24
    or   t1, t1, t2
    or   a0, t1, a1
    ret

# chan_poll_all() -> a0 = messages received: take every message from every incoming
# channel, in CPU order, and hand each to the monitor (monitor_dispatch).
chan_poll_all:
    PROLOGUE
    addi sp, sp, -URPC_LINE
    li   s1, 0                          # source CPU
    li   s2, 0                          # received
1:  la   t0, mk_ncpu
    lw   t0, 0(t0)
    bge  s1, t0, 8f
    la   t0, my_cpu
    lw   t0, 0(t0)
    beq  s1, t0, 4f
    mv   a0, s1
    call chan_in
    mv   s3, a0
2:  lw   s4, UC_HEAD(s3)
    mv   a0, s3
    mv   a1, sp
    call urpc_recv
    beqz a0, 4f
    addi s2, s2, 1
    la   t0, stats + ST_RECV
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    mv   a0, s1
    mv   a1, s4
    call flow_in
    EMIT EV_MSG_RECV, a0, s1
    mv   a0, sp
    call monitor_dispatch
    j    2b
4:  addi s1, s1, 1
    j    1b
8:  la   t0, stats + ST_POLLS
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    bnez s2, 9f
    la   t0, stats + ST_EMPTY
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
9:  mv   a0, s2
    addi sp, sp, URPC_LINE
    EPILOGUE

# chan_arm() -> a0 = messages already waiting: set WAITING on every incoming channel
# before the monitor sleeps (0: sleep; anything else: disarmed again, do not sleep).
chan_arm:
    PROLOGUE
    li   s1, 0
    li   s2, 0
1:  la   t0, mk_ncpu
    lw   t0, 0(t0)
    bge  s1, t0, 3f
    la   t0, my_cpu
    lw   t0, 0(t0)
    beq  s1, t0, 2f
    mv   a0, s1
    call chan_in
    call urpc_arm
    add  s2, s2, a0
2:  addi s1, s1, 1
    j    1b
3:  beqz s2, 4f
    call chan_disarm
4:  mv   a0, s2
    EPILOGUE

# chan_disarm(): the monitor is awake: clear WAITING on every incoming channel.
chan_disarm:
    PROLOGUE
    li   s1, 0
1:  la   t0, mk_ncpu
    lw   t0, 0(t0)
    bge  s1, t0, 3f
    la   t0, my_cpu
    lw   t0, 0(t0)
    beq  s1, t0, 2f
    mv   a0, s1
    call chan_in
    call urpc_disarm
2:  addi s1, s1, 1
    j    1b
3:  EPILOGUE

# chan_notified(): an IPI arrived (trap.s): count it and wake the monitor (which
# sleeps on its own process, so that an adopted child's exit wakes it too).
chan_notified:
    PROLOGUE
    la   t0, stats + ST_IPI_RECV
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    la   t0, monitor_proc
    lw   a0, 0(t0)
    beqz a0, 1f
    call wakeup
1:  EPILOGUE

# tick_hook(): every timer tick, requests with a deadline are woken to check it
# (monitor.s).
tick_hook:
    j    rpc_tick

.data
    .balign 4
my_cpu:      .word 0                    # this CPU's number
mk_ncpu:     .word 1                    # CPUs running a CPU driver (or a component)
npeers:      .word 1                    # CPUs whose monitors take part in agreements
shared:      .word 0                    # kseg address of the shared region
notify_mode: .word NOTIFY               # 0 poll, 1 notify by IPI
    .balign 16
stats:       .space ST_SIZE             # this CPU driver's counters
.text
