# smp.s — the multiprocessor: per-CPU state, starting the other CPUs, inter-processor
# interrupts, and TLB shootdown.
#
# Concept (seed: multiprocessor kernels — one kernel image, one set of kernel data,
# run by every CPU at once; xv6's proc.h struct cpu, start.c/main.c). Each CPU has a
# struct cpu in `cpus`; in ring 0 the register tp always points at this CPU's (set
# from the cpuid CSR when a CPU starts and on every trap from user mode; swtch leaves
# it alone, so a kernel thread that sleeps on one CPU and wakes on another sees the new
# CPU's). The boot CPU starts the others through the IPI device (ISA.md §9: START_PC,
# START); each sets up its trap vector and timer and enters the scheduler (proc.s).
#
# IPIs are the only way to reach another CPU: `kick` wakes an idle one (in wfi) when a
# process becomes runnable, `kill` interrupts the CPU running its victim, and
# `tlb_shootdown` asks CPUs to forget TLB entries. **TLB shootdown**: each CPU has its
# own TLB, and entries of an address space (ASID) stay in the TLB of every CPU that ran
# it. When a mapping is removed (sbrk shrinking, exec replacing the image, a zombie's
# memory freed for its slot's next owner), those CPUs must forget the entries before
# the page is used again: the initiator flushes its own TLB, sends an IPI to each CPU
# in the address space's mask (P_CPUMASK, the CPUs that ran it), and waits until each
# has flushed and acknowledged (cleared its bit in shoot_pending). Only then may the
# caller free the pages. One shootdown at a time (shoot_lock); a CPU that spins on any
# lock with interrupts off answers a shootdown from the spin loop (spinlock.s), so the
# wait never deadlocks. Counted in stat_shootdowns / stat_shoot_ipis / stat_shoot_acks
# and reported to the events device (EV_SHOOTDOWN, EV_SHOOTDOWN_ACK).

# struct cpu (64 bytes; cpus[i] at cpus + i << CPU_SHIFT)
.equ C_PROC, 0          # the process whose system call or user code this CPU runs
                        #   (curproc; FlexSC: the process a syscall thread serves)
.equ C_PGDIR, 4         # page directory the TLB refill walks (its ASID is loaded)
.equ C_THREAD, 8        # the kernel thread running (= C_PROC but for syscall threads)
.equ C_SCHED, 12        # the scheduler's saved sp (swtch)
.equ C_NOFF, 16         # push_off depth
.equ C_INTENA, 20       # IE before the outermost push_off
.equ C_ID, 24           # this CPU's number
.equ C_BIT, 28          # 1 << C_ID
.equ C_IDLE, 32         # 1 while the scheduler waits in wfi (kick sends an IPI)
.equ C_STACK, 36        # top of the scheduler's stack
.equ C_STARTED, 40      # 1 once the CPU runs
.equ C_ACKS, 44         # shootdowns this CPU answered
.equ C_IPIS, 48         # IPIs this CPU received
.equ C_RUNS, 52         # processes this CPU switched to
.equ CPU_SHIFT, 6

# the debug interface (emulator/debugger/views/smp.py: info smp, info locks)
.global CPU_SHIFT, C_PROC, C_PGDIR, C_THREAD, C_NOFF, C_ID, C_IDLE, C_STARTED
.global C_ACKS, C_IPIS, C_RUNS

# CPU_BASE rd: rd = &cpus[cpuid] (from the CSR; for code that cannot trust tp). In a
# kernel image that runs on one CPU of several and shares no kernel data with the
# others (ONE_CPU = 1: a multikernel CPU driver, a paravirtual domain's one vCPU) it is
# always cpus[0], whatever cpuid says: that image's data is its own.
.macro CPU_BASE rd, tmp
.if ONE_CPU
    la   \rd, cpus
.else
    csrr \rd, cpuid
    slli \rd, \rd, CPU_SHIFT
    la   \tmp, cpus
    add  \rd, \rd, \tmp
.endif
.endm

# smp_init(): the boot CPU's struct cpu (tp) and the number of CPUs. Leaf.
smp_init:
    la   tp, cpus
    sw   zero, C_ID(tp)
    li   t0, 1
    sw   t0, C_BIT(tp)
    sw   t0, C_STARTED(tp)
    li   t0, SYSCTL_NCPUS
    lw   t0, 0(t0)
    li   t1, NCPU
    bleu t0, t1, 1f
    mv   t0, t1
1:  bnez t0, 2f
    li   t0, 1
2:  la   t1, ncpu
    sw   t0, 0(t1)
    ret

# smp_init_one(): for a kernel image that runs on this CPU alone (ONE_CPU = 1): tp =
# cpus[0], numbered after this CPU (cpuid), and ncpu = 1 — its locks, sleep and
# wakeup work as on a one-CPU machine, and it never sends a shootdown. Leaf.
smp_init_one:
    la   tp, cpus
    csrr t0, cpuid
    sw   t0, C_ID(tp)
    li   t1, 1
    sll  t1, t1, t0
    sw   t1, C_BIT(tp)
    li   t0, 1
    sw   t0, C_STARTED(tp)
    la   t1, ncpu
    sw   t0, 0(t1)
    ret

# smp_boot(): start CPUs 1 .. ncpu-1, each on a fresh one-page scheduler stack, and
# wait until each runs. Prints "smp: N CPUs" when there is more than one.
smp_boot:
    PROLOGUE
    la   t0, ncpu
    lw   s2, 0(t0)
    li   t0, 2
    blt  s2, t0, 9f
    li   s1, 1
1:  bge  s1, s2, 5f
    slli s3, s1, CPU_SHIFT
    la   t0, cpus
    add  s3, s3, t0
    call kalloc
    beqz a0, 4f                         # no memory for its stack: it stays stopped
    li   t0, 4096
    add  a0, a0, t0
    sw   a0, C_STACK(s3)
    sw   s1, C_ID(s3)
    li   t0, 1
    sll  t0, t0, s1
    sw   t0, C_BIT(s3)
    li   t0, IPI_START_PC
    la   t1, mp_entry
    sw   t1, 0(t0)
    li   t0, IPI_START
    sw   s1, 0(t0)
2:  lw   t0, C_STARTED(s3)              # one at a time: START_PC is shared
    beqz t0, 2b
4:  addi s1, s1, 1
    j    1b
5:  la   a0, msg_smp1
    call kputs
    mv   a0, s2
    call kputdec
    la   a0, msg_smp2
    call kputs
9:  EPILOGUE

# mp_entry: where a started CPU begins (ring 0, IE = 0, registers as the machine left
# them). Trap vector, per-CPU timer, interrupt mask (TIMER and IPI: device interrupts
# go to CPU 0, ISA.md §9), then the scheduler.
mp_entry:
    CPU_BASE tp, t0
    lw   sp, C_STACK(tp)
    la   t0, trap_entry
    csrw tvec, t0
    csrw scratch, zero
    li   t0, TIMER_INTERVAL
    li   t1, TICK_CYCLES
    sw   t1, 0(t0)
    li   t0, TIMER_CTRL
    li   t1, TIMER_CTRL_ENABLE
    sw   t1, 0(t0)
    li   t0, IRQB_TIMER | IRQB_IPI
    csrw ienable, t0
    li   t0, 1
    sw   t0, C_STARTED(tp)
    j    scheduler

# ipi_send(a0 = CPU number). Leaf.
ipi_send:
    li   t0, IPI_SEND
    sw   a0, 0(t0)
    ret

# ipi_intr(): the IPI line (devintr): acknowledge, count, answer a pending shootdown.
# Everything else an IPI means (a kick, a kill) needs nothing more: the CPU is now in
# the kernel and will reschedule or see its process killed on the way out.
ipi_intr:
    PROLOGUE
    li   t0, IPI_ACK
    sw   zero, 0(t0)
    lw   t0, C_IPIS(tp)
    addi t0, t0, 1
    sw   t0, C_IPIS(tp)
    call shoot_answer
    EPILOGUE

# kick(a0 = proc made runnable; ptable_lock held): if some other CPU allowed to run it
# is idle in wfi, wake one with an IPI (the lowest-numbered), so the process does not
# wait for that CPU's next timer tick.
kick:
    PROLOGUE
    lw   s1, P_CPUSET(a0)
    la   s2, cpus
    la   t0, ncpu
    lw   s3, 0(t0)
    li   s4, 0
1:  bge  s4, s3, 9f
    beq  s2, tp, 2f
    lw   t0, C_IDLE(s2)
    beqz t0, 2f
    beqz s1, 3f                         # 0: any CPU
    lw   t0, C_BIT(s2)
    and  t0, t0, s1
    beqz t0, 2f
3:  sw   zero, C_IDLE(s2)               # one IPI is enough
    mv   a0, s4
    call ipi_send
    j    9f
2:  addi s2, s2, 64
    addi s4, s4, 1
    j    1b
9:  EPILOGUE

# tlb_shootdown(a0 = proc): no CPU's TLB holds an entry of proc's address space (ASID
# slot + 1) when this returns: this CPU flushes its own, every other CPU in P_CPUMASK
# is asked by IPI and waited for. Call it after changing the page table and before
# freeing the pages it mapped. Takes ptable_lock and shoot_lock (in that order, one
# after the other, never both).
tlb_shootdown:
    PROLOGUE
    mv   s1, a0
    lw   s2, P_SLOT(s1)
    addi s2, s2, 1                      # the ASID
    tlbinvasid s2                       # our own entries
    la   a0, ptable_lock
    call acquire
    lw   t0, P_CPUMASK(s1)
    lw   t1, C_BIT(tp)
    not  t2, t1
    and  s3, t0, t2                     # targets: the others that ran it
    and  t0, t0, t1
    sw   t0, P_CPUMASK(s1)              # they will have forgotten it
    la   a0, ptable_lock
    call release
    beqz s3, 9f
    la   a0, shoot_lock
    call acquire
    la   t0, shoot_asid
    sw   s2, 0(t0)
    la   t0, shoot_seq
    lw   s4, 0(t0)
    addi s4, s4, 1
    sw   s4, 0(t0)
    la   t0, shoot_pending              # the request, then the IPIs
    sw   s3, 0(t0)
    li   t0, EVENTS_ARG0
    sw   s4, 0(t0)
    li   t0, EVENTS_ARG1
    sw   s3, 0(t0)
    li   t0, EVENTS_EMIT
    li   t1, EV_SHOOTDOWN
    sw   t1, 0(t0)
    li   s5, 0                          # CPU number
    mv   s6, s3
1:  beqz s6, 3f
    andi t0, s6, 1
    beqz t0, 2f
    mv   a0, s5
    call ipi_send
    la   t0, stat_shoot_ipis
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
2:  srli s6, s6, 1
    addi s5, s5, 1
    j    1b
3:  la   t0, shoot_pending              # wait for every acknowledgement
    lw   t0, 0(t0)
    bnez t0, 3b
    la   t0, stat_shootdowns
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    la   a0, shoot_lock
    call release
9:  EPILOGUE

# shoot_answer(): if a shootdown waits for this CPU: flush its ASID, acknowledge
# (clear our bit in shoot_pending with cas: other CPUs clear theirs at the same time).
shoot_answer:
    PROLOGUE
    lw   s1, C_BIT(tp)
    la   t0, shoot_pending
    lw   t1, 0(t0)
    and  t1, t1, s1
    beqz t1, 9f
    la   t0, shoot_asid
    lw   s2, 0(t0)
    tlbinvasid s2
    la   t0, shoot_seq
    lw   t0, 0(t0)
    li   t1, EVENTS_ARG0
    sw   t0, 0(t1)
    li   t1, EVENTS_ARG1
    sw   s2, 0(t1)
    li   t1, EVENTS_EMIT
    li   t2, EV_SHOOTDOWN_ACK
    sw   t2, 0(t1)
    lw   t0, C_ACKS(tp)
    addi t0, t0, 1
    sw   t0, C_ACKS(tp)
    la   t0, stat_shoot_acks
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    not  s1, s1
    la   a0, shoot_pending
1:  lw   t0, 0(a0)                      # pending &= ~bit, atomically
    and  t1, t0, s1
    mv   t2, t0
    cas  t2, t1, (a0)
    bne  t2, t0, 1b
9:  EPILOGUE

.rodata
msg_smp1: .asciz "smp: "
msg_smp2: .asciz " CPUs\n"
.text
    SPINLOCK shoot_lock, "shoot"
.data
    .balign 4
ncpu:            .word 1
shoot_pending:   .word 0                # CPUs that still have to flush shoot_asid
shoot_asid:      .word 0
shoot_seq:       .word 0                # shootdown number (the events' flow id)
stat_shootdowns: .word 0                # shootdowns that needed other CPUs
stat_shoot_ipis: .word 0
stat_shoot_acks: .word 0
    .balign 64
cpus:                                   # struct cpu [NCPU]; cpus[0] is the boot CPU's
curproc:        .word 0                 # cpus[0].C_PROC: one-CPU code's name for it
cur_pgdir:      .word 0                 # cpus[0].C_PGDIR
    .space NCPU * 64 - 8
.text
