# minilib.s — the few routines the small test library OSes share: printing through
# EXO_CPUTS (which takes a *physical* address: va + the image offset), and numbers.
#
# Concept: the thinnest possible library OS support — what is left of an operating
# system when the exokernel exports physical names: to print a string you must know
# where your bytes physically are (exo.inc, EXO_CPUTS).
#
# Needs: img_off (a word: physical = virtual + img_off in the image), set by _start.

.text
# mputs(a0 = string): copy up to 120 bytes into a page-aligned buffer, print them.
mputs:
    la   t0, mbuf
    li   t1, 0
1:  lbu  t2, 0(a0)
    beqz t2, 2f
    sb   t2, 0(t0)
    addi a0, a0, 1
    addi t0, t0, 1
    addi t1, t1, 1
    li   t2, 120
    blt  t1, t2, 1b
2:  mv   a1, t1
    la   t2, mbuf
    la   t0, img_off
    lw   t0, 0(t0)
    add  t2, t2, t0
    j    cputs_retry

# mputc(a0 = byte)
mputc:
    la   t0, mbuf
    sb   a0, 0(t0)
    la   t2, mbuf
    la   t0, img_off
    lw   t0, 0(t0)
    add  t2, t2, t0
    li   a1, 1
    j    cputs_retry

# mputdec(a0 = unsigned)
mputdec:
    addi sp, sp, -32
    sw   ra, 28(sp)
    addi t0, sp, 24
    sb   zero, 0(t0)
    li   t2, 10
1:  remu t1, a0, t2
    divu a0, a0, t2
    addi t1, t1, '0'
    addi t0, t0, -1
    sb   t1, 0(t0)
    bnez a0, 1b
    mv   a0, t0
    call mputs
    lw   ra, 28(sp)
    addi sp, sp, 32
    ret

# mputhex(a0): 0x and 8 hex digits
mputhex:
    addi sp, sp, -32
    sw   ra, 28(sp)
    li   t0, '0'
    sb   t0, 0(sp)
    li   t0, 'x'
    sb   t0, 1(sp)
    li   t1, 28
    addi t2, sp, 2
1:  srl  t0, a0, t1
    andi t0, t0, 15
    li   t3, 10
    blt  t0, t3, 2f
    addi t0, t0, 'a' - 10 - '0'
2:  addi t0, t0, '0'
    sb   t0, 0(t2)
    addi t2, t2, 1
    addi t1, t1, -4
    bge  t1, zero, 1b
    sb   zero, 0(t2)
    mv   a0, sp
    call mputs
    lw   ra, 28(sp)
    addi sp, sp, 32
    ret

.bss
    .balign 128
mbuf:    .space 128
.text

# A line buffer, printed with one EXO_CPUTS so that lines of two library OSes never
# mix: lb_str(a0 = string), lb_dec(a0), lb_hex(a0), lb_end() (adds \n and prints).
lb_str:
    la   t0, lb_len
    lw   t1, 0(t0)
    la   t2, lbuf
1:  lbu  t3, 0(a0)
    beqz t3, 2f
    li   t4, 200
    bgeu t1, t4, 2f
    add  t4, t2, t1
    sb   t3, 0(t4)
    addi t1, t1, 1
    addi a0, a0, 1
    j    1b
2:  sw   t1, 0(t0)
    ret
lb_dec:
    addi sp, sp, -32
    sw   ra, 28(sp)
    addi t0, sp, 24
    sb   zero, 0(t0)
    li   t2, 10
1:  remu t1, a0, t2
    divu a0, a0, t2
    addi t1, t1, '0'
    addi t0, t0, -1
    sb   t1, 0(t0)
    bnez a0, 1b
    mv   a0, t0
    call lb_str
    lw   ra, 28(sp)
    addi sp, sp, 32
    ret
lb_hex:
    addi sp, sp, -32
    sw   ra, 28(sp)
    li   t0, '0'
    sb   t0, 0(sp)
    li   t0, 'x'
    sb   t0, 1(sp)
    li   t1, 28
    addi t2, sp, 2
1:  srl  t0, a0, t1
    andi t0, t0, 15
    li   t3, 10
    blt  t0, t3, 2f
    addi t0, t0, 'a' - 10 - '0'
2:  addi t0, t0, '0'
    sb   t0, 0(t2)
    addi t2, t2, 1
    addi t1, t1, -4
    bge  t1, zero, 1b
    sb   zero, 0(t2)
    mv   a0, sp
    call lb_str
    lw   ra, 28(sp)
    addi sp, sp, 32
    ret
lb_end:
    la   t0, lb_len
    lw   t1, 0(t0)
    la   t2, lbuf
    add  t3, t2, t1
    li   t4, '\n'
    sb   t4, 0(t3)
    addi a1, t1, 1
    sw   zero, 0(t0)
    la   t0, img_off
    lw   t0, 0(t0)
    add  t2, t2, t0
cputs_retry:                            # (t2 = pa, a1 = n) until the console takes it
    mv   a0, t2
    li   a7, EXO_CPUTS
    syscall
    li   t0, -EAGAIN
    bne  a0, t0, 1f
    li   a0, INFO_TICKS                 # the holder is mid-line: a tick later
    li   a7, EXO_INFO
    syscall
    addi a0, a0, 1
    li   a7, EXO_BLOCK
    syscall
    j    cputs_retry
1:  ret

.data
    .balign 4
lb_len:  .word 0
.bss
    .balign 128
lbuf:    .space 256
.text
