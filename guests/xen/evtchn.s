# evtchn.s — event channels, the hypervisor's side: ports, their binding, and sending.
#
# Concept (Barham et al. 2003, §3.2 "Control transfer": "Xen ... notifies a domain of
# events through an asynchronous event mechanism, replacing the usual delivery
# mechanisms for device interrupts ... pending events are stored in a per-domain
# bitmask"; seed: Xen lecture — "Events replace device interrupts"). Each domain has
# NR_EVTCHN ports. A port is free, *unbound* (allocated for a given remote domain to
# bind to), *inter-domain* (connected to a port of another domain: a send on either end
# makes the other pending), bound to a *virtual interrupt* (VIRQ_TIMER, VIRQ_DOM_EXC,
# VIRQ_STORE) or, in Dom0, to a *physical interrupt line* (pirq). Making a port pending
# sets its bit in the domain's shared-info page (XSH_PENDING, guest memory at
# guest-physical 0x800) and, unless its bit in XSH_MASK is set, raises the domain's one
# virtual interrupt — the VIRQ line in its guest copy of ipend (ISA.md §8), which the
# CPU itself delivers when the guest enables interrupts — and wakes it if it blocked.
# So n events cost one upcall, and a device interrupt of a PV domain costs no interrupt
# window (compare hv/vintr.s).

# evtchn_port(a0 = domain, a1 = port) -> a0 = address of the port's entry, or 0 (a bad
# port number). Leaf.
evtchn_port:
    sltiu t0, a1, NR_EVTCHN
    beqz t0, 8f
    slli t0, a1, 3
    add  a0, a0, t0
    addi a0, a0, D_EVTCHN
    ret
8:  li   a0, 0
    ret

# evtchn_alloc(a0 = domain, a1 = state, a2 = info) -> a0 = a free port, now in that
# state, or -XEN_ENOSPC. Leaf.
evtchn_alloc:
    addi t0, a0, D_EVTCHN
    li   t1, 0
1:  lw   t2, E_STATE(t0)
    beqz t2, 2f
    addi t0, t0, EVC_BYTES
    addi t1, t1, 1
    li   t2, NR_EVTCHN
    blt  t1, t2, 1b
    li   a0, -XEN_ENOSPC
    ret
2:  sw   a1, E_STATE(t0)
    sw   a2, E_INFO(t0)
    mv   a0, t1
    ret

# evtchn_set_pending(a0 = domain, a1 = port): the port has an event; the upcall is
# raised unless the port is masked; a blocked domain wakes.
evtchn_set_pending:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    lw   t0, D_STATE(s1)
    li   t1, DOMS_SHUTDOWN
    beq  t0, t1, 9f
    call dom_kseg
    addi s3, a0, XSH_ADDR               # its shared info
    li   t0, 1
    sll  t0, t0, s2
    lw   t1, XSH_PENDING(s3)
    or   t1, t1, t0
    sw   t1, XSH_PENDING(s3)
    lw   t1, XSH_SENDS(s3)
    addi t1, t1, 1
    sw   t1, XSH_SENDS(s3)
    lw   t1, D_EVENTS(s1)
    addi t1, t1, 1
    sw   t1, D_EVENTS(s1)
    lw   t1, XSH_MASK(s3)
    and  t1, t1, t0
    bnez t1, 9f                         # masked: pending, but no upcall
    mv   a0, s1
    call dom_upcall
9:  EPILOGUE

# dom_upcall(a0 = domain): make its VIRQ line pending (in the CPU if it is the loaded
# vCPU, else in its saved copy) and wake it.
dom_upcall:
    la   t0, cur_dom
    lw   t0, 0(t0)
    li   t1, IRQB_VIRQ
    bne  t0, a0, 1f
    csrs gipend, t1
    j    2f
1:  lw   t2, VC_G_IPEND(a0)
    or   t2, t2, t1
    sw   t2, VC_G_IPEND(a0)
2:  lw   t0, D_MBASE(a0)
    li   t1, KSEG + XSH_ADDR
    add  t0, t0, t1
    lw   t1, XSH_UPCALLS(t0)
    addi t1, t1, 1
    sw   t1, XSH_UPCALLS(t0)
    lw   t0, D_STATE(a0)
    li   t1, DOMS_BLOCKED
    bne  t0, t1, 3f
    li   t1, DOMS_RUNNABLE
    sw   t1, D_STATE(a0)
3:  ret

# send_virq(a0 = domain, a1 = virq): the port it bound to that virq becomes pending.
send_virq:
    slli t0, a1, 2
    add  t0, t0, a0
    lw   a1, D_VIRQ(t0)
    beqz a1, 1f
    addi a1, a1, -1
    j    evtchn_set_pending
1:  ret

# evtchn_free(a0 = domain, a1 = port): the port is free; the remote end of a channel
# becomes unbound (waiting for this domain again), a virq or pirq binding is undone.
evtchn_free:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    call evtchn_port
    beqz a0, 9f
    mv   s3, a0
    lw   t0, E_STATE(s3)
    li   t1, ECS_INTERDOMAIN
    bne  t0, t1, 2f
    lw   t0, E_INFO(s3)                 # the remote end: unbound, for us
    srli a0, t0, 16
    andi s4, t0, 0xFFFF
    call dom_by_id
    beqz a0, 5f
    mv   a1, s4
    call evtchn_port
    beqz a0, 5f
    li   t0, ECS_UNBOUND
    sw   t0, E_STATE(a0)
    lw   t0, D_DOMID(s1)
    sw   t0, E_INFO(a0)
    j    5f
2:  li   t1, ECS_VIRQ
    bne  t0, t1, 3f
    lw   t0, E_INFO(s3)
    slli t0, t0, 2
    add  t0, t0, s1
    sw   zero, D_VIRQ(t0)
    j    5f
3:  li   t1, ECS_PIRQ
    bne  t0, t1, 5f
    lw   t0, E_INFO(s3)                 # the line: masked, unbound
    li   t1, 1
    sll  t1, t1, t0
    csrc ienable, t1
    la   t2, pirq_mask
    lw   t3, 0(t2)
    not  t1, t1
    and  t3, t3, t1
    sw   t3, 0(t2)
    slli t0, t0, 2
    la   t1, pirq_port
    add  t0, t0, t1
    sw   zero, 0(t0)
5:  sw   zero, E_STATE(s3)
    sw   zero, E_INFO(s3)
9:  EPILOGUE

# ---------------------------------------------------------------- hypercalls

# evtchn_alloc_unbound(remote domain) -> port
do_evtchn_alloc_unbound:
    PROLOGUE
    mv   s1, a6
    mv   s2, a0
    call dom_by_id
    beqz a0, 8f
    mv   a0, s1
    li   a1, ECS_UNBOUND
    mv   a2, s2
    call evtchn_alloc
    EPILOGUE
8:  li   a0, -XEN_ESRCH
    EPILOGUE

# evtchn_bind_interdomain(remote domain, remote port) -> port: the remote port must be
# unbound and waiting for the caller.
do_evtchn_bind_interdomain:
    PROLOGUE
    mv   s1, a6
    mv   s2, a0
    mv   s3, a1
    call dom_by_id
    beqz a0, 8f
    mv   s4, a0                         # the remote domain
    mv   a1, s3
    call evtchn_port
    beqz a0, 7f
    mv   s5, a0
    lw   t0, E_STATE(s5)
    li   t1, ECS_UNBOUND
    bne  t0, t1, 7f
    lw   t0, E_INFO(s5)
    lw   t1, D_DOMID(s1)
    bne  t0, t1, 7f
    mv   a0, s1                         # our end: connected to theirs
    li   a1, ECS_INTERDOMAIN
    slli a2, s2, 16
    or   a2, a2, s3
    call evtchn_alloc
    blt  a0, zero, 9f
    mv   s6, a0
    li   t0, ECS_INTERDOMAIN            # their end: connected to ours
    sw   t0, E_STATE(s5)
    lw   t0, D_DOMID(s1)
    slli t0, t0, 16
    or   t0, t0, s6
    sw   t0, E_INFO(s5)
    mv   a0, s6
    EPILOGUE
7:  li   a0, -XEN_EINVAL
    EPILOGUE
8:  li   a0, -XEN_ESRCH
9:  EPILOGUE

# evtchn_bind_virq(virq) -> port
do_evtchn_bind_virq:
    PROLOGUE
    mv   s1, a6
    mv   s2, a0
    sltiu t0, s2, NR_VIRQ
    beqz t0, 7f
    slli t0, s2, 2
    add  t0, t0, s1
    lw   t0, D_VIRQ(t0)
    bnez t0, 6f
    mv   a0, s1
    li   a1, ECS_VIRQ
    mv   a2, s2
    call evtchn_alloc
    blt  a0, zero, 9f
    slli t0, s2, 2
    add  t0, t0, s1
    addi t1, a0, 1
    sw   t1, D_VIRQ(t0)
    EPILOGUE
