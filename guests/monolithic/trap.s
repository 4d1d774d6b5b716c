# trap.s — trap entry and exit, the trap frame, and dispatch.
#
# Concept: the kernel is entered only by traps (seed: monolithic kernel — "a set of
# handlers for traps and device interrupts"). One vector for everything (ISA.md §7).
# The RISC-V trick tells user traps from kernel traps: `scratch` holds the current
# process's kernel-stack top while user code runs and 0 while the kernel runs, so
# `csrrw sp, scratch, sp` yields 0 exactly when the trap came from ring 0.
#
# User TLB misses take a short path (three registers saved, a two-level walk of the
# page table of the running process, tlbwi, rfe); everything else builds a full trap
# frame (x0..x31, epc, status, cause, badvaddr) at the top of the kernel stack.
#
# Multiprocessor (smp.s): every CPU enters here. The refill walks the page table this
# CPU runs (C_PGDIR of its struct cpu, found through the cpuid CSR: the user's tp is
# not ours); a full trap saves the user's tp and points tp at this CPU's struct cpu
# for the kernel. Device interrupts run their drivers under the file-system lock
# (syscall.s); an IPI answers a TLB shootdown.

.include "spinlock.s"                   # the multiprocessor's pieces the files after
.include "smp.s"                        # this one use: locks, struct cpu, CPU_BASE

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
    CPU_BASE t0, t1                    # this CPU's page table
    lw   t0, C_PGDIR(t0)
.if PV
    PV_TLB_REFILL t0, t1, t2, utrap_full   # pv.inc: a batched mmu_update, not tlbwi
.else
    TLB_REFILL t0, t1, t2, utrap_full
.endif
    la   t0, stat_refills
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
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
    # fall through
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

# kerneltrap(a0 = tf): only device interrupts are legal in ring 0 (the idle loop).
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
2:  la   a0, msg_ktrap
    call kputs
    lw   a0, TF_CAUSE(s1)
    call kputdec
    la   a0, msg_epc
    call kputs
    lw   a0, TF_EPC(s1)
    call kputhex
    la   a0, msg_badv
    call kputs
    lw   a0, TF_BADV(s1)
    call kputhex
    li   a0, '\n'
    call kputc
    li   a0, 99
    call khalt

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

# devintr(a0 = cause with bit 31 set) -> a0 = 1 if it was the timer. Every CPU has
# its own timer (the preemption tick); CPU 0's also counts the ticks of uptime/sleep.
devintr:
    PROLOGUE
.if PV
    call pv_devintr                     # pv.s: the event-channel upcall (VIRQ)
    EPILOGUE
.endif
    andi s1, a0, 0xFF
    li   t0, IRQ_TIMER
    bne  s1, t0, 1f
    li   t0, TIMER_ACK
    sw   zero, 0(t0)
    lw   t0, C_ID(tp)
    bnez t0, 11f
    la   a0, tickslock
    call acquire
    la   a0, ticks
    lw   t1, 0(a0)
    addi t1, t1, 1
    sw   t1, 0(a0)
    call wakeup
    la   a0, tickslock
    call release
11: li   a0, 1
    EPILOGUE
1:  li   t0, IRQ_CONSOLE
    bne  s1, t0, 2f
    la   a0, fs_lock
    call acquire
    call console_intr
    la   a0, fs_lock
    call release
    li   a0, 0
    EPILOGUE
2:  li   t0, IRQ_DISK
    bne  s1, t0, 3f
    la   a0, fs_lock
    call acquire
    call disk_intr
    la   a0, fs_lock
    call release
    li   a0, 0
    EPILOGUE
3:  li   t0, IRQ_IPI
    bne  s1, t0, 4f
    call ipi_intr
4:  li   a0, 0
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
    call yield                          # timer: round-robin
    j    5f
1:  li   t0, CAUSE_SYSCALL
    bne  s2, t0, 2f
    lw   t0, TF_EPC(s1)
    addi t0, t0, 4
    sw   t0, TF_EPC(s1)
    mv   t0, tp                         # this CPU's curproc (smp.s)
    lw   t0, 0(t0)
    lw   t0, P_KILLED(t0)
    bnez t0, 6f
    call syscall
    j    5f
2:  call user_fault                     # prints the kill line
    li   a0, -1
    call exit
5:  mv   t0, tp
    lw   t0, 0(t0)
    lw   t0, P_KILLED(t0)
    beqz t0, 7f
6:  li   a0, -1
    call exit
7:  EPILOGUE

# user_fault(): print "pid N (name): killed: <cause> at 0x... (cause N)".
# "at" is badvaddr for address faults and the pc for instruction faults.
user_fault:
    PROLOGUE
    la   a0, fs_lock                    # the console is the file system's (syscall.s)
    call acquire
    mv   t0, tp
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
    la   a0, fs_lock
    call release
    EPILOGUE

.rodata
msg_ktrap:  .asciz "panic: kernel trap, cause "
msg_epc:    .asciz " epc "
msg_badv:   .asciz " badvaddr "
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
stat_refills: .word 0
probe_active: .word 0
.text
