# exits.s — what the paravirtual hypervisor does for each VM exit reason.
#
# Concept: in a paravirtualized system most of what trap-and-emulate catches never
# happens — the ported kernel asks instead (Barham et al. 2003, §2: "the guest OS must
# be modified ... presenting a virtual machine abstraction that is similar but not
# identical to the underlying hardware"). So the exits of a PV domain are few kinds:
#   HYPERCALL  the interface itself: dispatched by number (hypercall.s)
#   IRQ        a physical interrupt: timer or a device line of Dom0 (sched.s: hv_poll)
#   WFI        the idle loop's wfi: the same as sched_block
#   TLB        a TLB instruction: the invalidations the kernel still executes (on exit,
#              exec, sbrk) are emulated, on the domain's own entries only; a TLB *write*
#              is not part of the interface (entries go in through mmu_update, which
#              validates them) and crashes the domain
#   PRIV, CSR  a ring -1 instruction or CSR: reflected as PRIVILEGED, as bare metal does
#   anything else — GPA_FAULT (outside its memory), MMIO (a DomU has no devices),
#              EXCEPTION (a trap with no guest vector), MACHINE_CHECK — crashes the
#              domain with one line naming it; the others go on (Dom0's crash powers
#              the machine off).

# hv_exit(a0 = domain, a1 = reason): from hv_exit_entry (hv/exit.s), on the hypervisor
# stack, with the guest's registers saved in the vCPU.
hv_exit:
    la   t0, dom_table                  # Dom0 is done with some interrupt lines (the
    lw   t1, D_MBASE(t0)                # XSH_EOI bits of its shared info): unmask them
    li   t2, KSEG + XSH_ADDR
    add  t1, t1, t2
    lw   t2, XSH_EOI(t1)
    beqz t2, 1f
    sw   zero, XSH_EOI(t1)
    la   t3, pirq_mask
    lw   t3, 0(t3)
    and  t2, t2, t3
    csrs ienable, t2
1:  la   a2, exit_table
    j    hv_dispatch

ex_irq:
    mv   s0, a0
    call hv_poll
    mv   a0, s0
    j    hv_resume

ex_wfi:
    mv   s0, a0
    lw   t0, VC_PC(s0)
    addi t0, t0, 4
    sw   t0, VC_PC(s0)
    call dom_block
    mv   a0, s0
    j    hv_resume

ex_tlb:
    mv   s0, a0
    csrr s1, hinsn
    andi t0, s1, 0x7FF                  # tlbwi 0x10, tlbwr 0x11: not for PV guests
    addi t0, t0, -0x10
    sltiu t0, t0, 2
    bnez t0, 1f
    mv   a0, s0
    mv   a1, s1
    call vtlb_emulate                   # tlbr, tlbp, tlbinv, tlbinvasid (own entries)
    bnez a0, 2f
    mv   a0, s0
    j    hv_resume
1:  lw   t0, D_REF_MMU(s0)
    addi t0, t0, 1
    sw   t0, D_REF_MMU(s0)
    mv   a0, s0
    la   a1, s_tlbwrite
    csrr a2, gtlbhi
    csrr a3, gtlblo
    j    dom_crash
2:  mv   a0, s0
    la   a1, s_unknown
    li   a2, 0
    li   a3, 0
    j    dom_crash

# a ring -1 instruction or CSR: on bare metal, PRIVILEGED with badvaddr = the word.
ex_priv:
    mv   s0, a0
    li   a1, CAUSE_PRIVILEGED
    csrr a2, hinsn
    call vcpu_inject
    bnez a0, ex_novec
    mv   a0, s0
    j    hv_resume

ex_novec:
    mv   a0, s0
    la   a1, s_novec
    csrr a2, hbadvaddr
    li   a3, 0
    j    dom_crash

ex_gpa:
    la   a1, s_gpafault
    csrr a2, hbadvaddr
    csrr a3, hgpa
    j    dom_crash

ex_mmio:
    la   a1, s_mmio
    csrr a2, hbadvaddr
    csrr a3, hgpa
    j    dom_crash

ex_exception:
    la   a1, s_novec
    csrr a2, hbadvaddr
    csrr a3, hqual
    j    dom_crash

ex_mcheck:
    la   a1, s_mcheck
    csrr a2, hbadvaddr
    li   a3, 0
    j    dom_crash

ex_unknown:
    la   a1, s_unknown
    csrr a2, hbadvaddr
    csrr a3, hgpa
    j    dom_crash

.rodata
    .balign 4
exit_table:
    .word ex_unknown, ex_hypercall, ex_priv, ex_priv, ex_tlb, ex_unknown, ex_gpa
    .word ex_mmio, ex_irq, ex_exception, ex_wfi, ex_mcheck
s_tlbwrite: .asciz "a TLB write (PV guests install entries with mmu_update; tlbhi, tlblo below)"
s_novec:    .asciz "a trap with no trap vector in the guest kernel"
s_gpafault: .asciz "an access outside the domain's memory"
s_mmio:     .asciz "a device access (a DomU has no devices: its console and disk are split drivers)"
s_mcheck:   .asciz "two TLB entries of the domain match one address"
s_unknown:  .asciz "an exit the hypervisor cannot handle"
.text
