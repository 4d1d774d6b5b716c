# oncore.s — oncore CPU PROGRAM [ARG...]: run a program on another CPU and wait for it
# (Barrelfish's shell command of the same name).
#
# The multikernel's spawn(cpu, path, argv) asks every CPU's monitor to agree on the new
# process; the process runs on CPU with its own CPU driver, its output reaching the
# console through CPU 0; this program waits for it like for any child (its exit status
# travels back as a message) and exits with its status. A refusal (the CPU is full:
# `--option tight`) is reported, as is a program that cannot be run there.

.include "ulib.s"
.include "lib/mkusys.s"

.text
.global main
main:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    li   t0, 3
    bge  s1, t0, 1f
    li   a0, 2
    la   a1, usage
    call fprintf
    li   a0, 2
    FUNC_RETURN
1:  lw   a0, 4(s2)
    call atoi
    mv   s3, a0                         # the CPU
    lw   s4, 8(s2)                      # the program
    mv   a0, s4
    li   a1, '/'
    call strchr
    mv   a1, s4
    bnez a0, 2f
    la   a0, path                       # no '/': /PROGRAM, as the shell does
    li   t0, '/'
    sb   t0, 0(a0)
    addi a0, a0, 1
    mv   a1, s4
    li   a2, 126
    call strlcpy
    la   a1, path
2:  mv   a0, s3
    addi a2, s2, 8                      # argv from the program on
    call spawn
    bge  a0, zero, 3f
    li   t0, -ENOMEM                    # the monitors did not agree (the CPU is full)
    bne  a0, t0, 21f
    mv   a3, s4
    mv   a2, s3
    la   a1, refused
    li   a0, 2
    call fprintf
    li   a0, 1
    FUNC_RETURN
21: call errstr
    mv   a4, a0
    mv   a3, s3
    mv   a2, s4
    la   a1, nospawn
    li   a0, 2
    call fprintf
    li   a0, 1
    FUNC_RETURN
3:  la   a0, status
    call wait
    la   t0, status
    lw   a0, 0(t0)
    li   t0, -1000                      # an exec that failed there: -1000 - errno
    bgt  a0, t0, 4f
    li   t0, -1064
    ble  a0, t0, 4f
    li   t0, -1000
    sub  a0, t0, a0
    call errstr
    mv   a4, a0
    mv   a3, s3
    mv   a2, s4
    la   a1, noexec
    li   a0, 2
    call fprintf
    li   a0, 1
4:  FUNC_RETURN

.rodata
usage:   .asciz "usage: oncore CPU PROGRAM [ARG...]\n"
nospawn: .asciz "oncore: cannot spawn %s on CPU %d: %s\n"
refused: .asciz "oncore: CPU %d refused %s: no room there (the agreement aborted)\n"
noexec:  .asciz "oncore: cannot run %s on CPU %d: %s\n"
.bss
    .balign 4
status: .space 4
path:   .space 128
