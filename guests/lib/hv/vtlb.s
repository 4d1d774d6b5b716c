# vtlb.s — TLB virtualization by exits, Disco-style (shared component).
#
# Concept: the guest kernel keeps managing "its" software TLB (seed: Disco, type-1a —
# the hypervisor virtualizes the MIPS TLB; ISA.md §6, §8): under hctl.TLB every TLB
# instruction of the guest exits, and vtlb_emulate does it on the guest's behalf with
# the guest's copies of tlbhi/tlblo/tlbidx. A write is *validated* first: the page it
# maps must be guest-physical memory the VM owns (below its hlimit) or its device window
# (which exits MMIO when used) — otherwise it is refused and nothing is installed, so a
# guest entry can never point outside its VM. An accepted entry is installed with the
# guest's VMID (tlbvmid), so it matches only while that VM runs and the second stage
# (hbase) still applies to it. Reads and probes see only the VM's own entries;
# invalidations touch only them. The TLB is shared by every VM: an entry of one VM may
# be overwritten by another (it is a cache: the first simply misses again).
#
# Ring -1 only. vtlb_init must run once, before any guest (it sizes the TLB).
#
# Provides: vtlb_init(), vtlb_entries (word: TLB size), vtlb_emulate(a0 = vcpu,
#   a1 = instruction word) -> a0 = 0 (emulated; pc advanced), -1 (a write refused:
#   a1 = the guest-physical page it maps), -2 (not a TLB instruction)
# Needs: VC_REGS, VC_PC, VC_HLIMIT, VC_VMID (the vCPU layout of vcpu.inc)

.equ VTLB_DEV_LO, 0x40000000           # the device window (ISA.md §5)
.equ VTLB_DEV_HI, 0x40010000

# vtlb_init(): find the TLB's size N (tlbidx counts modulo N): write a marker at index 0
# and read indices 1, 2, ... until it comes back. Leaves the TLB empty.
vtlb_init:
    tlbinv
    li   t0, 0x7FFFF05A                 # marker: VPN 0x7FFFF, ASID 0x5A
    csrw tlbhi, t0
    li   t1, 0x1000 | TLB_V
    csrw tlblo, t1
    csrw tlbvmid, zero
    csrw tlbidx, zero
    tlbwi
    li   t2, 1
1:  csrw tlbidx, t2
    tlbr
    csrr t3, tlbhi
    beq  t3, t0, 2f
    addi t2, t2, 1
    li   t3, 257
    bltu t2, t3, 1b
2:  la   t0, vtlb_entries
    sw   t2, 0(t0)
    tlbinv
    ret

# vtlb_emulate: see the header. Leaf (t0..t6).
vtlb_emulate:
    andi t0, a1, 0x7FF                  # funct of the system instruction
    srli t1, a1, 26
    li   t2, 1
    bne  t1, t2, 90f
    li   t1, 0x10
    beq  t0, t1, 10f                    # tlbwi
    li   t1, 0x11
    beq  t0, t1, 20f                    # tlbwr
    li   t1, 0x12
    beq  t0, t1, 30f                    # tlbr
    li   t1, 0x13
    beq  t0, t1, 40f                    # tlbp
    li   t1, 0x14
    beq  t0, t1, 50f                    # tlbinv
    li   t1, 0x15
    beq  t0, t1, 60f                    # tlbinvasid
90: li   a0, -2
    ret

10: csrr t0, gtlbidx                    # tlbwi: the guest's index
    j    11f
20: la   t1, vtlb_entries               # tlbwr: wired' + cycle mod (N - wired')
    lw   t1, 0(t1)
    csrr t2, gwired
    addi t3, t1, -1
    bltu t2, t3, 21f
    mv   t2, t3
21: sub  t3, t1, t2
    csrr t0, cycle
    remu t0, t0, t3
    add  t0, t0, t2
11: csrr t1, gtlblo                     # validate, then install (t0 = index)
    andi t2, t1, TLB_V
    beqz t2, 13f                        # an invalid entry maps nothing
    srli t2, t1, PAGE_SHIFT
    slli t2, t2, PAGE_SHIFT             # the guest-physical page
    lw   t3, VC_HLIMIT(a0)
    bltu t2, t3, 13f                    # the VM's RAM
    li   t3, VTLB_DEV_LO
    bltu t2, t3, 12f
    li   t3, VTLB_DEV_HI
    bltu t2, t3, 13f                    # its device window (exits MMIO when used)
12: mv   a1, t2                         # refused: outside the VM
    li   a0, -1
    ret
13: csrr t2, gtlbhi
    csrw tlbhi, t2
    csrw tlblo, t1
    csrw tlbidx, t0
    lw   t2, VC_VMID(a0)
    csrw tlbvmid, t2
    tlbwi
    j    80f

30: csrr t0, gtlbidx                    # tlbr: only the VM's own entries
    csrw tlbidx, t0
    tlbr
    csrr t1, tlbvmid
    lw   t2, VC_VMID(a0)
    bne  t1, t2, 31f
    csrr t1, tlbhi
    csrw gtlbhi, t1
    csrr t1, tlblo
    csrw gtlblo, t1
    j    80f
31: csrw gtlbhi, zero                   # another VM's entry reads as zero
    csrw gtlblo, zero
    j    80f

40: csrr t4, gtlbhi                     # tlbp: lowest index matching in the VM
    srli t5, t4, PAGE_SHIFT             # VPN
    andi t4, t4, 0xFF                   # ASID
    lw   t6, VC_VMID(a0)
    li   t0, 0
41: la   t1, vtlb_entries
    lw   t1, 0(t1)
    bgeu t0, t1, 48f
    csrw tlbidx, t0
    tlbr
    csrr t1, tlbvmid
    bne  t1, t6, 47f
    csrr t2, tlblo
    andi t1, t2, TLB_V
    beqz t1, 47f
    csrr t3, tlbhi
    srli t1, t3, PAGE_SHIFT
    bne  t1, t5, 47f
    andi t1, t2, TLB_G
    bnez t1, 49f
    andi t3, t3, 0xFF
    beq  t3, t4, 49f
47: addi t0, t0, 1
    j    41b
48: li   t0, 0x80000000                 # not found
49: csrw gtlbidx, t0
    j    80f

50: lw   t0, VC_VMID(a0)                # tlbinv: every entry of the VM
    tlbinvvmid t0
    j    80f

60: srli t0, a1, 16                     # tlbinvasid rs1: the VM's non-global entries
    andi t0, t0, 31                     # of that ASID
    slli t0, t0, 2
    add  t0, t0, a0
    lw   t4, VC_REGS(t0)
    andi t4, t4, 0xFF
    lw   t6, VC_VMID(a0)
    li   t0, 0
61: la   t1, vtlb_entries
    lw   t1, 0(t1)
    bgeu t0, t1, 80f
    csrw tlbidx, t0
    tlbr
    csrr t1, tlbvmid
    bne  t1, t6, 67f
    csrr t2, tlblo
    andi t1, t2, TLB_V
    beqz t1, 67f
    andi t1, t2, TLB_G
    bnez t1, 67f
    csrr t3, tlbhi
    andi t3, t3, 0xFF
    bne  t3, t4, 67f
    csrw tlbhi, zero                    # invalidate index t0
    csrw tlblo, zero
    csrw tlbvmid, zero
    tlbwi
67: addi t0, t0, 1
    j    61b

80: lw   t0, VC_PC(a0)                  # emulated: skip the instruction
    addi t0, t0, 4
    sw   t0, VC_PC(a0)
    li   a0, 0
    ret

.data
    .balign 4
vtlb_entries: .word 64
.text
