# tlb.s — the software-managed TLB (ISA.md §6): tlbwi/tlbr/tlbp, ASID matching, global
# entries, tlbinvasid/tlbinv, wired and tlbwr, entry-level permission flags. Ring 0
# accesses useg through the TLB, so no user mode is needed here.
.include "check.inc"

.equ VA1, 0x00800000
.equ VA2, 0x00801000
.equ VAG, 0x00802000

# PUT idx, va, asid, page, flags: TLB[idx] = (va | asid, phys(page) | flags)
.macro PUT idx, va, asid, page, flags
    li   t0, \idx
    csrw tlbidx, t0
    li   t0, \va | \asid
    csrw tlbhi, t0
    la   t0, \page
    li   t1, KSEG
    sub  t0, t0, t1
    ori  t0, t0, \flags
    csrw tlblo, t0
    tlbwi
.endm

.macro LOAD_TRAPS va, name
    EXPECT_TRAP 1f
    li   s3, \va
    lw   s4, 0(s3)
1:  TRAPINFO s1, TI_CAUSE
    CHECK s1, CAUSE_TLB_MISS_LOAD, \name
.endm

.macro LOAD_IS va, value, name
    EXPECT_TRAP 1f
    li   s3, \va
    lw   s4, 0(s3)
    CHECK s4, \value, \name
    j    2f
1:  CHECK zero, 1, \name          # trapped: fail
2:
.endm

test_main:
    la   t0, saved_main_ra
    sw   ra, 0(t0)
    tlbinv
    li   t0, 1
    csrw asid, t0
    PUT  10, VA1, 1, pageA, TLB_V | TLB_R | TLB_W
    PUT  11, VA1, 2, pageB, TLB_V | TLB_R | TLB_W
    PUT  12, VAG, 7, pageC, TLB_V | TLB_R | TLB_G
    LOAD_IS VA1, 0xAAAA0001, "ASID 1 sees its page"
    li   t0, 2
    csrw asid, t0
    LOAD_IS VA1, 0xBBBB0002, "ASID 2 sees its own page at the same VA"
    LOAD_IS VAG, 0xCCCC0003, "a global entry matches any ASID"
    li   t0, 3
    csrw asid, t0
    LOAD_TRAPS VA1, "ASID 3 misses"
    TRAPINFO s1, TI_TLBHI
    CHECK s1, VA1 | 3, "miss: tlbhi = VPN | current ASID"
    # tlbp / tlbr
    li   t0, VA1 | 2
    csrw tlbhi, t0
    tlbp
    csrr s1, tlbidx
    CHECK s1, 11, "tlbp finds the entry of (VPN, ASID)"
    li   t0, VA2 | 2
    csrw tlbhi, t0
    tlbp
    csrr s1, tlbidx
    CHECK s1, TLBP_NOTFOUND, "tlbp: not found"
    li   t0, VAG | 5
    csrw tlbhi, t0
    tlbp
    csrr s1, tlbidx
    CHECK s1, 12, "tlbp matches a global entry under another ASID"
    li   t0, 10
    csrw tlbidx, t0
    tlbr
    csrr s1, tlbhi
    CHECK s1, VA1 | 1, "tlbr reads tlbhi"
    csrr s1, tlblo
    la   t0, pageA
    li   t1, KSEG
    sub  s2, t0, t1
    ori  s2, s2, TLB_V | TLB_R | TLB_W
    CHECKR s1, s2, "tlbr reads tlblo"
    li   t0, 64 + 10             # tlbidx is taken modulo the TLB size
    csrw tlbidx, t0
    tlbr
    csrr s1, tlbhi
    CHECK s1, VA1 | 1, "tlbidx modulo N"
    # permissions: store to an entry without W
    li   t0, 7
    csrw asid, t0
    EXPECT_TRAP 1f
    li   s3, VAG
    sw   zero, 0(s3)
1:  TRAPINFO s1, TI_CAUSE
    CHECK s1, CAUSE_TLB_PROT_STORE, "store to an entry without W"
    # an entry without V never matches
    PUT  13, VA2, 7, pageA, TLB_R | TLB_W
    LOAD_TRAPS VA2, "an invalid entry misses"
    # tlbinvasid: ASID 1 entries go, others and globals stay
    li   t0, 1
    tlbinvasid t0
    li   t0, 1
    csrw asid, t0
    LOAD_TRAPS VA1, "tlbinvasid removed ASID 1's entry"
    LOAD_IS VAG, 0xCCCC0003, "tlbinvasid keeps global entries"
    li   t0, 2
    csrw asid, t0
    LOAD_IS VA1, 0xBBBB0002, "tlbinvasid keeps other ASIDs"
    # tlbinv: everything goes
    tlbinv
    LOAD_TRAPS VA1, "tlbinv removed ASID 2's entry"
    LOAD_TRAPS VAG, "tlbinv removed the global entry"
    # wired: tlbwr never picks an index below it
    li   t0, 60
    csrw wired, t0
    li   s5, 0
    li   s6, 0                   # entries written below wired
2:  li   t0, 0x00900000
    slli t1, s5, 12
    add  t0, t0, t1
    ori  t0, t0, 2
    csrw tlbhi, t0
    la   t0, pageA
    li   t1, KSEG
    sub  t0, t0, t1
    ori  t0, t0, TLB_V | TLB_R
    csrw tlblo, t0
    tlbwr
    tlbp
    csrr t0, tlbidx
    sltiu t0, t0, 60
    add  s6, s6, t0
    addi s5, s5, 1
    slti t0, s5, 40
    bnez t0, 2b
    CHECK s6, 0, "tlbwr respects wired"
    csrw wired, zero
    la   t0, saved_main_ra
    lw   ra, 0(t0)
    ret

.data
saved_main_ra: .word 0
    .balign PAGE_SIZE
pageA: .word 0xAAAA0001
    .balign PAGE_SIZE
pageB: .word 0xBBBB0002
    .balign PAGE_SIZE
pageC: .word 0xCCCC0003
    .balign PAGE_SIZE
