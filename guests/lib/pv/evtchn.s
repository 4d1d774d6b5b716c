# evtchn.s — event channels, the guest's side: binding ports to handlers and the upcall
# that dispatches pending events (shared component).
#
# Concept: events replace device interrupts for a paravirtual guest (seed: Xen lecture —
# "Events: asynchronous notifications from Xen to domains. Replace device interrupts";
# Barham et al. 2003, §3.2 "Control transfer: hypercalls and events"). A domain has
# NR_EVTCHN ports; the hypervisor marks a port pending in the domain's shared-info page
# (XSH_PENDING, a bitmap) and, unless the port is masked (XSH_MASK), raises one virtual
# interrupt, the VIRQ line (ISA.md §8 "Virtual interrupts"). The upcall
# (evtchn_upcall) acknowledges the line, then repeatedly takes the lowest pending
# unmasked port, clears its bit atomically (cas: the hypervisor may set another bit
# between the load and the store — it runs on every VM exit), and calls the handler
# bound to it. The ports themselves are made with hypercalls (evtchn_alloc_unbound,
# bind_interdomain, bind_virq, bind_pirq); this file only maps ports to code.
#
# A handler is handler(a0 = port) -> a0, a value the upcall ORs into its own result
# (the monolithic kernel's timer handler returns 1 so the interrupted process yields).
#
# Provides: evtchn_init() (unmasks every port, enables VIRQ in ienable),
#   evtchn_bind(a0 = port, a1 = handler), evtchn_upcall() -> a0 = OR of the handlers'
#   results, evtchn_pending() -> a0 = the pending unmasked ports (a bitmap),
#   evtchn_mask(a0 = port), evtchn_unmask(a0 = port)
# Needs: HYPERVISOR_evtchn_unmask; kframe.inc

.equ EVC_SHARED, KSEG + XSH_ADDR        # the shared-info page, through kseg

# evtchn_init(): every port unmasked, nothing pending; the VIRQ line enabled.
evtchn_init:
    li   t0, EVC_SHARED
    sw   zero, XSH_MASK(t0)
    li   t0, IRQB_VIRQ
    csrs ienable, t0
    ret

# evtchn_bind(a0 = port, a1 = handler): events on port call handler(port). Leaf.
evtchn_bind:
    andi a0, a0, NR_EVTCHN - 1
    slli a0, a0, 2
    la   t0, evc_handlers
    add  t0, t0, a0
    sw   a1, 0(t0)
    ret

# evtchn_pending() -> a0 = pending & ~mask. Leaf.
evtchn_pending:
    li   t0, EVC_SHARED
    lw   a0, XSH_PENDING(t0)
    lw   t1, XSH_MASK(t0)
    not  t1, t1
    and  a0, a0, t1
    ret

# evtchn_mask(a0 = port): the port no longer raises the upcall (it still becomes
# pending). Leaf.
evtchn_mask:
    li   t0, 1
    sll  t0, t0, a0
    li   t1, EVC_SHARED + XSH_MASK
1:  lw   t2, 0(t1)
    or   t3, t2, t0
    mv   a0, t2
    cas  a0, t3, (t1)
    bne  a0, t2, 1b
    ret

# evtchn_unmask(a0 = port): the hypervisor clears the mask bit and raises the upcall
# again if the port is pending.
evtchn_unmask:
    PROLOGUE
    call HYPERVISOR_evtchn_unmask
    EPILOGUE

# evtchn_upcall() -> a0 = OR of the results of the handlers it ran. Called with the
# VIRQ line pending (from the trap handler of the guest's INT_VIRQ), or by a guest that
# polls (after sched_block). Handlers run with interrupts as the caller has them.
evtchn_upcall:
    PROLOGUE
    li   s1, 0                          # result
    li   t0, IRQB_VIRQ                  # acknowledge the line first: an event that
    csrc ipend, t0                      # arrives from now on raises it again
1:  call evtchn_pending
    beqz a0, 9f
    li   s2, 0                          # the lowest pending port
2:  srl  t0, a0, s2
    andi t0, t0, 1
    bnez t0, 3f
    addi s2, s2, 1
    j    2b
3:  li   t0, 1                          # clear its pending bit (cas: atomic against
    sll  t0, t0, s2                     # the hypervisor)
    not  t0, t0
    li   t1, EVC_SHARED + XSH_PENDING
4:  lw   t2, 0(t1)
    and  t3, t2, t0
    mv   t4, t2
    cas  t4, t3, (t1)
    bne  t4, t2, 4b
    slli t0, s2, 2                      # its handler
    la   t1, evc_handlers
    add  t0, t0, t1
    lw   t0, 0(t0)
    beqz t0, 1b                         # nobody bound: dropped
    mv   a0, s2
    jalr ra, t0, 0
    or   s1, s1, a0
    j    1b
9:  mv   a0, s1
    EPILOGUE

.bss
    .balign 4
evc_handlers: .space NR_EVTCHN * 4
.text
