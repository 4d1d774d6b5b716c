# main.s — boot of the hybrid (semi-microkernel) kernel: the monolithic kernel's own
# sources, with the file system moved out to a user-level server.
#
# Concept (seed: kernel structures, "3. Semi-Microkernel" — "move a subset of the
# subsystems up as processes and keep everything else still in the kernel"; FUSE).
# Everything below is guests/monolithic — trap entry, processes, virtual memory,
# exec, pipes, the open-file table, the file-system system calls, the console and disk
# drivers — included unchanged, except that the file-system component (lib/fs: bio.s,
# fs.s) is not in this image: vfs.s provides its names and forwards each operation over
# the channel of fuse.s to fsd.s, a ring-3 process started from the boot module "fs"
# that runs that same component. Two defines ask the monolithic sources for the hooks
# this needs (and leave the monolithic build as it is): SYSCALL_EXTRA (the server's
# two system calls) and EXIT_HOOK (the server's death). README.md: why a kernel of its
# own rather than an option of the monolithic one.

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.include "../monolithic/param.inc"
.include "abi.inc"
.include "fuse.inc"

.equ SYSCALL_EXTRA, 1                   # syscall.s: numbers outside the ABI -> fuse.s
.equ EXIT_HOOK, 1                       # proc.s: every exit -> fuse.s

.text
.global _start
_start:
    la   sp, boot_stack_top
    la   t0, trap_entry
    csrw tvec, t0
    csrw scratch, zero                  # 0 = running in the kernel (trap.s)
    li   t0, BOOTINFO                   # free memory: [after the image and the boot
    lw   a0, BI_FREE(t0)                # module (the server), RAMSIZE)
    li   t0, KSEG
    add  a0, a0, t0
    li   t0, SYSCTL_RAMSIZE
    lw   a1, 0(t0)
    li   t0, KSEG
    add  a1, a1, t0
    call kinit
    call console_init
    li   a0, DISK_CAPACITY
    call probe_word
    call disk_init
    li   t0, TIMER_INTERVAL
    li   t1, TICK_CYCLES
    sw   t1, 0(t0)
    li   t0, TIMER_CTRL
    li   t1, 1
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
.include "../monolithic/trap.s"
.include "../monolithic/syscall.s"
.include "../monolithic/proc.s"
.include "../monolithic/vm.s"
.include "../monolithic/exec.s"
.include "../monolithic/file.s"
.include "../monolithic/pipe.s"
.include "../monolithic/sysfile.s"
.include "../monolithic/systable.s"
.include "../monolithic/env.s"
.include "base/kprint.s"
.include "base/string.s"
.include "mm/kalloc.s"
.include "trap/swtch.s"
.include "dev/console.s"
.include "dev/disk.s"
.include "vfs.s"
.include "fuse.s"

.rodata
banner1: .asciz "ringvm hybrid kernel: "
banner2: .asciz " KiB RAM, "
banner3: .asciz " free pages\n"

.bss
    .balign 16
boot_stack:     .space 4096
boot_stack_top:
    .balign 4096
kernel_end:
