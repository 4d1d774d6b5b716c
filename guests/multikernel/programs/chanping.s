# chanping.s — chanping [CPU [N]]: a process here and one on CPU (default: the last
# CPU) talk over a user-level channel; N round trips (default 100) are timed.
#
# The multikernel's user-level RPC (Baumann et al., §4.6; guests/lib/msg/urpc.s): the
# two processes share one page — chan(0) binds channel 0 here (an agreement between
# all the monitors) and maps its page; the partner, spawned on CPU with the argument
# `pong`, maps the same page — and then neither makes a system call to communicate:
# each polls the ring the other writes (ping -> pong at offset 0, pong -> ping at
# 2048), in ring 3, each on its own CPU. The round trip, in cycles of this CPU (the
# cycle CSR), is printed; a message crosses to another CPU when that CPU next runs
# (ISA.md §10: CPUs run round-robin quanta), so it is about one quantum.

.equ URPC_SLOTS, 16                     # two rings fit in the page
.include "ulib.s"
.include "lib/mkusys.s"
.include "base/config.inc"
.include "msg/urpc.s"

.equ RING_BACK, 2048                    # the pong -> ping ring's offset in the page
.equ QUIT, -1

.text
.global main
main:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    li   t0, 2
    blt  s1, t0, 1f
    lw   a0, 4(s2)
    la   a1, str_pong
    call strcmp
    beqz a0, pong
1:  call ncpu                           # the partner's CPU
    addi s3, a0, -1
    li   t0, 2
    blt  s1, t0, 2f
    lw   a0, 4(s2)
    call atoi
    mv   s3, a0
2:  li   s4, 100                        # round trips
    li   t0, 3
    blt  s1, t0, 3f
    lw   a0, 8(s2)
    call atoi
    mv   s4, a0
3:  li   a0, 0                          # bind channel 0: we are side 0
    call chan
    blt  a0, zero, 90f
    andi t0, a0, 1
    bnez t0, 91f
    mv   s5, a0                         # ring ping -> pong
    li   t0, RING_BACK
    add  s6, a0, t0                     # ring pong -> ping
    mv   a0, s3                         # the partner
    la   a1, path
    la   a2, pong_argv
    call spawn
    blt  a0, zero, 92f
8:  mv   a0, s6                         # the partner says it is ready (it had to be
    la   a1, msg                        # loaded there first): then time the trips
    call urpc_recv
    beqz a0, 8b
    li   s7, 0                          # i
    csrr s8, cycle
4:  bge  s7, s4, 6f
    la   a1, msg
    sw   s7, 0(a1)
    mv   a0, s5
    call urpc_send                      # (never full: one message in flight)
5:  mv   a0, s6                         # poll for the answer
    la   a1, msg
    call urpc_recv
    beqz a0, 5b
    la   t0, msg
    lw   t0, 0(t0)
    addi t1, s7, 1
    bne  t0, t1, 93f
    addi s7, s7, 1
    j    4b
6:  csrr s9, cycle
    la   a1, msg
    li   t0, QUIT
    sw   t0, 0(a1)
    mv   a0, s5
    call urpc_send
    la   a0, status
    call wait
    call cpuid
    mv   a3, a0
    sub  t0, s9, s8
    li   a4, 0
    beqz s4, 7f
    divu a4, t0, s4
7:  mv   a1, s4
    mv   a2, s3
    la   a0, done_fmt
    call printf
    li   a0, 0
    FUNC_RETURN
90: call errstr
    mv   a1, a0
    la   a0, nochan
    call printf
    li   a0, 1
    FUNC_RETURN
91: la   a0, taken
    call printf
    li   a0, 1
    FUNC_RETURN
92: call errstr
    mv   a2, a0
    mv   a1, s3
    la   a0, nospawn
    call printf
    li   a0, 1
    FUNC_RETURN
93: la   a0, badmsg
    call printf
    li   a0, 1
    FUNC_RETURN

# pong: the partner, on its CPU: answer every message i with i + 1, until QUIT.
pong:
    li   a0, 0
    call chan
    blt  a0, zero, 90b
    andi t0, a0, 1
    beqz t0, 91b
    addi s5, a0, -1                     # ring ping -> pong
    li   t0, RING_BACK
    add  s6, s5, t0
    call cpuid
    mv   a1, a0
    la   a0, pong_fmt
    call printf
    la   a1, msg                        # ready
    sw   zero, 0(a1)
    mv   a0, s6
    call urpc_send
1:  mv   a0, s5
    la   a1, msg
    call urpc_recv
    beqz a0, 1b
    la   a1, msg
    lw   t0, 0(a1)
    li   t1, QUIT
    beq  t0, t1, 2f
    addi t0, t0, 1
    sw   t0, 0(a1)
    mv   a0, s6
    call urpc_send
    j    1b
2:  li   a0, 0
    FUNC_RETURN

.rodata
str_pong:  .asciz "pong"
path:      .asciz "/chanping"
done_fmt:  .asciz "chanping: %d round trips with CPU %d over a user-level channel from CPU %d: %u cycles each\n"
pong_fmt:  .asciz "chanping: the partner runs on CPU %d and maps the same channel page\n"
nochan:    .asciz "chanping: chan: %s\n"
taken:     .asciz "chanping: channel 0 is bound by another process\n"
nospawn:   .asciz "chanping: cannot spawn the partner on CPU %d: %s\n"
badmsg:    .asciz "chanping: wrong answer\n"
    .balign 4
pong_argv: .word str_prog, str_pong, 0
str_prog:  .asciz "chanping"
.bss
    .balign 4
status: .space 4
msg:    .space URPC_LINE
