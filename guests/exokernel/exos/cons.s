# cons.s — ExOS's console: the line discipline in the library, over the exokernel's
# raw console calls.
#
# Concept: a device driver's policy moves into the library OS (Engler et al.: "the
# exokernel exports the hardware, the library OS implements the abstraction"). The
# kernel only hands over bytes (EXO_CGETC, EXO_CWAIT sleeps until some arrive, for the
# domain that bound the console) and prints bytes from a physical page (EXO_CPUTS).
# Echo, backspace, line delivery, ^D and end of input are ExOS's — the behaviour of the
# shared driver guests/lib/dev/console.s, which a ring-3 library cannot use because it
# touches the UART's registers. Input is taken only while a reader waits, so a piped
# session reads like a typed one. The kputs family prints through EXO_CPUTS too.
#
# Provides the console.s interface the Unix file layer calls: console_init,
# console_read(a0 = dst, a1 = n, a2 = user?), console_write(a0 = src, a1 = n, a2 = user?)

.equ CONS_BUF, 128

console_init:
    ret

# cons_put(a0 = library address, a1 = n <= 64): print n bytes of ExOS's image or bss
cons_put:
    la   t0, img_off
    lw   t0, 0(t0)
    add  a0, a0, t0
    li   a7, EXO_CPUTS
    syscall
    ret

# kputc(a0 = byte)
kputc:
    la   t0, cons_one
    sb   a0, 0(t0)
    mv   a0, t0
    li   a1, 1
    j    cons_put

# kputs(a0 = string): in pieces of at most 64 bytes
kputs:
    PROLOGUE
    mv   s1, a0
1:  la   s2, cons_wbuf
    li   s3, 0
2:  lbu  t0, 0(s1)
    beqz t0, 3f
    add  t1, s2, s3
    sb   t0, 0(t1)
    addi s1, s1, 1
    addi s3, s3, 1
    li   t1, 64
    blt  s3, t1, 2b
3:  beqz s3, 9f
    mv   a0, s2
    mv   a1, s3
    call cons_put
    lbu  t0, 0(s1)
    bnez t0, 1b
9:  EPILOGUE

# kputdec(a0 = unsigned)
kputdec:
    PROLOGUE
    addi t0, sp, 20
    sb   zero, 0(t0)
    li   t2, 10
1:  remu t1, a0, t2
    divu a0, a0, t2
    addi t1, t1, '0'
    addi t0, t0, -1
    sb   t1, 0(t0)
    bnez a0, 1b
    mv   a0, t0
    call kputs
    EPILOGUE

# kputhex(a0): 0x and 8 digits
kputhex:
    PROLOGUE
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
    call kputs
    EPILOGUE

# cons_fill() -> a0 = 0 once a line (or the end of input) is delivered, -EINTR if the
# process was killed while it waited. Takes bytes from the kernel, echoes and edits.
cons_fill:
    PROLOGUE
1:  la   t0, cons_w
    lw   t1, 0(t0)
    la   t0, cons_r
    lw   t2, 0(t0)
    bne  t1, t2, 8f                     # a line is waiting
    la   t0, cons_eof
    lw   t0, 0(t0)
    bnez t0, 8f
    li   a7, EXO_CGETC
    syscall
    li   t0, -1
    bne  a0, t0, 3f
    call killed                         # nothing yet: wait for the console
    bnez a0, 7f
    call exos_unlock
    li   a7, EXO_CWAIT
    syscall
    call exos_lock
    j    1b
3:  li   t0, -2
    bne  a0, t0, 4f
    la   t0, cons_eof                   # end of input: commit the partial line
    li   t1, 1
    sw   t1, 0(t0)
    la   t0, cons_e
    lw   t1, 0(t0)
    la   t0, cons_w
    sw   t1, 0(t0)
    j    8f
4:  call cons_byte
    j    1b
7:  li   a0, -EINTR
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# cons_byte(a0 = received byte): edit the line being typed (guests/lib/dev/console.s)
cons_byte:
    PROLOGUE
    mv   s1, a0
    li   t0, 8
    beq  s1, t0, 5f
    li   t0, 0x7F
    beq  s1, t0, 5f
    li   t0, '\r'
    bne  s1, t0, 1f
    li   s1, '\n'
1:  la   t0, cons_e
    lw   t1, 0(t0)
    la   t2, cons_r
    lw   t2, 0(t2)
    sub  t3, t1, t2
    li   t2, CONS_BUF
    bgeu t3, t2, 9f                     # full: drop
    andi t2, t1, CONS_BUF - 1
    la   t3, cons_buf
    add  t2, t2, t3
    sb   s1, 0(t2)
    addi t1, t1, 1
    sw   t1, 0(t0)
    li   t0, 4                          # ^D: end of file, delivered like a line
    beq  s1, t0, 2f
    mv   a0, s1
    call kputc                          # echo
    li   t0, '\n'
    beq  s1, t0, 2f
    la   t0, cons_e
    lw   t1, 0(t0)
    la   t2, cons_r
    lw   t2, 0(t2)
    sub  t3, t1, t2
    li   t2, CONS_BUF
    bltu t3, t2, 9f
2:  la   t0, cons_e                     # deliver the line
    lw   t1, 0(t0)
    la   t0, cons_w
    sw   t1, 0(t0)
    j    9f
5:  la   t0, cons_e                     # backspace
    lw   t1, 0(t0)
    la   t2, cons_w
    lw   t2, 0(t2)
    beq  t1, t2, 9f
    addi t1, t1, -1
    sw   t1, 0(t0)
    la   a0, s_erase
    call kputs
9:  EPILOGUE

# console_read(a0 = dst, a1 = n, a2 = user?) -> bytes, 0 at end of input, -EINTR, -EFAULT
console_read:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    li   s4, 0
1:  bge  s4, s2, 8f
2:  la   t0, cons_r
    lw   t1, 0(t0)
    la   t2, cons_w
    lw   t2, 0(t2)
    bne  t1, t2, 4f
    bnez s4, 8f                         # return what we have
    la   t0, cons_eof
    lw   t0, 0(t0)
    bnez t0, 8f
    call cons_fill
    bnez a0, 7f
    j    2b
4:  andi t2, t1, CONS_BUF - 1
    la   t3, cons_buf
    add  t2, t2, t3
    lbu  s5, 0(t2)
    li   t3, 4                          # ^D: read returns 0 (after the bytes before it)
    bne  s5, t3, 41f
    bnez s4, 8f
    addi t1, t1, 1
    sw   t1, 0(t0)
    j    8f
41: addi t1, t1, 1
    sw   t1, 0(t0)
    sb   s5, 0(sp)
    mv   a0, s3
    add  a1, s1, s4
    mv   a2, sp
    li   a3, 1
    call either_copyout
    bnez a0, 6f
    addi s4, s4, 1
    li   t0, '\n'
    bne  s5, t0, 1b
8:  mv   a0, s4
    EPILOGUE
6:  la   t0, cons_r                     # bad buffer: leave the byte unread
    lw   t1, 0(t0)
    addi t1, t1, -1
    sw   t1, 0(t0)
    li   a0, -EFAULT
    bnez s4, 8b
    EPILOGUE
7:  EPILOGUE

# console_write(a0 = src, a1 = n, a2 = user?) -> n or -EFAULT: 64-byte pieces copied
# into ExOS's buffer, printed from its physical address.
console_write:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    li   s4, 0
1:  bge  s4, s2, 8f
    sub  s5, s2, s4
    li   t0, 64
    bleu s5, t0, 2f
    li   s5, 64
2:  mv   a0, s3
    la   a1, cons_wbuf
    add  a2, s1, s4
    mv   a3, s5
    call either_copyin
    bnez a0, 6f
    la   a0, cons_wbuf
    mv   a1, s5
    call cons_put
    add  s4, s4, s5
    j    1b
8:  mv   a0, s4
    EPILOGUE
6:  li   a0, -EFAULT
    EPILOGUE

.rodata
s_erase: .asciz "\b \b"
.data
    .balign 4
cons_r:   .word 0
cons_w:   .word 0
cons_e:   .word 0
cons_eof: .word 0
.bss
    .balign 128
cons_wbuf: .space 64
cons_one:  .space 4
    .balign 16
cons_buf:  .space CONS_BUF
.text
