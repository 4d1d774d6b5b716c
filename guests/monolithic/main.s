# main.s — boot of the monolithic kernel: trap vector, page allocator, devices, banner,
# first process, scheduler.
#
# Concept (seed: kernel structures, "1. Monolithic Kernel"): every service —
# scheduling, memory, file system, drivers — runs in ring 0 in this one image; user
# programs reach it only by trapping. Layout, ABI and disk format: README.md.
#
# Boot: the loader starts us in ring 0 at _start with IE = 0 (ISA.md §11). We set the
# trap vector, give every page from the end of this image to RAMSIZE to the allocator,
# enable the console, disk and timer interrupts, create process 1 (whose first run
# mounts the file system and execs /init) and enter the scheduler.

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.include "param.inc"
.include "abi.inc"

.text
.global _start
_start:
    la   sp, boot_stack_top
    la   t0, trap_entry
    csrw tvec, t0
    csrw scratch, zero                  # 0 = running in the kernel (trap.s)
    la   a0, kernel_end                 # free memory: [end of image, RAMSIZE)
    li   t0, SYSCTL_RAMSIZE
    lw   a1, 0(t0)
    li   t0, KSEG
    add  a1, a1, t0
    call kinit
    call binit
    call console_init
    li   a0, DISK_CAPACITY
    call probe_word
    call disk_init
    li   t0, TIMER_INTERVAL
    li   t1, TICK_CYCLES
    sw   t1, 0(t0)
    li   t0, TIMER_CTRL
    li   t1, TIMER_CTRL_ENABLE
    sw   t1, 0(t0)
    li   t0, IRQB_TIMER | IRQB_CONSOLE | IRQB_DISK
    csrw ienable, t0
    la   a0, banner1
    call kputs
    li   t0, SYSCTL_RAMSIZE
    lw   a0, 0(t0)
    srli a0, a0, 10
    call kputdec
    la   a0, banner2
    call kputs
    la   t0, kfree_pages
    lw   a0, 0(t0)
    call kputdec
    la   a0, banner3
    call kputs
    call userinit
    j    scheduler

.include "mm/tlbrefill.s"
.include "trap.s"
.include "syscall.s"
.include "proc.s"
.include "vm.s"
.include "exec.s"
.include "file.s"
.include "pipe.s"
.include "sysfile.s"
.include "systable.s"
.include "env.s"
.include "base/kprint.s"
.include "base/string.s"
.include "mm/kalloc.s"
.include "trap/swtch.s"
.include "dev/console.s"
.include "dev/disk.s"
.include "fs/bio.s"
.include "fs/fs.s"

.rodata
banner1: .asciz "ringvm monolithic kernel: "
banner2: .asciz " KiB RAM, "
banner3: .asciz " free pages\n"

.bss
    .balign 16
boot_stack:     .space 4096
boot_stack_top:
    .balign 4096
kernel_end:
