# mapdb.s — the mapping database: map, grant and recursive unmap of flexpages.
#
# Concept: L4's recursive address spaces (seed: kernels lecture — "a process can grant,
# map, or unmap pages of size 2^n from its own virtual address space; some user level
# processes are pagers and do memory management for other processes using these
# primitives"). Every mapping of a page frame is a node in a tree per frame: the root
# is sigma0's mapping (sigma0 owns all memory at boot), and each `map` hangs a new
# node below the sender's. `unmap` walks the subtree and removes every mapping derived
# from a page — in every address space, however deep — so a pager can always take back
# what it lent; `grant` moves the sender's node to the receiver, keeping its subtree.
# Rights only shrink along a path: a mapping has at most the rights of its parent.

# frame_root(a0 = page frame number) -> a0 = the root node of the frame, or 0 (not a
# RAM or device frame). Leaf.
frame_root:
    la   t0, nframes
    lw   t0, 0(t0)
    bgeu a0, t0, 1f
    slli a0, a0, 4
    la   t0, frame_table
    lw   t0, 0(t0)
    add  a0, a0, t0
    ret
1:  li   t0, SYSCTL_BASE >> 12          # the 16 device pages
    sub  a0, a0, t0
    sltiu t1, a0, 16
    beqz t1, 2f
    slli a0, a0, 4
    la   t0, dev_roots
    add  a0, a0, t0
    ret
2:  li   a0, 0
    ret

# node_alloc() -> a0 = a zeroed node, or 0
node_alloc:
    PROLOGUE
    la   s1, node_free
    lw   a0, 0(s1)
    bnez a0, 2f
    call kalloc                         # a page of 256 nodes onto the free list
    beqz a0, 9f
    li   t1, 4096 - 16
    add  t1, t1, a0
1:  lw   t2, 0(s1)
    sw   t2, N_NEXT(t1)
    sw   t1, 0(s1)
    addi t1, t1, -16
    bgeu t1, a0, 1b
    lw   a0, 0(s1)
2:  lw   t0, N_NEXT(a0)
    sw   t0, 0(s1)
    sw   zero, N_KEY(a0)
    sw   zero, N_PARENT(a0)
    sw   zero, N_CHILD(a0)
    sw   zero, N_NEXT(a0)
    la   t0, stat_nodes
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
9:  EPILOGUE

# node_free_one(a0 = node). Leaf.
node_free_one:
    la   t0, node_free
    lw   t1, 0(t0)
    sw   t1, N_NEXT(a0)
    sw   a0, 0(t0)
    sw   zero, N_KEY(a0)
    la   t0, stat_nodes
    lw   t1, 0(t0)
    addi t1, t1, -1
    sw   t1, 0(t0)
    ret

# find_node(a0 = space, a1 = va) -> a0 = the node of that mapping, a1 = the address of
# its page-table entry; a0 = 0 if the page is not mapped or is a boot mapping.
find_node:
    PROLOGUE
    mv   s1, a0
    li   t0, 0xFFFFF000
    and  s2, a1, t0
    mv   a1, s2
    call space_lookup
    beqz a0, 9f
    mv   s3, a0                         # the entry
    lw   t0, 0(a0)
    andi t1, t0, TLB_V
    beqz t1, 9f
    srli a0, t0, 12
    call frame_root
    beqz a0, 9f
    or   t2, s2, s1                     # the key we look for
    mv   t3, a0                         # the root
    mv   t0, a0
1:  lw   t1, N_KEY(t0)                  # preorder walk of the tree
    beq  t1, t2, 8f
    lw   t1, N_CHILD(t0)
    beqz t1, 2f
    mv   t0, t1
    j    1b
2:  beq  t0, t3, 9f                     # back at the root: not found
    lw   t1, N_NEXT(t0)
    bnez t1, 3f
    lw   t0, N_PARENT(t0)
    j    2b
3:  mv   t0, t1
    j    1b
8:  mv   a0, t0
    mv   a1, s3
    EPILOGUE
9:  li   a0, 0
    li   a1, 0
    EPILOGUE

# clear_mapping(a0 = node): remove the page-table entry and the TLB entry of the
# mapping a node stands for (not the node).
clear_mapping:
    PROLOGUE
    lw   t0, N_KEY(a0)
    andi s1, t0, 0xFF                   # space
    li   t1, 0xFFFFF000
    and  s2, t0, t1                     # va
    mv   a0, s1
    mv   a1, s2
    call space_lookup
    beqz a0, 1f
    sw   zero, 0(a0)
1:  mv   a0, s1
    mv   a1, s2
    call tlb_forget
    EPILOGUE

# unmap_tree(a0 = node, a1 = 1: the node too): remove every mapping derived from the
# node, deepest first, in whichever spaces they are; then the node itself if asked
# (never a root: sigma0 keeps its memory).
unmap_tree:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
1:  lw   s3, N_CHILD(s1)
    beqz s3, 5f
2:  lw   t0, N_CHILD(s3)                # down to a leaf along first children
    beqz t0, 3f
    mv   s3, t0
    j    2b
3:  mv   a0, s3                         # a leaf is the first child of its parent
    call clear_mapping
    lw   t0, N_PARENT(s3)
    lw   t1, N_NEXT(s3)
    sw   t1, N_CHILD(t0)
    mv   a0, s3
    call node_free_one
    la   t0, stat_revoked
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    j    1b
5:  beqz s2, 9f
    lw   t0, N_PARENT(s1)
    beqz t0, 9f                         # a root
    mv   a0, s1
    call clear_mapping
    mv   a0, s1
    call node_unlink
    mv   a0, s1
    call node_free_one
9:  EPILOGUE

# node_unlink(a0 = node): take the node out of its parent's list of children. Leaf.
node_unlink:
    lw   t0, N_PARENT(a0)
    lw   t1, N_CHILD(t0)
    bne  t1, a0, 1f
    lw   t1, N_NEXT(a0)
    sw   t1, N_CHILD(t0)
    ret
1:  beqz t1, 9f
    lw   t2, N_NEXT(t1)
    beq  t2, a0, 2f
    mv   t1, t2
    j    1b
2:  lw   t2, N_NEXT(a0)
    sw   t2, N_NEXT(t1)
9:  ret

# unmap_page(a0 = space, a1 = va, a2 = 1: the space's own mapping too): revoke what was
# derived from the mapping of va in the space (flush it too if a2).
unmap_page:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    call find_node
    beqz a0, 5f
    mv   a1, s3
    call unmap_tree
    EPILOGUE
5:  beqz s3, 9f                         # a boot mapping: only the entry goes
    mv   a0, s1
    mv   a1, s2
    call space_lookup
    beqz a0, 9f
    sw   zero, 0(a0)
    mv   a0, s1
    mv   a1, s2
    call tlb_forget
9:  EPILOGUE

# map_page(a0 = source space, a1 = source va, a2 = destination space,
#   a3 = destination va, a4 = rights (TLB R|W|X), a5 = 1 grant / 0 map) -> a0 = 0 /
# -1 (the source page is not mapped, is a boot mapping, or derives from the mapping it
# would replace) / -2 (no kernel memory). What the destination had at that address is
# unmapped first (with everything derived from it).
map_page:
    PROLOGUE
    mv   s1, a0
    li   t0, 0xFFFFF000
    and  s2, a1, t0
    mv   s3, a2
    and  s4, a3, t0
    mv   s5, a4
    mv   s6, a5
    mv   a0, s1
    mv   a1, s2
    call find_node
    beqz a0, 91f
    mv   s7, a0                         # the source node
    lw   s8, 0(a1)                      # the source entry
    mv   a0, s3
    mv   a1, s4
    call find_node                      # something mapped there already?
    beqz a0, 2f
    beq  a0, s7, 90f                    # a page onto itself: nothing to do
    mv   t0, s7                         # refuse if the source derives from it
1:  lw   t0, N_PARENT(t0)
    beqz t0, 11f
    beq  t0, a0, 91f
    j    1b
11: li   a1, 1
    call unmap_tree
2:  mv   a0, s3                         # (a boot mapping in the way is just replaced)
    mv   a1, s4
    call space_pte
    beqz a0, 92f
    sw   a0, 0(sp)                      # the destination entry
    ori  t0, s5, TLB_V | TLB_U          # rights: at most the source's
    andi t0, t0, TLB_V | TLB_U | TLB_R | TLB_W | TLB_X
    andi t1, s8, 0xFFF
    and  t0, t0, t1
    li   t1, 0xFFFFF000
    and  t1, s8, t1
    or   s5, t0, t1                     # the new entry
    beqz s6, 4f
    or   t0, s4, s3                     # grant: the node moves, the sender loses it
    sw   t0, N_KEY(s7)
    mv   a0, s1
    mv   a1, s2
    call space_lookup
    sw   zero, 0(a0)
    mv   a0, s1
    mv   a1, s2
    call tlb_forget
    j    5f
4:  call node_alloc                     # map: a new node below the source's
    beqz a0, 92f
    or   t0, s4, s3
    sw   t0, N_KEY(a0)
    sw   s7, N_PARENT(a0)
    lw   t0, N_CHILD(s7)
    sw   t0, N_NEXT(a0)
    sw   a0, N_CHILD(s7)
5:  lw   t0, 0(sp)
    sw   s5, 0(t0)
    mv   a0, s3
    mv   a1, s4
    call tlb_forget
90: li   a0, 0
    EPILOGUE
91: li   a0, -1
    EPILOGUE
92: li   a0, -2
    EPILOGUE

# map_fpage(a0 = sender TCB, a1 = receiver TCB, a2 = window fpage) -> a0 = the fpage
# where the sender's item landed (0: nothing mapped). The item is the sender's t3/t4/t5
# (kind, fpage, hot spot). The fpage lands at the window's base if both are the same
# size; in a larger window at the hot spot's offset (aligned to the fpage); a fpage
# larger than the window is refused.
map_fpage:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    lw   t0, T_T3(s1)
    andi t0, t0, 3
    addi s3, t0, -MT_GRANT
    seqz s3, s3                         # grant?
    lw   s4, T_T4(s1)                   # the fpage
    andi s5, s4, 31                     # log2 size
    andi t0, a2, 31                     # the window's
    li   t1, FP_PAGE
    bltu s5, t1, 8f
    bgtu s5, t0, 8f
    li   t2, 1
    sll  t1, t2, s5                     # fpage size
    addi t1, t1, -1
    not  t3, t1
    and  s4, s4, t3                     # the fpage's base (rights in the low bits: gone)
    sll  t2, t2, t0                     # window size
    addi t2, t2, -1
    not  t0, t2
    and  s6, a2, t0                     # window base
    lw   t0, T_T5(s1)                   # hot spot
    and  t0, t0, t2
    and  t0, t0, t3
    add  s6, s6, t0                     # destination base
    lw   t0, T_T4(s1)
    srli t0, t0, 8
    andi s7, t0, TLB_R | TLB_W | TLB_X  # rights
    li   t2, 1
    sll  s8, t2, s5                     # bytes left
    sw   s6, 0(sp)
1:  beqz s8, 7f
    lw   a0, T_SPACE(s1)
    mv   a1, s4
    lw   a2, T_SPACE(s2)
    mv   a3, s6
    mv   a4, s7
    mv   a5, s3
    call map_page
    li   t0, -2
    beq  a0, t0, 7f
    li   t0, 4096
    add  s4, s4, t0
    add  s6, s6, t0
    sub  s8, s8, t0
    j    1b
7:  lw   a0, 0(sp)
    or   a0, a0, s5
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

.data
    .balign 4
node_free:    .word 0
stat_nodes:   .word 0                   # mapping nodes in use (debugger, tests)
stat_revoked: .word 0                   # mappings removed by unmap (recursively)
.bss
    .balign 16
dev_roots:    .space 16 * 16
.text
