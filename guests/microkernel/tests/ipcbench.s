# ipcbench.s — ipcbench [N]: the raw cost of IPC on the microkernel, without the POSIX
# stubs: N null calls to the process server (label 0: it answers at once with -EINVAL),
# each a K_CALL and the server's K_REPLY_WAIT — two messages, two kernel entries, two
# direct switches. Prints "ipc round trip: N calls, C cycles" (the cycle CSR).
# (benchmarks/bench_microkernel.py puts it on a disk of its own; assembled with the
# microkernel's stubs and mk.inc)

.include "lib/ulib.s"
.include "mk.inc"

.text
.global main
main:
    FUNC_ENTER
    li   s1, 1000
    li   t0, 2
    blt  a0, t0, 1f
    lw   a0, 4(a1)
    call atoi
    mv   s1, a0
1:  li   a0, 0                          # one call first: every page is mapped
    li   t0, TID_PROC
    li   t3, 0
    li   t6, 0
    KSYS K_CALL
    csrr s2, cycle
    mv   s3, s1
2:  li   a0, 0
    li   t0, TID_PROC
    li   t3, 0
    li   t6, 0
    KSYS K_CALL
    addi s3, s3, -1
    bnez s3, 2b
    csrr a2, cycle
    sub  a2, a2, s2
    mv   a1, s1
    la   a0, fmt
    call printf
    li   a0, 0
    FUNC_RETURN

.rodata
fmt: .asciz "ipc round trip: %d calls, %d cycles\n"
