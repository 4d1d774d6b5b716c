# console.s — interrupt-driven console driver with line editing (shared component).
#
# Concept: a device driver split into a top half (console_read/console_write, called
# by processes, which sleep) and a bottom half (console_intr, run by the RXIE
# interrupt), meeting in a circular buffer (device drivers seed, xv6 console.c). Bytes
# are echoed as they arrive; backspace (0x08/0x7F) erases; a line is handed to readers
# on newline; ^D (0x04) delivers the line without itself and makes one read return 0
# (end of file at the keyboard); at the UART's EOF the partial line is committed and
# readers then get 0.
#
# Provides: console_init(), console_intr() (from the CONSOLE interrupt),
#   console_read(a0 = user?, a1 = dst, a2 = n) -> bytes / -EINTR / -EFAULT,
#   console_write(a0 = user?, a1 = src, a2 = n) -> bytes / -EFAULT
# Needs: env_sleep, env_wakeup, env_killed, env_copyin, env_copyout, kputc; kframe.inc,
#   config.inc
# Parameters: CONS_BUF (bytes of the line buffer, a power of two, default 128),
#   CONS_REGS (address of the UART's registers, default its kseg address; a user-level
#   driver maps the device page elsewhere)

PARAM CONS_BUF, 128
PARAM CONS_REGS, CONSOLE_BASE + KSEG

console_init:                           # RXIE stays off until someone reads
    li   t0, CONS_REGS + CONSOLE_OFF_CTRL
    sw   zero, 0(t0)
    ret

# console_intr(): take bytes from the UART until a whole line is ready for readers.
# Flow control: while a delivered line is unread, RXIE stays off and further input
# waits in the UART (so piped input is echoed line by line as it is consumed, like a
# terminal's typed-ahead input); console_read turns RXIE back on when it runs dry.
console_intr:
    PROLOGUE
1:  la   t0, cons_w
    lw   t1, 0(t0)
    la   t0, cons_r
    lw   t2, 0(t0)
    bne  t1, t2, 8f                     # a line is waiting for a reader
    li   t0, CONS_REGS + CONSOLE_OFF_STATUS
    lw   t1, 0(t0)
    andi t2, t1, CONSOLE_STATUS_RXREADY
    bnez t2, 2f
    andi t2, t1, CONSOLE_STATUS_EOF
    beqz t2, 9f
    la   t0, cons_eof                   # EOF: commit the partial line, stop RXIE
    li   t1, 1
    sw   t1, 0(t0)
    la   t0, cons_e
    lw   t1, 0(t0)
    la   t0, cons_w
    sw   t1, 0(t0)
    li   t0, CONS_REGS + CONSOLE_OFF_CTRL
    sw   zero, 0(t0)
    la   a0, cons_r
    call env_wakeup
    j    9f
2:  li   t0, CONS_REGS + CONSOLE_OFF_DATA
    lw   a0, 0(t0)
    call cons_byte
    j    1b
8:  li   t0, CONS_REGS + CONSOLE_OFF_CTRL
    sw   zero, 0(t0)
9:  EPILOGUE

# cons_byte(a0 = received byte)
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
    la   a0, cons_r
    call env_wakeup
    j    9f
5:  la   t0, cons_e                     # backspace
    lw   t1, 0(t0)
    la   t2, cons_w
    lw   t2, 0(t2)
    beq  t1, t2, 9f
    addi t1, t1, -1
    sw   t1, 0(t0)
    li   a0, 8
    call kputc
    li   a0, ' '
    call kputc
    li   a0, 8
    call kputc
9:  EPILOGUE

# console_read(a0 = dst, a1 = n, a2 = user?) -> bytes, 0 at EOF, -EINTR, -EFAULT
console_read:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    li   s4, 0                          # bytes read
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
    call env_killed
    bnez a0, 7f
    li   t0, CONS_REGS + CONSOLE_OFF_CTRL   # ask for input
    li   t1, CONSOLE_CTRL_RXIE
    sw   t1, 0(t0)
    la   a0, cons_r
    call env_sleep
    j    2b
4:  andi t2, t1, CONS_BUF - 1
    la   t3, cons_buf
    add  t2, t2, t3
    lbu  s5, 0(t2)
    li   t3, 4                          # ^D: read returns 0 (after the bytes before it)
    bne  s5, t3, 41f
    bnez s4, 8f                         # leave it for the next read
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
    call env_copyout
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
7:  li   a0, -EINTR
    EPILOGUE

# console_write(a0 = src, a1 = n, a2 = user?) -> n or -EFAULT. Polled (TXREADY is
# always 1), in chunks through a kernel buffer.
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
    call env_copyin
    bnez a0, 6f
    la   t1, cons_wbuf
    add  t2, t1, s5
    li   t0, CONS_REGS + CONSOLE_OFF_DATA
3:  lbu  t3, 0(t1)
    sw   t3, 0(t0)
    addi t1, t1, 1
    bne  t1, t2, 3b
    add  s4, s4, s5
    j    1b
8:  mv   a0, s4
    EPILOGUE
6:  li   a0, -EFAULT
    EPILOGUE

.data
    .balign 4
cons_r:   .word 0                       # next byte to read
cons_w:   .word 0                       # end of delivered lines
cons_e:   .word 0                       # end of the line being edited
cons_eof: .word 0
.bss
cons_buf:  .space CONS_BUF
cons_wbuf: .space 64
.text
