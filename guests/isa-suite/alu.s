# alu.s — integer arithmetic and logic (ISA.md §3): wrap-around, signedness, shifts by
# register (& 31) and immediate, division corner cases, lui / li / %hi / %lo.
.include "check.inc"

test_main:
    la   t0, saved_main_ra
    sw   ra, 0(t0)
    li   s1, 0x7FFFFFFF
    li   s2, 1
    add  s3, s1, s2
    CHECK s3, 0x80000000, "add wraps"
    sub  s3, zero, s2
    CHECK s3, 0xFFFFFFFF, "sub 0-1"
    li   s1, 0xF0F0F0F0
    li   s2, 0xFF00FF00
    and  s3, s1, s2
    CHECK s3, 0xF000F000, "and"
    or   s3, s1, s2
    CHECK s3, 0xFFF0FFF0, "or"
    xor  s3, s1, s2
    CHECK s3, 0x0FF00FF0, "xor"
    nor  s3, s1, s2
    CHECK s3, 0x000F000F, "nor"
    li   s1, 0x80000001
    li   s2, 33                  # shift amounts use rs2 & 31
    sll  s3, s1, s2
    CHECK s3, 0x00000002, "sll by 33"
    srl  s3, s1, s2
    CHECK s3, 0x40000000, "srl by 33"
    sra  s3, s1, s2
    CHECK s3, 0xC0000000, "sra by 33"
    slli s3, s1, 31
    CHECK s3, 0x80000000, "slli 31"
    srli s3, s1, 31
    CHECK s3, 1, "srli 31"
    srai s3, s1, 4
    CHECK s3, 0xF8000000, "srai 4"
    li   s1, -5
    li   s2, 3
    slt  s3, s1, s2
    CHECK s3, 1, "slt signed"
    sltu s3, s1, s2
    CHECK s3, 0, "sltu unsigned"
    slti s3, s1, -4
    CHECK s3, 1, "slti"
    sltiu s3, s2, -1             # -1 sign-extended = 0xFFFFFFFF, compared unsigned
    CHECK s3, 1, "sltiu sign-extends"
    li   s1, 0x1234
    andi s3, s1, 0xFFFF          # uimm16: zero-extended
    CHECK s3, 0x1234, "andi zero-extends"
    ori  s3, zero, 0x8000
    CHECK s3, 0x8000, "ori zero-extends"
    xori s3, s1, 0xFFFF
    CHECK s3, 0xEDCB, "xori"
    addi s3, zero, -32768
    CHECK s3, 0xFFFF8000, "addi sign-extends"
    lui  s3, 0x8765
    CHECK s3, 0x87650000, "lui"
    li   s3, 0x12348765
    CHECK s3, 0x12348765, "li 32-bit"
    lui  s3, %hi(0x1234FFFF)
    addi s3, s3, %lo(0x1234FFFF)
    CHECK s3, 0x1234FFFF, "%hi/%lo carry"
    # multiplication
    li   s1, 0xFFFFFFFE          # -2
    li   s2, 0x7FFFFFFF
    mul  s3, s1, s2
    CHECK s3, 0x00000002, "mul low"
    mulh s3, s1, s2
    CHECK s3, 0xFFFFFFFF, "mulh signed"
    mulhu s3, s1, s2
    CHECK s3, 0x7FFFFFFE, "mulhu unsigned"
    # division, including the corner cases
    li   s1, -7
    li   s2, 2
    div  s3, s1, s2
    CHECK s3, 0xFFFFFFFD, "div rounds toward zero"
    rem  s3, s1, s2
    CHECK s3, 0xFFFFFFFF, "rem sign of dividend"
    divu s3, s1, s2
    CHECK s3, 0x7FFFFFFC, "divu"
    remu s3, s1, s2
    CHECK s3, 1, "remu"
    div  s3, s1, zero
    CHECK s3, 0xFFFFFFFF, "div by 0"
    divu s3, s1, zero
    CHECK s3, 0xFFFFFFFF, "divu by 0"
    rem  s3, s1, zero
    CHECK s3, 0xFFFFFFF9, "rem by 0"
    remu s3, s1, zero
    CHECK s3, 0xFFFFFFF9, "remu by 0"
    li   s1, 0x80000000
    li   s2, -1
    div  s3, s1, s2
    CHECK s3, 0x80000000, "INT_MIN / -1"
    rem  s3, s1, s2
    CHECK s3, 0, "INT_MIN % -1"
    # r0
    addi zero, zero, 5
    CHECK zero, 0, "zero ignores writes"
    la   t0, saved_main_ra
    lw   ra, 0(t0)
    ret

.data
saved_main_ra: .word 0
