# kill.s — kill PID...: kill each process (it dies at its next return to user mode).

.include "lib/ulib.s"

.text
.global main
main:
    MAIN_NEED_ARGS kill_usage
    li   s3, 1
2:  bge  s3, s1, 4f
    LOADIDX s4, s2, s3
    mv   a0, s4
    call atoi
    call kill
    bge  a0, zero, 3f
    call errstr
    mv   a3, a0
    mv   a2, s4
    la   a1, kill_msg
    li   a0, 2
    call fprintf
    li   s6, 1
3:  addi s3, s3, 1
    j    2b
4:  mv   a0, s6
    FUNC_RETURN

.rodata
kill_usage: .asciz "usage: kill PID...\n"
kill_msg:   .asciz "kill: %s: %s\n"
