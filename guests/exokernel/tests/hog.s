# hog.s — a library OS that allocates pages until the kernel has none left, then waits
# for the kernel to revoke one from another library OS and gets it; it holds the
# console so it can end the test (EXO_HALT). Test module of tests/exokernel.
#
# Concept: memory pressure is what starts a visible revocation (revoke.s): the kernel
# answers -EAGAIN while it asks another library OS for a page.

.include "ringvm.inc"
.include "abi.inc"
.include "../exo.inc"

.text
.global _start
_start:
    la   t0, img_off
    sw   a1, 0(t0)
    li   a0, DEV_CONSOLE
    li   a7, EXO_DEV_BIND
    syscall
    li   a0, 2                          # let the others settle
    call wait_ticks
    li   s1, 0
1:  li   a0, 0                          # allocate until the kernel says -EAGAIN
    li   a7, EXO_PAGE_ALLOC
    syscall
    blt  a0, zero, 2f
    addi s1, s1, 1
    j    1b
2:  mv   s2, a0
    la   a0, s_got
    call lb_str
    mv   a0, s1
    call lb_dec
    la   a0, s_then
    call lb_str
    mv   a0, s2
    neg  a0, a0
    call lb_dec
    call lb_end
    li   t0, -EAGAIN
    bne  s2, t0, 9f
    li   s3, 0                          # ticks waited
3:  li   a0, 1
    call wait_ticks
    addi s3, s3, 1
    li   a0, 0
    li   a7, EXO_PAGE_ALLOC
    syscall
    bge  a0, zero, 4f
    li   t0, 30
    blt  s3, t0, 3b
    la   a0, s_never
    call lb_str
    call lb_end
    j    9f
4:  mv   s2, a0
    la   a0, s_page
    call lb_str
    mv   a0, s2
    call lb_hex
    la   a0, s_after
    call lb_str
    mv   a0, s3
    call lb_dec
    la   a0, s_ticks
    call lb_str
    call lb_end
9:  li   a0, 6                          # let the others report, then power off
    call wait_ticks
    li   a0, 0
    li   a7, EXO_HALT
    syscall

# wait_ticks(a0 = n)
wait_ticks:
    mv   t2, a0
    li   a0, INFO_TICKS
    li   a7, EXO_INFO
    syscall
    add  t2, t2, a0
1:  mv   a0, t2
    li   a7, EXO_BLOCK
    syscall
    beqz a0, 1b                         # woken early: keep waiting
    ret

.include "minilib.s"

.rodata
s_got:   .asciz "hog: allocated "
s_then:  .asciz " pages, then error "
s_page:  .asciz "hog: got page "
s_after: .asciz " after "
s_ticks: .asciz " tick(s): the kernel took it back from someone"
s_never: .asciz "hog: never got a page"
.data
    .balign 4
img_off: .word 0
.text
