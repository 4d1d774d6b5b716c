# scomp.s — the storage component (CPU 1, boot module cpu1): the kernel of the "device"
# that owns the disk and serves the file operations of the process component.
#
# Concept: LegoOS's sComponent (Shan et al., OSDI 2018, §4.4; seed: the kernel-
# structures post: the kernel component for a device "onto the device itself"). It is a
# CPU driver of the multikernel (../multikernel/cpudriver.s) with the file system as its
# local service — the disk driver (guests/lib/dev/disk.s), the buffer cache and the file
# system (guests/lib/fs), served by NSVC_S threads (../multikernel/svc.s, fsserv.s) —
# and no applications. The process component reaches it only by MT_SVC requests
# (../multikernel/rfs.s), and gives up on one after FS_TIMEOUT ticks.
#
# The disk's completion interrupt is wired to CPU 0 (ISA.md §9), which does not take it:
# this component polls the disk instead, from its monitor, which therefore polls too
# (notification mode 0: it never sleeps).
#
# Fault injection (MT_SFAIL, `sfail`): the component crashes — every request it has not
# begun, and every one that arrives while it is down, is lost — and restarts A0 ticks
# later. Its in-memory state (cache, pinned inodes) is kept across the restart, as a
# persistent-memory device would keep it; what the rest of the system sees is an outage:
# file operations fail with EIO, processes that do not touch files run on.

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.equ ONE_CPU, 1                         # ../monolithic/smp.s: this CPU alone
.include "../monolithic/param.inc"
.include "abi.inc"
.include "../multikernel/param.inc"
.include "param.inc"

.equ BSP, 0
.equ SYSCALL_EXTRA, 1
.equ EXIT_HOOK, 1
.equ FS_LOCAL, 1                        # cpudriver.s: the file system is here
.equ CONS_LOCAL, 1                      # (its console driver stays unused: no process here
                                        # writes to a terminal; svc.s refers to it)
.equ MONITOR_HOOKS, 1                   # monitor.s: monitor_filter, monitor_idle (below)
.equ DISK_POLL, 1                       # guests/lib/dev/disk.s: disk_poll

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
    la   t1, notify_mode                # the monitor polls (it polls the disk too)
    sw   zero, 0(t1)
    lw   a0, CD_MEM(s1)
    lw   a1, CD_MEMEND(s1)
    li   t0, KSEG
    add  a0, a0, t0
    add  a1, a1, t0
    call kinit
    call pdir_init
    call binit
    li   a0, DISK_CAPACITY
    call probe_word
    call disk_init
    call mk_timer
    li   t0, IRQB_TIMER | IRQB_IPI
    csrw ienable, t0
    la   t0, my_cpu
    lw   t0, 0(t0)
    slli t0, t0, 8
    li   t1, KPID_BASE
    add  t0, t0, t1
    la   t1, nextpid
    sw   t0, 0(t1)
    la   a0, monitor_main
    la   a1, str_monitor
    call kthread
    la   t0, initproc
    sw   a0, 0(t0)
    la   a0, s_mount                    # mounts, says it is up, then serves
    la   a1, str_svc
    call kthread
    li   s1, NSVC_S - 1
1:  la   a0, svc_main
    la   a1, str_svc
    call kthread
    addi s1, s1, -1
    bnez s1, 1b
    j    scheduler

# s_mount: the first service thread: mount the file system (it sleeps on the disk,
# which the monitor polls), say so, publish this component as up, then serve.
s_mount:
    call fsinit
    la   a0, msg_up
    call kputs
    call mk_publish
    j    svc_main

# monitor_filter(a0 = message) -> 0 if it was taken care of here: while the component
# is down, every message is lost; MT_SFAIL makes it crash; MT_MODE is ignored (this
# monitor must poll). (monitor.s, MONITOR_HOOKS)
monitor_filter:
    PROLOGUE
    mv   s1, a0
    call s_check
    la   t0, s_down
    lw   t0, 0(t0)
    beqz t0, 1f
    la   t0, s_dropped
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    li   a0, 0
    EPILOGUE
1:  lw   t0, M_TYPE(s1)
    andi t0, t0, 0xFF
    li   t1, MT_SFAIL
    beq  t0, t1, 2f
    li   t1, MT_MODE                    # its monitor always polls (the disk too)
    beq  t0, t1, 4f
    li   a0, 1
    EPILOGUE
4:  li   a0, 0
    EPILOGUE
2:  lw   t0, M_A0(s1)                   # crash: down for A0 ticks (0: SDOWN)
    bnez t0, 3f
    li   t0, SDOWN
3:  la   t1, ticks
    lw   t1, 0(t1)
    add  t0, t0, t1
    la   t1, s_until
    sw   t0, 0(t1)
    li   t0, 1
    la   t1, s_down
    sw   t0, 0(t1)
    la   t0, s_crashes
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    la   t0, svcq_tail                  # the requests not yet begun are lost
    lw   t1, 0(t0)
    la   t0, svcq_head
    sw   t1, 0(t0)
    li   a0, 0
    EPILOGUE

# s_check(): a crashed component whose time is up restarts. Leaf.
s_check:
    la   t0, s_down
    lw   t1, 0(t0)
    beqz t1, 1f
    la   t1, ticks
    lw   t1, 0(t1)
    la   t2, s_until
    lw   t2, 0(t2)
    blt  t1, t2, 1f
    sw   zero, 0(t0)
1:  ret

# monitor_idle(): each round of the monitor (which polls, and takes the timer's ticks
# between two rounds: monitor.s): restart when it is time; poll the disk — a finished
# request is completed as its interrupt would be (disk_poll).
monitor_idle:
    PROLOGUE
    call s_check
    call disk_poll                      # guests/lib/dev/disk.s
    EPILOGUE

.include "../multikernel/cpudriver.s"

.rodata
str_monitor: .asciz "monitor"
str_svc:     .asciz "svc"
msg_up:      .asciz "disaggregated: storage component (CPU 1) up: the file system on its disk\n"

.data
    .balign 4
s_down:    .word 0                      # 1: crashed, restarting at s_until
s_until:   .word 0
s_crashes: .word 0
s_dropped: .word 0                      # messages lost while down
.global s_down, s_crashes, s_dropped

.bss
    .balign 16
boot_stack:     .space 4096
boot_stack_top:
