# trap.s — the CPU driver's trap entry and exit, interrupts, and the routing of system
# calls (the multikernel's and the disaggregated process component's).
#
# Concept: Barrelfish's CPU driver (seed: the OS-structure slides, "Kernel: per core …
# system call, interrupt/exception; event-driven, single-thread, uninterruptable"): the
# privileged code of one CPU, entered only by traps, running with interrupts off, and
# knowing nothing of the other CPUs except through messages. Each CPU driver has its
# own copy of this code and of everything it touches (its image is its own boot module).
#
# The trap frame, the scratch-register trick (scratch = kernel-stack top in user mode, 0
# in the kernel) and the short TLB-refill path are the monolithic kernel's design
# (guests/monolithic/trap.s, read that first). What a CPU driver adds: the IPI is the
# notification of a message (it wakes this CPU's monitor and, like the timer, makes the
# running process yield to it), the calls that change global state are routed to the
# code that agrees on them with the other CPUs (mk_syscall), and — with PAGEFAULT
# defined (the disaggregated kernel) — a user page fault is first offered to page_fault,
# which may map the page and retry the instruction.

.include "trap/tframe.inc"              # TF_*, SAVE_REST, RESTORE_ALL_BUT_SP

    .balign 16
trap_entry:
    csrrw sp, scratch, sp
    beqz sp, ktrap_entry
    # ---- from user: sp = kernel stack top, scratch = user sp
    addi sp, sp, -TF_SIZE
    sw   t0, 20(sp)
    sw   t1, 24(sp)
    sw   t2, 28(sp)
    csrr t0, cause
    addi t0, t0, -CAUSE_TLB_MISS_FETCH
    sltiu t0, t0, 3
    beqz t0, utrap_full
    la   t0, cur_pgdir
    lw   t0, 0(t0)
    TLB_REFILL t0, t1, t2, utrap_full
    lw   t0, 20(sp)
    lw   t1, 24(sp)
    lw   t2, 28(sp)
    addi sp, sp, TF_SIZE
    csrrw sp, scratch, sp
    rfe

utrap_full:
    SAVE_REST
    csrr t0, scratch                   # the user sp
    sw   t0, TF_SP(sp)
    csrw scratch, zero                 # now in the kernel
    CPU_BASE tp, t0                    # tp = this CPU (the user's is in the frame)
    mv   a0, sp
    call usertrap
# usertrapret: sp = the current process's trap frame. Back to ring 3.
usertrapret:
    addi t0, sp, TF_SIZE
    csrw scratch, t0
    lw   t0, TF_EPC(sp)
    csrw epc, t0
    li   t0, (3 << ST_PRING_SHIFT) | ST_PIE
    csrw status, t0
    RESTORE_ALL_BUT_SP
    lw   sp, TF_SP(sp)
    rfe

    # ---- from the kernel: sp = 0, scratch = kernel sp
ktrap_entry:
    csrrw sp, scratch, zero
    addi sp, sp, -TF_SIZE
    sw   t0, 20(sp)
    sw   t1, 24(sp)
    sw   t2, 28(sp)
    SAVE_REST
    addi t0, sp, TF_SIZE
    sw   t0, TF_SP(sp)
    mv   a0, sp
    call kerneltrap
    lw   t0, TF_EPC(sp)
    csrw epc, t0
    lw   t0, TF_STATUS(sp)
    csrw status, t0
    RESTORE_ALL_BUT_SP
    addi sp, sp, TF_SIZE
    rfe

# kerneltrap(a0 = tf): only device interrupts are legal in ring 0 (the idle loop); a
# fault there is this CPU driver's bug: report it with the CPU's number and stop.
kerneltrap:
    PROLOGUE
    mv   s1, a0
    lw   a0, TF_CAUSE(s1)
    bge  a0, zero, 1f
    call devintr
    EPILOGUE
1:  la   t0, probe_active                # a device probe (probe_word) faulted
    lw   t1, 0(t0)
    beqz t1, 2f
    sw   zero, 0(t0)
    lw   t0, TF_EPC(s1)
    addi t0, t0, 4
    sw   t0, TF_EPC(s1)
    EPILOGUE
2:  mv   a0, s1
    call kernel_fault                   # main.s / ap.s: what a dead CPU driver does

# probe_word(a0 = kseg address) -> a0 = 1 if a word load there works (a device is
# present), else 0: a bus error during the probe is skipped by kerneltrap.
probe_word:
    la   t0, probe_active
    li   t1, 1
    sw   t1, 0(t0)
    lw   a0, 0(a0)
    lw   a0, 0(t0)                      # still 1 unless the load faulted
    sw   zero, 0(t0)
    ret

# devintr(a0 = cause with bit 31 set) -> a0 = 1 if the running process should yield
# (the timer's round robin, or a message notification for the monitor)
devintr:
    PROLOGUE
    andi s1, a0, 0xFF
    li   t0, IRQ_TIMER
    bne  s1, t0, 1f
    li   t0, TIMER_ACK
    sw   zero, 0(t0)
    la   a0, ticks
    lw   t1, 0(a0)
    addi t1, t1, 1
    sw   t1, 0(a0)
    call wakeup
    call tick_hook                      # the monitor's periodic work (chan.s)
    li   a0, 1
    EPILOGUE
1:  li   t0, IRQ_IPI
    bne  s1, t0, 2f
    li   t0, IPI_ACK
    sw   zero, 0(t0)
    call chan_notified                  # count it, wake the monitor (chan.s)
    li   a0, 1
    EPILOGUE
2:
.ifdef HAS_CONSOLE
    li   t0, IRQ_CONSOLE
    bne  s1, t0, 3f
    call console_intr
    li   a0, 0
    EPILOGUE
3:
.endif
.ifdef HAS_DISK
    li   t0, IRQ_DISK
    bne  s1, t0, 4f
    call disk_intr
4:
.endif
    li   a0, 0
    EPILOGUE

# usertrap(a0 = tf): a trap from ring 3 other than a refilled TLB miss.
usertrap:
    PROLOGUE
    mv   s1, a0
    lw   s2, TF_CAUSE(s1)
    bge  s2, zero, 1f
    mv   a0, s2                         # an interrupt
    call devintr
    beqz a0, 5f
    call yield
    j    5f
1:  li   t0, CAUSE_SYSCALL
    bne  s2, t0, 2f
    lw   t0, TF_EPC(s1)
    addi t0, t0, 4
    sw   t0, TF_EPC(s1)
    la   t0, curproc
    lw   t0, 0(t0)
    lw   t0, P_KILLED(t0)
    bnez t0, 6f
    call mk_syscall
    j    5f
2:
.ifdef PAGEFAULT
    addi t0, s2, -CAUSE_TLB_MISS_FETCH  # a TLB miss the refill could not serve
    sltiu t0, t0, 3
    beqz t0, 3f
    mv   a0, s1
    call page_fault                     # 0: mapped now, run the instruction again
    beqz a0, 5f
3:
.endif
    call user_fault                     # prints the kill line
    li   a0, -1
    call exit
5:  la   t0, curproc
    lw   t0, 0(t0)
    lw   t0, P_KILLED(t0)
    beqz t0, 7f
6:  li   a0, -1
    call exit
7:  EPILOGUE

# mk_syscall(): the system call of the current process. The calls whose effect is global
# — a new process (fork), one that ends elsewhere (kill), the list of every process
# (procinfo), a new image (exec, which must drop the process's channel mappings first)
# — go to the multikernel's own code; the multikernel's calls (numbers from 100) to
# syscall_extra; every other one to the monolithic dispatcher, unchanged.
mk_syscall:
    la   t0, curproc                    # (the common case costs a scan, no frame)
    lw   t0, 0(t0)
    lw   t0, P_TF(t0)
    lw   t0, TF_A7(t0)
    la   t1, mk_overrides
1:  lw   t2, 0(t1)
    beqz t2, 3f
    beq  t2, t0, 2f
    addi t1, t1, 8
    j    1b
3:  j    syscall                        # ../monolithic/syscall.s (SYSCALL_EXTRA: ours)
2:  PROLOGUE
    la   t0, curproc
    lw   t0, 0(t0)
    lw   s2, P_TF(t0)
    lw   t3, 4(t1)
    lw   a0, TF_A0(s2)
    lw   a1, TF_A1(s2)
    lw   a2, TF_A2(s2)
    jalr ra, t3, 0
    sw   a0, TF_A0(s2)
    EPILOGUE

# user_fault(): print "pid N (name): killed: <cause> at 0x... (cause N)" — the
# monolithic kernel's kill line, so the portable tests read it the same way.
user_fault:
    PROLOGUE
    la   t0, curproc
    lw   s1, 0(t0)
    lw   s2, P_TF(s1)
    lw   s3, TF_CAUSE(s2)
    la   a0, msg_pid
    call kputs
    lw   a0, P_PID(s1)
    call kputdec
    la   a0, msg_lparen
    call kputs
    addi a0, s1, P_NAME
    call kputs
    la   a0, msg_killed
    call kputs
    sltiu t0, s3, 16
    bnez t0, 1f
    li   s3, 0
1:  slli t0, s3, 2
    la   t1, cause_names
    add  t0, t0, t1
    lw   a0, 0(t0)
    call kputs
    la   a0, msg_at
    call kputs
    lw   a0, TF_BADV(s2)
    li   t0, CAUSE_MISALIGNED_FETCH     # 6..15 are address faults
    bge  s3, t0, 2f
    lw   a0, TF_EPC(s2)
2:  call kputhex
    la   a0, msg_cause
    call kputs
    mv   a0, s3
    call kputdec
    la   a0, msg_rparen
    call kputs
    EPILOGUE

.rodata
msg_pid:    .asciz "pid "
msg_lparen: .asciz " ("
msg_killed: .asciz "): killed: "
msg_at:     .asciz " at "
msg_cause:  .asciz " (cause "
msg_rparen: .asciz ")\n"
cn_unknown: .asciz "unknown trap"
cn_bp:      .asciz "breakpoint"
cn_hcall:   .asciz "hypercall"
cn_ill:     .asciz "illegal instruction"
cn_priv:    .asciz "privileged instruction"
cn_mis:     .asciz "misaligned access"
cn_bus:     .asciz "bus error"
cn_miss:    .asciz "TLB miss"
cn_prot:    .asciz "TLB protection fault"
    .balign 4
cause_names:
    .word cn_unknown, cn_unknown, cn_hcall, cn_bp, cn_ill, cn_priv, cn_mis, cn_mis
    .word cn_mis, cn_bus, cn_miss, cn_miss, cn_miss, cn_prot, cn_prot, cn_prot
.data
    .balign 4
probe_active: .word 0
.text
