# sfail.s — sfail [TICKS]: fault injection: the storage component crashes and restarts
# TICKS ticks later (default: the kernel's SDOWN). Meanwhile file operations fail with
# EIO; processes that touch no file run on.

.include "ulib.s"
.include "lib/dkusys.s"

.text
.global main
main:
    FUNC_ENTER
    li   s1, 0
    li   t0, 2
    blt  a0, t0, 1f
    lw   a0, 4(a1)
    call atoi
    mv   s1, a0
1:  li   a0, DK_MC_SFAIL
    mv   a1, s1
    call memctl
    la   a0, done
    call printf
    li   a0, 0
    FUNC_RETURN

.rodata
done: .asciz "sfail: the storage component crashes\n"
