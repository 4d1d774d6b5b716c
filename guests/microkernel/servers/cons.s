# cons.s — the console driver as a user-level server: the shared console component
# (guests/lib/dev/console.s) in ring 3, its device page mapped by its pager, its
# interrupts received as messages.
#
# Concept (seed: VM/microkernel lecture — "the microkernel translates interrupts into
# IPC messages"; kernel structures — a service "has dedicated direct access to its
# corresponding hardware resource"). The UART's register page is mapped at DEV_VA (root
# maps it when the driver first touches it); the CONSOLE line is attached with
# K_IRQ_ATTACH, so each interrupt arrives as an L_IRQ message from the line's
# pseudo-thread, the kernel keeping the line masked until the driver answers it.
# Requests: C_READ (a line, or what is left of one; 0 at end of file) and C_WRITE
# (polled output). A read that finds no line waits without blocking the driver: the
# component's env_sleep returns to the server loop (the reader is remembered and
# answered when an interrupt completes a line), so writes by other programs go on.

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.include "abi.inc"
.include "mk.inc"

.equ CONS_REGS, DEV_VA                  # console.s's registers: the mapped device page
.equ NREADERS, 8

.text
.global _start
_start:
    la   sp, stack_top
    la   a0, bss_start
    la   a1, stack_top
    call touch_pages
    li   a0, IRQ_CONSOLE
    KSYS K_IRQ_ATTACH
    bnez a0, 9f
    call console_init
    li   s1, 0
    j    loop
9:  la   a0, msg_noirq
    call die

loop:
    mv   t0, s1
    la   a6, wbuf                       # a C_WRITE's bytes land here
    li   t6, MAXSTR
    li   t2, 0
    KSYS K_REPLY_WAIT
    bnez t1, loop_err
    mv   s1, t0
    li   t1, C_WRITE
    beq  a0, t1, c_write
    li   t1, C_READ
    beq  a0, t1, c_read
    li   t1, L_IRQ
    beq  a0, t1, c_irq
    li   a0, -1
    li   t3, 0
    j    loop
loop_err:
    li   s1, 0
    li   t3, 0
    j    loop

# c_write(t5 = bytes received in wbuf)
c_write:
    la   a0, wbuf
    mv   a1, t5
    li   a2, 0
    call console_write
    li   t3, 0
    j    loop

# c_read(a1 = bytes wanted)
c_read:
    li   t0, MAXSTR
    bleu a1, t0, 1f
    mv   a1, t0
1:  la   t0, nreaders                   # someone is already waiting: queue behind
    lw   t1, 0(t0)
    bnez t1, 2f
    mv   a0, s1
    call reader_add
    call try_read                       # returns only if it could answer
    j    c_answered
2:  mv   a0, s1
    call reader_add
    li   s1, 0
    li   t3, 0
    j    loop

# c_irq: the UART has input (or EOF): take it, acknowledge the line, and answer the
# first waiting reader if a line is complete now.
c_irq:
    call console_intr
    li   t0, IRQ_TID_BASE + IRQ_CONSOLE
    li   t1, TIMEOUT_NEVER
    li   t3, 0
    KSYS K_SEND
    la   t0, nreaders
    lw   t0, 0(t0)
    beqz t0, 8f
    call try_read
c_answered:                             # a0 = count for the first reader: answer it
    mv   a1, a0
    la   t0, readers
    lw   t0, 0(t0)                      # its tid
    la   t1, answer_tid
    sw   t0, 0(t1)
    call reader_pop
    la   t0, answer_tid
    lw   t0, 0(t0)
    mv   a0, a1
    la   t4, rbuf
    mv   t5, a0
    blt  a0, zero, 1f
    li   t3, MT_STRING
    j    2f
1:  li   t3, 0
2:  li   t1, TIMEOUT_NEVER
    KSYS K_SEND
8:  li   s1, 0
    li   t3, 0
    j    loop

# try_read() -> a0 = bytes for the first waiting reader (console_read into rbuf), or
# does not return: console_read had to sleep (env_sleep goes back to the loop).
try_read:
    PROLOGUE
    la   t0, jmp_sp
    sw   sp, 0(t0)
    la   a0, rbuf
    la   t0, readers
    lw   a1, 4(t0)                      # its byte count
    li   a2, 0
    call console_read
    EPILOGUE

# reader_add(a0 = tid, a1 = bytes): queue a reader. Leaf.
reader_add:
    la   t0, nreaders
    lw   t1, 0(t0)
    li   t2, NREADERS
    bgeu t1, t2, 1f
    slli t2, t1, 3
    la   t3, readers
    add  t2, t2, t3
    sw   a0, 0(t2)
    sw   a1, 4(t2)
    addi t1, t1, 1
    sw   t1, 0(t0)
1:  ret

# reader_pop(): drop the first reader. Leaf (keeps a1).
reader_pop:
    la   t0, nreaders
    lw   t1, 0(t0)
    beqz t1, 9f
    addi t1, t1, -1
    sw   t1, 0(t0)
    la   t2, readers
1:  beqz t1, 9f
    lw   t3, 8(t2)
    sw   t3, 0(t2)
    lw   t3, 12(t2)
    sw   t3, 4(t2)
    addi t2, t2, 8
    addi t1, t1, -1
    j    1b
9:  ret

# ---------------------------------------------------------------- the environment of
# console.s, for a user-level driver

# env_sleep(a0 = chan): only console_read sleeps, with nothing read yet, after turning
# the receive interrupt on: leave the reader waiting and go back to the loop.
env_sleep:
    la   t0, jmp_sp
    lw   sp, 0(t0)
    addi sp, sp, 64                     # try_read's frame is abandoned
    li   s1, 0
    li   t3, 0
    j    loop
env_wakeup:                             # the loop checks for a line after each interrupt
    ret
env_killed:
    li   a0, 0
    ret
# env_copyin / env_copyout(a0 = user?, a1 = dst, a2 = src, a3 = n) -> 0: the bytes are
# in the driver's own buffers (the kernel copies them to and from the client)
env_copyin:
env_copyout:
    addi sp, sp, -16
    sw   ra, 12(sp)
    mv   a0, a1
    mv   a1, a2
    mv   a2, a3
    call memmove
    lw   ra, 12(sp)
    addi sp, sp, 16
    li   a0, 0
    ret
# kputc(a0 = byte): the echo, straight to the mapped UART
kputc:
    li   t0, CONS_REGS + CONSOLE_OFF_DATA
    sw   a0, 0(t0)
    ret

.bss
    .balign 4096
bss_start:                              # every page from here to stack_top is touched
.text
.include "dev/console.s"
.include "base/string.s"
.include "srvlib.s"

.rodata
srv_name:  .asciz "cons"
msg_noirq: .asciz "cannot attach the console interrupt"
.data
    .balign 4
nreaders: .word 0
jmp_sp:   .word 0
answer_tid: .word 0
.bss
readers:  .space NREADERS * 8           # tid, bytes
rbuf:     .space MAXSTR
wbuf:     .space MAXSTR
stack:    .space 4096
stack_top:
