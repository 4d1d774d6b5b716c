# tlbwild.s — a broken guest kernel for the hypervisor's TLB-validation tests: it writes
# a TLB entry whose PFN is a guest-physical page beyond its RAM (tlbwi), then loads
# through it from user-space addresses (useg, in ring 0). Under hctl.TLB the hypervisor
# must refuse the entry (the VM is stopped, nothing installed: "a TLB write maps a page
# outside the VM's memory"); a hypervisor that installs it unchecked lets the load reach
# the second stage instead (GPA_FAULT), and one with no second stage would hand the
# guest another VM's memory.

.include "ringvm.inc"

.equ VA, 0x00400000

.text
.global _start
_start:
    la   sp, stack_top
    la   a0, s_hello
    call kputs
    li   t0, SYSCTL_RAMSIZE
    lw   t1, 0(t0)
    li   t0, VA
    csrw tlbhi, t0                      # VA, ASID 0
    li   t0, 0x00100000                 # 1 MiB past the end of its RAM
    add  t1, t1, t0
    ori  t1, t1, TLB_V | TLB_R | TLB_W | TLB_G
    csrw tlblo, t1
    li   t0, 3
    csrw tlbidx, t0
    tlbwi
    li   t0, VA
    lw   t1, 0(t0)
    la   a0, s_alive
    call kputs
    li   a0, 1
    call khalt

.include "base/kprint.s"

.rodata
s_hello: .asciz "tlbwild: mapping a page that is not mine\n"
s_alive: .asciz "tlbwild: I read another VM's memory\n"
.bss
    .balign 16
stack:     .space 1024
stack_top:
