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
.equ ONE_CPU, 1                         # ../monolithic/smp.s: this CPU alone
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
    call smp_init_one                   # tp = our struct cpu (../monolithic/smp.s)
    la   t0, trap_entry
    csrw tvec, t0
    csrw scratch, zero                  # 0 = running in the kernel (trap.s)
    call mk_shared_init
    call count_cpus                     # mk_ncpu: CPUs that have a CPU driver
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
    la   t0, mk_ncpu
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
    la   t0, mk_ncpu
    lw   t1, 0(t0)
    bleu a0, t1, 1f
    la   a0, msg_off1
    call kputs
    la   t0, mk_ncpu
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

.include "cpudriver.s"

.rodata
banner1:     .asciz "ringvm multikernel: "
banner2:     .asciz " CPU drivers, "
banner3:     .asciz " KiB RAM\n"
str_monitor: .asciz "monitor"
str_svc:     .asciz "svc"
msg_off1:    .asciz "multikernel: CPUs from "
msg_off2:    .asciz " on have no CPU driver (MAXCPU, guest.toml's modules): they stay stopped\n"

.bss
    .balign 16
boot_stack:     .space 4096
boot_stack_top:
