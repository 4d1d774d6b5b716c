# exits.s — what the hypervisor does for each VM exit reason.
#
# Concept: trap-and-emulate (seed: VM lecture — "critical instructions trap to the
# hypervisor, which emulates them or stops the OS using them"; Popek and Goldberg, ISA.md
# §12). The guest kernel runs in guest ring 0 on its own copies of the kernel CSRs, so
# most of its privileged work (status, epc, asid, rfe, its own traps and syscalls) needs
# no hypervisor at all; what exits, and why:
#   TLB        every TLB instruction (hctl.TLB): emulated, with the PFN checked (vtlb.s)
#   MMIO       every device access: the emulated devices answer (hv/vdev.s, hvdev.s)
#   IRQ        physical interrupts (hctl.IRQ): the hypervisor owns the devices (vm.s)
#   WFI        the guest is idle (hctl.WFI): run another VM, or wait
#   EXCEPTION  the interrupt window opened (vintr.s), or a trap with no guest vector
#   SENSITIVE  getst under hctl.SENS: emulated from the guest's status copy
#   HYPERCALL, PRIV, CSR   hcall or a ring -1 instruction/CSR: on bare metal these trap
#              to the kernel (HYPERCALL, PRIVILEGED), so the trap is reflected into it
#   GPA_FAULT, MACHINE_CHECK, and whatever cannot be emulated: the VM is stopped with a
#              message naming it, the exit, the addresses and the instruction; the other
#              VMs go on.

# hv_exit(a0 = vm, a1 = reason): from hv_exit_entry (hv/exit.s), on the hypervisor stack.
hv_exit:
    mv   s0, a0
    call vintr_disarm                   # an armed interrupt window is closed at every exit
    mv   s11, a0                        # (and remembered: EXCEPTION needs to know)
    mv   a0, s0
    csrr a1, hcause
    la   a2, exit_table
    j    hv_dispatch

# ---------------------------------------------------------------- emulated in place

ex_tlb:
    mv   s0, a0
    csrr a1, hinsn
    call vtlb_emulate
    beqz a0, 1f
    li   t0, -1
    bne  a0, t0, ex_unknown_s0
    mv   s1, a1                         # refused: the page is outside the VM
    mv   a0, s0
    la   a1, s_tlbref
    csrr a2, gtlbhi
    srli a2, a2, PAGE_SHIFT
    slli a2, a2, PAGE_SHIFT
    mv   a3, s1
    j    vm_fault
1:  mv   a0, s0
    j    hv_resume

# getst rd under hctl.SENS: rd = the guest's status, RING = the ring it is in.
ex_sensitive:
    mv   s0, a0
    csrr s1, hinsn
    call vcpu_ring                      # the ring it executed getst in
    slli s2, a0, ST_RING_SHIFT
    csrr t0, gstatus                    # (RING reads 0 from ring -1)
    andi t0, t0, ~ST_RING & 0xFFFF
    or   a2, t0, s2
    srli a1, s1, 21
    mv   a0, s0
    call vcpu_setreg
    lw   t0, VC_PC(s0)
    addi t0, t0, 4
    sw   t0, VC_PC(s0)
    mv   a0, s0
    j    hv_resume

# MMIO: one lw/sw to the device window, answered by the VM's emulated devices.
ex_mmio:
    mv   s0, a0
    csrr s1, hinsn
    csrr s2, hgpa
    mv   a0, s1
    call mmio_decode
    li   t0, -1
    beq  a0, t0, 8f                     # not a word access: a bus error on bare metal
    mv   s3, a0                         # its register
    mv   s4, a1                         # store?
    li   a3, 0
    beqz s4, 1f
    mv   a0, s0
    mv   a1, s3
    call vcpu_getreg
    mv   a3, a0
1:  addi a0, s0, VM_VD
    mv   a1, s2
    mv   a2, s4
    call vdev_access
    bnez a1, 8f
    bnez s4, 2f
    mv   a2, a0                         # a load: the value goes to rd
    mv   a0, s0
    mv   a1, s3
    call vcpu_setreg
2:  lw   t0, VC_PC(s0)
    addi t0, t0, 4
    sw   t0, VC_PC(s0)
    srli t0, s2, 12                     # side effects on the hypervisor's side
    andi t0, t0, 0xF
    li   t1, 2
    bne  t0, t1, 3f
    call hv_timer_program               # the VM's timer changed
3:  li   t1, 1
    srli t0, s2, 12
    andi t0, t0, 0xF
    bne  t0, t1, 4f
    call con_resume_rx                  # the VM took console input: room for more
    mv   a0, s0
    call con_waiting                    # or waits for some: show its prompt
4:  mv   a0, s0
    j    hv_resume                      # (or another VM, if this one powered off)
8:  srli a1, s1, 16                     # bus error: badvaddr = rs1 + imm
    andi a1, a1, 31
    mv   a0, s0
    call vcpu_getreg
    mv   a1, a0
    mv   a0, s1
    call mmio_va
    mv   a2, a0
    mv   a0, s0
    li   a1, CAUSE_BUS_ERROR
    j    vm_reflect

ex_irq:
    mv   s0, a0
    call hv_poll
    la   t0, resched
    lw   t0, 0(t0)
    bnez t0, hv_schedule
    mv   a0, s0
    j    hv_resume

ex_wfi:
    lw   t0, VC_PC(a0)
    addi t0, t0, 4
    sw   t0, VC_PC(a0)
    csrr t0, gienable                   # its wake condition (ISA.md §10)
    sw   t0, VC_G_IENABLE(a0)
    mv   s0, a0
    call vm_lines
    bnez a0, 1f
    li   t0, VCS_WAITING
    sw   t0, VC_STATE(s0)
    j    hv_schedule
1:  mv   a0, s0
    j    hv_resume

# EXCEPTION: with the interrupt window armed (s11), the guest just enabled interrupts
# (the VIRQ tripped its empty vector) or took an exception of its own (reflected now
# that its vector is back); otherwise the guest trapped without a trap vector.
ex_exception:
    beqz s11, 1f
    csrr t0, hqual
    li   t1, CAUSE_INTERRUPT | IRQ_VIRQ
    beq  t0, t1, hv_resume              # vintr_prepare injects the pending line
    mv   a1, t0
    csrr a2, hbadvaddr
    j    vm_reflect
1:  la   a1, s_novec
    csrr a2, hbadvaddr
    li   a3, 0
    j    vm_fault

# ---------------------------------------------------------------- reflected

# hcall: on bare metal it traps to the kernel with cause HYPERCALL.
ex_hypercall:
    li   a1, CAUSE_HYPERCALL
    li   a2, 0
    j    vm_reflect

# a ring -1 instruction or CSR: on bare metal, PRIVILEGED with badvaddr = the word.
ex_priv:
ex_csr:
    li   a1, CAUSE_PRIVILEGED
    csrr a2, hinsn
    j    vm_reflect

# vm_reflect(a0 = vm, a1 = cause, a2 = badvaddr): deliver the trap to the guest kernel.
vm_reflect:
    mv   s0, a0
    call vcpu_inject
    bnez a0, 1f
    mv   a0, s0
    j    hv_resume
1:  mv   a0, s0
    la   a1, s_novec
    csrr a2, hbadvaddr
    li   a3, 0
    j    vm_fault

# ---------------------------------------------------------------- not emulated

ex_gpa:
    la   a1, s_gpa
    csrr a2, hbadvaddr
    csrr a3, hgpa
    j    vm_fault

ex_mcheck:
    la   a1, s_mcheck
    csrr a2, hbadvaddr
    li   a3, 0
    j    vm_fault

ex_unknown_s0:
    mv   a0, s0
ex_unknown:
    la   a1, s_unknown
    csrr a2, hbadvaddr
    csrr a3, hgpa
    j    vm_fault

# vm_fault(a0 = vm, a1 = what, a2 = guest-virtual address, a3 = guest-physical one): stop
# the VM with one line, "hv: vm2 stopped: GPA_FAULT (store): <what>; gva 0x.. gpa 0x..;
# instruction 0x.. at pc 0x.. in ring 0", then run the others.
vm_fault:
    mv   s0, a0
    mv   s1, a1
    mv   s2, a2
    mv   s3, a3
    la   a0, s_vm
    call hv_puts
    lw   a0, VC_ID(s0)
    call hv_putdec
    la   a0, s_stopped
    call hv_puts
    csrr t0, hcause
    sltiu t1, t0, NEXIT_REASONS
    bnez t1, 1f
    li   t0, 0
1:  slli t0, t0, 2
    la   t1, exit_names
    add  t0, t0, t1
    lw   a0, 0(t0)
    call hv_puts
    csrr t0, hcause                     # the access, for the address exits
    li   t1, EXIT_GPA_FAULT
    beq  t0, t1, 2f
    li   t1, EXIT_MMIO
    bne  t0, t1, 3f
2:  csrr t0, hqual
    andi t0, t0, 3
    slli t0, t0, 2
    la   t1, access_names
    add  t0, t0, t1
    lw   a0, 0(t0)
    call hv_puts
3:  la   a0, s_colon
    call hv_puts
    mv   a0, s1
    call hv_puts
    la   a0, s_gva
    call hv_puts
    mv   a0, s2
    call hv_puthex
    la   a0, s_gpa2
    call hv_puts
    mv   a0, s3
    call hv_puthex
    la   a0, s_insn
    call hv_puts
    csrr a0, hinsn
    call hv_puthex
    la   a0, s_atpc
    call hv_puts
    lw   a0, VC_PC(s0)
    call hv_puthex
    la   a0, s_ring
    call hv_puts
    mv   a0, s0
    call vcpu_ring
    call hv_putdec
    li   a0, '\n'
    call hv_putc
    mv   a0, s0
    li   a1, HV_STOPPED_CODE
    call vm_stop
    j    hv_schedule

.rodata
    .balign 4
exit_table:
    .word ex_unknown, ex_hypercall, ex_priv, ex_csr, ex_tlb, ex_sensitive, ex_gpa
    .word ex_mmio, ex_irq, ex_exception, ex_wfi, ex_mcheck
access_names:
    .word s_fetch, s_load, s_store, s_store
s_fetch:   .asciz " (fetch)"
s_load:    .asciz " (load)"
s_store:   .asciz " (store)"
s_stopped: .asciz " stopped: "
s_colon:   .asciz ": "
s_gva:     .asciz "; gva "
s_gpa2:    .asciz " gpa "
s_insn:    .asciz "; instruction "
s_atpc:    .asciz " at pc "
s_ring:    .asciz " in ring "
s_tlbref:  .asciz "a TLB write maps a page outside the VM's memory (refused)"
s_gpa:     .asciz "an access outside the VM's memory"
s_mcheck:  .asciz "two TLB entries of the VM match one address"
s_novec:   .asciz "a trap with no trap vector in the guest kernel"
s_unknown: .asciz "an exit the hypervisor cannot emulate"
.text
