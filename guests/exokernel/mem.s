# mem.s — physical pages and TLB entries as resources with owners: the secure bindings
# of memory.
#
# Concept: secure bindings (Engler et al.; seed: "a protection mechanism that decouples
# authorization from actual use of a resource"). Authorization happens once, when a
# library OS allocates a page by its physical name (EXO_PAGE_ALLOC): the owner table
# records its domain. Every use is then a one-byte check: installing a TLB entry
# (EXO_TLB_INSTALL, EXO_TLB_RESUME, EXO_TLB_MAPN), a disk transfer into the page
# (blocks.s), a console write from it, and the kernel's own refill of the domain's
# PHYSMAP window (trap.s). The TLB is a cache of these bindings: when a page changes
# hands (freed, revoked, repossessed), every entry naming it is flushed
# (tlb_shootdown). The kernel chooses no virtual address, keeps no page table and
# evicts nothing on its own: that is the library OS's business.
#
# owner_table: one byte per physical page — 0 free, 1..MAXDOM a domain, OWN_KERNEL;
# bit 7 (OWN_PINNED) marks pages that hold a library OS's image, upcall pages or its
# repossession vector: they are never revoked and cannot be freed while pinned.

# dom_addr(a0 = domain id) -> a0 = struct dom (leaf)
dom_addr:
    slli a0, a0, DOM_SHIFT
    la   t0, dom_table
    add  a0, a0, t0
    ret

# cur_dom() -> a0 = the running environment's domain id (leaf)
cur_dom:
    la   t0, curenv
    lw   t0, 0(t0)
    lw   a0, E_DOM(t0)
    ret

# owner_byte(a0 = pfn) -> a0 = its owner byte, or OWN_KERNEL outside RAM (leaf)
owner_byte:
    la   t0, ram_pages
    lw   t0, 0(t0)
    bgeu a0, t0, 9f
    la   t0, owner_table
    lw   t0, 0(t0)
    add  t0, t0, a0
    lbu  a0, 0(t0)
    ret
9:  li   a0, OWN_KERNEL
    ret

# page_mine(a0 = pfn) -> a0 = 1 if the running environment's domain owns it (leaf)
page_mine:
    mv   t2, ra
    call owner_byte
    andi a0, a0, OWN_MASK
    la   t0, curenv
    lw   t0, 0(t0)
    lw   t0, E_DOM(t0)
    sub  a0, a0, t0
    seqz a0, a0
    jr   t2

# set_owner(a0 = pfn, a1 = owner byte): record it and keep the page counts (leaf).
set_owner:
    la   t0, owner_table
    lw   t0, 0(t0)
    add  t0, t0, a0
    lbu  t1, 0(t0)
    sb   a1, 0(t0)
    andi t1, t1, OWN_MASK               # the old owner loses a page
    addi t2, t1, -1
    sltiu t2, t2, MAXDOM
    beqz t2, 1f
    slli t1, t1, DOM_SHIFT
    la   t2, dom_table
    add  t1, t1, t2
    lw   t2, D_NPAGES(t1)
    addi t2, t2, -1
    sw   t2, D_NPAGES(t1)
    la   t1, dom_pages
    lw   t2, 0(t1)
    addi t2, t2, -1
    sw   t2, 0(t1)
1:  andi t1, a1, OWN_MASK               # the new one gains it
    addi t2, t1, -1
    sltiu t2, t2, MAXDOM
    beqz t2, 2f
    slli t1, t1, DOM_SHIFT
    la   t2, dom_table
    add  t1, t1, t2
    lw   t2, D_NPAGES(t1)
    addi t2, t2, 1
    sw   t2, D_NPAGES(t1)
    la   t1, dom_pages
    lw   t2, 0(t1)
    addi t2, t2, 1
    sw   t2, 0(t1)
2:  ret

# find_free() -> a0 = a free pfn or 0, scanning round robin from a cursor (leaf).
find_free:
    la   t0, ram_pages
    lw   t1, 0(t0)
    la   t0, alloc_cursor
    lw   a0, 0(t0)
    mv   t2, t1                         # pages to look at
    la   t3, owner_table
    lw   t3, 0(t3)
1:  beqz t2, 8f
    addi a0, a0, 1
    bltu a0, t1, 2f
    li   a0, 1
2:  add  t4, t3, a0
    lbu  t4, 0(t4)
    addi t2, t2, -1
    bnez t4, 1b
    sw   a0, 0(t0)
    ret
8:  li   a0, 0
    ret

# zero_page(a0 = pfn) (leaf)
zero_page:
    slli t0, a0, 12
    li   t1, KSEG
    or   t0, t0, t1
    li   t2, 4096
    add  t2, t2, t0
1:  sw   zero, 0(t0)
    sw   zero, 4(t0)
    sw   zero, 8(t0)
    sw   zero, 12(t0)
    addi t0, t0, 16
    bne  t0, t2, 1b
    ret

# kpage_alloc(a0 = owner byte) -> a0 = kseg address of a zeroed page, or 0
kpage_alloc:
    PROLOGUE
    mv   s1, a0
    call find_free
    beqz a0, 9f
    mv   s2, a0
    mv   a1, s1
    call set_owner
    mv   a0, s2
    call zero_page
    slli a0, s2, 12
    li   t0, KSEG
    or   a0, a0, t0
9:  EPILOGUE

# kpage_free(a0 = kseg address of a kernel page)
kpage_free:
    PROLOGUE
    li   t0, KSEG
    sub  a0, a0, t0
    srli a0, a0, 12
    li   a1, OWN_FREE
    call set_owner
    EPILOGUE

# pin_page(a0 = pfn) / unpin_tlblo(a0 = a tlblo word or 0) (leaves)
pin_page:
    la   t0, owner_table
    lw   t0, 0(t0)
    add  t0, t0, a0
    lbu  t1, 0(t0)
    ori  t1, t1, OWN_PINNED
    sb   t1, 0(t0)
    ret
unpin_tlblo:
    beqz a0, 9f
    srli a0, a0, 12
    la   t0, owner_table
    lw   t0, 0(t0)
    add  t0, t0, a0
    lbu  t1, 0(t0)
    andi t1, t1, OWN_MASK
    sb   t1, 0(t0)
9:  ret

# tlb_shootdown(a0 = pfn): invalidate every TLB entry that maps the page — the
# bindings cached in the TLB die with the ownership (leaf).
tlb_shootdown:
    la   t0, tlb_entries
    lw   t1, 0(t0)
    li   t0, 0
1:  csrw tlbidx, t0
    tlbr
    csrr t2, tlblo
    andi t3, t2, TLB_V
    beqz t3, 2f
    srli t2, t2, 12
    bne  t2, a0, 2f
    csrw tlbhi, zero
    csrw tlblo, zero
    tlbwi
2:  addi t0, t0, 1
    bne  t0, t1, 1b
    ret

# check_install(a0 = env, a1 = va, a2 = tlblo) -> a0 = 0, or -EINVAL (not an address
# the library OS manages: a guaranteed window, kseg) or -EPERM (not its page). Leaf.
check_install:
    li   t0, OWNERS
    bgeu a1, t0, 8f
    lw   t0, E_IMGLO(a0)
    bltu a1, t0, 1f
    lw   t0, E_IMGHI(a0)
    bltu a1, t0, 8f
1:  srli t0, a2, 12
    la   t1, ram_pages
    lw   t1, 0(t1)
    bgeu t0, t1, 7f
    la   t1, owner_table
    lw   t1, 0(t1)
    add  t1, t1, t0
    lbu  t1, 0(t1)
    andi t1, t1, OWN_MASK
    lw   t2, E_DOM(a0)
    bne  t1, t2, 9f
    li   a0, 0
    ret
7:
.ifdef NIC
    li   t1, NIC_BASE >> 12             # the NIC's doorbell page: a queue owner may map it
    bne  t0, t1, 9f
    lw   t1, E_DOM(a0)
    la   t2, nic_owner_any
    lw   t2, 0(t2)
    srl  t2, t2, t1
    andi t2, t2, 1
    beqz t2, 9f
    li   a0, 0
    ret
.endif
9:  li   a0, -EPERM
    ret
8:  li   a0, -EINVAL
    ret

# tlb_put(a0 = env, a1 = va, a2 = tlblo): write the entry (never global, always U),
# replacing one for the same VPN and ASID (two matches would be a machine check). Leaf.
tlb_put:
    srli t0, a1, 12
    slli t0, t0, 12
    lw   t1, E_ID(a0)
    or   t0, t0, t1
    csrw tlbhi, t0
    li   t0, ~TLB_G
    and  t0, a2, t0
    ori  t0, t0, TLB_V | TLB_U
    csrw tlblo, t0
    tlbp
    csrr t0, tlbidx
    bge  t0, zero, 1f
    la   t1, tlb_victim
    lw   t0, 0(t1)
    addi t0, t0, 1
    sw   t0, 0(t1)
    csrw tlbidx, t0
1:  tlbwi
    lw   t0, E_NINSTALLS(a0)
    addi t0, t0, 1
    sw   t0, E_NINSTALLS(a0)
    ret

# ---------------------------------------------------------------- system calls
# EXO_PAGE_ALLOC(pfn or 0) -> pfn (zeroed, the caller's domain's), -EBUSY (that page
# is taken), -EAGAIN (none free: the kernel is revoking one, try again), -ENOMEM.
sys_page_alloc:
    PROLOGUE
    mv   s1, a0
    call cur_dom
    mv   s2, a0
.if POOL_PAGES
    la   t0, dom_pages
    lw   t0, 0(t0)
    li   t1, POOL_PAGES
    bgeu t0, t1, 7f
.endif
    beqz s1, 2f
    mv   a0, s1                         # a page by name
    call owner_byte
    bnez a0, 8f
    mv   a0, s1
    j    3f
2:  call find_free
    beqz a0, 7f
3:  mv   s1, a0
    mv   a1, s2
    call set_owner
    mv   a0, s1
    call zero_page
    mv   a0, s1
    EPILOGUE
7:  mv   a0, s2                         # memory pressure: visible revocation
    call revoke_start
    li   t0, -EAGAIN
    bnez a0, 71f
    li   t0, -ENOMEM
71: mv   a0, t0
    EPILOGUE
8:  li   a0, -EBUSY
    EPILOGUE

# EXO_PAGE_FREE(pfn) -> 0 / -EPERM / -EBUSY (pinned)
sys_page_free:
    PROLOGUE
    mv   s1, a0
    call owner_byte
    andi s3, a0, OWN_PINNED
    andi s2, a0, OWN_MASK
    call cur_dom
    bne  a0, s2, 9f
    bnez s3, 8f
    mv   a0, s1
    call tlb_shootdown
    mv   a0, s1
    li   a1, OWN_FREE
    call set_owner
    mv   a0, s2
    mv   a1, s1
    call revoke_comply
    li   a0, 0
    EPILOGUE
8:  li   a0, -EBUSY
    EPILOGUE
9:  li   a0, -EPERM
    EPILOGUE

# EXO_TLB_INSTALL(va, tlblo) -> 0 / -EPERM / -EINVAL
sys_tlb_install:
    PROLOGUE
    mv   a2, a1
    mv   a1, a0
    la   t0, curenv
    lw   s1, 0(t0)
    mv   a0, s1
    mv   s2, a1
    mv   s3, a2
    call check_install
    bnez a0, 9f
    mv   a0, s1
    mv   a1, s2
    mv   a2, s3
    call tlb_put
    li   a0, 0
9:  EPILOGUE

# EXO_TLB_MAPN(va, tlblo, n) -> 0: n (1..64) pages at consecutive VPNs onto consecutive
# PFNs, each checked — a library OS's "large mapping" in one call.
sys_tlb_mapn:
    PROLOGUE
    mv   s2, a0
    mv   s3, a1
    mv   s4, a2
    addi t0, s4, -1
    sltiu t0, t0, 64
    beqz t0, 8f
    la   t0, curenv
    lw   s1, 0(t0)
1:  mv   a0, s1
    mv   a1, s2
    mv   a2, s3
    call check_install
    bnez a0, 9f
    mv   a0, s1
    mv   a1, s2
    mv   a2, s3
    call tlb_put
    li   t0, 4096
    add  s2, s2, t0
    add  s3, s3, t0
    addi s4, s4, -1
    bnez s4, 1b
    li   a0, 0
9:  EPILOGUE
8:  li   a0, -EINVAL
    EPILOGUE

# EXO_TLB_FLUSH(va or -1) -> 0: forget the caller's entry for va, or all its entries.
sys_tlb_flush:
    la   t0, curenv
    lw   t0, 0(t0)
    lw   t1, E_ID(t0)
    li   t2, -1
    bne  a0, t2, 1f
    tlbinvasid t1
    li   a0, 0
    ret
1:  srli t2, a0, 12
    slli t2, t2, 12
    or   t2, t2, t1
    csrw tlbhi, t2
    tlbp
    csrr t2, tlbidx
    blt  t2, zero, 2f
    csrw tlbhi, zero
    csrw tlblo, zero
    tlbwi
2:  li   a0, 0
    ret

# resume_tf(a0 = env, a1 = tf) -> a0 = the resumed a0: the save area into the trap
# frame (the slow EXO_RESUME; the fast one is in trap.s). Leaf.
resume_tf:
    sw   zero, E_INUP(a0)
    lw   t2, E_UK(a0)
    lw   t0, U_EPC(t2)
    sw   t0, TF_EPC(a1)
    lw   t0, U_SP(t2)
    sw   t0, TF_SP(a1)
    lw   t0, U_T0(t2)
    sw   t0, TF_T0(a1)
    lw   t0, U_T1(t2)
    sw   t0, TF_T1(a1)
    lw   t0, U_T2(t2)
    sw   t0, TF_T2(a1)
    lw   t0, U_A1(t2)
    sw   t0, TF_A1(a1)
    lw   t0, U_A2(t2)
    sw   t0, TF_A2(a1)
    lw   t0, U_A7(t2)
    sw   t0, TF_A7(a1)
    lw   a0, U_A0(t2)
    ret

# EXO_RESUME() (slow path: the fast path took every legal one) -> -EINVAL
sys_resume:
    la   t0, curenv
    lw   t0, 0(t0)
    lw   t1, E_INUP(t0)
    beqz t1, 9f
    mv   a1, a4
    mv   a0, t0
    j    resume_tf
9:  li   a0, -EINVAL
    ret

# EXO_TLB_RESUME(va, tlblo) slow path: -EINVAL outside an upcall, -EPERM / -EINVAL for a
# mapping the fast path refused (the handler is still in its upcall and decides).
sys_tlb_resume:
    PROLOGUE
    la   t0, curenv
    lw   s1, 0(t0)
    lw   t0, E_INUP(s1)
    beqz t0, 8f
    mv   s2, a0
    mv   s3, a1
    mv   s4, a4
    mv   a2, a1
    mv   a1, a0
    mv   a0, s1
    call check_install
    bnez a0, 9f
    mv   a0, s1
    mv   a1, s2
    mv   a2, s3
    call tlb_put
    mv   a0, s1
    mv   a1, s4
    call resume_tf
9:  EPILOGUE
8:  li   a0, -EINVAL
    EPILOGUE
