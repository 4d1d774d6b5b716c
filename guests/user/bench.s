# bench.s — bench [N]: micro-benchmarks of the kernel, timed with the cycle CSR (one
# cycle per step: instructions, traps and idle cycles; ISA.md §10), N rounds each
# (default 1000):
#   bench: loop C        cycles per iteration of the empty measuring loop
#   bench: getpid C      cycles per getpid round trip (null system call), loop removed
#   bench: pipe C        cycles per one-byte ping-pong between two processes over two
#                        pipes (two context switches and four pipe syscalls)
# Used by benchmarks/bench_monolithic.py.

.include "lib/ulib.s"

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
1:  csrr s2, cycle              # the empty loop
    mv   t0, s1
2:  addi t0, t0, -1
    bnez t0, 2b
    csrr s3, cycle
    sub  s3, s3, s2
    divu s3, s3, s1             # s3 = loop cycles per iteration
    la   a0, b_loop
    mv   a1, s3
    call printf
    csrr s2, cycle              # getpid
    mv   s4, s1
3:  call getpid
    addi s4, s4, -1
    bnez s4, 3b
    csrr s5, cycle
    sub  s5, s5, s2
    divu s5, s5, s1
    sub  a1, s5, s3
    la   a0, b_getpid
    call printf
    la   a0, b_p1               # pipe ping-pong
    call pipe
    la   a0, b_p2
    call pipe
    call fork
    blt  a0, zero, 9f
    bnez a0, 5f
    la   t0, b_p1               # child: keep only its own ends
    lw   a0, 4(t0)
    call close
    la   t0, b_p2
    lw   a0, 0(t0)
    call close
4:  la   t0, b_p1               # echo every byte back until EOF
    lw   a0, 0(t0)
    la   a1, b_byte
    li   a2, 1
    call read
    ble  a0, zero, 41f
    la   t0, b_p2
    lw   a0, 4(t0)
    la   a1, b_byte
    li   a2, 1
    call write
    j    4b
41: li   a0, 0
    call exit
5:  mv   s6, a0
    la   t0, b_p1
    lw   a0, 0(t0)
    call close
    la   t0, b_p2
    lw   a0, 4(t0)
    call close
    csrr s2, cycle
    mv   s4, s1
6:  la   t0, b_p1
    lw   a0, 4(t0)
    la   a1, b_byte
    li   a2, 1
    call write
    la   t0, b_p2
    lw   a0, 0(t0)
    la   a1, b_byte
    li   a2, 1
    call read
    addi s4, s4, -1
    bnez s4, 6b
    csrr s5, cycle
    sub  s5, s5, s2
    divu a1, s5, s1
    la   a0, b_pipe
    call printf
    la   t0, b_p1
    lw   a0, 4(t0)
    call close
    li   a0, 0
    call wait
    li   a0, 0
    FUNC_RETURN
9:  li   a0, 1
    FUNC_RETURN

.rodata
b_loop:   .asciz "bench: loop %d\n"
b_getpid: .asciz "bench: getpid %d\n"
b_pipe:   .asciz "bench: pipe %d\n"
.bss
.align 4
b_p1:   .space 8
b_p2:   .space 8
b_byte: .space 4
