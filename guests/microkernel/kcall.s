# kcall.s — the kernel calls: the IPC calls (ipc.s) and the few others a user-level
# system needs — creating, starting and deleting tasks and threads, revoking
# mappings, attaching interrupt lines, the clock, yield; halt and debug output for
# the servers allowed them.
#
# Concept: the microkernel's whole interface (seed: VM/microkernel lecture, "reduced
# functionality in the microkernel"): 13 calls, against the 22 POSIX calls of
# guests/abi.toml that the user-level servers build on top of them. The rights are
# the task's flags (mk.inc TF_*), given by its creator and never more than the
# creator's own; a task may start, stop or delete only threads of its own space or of
# the spaces it created (its "chief" relation, as in L4's clans and chiefs).

# kcall(a0 = tcb of the caller): a7 selects the call.
kcall:
    PROLOGUE
    mv   s1, a0
    lw   t0, T_A7(s1)
    addi t1, t0, -1
    sltiu t1, t1, NKCALL
    beqz t1, 8f
    slli t0, t0, 2
    la   t1, kcall_table
    add  t0, t0, t1
    lw   t0, 0(t0)
    mv   a0, s1
    jalr ra, t0, 0
    EPILOGUE
8:  li   t0, IPC_EINVAL
    sw   t0, T_A0(s1)
    sw   t0, T_T1(s1)
    EPILOGUE

.rodata
    .balign 4
kcall_table:
    .word 0, k_send, k_recv, k_call, k_reply_wait, k_yield, k_clock, k_task_new
    .word k_exregs, k_task_kill, k_unmap, k_irq_attach, k_halt, k_kprint
.text

# k_yield(a0 = tcb)
k_yield:
    sw   zero, T_A0(a0)
    j    preempt

# k_clock(a0 = tcb) -> a0 = ticks
k_clock:
    la   t0, ticks
    lw   t0, 0(t0)
    sw   t0, T_A0(a0)
    ret

# may_control(a0 = caller tcb, a1 = tid) -> a0 = the target tcb if the caller may
# start, stop or delete it (same space, or a space the caller's space created), else 0
may_control:
    PROLOGUE
    mv   s1, a0
    mv   a0, a1
    call tcb_of
    beqz a0, 9f
    mv   s2, a0
    beq  s2, s1, 8f                     # not itself
    lw   t0, T_SPACE(s2)
    lw   t1, T_SPACE(s1)
    beq  t0, t1, 7f
    mv   a0, t0
    call space_ptr
    lw   t0, S_CHIEF(a0)
    lw   t1, T_SPACE(s1)
    bne  t0, t1, 8f
7:  mv   a0, s2
    EPILOGUE
8:  li   a0, 0
9:  EPILOGUE

# has_flag(a0 = tcb, a1 = flag) -> a0 != 0 if its space has it. Leaf.
has_flag:
    lw   t0, T_SPACE(a0)
    slli t0, t0, SPACE_SHIFT
    la   t1, space_table
    add  t0, t0, t1
    lw   t0, S_FLAGS(t0)
    and  a0, t0, a1
    ret

# k_task_new(a0 = tcb): a0 pager, a1 allow-mask, a2 flags, a3 name (caller's address),
# a4 = 1: a thread in the caller's space -> a0 = tid of the new, inactive thread
k_task_new:
    PROLOGUE
    mv   s1, a0
    li   a1, TF_CREATE
    call has_flag
    li   s6, IPC_EPERM
    beqz a0, 90f
    lw   a0, T_SPACE(s1)
    call space_ptr
    mv   s2, a0                         # the caller's space
    lw   s3, T_A2(s1)                   # flags: at most the caller's
    lw   t0, S_FLAGS(s2)
    and  s3, s3, t0
    lw   s4, T_A1(s1)                   # allow-mask: at most the caller's and itself
    andi t0, t0, TF_ALLOWALL
    bnez t0, 1f
    lw   t0, S_ALLOW(s2)
    lw   t1, T_SLOT(s1)
    li   t2, 1
    sll  t1, t2, t1
    or   t0, t0, t1
    and  s4, s4, t0
1:  sw   zero, 0(sp)                    # the name: 15 bytes from the caller
    sw   zero, 4(sp)
    sw   zero, 8(sp)
    sw   zero, 12(sp)
    lw   t0, T_A3(s1)
    beqz t0, 2f
    lw   a0, T_SPACE(s1)
    mv   a1, t0
    mv   a2, sp
    li   a3, 15
    li   a4, 0
    call kcopy
    sb   zero, 15(sp)
2:  lw   s5, T_SPACE(s1)
    lw   t0, T_A4(s1)
    bnez t0, 3f
    lw   a0, T_SPACE(s1)                # a new address space, created by the caller's
    mv   a1, s3
    mv   a2, s4
    call space_alloc
    li   s6, IPC_ENOMEM
    beqz a0, 90f
    mv   s5, a0
3:  mv   a0, s5
    lw   a1, T_A0(s1)
    mv   a2, sp
    call thread_alloc
    bnez a0, 4f
    lw   t0, T_A4(s1)
    bnez t0, 90f
    mv   a0, s5
    call space_free
    j    90f
4:  lw   t0, T_TID(a0)
    sw   t0, T_A0(s1)
    EPILOGUE
90: sw   s6, T_A0(s1)
    EPILOGUE

# k_exregs(a0 = tcb): a0 thread, a1 pc, a2 sp, a3 its a0, a4 its a1, a5 a thread to
# copy every register from (0: none) -> a0 = 0 / error. Aborts the thread's IPC and
# makes it ready: how a task is started, a forked child begins, exec restarts a
# program.
k_exregs:
    PROLOGUE
    mv   s1, a0
    lw   a1, T_A0(s1)
    call may_control
    beqz a0, 8f
    mv   s2, a0
    li   s3, 0                          # the thread to copy the registers from (one
    lw   a1, T_A5(s1)                   # the caller controls too)
    beqz a1, 1f
    mv   a0, s1
    call may_control
    beqz a0, 8f
    mv   s3, a0
1:  mv   a0, s2
    li   a1, IPC_ECANCEL
    call abort_ipc
    beqz s3, 2f
    addi a1, s3, 4
    addi a0, s2, 4
    li   a2, 128
    call memmove
    lw   t0, T_A3(s1)
    sw   t0, T_A0(s2)
    sw   zero, T_T1(s2)
    j    3f
2:  addi a0, s2, 4                      # a fresh register set
    li   a1, 0
    li   a2, 124
    call memset
    lw   t0, T_A1(s1)
    sw   t0, T_EPC(s2)
    lw   t0, T_A2(s1)
    sw   t0, T_SP(s2)
    lw   t0, T_A3(s1)
    sw   t0, T_A0(s2)
    lw   t0, T_A4(s1)
    sw   t0, T_A1(s2)
3:  mv   a0, s2
    call make_ready
    sw   zero, T_A0(s1)
    EPILOGUE
8:  li   t0, IPC_EPERM
    sw   t0, T_A0(s1)
    EPILOGUE

# k_task_kill(a0 = tcb): a0 thread -> a0 = 0 / error
k_task_kill:
    PROLOGUE
    mv   s1, a0
    lw   a1, T_A0(s1)
    call may_control
    beqz a0, 8f
    call thread_kill
    sw   zero, T_A0(s1)
    EPILOGUE
8:  li   t0, IPC_EPERM
    sw   t0, T_A0(s1)
    EPILOGUE

# k_unmap(a0 = tcb): a0 fpage of the caller's space, a1 = 1: flush the caller's own
# mappings too -> a0 = 0
k_unmap:
    PROLOGUE
    mv   s1, a0
    lw   t0, T_A0(s1)
    andi t1, t0, 31
    li   t2, FP_PAGE
    bgeu t1, t2, 1f
    mv   t1, t2
1:  li   t2, 1
    sll  s3, t2, t1                     # size
    addi t2, s3, -1
    not  t2, t2
    and  s2, t0, t2                     # base
2:  beqz s3, 8f
    lw   a0, T_SPACE(s1)
    mv   a1, s2
    lw   a2, T_A1(s1)
    andi a2, a2, 1
    call unmap_page
    li   t0, 4096
    add  s2, s2, t0
    sub  s3, s3, t0
    j    2b
8:  sw   zero, T_A0(s1)
    EPILOGUE

# k_irq_attach(a0 = tcb): a0 line -> a0 = 0 / error. The line's interrupts become
# messages to the caller; the line is unmasked until the first one.
k_irq_attach:
    PROLOGUE
    mv   s1, a0
    li   a1, TF_IRQ
    call has_flag
    beqz a0, 8f
    lw   t0, T_A0(s1)
    li   t1, IRQ_CONSOLE
    beq  t0, t1, 1f
    li   t1, IRQ_DISK
    beq  t0, t1, 1f
    li   t1, IRQ_DISK1
    beq  t0, t1, 1f
    li   t1, IRQ_DISK2
    bne  t0, t1, 8f
1:  slli t1, t0, 2
    la   t2, irq_owner
    add  t1, t1, t2
    lw   t2, 0(t1)
    bnez t2, 8f                         # someone else's
    sw   s1, 0(t1)
    li   t1, 1
    sll  t1, t1, t0
    lw   t2, T_IRQPEND(s1)
    not  t3, t1
    and  t2, t2, t3
    sw   t2, T_IRQPEND(s1)
    csrs ienable, t1
    sw   zero, T_A0(s1)
    EPILOGUE
8:  li   t0, IPC_EPERM
    sw   t0, T_A0(s1)
    EPILOGUE

# k_halt(a0 = tcb): a0 exit code
k_halt:
    PROLOGUE
    mv   s1, a0
    li   a1, TF_HALT
    call has_flag
    beqz a0, 8f
    lw   t0, T_A0(s1)
    li   t1, SYSCTL_HALT
    sw   t0, 0(t1)
1:  j    1b
8:  li   t0, IPC_EPERM
    sw   t0, T_A0(s1)
    EPILOGUE

# k_kprint(a0 = tcb): a0 string (at most 255 bytes are printed)
k_kprint:
    PROLOGUE
    mv   s1, a0
    li   a1, TF_KPRINT
    call has_flag
    beqz a0, 8f
    lw   s2, T_A0(s1)
    li   s3, 255
1:  beqz s3, 7f
    lw   a0, T_SPACE(s1)
    mv   a1, s2
    li   a2, TLB_V | TLB_R | TLB_U
    call space_ka
    beqz a0, 7f
    lbu  a0, 0(a0)
    beqz a0, 7f
    call kputc
    addi s2, s2, 1
    addi s3, s3, -1
    j    1b
7:  sw   zero, T_A0(s1)
    EPILOGUE
8:  li   t0, IPC_EPERM
    sw   t0, T_A0(s1)
    EPILOGUE
