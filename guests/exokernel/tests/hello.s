# hello.s — the smallest library OS: it prints, allocates a page by name and maps it
# with its own TLB-refill handler, then frees itself. A smoke test of the exokernel.

.include "ringvm.inc"
.include "abi.inc"
.include "../exo.inc"

.equ MYVA, 0x00200000

.text
.global _start
_start:
    la   t0, img_off
    sw   a1, 0(t0)
    la   t0, envid
    sw   a2, 0(t0)
    mv   s0, a0
    la   a0, upcall
    li   a1, 0
    li   a7, EXO_SETUP
    syscall
    la   a0, s_hello
    call mputs
    mv   a0, s0
    call mputdec
    li   a0, '\n'
    call mputc
    li   a0, 0
    li   a7, EXO_PAGE_ALLOC
    syscall
    la   t0, mypfn
    sw   a0, 0(t0)
    li   t0, MYVA                       # the first touch misses: our handler maps it
    li   t1, 42
    sw   t1, 0(t0)
    lw   s1, 0(t0)
    la   a0, s_read
    call mputs
    mv   a0, s1
    call mputdec
    li   a0, '\n'
    call mputc
    li   t0, 0x00300000                 # unmapped: our handler says so, skips it
    lw   t1, 0(t0)
after:
    la   a0, s_bye
    call mputs
    li   a0, 0
    li   a7, EXO_INFO
    syscall
    la   t0, envid
    lw   a0, 0(t0)
    li   a7, EXO_ENV_FREE
    syscall
1:  j    1b

# upcall(a0 = kind, a1 = detail, a2 = pc); sp = the upcall stack.
upcall:
    addi t0, a0, -CAUSE_TLB_MISS_FETCH
    sltiu t0, t0, 3
    beqz t0, 9f
    li   t0, MYVA
    srli t1, a1, 12
    srli t2, t0, 12
    bne  t1, t2, 9f
    mv   a0, a1
    la   t0, mypfn
    lw   a1, 0(t0)
    slli a1, a1, 12
    ori  a1, a1, TLB_V | TLB_R | TLB_W | TLB_U
    li   a7, EXO_TLB_RESUME
    syscall
    j    9f                             # refused
9:  mv   s1, a1
    la   a0, s_fault
    call mputs
    mv   a0, s1
    call mputhex
    li   a0, '\n'
    call mputc
    li   t0, UAREA                      # continue at `after`
    la   t1, after
    sw   t1, U_EPC(t0)
    li   a7, EXO_RESUME
    syscall

.include "minilib.s"

.rodata
s_hello: .asciz "hello: a library OS in domain "
s_read:  .asciz "hello: my page reads back "
s_fault: .asciz "hello: fault at "
s_bye:   .asciz "hello: freeing my environment\n"
.data
    .balign 4
img_off: .word 0
envid:   .word 0
mypfn:   .word 0
