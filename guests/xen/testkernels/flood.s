# flood.s — a DomU that floods Dom0's block backend (for the tests and the grading
# suite; `xl create flood`): it never blocks, keeps its block ring full of requests and
# sends events in a loop while it waits; after FLOOD_ROUNDS responses it writes an
# impossible producer index into the ring (more requests outstanding than slots) and
# then sends events in a loop for ever.
#
# Concept: performance isolation (Barham et al. 2003, §1: "performance isolation ...
# one domain must not be able to starve another"; the lecture's "Challenges: performance
# isolation"). What must hold: Dom0 still runs its own processes (the hypervisor's time
# slice, the backend's per-domain budget and the event channel's idempotent pending bit
# bound what the flood costs it), the impossible index disconnects the device instead of
# being believed, and `xl destroy flood` ends it all.

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.include "abi.inc"
.include "hypercall.inc"
.include "ring/ring.inc"

.equ FLOOD_ROUNDS, 40

.text
.global _start
_start:
    la   sp, fl_stack_top
    call gnttab_init
    call evtchn_init
    call console_init
    la   a0, s_hello
    call kputs
    la   a0, fl_page
    call ring_shared_init
    la   a0, fl_ring
    la   a1, fl_page
    li   a2, BLKIF_RING_SLOTS
    li   a3, BLKIF_REQUEST_SIZE
    call ring_front_attach
    li   a0, 0
    la   a1, fl_page
    li   t0, KSEG
    sub  a1, a1, t0
    srli a1, a1, PAGE_SHIFT
    li   a2, 0
    call gnttab_grant
    mv   s1, a0
    li   a0, 0
    la   a1, fl_data
    li   t0, KSEG
    sub  a1, a1, t0
    srli a1, a1, PAGE_SHIFT
    li   a2, 0
    call gnttab_grant
    mv   s3, a0                         # the data page's grant
    li   a0, 0
    call HYPERVISOR_evtchn_alloc_unbound
    mv   s2, a0
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
    li   s4, FLOOD_ROUNDS               # responses to wait for
1:  la   a0, fl_ring                    # fill the ring, an event per request
    call ring_front_space
    beqz a0, 3f
    la   a0, fl_ring
    call ring_front_slot
    sw   s4, XBR_ID(a0)
    sw   zero, XBR_OP(a0)               # READ sector 0
    sw   zero, XBR_SECTOR(a0)
    li   t0, 1
    sw   t0, XBR_COUNT(a0)
    sw   s3, XBR_GREF(a0)
    sw   zero, XBR_OFFSET(a0)
    la   a0, fl_ring
    call ring_front_push
    mv   a0, s2
    call HYPERVISOR_evtchn_send
    j    1b
3:  la   a0, fl_ring                    # full: events, never blocking, until a
    call ring_front_response            # response comes back
    bnez a0, 4f
    mv   a0, s2
    call HYPERVISOR_evtchn_send
    j    3b
4:  la   a0, fl_ring
    call ring_front_consume
    addi s4, s4, -1
    beqz s4, 5f
    j    1b
5:  la   a0, s_bogus                    # an impossible producer index
    call kputs
    la   t0, fl_page
    lw   t1, RING_REQ_PROD(t0)
    addi t1, t1, 1000
    sw   t1, RING_REQ_PROD(t0)
6:  mv   a0, s2                         # and events for ever
    call HYPERVISOR_evtchn_send
    j    6b

# the environment (one thread, one address space)
env_sleep:
    PROLOGUE
    call HYPERVISOR_sched_yield         # (the flood never blocks)
    call evtchn_upcall
    EPILOGUE
env_wakeup:
    ret
env_killed:
    li   a0, 0
    ret
env_copyin:
env_copyout:
    addi sp, sp, -16
    sw   ra, 12(sp)
    mv   a0, a1
    mv   a1, a2
    mv   a2, a3
    call memmove
    li   a0, 0
    lw   ra, 12(sp)
    addi sp, sp, 16
    ret

.include "pv/hcall.s"
.include "pv/evtchn.s"
.include "pv/gnttab.s"
.include "pv/consfront.s"
.include "ring/ring.s"
.include "base/string.s"

.rodata
s_hello: .asciz "flood: flooding dom0's block backend (a full ring, an event per request, never blocking)\n"
s_bogus: .asciz "flood: now an impossible producer index, and events for ever\n"
.bss
    .balign 4096
fl_page:  .space 4096
fl_data:  .space 4096
fl_ring:  .space RING_DESC_SIZE
    .balign 16
fl_stack: .space 4096
fl_stack_top:
