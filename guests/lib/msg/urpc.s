# urpc.s — a one-way message channel between two CPUs in shared memory (URPC).
#
# Concept: Barrelfish's URPC (user-level RPC, "UMP" in its sources; Baumann et al., The
# Multikernel, SOSP 2009, §4.6; seed: the OS-structure slides, "use message abstraction
# between CPU and devices"): the only thing two kernels that share no data structures
# share is a channel — a ring of cache-line-sized messages in memory both can reach,
# written by exactly one sender and read by exactly one receiver, so it needs no lock.
# The sender fills the next free slot and then publishes it by advancing its producer
# index; the receiver copies the oldest message out and then frees its slot by
# advancing its consumer index. Each index has a cache line of its own (on a machine
# with caches, sender and receiver would otherwise fight over one line). A receiver
# that wants to sleep instead of polling says so in its WAITING word; a sender that
# sees it set must notify it (an IPI) — that handshake is the caller's, this component
# only keeps the words. Pure loads and stores: the same code runs in a kernel (over
# kseg) and in a user program (over a page both processes map), and the messages of a
# channel reach their receiver in the order they were sent.
#
# Layout of a channel (URPC_SIZE bytes, URPC_LINE-aligned; indexes run freely, slot =
# index mod URPC_SLOTS):
#
#     +0          UC_TAIL     messages ever sent            } line 0: written by the
#     +4          UC_SENDS    sends refused (full), a statistic }   sender only
#     +URPC_LINE  UC_HEAD     messages ever taken           } line 1: written by the
#     +4          UC_WAITING  1: the receiver sleeps, notify it } receiver only
#     +2*LINE     UC_SLOTS    URPC_SLOTS messages of URPC_LINE bytes (URPC_WORDS words)
#
# Provides: urpc_init(a0 = channel), urpc_send(a0 = channel, a1 = message) -> 0 / -1
#   (full: nothing sent), urpc_recv(a0 = channel, a1 = buffer) -> 1 (a message copied
#   out) / 0 (empty), urpc_count(a0 = channel) -> messages in flight,
#   urpc_arm(a0 = channel) -> messages in flight (WAITING set: sleep only if 0),
#   urpc_disarm(a0 = channel), urpc_waiting(a0 = channel) -> WAITING,
#   URPC_LINE, URPC_WORDS, URPC_SIZE, UC_TAIL, UC_SENDS, UC_HEAD, UC_WAITING, UC_SLOTS
# Needs: config.inc
# Parameters: URPC_SLOTS (messages a channel holds, a power of two, default 32)
#
# Leaf routines: they change only a0 and t0-t3.

PARAM URPC_SLOTS, 32
.equ URPC_LINE, 64                      # a message: one cache line
.equ URPC_WORDS, URPC_LINE / 4
.equ UC_TAIL, 0
.equ UC_SENDS, 4
.equ UC_HEAD, URPC_LINE
.equ UC_WAITING, URPC_LINE + 4
.equ UC_SLOTS, 2 * URPC_LINE
.equ URPC_SIZE, UC_SLOTS + URPC_SLOTS * URPC_LINE

# urpc_init(a0 = channel): an empty channel, nobody waiting.
urpc_init:
    sw   zero, UC_TAIL(a0)
    sw   zero, UC_SENDS(a0)
    sw   zero, UC_HEAD(a0)
    sw   zero, UC_WAITING(a0)
    ret

# urpc_send(a0 = channel, a1 = message of URPC_WORDS words) -> 0, or -1 if the ring
# is full (the receiver has not freed a slot yet: try again later).
urpc_send:
    lw   t0, UC_TAIL(a0)
    lw   t1, UC_HEAD(a0)
    sub  t1, t0, t1
    li   t2, URPC_SLOTS
    bltu t1, t2, 1f
    lw   t1, UC_SENDS(a0)               # full
    addi t1, t1, 1
    sw   t1, UC_SENDS(a0)
    li   a0, -1
    ret
1:  andi t1, t0, URPC_SLOTS - 1         # the slot: fill it first ...
    slli t1, t1, 6                      # * URPC_LINE
    add  t1, t1, a0
    addi t1, t1, UC_SLOTS
    li   t2, URPC_WORDS
2:  lw   t3, 0(a1)
    sw   t3, 0(t1)
    addi a1, a1, 4
    addi t1, t1, 4
    addi t2, t2, -1
    bnez t2, 2b
    addi t0, t0, 1                      # ... then publish it (memory is sequentially
    sw   t0, UC_TAIL(a0)                # consistent: the receiver sees the words first)
    li   a0, 0
    ret

# urpc_recv(a0 = channel, a1 = buffer of URPC_WORDS words) -> 1 with the oldest
# message copied out and its slot freed, or 0 if the channel is empty.
urpc_recv:
    lw   t0, UC_HEAD(a0)
    lw   t1, UC_TAIL(a0)
    bne  t0, t1, 1f
    li   a0, 0
    ret
1:  andi t1, t0, URPC_SLOTS - 1
    slli t1, t1, 6
    add  t1, t1, a0
    addi t1, t1, UC_SLOTS
    li   t2, URPC_WORDS
2:  lw   t3, 0(t1)
    sw   t3, 0(a1)
    addi a1, a1, 4
    addi t1, t1, 4
    addi t2, t2, -1
    bnez t2, 2b
    addi t0, t0, 1                      # free the slot only after the copy
    sw   t0, UC_HEAD(a0)
    li   a0, 1
    ret

# urpc_count(a0 = channel) -> messages sent and not yet received.
urpc_count:
    lw   t0, UC_TAIL(a0)
    lw   t1, UC_HEAD(a0)
    sub  a0, t0, t1
    ret

# urpc_arm(a0 = channel) -> messages in flight. The receiver is about to sleep: it
# sets WAITING first and then looks again, so a message sent in between is either
# seen here (do not sleep) or sent after WAITING was set (its sender notifies).
urpc_arm:
    li   t0, 1
    sw   t0, UC_WAITING(a0)
    lw   t0, UC_TAIL(a0)
    lw   t1, UC_HEAD(a0)
    sub  a0, t0, t1
    ret

# urpc_disarm(a0 = channel): the receiver is awake (polling) again.
urpc_disarm:
    sw   zero, UC_WAITING(a0)
    ret

# urpc_waiting(a0 = channel) -> 1 if the receiver sleeps and must be notified.
urpc_waiting:
    lw   a0, UC_WAITING(a0)
    ret
