# mfail.s — mfail N: fault injection: memory component N fails (it stops answering, as
# a crashed device would). The process component notices at its next heartbeat or
# request, reports the processes whose pages were there and kills them; everything
# else runs on.

.include "ulib.s"
.include "lib/dkusys.s"

.text
.global main
main:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    li   t0, 2
    beq  s1, t0, 1f
    li   a0, 2
    la   a1, usage
    call fprintf
    li   a0, 2
    FUNC_RETURN
1:  lw   a0, 4(s2)
    call atoi
    mv   s3, a0
    li   a0, DK_MC_FAIL
    mv   a1, s3
    call memctl
    bge  a0, zero, 2f
    mv   a2, s3
    la   a1, nocomp
    li   a0, 2
    call fprintf
    li   a0, 1
    FUNC_RETURN
2:  mv   a1, s3
    la   a0, done
    call printf
    li   a0, 0
    FUNC_RETURN

.rodata
usage:  .asciz "usage: mfail COMPONENT\n"
nocomp: .asciz "mfail: %d is not a live memory component\n"
done:   .asciz "mfail: memory component %d told to fail\n"
