# fault.s — fault [KIND]: misbehave on purpose to show that the kernel kills only the
# offender (with one console line, guests/monolithic/README.md) and the shell goes on.
# KIND is one of:
#   kernel     store to kernel memory 0x80001000 (TLB protection fault; the default)
#   kread      load from kernel memory 0x80000000
#   priv       run a privileged instruction (csrw status)
#   illegal    run an undefined instruction word
#   jump       jump to garbage (an unmapped address)
#   null       load from address 0 (page 0 is never mapped)
#   misaligned load a word from an odd address
#   nx         jump into the read-only data (no execute permission)
#   stack      recurse until the stack runs into its guard page

.include "lib/ulib.s"

.text
.global main
main:
    FUNC_ENTER
    la   s2, ft_kernel
    li   t0, 2
    blt  a0, t0, 1f
    lw   s2, 4(a1)
1:  la   s3, ft_table
2:  lw   s4, 0(s3)              # name
    beqz s4, ft_unknown
    mv   a0, s2
    mv   a1, s4
    call strcmp
    beqz a0, 3f
    addi s3, s3, 8
    j    2b
3:  la   a0, ft_about
    mv   a1, s2
    call printf
    lw   t0, 4(s3)
    jalr ra, t0, 0
    la   a0, ft_survived        # should not get here
    mv   a1, s2
    call printf
    li   a0, 1
    FUNC_RETURN
ft_unknown:
    li   a0, 2
    la   a1, ft_usage
    call fputs
    li   a0, 2
    FUNC_RETURN

do_kernel:
    li   t0, 0x80001000
    sw   zero, 0(t0)
    ret
do_kread:
    li   t0, 0x80000000
    lw   t1, 0(t0)
    ret
do_priv:
    csrw status, zero
    ret
do_illegal:
    .word 0xFFFFFFFF
    ret
do_jump:
    li   t0, 0x7ABCD000
    jr   t0
do_null:
    lw   t1, 0(zero)
    ret
do_misaligned:
    la   t0, ft_table
    lw   t1, 2(t0)
    ret
do_nx:
    la   t0, ft_table          # word-aligned, readable, not executable
    jr   t0
do_stack:
    addi sp, sp, -256
    sw   ra, 252(sp)
    call do_stack
    ret

.rodata
ft_kernel:     .asciz "kernel"
ft_kread:      .asciz "kread"
ft_priv:       .asciz "priv"
ft_illegal:    .asciz "illegal"
ft_jump:       .asciz "jump"
ft_null:       .asciz "null"
ft_misaligned: .asciz "misaligned"
ft_nx:         .asciz "nx"
ft_stack:      .asciz "stack"
ft_about:      .asciz "fault: %s\n"
ft_survived:   .asciz "fault: %s: still alive?!\n"
ft_usage:      .asciz "usage: fault [kernel|kread|priv|illegal|jump|null|misaligned|nx|stack]\n"
.align 4
ft_table:
    .word ft_kernel, do_kernel
    .word ft_kread, do_kread
    .word ft_priv, do_priv
    .word ft_illegal, do_illegal
    .word ft_jump, do_jump
    .word ft_null, do_null
    .word ft_misaligned, do_misaligned
    .word ft_nx, do_nx
    .word ft_stack, do_stack
    .word 0, 0
