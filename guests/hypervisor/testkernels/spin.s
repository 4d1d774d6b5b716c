# spin.s — a guest kernel that never stops: it counts in a loop and says so every 2^16
# iterations. Run under the type-2 VMM (vmrun spin.elf &) it shows the host kernel in
# control: the host's scheduler preempts it (every physical interrupt exits the VM), its
# other processes run, `ps` lists its vmrun and `kill` ends it.

.include "ringvm.inc"

.text
.global _start
_start:
    la   sp, stack_top
    la   a0, s_hello
    call kputs
    li   s1, 0
1:  addi s1, s1, 1
    li   t0, (1 << 16) - 1
    and  t0, s1, t0
    bnez t0, 1b
    la   a0, s_spin
    call kputs
    j    1b

.include "base/kprint.s"

.rodata
s_hello: .asciz "spin: a guest that never stops\n"
s_spin:  .asciz "spin: still spinning\n"
.bss
    .balign 16
stack:     .space 1024
stack_top:
