# blkfront.s — the block frontend of a paravirtual guest: the disk driver interface of
# dev/disk.s over a descriptor ring to Dom0's block backend (shared component).
#
# Concept: a split driver (Barham et al. 2003, §3.2 "Device I/O", Xen's blkfront): the
# guest's disk is a *virtual block device* that Dom0's backend maps onto a real disk
# (or part of one). A request — read or write, sector, count, and the grant reference
# of the page that holds the data — is put on a ring page shared with the backend
# (guests/lib/ring) and announced on an event channel; the backend maps the granted
# page, does the DMA straight into or out of it, and puts the response on the same
# ring. The data page is granted once and stays granted (Xen's "persistent grants"):
# it holds BLKF_SLOTS sector buffers, one per request in flight, and a request copies
# its sector into or out of its slot, so the backend maps the page once rather than at
# every request. Every request is one sector (what the buffer cache asks for); a longer
# disk_rw is split.
#
# disk_rw sleeps (env_sleep) until its response arrives; disk_intr (the event handler)
# takes the responses, records each status by request id and wakes the sleepers.
#
# Provides: disk_init(a0 = ignored), disk_rw(a0 = sector, a1 = kernel buffer, a2 =
#   sectors, a3 = 1 write / 0 read) -> 0 / -1, disk_intr(a0 = port) -> 0,
#   blkfront_port, blkfront_data_gref
# Needs: ring_shared_init, ring_front_attach, ring_front_slot, ring_front_push,
#   ring_front_response, ring_front_consume, ring_front_final,
#   RING_DESC_SIZE, gnttab_grant, evtchn_bind, HYPERVISOR_evtchn_alloc_unbound,
#   HYPERVISOR_evtchn_send, HYPERVISOR_store_write, env_sleep, env_wakeup, memmove;
#   kframe.inc

.equ BLKF_SLOTS, BLKIF_RING_SLOTS       # requests in flight (one 512-byte buffer each)
.equ BLKF_FREE, 0                       # states of a request id
.equ BLKF_PENDING, 1
.equ BLKF_OK, 2
.equ BLKF_ERROR, 3

# disk_init(a0): the ring, the data page, their grants, the port, published.
disk_init:
    PROLOGUE
    la   a0, bf_page
    call ring_shared_init
    la   a0, bf_ring
    la   a1, bf_page
    li   a2, BLKIF_RING_SLOTS
    li   a3, BLKIF_REQUEST_SIZE
    call ring_front_attach
    li   a0, 0                          # the ring page, to Dom0, read-write
    la   a1, bf_page
    li   t0, KSEG
    sub  a1, a1, t0
    srli a1, a1, PAGE_SHIFT
    li   a2, 0
    call gnttab_grant
    mv   s1, a0
    li   a0, 0                          # the data page: persistent, read-write (a read
    la   a1, bf_data                    # request makes the backend write into it)
    li   t0, KSEG
    sub  a1, a1, t0
    srli a1, a1, PAGE_SHIFT
    li   a2, 0
    call gnttab_grant
    la   t0, blkfront_data_gref
    sw   a0, 0(t0)
    li   a0, 0
    call HYPERVISOR_evtchn_alloc_unbound
    mv   s2, a0
    la   t0, blkfront_port
    sw   s2, 0(t0)
    blt  s2, zero, 9f
    mv   a0, s2
    la   a1, disk_intr
    call evtchn_bind
    li   a0, DOMID_SELF
    li   a1, XS_BLK_RING
    mv   a2, s1
    call HYPERVISOR_store_write
    li   a0, DOMID_SELF
    li   a1, XS_BLK_PORT
    mv   a2, s2
    call HYPERVISOR_store_write
    li   a0, DOMID_SELF
    li   a1, XS_BLK_FE
    li   a2, XBS_INITIALISED
    call HYPERVISOR_store_write
9:  EPILOGUE

# disk_rw(a0 = sector, a1 = buffer, a2 = sectors, a3 = write?) -> 0 / -1.
disk_rw:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
1:  beqz s3, 8f
    mv   a0, s1
    mv   a1, s2
    mv   a2, s4
    call bf_one
    bnez a0, 9f
    addi s1, s1, 1
    addi s2, s2, SECTOR_SIZE
    addi s3, s3, -1
    j    1b
8:  li   a0, 0
    EPILOGUE
9:  li   a0, -1
    EPILOGUE

# bf_one(a0 = sector, a1 = buffer, a2 = write?) -> 0 / -1: one sector.
bf_one:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
1:  li   s4, 0                          # a free request id (its data slot)
2:  li   t0, BLKF_SLOTS
    bgeu s4, t0, 3f
    slli t0, s4, 2
    la   t1, bf_state
    add  t0, t0, t1
    lw   t1, 0(t0)
    beqz t1, 4f
    addi s4, s4, 1
    j    2b
3:  la   a0, bf_state                   # every slot busy: wait for one
    call env_sleep
    j    1b
4:  li   t1, BLKF_PENDING
    sw   t1, 0(t0)
    slli s5, s4, 9                      # the slot's buffer: bf_data + id * 512
    la   t0, bf_data
    add  s5, s5, t0
    beqz s3, 5f
    mv   a0, s5                         # a write: the data into the slot
    mv   a1, s2
    li   a2, SECTOR_SIZE
    call memmove
5:  la   a0, bf_ring                    # room on the ring? (ids <= slots: always)
    call ring_front_slot
    sw   s4, XBR_ID(a0)
    sw   s3, XBR_OP(a0)                 # BLKIF_OP_READ 0 / BLKIF_OP_WRITE 1
    sw   s1, XBR_SECTOR(a0)
    li   t0, 1
    sw   t0, XBR_COUNT(a0)
    la   t0, blkfront_data_gref
    lw   t0, 0(t0)
    sw   t0, XBR_GREF(a0)
    slli t0, s4, 9
    sw   t0, XBR_OFFSET(a0)
    la   a0, bf_ring
    call ring_front_push
    beqz a0, 6f
    la   t0, blkfront_port
    lw   a0, 0(t0)
    call HYPERVISOR_evtchn_send
6:  slli s6, s4, 2                      # sleep until the response
    la   t0, bf_state
    add  s6, s6, t0
7:  lw   t0, 0(s6)
    li   t1, BLKF_PENDING
    bne  t0, t1, 8f
    mv   a0, s6
    call env_sleep
    j    7b
8:  li   s7, 0
    li   t1, BLKF_OK
    beq  t0, t1, 81f
    li   s7, -1
    j    82f
81: bnez s3, 82f
    mv   a0, s2                         # a read: the data out of the slot
    mv   a1, s5
    li   a2, SECTOR_SIZE
    call memmove
82: sw   zero, 0(s6)                    # the id is free again
    la   a0, bf_state
    call env_wakeup
    mv   a0, s7
    EPILOGUE

# disk_intr(a0 = port) -> 0: every response: its request's status, its sleeper woken.
disk_intr:
    PROLOGUE
1:  la   a0, bf_ring
    call ring_front_response
    beqz a0, 5f
    lw   t0, XBP_ID(a0)
    lw   t1, XBP_STATUS(a0)
    li   t2, BLKF_SLOTS
    bgeu t0, t2, 4f                     # not one of ours
    slli t0, t0, 2
    la   t2, bf_state
    add  s1, t0, t2
    li   t2, BLKF_OK
    beqz t1, 2f                         # BLKIF_RSP_OKAY
    li   t2, BLKF_ERROR
2:  sw   t2, 0(s1)
    mv   a0, s1
    call env_wakeup
4:  la   a0, bf_ring
    call ring_front_consume
    j    1b
5:  la   a0, bf_ring
    call ring_front_final
    bnez a0, 1b
    li   a0, 0
    EPILOGUE

.data
    .balign 4
blkfront_port:      .word -1
blkfront_data_gref: .word 0
.bss
    .balign 4096
bf_page:  .space 4096                   # the shared ring page
bf_data:  .space 4096                   # the persistent data page: BLKF_SLOTS buffers
bf_ring:  .space RING_DESC_SIZE
    .balign 4
bf_state: .space BLKF_SLOTS * 4         # per request id: FREE / PENDING / OK / ERROR
.text
