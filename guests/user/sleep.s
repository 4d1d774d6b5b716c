# sleep.s — sleep TICKS: sleep for TICKS timer ticks (sleep(2)).

.include "lib/ulib.s"

.text
.global main
main:
    FUNC_ENTER
    li   t0, 2
    beq  a0, t0, 1f
    li   a0, 2
    la   a1, sleep_usage
    call fputs
    li   a0, 2
    FUNC_RETURN
1:  lw   a0, 4(a1)
    call atoi
    call sleep
    blt  a0, zero, 2f
    li   a0, 0
    FUNC_RETURN
2:  li   a0, 1
    FUNC_RETURN

.rodata
sleep_usage: .asciz "usage: sleep TICKS\n"
