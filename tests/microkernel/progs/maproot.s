# maproot.s — a root task for testing the microkernel's recursive address spaces
# (booted instead of servers/root.s, with the kernel and sigma0 only).
#
# Root has two threads in its space: T_main drives the test, T_pager is the pager of a
# task C, which is itself the pager of a task G (three levels: sigma0 -> root -> C -> G;
# C and G run code of this same image, mapped to them page by page on their faults).
#   1. root grants C a page (W2): C reads it; root no longer has it
#   2. root's page W is mapped to C, and by C to G: G reads root's value
#   3. root unmaps W (K_UNMAP, its own mapping kept): G and C both lose it — G faults
#      (its pager C hears of it), C faults (its pager T_pager hears of it)
#   4. T_pager touches W2 — gone since the grant: sigma0 reports a fault it cannot
#      resolve (the end: everything waits)
# Every line the test checks starts with "maptest:".

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "mk.inc"

.equ W, 0x00400000
.equ W2, 0x00401000
.equ CMD_GRANT, 1
.equ CMD_GIVE, 2
.equ CMD_READ, 3

.text
.global _start
_start:                                 # T_main
    la   sp, stack_main
    li   a0, S0_ALLOC                   # two pages from sigma0
    li   a1, FP_PAGE
    li   t0, TID_SIGMA0
    li   t2, W | FP_PAGE
    li   t3, 0
    li   t6, 0
    KSYS K_CALL
    li   a0, S0_ALLOC
    li   a1, FP_PAGE
    li   t0, TID_SIGMA0
    li   t2, W2 | FP_PAGE
    li   t3, 0
    li   t6, 0
    KSYS K_CALL
    li   t0, W
    li   t1, 0xC0FFEE
    sw   t1, 0(t0)
    li   t0, W2
    li   t1, 0xBEEF
    sw   t1, 0(t0)
    li   a0, TID_SIGMA0                 # T_pager: a second thread in this space
    li   a1, 0
    li   a2, TF_KPRINT | TF_HALT
    la   a3, n_pager
    li   a4, 1
    KSYS K_TASK_NEW
    mv   s1, a0
    la   a1, pager_main
    la   a2, stack_pager
    li   a3, 0
    li   a4, 0
    li   a5, 0
    KSYS K_EXREGS
    mv   a0, s1                         # C: paged by T_pager, may send to G (slot 5)
    li   a1, 1 << 5
    li   a2, TF_KPRINT
    la   a3, n_c
    li   a4, 0
    KSYS K_TASK_NEW
    mv   s2, a0
    mv   a0, s2                         # G: paged by C
    li   a1, 0
    li   a2, TF_KPRINT
    la   a3, n_g
    li   a4, 0
    KSYS K_TASK_NEW
    mv   s3, a0
    mv   a0, s2                         # start C (its a0: G's id) and G
    la   a1, c_main
    la   a2, stack_c
    mv   a3, s3
    li   a4, 0
    li   a5, 0
    KSYS K_EXREGS
    mv   a0, s3
    la   a1, g_main
    la   a2, stack_g
    li   a3, 0
    li   a4, 0
    li   a5, 0
    KSYS K_EXREGS
    # 1. grant W2 to C
    li   a0, CMD_GRANT
    mv   t0, s2
    li   t3, MT_GRANT
    li   t4, W2 | FP_R | FP_W | FP_PAGE
    li   t5, W2
    li   t6, 0
    li   t2, 0
    KSYS K_CALL
    mv   a1, a0
    la   a0, m_grant
    call say
    # 2. W: root -> C -> G; G reads it
    li   a0, CMD_GIVE
    mv   t0, s2
    li   t3, 0
    li   t6, 0
    li   t2, 0
    KSYS K_CALL
    li   a0, CMD_READ
    mv   t0, s3
    li   t3, 0
    li   t6, 0
    li   t2, 0
    KSYS K_CALL
    mv   a1, a0
    la   a0, m_read
    call say
    # 3. root unmaps W: what C and G had of it goes
    la   t0, revoked
    li   t1, 1
    sw   t1, 0(t0)
    li   a0, W | FP_PAGE
    li   a1, 0
    KSYS K_UNMAP
    la   a0, m_unmapped
    li   a1, 0
    call say
    li   a0, CMD_READ                   # G reads W again: it faults
    mv   t0, s3
    li   t3, 0
    li   t6, 0
    li   t2, 0
    KSYS K_CALL
1:  j    1b

# T_pager: C's pager. A fault is answered with root's page at the same address.
pager_main:
    li   s1, 0
