# printf.s — formatted output: printf(fmt, ...) to fd 1, fprintf(fd, fmt, ...) and
# vfprintf(fd, fmt, int *args). Conversions %d %i %u %x %p %s %c %%, with an optional
# '-' (left-justify), '0' (zero padding) and a decimal width, e.g. "%-8s %5d %08x".
# Arguments are the registers after the format (at most 7 for printf, 6 for fprintf);
# the wrappers spill them into an array that vfprintf walks. Output is collected in a
# 128-byte buffer on the stack and written with one write(2) per buffer, so a short
# line reaches the console in one piece even when several processes print at once.
# Returns the number of bytes produced.
#
# vfprintf keeps its state in callee-saved registers shared with its helpers pf_putc,
# pf_flush and vfp_emit: s1 fd, s2 format pointer, s3 argument pointer, s4 bytes
# buffered, s5 buffer address, s6 width, s7 pad character, s8 left-justify, s9 total.

.text
.global printf
printf:
    addi sp, sp, -48
    sw   ra, 44(sp)
    sw   fp, 40(sp)
    addi fp, sp, 48
    sw   a1, 0(sp)
    sw   a2, 4(sp)
    sw   a3, 8(sp)
    sw   a4, 12(sp)
    sw   a5, 16(sp)
    sw   a6, 20(sp)
    sw   a7, 24(sp)
    mv   a1, a0
    li   a0, 1
    mv   a2, sp
    call vfprintf
    lw   ra, 44(sp)
    lw   fp, 40(sp)
    addi sp, sp, 48
    ret

.global fprintf
fprintf:
    addi sp, sp, -48
    sw   ra, 44(sp)
    sw   fp, 40(sp)
    addi fp, sp, 48
    sw   a2, 0(sp)
    sw   a3, 4(sp)
    sw   a4, 8(sp)
    sw   a5, 12(sp)
    sw   a6, 16(sp)
    sw   a7, 20(sp)
    mv   a2, sp
    call vfprintf
    lw   ra, 44(sp)
    lw   fp, 40(sp)
    addi sp, sp, 48
    ret

# vfprintf(fd, fmt, args) -> bytes produced
# frame: 0..127 output buffer, 128..159 number buffer, 160..203 s1-s11, 216 fp, 220 ra
.global vfprintf
vfprintf:
    addi sp, sp, -224
    sw   ra, 220(sp)
    sw   fp, 216(sp)
    addi fp, sp, 224
    sw   s1, 160(sp)
    sw   s2, 164(sp)
    sw   s3, 168(sp)
    sw   s4, 172(sp)
    sw   s5, 176(sp)
    sw   s6, 180(sp)
    sw   s7, 184(sp)
    sw   s8, 188(sp)
    sw   s9, 192(sp)
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    li   s4, 0
    mv   s5, sp
    li   s9, 0
vfp_loop:
    lbu  a0, 0(s2)
    beqz a0, vfp_end
    addi s2, s2, 1
    li   t0, '%'
    beq  a0, t0, vfp_pct
    call pf_putc
    j    vfp_loop
vfp_pct:
    li   s6, 0
    li   s7, ' '
    li   s8, 0
    lbu  t0, 0(s2)
    li   t1, '-'
    bne  t0, t1, 1f
    li   s8, 1
    addi s2, s2, 1
    lbu  t0, 0(s2)
1:  li   t1, '0'
    bne  t0, t1, 2f
    li   s7, '0'
    addi s2, s2, 1
    lbu  t0, 0(s2)
2:  addi t1, t0, -'0'           # width digits
    sltiu t2, t1, 10
    beqz t2, 3f
    li   t2, 10
    mul  s6, s6, t2
    add  s6, s6, t1
    addi s2, s2, 1
    lbu  t0, 0(s2)
    j    2b
3:  li   t1, 'l'                # %ld and friends: ints are longs here
    bne  t0, t1, 4f
    addi s2, s2, 1
    lbu  t0, 0(s2)
4:  beqz t0, vfp_end            # a lone '%' ends the format
    addi s2, s2, 1
    li   t1, 'd'
    beq  t0, t1, vfp_d
    li   t1, 'i'
    beq  t0, t1, vfp_d
    li   t1, 'u'
    beq  t0, t1, vfp_u
    li   t1, 'x'
    beq  t0, t1, vfp_x
    li   t1, 'p'
    beq  t0, t1, vfp_p
    li   t1, 's'
    beq  t0, t1, vfp_s
    li   t1, 'c'
    beq  t0, t1, vfp_c
    mv   a0, t0                 # %% and unknown conversions: the character itself
    call pf_putc
    j    vfp_loop
vfp_c:
    lw   a0, 0(s3)
    addi s3, s3, 4
    sb   a0, 128(sp)
    addi a0, sp, 128
    li   a1, 1
    call vfp_emit
    j    vfp_loop
vfp_s:
    lw   a0, 0(s3)
    addi s3, s3, 4
    bnez a0, 1f
    la   a0, vfp_null
1:  mv   a3, a0
    call strlen                 # leaf: a3 survives
    mv   a1, a0
    mv   a0, a3
    call vfp_emit
    j    vfp_loop
vfp_d:
    lw   a2, 0(s3)
    addi s3, s3, 4
    li   a1, 10
    bge  a2, zero, vfp_unsigned
    neg  a2, a2
    li   t0, '0'
    bne  s7, t0, 1f
    li   a0, '-'                # zero padding: the sign goes before the zeros
    call pf_putc                # keeps a1, a2
    beqz s6, vfp_unsigned
    addi s6, s6, -1
    j    vfp_unsigned
1:  li   a3, 1
    j    vfp_conv
vfp_u:
    lw   a2, 0(s3)
    addi s3, s3, 4
    li   a1, 10
    j    vfp_unsigned
vfp_p:
    li   a0, '0'
    call pf_putc
    li   a0, 'x'
    call pf_putc
    li   s6, 8
    li   s7, '0'
vfp_x:
    lw   a2, 0(s3)
    addi s3, s3, 4
    li   a1, 16
vfp_unsigned:
    li   a3, 0
vfp_conv:                       # a2 = value (unsigned), a1 = base, a3 = 1: prepend '-'
    addi t0, sp, 160
    la   t2, vfp_digits
1:  remu t1, a2, a1
    divu a2, a2, a1
    add  t1, t2, t1
    lbu  t1, 0(t1)
    addi t0, t0, -1
    sb   t1, 0(t0)
    bnez a2, 1b
    beqz a3, 2f
    addi t0, t0, -1
    li   t1, '-'
    sb   t1, 0(t0)
2:  mv   a0, t0
    addi a1, sp, 160
    sub  a1, a1, t0
    call vfp_emit
    j    vfp_loop
vfp_end:
    call pf_flush
    mv   a0, s9
    lw   s1, 160(sp)
    lw   s2, 164(sp)
    lw   s3, 168(sp)
    lw   s4, 172(sp)
    lw   s5, 176(sp)
    lw   s6, 180(sp)
    lw   s7, 184(sp)
    lw   s8, 188(sp)
    lw   s9, 192(sp)
    lw   ra, 220(sp)
    lw   fp, 216(sp)
    addi sp, sp, 224
    ret

# vfp_emit(ptr, len): the field, padded to width s6 with s7 (left-justified if s8)
vfp_emit:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   fp, 8(sp)
    addi fp, sp, 16
    mv   a2, a0
    mv   a3, a1
    sub  a1, s6, a3             # padding still owed
    bnez s8, 2f
1:  ble  a1, zero, 2f
    mv   a0, s7
    call pf_putc
    addi a1, a1, -1
    j    1b
2:  beqz a3, 3f
    lbu  a0, 0(a2)
    call pf_putc
    addi a2, a2, 1
    addi a3, a3, -1
    j    2b
3:  beqz s8, 5f
4:  ble  a1, zero, 5f
    li   a0, ' '
    call pf_putc
    addi a1, a1, -1
    j    4b
5:  lw   ra, 12(sp)
    lw   fp, 8(sp)
    addi sp, sp, 16
    ret

# pf_putc(c): append to the buffer, flushing when full. Keeps a0-a3 (uses t0, t1).
pf_putc:
    add  t0, s5, s4
    sb   a0, 0(t0)
    addi s4, s4, 1
    addi s9, s9, 1
    li   t1, 128
    bge  s4, t1, pf_flush
    ret

# pf_flush(): write the buffered bytes to fd s1. Keeps a0-a3.
pf_flush:
    beqz s4, 1f
    addi sp, sp, -32
    sw   ra, 28(sp)
    sw   fp, 24(sp)
    addi fp, sp, 32
    sw   a0, 0(sp)
    sw   a1, 4(sp)
    sw   a2, 8(sp)
    sw   a3, 12(sp)
    mv   a0, s1
    mv   a1, s5
    mv   a2, s4
    call write
    li   s4, 0
    lw   a0, 0(sp)
    lw   a1, 4(sp)
    lw   a2, 8(sp)
    lw   a3, 12(sp)
    lw   ra, 28(sp)
    lw   fp, 24(sp)
    addi sp, sp, 32
1:  ret

.rodata
vfp_digits: .ascii "0123456789abcdef"
vfp_null:   .asciz "(null)"
