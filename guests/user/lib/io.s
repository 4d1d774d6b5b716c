# io.s — small I/O helpers: fputs(fd, s), puts(s) (no newline added), fputc(fd, c),
# readline(fd, buf, max) / gets(buf, max) (read up to a newline, one byte per read(2)
# so a child inherits the rest of the input untouched).

.text
# fputs(fd, s) -> write result
.global fputs
fputs:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   fp, 8(sp)
    addi fp, sp, 16
    sw   a0, 0(sp)
    sw   a1, 4(sp)
    mv   a0, a1
    call strlen
    mv   a2, a0
    lw   a0, 0(sp)
    lw   a1, 4(sp)
    call write
    lw   ra, 12(sp)
    lw   fp, 8(sp)
    addi sp, sp, 16
    ret

# puts(s): fputs(1, s)
.global puts
puts:
    mv   a1, a0
    li   a0, 1
    j    fputs

# fputc(fd, c) -> write result
.global fputc
fputc:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   fp, 8(sp)
    addi fp, sp, 16
    sb   a1, 0(sp)
    mv   a1, sp
    li   a2, 1
    call write
    lw   ra, 12(sp)
    lw   fp, 8(sp)
    addi sp, sp, 16
    ret

# readline(fd, buf, max) -> bytes stored (0 at end of input, -errno on an error before
# any byte). Stops after a newline (kept) or at max-1 bytes; buf is NUL-terminated.
.global readline
readline:
    addi sp, sp, -32
    sw   ra, 28(sp)
    sw   fp, 24(sp)
    addi fp, sp, 32
    sw   s1, 0(sp)
    sw   s2, 4(sp)
    sw   s3, 8(sp)
    sw   s4, 12(sp)
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    li   s4, 0
1:  addi t0, s3, -1
    bge  s4, t0, 3f
    mv   a0, s1
    add  a1, s2, s4
    li   a2, 1
    call read
    ble  a0, zero, 2f
    add  t0, s2, s4
    lbu  t1, 0(t0)
    addi s4, s4, 1
    li   t2, '\n'
    bne  t1, t2, 1b
    j    3f
2:  bnez s4, 3f                 # end of input or error after some bytes: the line
    bge  a0, zero, 3f
    sb   zero, 0(s2)
    j    4f                     # error: return it
3:  add  t0, s2, s4
    sb   zero, 0(t0)
    mv   a0, s4
4:  lw   s1, 0(sp)
    lw   s2, 4(sp)
    lw   s3, 8(sp)
    lw   s4, 12(sp)
    lw   ra, 28(sp)
    lw   fp, 24(sp)
    addi sp, sp, 32
    ret

# gets(buf, max): readline(0, buf, max)
.global gets
gets:
    mv   a2, a1
    mv   a1, a0
    li   a0, 0
    j    readline