1:  mv   t0, s1
    li   t2, 0
    li   t6, 0
    KSYS K_REPLY_WAIT
    li   s1, 0
    bnez t1, 1b
    li   t1, L_FAULT
    bne  a0, t1, 1b
    mv   s1, t0
    li   t0, 0xFFFFF000
    and  s2, a1, t0
    li   t0, W
    bne  s2, t0, 2f
    la   t0, revoked
    lw   t0, 0(t0)
    beqz t0, 2f
    la   a0, m_cfault                   # 3. C lost W
    li   a1, 0
    call say
    li   t0, W2                         # 4. and root lost W2 to the grant
    lw   t0, 0(t0)
    la   a0, m_bad
    li   a1, 0
    call say
3:  j    3b
2:  lw   t0, 0(s2)                      # (root's own page: mapped by sigma0 first)
    ori  t4, s2, FP_RWX | FP_PAGE
    mv   t5, a1
    li   t3, MT_MAP
    li   a0, 0
    j    1b

# C: G's pager, and the receiver of the grant and of W
c_main:
    mv   s3, a0                         # G
    li   s1, 0
1:  mv   t0, s1
    li   t2, W2 | FP_PAGE               # a grant lands at W2
    li   t6, 0
    KSYS K_REPLY_WAIT
    li   s1, 0
    bnez t1, 1b
    mv   s1, t0
    li   t1, CMD_GRANT
    bne  a0, t1, 2f
    li   t0, W2                         # 1. read the granted page
    lw   a0, 0(t0)
    li   t3, 0
    j    1b
2:  li   t1, CMD_GIVE
    bne  a0, t1, 3f
    li   t0, W                          # 2. touch W (T_pager maps it), map it to G
    lw   t0, 0(t0)
    li   a0, 0
    mv   t0, s3
    li   t1, TIMEOUT_INF
    li   t3, MT_MAP
    li   t4, W | FP_R | FP_W | FP_PAGE
    li   t5, W
    KSYS K_SEND
    li   a0, 0
    li   t3, 0
    j    1b
3:  li   t1, L_FAULT                    # G faulted
    bne  a0, t1, 1b
    li   t0, 0xFFFFF000
    and  s2, a1, t0
    mv   s4, a1
    li   t0, W
    bne  s2, t0, 4f
    la   a0, m_gfault                   # 3. G lost W; touching it, so do we
    li   a1, 0
    call say
4:  lw   t0, 0(s2)                      # our own page first, then map it to G
    ori  t4, s2, FP_RWX | FP_PAGE
    mv   t5, s4
    li   t3, MT_MAP
    li   a0, 0
    j    1b

# G: reads W when asked; takes C's mapping of it
g_main:
    li   s1, 0
1:  mv   t0, s1
    li   t2, W | FP_PAGE                # C's map of W lands at W
    li   t6, 0
    KSYS K_REPLY_WAIT
    li   s1, 0
    bnez t1, 1b
    li   t1, CMD_READ
    bne  a0, t1, 1b                     # (the map message needs no answer)
    mv   s1, t0
    li   t0, W
    lw   a0, 0(t0)
    li   t3, 0
    j    1b

# say(a0 = format with one %x, a1 = value): "maptest: ..." through K_KPRINT
say:
    addi sp, sp, -16
    sw   ra, 12(sp)
    mv   t1, a0
    la   t2, line
1:  lbu  t0, 0(t1)
    beqz t0, 5f
    li   t3, '%'
    bne  t0, t3, 4f
    addi t1, t1, 1                      # %x: eight hex digits
    li   t4, 28
2:  srl  t0, a1, t4
    andi t0, t0, 15
    la   t3, hex
    add  t0, t0, t3
    lbu  t0, 0(t0)
    sb   t0, 0(t2)
    addi t2, t2, 1
    addi t4, t4, -4
    bge  t4, zero, 2b
    addi t1, t1, 1
    j    1b
4:  sb   t0, 0(t2)
    addi t1, t1, 1
    addi t2, t2, 1
    j    1b
5:  sb   zero, 0(t2)
    la   a0, line
    KSYS K_KPRINT
    lw   ra, 12(sp)
    addi sp, sp, 16
    ret

.rodata
n_pager:    .asciz "pager"
n_c:        .asciz "C"
n_g:        .asciz "G"
hex:        .ascii "0123456789abcdef"
m_grant:    .asciz "maptest: C reads 0x%x from the page root granted it\n"
m_read:     .asciz "maptest: G reads 0x%x through root -> C -> G\n"
m_unmapped: .asciz "maptest: root unmapped W\n"
m_gfault:   .asciz "maptest: G faulted on W (its mapping is gone)\n"
m_cfault:   .asciz "maptest: C faulted on W (its mapping is gone)\n"
m_bad:      .asciz "maptest: root still has the page it granted\n"
.data
    .balign 4
revoked:    .word 0
.bss
    .balign 4096
line:       .space 128
    .balign 4096
            .space 2048
stack_main:
    .balign 4096
            .space 2048
stack_pager:
    .balign 4096
            .space 2048
stack_c:
    .balign 4096
            .space 2048
stack_g:
