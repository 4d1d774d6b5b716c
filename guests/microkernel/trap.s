# trap.s — kernel entry and exit; page faults and exceptions become IPC to the pager,
# interrupts become IPC from pseudo-threads.
#
# Concept (seed: VM/microkernel lecture — "the microkernel translates interrupts into
# IPC messages"; kernels lecture — "page faults and interrupts are forwarded by the
# kernel to the user process responsible for them (i.e. pagers and device drivers)").
# The kernel handles nothing itself but TLB refills from page tables it already has:
# a miss with no page-table entry, a protection fault or any other exception of a
# thread is sent to the thread's pager as a message (L_FAULT) in its name, and the
# thread waits for the reply, which maps the page; an interrupt masks its line and is
# delivered as a message (L_IRQ) from the line's pseudo-thread to the driver thread
# that attached it, which unmasks the line by sending back to the pseudo-thread.
#
# One kernel stack: entry saves the user registers in the current thread's control
# block (scratch holds its address while a thread runs, 0 while the kernel runs), and
# exit loads whichever thread is to run next.

.include "trap/tframe.inc"              # SAVE_REGS, RESTORE_ALL_BUT_SP

    .balign 16
trap_entry:
    csrrw sp, scratch, sp
    beqz sp, ktrap_entry
    # ---- from a thread: sp = its TCB, scratch = its sp
    sw   t0, 20(sp)
    sw   t1, 24(sp)
    sw   t2, 28(sp)
    csrr t0, cause
    addi t0, t0, -CAUSE_TLB_MISS_FETCH
    sltiu t0, t0, 3
    beqz t0, utrap_full
    la   t0, cur_pgdir                  # refill from the page table if it has the page
    lw   t0, 0(t0)
    TLB_REFILL t0, t1, t2, utrap_full
    lw   t0, 20(sp)
    lw   t1, 24(sp)
    lw   t2, 28(sp)
    csrrw sp, scratch, sp
    rfe

utrap_full:
    SAVE_REGS
    csrr t0, scratch
    sw   t0, T_SP(sp)
    csrr t0, epc
    sw   t0, T_EPC(sp)
    csrw scratch, zero
    mv   s1, sp                         # the TCB
    la   sp, kstack_top
    csrr a1, cause
    blt  a1, zero, 1f
    li   t0, CAUSE_SYSCALL
    bne  a1, t0, 2f
    lw   t0, T_EPC(s1)                  # a kernel call
    addi t0, t0, 4
    sw   t0, T_EPC(s1)
.if !MACH_IPC
    lw   t0, T_A7(s1)                   # the IPC fast path?
    li   t1, K_CALL
    beq  t0, t1, fast_call
    li   t1, K_REPLY_WAIT
    beq  t0, t1, fast_reply_wait
.endif
slow_kcall:
    mv   a0, s1
    call kcall
    j    kexit
1:  andi a0, a1, 0xFF                   # an interrupt
    call handle_irq
    j    kexit
2:  mv   a0, s1                         # an exception: tell the pager
    call handle_fault
    j    kexit

.if !MACH_IPC
# ---------------------------------------------------------------- the IPC fast path
# Liedtke's fast path: a call or reply-and-wait whose message is registers only, to a
# partner already waiting for it, is done here without a function call: six words
# from one control block to the other, two state changes, and a direct switch to the
# partner. Anything else (strings, mappings, faults, a partner not waiting, a sender
# already queued) takes the general path (kcall).

# fast_call: s1 = the caller
fast_call:
    lw   t0, T_T3(s1)                   # registers only, no buffer for the answer
    lw   t1, T_T6(s1)
    or   t0, t0, t1
    bnez t0, slow_kcall
    lw   t2, T_T0(s1)                   # the receiver: its tcb
    andi t0, t2, 0xFF
    beqz t0, slow_kcall
    li   t1, NTHREAD
    bgeu t0, t1, slow_kcall
    slli t0, t0, TCB_SHIFT
    la   t1, tcb_table
    add  s2, t0, t1
    lw   t0, T_TID(s2)
    bne  t0, t2, slow_kcall
    lw   t0, T_STATE(s2)                # waiting for us (or anyone), not for a fault
    li   t1, TS_RECEIVING
    bne  t0, t1, slow_kcall
    lw   t0, T_FLAGS(s2)
    bnez t0, slow_kcall
    lw   t0, T_PARTNER(s2)
    lw   t3, T_TID(s1)
    beq  t0, t3, 2f
    li   t1, TID_ANY
    bne  t0, t1, slow_kcall
    lw   t0, T_SPACE(s1)                # the allow-mask
    slli t0, t0, SPACE_SHIFT
    la   t1, space_table
    add  t0, t0, t1
    lw   t1, S_FLAGS(t0)
    andi t1, t1, TF_ALLOWALL
    bnez t1, 2f
    lw   t1, S_ALLOW(t0)
    lw   t0, T_SLOT(s2)
    srl  t1, t1, t0
    andi t1, t1, 1
    beqz t1, slow_kcall
2:  li   t0, TS_RECEIVING               # the caller now waits for the answer
    sw   t0, T_STATE(s1)
    sw   t2, T_PARTNER(s1)
    sw   zero, T_TIMEOUT(s1)
    mv   a0, s1
    mv   a1, s2
    j    fast_transfer

# fast_reply_wait: s1 = the server
fast_reply_wait:
    lw   t0, T_T3(s1)                   # registers only
    bnez t0, slow_kcall
    lw   t0, T_SQHEAD(s1)               # nobody queued, no interrupt pending: we
    lw   t1, T_IRQPEND(s1)              # will wait
    or   t0, t0, t1
    bnez t0, slow_kcall
    lw   t2, T_T0(s1)                   # the client: waiting for our answer
    andi t0, t2, 0xFF
    beqz t0, slow_kcall
    li   t1, NTHREAD
    bgeu t0, t1, slow_kcall
    slli t0, t0, TCB_SHIFT
    la   t1, tcb_table
    add  s2, t0, t1
    lw   t0, T_TID(s2)
    bne  t0, t2, slow_kcall
    lw   t0, T_STATE(s2)
    li   t1, TS_RECEIVING
    bne  t0, t1, slow_kcall
    lw   t0, T_FLAGS(s2)
    bnez t0, slow_kcall
    lw   t0, T_PARTNER(s2)
    lw   t1, T_TID(s1)
    bne  t0, t1, slow_kcall
    li   t0, TS_RECEIVING               # the server waits for anyone
    sw   t0, T_STATE(s1)
    li   t0, TID_ANY
    sw   t0, T_PARTNER(s1)
    sw   zero, T_TIMEOUT(s1)
    mv   a0, s1
    mv   a1, s2
    j    fast_transfer

# fast_transfer(a0 = sender, a1 = receiver): the message, then run the receiver
fast_transfer:
    lw   t0, T_A0(a0)
    sw   t0, T_A0(a1)
    lw   t0, T_A1(a0)
    sw   t0, T_A1(a1)
    lw   t0, T_A2(a0)
    sw   t0, T_A2(a1)
    lw   t0, T_A3(a0)
    sw   t0, T_A3(a1)
    lw   t0, T_A4(a0)
    sw   t0, T_A4(a1)
    lw   t0, T_A5(a0)
    sw   t0, T_A5(a1)
    lw   t0, T_TID(a0)
    sw   t0, T_T0(a1)
    sw   zero, T_T1(a1)
    sw   zero, T_T3(a1)
    sw   zero, T_T5(a1)
    li   t1, TS_READY
    sw   t1, T_STATE(a1)
    sw   zero, T_TIMEOUT(a1)
    mv   s2, a1
    lw   a1, T_TID(a1)
    mv   a0, t0
    call emit_ipc
    mv   a0, s2
    j    resume
.endif

# kexit: run the thread that is to run: the current one if it is still ready, else
# the one an IPC switched to directly, else the head of the ready queue, else idle.
kexit:
    la   t0, cur_tcb
    lw   a0, 0(t0)
    beqz a0, 1f
    lw   t1, T_STATE(a0)
    li   t2, TS_READY
    beq  t1, t2, resume
1:  la   t0, next_direct
    lw   a0, 0(t0)
    beqz a0, 2f
    sw   zero, 0(t0)
    j    resume
2:  call dequeue_ready
    bnez a0, resume
    # ---- idle: nothing is ready; wait for an interrupt with IE briefly on
    la   t0, cur_tcb
    sw   zero, 0(t0)
    la   sp, kstack_top
    wfi
    li   t0, ST_IE
    csrs status, t0
    nop
    csrc status, t0
    j    kexit

# resume(a0 = tcb): switch to the thread (its space's ASID and page table) and return
# to it in ring 3.
resume:
    la   t0, cur_tcb
    sw   a0, 0(t0)
    la   t0, last_tcb                   # a switch to another thread?
    lw   t1, 0(t0)
    beq  t1, a0, 2f
    sw   a0, 0(t0)
    mv   s1, a0
.if MK_EVENTS
    li   t0, EVENTS_ARG0                # EV_CONTEXT: thread id, name
    lw   t1, T_TID(s1)
    sw   t1, 0(t0)
    li   t0, EVENTS_ARG1
    addi t1, s1, T_NAME
    sw   t1, 0(t0)
    li   t0, EVENTS_EMIT
    li   t1, EV_CONTEXT
    sw   t1, 0(t0)
.endif
    la   t0, stat_switches
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    mv   a0, s1
2:  lw   t0, T_SPACE(a0)
    la   t1, cur_space
    lw   t2, 0(t1)
    beq  t0, t2, 3f
    sw   t0, 0(t1)
    csrw asid, t0
.if MACH_IPC
    tlbinv                              # Mach-style: no tagged TLB, flush at a switch
.endif
    slli t1, t0, SPACE_SHIFT
    la   t2, space_table
    add  t1, t1, t2
    lw   t1, S_PGDIR(t1)
    la   t2, cur_pgdir
    sw   t1, 0(t2)
3:  lw   t0, T_EPC(a0)
    csrw epc, t0
    li   t0, (3 << ST_PRING_SHIFT) | ST_PIE
    csrw status, t0
    csrw scratch, a0
    mv   sp, a0
    RESTORE_ALL_BUT_SP
    lw   sp, T_SP(sp)
    rfe

    # ---- from the kernel (only the idle loop takes interrupts): sp = 0
ktrap_entry:
    csrrw sp, scratch, zero
    addi sp, sp, -144
    sw   t0, 20(sp)
    sw   t1, 24(sp)
    sw   t2, 28(sp)
    SAVE_REGS
    csrr a1, cause
    csrr t0, epc
    sw   t0, 128(sp)
    bge  a1, zero, 1f
    andi a0, a1, 0xFF
    call handle_irq
    lw   t0, 128(sp)
    csrw epc, t0
    li   t0, ST_PIE                     # back to ring 0 with IE as it was (1)
    csrw status, t0
    RESTORE_ALL_BUT_SP
    addi sp, sp, 144
    rfe
1:  la   a0, msg_ktrap
    call kputs
    csrr a0, cause
    call kputdec
    la   a0, msg_kepc
    call kputs
    csrr a0, epc
    call kputhex
    la   a0, msg_kbadv
    call kputs
    csrr a0, badvaddr
    call kputhex
    li   a0, '\n'
    call kputc
    li   a0, 99
    call khalt

# handle_fault(a0 = tcb): an exception of a thread (not a refilled TLB miss): the
# thread calls its pager with a fault message and waits for the mapping.
handle_fault:
    PROLOGUE
    mv   s1, a0
    lw   t0, T_PAGER(s1)
    bnez t0, 1f
    la   a0, msg_nopager                # sigma0 itself faulted
    call kputs
    addi a0, s1, T_NAME
    call kputs
    la   a0, msg_kepc
    call kputs
    lw   a0, T_EPC(s1)
    call kputhex
    la   a0, msg_kbadv
    call kputs
    csrr a0, badvaddr
    call kputhex
    li   a0, '\n'
    call kputc
    li   a0, 99
    call khalt
1:  li   t0, L_FAULT
    sw   t0, T_FMSG+0(s1)
    csrr t0, badvaddr
    sw   t0, T_FMSG+4(s1)
    lw   t0, T_EPC(s1)
    sw   t0, T_FMSG+8(s1)
    csrr t0, cause
    sw   t0, T_FMSG+12(s1)
    sw   zero, T_FMSG+16(s1)
    sw   zero, T_FMSG+20(s1)
    lw   t0, T_FLAGS(s1)
    ori  t0, t0, TH_FAULT
    sw   t0, T_FLAGS(s1)
    la   t0, stat_faults
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    mv   a0, s1
    lw   a1, T_PAGER(s1)
    li   a2, -1                         # no timeout
    li   a3, 1                          # a call: then wait for the reply
    call ipc_send
    EPILOGUE

# ---------------------------------------------------------------- interrupts

# handle_irq(a0 = line)
handle_irq:
    PROLOGUE
    mv   s1, a0
    bnez s1, 1f
    li   t0, TIMER_ACK                  # the tick: time slice and timeouts
    sw   zero, 0(t0)
    la   t0, ticks
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    call timeouts
    call preempt
    EPILOGUE
1:  li   t0, 1                          # mask the line until the driver acknowledges
    sll  s2, t0, s1
    csrc ienable, s2
    slli t0, s1, 2
    la   t1, irq_owner
    add  t0, t0, t1
    lw   s3, 0(t0)
    beqz s3, 9f                         # nobody attached: stays masked
    lw   t0, T_IRQPEND(s3)
    or   t0, t0, s2
    sw   t0, T_IRQPEND(s3)
    lw   t0, T_STATE(s3)                # waiting for it? deliver now
    li   t1, TS_RECEIVING
    bne  t0, t1, 9f
    lw   t0, T_PARTNER(s3)
    li   t1, TID_ANY
    beq  t0, t1, 2f
    addi t1, s1, IRQ_TID_BASE
    bne  t0, t1, 9f
2:  mv   a0, s3
    call irq_deliver
    la   t0, cur_tcb                    # the driver runs at once; the interrupted
    lw   a0, 0(t0)                      # thread next
    beqz a0, 3f
    lw   t1, T_STATE(a0)
    li   t2, TS_READY
    bne  t1, t2, 3f
    sw   zero, 0(t0)
    call make_ready_front
3:  la   t0, next_direct
    lw   t1, 0(t0)
    bnez t1, 4f
    sw   s3, 0(t0)
    li   t0, TS_READY
    sw   t0, T_STATE(s3)
    sw   zero, T_TIMEOUT(s3)
    EPILOGUE
4:  mv   a0, s3
    call make_ready
9:  EPILOGUE

# irq_deliver(a0 = receiving driver tcb): hand it the lowest pending line as a message
# from the line's pseudo-thread (the caller makes it ready). Leaf but for emit.
irq_deliver:
    PROLOGUE
    mv   s1, a0
    lw   t0, T_IRQPEND(s1)
    li   s2, 0
1:  srl  t1, t0, s2
    andi t1, t1, 1
    bnez t1, 2f
    addi s2, s2, 1
    j    1b
2:  li   t1, 1
    sll  t1, t1, s2
    not  t1, t1
    and  t0, t0, t1
    sw   t0, T_IRQPEND(s1)
    li   t0, L_IRQ
    sw   t0, T_A0(s1)
    sw   s2, T_A1(s1)
    addi t0, s2, IRQ_TID_BASE
    sw   t0, T_T0(s1)
    sw   zero, T_T1(s1)
    sw   zero, T_T3(s1)
    sw   zero, T_T5(s1)
    la   t0, stat_irqs
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    addi a0, s2, IRQ_TID_BASE
    lw   a1, T_TID(s1)
    call emit_ipc
    EPILOGUE

# irq_ack(a0 = tcb, a1 = line) -> a0 = 0 / IPC_EPERM: the driver that owns the line
# acknowledges it (by sending to its pseudo-thread): unmask it. Leaf.
irq_ack:
    slli t0, a1, 2
    la   t1, irq_owner
    add  t0, t0, t1
    lw   t0, 0(t0)
    bne  t0, a0, 9f
    li   t0, 1
    sll  t0, t0, a1
    csrs ienable, t0
    li   a0, 0
    ret
9:  li   a0, IPC_EPERM
    ret

# irq_detach(a0 = tcb): a dying thread gives up its lines (masked). Leaf.
irq_detach:
    la   t0, irq_owner
    li   t1, 0
1:  lw   t2, 0(t0)
    bne  t2, a0, 2f
    sw   zero, 0(t0)
    li   t2, 1
    sll  t2, t2, t1
    csrc ienable, t2
2:  addi t0, t0, 4
    addi t1, t1, 1
    li   t2, 8
    blt  t1, t2, 1b
    ret

# emit_ipc(a0 = sender tid, a1 = receiver tid): report one message to the events
# device: IPC_SEND (flow, receiver) then IPC_RECV (flow, sender). Leaf.
emit_ipc:
    la   t0, stat_msgs
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
.if MK_EVENTS
    li   t0, EVENTS_ARG0
    sw   t1, 0(t0)
    li   t2, EVENTS_ARG1
    sw   a1, 0(t2)
    li   t2, EVENTS_EMIT
    li   t3, EV_IPC_SEND
    sw   t3, 0(t2)
    sw   t1, 0(t0)
    li   t0, EVENTS_ARG1
    sw   a0, 0(t0)
    li   t3, EV_IPC_RECV
    sw   t3, 0(t2)
.endif
    ret

.rodata
msg_ktrap:   .asciz "panic: kernel trap, cause "
msg_kepc:    .asciz " epc "
msg_kbadv:   .asciz " badvaddr "
msg_nopager: .asciz "panic: fault in a thread without a pager: "
.data
    .balign 4
cur_space:     .word 0                  # ASID loaded
last_tcb:      .word 0                  # the thread that ran last
cur_pgdir:     .word 0                  # its page directory (for the refill)
irq_owner:     .word 0, 0, 0, 0, 0, 0, 0, 0
stat_switches: .word 0
stat_faults:   .word 0
stat_irqs:     .word 0
stat_msgs:     .word 0
.text
