# hypercall.s — the hypercall interface: dispatch by number, and the small calls
# (console, scheduling, timer, version, interrupt acknowledgement).
#
# Concept (Barham et al. 2003, §3.2 "Control transfer: hypercalls and events"; seed: Xen
# lecture — "Hypercall: synchronous calls from a domain to Xen, analogous to system
# calls"): a PV kernel executes `hcall` with the number in a7 (ISA.md §8: always a VM
# exit HYPERCALL), the arguments in a0-a5, and gets its result in a0 — the system-call
# convention one ring down. The table of calls (guests/xen/hypercalls.toml, generated
# into hctable.s and the README) is the whole interface between the hypervisor and its
# guests: number, arguments, result, errors. Each call is counted per domain and by
# number, and reported as the event HYPERCALL (ARG0 number, ARG1 domain).
#
# A handler do_<name>(a0..a5 = the guest's arguments, a6 = the calling domain) returns
# the result in a0; a call with more results writes them into the saved registers.

ex_hypercall:
    mv   s0, a0
    lw   s1, VC_REGS + 17 * 4(s0)       # a7: the number
    lw   t0, VC_PC(s0)                  # the guest resumes after hcall
    addi t0, t0, 4
    sw   t0, VC_PC(s0)
    lw   t0, D_HCALLS(s0)
    addi t0, t0, 1
    sw   t0, D_HCALLS(s0)
    sltiu t0, s1, 32
    beqz t0, 1f
    slli t0, s1, 2
    add  t0, t0, s0
    lw   t1, D_HC(t0)
    addi t1, t1, 1
    sw   t1, D_HC(t0)
1:  li   t0, EVENTS_ARG0                # HYPERCALL(number, domain)
    sw   s1, 0(t0)
    li   t0, EVENTS_ARG1
    lw   t1, D_DOMID(s0)
    sw   t1, 0(t0)
    li   t0, EVENTS_EMIT
    li   t1, EV_HYPERCALL
    sw   t1, 0(t0)
    addi t0, s1, -1
    sltiu t0, t0, NHYPERCALLS
    beqz t0, 8f
    slli t0, s1, 2
    la   t1, hypercall_table
    add  t0, t0, t1
    lw   t6, 0(t0)
    lw   a0, VC_REGS + 10 * 4(s0)
    lw   a1, VC_REGS + 11 * 4(s0)
    lw   a2, VC_REGS + 12 * 4(s0)
    lw   a3, VC_REGS + 13 * 4(s0)
    lw   a4, VC_REGS + 14 * 4(s0)
    lw   a5, VC_REGS + 15 * 4(s0)
    mv   a6, s0
    jalr ra, t6, 0
    j    9f
8:  li   a0, -XEN_ENOSYS
9:  sw   a0, VC_REGS + 10 * 4(s0)
    mv   a0, s0
    j    hv_resume

# hc_result2(a6 = domain, a1, a2): set the guest's a1 and a2 (extra results). Leaf.
hc_result2:
    sw   a1, VC_REGS + 11 * 4(a6)
    sw   a2, VC_REGS + 12 * 4(a6)
    ret

# console_io(buf, n) -> n: "(dN) " and the text, line by line, on the real console.
do_console_io:
    PROLOGUE
    mv   s1, a6
    mv   s2, a1
    li   t0, 256
    bgtu s2, t0, 7f
    mv   a0, s1
    mv   a2, s2
    call guest_range
    beqz a0, 8f
    mv   s3, a0
    add  s4, s3, s2
    li   s5, 1                          # at the start of a line
1:  bgeu s3, s4, 5f
    beqz s5, 2f
    la   a0, s_dtag
    call xputs
    lw   a0, D_DOMID(s1)
    call xputdec
    la   a0, s_dtag2
    call xputs
    li   s5, 0
2:  lbu  a0, 0(s3)
    call xputc
    lbu  t0, 0(s3)
    li   t1, '\n'
    bne  t0, t1, 3f
    li   s5, 1
3:  addi s3, s3, 1
    j    1b
5:  bnez s5, 6f                         # close an unfinished line
    li   a0, '\n'
    call xputc
6:  mv   a0, s2
    EPILOGUE
7:  li   a0, -XEN_EINVAL
    EPILOGUE
8:  li   a0, -XEN_EFAULT
    EPILOGUE

# sched_yield() -> 0: the other runnable domains run first.
do_sched_yield:
    la   t0, resched
    li   t1, 1
    sw   t1, 0(t0)
    li   a0, 0
    ret

# sched_block() -> 0 once an event is pending and unmasked.
do_sched_block:
    PROLOGUE
    mv   a0, a6
    call dom_block
    li   a0, 0
    EPILOGUE

# sched_shutdown(code): the domain stops.
do_sched_shutdown:
    PROLOGUE
    mv   a1, a0
    mv   a0, a6
    call dom_shutdown
    li   a0, 0
    EPILOGUE

# set_timer(deadline lo, deadline hi, period) -> 0.
do_set_timer:
    PROLOGUE
    sw   a0, D_TIMER_LO(a6)
    sw   a1, D_TIMER_HI(a6)
    sw   a2, D_TIMER_PERIOD(a6)
    call hv_timer_program
    li   a0, 0
    EPILOGUE

# xen_version() -> XEN_VERSION_NUMBER.
do_xen_version:
    li   a0, XEN_VERSION_NUMBER
    ret

# physdev_eoi(line) -> 0: Dom0's driver is done with the interrupt: unmask the line.
do_physdev_eoi:
    lw   t0, D_FLAGS(a6)
    andi t0, t0, SIF_PRIVILEGED
    beqz t0, 8f
    addi t0, a0, -1                     # lines 1..7 (not the timer) ...
    sltiu t0, t0, 7
    beqz t0, 9f
    slli t0, a0, 2                      # ... that Dom0 bound
    la   t1, pirq_port
    add  t0, t0, t1
    lw   t0, 0(t0)
    beqz t0, 9f
    li   t0, 1
    sll  t0, t0, a0
    csrs ienable, t0
    li   a0, 0
    ret
8:  li   a0, -XEN_EPERM
    ret
9:  li   a0, -XEN_EINVAL
    ret

.rodata
s_dtag:  .asciz "(d"
s_dtag2: .asciz ") "
.text
