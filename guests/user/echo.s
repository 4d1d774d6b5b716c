# echo.s — echo [ARG...]: print the arguments separated by spaces, then a newline.

.include "lib/ulib.s"

.text
.global main
main:
    addi sp, sp, -32
    sw   ra, 28(sp)
    sw   fp, 24(sp)
    addi fp, sp, 32
    sw   s1, 0(sp)
    sw   s2, 4(sp)
    sw   s3, 8(sp)
    mv   s1, a0                 # argc
    mv   s2, a1                 # argv
    li   s3, 1
1:  bge  s3, s1, 3f
    slli t0, s3, 2
    add  t0, s2, t0
    lw   a1, 0(t0)
    li   a0, 1
    call fputs
    addi s3, s3, 1
    bge  s3, s1, 3f
    li   a0, 1
    li   a1, ' '
    call fputc
    j    1b
3:  li   a0, 1
    li   a1, '\n'
    call fputc
    li   a0, 0
    lw   s1, 0(sp)
    lw   s2, 4(sp)
    lw   s3, 8(sp)
    lw   ra, 28(sp)
    lw   fp, 24(sp)
    addi sp, sp, 32
    ret
