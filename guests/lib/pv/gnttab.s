# gnttab.s — grant tables, the granting guest's side: offering pages of its memory to
# another domain, and taking the offer back (shared component).
#
# Concept: a grant table (Barham et al. 2003, §3.2 and the later grant-table design of
# Xen 2/3; seed: Xen lecture — "Each OS can only map to memory it owns"): a domain's
# memory is its own, and the only way another domain (a backend in Dom0) may reach one
# of its pages is an entry of its grant table naming that page, that domain and read-
# only or read-write. The table lives in the granting domain's own memory; granting is
# therefore just writing an entry (no hypercall), and the hypervisor reads the entry
# when the grantee asks to map it (gnttab_map), refusing anything not granted. While a
# mapping exists the hypervisor sets GTF_READING / GTF_WRITING in the entry; revoking
# (gnttab_end) clears the entry only if neither is set — with cas, so a mapping made
# between the check and the clear cannot be missed — and otherwise fails with
# -XEN_EBUSY: a page still mapped by the backend cannot be taken back.
#
# Entry 0 is never handed out (0 means "no grant"). The table is registered once with
# gnttab_setup_table.
#
# Provides: gnttab_init() -> 0 / -errno, gnttab_grant(a0 = domain, a1 = guest-physical
#   frame number, a2 = 1 read-only / 0 read-write) -> a0 = grant reference (> 0) or -1
#   (table full), gnttab_end(a0 = grant reference) -> 0 / -XEN_EBUSY (still mapped) /
#   -XEN_EINVAL, gnttab_table
# Needs: HYPERVISOR_gnttab_setup_table; kframe.inc, config.inc
# Parameters: GNT_ENTRIES (entries of the table, default 64, at most GNTTAB_MAX)

PARAM GNT_ENTRIES, 64

# gnttab_init(): register the table with the hypervisor.
gnttab_init:
    PROLOGUE
    la   a0, gnttab_table
    li   a1, GNT_ENTRIES
    call HYPERVISOR_gnttab_setup_table
    EPILOGUE

# gnttab_grant(a0 = domid, a1 = frame, a2 = readonly?) -> a0 = gref or -1. The entry's
# frame and domain are written before its flags, so it is never valid half-written.
# Leaf.
gnttab_grant:
    la   t0, gnttab_table
    li   t1, 1                          # entry 0 is reserved
1:  li   t2, GNT_ENTRIES
    bgeu t1, t2, 8f
    slli t2, t1, 3
    add  t2, t2, t0
    lw   t3, 0(t2)                      # flags | domid << 16: 0 = free
    beqz t3, 2f
    addi t1, t1, 1
    j    1b
2:  sw   a1, XGE_FRAME(t2)
    sh   a0, XGE_DOMID(t2)
    li   t3, GTF_PERMIT_ACCESS
    beqz a2, 3f
    ori  t3, t3, GTF_READONLY
3:  sh   t3, XGE_FLAGS(t2)
    mv   a0, t1
    ret
8:  li   a0, -1
    ret

# gnttab_end(a0 = gref) -> 0 / -XEN_EBUSY / -XEN_EINVAL: revoke the grant. Leaf.
gnttab_end:
    addi t0, a0, -1
    li   t1, GNT_ENTRIES - 1
    bltu t0, t1, 1f
    li   a0, -XEN_EINVAL
    ret
1:  slli t0, a0, 3
    la   t1, gnttab_table
    add  t0, t0, t1
2:  lw   t1, 0(t0)                      # flags (low half) and domid
    beqz t1, 7f                         # nothing granted there
    andi t2, t1, GTF_READING | GTF_WRITING
    bnez t2, 8f                         # mapped right now: cannot be taken back
    mv   t2, t1
    cas  t2, zero, (t0)                 # clear it unless the hypervisor just mapped it
    bne  t2, t1, 2b
    sw   zero, XGE_FRAME(t0)
    li   a0, 0
    ret
7:  li   a0, -XEN_EINVAL
    ret
8:  li   a0, -XEN_EBUSY
    ret

.bss
    .balign 8
gnttab_table: .space GNT_ENTRIES * GRANT_ENTRY_SIZE
.text
