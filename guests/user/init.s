# init.s — the first process (pid 1). The kernel starts it with fds 0, 1 and 2 already
# open on the console (guests/monolithic/README.md), so init opens nothing: it forks
# /sh, waits for it (reaping any orphaned process the kernel re-parents to init on the
# way), and when the shell exits — at the end of its input or with `exit N` — powers
# the machine off with the shell's exit status (halt(2); only pid 1 may).

.include "lib/ulib.s"

.text
.global main
main:
    FUNC_ENTER
    call fork
    blt  a0, zero, init_forkfail
    bnez a0, init_parent
    la   a0, init_sh            # child: become the shell
    la   a1, init_argv
    call exec
    mv   s1, a0
    call errstr
    mv   a2, a0
    la   a1, init_execmsg
    li   a0, 2
    call fprintf
    li   a0, 127
    call exit
init_parent:
    mv   s1, a0                 # the shell's pid
1:  la   a0, init_status
    call wait
    blt  a0, zero, init_nochild
    bne  a0, s1, 1b             # an orphan: keep waiting for the shell
    la   t0, init_status
    lw   a0, 0(t0)
    call halt
    j    init_hang
init_nochild:
    li   a0, 2
    la   a1, init_waitmsg
    call fputs
    li   a0, 1
    call halt
    j    init_hang
init_forkfail:
    call errstr
    mv   a2, a0
    la   a1, init_forkmsg
    li   a0, 2
    call fprintf
    li   a0, 1
    call halt
init_hang:                      # halt refused (cannot happen for pid 1): idle
    li   a0, 1000
    call sleep
    j    init_hang

.rodata
init_sh:      .asciz "/sh"
init_sharg0:  .asciz "sh"
init_execmsg: .asciz "init: exec /sh: %s\n"
init_forkmsg: .asciz "init: fork: %s\n"
init_waitmsg: .asciz "init: lost the shell\n"
.align 4
init_argv:    .word init_sharg0, 0
.bss
.align 4
init_status:  .space 4
