# engler.s — a measuring library OS: the costs Engler et al. measured (Aegis vs
# Ultrix) on this machine, taken with the cycle CSR like the portable workload:
#
#   phase null-syscall ops=N cycles=C    an exokernel call through the full trap path
#                                          (an unknown number: -EINVAL)
#   phase exc-dispatch ops=N cycles=C    a `break` until the first instruction of the
#                                          library OS's upcall handler (ring 3)
#   phase exc-roundtrip ops=N cycles=C   a `break` handled at user level and resumed
#                                          (EXO_RESUME), back to the next instruction
#   phase pct ops=N cycles=C             one null protected control transfer
#                                          (EXO_PCT between two environments)
#   phase tlb-refill ops=N cycles=C      a TLB miss refilled by the library OS
#                                          (upcall, table walk, EXO_TLB_RESUME), net of
#                                          the access itself
# then `engler: done`. benchmarks/bench_exokernel.py puts them beside the monolithic
# kernel's null system call and kernel TLB refill.
#
# Concept: "exposed hardware events" and "protected control transfer" (Engler et al.): what it costs to hand an exception or the CPU to user level when the
# kernel does as little as possible.

.include "ringvm.inc"
.include "abi.inc"
.include "../exo.inc"

.equ N, 64                          # operations per measurement
.equ ARRAY, 0x00800000
.equ NPAGES, 128                    # twice the TLB: every access of a sweep misses
.equ HOT, 16                        # a sweep that fits in the TLB: every access hits

.text
.global _start
_start:
    la   t0, img_off
    sw   a1, 0(t0)
    la   t0, envid
    sw   a2, 0(t0)
    la   a0, upcall
    li   a1, 0
    li   a7, EXO_SETUP
    syscall
    la   a0, s_hello
    call lb_str
    call lb_end
    call m_syscall
    call m_dispatch
    call m_pct
    call m_refill
    la   a0, s_done
    call lb_str
    call lb_end
    la   t0, envid
    lw   a0, 0(t0)
    li   a7, EXO_ENV_FREE
    syscall

# report(a0 = name, a1 = ops, a2 = cycles): "phase NAME ops=N cycles=C"
report:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   a1, 8(sp)
    sw   a2, 4(sp)
    mv   t0, a0
    la   a0, s_phase
    sw   t0, 0(sp)
    call lb_str
    lw   a0, 0(sp)
    call lb_str
    la   a0, s_ops
    call lb_str
    lw   a0, 8(sp)
    call lb_dec
    la   a0, s_cycles
    call lb_str
    lw   a0, 4(sp)
    call lb_dec
    call lb_end
    lw   ra, 12(sp)
    addi sp, sp, 16
    ret

# ---- a null system call: an unknown number takes the full trap path and returns
m_syscall:
    addi sp, sp, -16
    sw   ra, 12(sp)
    li   t2, N
    csrr t3, cycle
1:  li   a7, 99
    syscall
    addi t2, t2, -1
    bnez t2, 1b
    csrr a2, cycle
    sub  a2, a2, t3
    addi a2, a2, -N * 2                 # the loop's own li/addi/bnez: one extra each
    la   a0, n_syscall
    li   a1, N
    call report
    lw   ra, 12(sp)
    addi sp, sp, 16
    ret

# ---- exceptions handled at user level: `break`, the handler skips it
m_dispatch:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   s1, 8(sp)
    sw   s2, 4(sp)
    sw   s3, 0(sp)
    li   s1, N
    li   s2, 0                          # total dispatch cycles
    li   s3, 0                          # total round-trip cycles
1:  csrr t3, cycle
    break                               # -> upcall: stamps t_handler, skips it
    csrr t4, cycle
    sub  t0, t4, t3
    addi t0, t0, -1                     # (the second csrr)
    add  s3, s3, t0
    la   t0, t_handler
    lw   t0, 0(t0)
    sub  t0, t0, t3
    addi t0, t0, -1                     # (the csrr in the handler)
    add  s2, s2, t0
    addi s1, s1, -1
    bnez s1, 1b
    la   a0, n_dispatch
    li   a1, N
    mv   a2, s2
    call report
    la   a0, n_roundtrip
    li   a1, N
    mv   a2, s3
    call report
    lw   ra, 12(sp)
    lw   s1, 8(sp)
    lw   s2, 4(sp)
    lw   s3, 0(sp)
    addi sp, sp, 16
    ret

# ---- protected control transfer: a second environment bounces every transfer back
m_pct:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   s1, 8(sp)
    sw   s2, 4(sp)
    li   a7, EXO_ENV_ALLOC
    syscall
    blt  a0, zero, 9f
    mv   s1, a0
    call page                           # its upcall page, its stack page, a context
    mv   s2, a0
    call page
    mv   a2, a0
    mv   a1, s2
    mv   a0, s1
    li   a7, EXO_ENV_UAREA
    syscall
    call page                           # the context: sp and pc
    slli t0, a0, 12
    li   t1, PHYSMAP
    add  t1, t0, t1
    li   t2, UAREA_TOP
    sw   t2, 8(t1)
    la   t2, pct_server
    sw   t2, 128(t1)
    mv   a1, t0
    mv   a0, s1
    li   a7, EXO_ENV_START
    syscall
1:  mv   a0, s1                         # wait until it waits in EXO_PCT
    li   a7, EXO_PCT
    syscall
    bge  a0, zero, 2f
    li   a7, EXO_YIELD
    syscall
    j    1b