6:  li   a0, -XEN_EEXIST
    EPILOGUE
7:  li   a0, -XEN_EINVAL
9:  EPILOGUE

# evtchn_bind_pirq(line) -> port (Dom0): the line is unmasked; its interrupts become
# events on the port (masked again at each one, until physdev_eoi).
do_evtchn_bind_pirq:
    PROLOGUE
    mv   s1, a6
    mv   s2, a0
    lw   t0, D_FLAGS(s1)
    andi t0, t0, SIF_PRIVILEGED
    beqz t0, 5f
    li   t0, IRQ_CONSOLE                # lines that are devices: CONSOLE, DISK,
    beq  s2, t0, 1f                     # DISK1, DISK2
    li   t0, IRQ_DISK
    beq  s2, t0, 1f
    li   t0, IRQ_DISK1
    beq  s2, t0, 1f
    li   t0, IRQ_DISK2
    bne  s2, t0, 7f
1:  slli t0, s2, 2
    la   t1, pirq_port
    add  s3, t0, t1
    lw   t0, 0(s3)
    bnez t0, 6f
    mv   a0, s1
    li   a1, ECS_PIRQ
    mv   a2, s2
    call evtchn_alloc
    blt  a0, zero, 9f
    addi t0, a0, 1
    sw   t0, 0(s3)
    li   t0, 1
    sll  t0, t0, s2
    csrs ienable, t0
    la   t1, pirq_mask
    lw   t2, 0(t1)
    or   t2, t2, t0
    sw   t2, 0(t1)
    EPILOGUE
5:  li   a0, -XEN_EPERM
    EPILOGUE
6:  li   a0, -XEN_EEXIST
    EPILOGUE
7:  li   a0, -XEN_EINVAL
9:  EPILOGUE

# evtchn_send(port) -> 0: the other end of an inter-domain channel becomes pending.
do_evtchn_send:
    PROLOGUE
    mv   s1, a6
    mv   s2, a0
    mv   a0, s1
    mv   a1, s2
    call evtchn_port
    beqz a0, 7f
    lw   t0, E_STATE(a0)
    li   t1, ECS_INTERDOMAIN
    bne  t0, t1, 7f
    lw   t0, E_INFO(a0)
    srli a0, t0, 16
    andi s3, t0, 0xFFFF
    mv   s4, a0                         # remote domid
    call dom_by_id
    beqz a0, 7f
    mv   s5, a0
    li   t0, EVENTS_ARG0                # NOTIFY(port, target domain)
    sw   s2, 0(t0)
    li   t0, EVENTS_ARG1
    sw   s4, 0(t0)
    li   t0, EVENTS_EMIT
    li   t1, EV_NOTIFY
    sw   t1, 0(t0)
    mv   a0, s5
    mv   a1, s3
    call evtchn_set_pending
    li   a0, 0
    EPILOGUE
7:  li   a0, -XEN_EINVAL
    EPILOGUE

# evtchn_unmask(port) -> 0: clear the mask bit; a pending port raises the upcall again.
do_evtchn_unmask:
    PROLOGUE
    mv   s1, a6
    sltiu t0, a0, NR_EVTCHN
    beqz t0, 7f
    li   s2, 1
    sll  s2, s2, a0
    mv   a0, s1
    call dom_kseg
    addi s3, a0, XSH_ADDR
    lw   t0, XSH_MASK(s3)
    not  t1, s2
    and  t0, t0, t1
    sw   t0, XSH_MASK(s3)
    lw   t0, XSH_PENDING(s3)
    and  t0, t0, s2
    beqz t0, 1f
    mv   a0, s1
    call dom_upcall
1:  li   a0, 0
    EPILOGUE
7:  li   a0, -XEN_EINVAL
    EPILOGUE

# evtchn_close(port) -> 0
do_evtchn_close:
    PROLOGUE
    mv   s1, a6
    mv   s2, a0
    mv   a0, s1
    mv   a1, s2
    call evtchn_port
    beqz a0, 7f
    lw   t0, E_STATE(a0)
    beqz t0, 7f
    mv   a0, s1
    mv   a1, s2
    call evtchn_free
    li   a0, 0
    EPILOGUE
7:  li   a0, -XEN_EINVAL
    EPILOGUE
