# fxexit.s — fxexit N STEP: N children, one after another. Child i makes one system
# call (getpid: with the FlexSC stubs the first call registers a syscall page, which
# starts the process's syscall threads), then spins i * STEP iterations and exits;
# the parent reaps each before it forks the next. Prints
#
#     fxexit: N children, reaped R, non-zero statuses Z
#
# What it is for: a sweep over the moment of exit. The children exit at every point
# of their syscall threads' idle cycle — polling the page, deciding to sleep, asleep —
# so the race between exit's stop request and a thread going to sleep (flexsc.s,
# flexsc_release: the stop flag is set under flexsc_lock, then the threads are woken)
# is met at every offset. The machine is deterministic: the same sweep meets it the
# same way on every run. Built with the trapping stubs it is a plain fork/exit loop.

.include "../../user/lib/ulib.s"

.text
.global main
main:
    FUNC_ENTER
    li   t0, 3
    beq  a0, t0, 1f
    li   a0, 2
    la   a1, usage
    call fputs
    li   a0, 2
    FUNC_RETURN
1:  mv   s5, a1
    lw   a0, 4(s5)
    call atoi
    mv   s1, a0                 # N
    lw   a0, 8(s5)
    call atoi
    mv   s2, a0                 # STEP
    li   s3, 0                  # i
    li   s4, 0                  # reaped
    li   s6, 0                  # non-zero statuses
2:  bge  s3, s1, 5f
    call fork
    blt  a0, zero, 5f
    beqz a0, child
    la   a0, status
    call wait
    blt  a0, zero, 4f
    addi s4, s4, 1
    la   t0, status
    lw   t0, 0(t0)
    beqz t0, 4f
    addi s6, s6, 1
4:  addi s3, s3, 1
    j    2b
5:  la   a0, fmt
    mv   a1, s1
    mv   a2, s4
    mv   a3, s6
    call printf
    li   a0, 0
    FUNC_RETURN

# child: one call, i * STEP iterations of nothing, exit 0 (i in s3, STEP in s2)
child:
    call getpid
    mul  t0, s3, s2
1:  beqz t0, 2f
    addi t0, t0, -1
    j    1b
2:  li   a0, 0
    call exit

.rodata
usage:  .asciz "usage: fxexit N STEP\n"
fmt:    .asciz "fxexit: %d children, reaped %d, non-zero statuses %d\n"
.data
    .balign 4
status: .word 0
