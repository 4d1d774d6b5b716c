# update.s — a bare-metal comparison kernel for Baumann's figure: N CPUs update one
# structure, either shared and protected by a spin lock, or replicated and kept up to
# date by messages. (benchmarks/bench_multikernel.py boots it for N = 1, 2, 4, 8.)
#
# Concept: the multikernel's argument (Baumann et al., The Multikernel, §2.5 and
# Figure 3: "Comparison of the cost of updating shared state using shared memory and
# message passing"): when every core writes shared data, each update waits for the
# others (and on real hardware moves the cache lines); when each core owns its data
# and sends updates as messages, nobody waits for a lock. Every CPU runs this same
# image (it is a benchmark, not an OS: per-CPU data are arrays indexed by cpuid) and
# performs UPDATES updates of a WORDS-word record:
#
#   MODE 0  shared:   take the spin lock (cas), update the one shared record, release.
#   MODE 1  replicas: update its own replica, then send the update (a URPC message,
#           guests/lib/msg/urpc.s) to every other CPU, which applies it to its own
#           replica when it polls; a CPU is done when it has sent its updates and
#           applied everyone else's.
#   MODE 2  owner:    send the update to CPU 0, which owns the record and applies
#           every CPU's updates (Baumann's "MSG" clients and server).
#
# The SMP monolithic kernel's locks can replace MODE 0 once that kernel exists (README).
# CPU 0 starts the others (IPI START), releases them together, waits for all, checks
# the result and prints one line:
#   update: mode M, N cpus, U updates each: C cycles (slowest CPU), P cycles per update,
#   S lock spins, F full channels
# then halts. Time is each CPU's cycle counter (ISA.md §10: CPUs run round-robin
# quanta, so a CPU that spins on a lock burns its quantum while the holder waits for
# its next turn).
#
# ringvm has no caches: on it, memory that every CPU writes costs nothing more than
# private memory, and the lock's waiting is the whole cost of sharing. What makes shared
# memory expensive on Baumann's machines is moving cache lines between cores, so with
# LINE_COST > 0 this kernel *models* it (a software directory, `touch`): a CPU that
# touches a 64-byte line another CPU touched last pays LINE_COST cycles (a delay) and
# takes the line — the record's lines and the lock's under MODE 0, the channel's slot
# and index lines under MODES 1 and 2 (each message moves them). LINE_COST = 0 (the
# default) is the machine as it is.

.include "ringvm.inc"
.include "base/config.inc"

.ifndef MODE
.equ MODE, 0
.endif
.ifndef UPDATES
.equ UPDATES, 200
.endif
.ifndef WORDS
.equ WORDS, 16
.endif
.ifndef LINE_COST
.equ LINE_COST, 0
.endif
.equ MAXN, 8

.text
.global _start
_start:
    csrr s0, cpuid                      # s0 = this CPU
    la   sp, stacks                     # a 1 KiB stack each
    addi t0, s0, 1
    slli t0, t0, 10
    add  sp, sp, t0
    bnez s0, wait_go
    li   t0, SYSCTL_NCPUS               # CPU 0: how many, then start the others
    lw   s1, 0(t0)
    li   t0, MAXN
    bleu s1, t0, 1f
    mv   s1, t0
1:  la   t0, ncpu
    sw   s1, 0(t0)
    la   t0, _start
    li   t1, IPI_START_PC
    sw   t0, 0(t1)
    li   s2, 1
3:  bge  s2, s1, 4f
    li   t0, IPI_START
    sw   s2, 0(t0)
    addi s2, s2, 1
    j    3b
4:  la   t0, ready                      # wait until all are at the barrier
    lw   t0, 0(t0)
    addi t1, s1, -1
    blt  t0, t1, 4b
    la   t0, go
    li   t1, 1
    sw   t1, 0(t0)
    j    bench
wait_go:
    la   t0, ready                      # (cas: several CPUs count at once)
5:  lw   t1, 0(t0)
    addi t2, t1, 1
    mv   t3, t1
    cas  t1, t2, (t0)
    bne  t1, t3, 5b                     # someone counted meanwhile: again
    la   t0, go
6:  lw   t1, 0(t0)
    beqz t1, 6b

# bench: s0 = CPU. Time UPDATES updates in MODE; record the cycles; CPU 0 reports.
bench:
    la   t0, ncpu
    lw   s1, 0(t0)
    csrr s2, cycle                      # start
    li   s3, 0                          # updates done
    li   s4, 0                          # updates received (modes 1, 2)
.if MODE == 0
1:  li   t0, UPDATES
    bge  s3, t0, 9f
    la   a0, lock
    call spin_lock
    la   a0, shared_rec
    mv   a1, s0
    call apply
    la   a0, lock
    sw   zero, 0(a0)                    # release
    addi s3, s3, 1
    j    1b
.elseif MODE == 1
1:  li   t0, UPDATES
    bge  s3, t0, 5f
    mv   a0, s0                         # my replica first
    call replica
    mv   a1, s0
    call apply
    li   s5, 0                          # then a message to every other CPU
2:  bge  s5, s1, 4f
    beq  s5, s0, 3f
    mv   a0, s5
    mv   a1, s3
    call send_update
3:  addi s5, s5, 1
    j    2b
4:  call drain
    addi s3, s3, 1
    j    1b
5:  addi t0, s1, -1                     # everyone else's updates still to come?
    li   t1, UPDATES
    mul  t0, t0, t1
    bge  s4, t0, 9f
    call drain
    j    5b
.else
    bnez s0, 2f
    addi t0, s1, -1                     # CPU 0: the owner. Its own updates, then the
    li   t1, UPDATES                    # others' as they come
    mul  s6, t0, t1
1:  li   t0, UPDATES
    bge  s3, t0, 11f
    la   a0, shared_rec
    mv   a1, s0
    call apply
    addi s3, s3, 1
    call drain
    j    1b
11: bge  s4, s6, 9f
    call drain
    j    11b
2:  li   t0, UPDATES                    # a client: send every update to CPU 0
    bge  s3, t0, 9f
    li   a0, 0
    mv   a1, s3
    call send_update
    addi s3, s3, 1
    j    2b
.endif
9:  csrr t0, cycle
    sub  t0, t0, s2
    la   t1, elapsed
    slli t2, s0, 2
    add  t1, t1, t2
    sw   t0, 0(t1)
    la   t0, finished                   # (cas, as for ready)
7:  lw   t1, 0(t0)
    addi t2, t1, 1
    mv   t3, t1
    cas  t1, t2, (t0)
    bne  t1, t3, 7b
    bnez s0, idle
8:  la   t0, finished                   # CPU 0: wait for everyone, then report
    lw   t0, 0(t0)
    blt  t0, s1, 8b
    j    report
idle:
    wfi
    j    idle

# spin_lock(a0 = lock word): cas 0 -> 1 until it works; count the failed attempts.
spin_lock:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   a0, 8(sp)
1:  lw   a0, 8(sp)
    call touch                          # the lock's line comes here for the cas
    lw   a0, 8(sp)
    li   t1, 1
    li   t0, 0
    cas  t0, t1, (a0)
    beqz t0, 2f
    la   t2, spins
    slli t3, s0, 2
    add  t2, t2, t3
    lw   t3, 0(t2)
    addi t3, t3, 1
    sw   t3, 0(t2)
    j    1b
2:  lw   ra, 12(sp)
    addi sp, sp, 16
    ret

# apply(a0 = record, a1 = CPU): one update: every word of the record read, changed and
# written back (a read-modify-write of WORDS words; each line touched first).
apply:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   a0, 8(sp)
    sw   a1, 4(sp)
    li   t0, WORDS * 4
    add  t0, t0, a0
    sw   t0, 0(sp)
2:  call touch
    lw   a0, 8(sp)
    addi a0, a0, 64
    sw   a0, 8(sp)
    lw   t0, 0(sp)
    bltu a0, t0, 2b
    lw   a0, 0(sp)
    addi a0, a0, -WORDS * 4
    lw   a1, 4(sp)
    lw   ra, 12(sp)
    addi sp, sp, 16
    li   t0, WORDS
1:  lw   t1, 0(a0)
    add  t1, t1, a1
    addi t1, t1, 1
    sw   t1, 0(a0)
    addi a0, a0, 4
    addi t0, t0, -1
    bnez t0, 1b
    ret

# touch(a0 = address): the cache model (LINE_COST > 0): if another CPU touched this
# line last, wait LINE_COST cycles (the line travels here) and take it. Only lines in
# [shared_rec, chans end) are tracked. Keeps a0-a1 and s-registers.
touch:
.if LINE_COST
    la   t0, shared_rec
    sub  t0, a0, t0
    srli t0, t0, 6                      # the line's number
    li   t1, NLINES
    bgeu t0, t1, 9f
    slli t0, t0, 2
    la   t1, holder
    add  t0, t0, t1
    lw   t1, 0(t0)
    addi t2, s0, 1
    beq  t1, t2, 9f
    sw   t2, 0(t0)
    beqz t1, 9f                         # nobody had it: memory, not another cache
    la   t1, misses
    slli t2, s0, 2
    add  t1, t1, t2
    lw   t2, 0(t1)
    addi t2, t2, 1
    sw   t2, 0(t1)
    csrr t1, cycle                      # the transfer's latency
1:  csrr t2, cycle
    sub  t2, t2, t1
    li   t3, LINE_COST
    bltu t2, t3, 1b
.endif
9:  ret

# touch_chan(a0 = channel, a1 = 1 send / 0 receive): the lines a URPC operation uses:
# both index lines and the slot it writes or reads.
touch_chan:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   a0, 8(sp)
    sw   a1, 4(sp)
    call touch                          # line 0 (TAIL)
    lw   a0, 8(sp)
    addi a0, a0, UC_HEAD
    call touch                          # line 1 (HEAD)
    lw   a0, 8(sp)
    lw   a1, 4(sp)
    lw   t0, UC_TAIL(a0)                # the slot: the tail's (send) or the head's
    bnez a1, 1f
    lw   t0, UC_HEAD(a0)
1:  andi t0, t0, URPC_SLOTS - 1
    slli t0, t0, 6
    add  a0, a0, t0
    addi a0, a0, UC_SLOTS
    call touch
    lw   a0, 8(sp)
    lw   a1, 4(sp)
    lw   ra, 12(sp)
    addi sp, sp, 16
    ret

# replica(a0 = CPU) -> a0 = its replica. Leaf.
replica:
    li   t0, WORDS * 4
    mul  a0, a0, t0
    la   t0, replicas
    add  a0, a0, t0
    ret

# chan(a0 = from, a1 = to) -> a0 = the channel. Leaf.
chan:
    li   t0, MAXN
    mul  a0, a0, t0
    add  a0, a0, a1
    li   t0, URPC_SIZE
    mul  a0, a0, t0
    la   t0, chans
    add  a0, a0, t0
    ret

# send_update(a0 = destination, a1 = sequence): the update as a message (the sender's
# CPU in word 0); while the channel is full, take our own messages (nobody waits for us).
send_update:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   s5, 8(sp)
    sw   s6, 4(sp)
    mv   s5, a0
    la   t0, msg
    slli t1, s0, 6
    add  s6, t0, t1                     # my message buffer
    sw   s0, 0(s6)
    sw   a1, 4(s6)
1:  mv   a0, s0
    mv   a1, s5
    call chan
    li   a1, 1
    call touch_chan
    mv   a1, s6
    call urpc_send
    beqz a0, 2f
    la   t2, fulls
    slli t3, s0, 2
    add  t2, t2, t3
    lw   t3, 0(t2)
    addi t3, t3, 1
    sw   t3, 0(t2)
    call drain
    j    1b
2:  lw   ra, 12(sp)
    lw   s5, 8(sp)
    lw   s6, 4(sp)
    addi sp, sp, 16
    ret

# drain(): take every message waiting for this CPU and apply each (s4 counts them).
drain:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   s5, 8(sp)
    sw   s6, 4(sp)
    li   s5, 0                          # from
1:  bge  s5, s1, 9f
    beq  s5, s0, 3f
2:  mv   a0, s5
    mv   a1, s0
    call chan
    li   a1, 0
    call touch_chan
    la   t0, inbuf
    slli t1, s0, 6
    add  s6, t0, t1
    mv   a1, s6
    call urpc_recv
    beqz a0, 3f
    addi s4, s4, 1
.if MODE == 1
    mv   a0, s0
    call replica
.else
    la   a0, shared_rec
.endif
    lw   a1, 0(s6)
    call apply
    j    2b
