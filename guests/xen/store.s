# store.s — the domains' store: a few keys per domain through which split drivers find
# each other (a XenStore reduced to what device setup needs).
#
# Concept: XenStore (Xen 3.0; the "control and management" of Barham et al. 2003 §2.3,
# moved out of the hypervisor later): a frontend publishes where its ring is (the grant
# reference), which port to bind (an unbound event channel) and its state; the backend
# in Dom0 reads them, connects, and publishes its own state and the disk's size. Xen
# keeps this in a database served by Dom0; here each domain has NR_STORE_KEYS words kept
# by the hypervisor, numbered keys instead of paths (XS_CONS_RING ... XS_BLK_SECTORS),
# and a *watch* reduced to one rule: a write by one side raises VIRQ_STORE on the other
# — a DomU's write tells Dom0, Dom0's write to a DomU's key tells that DomU. A DomU may
# read and write only its own keys; Dom0 any domain's.

# store_key(a6 = caller, a0 = domid or DOMID_SELF, a1 = key) -> a0 = 0 or -errno, a1 =
# the address of the key's word, a2 = the domain whose store it is. Leaf except
# dom_by_id.
store_key:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   a1, 8(sp)
    sltiu t0, a1, NR_STORE_KEYS
    beqz t0, 7f
    li   t0, DOMID_SELF
    bne  a0, t0, 1f
    mv   a0, a6
    j    3f
1:  lw   t0, D_DOMID(a6)
    beq  a0, t0, 2f                     # itself, named by its id
    lw   t0, D_FLAGS(a6)
    andi t0, t0, SIF_PRIVILEGED
    beqz t0, 6f                         # a DomU touching another domain's store
2:  call dom_by_id
    beqz a0, 5f
3:  mv   a2, a0
    lw   a1, 8(sp)
    slli t0, a1, 2
    add  a1, a2, t0
    addi a1, a1, D_STORE
    li   a0, 0
    j    9f
5:  li   a0, -XEN_ESRCH
    j    9f
6:  li   a0, -XEN_EPERM
    j    9f
7:  li   a0, -XEN_EINVAL
9:  lw   ra, 12(sp)
    addi sp, sp, 16
    ret

# store_write(domid, key, value) -> 0
do_store_write:
    PROLOGUE
    mv   s1, a6
    mv   s2, a1                         # key
    mv   s3, a2                         # value
    call store_key
    bnez a0, 9f
    sw   s3, 0(a1)
    mv   s4, a2                         # the domain whose store it is
    li   t0, 1
    sll  t0, t0, s2
    lw   t1, D_STORE_SET(s4)
    or   t1, t1, t0
    sw   t1, D_STORE_SET(s4)
    beq  s4, s1, 1f
    mv   a0, s4                         # Dom0 wrote a DomU's key: tell the DomU
    j    2f
1:  call dom0                           # a domain wrote its own: tell Dom0
    beq  a0, s1, 3f                     # (Dom0 writing its own: nobody to tell)
2:  li   a1, VIRQ_STORE
    call send_virq
3:  li   a0, 0
9:  EPILOGUE

# store_read(domid, key) -> value
do_store_read:
    PROLOGUE
    mv   s2, a1
    call store_key
    bnez a0, 9f
    li   t0, 1
    sll  t0, t0, s2
    lw   t1, D_STORE_SET(a2)
    and  t1, t1, t0
    beqz t1, 8f
    lw   a0, 0(a1)
    EPILOGUE
8:  li   a0, -XEN_ENOENT
9:  EPILOGUE
