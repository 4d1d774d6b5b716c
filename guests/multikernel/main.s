# main.s — the boot CPU's CPU driver (CPU 0): boot, the shared region, the other CPU
# drivers started from their boot modules, then its monitor, its services and init.
#
# Concept (seed: the OS-structure slides, "Multikernel: manage heterogeneous multicore
# with multiple kernels … one kernel per core … OS works as a distributed system";
# Baumann et al., The Multikernel, SOSP 2009): the machine's CPUs run one CPU driver
# each, sharing no kernel data; the OS is the set of them, talking over channels.
# This CPU's driver is the one the loader starts (ISA.md §11). It splits the free RAM
# into one part per CPU, writes each CPU's core data in the shared region (boot.s),
# and starts CPU k at the entry of its boot module `cpuK` — the same sources
# assembled at that CPU's own address (guest.toml) — waiting until it is up. Only
# then does anything global happen: the first fork is already an agreement between
# all of them. CPU 0 also owns the console and the disk (their interrupts come here,
# ISA.md §9): the file system and the console are services the other CPUs use by
# messages (svc.s).

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.include "../monolithic/param.inc"
.include "abi.inc"
.include "param.inc"

.equ BSP, 1
.equ SYSCALL_EXTRA, 1                   # ../monolithic/syscall.s: calls from 100 -> ours
.equ EXIT_HOOK, 1                       # ../monolithic/proc.s: every exit -> replica.s
.equ HAS_CONSOLE, 1                     # trap.s: this CPU takes the device interrupts
.equ HAS_DISK, 1

.text
.global _start
_start:
    la   sp, boot_stack_top
    la   t0, trap_entry
    csrw tvec, t0
    csrw scratch, zero                  # 0 = running in the kernel (trap.s)
    call mk_shared_init
    call count_cpus                     # ncpu: CPUs that have a CPU driver
    call split_memory                   # the core data of every CPU
    li   a0, 0
    call core_data
    lw   t0, CD_MEM(a0)
    lw   a1, CD_MEMEND(a0)
    li   t1, KSEG
    add  a0, t0, t1
    add  a1, a1, t1
    call kinit
    call pdir_init
    call binit
    call console_init
    li   a0, DISK_CAPACITY
    call probe_word
    call disk_init
    call mk_timer
    li   t0, IRQB_TIMER | IRQB_CONSOLE | IRQB_DISK | IRQB_IPI
    csrw ienable, t0
    la   a0, banner1
    call kputs
    la   t0, ncpu
    lw   a0, 0(t0)
    call kputdec
    la   a0, banner2
    call kputs
    li   t0, SYSCTL_RAMSIZE
    lw   a0, 0(t0)
    srli a0, a0, 10
    call kputdec
    la   a0, banner3
    call kputs
    call mk_banner
    li   t0, BOOTINFO                   # CPUs without a CPU driver stay stopped
    lw   a0, BI_NCPUS(t0)
    la   t0, ncpu
    lw   t1, 0(t0)
    bleu a0, t1, 1f
    la   a0, msg_off1
    call kputs
    la   t0, ncpu
    lw   a0, 0(t0)
    call kputdec
    la   a0, msg_off2
    call kputs
1:  la   t0, nextpid                    # kernel threads: pids outside the directory
    li   t1, KPID_BASE
    sw   t1, 0(t0)
    call start_cpus
    la   a0, monitor_main
    la   a1, str_monitor
    call kthread
    li   s1, NSVC
2:  la   a0, svc_main
    la   a1, str_svc
    call kthread
    addi s1, s1, -1
    bnez s1, 2b
    call mk_publish
    la   t0, nextpid                    # init is pid 1 (every replica has it)
    li   t1, 1
    sw   t1, 0(t0)
    call userinit
    j    scheduler

# count_cpus(): ncpu = the CPUs of the machine (at most MAXCPU) for which a CPU driver
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
3:  la   t0, ncpu
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
    la   t0, ncpu
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
1:  la   t0, ncpu
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

.include "cpudriver.s"

.rodata
banner1:     .asciz "ringvm multikernel: "
banner2:     .asciz " CPU drivers, "
banner3:     .asciz " KiB RAM\n"
str_monitor: .asciz "monitor"
str_svc:     .asciz "svc"
msg_nocpu:   .asciz "a CPU driver did not come up"
msg_off1:    .asciz "multikernel: CPUs from "
msg_off2:    .asciz " on have no CPU driver (MAXCPU, guest.toml's modules): they stay stopped\n"

.bss
    .balign 16
boot_stack:     .space 4096
boot_stack_top:
