# exit.s — the VM exit and VM entry paths, and exit dispatch by reason (shared
# component).
#
# Concept: trap-and-emulate (seed: VM lecture — "critical instructions in ring 0 trap to
# the hypervisor, which emulates them"; ISA.md §8). Every VM exit lands at
# hv_exit_entry, which saves the guest's general registers into the running vCPU (whose
# address hscratch holds while the guest runs), its pc and ring, counts the exit by
# reason in the vCPU (VC_EXITS) and hands it to the hypervisor's hv_exit on the
# hypervisor's own stack; hv_dispatch indexes a table of handlers by the exit reason
# (hcause), the way a kernel indexes its syscall table. hv_enter is the way back: it
# makes a vCPU current, restores its registers and executes vmenter. A trap taken in
# ring -1 itself (hstatus.PV = 0: a hypervisor bug) goes to hv_fatal instead.
#
# Provides: hv_exit_entry (the hvec target), hv_enter(a0 = vcpu) (does not return),
#   hv_dispatch(a0 = vcpu, a1 = reason, a2 = table of NEXIT_REASONS handler addresses)
#   (tail call: handler(a0 = vcpu, a1 = reason))
# Needs: hv_exit (a0 = vcpu, a1 = reason; does not return), hv_fatal (a0 = hcause,
#   a1 = hepc, a2 = hbadvaddr; does not return), hv_stack_top, NEXIT_REASONS, VC_EXITS, VC_HSTATUS,
#   VC_PC (the vCPU layout); vcpu.inc (its macros)

    .balign 16
hv_exit_entry:
    csrrw t0, hscratch, t0              # t0 = the running vCPU, hscratch = guest t0
    sw   t1, 24(t0)
    csrr t1, hstatus
    andi t1, t1, ST_PV
    beqz t1, 9f                         # not an exit: a trap in ring -1 itself
    lw   t1, 24(t0)
    VCPU_SAVE_GPRS
    csrr t1, hscratch
    sw   t1, 20(t0)
    csrw hscratch, t0
    csrr t1, hepc
    sw   t1, VC_PC(t0)
    csrr t1, hstatus
    sw   t1, VC_HSTATUS(t0)
    la   sp, hv_stack_top
    csrr a1, hcause
    lw   t1, VC_EXITS(t0)               # count it: all exits, and by reason
    addi t1, t1, 1
    sw   t1, VC_EXITS(t0)
    sltiu t1, a1, NEXIT_REASONS
    beqz t1, 1f
    slli t1, a1, 2
    add  t1, t1, t0
    lw   t2, VC_EXITS(t1)
    addi t2, t2, 1
    sw   t2, VC_EXITS(t1)
1:  mv   a0, t0
    j    hv_exit
9:  la   sp, hv_stack_top
    csrr a0, hcause
    csrr a1, hepc
    csrr a2, hbadvaddr
    j    hv_fatal

# hv_enter(a0 = vcpu): run the vCPU from VC_PC in the ring of VC_HSTATUS.PRING, with its
# registers. The caller has loaded its CSRs (vcpu_load) if it was not the last one run.
hv_enter:
    csrw hscratch, a0
    lw   t1, VC_PC(a0)
    csrw hepc, t1
    lw   t1, VC_HSTATUS(a0)
    csrw hstatus, t1
    mv   t0, a0
    VCPU_LOAD_GPRS
    lw   t0, 20(t0)
    vmenter

# hv_dispatch(a0 = vcpu, a1 = reason, a2 = table): jump to table[reason] (table[0] for
# a reason beyond the table) with a0, a1 unchanged.
hv_dispatch:
    sltiu t0, a1, NEXIT_REASONS
    bnez t0, 1f
    li   a1, 0
1:  slli t0, a1, 2
    add  t0, t0, a2
    lw   t0, 0(t0)
    jr   t0
