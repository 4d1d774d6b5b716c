# space.s — address spaces: page tables, ASIDs, and moving bytes between spaces.
#
# Concept: L4's first abstraction (seed: kernels lecture — "the kernel starts with one
# address space … a process can grant, map or unmap pages"): an address space is a
# page table plus an ASID, and nothing else — no regions, no backing store, no policy.
# Which page lies where is decided by pagers at user level with map and grant
# (mapdb.s); the kernel only keeps the table the TLB refill walks (the two-level format
# of guests/lib/mm/tlbrefill.s) and tags the TLB with the space's ASID, so switching
# spaces never flushes it (the tagged TLB of the seed's "A note on TLBs").

# space_alloc(a0 = chief space, a1 = flags, a2 = allow-mask) -> a0 = space index (its
# ASID) with an empty page directory, or 0 (none free or no memory).
space_alloc:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    la   s4, space_table
    li   s5, 1
    addi s4, s4, 1 << SPACE_SHIFT
1:  li   t0, NSPACE
    bgeu s5, t0, 8f
    lw   t0, S_PGDIR(s4)
    beqz t0, 2f
    addi s4, s4, 1 << SPACE_SHIFT
    addi s5, s5, 1
    j    1b
2:  call kalloc
    beqz a0, 8f
    sw   a0, S_PGDIR(s4)
    sw   zero, S_NTHREADS(s4)
    sw   s1, S_CHIEF(s4)
    sw   s2, S_FLAGS(s4)
    sw   s3, S_ALLOW(s4)
    tlbinvasid s5                       # nothing of a former owner of the ASID survives
    mv   a0, s5
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# space_ptr(a0 = index) -> a0 = &space_table[index]. Leaf.
space_ptr:
    slli a0, a0, SPACE_SHIFT
    la   t0, space_table
    add  a0, a0, t0
    ret

# space_pte(a0 = space, a1 = va) -> a0 = kseg address of va's page-table entry,
# allocating the page-table page, or 0 (out of memory).
space_pte:
    PROLOGUE
    mv   s1, a1
    call space_ptr
    lw   a0, S_PGDIR(a0)
    mv   a1, s1
    li   a2, 1
    call pt_walk
    EPILOGUE

# space_lookup(a0 = space, a1 = va) -> a0 = kseg address of the entry, or 0 if there
# is no page-table page. Leaf.
space_lookup:
    slli a0, a0, SPACE_SHIFT
    la   t0, space_table
    add  a0, a0, t0
    lw   a0, S_PGDIR(a0)
    beqz a0, 9f
    srli t0, a1, 22
    slli t0, t0, 2
    add  t0, t0, a0
    lw   t0, 0(t0)
    beqz t0, 9f
    srli t1, a1, 10
    andi t1, t1, 0xFFC
    add  a0, t0, t1
    ret
9:  li   a0, 0
    ret

# tlb_forget(a0 = space, a1 = va): drop the TLB entry of (va, ASID) if there is one.
# Leaf.
tlb_forget:
    li   t0, 0xFFFFF000
    and  t0, a1, t0
    or   t0, t0, a0
    csrw tlbhi, t0
    tlbp
    csrr t0, tlbidx
    blt  t0, zero, 1f
    csrw tlblo, zero
    tlbwi
1:  ret

# space_ka(a0 = space, a1 = va, a2 = flags needed) -> a0 = kseg address of va if its
# page is mapped with those flags, else 0. Leaf.
space_ka:
    srli t2, a1, 31                     # kseg is never a user page
    bnez t2, 9f
    mv   t2, a1
    slli a0, a0, SPACE_SHIFT
    la   t0, space_table
    add  a0, a0, t0
    lw   a0, S_PGDIR(a0)
    beqz a0, 9f
    srli t0, t2, 22
    slli t0, t0, 2
    add  t0, t0, a0
    lw   t0, 0(t0)
    beqz t0, 9f
    srli t1, t2, 10
    andi t1, t1, 0xFFC
    add  t0, t0, t1
    lw   t0, 0(t0)
    and  t1, t0, a2
    bne  t1, a2, 9f
    li   t1, 0xFFFFF000
    and  t0, t0, t1
    li   t1, KSEG
    or   t0, t0, t1
    andi t1, t2, 0xFFF
    or   a0, t0, t1
    ret
9:  li   a0, 0
    ret

# space_check(a0 = space, a1 = va, a2 = bytes, a3 = flags) -> a0 = 0 if every page of
# [va, va+bytes) is mapped with flags, else the first address that is not.
space_check:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    add  s3, a1, a2                     # end
    mv   s4, a3
    beqz a2, 8f
    bltu s3, s2, 9f                     # wraps
1:  bgeu s2, s3, 8f
    mv   a0, s1
    mv   a1, s2
    mv   a2, s4
    call space_ka
    beqz a0, 9f
    li   t0, 0xFFFFF000                 # next page
    and  s2, s2, t0
    li   t0, 4096
    add  s2, s2, t0
    j    1b
8:  li   a0, 0
    EPILOGUE
9:  mv   a0, s2
    bnez a0, 7f
    li   a0, 1                          # address 0: report it as nonzero
7:  EPILOGUE

# space_copy(a0 = source space, a1 = source va, a2 = destination space,
#   a3 = destination va, a4 = bytes) -> a0 = 0 / -1 (a page was not mapped).
# Page by page through kseg: the kernel never touches a user address itself.
space_copy:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    mv   s5, a4
1:  beqz s5, 8f
    mv   a0, s1
    mv   a1, s2
    li   a2, TLB_V | TLB_R | TLB_U
    call space_ka
    beqz a0, 9f
    mv   s6, a0
    mv   a0, s3
    mv   a1, s4
    li   a2, TLB_V | TLB_W | TLB_U
    call space_ka
    beqz a0, 9f
    mv   s7, a0
    andi t0, s2, 0xFFF                  # n = min(left, to the end of either page)
    li   t1, 4096
    sub  s8, t1, t0
    andi t0, s4, 0xFFF
    sub  t0, t1, t0
    bleu s8, t0, 2f
    mv   s8, t0
2:  bleu s8, s5, 3f
    mv   s8, s5
3:  mv   a0, s7
    mv   a1, s6
    mv   a2, s8
    call memmove
    add  s2, s2, s8
    add  s4, s4, s8
    sub  s5, s5, s8
    j    1b
8:  li   a0, 0
    EPILOGUE
9:  li   a0, -1
    EPILOGUE

# space_free(a0 = space): remove every mapping of the space (and, recursively, every
# mapping derived from them in other spaces), free its page tables and its ASID.
space_free:
    PROLOGUE
    mv   s1, a0
    call space_ptr
    mv   s2, a0
    lw   s3, S_PGDIR(s2)
    beqz s3, 9f
    li   s4, 0                          # directory index (useg: 0..511)
1:  slli t0, s4, 2
    add  t0, t0, s3
    lw   s5, 0(t0)
    beqz s5, 4f
    li   s6, 0
2:  slli t0, s6, 2
    add  s7, t0, s5                     # the entry
    lw   t0, 0(s7)
    andi t0, t0, TLB_V
    beqz t0, 3f
    mv   a0, s1
    slli a1, s4, 22
    slli t0, s6, 12
    or   a1, a1, t0
    li   a2, 1                          # the mapping itself too
    call unmap_page
    sw   zero, 0(s7)                    # a boot mapping has no node: just clear it
3:  addi s6, s6, 1
    li   t0, 1024
    blt  s6, t0, 2b
    mv   a0, s5
    call kfree
4:  addi s4, s4, 1
    li   t0, 512
    blt  s4, t0, 1b
    mv   a0, s3
    call kfree
    sw   zero, S_PGDIR(s2)
    sw   zero, S_NTHREADS(s2)
    tlbinvasid s1
    la   t0, cur_space                  # (its ASID may come back as another space)
    lw   t1, 0(t0)
    bne  t1, s1, 9f
    sw   zero, 0(t0)
9:  EPILOGUE

.bss
    .balign 16
space_table: .space NSPACE << SPACE_SHIFT
.text
