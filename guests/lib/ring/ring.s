# ring.s — a shared descriptor ring: requests and responses with producer/consumer
# indices in one page (shared component).
#
# Concept: the split-driver channel of Xen (seed: Xen lecture — "Xen exposes a set of
# simple device abstractions"; Barham et al. 2003, §3.2 "Data transfer: I/O rings",
# xen/include/public/io/ring.h): a page shared by a *frontend* (which produces requests
# and consumes responses) and a *backend* (which consumes requests and produces
# responses). Each side only ever writes its own producer index, so no lock is needed;
# indices run freely (slot = index mod NSLOTS) and a request and its response share a
# slot, so the frontend never has more than NSLOTS requests outstanding. Notification
# is suppressed the Xen way: each side publishes, in the page, the index at which it
# wants to be woken (REQ_EVENT, RSP_EVENT); a producer notifies (event channel,
# doorbell, IPI — the caller's business) only when its new index passes that mark, and
# a consumer that runs dry re-arms the mark and checks once more before it sleeps.
#
# The layout of the shared page and of each side's private descriptor (its view: the
# page, the slot geometry, its producer index PVT and consumer index CONS) is ring.inc;
# the layout of the slots is the users' (a block request, a console request...), a
# power of two bytes each, a power of two of them. The machine is sequentially
# consistent (ISA.md §10): no barriers are needed; a backend must still copy a request
# out of the page before checking it (the frontend may change it meanwhile).
#
# Leaf routines (t0..t3, a0..a3).
#
# Provides: ring_shared_init(a0 = page), ring_front_attach(a0 = desc,
#   a1 = page, a2 = nslots, a3 = slot size), ring_back_attach (same arguments),
#   ring_front_space(a0 = desc) -> free slots, ring_front_slot(a0 = desc) -> the slot
#   of the next request, ring_front_push(a0 = desc) -> 1 if the backend must be
#   notified, ring_front_response(a0 = desc) -> the next response's slot or 0,
#   ring_front_consume(a0 = desc), ring_front_final(a0 = desc) -> 1 if responses came
#   after re-arming, ring_back_request(a0 = desc, a1 = buffer) -> 1 copied, 0 none,
#   -1 the frontend's index is impossible (a flood or a bug), ring_back_slot(a0 = desc)
#   -> the slot for the next response, ring_back_push(a0 = desc) -> 1 if the frontend
#   must be notified, ring_back_final(a0 = desc) -> 1 if requests came after re-arming,
#   ring_back_pending(a0 = desc) -> requests waiting
# Needs: RING_REQ_PROD, RING_REQ_EVENT, RING_RSP_PROD, RING_RSP_EVENT, RING_SLOTS,
#   RGD_PAGE, RGD_NSLOTS, RGD_SLOTSZ, RGD_PVT, RGD_CONS (the layouts of ring.inc)

# ring_shared_init(a0 = page): a fresh ring (the creator, usually the frontend, does this
# before granting the page): no requests, no responses, both sides want the first one.
ring_shared_init:
    sw   zero, RING_REQ_PROD(a0)
    sw   zero, RING_RSP_PROD(a0)
    li   t0, 1
    sw   t0, RING_REQ_EVENT(a0)
    sw   t0, RING_RSP_EVENT(a0)
    ret

# ring_front_attach(a0 = desc, a1 = page, a2 = nslots, a3 = slot size): the frontend's
# descriptor over a ring (usually one it just initialised): PVT = REQ_PROD, CONS =
# RSP_PROD.
ring_front_attach:
    lw   t0, RING_REQ_PROD(a1)
    lw   t1, RING_RSP_PROD(a1)
    j    1f
# ring_back_attach(a0 = desc, a1 = page, a2 = nslots, a3 = slot size): the backend's
# descriptor: every request without a response is still to be read (PVT = CONS =
# RSP_PROD), so a backend that connects late serves what was posted before.
ring_back_attach:
    lw   t0, RING_RSP_PROD(a1)
    mv   t1, t0
1:  sw   a1, RGD_PAGE(a0)
    sw   a2, RGD_NSLOTS(a0)
    sw   a3, RGD_SLOTSZ(a0)
    sw   t0, RGD_PVT(a0)
    sw   t1, RGD_CONS(a0)
    ret

# ring_slot_of(a0 = desc, a1 = index) -> a0 = address of slot index mod NSLOTS. Leaf.
ring_slot_of:
    lw   t0, RGD_NSLOTS(a0)
    addi t0, t0, -1
    and  t1, a1, t0
    lw   t0, RGD_SLOTSZ(a0)
    mul  t1, t1, t0
    lw   t0, RGD_PAGE(a0)
    add  a0, t0, t1
    addi a0, a0, RING_SLOTS
    ret

# ---------------------------------------------------------------- frontend

# ring_front_space(a0 = desc) -> a0 = slots free for new requests.
ring_front_space:
    lw   t0, RGD_PVT(a0)
    lw   t1, RGD_CONS(a0)
    sub  t0, t0, t1                     # requests whose response is not consumed yet
    lw   t1, RGD_NSLOTS(a0)
    sub  a0, t1, t0
    ret

# ring_front_slot(a0 = desc) -> a0 = the slot to write the next request into (the
# caller checks ring_front_space first).
ring_front_slot:
    lw   a1, RGD_PVT(a0)
    j    ring_slot_of

