# mcomp.s — a memory component: the kernel of a "device" CPU that owns a part of RAM
# and serves the process component's page allocations, and nothing else (boot modules
# cpu1, cpu2, …: this file assembled at each component's own address, guest.toml).
#
# Concept: LegoOS's mComponent (Shan et al., OSDI 2018, §4.3; seed: the kernel-
# structures post: the kernel component for a device runs "on the device itself", and
# "a failed memory component … does not affect the correct functioning of all other
# components"). It is not a CPU driver: no processes, no scheduler, no system calls —
# a loop that takes requests from its incoming channels (the multikernel's URPC
# channels, guests/lib/msg/urpc.s, the same shared region and message format) and
# answers them, sleeping (wfi) until an IPI says a message is there. Its state — the
# free list of its frames (guests/lib/mm/kalloc.s over its own RAM), its counters — is
# its own: nobody else reads it; MT_STAT copies the counters out on request.
#
#   MT_MALLOC  a zeroed frame for process A0 (reply A0 = physical address, 0: none)
#   MT_MFREE   frame A0 is free again (no reply; a frame it does not own is counted, dropped)
#   MT_PING    an empty reply: the process component's heartbeat
#   MT_STAT    its counters into the asker's bulk buffer, then a reply
#   MT_MFAIL   fault injection: the component fails — it stops answering for good, as a
#              crashed device would (its CPU waits with every interrupt masked)
#
# Anything else is ignored. Every message is reported to the events device as the CPU
# drivers report theirs (MSG_SEND, MSG_RECV: `catch message`).

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.include "../monolithic/param.inc"
.include "abi.inc"
.include "../multikernel/param.inc"
.include "param.inc"
.include "msg/urpc.s"
.include "../multikernel/shared.inc"

.text
.global _start
_start:
    la   sp, stack_top
    la   t0, mc_trap
    csrw tvec, t0
    csrw ienable, zero
    csrr t0, cpuid
    la   t1, my_cpu
    sw   t0, 0(t1)
    li   t0, BOOTINFO                   # the shared region (as boot.s mk_shared_init)
    lw   t0, BI_FREE(t0)
    li   t1, 0xFFF
    add  t0, t0, t1
    not  t1, t1
    and  t0, t0, t1
    li   t1, KSEG
    add  t0, t0, t1
    la   t1, shared
    sw   t0, 0(t1)
    call my_core
    mv   s1, a0
    lw   t0, CD_NCPU(s1)
    la   t1, mk_ncpu
    sw   t0, 0(t1)
    lw   a0, CD_MEM(s1)                 # its RAM: the free list of its frames
    lw   a1, CD_MEMEND(s1)
    li   t0, KSEG
    add  a0, a0, t0
    add  a1, a1, t0
    call kinit
    la   t0, kfree_pages
    lw   t0, 0(t0)
    la   t1, mstats + MS_FREE
    sw   t0, 0(t1)
    sw   zero, CD_PROCTAB(s1)           # publish: no processes, no replica; counters
    sw   zero, CD_PDIR(s1)
    la   t0, mstats
    sw   t0, CD_STATS(s1)
    sw   zero, CD_MODE(s1)
    li   t0, IRQB_IPI                   # wfi wakes on an IPI (IE stays off)
    csrw ienable, t0
    li   t0, 2
    sw   t0, CD_STATE(s1)               # up
    j    mc_loop

# my_core() -> a0 = this component's core-data record. Leaf.
my_core:
    la   t0, my_cpu
    lw   a0, 0(t0)
    li   t0, CD_SIZE
    mul  a0, a0, t0
    la   t0, shared
    lw   t0, 0(t0)
    add  a0, a0, t0
    ret

