# branch.s — branches, jumps and calls (ISA.md §3): signed and unsigned comparisons,
# jal/jalr link values, jalr target computation, cycle counting (§10).
.include "check.inc"

.macro TAKEN insn, a, b, name
    li   s8, 0
    \insn \a, \b, 1f
    li   s8, 1
1:  CHECK s8, 0, \name
.endm

.macro NOT_TAKEN insn, a, b, name
    li   s8, 1
    \insn \a, \b, 1f
    li   s8, 0
1:  CHECK s8, 0, \name
.endm

test_main:
    la   t0, saved_main_ra
    sw   ra, 0(t0)
    li   s1, -1
    li   s2, 1
    TAKEN beq, s2, s2, "beq taken"
    NOT_TAKEN beq, s1, s2, "beq not taken"
    TAKEN bne, s1, s2, "bne taken"
    TAKEN blt, s1, s2, "blt signed -1 < 1"
    NOT_TAKEN bltu, s1, s2, "bltu unsigned 0xFFFFFFFF < 1"
    TAKEN bge, s2, s1, "bge signed 1 >= -1"
    TAKEN bgeu, s1, s2, "bgeu unsigned"
    TAKEN bge, s2, s2, "bge equal"
    NOT_TAKEN blt, s2, s2, "blt equal"
    # backward branch loop: 10 iterations
    li   s3, 0
    li   s4, 10
2:  addi s3, s3, 1
    bne  s3, s4, 2b
    CHECK s3, 10, "backward branch loop"
    # jal writes pc + 4
    jal  3f
4:  j    5f
3:  la   s5, 4b
    CHECKR ra, s5, "jal links pc + 4"
    la   t0, 4b
    jr   t0
5:  # jalr: target = rs1 + imm, link = pc + 4; rd = rs1 works (link written after)
    la   s6, target - 8
    jalr s7, s6, 8
6:  j    7f
target:
    la   s5, 6b
    CHECKR s7, s5, "jalr links pc + 4"
    la   t0, 6b
    jr   t0
7:  la   s6, target2
    jalr s6, s6, 0
8:  j    9f
target2:
    la   s5, 8b
    CHECKR s6, s5, "jalr with rd = rs1"
    la   t0, 8b
    jr   t0
9:  # cycle: one step per instruction
    csrr s1, cycle
    nop
    nop
    nop
    nop
    nop
    csrr s2, cycle
    sub  s3, s2, s1
    CHECK s3, 6, "cycle counts one per instruction"
    la   t0, saved_main_ra
    lw   ra, 0(t0)
    ret

.data
saved_main_ra: .word 0