3:  addi s5, s5, 1
    j    1b
9:  lw   ra, 12(sp)
    lw   s5, 8(sp)
    lw   s6, 4(sp)
    addi sp, sp, 16
    ret

# report (CPU 0): the slowest CPU's cycles, per update, spins, fulls; check the record.
report:
    li   s2, 0                          # max cycles
    li   s3, 0                          # spins
    li   s4, 0                          # fulls
    li   s6, 0                          # modelled line transfers
    li   s5, 0
1:  bge  s5, s1, 2f
    slli t0, s5, 2
    la   t1, elapsed
    add  t1, t1, t0
    lw   t1, 0(t1)
    bleu t1, s2, 11f
    mv   s2, t1
11: la   t1, spins
    add  t1, t1, t0
    lw   t1, 0(t1)
    add  s3, s3, t1
    la   t1, fulls
    add  t1, t1, t0
    lw   t1, 0(t1)
    add  s4, s4, t1
    la   t1, misses
    add  t1, t1, t0
    lw   t1, 0(t1)
    add  s6, s6, t1
    addi s5, s5, 1
    j    1b
2:  la   a0, m1
    call kputs
    li   a0, MODE
    call kputdec
    la   a0, m2
    call kputs
    mv   a0, s1
    call kputdec
    la   a0, m3
    call kputs
    li   a0, UPDATES
    call kputdec
    la   a0, m4
    call kputs
    mv   a0, s2
    call kputdec
    la   a0, m5
    call kputs
    li   t0, UPDATES                    # per update: the slowest CPU's cycles over
    mul  t0, t0, s1                     # every update made
    divu a0, s2, t0
    call kputdec
    la   a0, m6
    call kputs
    mv   a0, s3
    call kputdec
    la   a0, m7
    call kputs
    mv   a0, s4
    call kputdec
    la   a0, m8
    call kputs
    mv   a0, s6
    call kputdec
    la   a0, m9
    call kputs
    call check
    li   a0, 0
    call khalt

# check(): the record (CPU 0's copy) must hold exactly the sum of every update.
check:
    addi sp, sp, -16
    sw   ra, 12(sp)
.if MODE == 1
    li   a0, 0
    call replica
.else
    la   a0, shared_rec
.endif
    lw   t0, 0(a0)                      # expected: sum over CPUs c of UPDATES * (c + 1)
    li   t1, 0
    li   t2, 0
1:  bge  t2, s1, 2f
    addi t3, t2, 1
    add  t1, t1, t3
    addi t2, t2, 1
    j    1b
2:  li   t3, UPDATES
    mul  t1, t1, t3
    beq  t0, t1, 3f
    la   a0, mbad
    call kputs
    li   a0, 1
    call khalt
3:  lw   ra, 12(sp)
    addi sp, sp, 16
    ret

.include "base/kprint.s"
.include "msg/urpc.s"

.rodata
m1:   .asciz "update: mode "
m2:   .asciz ", "
m3:   .asciz " cpus, "
m4:   .asciz " updates each: "
m5:   .asciz " cycles (slowest CPU), "
m6:   .asciz " cycles per update, "
m7:   .asciz " lock spins, "
m8:   .asciz " full channels, "
m9:   .asciz " line transfers\n"
mbad: .asciz "update: WRONG RESULT\n"
.data
    .balign 4
ncpu:     .word 1
ready:    .word 0
go:       .word 0
finished: .word 0
.bss
    .balign 64
replicas:   .space MAXN * WORDS * 4     # MODE 1: one per CPU
elapsed:    .space MAXN * 4
spins:      .space MAXN * 4
fulls:      .space MAXN * 4
misses:     .space MAXN * 4
msg:        .space MAXN * 64
inbuf:      .space MAXN * 64
stacks:     .space MAXN * 1024
.equ NLINES, (WORDS * 4 + 63) / 64 + 1 + MAXN * MAXN * URPC_SIZE / 64
holder:     .space NLINES * 4           # the cache model: who touched each line last
    .balign 64                          # the lines the model tracks, from here on:
shared_rec: .space (WORDS * 4 + 63) & ~63   # MODES 0, 2: the one record
lock:       .space 64                   # MODE 0: the spin lock, a line of its own
chans:      .space MAXN * MAXN * URPC_SIZE
