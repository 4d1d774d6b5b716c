# proc.s — processes: the table, fork/exit/wait/kill, the scheduler, sleep/wakeup.
#
# Concept: process management in a monolithic kernel (seed: "a process is an address
# space plus a kernel thread"), on a multiprocessor (xv6 proc.c). Each process has a
# one-page kernel stack in kseg with its trap frame at the top, an ASID (slot + 1) and
# a page table. The kernel is non-preemptible (IE = 0 in ring 0); user code runs with
# IE = 1 and the timer tick makes it yield (round-robin).
#
# Every CPU runs `scheduler` on the one process table, guarded by ptable_lock: a
# process's state, channel, killed flag and parent change only under it. The
# scheduler holds it across swtch into a process, and the process gives it back
# (sched's caller releases it, a new process releases it in forkret): so between the
# moment a process decides to block and the moment it is off its CPU, no other CPU can
# see it half-switched.
#
# Blocking is sleep/wakeup, made safe across CPUs the xv6 way (the lost-wakeup
# problem): a sleeper checks its condition while holding the lock that guards the
# condition, and sleep_on(chan, lk) takes ptable_lock before it lets lk go; a waker
# changes the condition under lk and calls wakeup, which needs ptable_lock. So the
# wakeup either comes before the check (the check sees it) or finds the sleeper
# SLEEPING — never in between. sleep(chan) is sleep_on with the file-system lock when
# the caller holds it (syscall.s: the components of guests/lib sleep that way).

# allocproc() -> a0 = new EMBRYO proc with a kernel stack, or 0
allocproc:
    PROLOGUE
    la   a0, ptable_lock
    call acquire
    la   s1, proc_table
    li   s2, 0
1:  lw   t0, P_STATE(s1)
    beqz t0, 2f
    addi s1, s1, 256
    addi s2, s2, 1
    li   t0, NPROC
    blt  s2, t0, 1b
    la   a0, ptable_lock
    call release
    li   a0, 0
    EPILOGUE
2:  mv   a0, s1                         # clear the slot
    li   a1, 0
    li   a2, 256
    call memset
    li   t0, EMBRYO
    sw   t0, P_STATE(s1)
    sw   s2, P_SLOT(s1)
    la   t0, nextpid
    lw   t1, 0(t0)
    sw   t1, P_PID(s1)
    addi t1, t1, 1
    sw   t1, 0(t0)
    la   a0, ptable_lock
    call release
    call kalloc
    bnez a0, 3f
    la   a0, ptable_lock
    call acquire
    sw   zero, P_STATE(s1)
    la   a0, ptable_lock
    call release
    li   a0, 0
    EPILOGUE
3:  sw   a0, P_KSTACK(s1)
    li   t0, 4096 - TF_SIZE
    add  t0, t0, a0
    sw   t0, P_TF(s1)
    addi t1, t0, -SWTCH_FRAME           # first swtch "returns" to forkret
    la   t2, forkret
    sw   t2, 0(t1)
    sw   t1, P_CONTEXT(s1)
    mv   a0, s1
    EPILOGUE

# forkret: a new process's first return from swtch, with sp = its trap frame and
# ptable_lock held (the scheduler's).
forkret:
    la   a0, ptable_lock
    call release
    j    usertrapret

# freeproc(a0 = proc, not running anywhere): release its kernel stack and address
# space — the TLB shootdown first (smp.s: no CPU may still map its pages, and its ASID
# goes to the slot's next owner) — then give the slot back.
freeproc:
    PROLOGUE
    mv   s1, a0
    lw   t0, P_PGDIR(s1)
    beqz t0, 1f
    mv   a0, s1
    call tlb_shootdown
    lw   a0, P_PGDIR(s1)
    call uvmfree
1:  lw   a0, P_KSTACK(s1)
    call kfree
    la   a0, ptable_lock
    call acquire
    mv   a0, s1
    li   a1, 0
    li   a2, 256
    call memset
    la   a0, ptable_lock
    call release
    EPILOGUE

# scheduler(): never returns. Each CPU runs it on its own stack (boot_stack for CPU 0,
# C_STACK for the others): pick a RUNNABLE process this CPU may run, switch to it, and
# when it switches back, go on with the next slot. Nothing runnable: wfi, then take the
# interrupt that woke us with IE briefly on (a timer tick, an IPI, a device).
scheduler:
    CPU_BASE tp, t0                     # tp = this CPU (also for kernels whose boot
    sw   zero, C_PROC(tp)               # code does not set it)
    sw   zero, C_THREAD(tp)
1:  la   a0, ptable_lock
    call acquire
    la   s1, proc_table
    li   s2, 0                          # slot
    li   s3, 0                          # ran something this round
2:  lw   t0, P_STATE(s1)
    li   t1, RUNNABLE
    bne  t0, t1, 4f
    lw   t0, P_CPUSET(s1)               # may it run here? (0: anywhere)
    beqz t0, 3f
    lw   t1, C_BIT(tp)
    and  t0, t0, t1
    beqz t0, 4f
3:  li   t0, RUNNING
    sw   t0, P_STATE(s1)
    lw   t0, C_ID(tp)
    sw   t0, P_CPU(s1)
    lw   t0, P_CPUMASK(s1)              # this TLB may now hold its entries
    lw   t1, C_BIT(tp)
    or   t0, t0, t1
    sw   t0, P_CPUMASK(s1)
    sw   s1, C_PROC(tp)
    sw   s1, C_THREAD(tp)
    lw   t1, P_PGDIR(s1)
.if FLEXSC
    lw   t0, P_KIND(s1)                 # a syscall thread (flexsc.s) runs the calls
    beqz t0, 31f                        # of its owner: curproc is the owner
    lw   t0, P_OWNER(s1)
    sw   t0, C_PROC(tp)
    lw   t1, P_PGDIR(t0)
31:
.endif
    sw   t1, C_PGDIR(tp)
    addi t0, s2, 1
    csrw asid, t0
.if CTX_EVENTS                          # --option events: tell timelines who runs now,
    li   t1, EVENTS_ARG0                # CONTEXT(ASID, the process's name)
    sw   t0, 0(t1)
    li   t1, EVENTS_ARG1
    addi t2, s1, P_NAME
    sw   t2, 0(t1)
    li   t1, EVENTS_EMIT
    li   t2, EV_CONTEXT
    sw   t2, 0(t1)
.endif
    la   t0, stat_switches
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    lw   t0, C_RUNS(tp)
    addi t0, t0, 1
    sw   t0, C_RUNS(tp)
    addi a0, tp, C_SCHED
    lw   a1, P_CONTEXT(s1)
    call swtch                          # back here with ptable_lock held
    sw   zero, C_PROC(tp)
    sw   zero, C_THREAD(tp)
    li   s3, 1
4:  addi s1, s1, 256
    addi s2, s2, 1
    li   t0, NPROC
    blt  s2, t0, 2b
    bnez s3, 5f
    li   t0, 1                          # going idle: kick may wake us (under the lock,
    sw   t0, C_IDLE(tp)                 # so no wakeup slips between scan and wfi)
5:  la   a0, ptable_lock
    call release
    bnez s3, 1b
    wfi                                 # nothing runnable: wait for an interrupt,
    li   t0, ST_IE                      # then take it with IE briefly on
    csrs status, t0
    nop
    csrc status, t0
    sw   zero, C_IDLE(tp)
    j    1b

# sched(): switch from the current thread (state already changed, ptable_lock held and
# no other lock) to this CPU's scheduler; returns when it runs again, maybe on another
# CPU, with ptable_lock held.
sched:
    PROLOGUE
    la   a0, ptable_lock
    call holding
    beqz a0, 7f
    lw   t0, C_NOFF(tp)
    li   t1, 1
    bne  t0, t1, 8f
    lw   s1, C_THREAD(tp)
    lw   t0, P_STATE(s1)
    li   t1, RUNNING
    beq  t0, t1, 9f
    lw   s2, C_INTENA(tp)
    addi a0, s1, P_CONTEXT
    lw   a1, C_SCHED(tp)
    call swtch
    sw   s2, C_INTENA(tp)               # tp: the CPU we run on now
    EPILOGUE
7:  la   a0, msg_sched1
    j    panic
8:  la   a0, msg_sched2
    j    panic
9:  la   a0, msg_sched3
    j    panic

# yield(): give up the CPU for one round. A caller holding fs_lock (the big kernel
# lock, syscall.s) gives it up meanwhile and has it again on return, as in sleep —
# the multikernel's message send waits for room on a full channel this way.
yield:
    PROLOGUE
    la   a0, fs_lock
    call holding
    mv   s1, a0
    beqz s1, 1f
    la   a0, fs_lock
    call release
1:  la   a0, ptable_lock
    call acquire
    lw   t0, C_THREAD(tp)
    li   t1, RUNNABLE
    sw   t1, P_STATE(t0)
    call sched
    la   a0, ptable_lock
    call release
    beqz s1, 2f
    la   a0, fs_lock
    call acquire
2:  EPILOGUE

# sleep_on(a0 = chan, a1 = lock held by the caller, or 0): atomically release the
# lock and sleep on chan; the lock is held again on return.
sleep_on:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    lw   s3, C_THREAD(tp)
    la   t0, ptable_lock
    beq  s2, t0, 1f
    la   a0, ptable_lock                # ptable_lock before lk goes: a wakeup needs it
    call acquire
    beqz s2, 1f
    mv   a0, s2
    call release
1:  sw   s1, P_CHAN(s3)
    li   t1, SLEEPING
    sw   t1, P_STATE(s3)
    call sched
    sw   zero, P_CHAN(s3)
    la   t0, ptable_lock
    beq  s2, t0, 2f
    la   a0, ptable_lock
    call release
    beqz s2, 2f
    mv   a0, s2
    call acquire
2:  EPILOGUE

# sleep(a0 = chan): sleep_on(chan, fs_lock) when this CPU holds the file-system lock
# (the components' env_sleep), else sleep_on(chan, 0) — for a condition no other CPU
# can change (this kernel on one CPU, or under the hybrid kernel's rules).
sleep:
    PROLOGUE
    mv   s1, a0
    la   a0, fs_lock
    call holding
    la   a1, fs_lock
    bnez a0, 1f
    li   a1, 0
1:  mv   a0, s1
    call sleep_on
    EPILOGUE

# wakeup(a0 = chan): make every thread sleeping on chan runnable.
wakeup:
    PROLOGUE
    mv   s1, a0
    la   a0, ptable_lock
    call acquire
    mv   a0, s1
    call wakeup_locked
    la   a0, ptable_lock
    call release
    EPILOGUE

# wakeup_locked(a0 = chan): wakeup with ptable_lock already held.
wakeup_locked:
    PROLOGUE
    mv   s1, a0
    la   s2, proc_table
    li   s3, NPROC
1:  lw   t2, P_STATE(s2)
    li   t3, SLEEPING
    bne  t2, t3, 2f
    lw   t2, P_CHAN(s2)
    bne  t2, s1, 2f
    li   t3, RUNNABLE
    sw   t3, P_STATE(s2)
    mv   a0, s2
    call kick
2:  addi s2, s2, 256
    addi s3, s3, -1
    bnez s3, 1b
    EPILOGUE

# killed() -> a0 = curproc->killed
killed:
    lw   t0, C_PROC(tp)
    lw   a0, P_KILLED(t0)
    ret

# kill(a0 = pid) -> 0 / -ESRCH / -EPERM (pid 1: init must not die). A sleeping victim
# is woken (it sees the flag); one running on another CPU gets an IPI, so it enters
# the kernel at once and exits on the way out (trap.s).
sys_kill:
kill:
    PROLOGUE
    mv   s1, a0
    ble  s1, zero, 8f
    li   t0, 1
    bne  s1, t0, 0f
    li   a0, -EPERM
    EPILOGUE
0:  la   a0, ptable_lock
    call acquire
    la   s2, proc_table
    li   s3, NPROC
1:  lw   t2, P_STATE(s2)
    beqz t2, 2f
    lw   t2, P_KIND(s2)                 # a FlexSC syscall thread has no pid of its own
    bnez t2, 2f
    lw   t2, P_PID(s2)
    bne  t2, s1, 2f
    li   t3, 1
    sw   t3, P_KILLED(s2)
    lw   t2, P_STATE(s2)
    li   t3, SLEEPING
    bne  t2, t3, 3f
    li   t3, RUNNABLE
    sw   t3, P_STATE(s2)
    mv   a0, s2
    call kick
    j    4f
3:  li   t3, RUNNING
    bne  t2, t3, 4f
    lw   a0, P_CPU(s2)
    lw   t0, C_ID(tp)
    beq  a0, t0, 4f
    call ipi_send
4:
.if FLEXSC
    mv   a0, s2                         # its syscall threads stop waiting too
    call flexsc_kill
.endif
    la   a0, ptable_lock
    call release
    li   a0, 0
    EPILOGUE
2:  addi s2, s2, 256
    addi s3, s3, -1
    bnez s3, 1b
    la   a0, ptable_lock
    call release
8:  li   a0, -ESRCH
    EPILOGUE

# exit(a0 = status): never returns.
sys_exit:
exit:
    PROLOGUE
    mv   s2, a0
    lw   s1, C_PROC(tp)
    la   t0, initproc
    lw   t0, 0(t0)
    bne  t0, s1, 1f
    la   a0, msg_initexit
    call panic
1:
.if FLEXSC
    mv   a0, s1                         # stop and reap its syscall threads
    li   a1, 1
    call flexsc_release
.endif
    la   a0, fs_lock
    call acquire
    li   s3, 0                          # close every open file
2:  slli t0, s3, 2
    add  t0, t0, s1
    lw   a0, P_OFILE(t0)
    beqz a0, 3f
    sw   zero, P_OFILE(t0)
    call fileclose
3:  addi s3, s3, 1
    li   t0, NOFILE
    blt  s3, t0, 2b
.if VMM
    mv   a0, s1                         # its VMs (vmm.s)
    call vmm_release
.endif
    lw   s7, P_CWD(s1)
    beqz s7, 4f
    sw   zero, P_CWD(s1)
    BEGIN_OP
    mv   a0, s7
    call iput
    END_OP
4:  la   a0, fs_lock
    call release
.ifdef EXIT_HOOK
    mv   a0, s1                         # a kernel built with EXIT_HOOK hears of every
    call exit_hook                      # exit (hybrid: its file-system server's)
.endif
    la   a0, ptable_lock
    call acquire
    la   t0, initproc                   # give the children to init
    lw   s4, 0(t0)
    la   s5, proc_table
    li   s6, NPROC
5:  lw   t0, P_PARENT(s5)
    bne  t0, s1, 6f
    sw   s4, P_PARENT(s5)
    lw   t0, P_STATE(s5)
    li   t1, ZOMBIE
    bne  t0, t1, 6f
    mv   a0, s4
    call wakeup_locked
6:  addi s5, s5, 256
    addi s6, s6, -1
    bnez s6, 5b
    lw   a0, P_PARENT(s1)
    call wakeup_locked
    sw   s2, P_XSTATE(s1)
    li   t0, ZOMBIE
    sw   t0, P_STATE(s1)
    call sched
    la   a0, msg_zombie
    call panic

# wait(a0 = user int *status or 0) -> pid / -ECHILD / -EFAULT / -EINTR. The zombie is
# taken out of the family under ptable_lock (parent 0), then freed without it.
sys_wait:
wait:
    PROLOGUE
    mv   s2, a0
    lw   s1, C_PROC(tp)
    la   a0, ptable_lock
    call acquire
1:  li   s5, 0                          # have children
    la   s3, proc_table
    li   s4, NPROC
2:  lw   t0, P_STATE(s3)
    beqz t0, 4f
    lw   t0, P_PARENT(s3)
    bne  t0, s1, 4f
    li   s5, 1
    lw   t0, P_STATE(s3)
    li   t1, ZOMBIE
    bne  t0, t1, 4f
    beqz s2, 3f
    lw   a0, P_PGDIR(s1)
    mv   a1, s2
    addi a2, s3, P_XSTATE
    li   a3, 4
    call copyout
    beqz a0, 3f
    la   a0, ptable_lock
    call release
    li   a0, -EFAULT
    EPILOGUE
3:  lw   s6, P_PID(s3)
    sw   zero, P_PARENT(s3)             # ours now: nobody else reaps it
    la   a0, ptable_lock
    call release
    mv   a0, s3
    call freeproc
    mv   a0, s6
    EPILOGUE
4:  addi s3, s3, 256
    addi s4, s4, -1
    bnez s4, 2b
    bnez s5, 5f
    la   a0, ptable_lock
    call release
    li   a0, -ECHILD
    EPILOGUE
5:  lw   t0, P_KILLED(s1)
    beqz t0, 6f
    la   a0, ptable_lock
    call release
    li   a0, -EINTR
    EPILOGUE
6:  mv   a0, s1
    la   a1, ptable_lock
    call sleep_on
    j    1b

# fork() -> child pid / -ENOMEM
sys_fork:
fork:
    PROLOGUE
    lw   s1, C_PROC(tp)
    call allocproc
    beqz a0, 8f
    mv   s2, a0
    lw   a0, P_PGDIR(s1)
    call uvmcopy
    sw   a0, P_PGDIR(s2)
    bnez a0, 1f
    mv   a0, s2
    call freeproc
    j    8f
