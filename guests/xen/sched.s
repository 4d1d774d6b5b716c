# sched.s — scheduling the domains on the CPU; time (virtual timers, the time slice)
# and physical interrupts.
#
# Concept (Barham et al. 2003, §3.3.2 "CPU scheduling" and "Time and timers"; §3.2
# "Control transfer: hypercalls and events"): each domain has one vCPU; the hypervisor
# runs the runnable ones round-robin for at most HV_SLICE cycles when another one is
# runnable (Xen used BVT; any fair policy shows the point: a domain that floods Dom0
# with requests cannot keep Dom0 off the CPU). A domain that has nothing to do blocks
# (sched_block, or wfi) until an event is pending and unmasked; an event sent to it
# wakes it. A switch saves one vCPU's guest CSRs and loads the other's (no TLB flush:
# entries carry VMIDs) and charges the cycles to the domain that ran. Each domain has
# one virtual timer (set_timer): the physical timer is programmed for the earliest
# deadline and the end of the slice, and a deadline that passes becomes the event
# VIRQ_TIMER. The other physical interrupts belong to Dom0's devices: the line is
# masked and the event channel Dom0 bound to it (evtchn_bind_pirq) becomes pending;
# Dom0 unmasks the line with physdev_eoi when its driver is done.

# hv_resume(a0 = domain): enter it again after an exit handled in place — or another
# one, if it cannot run any more or its slice is over.
hv_resume:
    lw   t0, D_STATE(a0)
    li   t1, DOMS_RUNNABLE
    bne  t0, t1, hv_schedule
    la   t0, resched
    lw   t0, 0(t0)
    bnez t0, hv_schedule
    j    hv_enter

# hv_schedule: the next runnable domain after the current one (round robin); none
# runnable: wait for an interrupt.
hv_schedule:
    la   sp, hv_stack_top
1:  la   t0, cur_dom
    lw   s1, 0(t0)
    la   s3, dom_table
    li   s4, 0                          # index after the current one
    beqz s1, 2f
    sub  t0, s1, s3
    srli s4, t0, DOM_SHIFT
    addi s4, s4, 1
2:  li   s5, 0
3:  li   t0, MAX_DOMS
    bge  s5, t0, 6f
    add  t0, s4, s5
    li   t1, MAX_DOMS
    remu t0, t0, t1
    slli t1, t0, DOM_SHIFT
    add  s6, s3, t1
    lw   t2, D_STATE(s6)
    li   t3, DOMS_RUNNABLE
    beq  t2, t3, 4f
    addi s5, s5, 1
    j    3b
4:  bne  s6, s1, 40f
    la   t0, resched                    # the same one again: a new slice if it was over
    lw   t0, 0(t0)
    beqz t0, 5f
    call hv_slice_start
    j    5f
40: beqz s1, 41f                        # a world switch: charge, save, load
    mv   a0, s1
    call dom_charge
    mv   a0, s1
    call vcpu_save
41: mv   a0, s6
    call vcpu_load
    la   t0, cur_dom
    sw   s6, 0(t0)
    call hv_now
    sw   a0, D_IN_LO(s6)
    sw   a1, D_IN_HI(s6)
    li   t0, EVENTS_ARG0                # CONTEXT(VMID, the domain's name)
    lw   t1, VC_VMID(s6)
    sw   t1, 0(t0)
    li   t0, EVENTS_ARG1
    addi t1, s6, D_NAME
    sw   t1, 0(t0)
    li   t0, EVENTS_EMIT
    li   t1, EV_CONTEXT
    sw   t1, 0(t0)
    call hv_slice_start
5:  call hv_timer_program
    mv   a0, s6
    j    hv_enter
6:  call hv_timer_program               # nothing runnable: wait for the timer or a device
    wfi
    call hv_poll
    j    1b

# dom_charge(a0 = domain): add the cycles since it got the CPU to its total.
dom_charge:
    PROLOGUE
    mv   s1, a0
    call hv_now
    lw   t0, D_IN_LO(s1)
    lw   t1, D_IN_HI(s1)
    sw   a0, D_IN_LO(s1)
    sw   a1, D_IN_HI(s1)
    sltu t2, a0, t0                     # now - in (64 bits)
    sub  a0, a0, t0
    sub  a1, a1, t1
    sub  a1, a1, t2
    lw   t0, D_CYC_LO(s1)
    lw   t1, D_CYC_HI(s1)
    add  t2, t0, a0
    sltu t3, t2, t0
    add  t1, t1, a1
    add  t1, t1, t3
    sw   t2, D_CYC_LO(s1)
    sw   t1, D_CYC_HI(s1)
    EPILOGUE

# dom_block(a0 = domain): block it unless an event is already pending (then it just
# goes on). Used by sched_block and the WFI exit.
dom_block:
    PROLOGUE
    mv   s1, a0
    call dom_kseg
    lw   t0, XSH_ADDR + XSH_PENDING(a0)
    lw   t1, XSH_ADDR + XSH_MASK(a0)
    not  t1, t1
    and  t0, t0, t1
    bnez t0, 9f
    li   t0, DOMS_BLOCKED
    sw   t0, D_STATE(s1)
9:  EPILOGUE

# hv_poll(): physical interrupts become events: the timer fires the virtual timers that
# are due (and ends the slice), a device line goes to Dom0's port for it, masked.
hv_poll:
    PROLOGUE
    csrr s1, ipend
    csrr t0, ienable
    and  s1, s1, t0
    andi t0, s1, IRQB_TIMER
    beqz t0, 1f
    call hv_timer_fired
1:  li   s2, 1                          # the other lines: pirqs
2:  li   t0, 8
    bge  s2, t0, 9f
    srl  t0, s1, s2
    andi t0, t0, 1
    beqz t0, 3f
    li   t0, 1                          # mask the line until Dom0's physdev_eoi
    sll  t0, t0, s2
    csrc ienable, t0
    slli t0, s2, 2
    la   t1, pirq_port
    add  t0, t0, t1
    lw   s3, 0(t0)
    beqz s3, 3f                         # nobody bound it: it stays masked
    call dom0
    addi a1, s3, -1
    call evtchn_set_pending
3:  addi s2, s2, 1
    j    2b
9:  EPILOGUE

# hv_timer_fired(): fire the virtual timers that are due, note the end of the slice.
hv_timer_fired:
    PROLOGUE
    call hv_now
    mv   s1, a0
    mv   s2, a1
    la   s3, dom_table
    li   s4, 0
1:  lw   t0, D_STATE(s3)
    beqz t0, 4f
    li   t1, DOMS_SHUTDOWN
    beq  t0, t1, 4f
    lw   a2, D_TIMER_LO(s3)
    lw   a3, D_TIMER_HI(s3)
    or   t0, a2, a3
    beqz t0, 4f
    mv   a0, s1
    mv   a1, s2
    call time_before                    # now < deadline: not yet
    bnez a0, 4f
    lw   t0, D_TIMER_PERIOD(s3)         # due: the next deadline, or none
    beqz t0, 2f
    lw   s5, D_TIMER_LO(s3)
    lw   s6, D_TIMER_HI(s3)
21: lw   t0, D_TIMER_PERIOD(s3)         # deadline += period until it is in the future
    add  t1, s5, t0
    sltu t2, t1, s5
    add  s6, s6, t2
    mv   s5, t1
    mv   a0, s1
    mv   a1, s2
    mv   a2, s5
    mv   a3, s6
    call time_before
    beqz a0, 21b
    sw   s5, D_TIMER_LO(s3)
    sw   s6, D_TIMER_HI(s3)
    j    3f
2:  sw   zero, D_TIMER_LO(s3)
    sw   zero, D_TIMER_HI(s3)
