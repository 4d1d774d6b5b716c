# mmu.s — the PV TLB interface: mmu_update, batched and validated TLB entries.
#
# Concept (Barham et al. 2003, §3.3.1 "Memory management": "guest OSes have direct read
# access to hardware page tables, but updates are batched and validated by the
# hypervisor"; seed: Xen lecture — "each OS can only map to memory it owns; writes are
# validated by Xen"). ringvm has no page-table walker (ISA.md §6): the TLB itself is
# what the hypervisor must guard. A PV kernel's TLB-miss handler therefore does not
# execute tlbwi (that exits and crashes the domain, exits.s); it hands the hypervisor a
# *batch* of entries — the missing one and its valid neighbours in the same page-table
# group — in one mmu_update. Each entry is checked: valid entries must map a frame the
# domain owns (below its NR_PAGES) or a frame of another domain that this domain has
# mapped through a grant (a writable entry only for a writable mapping), and may not be
# global. One bad entry refuses the whole batch (nothing installed; the refusal is
# counted in the domain's D_REF_MMU). Accepted entries go into the TLB tagged with the
# domain's VMID, at an index the hypervisor chooses (mmu_install): the TLB used as a
# 2-way set-associative software cache indexed by a hash of (VPN, ASID, VMID), so an
# entry for the same page of the same address space always lands in the same set and a
# batch can never create a duplicate match (a machine check, ISA.md §6).

# mmu_update(reqs, count) -> count / -EPERM / -EINVAL / -EFAULT
do_mmu_update:
    PROLOGUE
    mv   s1, a6                         # the domain
    mv   s2, a1                         # count
    addi t0, s2, -1
    sltiu t0, t0, MMU_MAX_BATCH
    beqz t0, 7f
    mv   a1, a0
    slli a2, s2, 3
    mv   a0, s1
    call guest_range
    beqz a0, 8f
    mv   s3, a0                         # the batch, in the hypervisor's kseg
    li   s4, 0                          # pass 1: validate every entry
1:  bgeu s4, s2, 3f
    slli t0, s4, 3
    add  t0, t0, s3
    lw   a1, XMU_LO(t0)
    mv   a0, s1
    call mmu_check
    beqz a0, 6f
    addi s4, s4, 1
    j    1b
3:  li   s4, 0                          # pass 2: install
4:  bgeu s4, s2, 5f
    slli t0, s4, 3
    add  t0, t0, s3
    lw   a1, XMU_HI(t0)
    lw   a2, XMU_LO(t0)
    mv   a0, s1
    call mmu_install
    addi s4, s4, 1
    j    4b
5:  mv   a0, s2
    EPILOGUE
6:  lw   t0, D_REF_MMU(s1)              # refused: nothing installed
    addi t0, t0, 1
    sw   t0, D_REF_MMU(s1)
    li   a0, -XEN_EPERM
    EPILOGUE
7:  li   a0, -XEN_EINVAL
    EPILOGUE
8:  li   a0, -XEN_EFAULT
    EPILOGUE

# mmu_check(a0 = domain, a1 = tlblo) -> a0 = 1 if the entry may be installed. Leaf.
mmu_check:
    andi t0, a1, TLB_V
    beqz t0, 9f                         # an invalid entry maps nothing
    andi t0, a1, TLB_G
    bnez t0, 8f                         # global entries would cross address spaces
    srli t0, a1, PAGE_SHIFT             # the guest-physical frame
    lw   t1, D_PAGES(a0)
    bltu t0, t1, 9f                     # its own memory
    lw   t1, D_MBASE(a0)                # else: a frame it mapped through a grant?
    srli t1, t1, PAGE_SHIFT
    add  t0, t0, t1                     # the machine frame
    lw   t6, D_DOMID(a0)
    la   t2, maptrack
    li   t3, MAPTRACK_MAX
1:  lw   t4, MT_FLAGS(t2)
    beqz t4, 3f
    lw   t5, MT_MAPPER(t2)
    bne  t5, t6, 3f
    lw   t5, MT_GRANTER(t2)             # the granter's machine frame of this mapping
    addi sp, sp, -16
    sw   a0, 0(sp)
    sw   t0, 4(sp)
    sw   t2, 8(sp)
    sw   t3, 12(sp)
    mv   a0, t5
    mv   t5, ra
    call dom_by_id
    mv   ra, t5
    mv   t5, a0
    lw   a0, 0(sp)
    lw   t0, 4(sp)
    lw   t2, 8(sp)
    lw   t3, 12(sp)
    addi sp, sp, 16
    beqz t5, 3f
    lw   t5, D_MBASE(t5)
    srli t5, t5, PAGE_SHIFT
    lw   t4, MT_FRAME(t2)
    add  t5, t5, t4
    bne  t5, t0, 3f
    andi t4, a1, TLB_W                  # a writable entry needs a writable mapping
    beqz t4, 9f
    lw   t4, MT_FLAGS(t2)
    andi t4, t4, MTF_RW
    bnez t4, 9f
3:  addi t2, t2, MT_BYTES
    addi t3, t3, -1
    bnez t3, 1b
8:  li   a0, 0
    ret
9:  li   a0, 1
    ret

# mmu_install(a0 = domain, a1 = tlbhi, a2 = tlblo): into the TLB with the domain's VMID.
# The TLB is used as a 2-way set-associative cache: set = (VPN + 8 ASID + 24 VMID) mod
# (N / 2), ways at index set and set + N / 2. An entry already there for the same page
# of the same address space is overwritten (never a duplicate match); otherwise an
# invalid way, else the way not written last (vtlb_mru). Two ways, not one: with a
# direct-mapped TLB an instruction whose code page and data page share an index would
# evict one with the other's refill forever (a livelock the batch's neighbours made
# likely). Leaf.
mmu_install:
    andi t0, a2, TLB_V
    beqz t0, 9f
    srli t0, a1, PAGE_SHIFT             # VPN
    andi t1, a1, 0xFF                   # ASID
    slli t1, t1, 3
    add  t0, t0, t1
    lw   t2, VC_VMID(a0)
    li   t1, 24
    mul  t1, t1, t2
    add  t0, t0, t1
    la   t1, vtlb_entries
    lw   t1, 0(t1)
    srli t1, t1, 1                      # sets
    remu t0, t0, t1                     # the set: way 0 at t0, way 1 at t0 + t1
    li   t5, -1                         # an invalid way, if any
    li   t3, 0                          # way
1:  mul  t4, t3, t1
    add  t4, t4, t0
    csrw tlbidx, t4
    tlbr                                # (ring -1: any VMID's entry, and its tlbvmid)
    csrr t6, tlblo
    andi t6, t6, TLB_V
    bnez t6, 2f
    bge  t5, zero, 3f
    mv   t5, t3                         # the first invalid way
    j    3f
2:  csrr t6, tlbhi                      # the same page of the same space: overwrite
    bne  t6, a1, 3f
    csrr t6, tlbvmid
    beq  t6, t2, 5f
3:  addi t3, t3, 1
    li   t6, 2
    blt  t3, t6, 1b
    mv   t3, t5                         # an invalid way,
    bge  t3, zero, 5f
    la   t6, vtlb_mru                   # else the way not written last
    add  t6, t6, t0
    lbu  t3, 0(t6)
    xori t3, t3, 1
5:  la   t6, vtlb_mru
    add  t6, t6, t0
    sb   t3, 0(t6)
    mul  t4, t3, t1
    add  t4, t4, t0
    csrw tlbidx, t4
    csrw tlbhi, a1
    csrw tlblo, a2
    csrw tlbvmid, t2
    tlbwi
9:  ret

.data
vtlb_mru: .space 128                    # per set: the way written last (N <= 256)
.text
