# boot.s — bringing up the CPU drivers: the boot CPU gives each CPU its part of RAM and
# its core data, starts the CPU driver of its boot module, and waits for it; every CPU
# driver then starts its monitor and enters its own scheduler.
#
# Concept: booting a multikernel (Baumann et al., §4.3/§5; Barrelfish's `spawn_core`
# hands a new core its CPU driver and a core-data record — which memory is its own,
# where the channels are). Every CPU driver is the same source assembled at its own
# address (guest.toml: this image for CPU 0, the linked boot modules cpu1 … cpu7 for
# the others), so each has its own copy of every variable, table and lock of the code
# it runs: nothing of a CPU driver's state is reachable from another CPU except through
# the shared region (chan.s), which the boot CPU lays out at the boot-info page's FREE.
#
#   boot CPU (main.s)                         CPU k (ap.s)
#   split RAM, write core data k     ──START──▶ read core data k, kinit(its part),
#   wait for CD_STATE = up                      its timer, its monitor, CD_STATE = up
#   its own monitor, services, init ◀─────────  its scheduler

# mk_shared_init(): this CPU's view of the machine: its number, the shared region.
mk_shared_init:
    csrr t0, cpuid
    la   t1, my_cpu
    sw   t0, 0(t1)
    li   t0, BOOTINFO
    lw   t0, BI_FREE(t0)
    li   t1, 0xFFF
    add  t0, t0, t1
    not  t1, t1
    and  t0, t0, t1
    li   t1, KSEG
    add  t0, t0, t1
    la   t1, shared
    sw   t0, 0(t1)
    ret

# core_data(a0 = CPU) -> a0 = its core-data record. Leaf.
core_data:
    li   t0, CD_SIZE
    mul  a0, a0, t0
    la   t0, shared
    lw   t0, 0(t0)
    add  a0, a0, t0
    ret

# mk_publish(): write what the debugger needs to find this CPU driver's objects into
# its own core-data record, and say it is up.
mk_publish:
    PROLOGUE
    la   t0, my_cpu
    lw   a0, 0(t0)
    call core_data
    la   t0, proc_table
    sw   t0, CD_PROCTAB(a0)
    la   t0, pdir
    sw   t0, CD_PDIR(a0)
    la   t0, stats
    sw   t0, CD_STATS(a0)
    la   t0, notify_mode
    sw   t0, CD_MODE(a0)
    li   t0, 2
    sw   t0, CD_STATE(a0)
    EPILOGUE

# kthread(a0 = function, a1 = name) -> a0 = a new kernel thread (a process that never
# enters ring 3: no page table), runnable, starting at the function on its own stack.
kthread:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    call allocproc
    beqz a0, 9f
    mv   s3, a0
    lw   t0, P_CONTEXT(s3)              # its first swtch "returns" to kthread_start,
    la   t1, kthread_start              # which finds the function in s1
    sw   t1, 0(t0)
    sw   s1, 8(t0)
    addi a0, s3, P_NAME
    mv   a1, s2
    li   a2, 16
    call strlcpy
    la   a0, ptable_lock                # a state changes under ptable_lock (proc.s)
    call acquire
    li   t0, RUNNABLE
    sw   t0, P_STATE(s3)
    la   a0, ptable_lock
    call release
    mv   a0, s3
    EPILOGUE
9:  la   a0, msg_nothread
    call panic

# kthread_start: a kernel thread's first return from swtch, holding the scheduler's
# ptable_lock (proc.s, as forkret): give it back, then run the function (s1).
kthread_start:
    la   a0, ptable_lock
    call release
    jr   s1

# mk_timer(): this CPU's own timer ticks (every CPU has its timer registers).
mk_timer:
    li   t0, TIMER_INTERVAL
    li   t1, TICK_CYCLES
    sw   t1, 0(t0)
    li   t0, TIMER_CTRL
    li   t1, TIMER_CTRL_ENABLE
    sw   t1, 0(t0)
    ret

# mk_banner(): "multikernel: CPU driver K of N up: M KiB of its own RAM, P free pages"
mk_banner:
    PROLOGUE
    la   a0, msg_b1
    call kputs
    la   t0, my_cpu
    lw   a0, 0(t0)
    call kputdec
    la   a0, msg_b2
    call kputs
    la   t0, mk_ncpu
    lw   a0, 0(t0)
    call kputdec
    la   a0, msg_b3
    call kputs
    la   t0, kfree_pages
    lw   a0, 0(t0)
    slli a0, a0, 2
    call kputdec
    la   a0, msg_b4
    call kputs
    EPILOGUE

# kernel_fault(a0 = trap frame): a trap in this CPU driver itself (trap.s): report it
# with the CPU's number and stop the machine — a kernel bug, not a process's fault.
kernel_fault:
    mv   s1, a0
    la   a0, msg_kf1
    call kputs
    la   t0, my_cpu
    lw   a0, 0(t0)
    call kputdec
    la   a0, msg_kf2
    call kputs
    lw   a0, TF_CAUSE(s1)
    call kputdec
    la   a0, msg_kf3
    call kputs
    lw   a0, TF_EPC(s1)
    call kputhex
    la   a0, msg_kf4
    call kputs
    lw   a0, TF_BADV(s1)
    call kputhex
    li   a0, '\n'
    call kputc
    li   a0, 99
    call khalt

.if BSP                                 # the boot CPU brings up the others
# count_cpus(): mk_ncpu = the CPUs of the machine (at most MAXCPU) for which a CPU driver
# was loaded (boot modules cpu1, cpu2, … in a row).
count_cpus:
    PROLOGUE
    li   t0, BOOTINFO
    lw   s1, BI_NCPUS(t0)
    li   t0, MAXCPU
    bleu s1, t0, 1f
    mv   s1, t0
1:  li   s2, 1
2:  bgeu s2, s1, 3f
    mv   a0, s2
    call cpu_module
    beqz a0, 3f
    addi s2, s2, 1
    j    2b
3:  la   t0, mk_ncpu
    sw   s2, 0(t0)
    la   t0, npeers                     # every CPU driver takes part in agreements
    sw   s2, 0(t0)
    EPILOGUE

# cpu_module(a0 = CPU) -> a0 = the entry of boot module "cpuK", or 0 if there is none.
cpu_module:
    PROLOGUE
    addi sp, sp, -16
    li   t0, 'c'
    sb   t0, 0(sp)
    li   t0, 'p'
    sb   t0, 1(sp)
    li   t0, 'u'
    sb   t0, 2(sp)
    addi t0, a0, '0'
    sb   t0, 3(sp)
    sb   zero, 4(sp)
    li   t0, BOOTINFO
    lw   s1, BI_NMODULES(t0)
    lw   s2, BI_MODULES(t0)
    li   t0, BOOTINFO
    add  s2, s2, t0
1:  beqz s1, 8f
    mv   a0, s2
    mv   a1, sp
    li   a2, 16
    call strncmp
    bnez a0, 2f
    lw   a0, BI_MOD_ENTRY(s2)
    j    9f
2:  addi s2, s2, BI_MOD_SIZE
    addi s1, s1, -1
    j    1b
8:  li   a0, 0
9:  addi sp, sp, 16
    EPILOGUE

# split_memory(): the RAM after the shared region, in equal parts, one per CPU; the
# shared region's core data and channels zeroed; each CPU's core data written.
split_memory:
    PROLOGUE
    la   t0, shared
    lw   a0, 0(t0)
    li   a1, 0
    li   a2, SH_BULK
    call memset
    la   t0, shared
    lw   s1, 0(t0)
    li   t0, KSEG
    sub  s1, s1, t0
    li   t0, SH_SIZE
    add  s1, s1, t0                     # first free physical address
    li   t0, SYSCTL_RAMSIZE
    lw   s2, 0(t0)
    sub  s2, s2, s1
    la   t0, mk_ncpu
    lw   s3, 0(t0)
    divu s2, s2, s3
    li   t0, 0xFFFFF000
    and  s2, s2, t0                     # bytes per CPU
    li   s4, 0
1:  bge  s4, s3, 9f
    mv   a0, s4
    call core_data
    mul  t0, s4, s2
    add  t0, t0, s1
    sw   t0, CD_MEM(a0)
    add  t0, t0, s2
    sw   t0, CD_MEMEND(a0)
    sw   s3, CD_NCPU(a0)
    li   t0, NOTIFY
    sw   t0, CD_NOTIFY(a0)
    li   t0, CPU_PROCS
    sw   t0, CD_PROCS(a0)
    li   t0, 1
    sw   t0, CD_STATE(a0)
    addi s4, s4, 1
    j    1b
9:  EPILOGUE

# start_cpus(): start the CPU driver of each other CPU at its module's entry and wait
# until it says it is up (its core data's CD_STATE), one after the other.
start_cpus:
    PROLOGUE
    li   s1, 1
1:  la   t0, mk_ncpu
    lw   t0, 0(t0)
    bge  s1, t0, 9f
    mv   a0, s1
    call cpu_module
    li   t0, IPI_START_PC
    sw   a0, 0(t0)
    li   t0, IPI_START
    sw   s1, 0(t0)
    mv   a0, s1
    call core_data
    mv   s2, a0
    csrr s3, cycle
2:  lw   t0, CD_STATE(s2)
    li   t1, 2
    beq  t0, t1, 3f
    csrr t0, cycle
    sub  t0, t0, s3
    li   t1, BOOT_WAIT
    bltu t0, t1, 2b
    la   a0, msg_nocpu
    call panic
3:  addi s1, s1, 1
    j    1b
9:  EPILOGUE
.endif

.rodata
msg_nothread: .asciz "no process slot for a kernel thread"
msg_b1:       .asciz "multikernel: CPU driver "
msg_b2:       .asciz " of "
msg_b3:       .asciz " up: "
msg_b4:       .asciz " KiB of RAM of its own\n"
msg_kf1:      .asciz "panic: CPU "
msg_kf2:      .asciz ": kernel trap, cause "
msg_kf3:      .asciz " epc "
msg_kf4:      .asciz " badvaddr "
msg_nocpu:    .asciz "a CPU driver did not come up"
.text