3:  mv   a0, s3
    li   a1, VIRQ_TIMER
    call send_virq
4:  addi s3, s3, DOM_BYTES
    addi s4, s4, 1
    li   t0, MAX_DOMS
    blt  s4, t0, 1b
    la   t0, slice_end                  # the slice is over?
    lw   a2, 0(t0)
    lw   a3, 4(t0)
    mv   a0, s1
    mv   a1, s2
    call time_before
    bnez a0, 5f
    la   t0, resched
    li   t1, 1
    sw   t1, 0(t0)
5:  call hv_timer_program               # the next deadline (and the line acknowledged)
    EPILOGUE

# hv_slice_start(): the current domain's slice starts now.
hv_slice_start:
    PROLOGUE
    call hv_now
    li   t0, HV_SLICE
    add  t1, a0, t0
    sltu t2, t1, a0
    add  a1, a1, t2
    la   t0, slice_end
    sw   t1, 0(t0)
    sw   a1, 4(t0)
    la   t0, resched
    sw   zero, 0(t0)
    EPILOGUE

# hv_timer_program(): the physical timer at the earliest virtual-timer deadline and,
# when two domains are runnable, the end of the slice; off if neither. The TIMER line
# is acknowledged here (after the compare value moved: ISA.md §9).
hv_timer_program:
    PROLOGUE
    li   t0, TIMER_CTRL
    sw   zero, 0(t0)
    li   t0, TIMER_ACK
    sw   zero, 0(t0)
    li   s1, -1                         # earliest so far (s1 lo, s2 hi)
    li   s2, -1
    li   s6, 0                          # runnable domains
    la   s3, dom_table
    li   s4, 0
1:  lw   t0, D_STATE(s3)
    beqz t0, 3f
    li   t1, DOMS_SHUTDOWN
    beq  t0, t1, 3f
    li   t1, DOMS_RUNNABLE
    bne  t0, t1, 2f
    addi s6, s6, 1
2:  lw   a0, D_TIMER_LO(s3)
    lw   a1, D_TIMER_HI(s3)
    or   t0, a0, a1
    beqz t0, 3f
    mv   s7, a0
    mv   s8, a1
    mv   a2, s1
    mv   a3, s2
    call time_before
    beqz a0, 3f
    mv   s1, s7
    mv   s2, s8
3:  addi s3, s3, DOM_BYTES
    addi s4, s4, 1
    li   t0, MAX_DOMS
    blt  s4, t0, 1b
    li   t0, 2
    blt  s6, t0, 4f
    la   t0, slice_end
    lw   s7, 0(t0)
    lw   s8, 4(t0)
    mv   a0, s7
    mv   a1, s8
    mv   a2, s1
    mv   a3, s2
    call time_before
    beqz a0, 4f
    mv   s1, s7
    mv   s2, s8
4:  and  t0, s1, s2
    li   t1, -1
    beq  t0, t1, 9f
    li   t0, TIMER_INTERVAL
    sw   zero, 0(t0)
    li   t0, TIMER_CMPLO
    sw   s1, 0(t0)
    li   t0, TIMER_CMPHI
    sw   s2, 0(t0)
    li   t0, TIMER_CTRL
    li   t1, TIMER_CTRL_ENABLE
    sw   t1, 0(t0)
9:  EPILOGUE

# hv_now() -> a0 = cycle low, a1 = high. Leaf.
hv_now:
1:  csrr a1, cycleh
    csrr a0, cycle
    csrr t0, cycleh
    bne  a1, t0, 1b
    ret

# time_before(a0:a1, a2:a3) -> a0 = 1 if the first 64-bit time is earlier. Leaf.
time_before:
    bltu a1, a3, 1f
    bne  a1, a3, 2f
    bltu a0, a2, 1f
2:  li   a0, 0
    ret
1:  li   a0, 1
    ret

.data
    .balign 4
slice_end: .word 0, 0
resched:   .word 0
.text
