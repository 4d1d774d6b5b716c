# onmem.s — onmem N PROGRAM [ARG...]: run a program whose pages come from memory
# component N (the disaggregated kernel's placement of a process's memory).
#
# memctl(HOME, N) makes this process's future pages come from component N; exec then
# builds the program's image there (and gives the old pages back to where they came
# from). Its children inherit the component.

.include "ulib.s"
.include "lib/dkusys.s"

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
    mv   s3, a0
    li   a0, DK_MC_HOME
    mv   a1, s3
    call memctl
    bge  a0, zero, 2f
    mv   a2, s3
    la   a1, nocomp
    li   a0, 2
    call fprintf
    li   a0, 1
    FUNC_RETURN
2:  lw   s4, 8(s2)                      # the program
    mv   a0, s4
    li   a1, '/'
    call strchr
    mv   a1, s4
    bnez a0, 3f
    la   a0, path                       # no '/': /PROGRAM, as the shell does
    li   t0, '/'
    sb   t0, 0(a0)
    addi a0, a0, 1
    mv   a1, s4
    li   a2, 126
    call strlcpy
    la   a1, path
3:  mv   a0, a1
    addi a1, s2, 8
    call exec
    call errstr
    mv   a3, a0
    mv   a2, s4
    la   a1, noexec
    li   a0, 2
    call fprintf
    li   a0, 1
    FUNC_RETURN

.rodata
usage:  .asciz "usage: onmem COMPONENT PROGRAM [ARG...]\n"
nocomp: .asciz "onmem: %d is not a live memory component\n"
noexec: .asciz "onmem: cannot run %s: %s\n"
.bss
    .balign 4
path:   .space 128