# chan_at(a0 = sender, a1 = receiver) -> the channel sender -> receiver. Leaf.
chan_at:
    li   t0, MAXCPU
    mul  a0, a0, t0
    add  a0, a0, a1
    li   t0, URPC_SIZE
    mul  a0, a0, t0
    la   t0, shared
    lw   t0, 0(t0)
    add  a0, a0, t0
    li   t0, SH_CHAN
    add  a0, a0, t0
    ret

# flow(a0 = sender, a1 = receiver, a2 = index) -> the flow id (chan.s flow_id). Leaf.
flow:
    slli a0, a0, 28
    slli a1, a1, 24
    or   a0, a0, a1
    li   t0, 0xFFFFFF
    and  a2, a2, t0
    or   a0, a0, a2
    ret

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

# mc_loop: take every message from every incoming channel and handle it; with none
# waiting, say so (WAITING on each channel) and wait for an IPI.
mc_loop:
    addi sp, sp, -URPC_LINE
1:  li   s1, 0                          # sender
    li   s2, 0                          # messages taken this round
2:  la   t0, mk_ncpu
    lw   t0, 0(t0)
    bge  s1, t0, 5f
    la   t0, my_cpu
    lw   a1, 0(t0)
    beq  s1, a1, 4f
    mv   a0, s1
    call chan_at
    mv   s3, a0
3:  lw   s4, UC_HEAD(s3)
    mv   a0, s3
    mv   a1, sp
    call urpc_recv
    beqz a0, 4f
    addi s2, s2, 1
    la   t0, mstats + ST_RECV
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    la   t0, my_cpu
    lw   a1, 0(t0)
    mv   a0, s1
    mv   a2, s4
    call flow
    EMIT EV_MSG_RECV, a0, s1
    mv   a0, sp
    call mc_handle
    j    3b
4:  addi s1, s1, 1
    j    2b
5:  la   t0, mstats + ST_POLLS
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    bnez s2, 1b
    la   t0, mstats + ST_EMPTY
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    li   a0, 1                          # arm every incoming channel
    call arm_all
    bnez a0, 6f                         # something came in meanwhile
    wfi
    li   t0, IPI_ACK
    sw   zero, 0(t0)
    la   t0, mstats + ST_IPI_RECV
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
6:  li   a0, 0
    call arm_all
    j    1b

# arm_all(a0 = 1 arm / 0 disarm) -> a0 = messages in flight on the incoming channels.
arm_all:
    PROLOGUE
    mv   s1, a0
    li   s2, 0                          # sender
    li   s3, 0
1:  la   t0, mk_ncpu
    lw   t0, 0(t0)
    bge  s2, t0, 9f
    la   t0, my_cpu
    lw   a1, 0(t0)
    beq  s2, a1, 3f
    mv   a0, s2
    call chan_at
    beqz s1, 2f
    call urpc_arm
    add  s3, s3, a0
    j    3f
2:  call urpc_disarm
3:  addi s2, s2, 1
    j    1b
9:  mv   a0, s3
    EPILOGUE

# mc_handle(a0 = message): one request.
mc_handle:
    PROLOGUE
    mv   s1, a0
    lw   t0, M_TYPE(s1)
    andi t0, t0, 0xFF
    li   t1, MT_MALLOC
    beq  t0, t1, 10f
    li   t1, MT_MFREE
    beq  t0, t1, 20f
    li   t1, MT_PING
    beq  t0, t1, 30f
    li   t1, MT_STAT
    beq  t0, t1, 40f
    li   t1, MT_MFAIL
    beq  t0, t1, 50f
    EPILOGUE                            # not ours: ignored
10: call kalloc                         # MT_MALLOC: a zeroed frame of ours
    beqz a0, 11f
    li   t0, KSEG
    sub  a0, a0, t0
    la   t0, mstats + MS_INUSE
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    la   t0, mstats + MS_ALLOCS
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
11: mv   a1, a0
    j    90f
