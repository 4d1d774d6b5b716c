# tlbrefill.s — software TLB refill from a two-level page table (shared component).
#
# Concept: with no hardware page walker (ISA.md §6) the page table is pure software
# policy: the kernel picks the format and the miss handler walks it (memory management
# seed: "a software-managed TLB makes the page table an OS data structure", MIPS-style).
#
# Format (guests/monolithic/README.md): a directory page of 1024 words indexed by
# va[31:22], each the kseg address of a page-table page or 0; a page-table page of 1024
# tlblo words indexed by va[21:12]. An entry without V is a page fault.
#
# TLB_REFILL pgdir, r1, r2, fail: macro for the hot path of a trap handler. pgdir is a
# register holding the directory's kseg address; r1, r2 are scratch registers. On a hit
# it writes tlblo and the next entry in round-robin order with tlbwi (tlbhi already
# holds VPN | ASID from the miss) and falls through; on a page fault it jumps to fail.
# Only r1 and r2 are modified. Not tlbwr: its victim is cycle mod N, and a refill path
# of fixed length can then make an instruction's fetch and data refills evict each
# other forever (a livelock seen with 4 entries); round robin never evicts the entry
# written just before.
#
# Provides: TLB_REFILL (macro), pt_walk(a0 = directory, a1 = va, a2 = create?)
#   -> a0 = address of the entry or 0
# Needs: kalloc
.macro TLB_REFILL pgdir, r1, r2, fail
    csrr \r1, badvaddr
    srli \r1, \r1, 22
    slli \r1, \r1, 2
    add  \r1, \r1, \pgdir
    lw   \r2, 0(\r1)                # page-table page (kseg) or 0
    beqz \r2, \fail
    csrr \r1, badvaddr
    srli \r1, \r1, 10
    andi \r1, \r1, 0xFFC
    add  \r1, \r1, \r2
    lw   \r1, 0(\r1)                # the tlblo word
    andi \r2, \r1, TLB_V
    beqz \r2, \fail
    csrw tlblo, \r1
    la   \r1, tlb_next                  # round-robin victim (tlbwi takes it mod N)
    lw   \r2, 0(\r1)
    addi \r2, \r2, 1
    sw   \r2, 0(\r1)
    csrw tlbidx, \r2
    tlbwi
.endm

.data
    .balign 4
tlb_next: .word 0
.text

# pt_walk(a0 = pgdir, a1 = va, a2 = alloc) -> a0 = kseg address of the entry for va,
# or 0 (no page-table page and !alloc, or out of memory). Calls kalloc.
pt_walk:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   a1, 0(sp)
    srli t0, a1, 22
    slli t0, t0, 2
    add  t0, t0, a0
    lw   t1, 0(t0)
    bnez t1, 1f
    beqz a2, 8f
    sw   t0, 4(sp)
    call kalloc
    beqz a0, 8f
    lw   t0, 4(sp)
    sw   a0, 0(t0)
    mv   t1, a0
1:  lw   a1, 0(sp)
    srli t0, a1, 10
    andi t0, t0, 0xFFC
    add  a0, t0, t1
    j    9f
8:  li   a0, 0
9:  lw   ra, 12(sp)
    addi sp, sp, 16
    ret