2:  li   s2, N                          # now N round trips
    csrr t3, cycle
    sw   t3, 0(sp)
3:  mv   a0, s1
    li   a7, EXO_PCT
    syscall
    addi s2, s2, -1
    bnez s2, 3b
    csrr a2, cycle
    lw   t3, 0(sp)
    sub  a2, a2, t3
    srli a2, a2, 1                      # one way
    la   a0, n_pct
    li   a1, N
    call report
9:  lw   ra, 12(sp)
    lw   s1, 8(sp)
    lw   s2, 4(sp)
    addi sp, sp, 16
    ret

# pct_server: the second environment: wait, then transfer straight back, forever.
pct_server:
    li   a0, 0
1:  li   a7, EXO_PCT
    syscall                             # a0 = who transferred to us
    j    1b

# page() -> a0 = pfn of a new page (the test has memory: no error handling)
page:
    li   a0, 0
    li   a7, EXO_PAGE_ALLOC
    syscall
    ret

# ---- TLB refill by the library OS: a sweep over NPAGES pages misses every time; the
# same loop over HOT pages, already in the TLB, gives the cost of an access that hits.
m_refill:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   s1, 8(sp)
    sw   s2, 4(sp)
    call page                           # the directory and one page-table page
    slli s1, a0, 12
    li   t0, PHYSMAP
    add  s1, s1, t0
    la   t0, pgdir
    sw   s1, 0(t0)
    call page
    slli s2, a0, 12
    li   t0, PHYSMAP
    add  s2, s2, t0
    li   t0, (ARRAY >> 22) << 2
    add  t0, t0, s1
    sw   s2, 0(t0)
    li   s1, 0
1:  call page                           # NPAGES pages in the table
    slli a0, a0, 12
    ori  a0, a0, TLB_V | TLB_R | TLB_W | TLB_U
    li   t0, ((ARRAY >> 12) & 0x3FF) << 2
    add  t0, t0, s2
    slli t1, s1, 2
    add  t0, t0, t1
    sw   a0, 0(t0)
    addi s1, s1, 1
    li   t0, NPAGES
    blt  s1, t0, 1b
    li   a0, HOT                        # hits: HOT pages twice, time the second pass
    call sweep
    li   a0, HOT
    call sweep
    mv   s1, a0                         # cycles for HOT hits
    li   a0, -1                         # misses: NPAGES from an empty TLB
    li   a7, EXO_TLB_FLUSH
    syscall
    la   t0, nmiss
    sw   zero, 0(t0)
    li   a0, NPAGES
    call sweep
    li   t0, NPAGES / HOT
    mul  t0, t0, s1
    sub  a2, a0, t0                     # minus NPAGES accesses that would have hit
    la   t0, nmiss
    lw   a1, 0(t0)
    la   a0, n_refill
    call report
    lw   ra, 12(sp)
    lw   s1, 8(sp)
    lw   s2, 4(sp)
    addi sp, sp, 16
    ret

# sweep(a0 = pages) -> a0 = cycles of one load per page
sweep:
    li   t0, ARRAY
    li   t2, 4096
    csrr t3, cycle
1:  lw   t1, 0(t0)
    add  t0, t0, t2
    addi a0, a0, -1
    bnez a0, 1b
    csrr a0, cycle
    sub  a0, a0, t3
    ret

# ---- the upcall handler (t0-t2, a0-a2, a7 free)
upcall:
    csrr t0, cycle                      # first instruction: the dispatch is over
    la   t1, t_handler
    sw   t0, 0(t1)
    li   t0, CAUSE_BREAKPOINT
    bne  a0, t0, 2f
    li   t0, UAREA                      # skip the break
    lw   t1, U_EPC(t0)
    addi t1, t1, 4
    sw   t1, U_EPC(t0)
    li   a7, EXO_RESUME
    syscall
2:  addi t0, a0, -CAUSE_TLB_MISS_FETCH  # a miss in the array: walk, install one page
    sltiu t0, t0, 3
    beqz t0, 9f
    la   t0, nmiss
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    la   t0, pgdir
    lw   t0, 0(t0)
    srli t1, a1, 22
    slli t1, t1, 2
    add  t0, t0, t1
    lw   t0, 0(t0)
    beqz t0, 9f
    srli t1, a1, 10
    andi t1, t1, 0xFFC
    add  t0, t0, t1
    lw   t2, 0(t0)
    andi t1, t2, TLB_V
    beqz t1, 9f
    mv   a0, a1
    mv   a1, t2
    li   a7, EXO_TLB_RESUME
    syscall
9:  la   t0, envid                      # anything else: a bug
    lw   a0, 0(t0)
    li   a7, EXO_ENV_FREE
    syscall

.include "minilib.s"

.rodata
s_hello:     .asciz "engler: measuring the exokernel's primitives"
s_done:      .asciz "engler: done"
s_phase:     .asciz "phase "
s_ops:       .asciz " ops="
s_cycles:    .asciz " cycles="
n_syscall:   .asciz "null-syscall"
n_dispatch:  .asciz "exc-dispatch"
n_roundtrip: .asciz "exc-roundtrip"
n_pct:       .asciz "pct"
n_refill:    .asciz "tlb-refill"
.data
    .balign 4
img_off:   .word 0
envid:     .word 0
t_handler: .word 0
pgdir:     .word 0
nmiss:     .word 0
.text