20: lw   a0, M_A0(s1)                   # MT_MFREE: one of ours?
    call my_core
    lw   t0, CD_MEM(a0)
    lw   t1, CD_MEMEND(a0)
    lw   a0, M_A0(s1)
    bltu a0, t0, 21f
    bgeu a0, t1, 21f
    andi t0, a0, 0xFFF
    bnez t0, 21f
    li   t0, KSEG
    add  a0, a0, t0
    call kfree
    la   t0, mstats + MS_INUSE
    lw   t1, 0(t0)
    addi t1, t1, -1
    sw   t1, 0(t0)
    la   t0, mstats + MS_FREES
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    j    95f
21: la   t0, mstats + MS_BADFREE
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    j    95f
30: li   a1, 0                          # MT_PING
    j    90f
40: la   t0, kfree_pages                # MT_STAT: the counters, into the asker's bulk
    lw   t0, 0(t0)
    la   t1, mstats + MS_FREE
    sw   t0, 0(t1)
    mv   a0, s1
    call msg_src
    lw   t0, M_SLOT(s1)
    andi t0, t0, 0xFF
    li   t1, NREQ
    mul  a0, a0, t1
    add  a0, a0, t0
    li   t1, BULK_SIZE
    mul  a0, a0, t1
    la   t0, shared
    lw   t0, 0(t0)
    add  a0, a0, t0
    li   t1, SH_BULK
    add  a0, a0, t1
    la   a1, mstats
    li   a2, ST_SIZE
1:  lw   t0, 0(a1)
    sw   t0, 0(a0)
    addi a0, a0, 4
    addi a1, a1, 4
    addi a2, a2, -4
    bnez a2, 1b
    li   a1, 0
    j    90f
50: call my_core                        # MT_MFAIL: fail, for good
    li   t0, CD_FAILED
    sw   t0, CD_STATE(a0)
    csrw ienable, zero
51: wfi
    j    51b
90: mv   a0, s1                         # reply A0 = a1
    call reply
95: EPILOGUE

# msg_src(a0 = message) -> its sender. Leaf.
msg_src:
    lw   a0, M_TYPE(a0)
    srli a0, a0, 8
    andi a0, a0, 0xFF
    ret

# reply(a0 = request, a1 = result A0): the request becomes its answer (MT_REPLY to
# the same slot) and goes back to its sender, with an IPI if the sender sleeps. A full
# channel (the process component is not reading) drops the answer: the asker's
# deadline covers it.
reply:
    PROLOGUE
    mv   s1, a0
    sw   a1, M_A0(s1)
    call msg_src
    mv   s2, a0
    la   t0, my_cpu
    lw   s3, 0(t0)
    slli t0, s3, 8
    ori  t0, t0, MT_REPLY
    sw   t0, M_TYPE(s1)
    mv   a0, s3
    mv   a1, s2
    call chan_at
    mv   s4, a0
    lw   s5, UC_TAIL(s4)
    mv   a1, s1
    call urpc_send
    bnez a0, 9f
    la   t0, mstats + ST_SENT
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    mv   a0, s3
    mv   a1, s2
    mv   a2, s5
    call flow
    EMIT EV_MSG_SEND, a0, s2
    mv   a0, s4
    call urpc_waiting
    beqz a0, 9f
    li   t0, IPI_SEND
    sw   s2, 0(t0)
    la   t0, mstats + ST_IPI_SENT
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    EMIT EV_NOTIFY, s3, s2
9:  EPILOGUE

# mc_trap: a trap in the component's own code is a crash: it fails (as MT_MFAIL).
mc_trap:
    call my_core
    li   t0, CD_FAILED
    sw   t0, CD_STATE(a0)
    csrw ienable, zero
1:  wfi
    j    1b

.include "mm/kalloc.s"

.data
    .balign 4
my_cpu:  .word 0
mk_ncpu: .word 1
shared:  .word 0
    .balign 16
mstats:  .space ST_SIZE                 # ST_* message counters, then MS_* (param.inc)

.bss
    .balign 16
stack:     .space 4096
stack_top:
