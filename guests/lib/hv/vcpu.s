# vcpu.s — vCPU save/restore and trap reflection (shared component).
#
# Concept: trap-and-emulate needs two things besides the exit itself (seed: VM lecture,
# Disco): switching the real CPU between virtual CPUs — the guest copies of the banked
# CSRs and the second-stage registers (hbase, hlimit, hctl, hvmid) are per-VM state the
# hypervisor saves and loads (vcpu_save, vcpu_load) — and *reflecting* an event into the
# guest the way the hardware would have delivered it on bare metal: vcpu_inject performs
# the guest's trap entry (ISA.md §7: epc, cause, badvaddr, PIE <- IE, IE <- 0, PRING <-
# its ring, ring 0 at tvec) on the guest copies, so an unmodified kernel takes an
# emulated interrupt or a reflected exception exactly as it takes a real one.
#
# Ring -1 only (g-aliases of the CSRs). vcpu_inject and vcpu_save work on the vCPU that
# is loaded in the CPU. Leaf routines (t0..t3).
#
# Provides: vcpu_init(a0 = vcpu, a1 = entry pc, a2 = hbase, a3 = hlimit, a4 = vmid,
#   a5 = hctl, a6 = VM number), vcpu_load(a0 = vcpu), vcpu_save(a0 = vcpu),
#   vcpu_inject(a0 = vcpu, a1 = cause word, a2 = badvaddr) -> a0 = 0 / -1 (no vector),
#   vcpu_getreg(a0 = vcpu, a1 = register) -> a0, vcpu_setreg(a0 = vcpu, a1 = register,
#   a2 = value), vcpu_ring(a0 = vcpu) -> a0 = the guest's ring at its last exit
# Needs: VC_REGS (the vCPU layout of vcpu.inc), VC_PC, VC_HSTATUS, VC_G_STATUS, VC_G_TVEC,
#   VC_G_EPC, VC_G_CAUSE, VC_G_BADVADDR, VC_G_SCRATCH, VC_G_IENABLE, VC_G_IPEND,
#   VC_G_ASID, VC_G_TLBIDX, VC_G_TLBHI, VC_G_TLBLO, VC_G_WIRED, VC_G_CPUID, VC_HBASE,
#   VC_HLIMIT, VC_HCTL, VC_VMID, VC_STATE, VC_ID, VC_SIZE, VCS_RUNNABLE

# vcpu_init: a fresh vCPU: every register and CSR 0, pc = entry in guest ring 0 (the
# state a CPU has after reset, ISA.md §11), its second stage and exit controls.
vcpu_init:
    mv   t0, a0
    addi t1, a0, VC_SIZE
1:  sw   zero, 0(t0)
    addi t0, t0, 4
    bltu t0, t1, 1b
    sw   a1, VC_PC(a0)
    sw   a2, VC_HBASE(a0)
    sw   a3, VC_HLIMIT(a0)
    sw   a4, VC_VMID(a0)
    sw   a5, VC_HCTL(a0)
    sw   a6, VC_ID(a0)
    li   t0, VCS_RUNNABLE
    sw   t0, VC_STATE(a0)
    ret

# vcpu_load: make a0 the vCPU the CPU runs: its guest CSR copies, second stage, exit
# controls and VMID. (Its TLB entries stay in the TLB, tagged with its VMID.)
vcpu_load:
    lw   t0, VC_G_STATUS(a0)
    csrw gstatus, t0
    lw   t0, VC_G_TVEC(a0)
    csrw gtvec, t0
    lw   t0, VC_G_EPC(a0)
    csrw gepc, t0
    lw   t0, VC_G_CAUSE(a0)
    csrw gcause, t0
    lw   t0, VC_G_BADVADDR(a0)
    csrw gbadvaddr, t0
    lw   t0, VC_G_SCRATCH(a0)
    csrw gscratch, t0
    lw   t0, VC_G_IENABLE(a0)
    csrw gienable, t0
    lw   t0, VC_G_IPEND(a0)
    csrw gipend, t0
    lw   t0, VC_G_ASID(a0)
    csrw gasid, t0
    lw   t0, VC_G_TLBIDX(a0)
    csrw gtlbidx, t0
    lw   t0, VC_G_TLBHI(a0)
    csrw gtlbhi, t0
    lw   t0, VC_G_TLBLO(a0)
    csrw gtlblo, t0
    lw   t0, VC_G_WIRED(a0)
    csrw gwired, t0
    lw   t0, VC_G_CPUID(a0)
    csrw gcpuid, t0
    lw   t0, VC_HBASE(a0)
    csrw hbase, t0
    lw   t0, VC_HLIMIT(a0)
    csrw hlimit, t0
    lw   t0, VC_HCTL(a0)
    csrw hctl, t0
    lw   t0, VC_VMID(a0)
    csrw hvmid, t0
    ret

# vcpu_save: copy the guest CSR copies of the loaded vCPU into a0.
vcpu_save:
    csrr t0, gstatus
    sw   t0, VC_G_STATUS(a0)
    csrr t0, gtvec
    sw   t0, VC_G_TVEC(a0)
    csrr t0, gepc
    sw   t0, VC_G_EPC(a0)
    csrr t0, gcause
    sw   t0, VC_G_CAUSE(a0)
    csrr t0, gbadvaddr
    sw   t0, VC_G_BADVADDR(a0)
    csrr t0, gscratch
    sw   t0, VC_G_SCRATCH(a0)
    csrr t0, gienable
    sw   t0, VC_G_IENABLE(a0)
    csrr t0, gipend
    sw   t0, VC_G_IPEND(a0)
    csrr t0, gasid
    sw   t0, VC_G_ASID(a0)
    csrr t0, gtlbidx
    sw   t0, VC_G_TLBIDX(a0)
    csrr t0, gtlbhi
    sw   t0, VC_G_TLBHI(a0)
    csrr t0, gtlblo
    sw   t0, VC_G_TLBLO(a0)
    csrr t0, gwired
    sw   t0, VC_G_WIRED(a0)
    csrr t0, gcpuid
    sw   t0, VC_G_CPUID(a0)
    ret

# vcpu_inject: the guest's trap entry, done by software (ISA.md §7, "Trap entry to
# ring 0"): epc <- the guest pc, cause, badvaddr; PIE <- IE, IE <- 0, PRING <- the ring it
# was in; then it resumes in its ring 0 at its tvec. Returns -1 (and changes nothing)
# if the guest has no trap vector.
vcpu_inject:
    csrr t0, gtvec
    bnez t0, 1f
    li   a0, -1
    ret
1:  lw   t1, VC_PC(a0)
    csrw gepc, t1                       # epc <- where the guest was
    sw   t0, VC_PC(a0)                  # it resumes at its vector
    csrw gcause, a1
    csrw gbadvaddr, a2
    lw   t1, VC_HSTATUS(a0)
    srli t2, t1, ST_PRING_SHIFT
    andi t2, t2, 7                      # the ring it was in ...
    li   t3, ST_PRING
    not  t3, t3
    and  t1, t1, t3
    sw   t1, VC_HSTATUS(a0)             # ... and the one it enters: 0
    csrr t1, gstatus
    andi t3, t1, ST_IE                  # PIE <- IE, IE <- 0, PRING <- its ring
    slli t3, t3, ST_PIE_SHIFT
    andi t1, t1, ~(ST_IE | ST_PIE | ST_PRING | ST_RING) & 0xFFFF
    or   t1, t1, t3
    slli t2, t2, ST_PRING_SHIFT
    or   t1, t1, t2
    csrw gstatus, t1
    li   a0, 0
    ret

# vcpu_getreg: the guest's register a1 (0..31). Leaf.
vcpu_getreg:
    andi a1, a1, 31
    slli a1, a1, 2
    add  a1, a1, a0
    lw   a0, VC_REGS(a1)
    ret

# vcpu_setreg: set the guest's register a1 to a2 (x0 stays 0). Leaf.
vcpu_setreg:
    andi a1, a1, 31
    beqz a1, 1f
    slli a1, a1, 2
    add  a1, a1, a0
    sw   a2, VC_REGS(a1)
1:  ret

# vcpu_ring: the ring the guest was in at its last exit (hstatus.PRING). Leaf.
vcpu_ring:
    lw   a0, VC_HSTATUS(a0)
    srli a0, a0, ST_PRING_SHIFT
    andi a0, a0, 7
    ret
