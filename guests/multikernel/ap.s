# ap.s — the CPU driver of every CPU but the first (boot modules cpu1 … cpu7: this file
# assembled at each CPU's own address, guest.toml).
#
# Concept: a CPU driver is started by another CPU and told only where its memory and
# the channels are (Barrelfish's core data; Baumann et al., §4.3). It takes its part of
# RAM for its own allocator, starts its timer and its monitor (which adopts the
# processes spawned here for other CPUs and the orphans: it is this CPU's init), says
# it is up, and schedules. It has no devices but its timer: files and the console are
# CPU 0's services, reached through rfs.s and rcons.s, which give the monolithic
# sources the names of the file system and the console driver they call.

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.equ ONE_CPU, 1                         # ../monolithic/smp.s: this CPU alone
.include "../monolithic/param.inc"
.include "abi.inc"
.include "param.inc"

.equ BSP, 0
.equ SYSCALL_EXTRA, 1
.equ EXIT_HOOK, 1

.text
.global _start
_start:
    la   sp, boot_stack_top
    call smp_init_one                   # tp = our struct cpu (../monolithic/smp.s)
    la   t0, trap_entry
    csrw tvec, t0
    csrw scratch, zero
    call mk_shared_init
    la   t0, my_cpu
    lw   a0, 0(t0)
    call core_data
    mv   s1, a0
    lw   t0, CD_NCPU(s1)
    la   t1, mk_ncpu
    sw   t0, 0(t1)
    la   t1, npeers
    sw   t0, 0(t1)
    lw   t0, CD_NOTIFY(s1)
    la   t1, notify_mode
    sw   t0, 0(t1)
    lw   t0, CD_PROCS(s1)
    la   t1, cpu_procs
    sw   t0, 0(t1)
    lw   a0, CD_MEM(s1)
    lw   a1, CD_MEMEND(s1)
    li   t0, KSEG
    add  a0, a0, t0
    add  a1, a1, t0
    call kinit
    call pdir_init
    call mk_timer
    li   t0, IRQB_TIMER | IRQB_IPI
    csrw ienable, t0
    la   t0, my_cpu                     # kernel threads: pids outside the directory
    lw   t0, 0(t0)
    slli t0, t0, 8
    li   t1, KPID_BASE
    add  t0, t0, t1
    la   t1, nextpid
    sw   t0, 0(t1)
    la   a0, monitor_main
    la   a1, str_monitor
    call kthread
    la   t0, initproc                   # the monitor adopts orphans (proc.s exit)
    sw   a0, 0(t0)
    call mk_banner
    call mk_publish
    j    scheduler

.include "cpudriver.s"

.rodata
str_monitor: .asciz "monitor"

.bss
    .balign 16
boot_stack:     .space 4096
boot_stack_top:
