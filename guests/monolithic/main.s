# main.s — boot of the monolithic kernel: trap vector, page allocator, devices, banner,
# first process, scheduler.
#
# Concept (seed: kernel structures, "1. Monolithic Kernel"): every service —
# scheduling, memory, file system, drivers — runs in ring 0 in this one image; user
# programs reach it only by trapping. Layout, ABI and disk format: README.md.
#
# Boot: the loader starts us in ring 0 at _start with IE = 0 (ISA.md §11). We set the
# trap vector, give every page from the end of this image to RAMSIZE to the allocator,
# enable the console, disk, timer and IPI interrupts, start the other CPUs (smp.s:
# each enters the scheduler on its own), create process 1 (whose first run mounts the
# file system and execs /init) and enter the scheduler.

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
PARAM FS_LOG, 1                         # the write-ahead log (README: crash consistency)
.include "param.inc"
.include "abi.inc"
.if PV                                  # the paravirtual build: a domain of guests/xen
.include "pv.inc"
.endif
.if VMM                                 # the type-2 VMM option: boot in ring -1 (vmm.s)
.hypervisor
.entry vmm_boot
.include "hv/vcpu.inc"
.endif

.text
.global _start
_start:
    # Are we in ring 0? getst reads status, the current ring included, from any ring
    # without trapping: it is sensitive but not privileged (ISA.md §12), the way x86
    # kernels read their privilege level with pushf/smsw. On bare metal and in a ring -1
    # guest it says 0 and this costs four instructions; deprivileged under a naive
    # hypervisor (host ring 1) it tells the truth, and the kernel refuses to go on.
    getst t0
    srli t0, t0, ST_RING_SHIFT
    andi t0, t0, 7
    bnez t0, not_ring0
    la   sp, boot_stack_top
    la   t0, trap_entry
    csrw tvec, t0
    csrw scratch, zero                  # 0 = running in the kernel (trap.s)
.if PV
    call smp_init_one                   # one vCPU, no SYSCTL_NCPUS: the locks stay,
                                        # keeping the upcall out as on one CPU (smp.s)
    j    pv_main                        # the start info, not the devices (pv.s)
.endif
    call smp_init                       # tp = this CPU's struct cpu (smp.s)
    la   a0, kernel_end                 # free memory: [end of image, RAMSIZE)
    li   t0, SYSCTL_RAMSIZE
    lw   a1, 0(t0)
    li   t0, KSEG
    add  a1, a1, t0
.if VMM
    li   t0, VMM_POOL                   # the VMs' memory: the top of RAM (vmm.s)
    sub  a1, a1, t0
    la   t0, vmm_pool
    li   t1, KSEG
    sub  t1, a1, t1
    sw   t1, 0(t0)
.endif
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
    li   t0, IRQB_TIMER | IRQB_CONSOLE | IRQB_DISK | IRQB_IPI
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
    call smp_boot
    call userinit
    j    scheduler

# not_ring0(t0 = the ring field): "ringvm monolithic kernel: running in ring 1, not
# ring 0: stopping", then halt with 98.
not_ring0:
    la   sp, boot_stack_top
    mv   s1, t0
    la   a0, notring1
    call kputs
    addi t0, s1, -4                     # a 3-bit ring field: 7 is ring -1
    blt  t0, zero, 1f
    li   a0, '-'
    call kputc
    li   t0, 8
    sub  s1, t0, s1
1:  mv   a0, s1
    call kputdec
    la   a0, notring2
    call kputs
    li   a0, 98
    call khalt

.include "mm/tlbrefill.s"
.include "trap.s"                       # (includes spinlock.s and smp.s)
.include "syscall.s"
.include "proc.s"
.include "vm.s"
.include "exec.s"
.include "file.s"
.include "pipe.s"
.include "sysfile.s"
.include "systable.s"
.include "env.s"
.if PV && !DOM0                         # a DomU prints through its console frontend
.include "pv/consfront.s"
.else
.include "base/kprint.s"
.endif
.include "base/string.s"
.include "mm/kalloc.s"
.include "trap/swtch.s"
.if PV && !DOM0                         # a DomU's disk is the block frontend
.include "pv/blkfront.s"
.else
.include "dev/console.s"
.include "dev/disk.s"
.endif
.if FS_LOG
PARAM NBUF, 64                          # the log pins up to LOGSIZE (30) buffers
.endif
.include "fs/bio.s"
.equ FS_WARN, 1                        # corrupt on-disk data: a console line
.include "fs/fs.s"
.if FS_LOG
.include "fs/log.s"
.endif
.if VMM
.include "vmm.s"
.endif
.if FLEXSC
.include "flexsc.s"
.endif
.if PV
.include "pv.s"
.endif

.rodata
banner1: .asciz "ringvm monolithic kernel: "
banner2: .asciz " KiB RAM, "
banner3: .asciz " free pages\n"
notring1: .asciz "ringvm monolithic kernel: running in ring "
notring2: .asciz ", not ring 0 (getst; ISA.md section 12): stopping\n"

.bss
    .balign 16
boot_stack:     .space 4096
boot_stack_top:
    .balign 4096
kernel_end:
