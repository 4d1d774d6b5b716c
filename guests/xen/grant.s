# grant.s — grant tables, the hypervisor's side: mapping a page another domain granted,
# and refusing every mapping that was not granted.
#
# Concept (Xen's grant tables, the successor of Barham et al. 2003 §3.3.1's page
# ownership and of the I/O rings' "page flipping"; seed: Xen lecture — "each OS can only
# map to memory it owns"): a domain reaches another domain's memory only through an
# entry of that domain's grant table (guests/lib/pv/gnttab.s: in the granter's own
# memory, registered with gnttab_setup_table). gnttab_map(granter, gref, flags) checks
# the entry — it must permit access, name the caller, and allow writing if a writable
# mapping is asked for, and its frame must be the granter's — and only then records
# the mapping in the maptrack (the handle), marks the entry GTF_READING/GTF_WRITING (so
# the granter cannot revoke it while it is mapped), and tells the caller where the
# frame is: its guest-physical address in the caller's window (for the CPU) and its
# machine address (for the DMA of a device the caller drives: Xen's dev_bus_addr). A
# mapping refused is counted (D_REF_GRANT) against the domain at fault: the granter when
# Dom0's backend asked (a DomU that handed its backend a page it did not grant), else
# the domain that asked for another's page. Only Dom0's window spans other domains'
# memory, so in practice the mapper is Dom0 (a DomU's request is refused: the frame
# is outside what its second stage reaches). Each map and unmap is reported (events
# GRANT_MAP / GRANT_UNMAP, flow id granter << 16 | gref).

# gnttab_setup_table(table, entries) -> 0
do_gnttab_setup_table:
    PROLOGUE
    mv   s1, a6
    mv   s2, a0
    mv   s3, a1
    addi t0, s3, -1
    li   t1, GNTTAB_MAX
    bgeu t0, t1, 7f
    mv   a0, s1
    mv   a1, s2
    slli a2, s3, 3
    call guest_range
    beqz a0, 8f
    li   t0, KSEG
    sub  t0, s2, t0
    sw   t0, D_GT_GPA(s1)
    sw   s3, D_GT_NR(s1)
    li   a0, 0
    EPILOGUE
7:  li   a0, -XEN_EINVAL
    EPILOGUE
8:  li   a0, -XEN_EFAULT
    EPILOGUE

# grant_entry(a0 = granting domain, a1 = gref) -> a0 = the entry's address in the
# hypervisor's kseg, or 0 (no table, or a bad reference). Leaf.
grant_entry:
    lw   t0, D_GT_NR(a0)
    beqz a1, 8f                         # gref 0 is never a grant
    bgeu a1, t0, 8f
    lw   t0, D_MBASE(a0)
    lw   t1, D_GT_GPA(a0)
    add  t0, t0, t1
    slli t1, a1, 3
    add  t0, t0, t1
    li   t1, KSEG
    add  a0, t0, t1
    ret
8:  li   a0, 0
    ret

# gnttab_map(granter, gref, flags) -> handle; a1 = the frame's guest-physical address
# in the caller's window, a2 = its machine address.
do_gnttab_map:
    PROLOGUE
    mv   s1, a6                         # the caller (mapper)
    mv   s3, a1                         # gref
    andi s4, a2, GNTMAP_READONLY        # read-only mapping asked
    call dom_by_id
    beqz a0, 91f
    mv   s2, a0                         # the granter
    mv   a1, s3
    call grant_entry
    beqz a0, 92f
    mv   s5, a0                         # the entry
    lhu  t0, XGE_FLAGS(s5)
    andi t1, t0, GTF_PERMIT_ACCESS
    beqz t1, 90f                        # not granted
    lhu  t1, XGE_DOMID(s5)
    lw   t2, D_DOMID(s1)
    bne  t1, t2, 90f                    # granted to someone else
    bnez s4, 1f
    andi t1, t0, GTF_READONLY
    bnez t1, 90f                        # writable mapping of a read-only grant
1:  lw   s6, XGE_FRAME(s5)
    lw   t0, D_PAGES(s2)
    bgeu s6, t0, 90f                    # not the granter's frame
    slli s7, s6, PAGE_SHIFT             # machine address
    lw   t0, D_MBASE(s2)
    add  s7, s7, t0
    lw   t0, D_MBASE(s1)                # guest-physical in the caller's window
    bltu s7, t0, 90f
    sub  s8, s7, t0
    lw   t0, VC_HLIMIT(s1)
    bgeu s8, t0, 90f                    # beyond what its second stage reaches
    la   t0, maptrack                   # a maptrack slot
    li   t1, 0
2:  lw   t2, MT_FLAGS(t0)
    beqz t2, 3f
    addi t0, t0, MT_BYTES
    addi t1, t1, 1
    li   t2, MAPTRACK_MAX
    blt  t1, t2, 2b
    li   a0, -XEN_ENOSPC
    EPILOGUE
3:  li   t2, MTF_USED
    bnez s4, 4f
    ori  t2, t2, MTF_RW
4:  sw   t2, MT_FLAGS(t0)
    lw   t2, D_DOMID(s1)
    sw   t2, MT_MAPPER(t0)
    lw   t2, D_DOMID(s2)
    sw   t2, MT_GRANTER(t0)
    sw   s3, MT_GREF(t0)
    sw   s6, MT_FRAME(t0)
    mv   s6, t1                         # the handle
    lhu  t0, XGE_FLAGS(s5)              # the entry says it is mapped
    li   t1, GTF_READING | GTF_WRITING
    beqz s4, 5f
    li   t1, GTF_READING
5:  or   t0, t0, t1
    sh   t0, XGE_FLAGS(s5)
    lw   t0, D_DOMID(s2)                # GRANT_MAP(granter << 16 | gref, mapper)
    slli t0, t0, 16
    or   t0, t0, s3
    li   t1, EVENTS_ARG0
    sw   t0, 0(t1)
    lw   t0, D_DOMID(s1)
    li   t1, EVENTS_ARG1
    sw   t0, 0(t1)
    li   t1, EVENTS_EMIT
    li   t0, EV_GRANT_MAP
    sw   t0, 0(t1)
    mv   a6, s1
    mv   a1, s8
    mv   a2, s7
    call hc_result2
    mv   a0, s6
    EPILOGUE
90: mv   t2, s2                         # refused, and counted against the domain at
    lw   t1, D_FLAGS(s1)                # fault: the granter when Dom0 (a backend) asked,
    andi t1, t1, SIF_PRIVILEGED         # else the domain that asked
    bnez t1, 1f
    mv   t2, s1
1:  lw   t0, D_REF_GRANT(t2)
    addi t0, t0, 1
    sw   t0, D_REF_GRANT(t2)
    li   a0, -XEN_EPERM
    EPILOGUE
91: li   a0, -XEN_ESRCH
    EPILOGUE
92: li   a0, -XEN_EINVAL
    EPILOGUE

# gnttab_unmap(handle) -> 0
do_gnttab_unmap:
    PROLOGUE
    mv   s1, a6
    sltiu t0, a0, MAPTRACK_MAX
    beqz t0, 7f
    slli t0, a0, 5                      # MT_BYTES = 32
    la   t1, maptrack
    add  s2, t0, t1
    lw   t0, MT_FLAGS(s2)
    beqz t0, 7f
    lw   t0, MT_MAPPER(s2)
    lw   t1, D_DOMID(s1)
    bne  t0, t1, 7f
    sw   zero, MT_FLAGS(s2)
    lw   t0, MT_GRANTER(s2)             # GRANT_UNMAP(granter << 16 | gref, mapper)
    slli t0, t0, 16
    lw   t1, MT_GREF(s2)
    or   t0, t0, t1
    li   t1, EVENTS_ARG0
    sw   t0, 0(t1)
    lw   t0, MT_MAPPER(s2)
    li   t1, EVENTS_ARG1
    sw   t0, 0(t1)
    li   t1, EVENTS_EMIT
    li   t0, EV_GRANT_UNMAP
    sw   t0, 0(t1)
    lw   a0, MT_GRANTER(s2)             # the entry's READING / WRITING, recomputed
    lw   a1, MT_GREF(s2)
    call grant_refresh
    li   a0, 0
    EPILOGUE
7:  li   a0, -XEN_EINVAL
    EPILOGUE

# grant_refresh(a0 = granter domid, a1 = gref): GTF_READING / GTF_WRITING of the entry
# as the remaining mappings of it say.
grant_refresh:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    call dom_by_id
    beqz a0, 9f
    mv   a1, s2
    call grant_entry
    beqz a0, 9f
    mv   s3, a0
    li   s4, 0                          # flags the mappings need
    la   t0, maptrack
    li   t1, MAPTRACK_MAX
1:  lw   t2, MT_FLAGS(t0)
    beqz t2, 3f
    lw   t3, MT_GRANTER(t0)
    bne  t3, s1, 3f
    lw   t3, MT_GREF(t0)
    bne  t3, s2, 3f
    ori  s4, s4, GTF_READING
    andi t2, t2, MTF_RW
    beqz t2, 3f
    ori  s4, s4, GTF_WRITING
3:  addi t0, t0, MT_BYTES
    addi t1, t1, -1
    bnez t1, 1b
    lhu  t0, XGE_FLAGS(s3)
    andi t0, t0, ~(GTF_READING | GTF_WRITING) & 0xFFFF
    or   t0, t0, s4
    sh   t0, XGE_FLAGS(s3)
9:  EPILOGUE
