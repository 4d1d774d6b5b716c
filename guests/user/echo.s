# echo.s — echo [ARG...]: print the arguments separated by spaces, then a newline.
# The line is built in a buffer and written with one write(2) (several when longer than
# the buffer), so it is not interleaved with other processes' output.

.include "lib/ulib.s"

.equ EBUF, 512

.text
.global main
main:
    FUNC_ENTER
    mv   s1, a0                 # argc
    mv   s2, a1                 # argv
    li   s3, 1                  # next argument
    li   s4, 0                  # bytes buffered
1:  bge  s3, s1, 4f
    LOADIDX s5, s2, s3          # copy one argument
2:  lbu  a0, 0(s5)
    beqz a0, 3f
    call echo_putc
    addi s5, s5, 1
    j    2b
3:  addi s3, s3, 1
    bge  s3, s1, 4f
    li   a0, ' '
    call echo_putc
    j    1b
4:  li   a0, '\n'
    call echo_putc
    call echo_flush
    li   a0, 0
    FUNC_RETURN

# echo_putc(c): buffer a byte (s4 = count), flushing when full
echo_putc:
    la   t0, echo_buf
    add  t0, t0, s4
    sb   a0, 0(t0)
    addi s4, s4, 1
    li   t0, EBUF
    bge  s4, t0, echo_flush
    ret

# echo_flush(): write the buffered bytes to fd 1
echo_flush:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   fp, 8(sp)
    addi fp, sp, 16
    li   a0, 1
    la   a1, echo_buf
    mv   a2, s4
    call write
    li   s4, 0
    lw   ra, 12(sp)
    lw   fp, 8(sp)
    addi sp, sp, 16
    ret

.bss
echo_buf: .space EBUF