# ring_front_push(a0 = desc) -> a0 = 1 if the backend must be notified: the request in
# the slot of ring_front_slot is produced and published (REQ_PROD), and the backend's
# REQ_EVENT mark lies in (old, new].
ring_front_push:
    lw   t0, RGD_PAGE(a0)
    lw   t1, RING_REQ_PROD(t0)          # old
    lw   t2, RGD_PVT(a0)
    addi t2, t2, 1                      # new
    sw   t2, RGD_PVT(a0)
    sw   t2, RING_REQ_PROD(t0)          # publish
    lw   t3, RING_REQ_EVENT(t0)
    sub  t3, t2, t3                     # notify iff new - event < new - old (unsigned)
    sub  t1, t2, t1
    sltu a0, t3, t1
    ret

# ring_front_response(a0 = desc) -> a0 = the slot of the next unconsumed response, or 0.
ring_front_response:
    lw   t0, RGD_PAGE(a0)
    lw   t1, RING_RSP_PROD(t0)
    lw   a1, RGD_CONS(a0)
    bne  a1, t1, ring_slot_of
    li   a0, 0
    ret

# ring_front_consume(a0 = desc): the response of ring_front_response is done with; its
# slot is free for a new request.
ring_front_consume:
    lw   t0, RGD_CONS(a0)
    addi t0, t0, 1
    sw   t0, RGD_CONS(a0)
    ret

# ring_front_final(a0 = desc) -> a0 = 1 if a response is waiting after asking to be
# notified of the next one (RSP_EVENT = CONS + 1): call it when ring_front_response
# said 0, before sleeping, and loop if it says 1.
ring_front_final:
    lw   t0, RGD_PAGE(a0)
    lw   t1, RGD_CONS(a0)
    addi t2, t1, 1
    sw   t2, RING_RSP_EVENT(t0)
    lw   t2, RING_RSP_PROD(t0)
    sub  a0, t2, t1
    snez a0, a0
    ret

# ---------------------------------------------------------------- backend

# ring_back_pending(a0 = desc) -> a0 = requests posted and not yet read (may be
# impossible, > NSLOTS, if the frontend lies: ring_back_request refuses those).
ring_back_pending:
    lw   t0, RGD_PAGE(a0)
    lw   t1, RING_REQ_PROD(t0)
    lw   t2, RGD_CONS(a0)
    sub  a0, t1, t2
    ret

# ring_back_request(a0 = desc, a1 = buffer) -> a0 = 1: the next request was copied into
# the buffer (SLOTSZ bytes) and consumed; 0: none posted; -1: REQ_PROD is impossible
# (more requests outstanding than slots: a flooding or broken frontend; nothing read).
ring_back_request:
    lw   t0, RGD_PAGE(a0)
    lw   t1, RING_REQ_PROD(t0)          # read once
    lw   t2, RGD_CONS(a0)
    bne  t1, t2, 1f
    li   a0, 0
    ret
1:  lw   t3, RGD_PVT(a0)                # responses produced
    sub  t3, t1, t3                     # requests without a response
    lw   t0, RGD_NSLOTS(a0)
    bleu t3, t0, 2f
    li   a0, -1
    ret
2:  addi t3, t2, 1
    sw   t3, RGD_CONS(a0)
    lw   t0, RGD_NSLOTS(a0)             # the slot of request CONS (t2)
    addi t0, t0, -1
    and  t2, t2, t0
    lw   t0, RGD_SLOTSZ(a0)
    mul  t2, t2, t0
    lw   t3, RGD_PAGE(a0)
    add  t2, t2, t3
    addi t2, t2, RING_SLOTS
    add  t0, t0, a1                     # copy SLOTSZ bytes, a word at a time
3:  lw   t3, 0(t2)
    sw   t3, 0(a1)
    addi t2, t2, 4
    addi a1, a1, 4
    bltu a1, t0, 3b
    li   a0, 1
    ret

# ring_back_slot(a0 = desc) -> a0 = the slot to write the next response into.
ring_back_slot:
    lw   a1, RGD_PVT(a0)
    j    ring_slot_of

# ring_back_push(a0 = desc) -> a0 = 1 if the frontend must be notified: the response in
# the slot of ring_back_slot is produced and published (RSP_PROD).
ring_back_push:
    lw   t0, RGD_PAGE(a0)
    lw   t1, RING_RSP_PROD(t0)          # old
    lw   t2, RGD_PVT(a0)
    addi t2, t2, 1                      # new
    sw   t2, RGD_PVT(a0)
    sw   t2, RING_RSP_PROD(t0)
    lw   t3, RING_RSP_EVENT(t0)
    sub  t3, t2, t3
    sub  t1, t2, t1
    sltu a0, t3, t1
    ret

# ring_back_final(a0 = desc) -> a0 = 1 if a request is waiting after asking to be
# notified of the next one (REQ_EVENT = CONS + 1).
ring_back_final:
    lw   t0, RGD_PAGE(a0)
    lw   t1, RGD_CONS(a0)
    addi t2, t1, 1
    sw   t2, RING_REQ_EVENT(t0)
    lw   t2, RING_REQ_PROD(t0)
    sub  a0, t2, t1
    snez a0, a0
    ret