1:  lw   t0, P_BRK(s1)
    sw   t0, P_BRK(s2)
    lw   t0, P_HEAP(s1)
    sw   t0, P_HEAP(s2)
    lw   t0, P_CPUSET(s1)
    sw   t0, P_CPUSET(s2)
    lw   a0, P_TF(s2)
    lw   a1, P_TF(s1)
    li   a2, TF_SIZE
    call memmove
    lw   t0, P_TF(s2)
    sw   zero, TF_A0(t0)
    la   a0, fs_lock
    call acquire
    li   s3, 0
2:  slli t0, s3, 2
    add  t1, t0, s1
    lw   a0, P_OFILE(t1)
    beqz a0, 3f
    add  t1, t0, s2
    sw   a0, P_OFILE(t1)
    call filedup
3:  addi s3, s3, 1
    li   t0, NOFILE
    blt  s3, t0, 2b
    lw   a0, P_CWD(s1)
    sw   a0, P_CWD(s2)
    beqz a0, 4f
    call idup
4:  la   a0, fs_lock
    call release
    addi a0, s2, P_NAME
    addi a1, s1, P_NAME
    li   a2, 16
    call memmove
    la   a0, ptable_lock
    call acquire
    sw   s1, P_PARENT(s2)
    li   t0, RUNNABLE
    sw   t0, P_STATE(s2)
    mv   a0, s2
    call kick
    la   a0, ptable_lock
    call release
    lw   a0, P_PID(s2)
    EPILOGUE
8:  li   a0, -ENOMEM
    EPILOGUE

# userinit(): process 1. Its first run (initstart) mounts the file system and execs
# /init with the console as fds 0, 1, 2.
userinit:
    PROLOGUE
    CPU_BASE tp, t0                     # (for kernels whose boot code does not set tp)
    call allocproc
    mv   s1, a0
    la   t0, initproc
    sw   s1, 0(t0)
    call kalloc                         # an empty page directory
    sw   a0, P_PGDIR(s1)
    lw   t0, P_CONTEXT(s1)
    la   t1, initstart
    sw   t1, 0(t0)
    addi a0, s1, P_NAME
    la   a1, str_init
    li   a2, 16
    call strlcpy
    la   a0, ptable_lock
    call acquire
    li   t0, RUNNABLE
    sw   t0, P_STATE(s1)
    la   a0, ptable_lock
    call release
    EPILOGUE

initstart:
    la   a0, ptable_lock                # the scheduler's (forkret's job for others)
    call release
    la   a0, fs_lock
    call acquire
    call fsinit
    li   a0, 1
    call iget                           # cwd = /
    lw   s1, C_PROC(tp)
    sw   a0, P_CWD(s1)
    call console_file                   # fds 0, 1, 2
    sw   a0, P_OFILE+0(s1)
    call filedup
    sw   a0, P_OFILE+4(s1)
    call filedup
    sw   a0, P_OFILE+8(s1)
    la   a0, str_initpath
    la   a1, init_argv
    li   a2, 1
    call kexec
    mv   s2, a0
    la   a0, fs_lock
    call release
    blt  s2, zero, 1f
    lw   sp, P_TF(s1)
    j    usertrapret
1:  neg  s2, s2
    la   a0, msg_panic
    call kputs
    la   a0, msg_noinit1
    call kputs
    mv   a0, s2
    call kputdec
    la   a0, msg_noinit2
    call kputs
    li   a0, 99
    call khalt

# panic(a0 = message): print "panic: message" and halt with code 99.
panic:
    mv   s1, a0
    la   a0, msg_panic
    call kputs
    mv   a0, s1
    call kputs
    li   a0, '\n'
    call kputc
    li   a0, 99
    call khalt

.rodata
msg_panic:    .asciz "panic: "
msg_initexit: .asciz "init exiting"
msg_zombie:   .asciz "zombie exit"
msg_sched1:   .asciz "sched: ptable_lock not held"
msg_sched2:   .asciz "sched: a lock other than ptable_lock is held"
msg_sched3:   .asciz "sched: the thread is still RUNNING"
msg_noinit1:  .asciz "cannot exec /init: error "
msg_noinit2:  .asciz " (is /init on the disk image?)\n"
str_init:     .asciz "init"
str_initpath: .asciz "/init"
    .balign 4
init_argv:    .word str_initpath, 0

.text
    SPINLOCK ptable_lock, "ptable"
.data
    .balign 4
nextpid:       .word 1
initproc:      .word 0
ticks:         .word 0
stat_switches: .word 0
.bss
    .balign 16
proc_table:    .space NPROC * 256
.text
