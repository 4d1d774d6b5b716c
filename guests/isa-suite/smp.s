# smp.s — two CPUs (ISA.md §9, §10; the suite runs it with cpus = 2): starting CPU 1
# through the IPI device, cpuid and IPI_SELF, cas as an atomic increment under
# interleaving, and an inter-processor interrupt.
.include "check.inc"

.equ N, 2000                     # increments per CPU

# ATOMIC_INC ctr, n: n atomic increments of ctr with a cas loop (uses t0-t2, a0, a1)
.macro ATOMIC_INC ctr, n
    la   a0, \ctr
    li   a1, \n
1:  lw   t0, 0(a0)
    addi t1, t0, 1
    mv   t2, t0
    cas  t2, t1, (a0)
    bne  t2, t0, 1b
    addi a1, a1, -1
    bnez a1, 1b
.endm

test_main:
    la   t0, saved_main_ra
    sw   ra, 0(t0)
    li   t0, SYSCTL_NCPUS
    lw   s1, 0(t0)
    CHECK s1, 2, "two CPUs"
    csrr s1, cpuid
    CHECK s1, 0, "the boot CPU is cpu 0"
    li   t0, IPI_START_PC
    la   t1, cpu1_main
    sw   t1, 0(t0)
    li   t0, IPI_START
    li   t1, 1
    sw   t1, 0(t0)
    ATOMIC_INC counter, N
2:  la   t0, cpu1_done               # wait for CPU 1
    lw   t0, 0(t0)
    beqz t0, 2b
    la   t0, counter
    lw   s1, 0(t0)
    CHECK s1, 2 * N, "cas increments from both CPUs all count"
    la   t0, cpu1_id
    lw   s1, 0(t0)
    CHECK s1, 1, "cpu 1 reads cpuid 1"
    la   t0, cpu1_self
    lw   s1, 0(t0)
    CHECK s1, 1, "cpu 1 reads IPI_SELF 1"
    csrr s1, ipend
    andi s1, s1, IRQB_IPI
    CHECK s1, IRQB_IPI, "IPI from cpu 1 pending on cpu 0"
    li   t0, IPI_ACK
    sw   zero, 0(t0)
    csrr s1, ipend
    andi s1, s1, IRQB_IPI
    CHECK s1, 0, "IPI_ACK clears it"
    la   t0, saved_main_ra
    lw   ra, 0(t0)
    ret

# CPU 1: no stack, no checks (the harness is CPU 0's); results go to memory
cpu1_main:
    csrr t0, cpuid
    la   t1, cpu1_id
    sw   t0, 0(t1)
    li   t0, IPI_SELF
    lw   t0, 0(t0)
    la   t1, cpu1_self
    sw   t0, 0(t1)
    ATOMIC_INC counter, N
    li   t0, IPI_SEND                # interrupt cpu 0 (its ienable is 0: pending only)
    sw   zero, 0(t0)
    la   t0, cpu1_done
    li   t1, 1
    sw   t1, 0(t0)
3:  wfi
    j    3b

.data
saved_main_ra: .word 0
counter:   .word 0
cpu1_id:   .word 0xFFFFFFFF
cpu1_self: .word 0xFFFFFFFF
cpu1_done: .word 0
