# rm.s — rm FILE...: remove each FILE (unlink; a directory must be empty). Exit status 1 if any fails.

.include "lib/ulib.s"

.text
.global main
main:
    MAIN_NEED_ARGS rm_usage
    li   s3, 1
2:  bge  s3, s1, 4f
    LOADIDX s4, s2, s3
    mv   a0, s4
    call unlink
    bge  a0, zero, 3f
    call errstr
    mv   a3, a0
    mv   a2, s4
    la   a1, rm_msg
    li   a0, 2
    call fprintf
    li   s6, 1
3:  addi s3, s3, 1
    j    2b
4:  mv   a0, s6
    FUNC_RETURN

.rodata
rm_usage: .asciz "usage: rm FILE...\n"
rm_msg:   .asciz "rm: %s: %s\n"
