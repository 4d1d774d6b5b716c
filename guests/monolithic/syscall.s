# syscall.s — system-call dispatch and the small process/time syscalls.
#
# Concept: the system-call table (seed: monolithic kernel — "user programs reach the
# kernel only by trapping"): a7 selects a handler, a0..a5 are its arguments, its
# result goes back in the trap frame's a0. The numbers and the order of syscall_table
# (systable.s) are generated from guests/abi.toml, like the README's table.
#
# The file-system lock (multiprocessor, smp.s). The shared components of guests/lib
# (the file system, the buffer cache, the console and disk drivers) were written for a
# one-CPU kernel that never preempts itself: their code runs atomically between two
# sleeps. fs_lock gives them that world back on several CPUs: every system call that
# reaches them (FS_SYSCALLS: the file calls, pipes — their buffers and the open-file
# table are guarded by it too — and exec) runs holding it, and so do their interrupt
# handlers (trap.s) and the few other callers (fork, exit: file references and the
# current directory). It is a spinlock that sleep() gives up while its holder sleeps
# and takes back on waking — the rule of Linux 2.0's "big kernel lock" — so a process
# waiting for the disk, a pipe or the keyboard holds nothing. The lock order is in
# README.md ("Locks").

.equ FS_SYSCALLS, (1 << SYS_PIPE) | (1 << SYS_READ) | (1 << SYS_EXEC) | (1 << SYS_FSTAT) | (1 << SYS_CHDIR) | (1 << SYS_DUP) | (1 << SYS_OPEN) | (1 << SYS_WRITE) | (1 << SYS_UNLINK) | (1 << SYS_MKDIR) | (1 << SYS_CLOSE)

syscall:
    PROLOGUE
    lw   s1, C_PROC(tp)
    lw   s2, P_TF(s1)
    lw   t0, TF_A7(s2)
    addi t1, t0, -1
    sltiu t1, t1, NSYSCALL
    beqz t1, 8f
.if FLEXSC
    li   t1, SYS_EXEC                   # exec: the syscall threads served the old
    bne  t0, t1, 1f                     # image; stop them first, holding no lock
    mv   a0, s1                         # (flexsc.s)
    li   a1, 0
    call flexsc_release
    lw   t0, TF_A7(s2)
1:
.endif
    lw   a0, TF_A0(s2)
    lw   a1, TF_A1(s2)
    lw   a2, TF_A2(s2)
    lw   a3, TF_A3(s2)
    lw   a4, TF_A4(s2)
    lw   a5, TF_A5(s2)
    mv   a6, t0
    call syscall_run
    j    9f
8:
.if FLEXSC
    mv   a0, s2                         # the exception-less calls' own (flexsc.s)
    call flexsc_syscall
    li   t0, -EINVAL - 1000             # "not mine"
    bne  a0, t0, 9f
    lw   t0, TF_A7(s2)
.endif
.if VMM
    addi t1, t0, -VMM_SYS               # the VM interface (vmm.s)
    sltiu t2, t1, VMM_NSYS
    beqz t2, 81f
    slli t1, t1, 2
    la   t3, vmm_syscall_table
    add  t1, t1, t3
    lw   t3, 0(t1)
    lw   a0, TF_A0(s2)
    lw   a1, TF_A1(s2)
    lw   a2, TF_A2(s2)
    lw   a3, TF_A3(s2)
    jalr ra, t3, 0
    j    9f
81:
.endif
.ifdef SYSCALL_EXTRA
    mv   a0, s2                         # numbers outside the ABI: the kernel that
    call syscall_extra                  # defines SYSCALL_EXTRA decides (hybrid)
    j    9f
.endif
    li   a0, -EINVAL
9:  sw   a0, TF_A0(s2)
    EPILOGUE

# syscall_run(a0..a5 = arguments, a6 = a number of the ABI, 1..NSYSCALL) -> a0: the
# handler, under fs_lock when the call is one of FS_SYSCALLS. (FlexSC's syscall
# threads run the calls of a syscall page through here too.)
syscall_run:
    PROLOGUE
    slli t0, a6, 2
    la   t1, syscall_table
    add  t0, t0, t1
    lw   s3, 0(t0)
    li   t0, FS_SYSCALLS
    srl  t0, t0, a6
    andi s4, t0, 1
    beqz s4, 1f
    sw   a0, 0(sp)
    sw   a1, 4(sp)
    sw   a2, 8(sp)
    sw   a3, 12(sp)
    sw   a4, 16(sp)
    sw   a5, 20(sp)
    la   a0, fs_lock
    call acquire
    lw   a0, 0(sp)
    lw   a1, 4(sp)
    lw   a2, 8(sp)
    lw   a3, 12(sp)
    lw   a4, 16(sp)
    lw   a5, 20(sp)
1:  jalr ra, s3, 0
    beqz s4, 2f
    mv   s3, a0
    la   a0, fs_lock
    call release
    mv   a0, s3
2:  EPILOGUE

sys_getpid:
    lw   t0, C_PROC(tp)
    lw   a0, P_PID(t0)
    ret

sys_uptime:
    la   t0, ticks
    lw   a0, 0(t0)
    ret

sys_yield:
    PROLOGUE
    call yield
    li   a0, 0
    EPILOGUE

# sleep(n ticks) -> 0 / -EINTR. ticks is guarded by tickslock (CPU 0's timer
# interrupt counts it, trap.s).
sys_sleep:
    PROLOGUE
    mv   s1, a0
    blt  s1, zero, 6f                   # a negative count is an error, not 0 ticks
    la   a0, tickslock
    call acquire
    la   t0, ticks
    lw   s2, 0(t0)
1:  la   t0, ticks
    lw   t0, 0(t0)
    sub  t0, t0, s2
    bge  t0, s1, 8f
    call killed
    bnez a0, 7f
    la   a0, ticks
    la   a1, tickslock
    call sleep_on
    j    1b
6:  li   a0, -EINVAL                    # (tickslock not taken yet)
    EPILOGUE
7:  li   s1, -EINTR
    j    9f
8:  li   s1, 0
9:  la   a0, tickslock
    call release
    mv   a0, s1
    EPILOGUE

# halt(code): only pid 1.
sys_halt:
    lw   t0, C_PROC(tp)
    lw   t0, P_PID(t0)
    li   t1, 1
    bne  t0, t1, 1f
.if PV
    j    pv_halt                        # pv.s: sched_shutdown
.endif
    li   t0, SYSCTL_HALT
    sw   a0, 0(t0)
2:  j    2b
1:  li   a0, -EPERM
    ret

# procinfo(slot, struct procinfo *) -> 0 / -ESRCH / -EINVAL / -EFAULT. A snapshot
# taken under ptable_lock. The CPU field (1 + the CPU it runs or last ran on) only on
# a multiprocessor: 0 tells ps to show no CPU column.
sys_procinfo:
    PROLOGUE
    addi sp, sp, -48
    mv   s2, a1
    mv   s3, a0
    sltiu t0, a0, NPROC
    beqz t0, 91f
    la   a0, ptable_lock
    call acquire
    slli t0, s3, PROC_SHIFT
    la   s1, proc_table
    add  s1, s1, t0
    lw   t0, P_STATE(s1)
    beqz t0, 93f
.if FLEXSC
    lw   t1, C_PROC(tp)                 # asked by a syscall thread about the process
    bne  t1, s1, 5f                     # it serves: that process is in this system
    lw   t2, C_THREAD(tp)               # call, so RUNNING (as on the trap path), even
    beq  t2, t1, 5f                     # if it waits for the answer (flexsc.s)
    li   t0, RUNNING
5:
.endif
    sw   zero, PI_CPU(sp)
    la   t1, ncpu
    lw   t1, 0(t1)
    li   t2, 1
    bleu t1, t2, 4f
    lw   t1, P_CPUMASK(s1)              # 0: it never ran
    beqz t1, 4f
    lw   t1, P_CPU(s1)
    addi t1, t1, 1
    sw   t1, PI_CPU(sp)
4:
    sw   t0, 8(sp)
    lw   t0, P_PID(s1)
    sw   t0, 0(sp)
    lw   t0, P_PARENT(s1)
    beqz t0, 1f
    lw   t0, P_PID(t0)
1:  sw   t0, 4(sp)
    lw   t0, P_BRK(s1)
    li   t1, USER_BASE
    bltu t0, t1, 2f
    sub  t0, t0, t1
    j    3f
2:  li   t0, 0
3:  sw   t0, 12(sp)
    addi a0, sp, 16
    addi a1, s1, P_NAME
    li   a2, 16
    call memmove
    la   a0, ptable_lock
    call release
    lw   t0, C_PROC(tp)
    lw   a0, P_PGDIR(t0)
    mv   a1, s2
    mv   a2, sp
    li   a3, PROCINFO_SIZE
    call copyout
    beqz a0, 90f
    li   a0, -EFAULT
    j    90f
91: li   a0, -EINVAL
    j    90f
93: la   a0, ptable_lock
    call release
92: li   a0, -ESRCH
90: addi sp, sp, 48
    EPILOGUE

    SPINLOCK tickslock, "ticks"
    SPINLOCK fs_lock, "fs"

