# pcomp.s — the process component (CPU 0): boot, the memory components started from
# their boot modules, then the kernel that runs the processes, the shell and the files.
#
# Concept: LegoOS's pComponent (Shan et al., OSDI 2018, §4.2; seed: the kernel-
# structures post, "the disaggregated kernel distributes the kernel component for a
# device onto the device itself"): the processor's monitor runs the applications —
# their threads, their system calls — but owns none of their memory. Every page of a
# process's data comes from a memory component (pmem.s: upage_alloc / upage_free, the
# UALLOC / UFREE of ../monolithic/vm.s and exec.s) by a message; only the kernel's own
# pages (page tables, kernel stacks, pipes) are local, as LegoOS's pComponent keeps
# its kernel in its own small DRAM. The processes, the system calls, exec and the file
# system are the monolithic kernel's sources; the channels, request slots and core data
# are the multikernel's (../multikernel: the CPU driver this file builds is its BSP
# driver, with one process component, so its agreements involve only itself).
# The file system is not here either: its operations go to the storage component
# (scomp.s) through the multikernel's file-system proxy (../multikernel/rfs.s), which
# gives up after FS_TIMEOUT ticks (pstore.s reports the outage). Only the console
# stays: its interrupts come to CPU 0.

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.equ UPAGES, 1                          # ../monolithic: user pages from upage_alloc
.equ ONE_CPU, 1                         # ../monolithic/smp.s: this CPU alone
.include "../monolithic/param.inc"
.include "abi.inc"
.include "../multikernel/param.inc"
.include "param.inc"

.equ BSP, 1
.equ SYSCALL_EXTRA, 1                   # ../monolithic/syscall.s: calls from 100 -> ours
.equ EXIT_HOOK, 1                       # ../monolithic/proc.s: every exit -> replica.s
.equ HAS_CONSOLE, 1                     # trap.s: this CPU takes the console's interrupts
.equ CONS_LOCAL, 1                      # cpudriver.s: the console is here,
.equ FS_LOCAL, 0                        # the file system on the storage component (rfs.s)
.equ FS_WATCH, 1                        # rfs.s: every answer, or its absence -> fs_watch

.text
.global _start
_start:
    la   sp, boot_stack_top
    call smp_init_one                   # tp = our struct cpu (../monolithic/smp.s)
    la   t0, trap_entry
    csrw tvec, t0
    csrw scratch, zero                  # 0 = running in the kernel (trap.s)
    call mk_shared_init
    call count_cpus                     # mk_ncpu: CPU 0, storage and memory components
    la   t0, mk_ncpu
    lw   t0, 0(t0)
    li   t1, STORAGE + 2
    bge  t0, t1, 1f
    la   a0, msg_few                    # no storage or no memory component
    call panic
1:
    la   t0, npeers                     # one process component: it agrees with itself
    li   t1, 1
    sw   t1, 0(t0)
    call split_memory                   # the core data of every component
    li   a0, 0
    call core_data
    lw   t0, CD_MEM(a0)
    lw   a1, CD_MEMEND(a0)
    li   t1, KSEG
    add  a0, t0, t1
    add  a1, a1, t1
    call kinit
    call pdir_init
    call console_init
    la   t0, fs_server                  # files: requests to the storage component
    li   t1, STORAGE
    sw   t1, 0(t0)
    la   t0, rfs_timeout
    li   t1, FS_TIMEOUT
    sw   t1, 0(t0)
    call mk_timer
    li   t0, IRQB_TIMER | IRQB_CONSOLE | IRQB_IPI
    csrw ienable, t0
    la   a0, banner1
    call kputs
    la   t0, mk_ncpu
    lw   a0, 0(t0)
    addi a0, a0, -1
    addi a0, a0, -1                     # (the storage component)
    call kputdec
    la   a0, banner2
    call kputs
    li   t0, SYSCTL_RAMSIZE
    lw   a0, 0(t0)
    srli a0, a0, 10
    call kputdec
    la   a0, banner3
    call kputs
    la   t0, nextpid                    # kernel threads: pids outside the directory
    li   t1, KPID_BASE
    sw   t1, 0(t0)
    call start_cpus                     # each memory component says it is up
    call pmem_init
    la   a0, monitor_main
    la   a1, str_monitor
    call kthread
    la   a0, mwatch_main
    la   a1, str_mwatch
    call kthread
    call mk_publish
    la   t0, nextpid                    # init is pid 1
    li   t1, 1
    sw   t1, 0(t0)
    call userinit
    j    scheduler

.include "../multikernel/cpudriver.s"
.include "pmem.s"
.include "pstore.s"

.rodata
banner1:     .asciz "ringvm disaggregated: a process component (CPU 0), a storage component (CPU 1), "
banner2:     .asciz " memory components, "
banner3:     .asciz " KiB RAM\n"
str_monitor: .asciz "monitor"
str_mwatch:  .asciz "mwatch"
msg_few:     .asciz "the disaggregated kernel needs a storage and a memory component: --cpus 3 or more"

.bss
    .balign 16
boot_stack:     .space 4096
boot_stack_top:
