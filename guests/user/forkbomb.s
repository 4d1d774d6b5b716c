# forkbomb.s — forkbomb [N]: a bounded fork bomb. Forks children (each sleeps a few
# ticks, then exits 0) until fork fails or N (default 20) are alive, then reaps them
# all and prints a summary. Shows the kernel refusing gracefully when the process
# table fills (NPROC = 32) and every child being reaped.

.include "lib/ulib.s"

.equ DEFAULT_N, 20

.text
.global main
main:
    FUNC_ENTER
    li   s1, DEFAULT_N
    li   t0, 2
    blt  a0, t0, 1f
    lw   a0, 4(a1)
    call atoi
    mv   s1, a0
1:  li   s2, 0                  # children forked
    li   s3, 0                  # fork failures
    li   s4, 0                  # reaped
    li   s5, 0                  # reaped with a non-zero status
2:  bge  s2, s1, 4f
    call fork
    blt  a0, zero, 3f
    beqz a0, fb_child
    addi s2, s2, 1
    j    2b
3:  mv   s6, a0                 # fork failed: stop forking
    li   s3, 1
4:  la   a0, fb_status
    call wait
    blt  a0, zero, 5f
    addi s4, s4, 1
    la   t0, fb_status
    lw   t1, 0(t0)
    beqz t1, 4b
    addi s5, s5, 1
    j    4b
5:  la   a0, fb_fmt
    mv   a1, s2
    mv   a2, s4
    mv   a3, s5
    call printf
    beqz s3, 6f
    mv   a0, s6
    call errstr
    mv   a1, a0
    la   a0, fb_failfmt
    call printf
6:  li   a0, 0
    bne  s2, s4, 7f
    beqz s5, 8f
7:  li   a0, 1
8:  FUNC_RETURN
fb_child:
    li   a0, 3
    call sleep
    li   a0, 0
    call exit

.rodata
fb_fmt:     .asciz "forkbomb: forked %d children, reaped %d (%d with a non-zero status)\n"
fb_failfmt: .asciz "forkbomb: then fork failed: %s\n"
.bss
.align 4
fb_status:  .space 4
