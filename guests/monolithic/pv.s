# pv.s — the paravirtual port of the monolithic kernel: the PV build (define PV) that
# runs as a domain of guests/xen — a DomU, or with DOM0 the privileged Dom0.
#
# Concept (Barham et al. 2003, §2.1 and Table 2, "The cost of porting an OS to Xen"; seed:
# Xen lecture — "Para-virtualization ... need modifications to the OS, no modifications
# to applications"; the porting cost is "privileged instructions, page table access,
# network driver, block device driver: <2% of code-base"). The same sources as the
# bare-metal kernel, with what touches the machine replaced:
#
#   boot       the start-info page at guest-physical 0 (where bare metal has the boot-
#              info page) gives the domain's memory; the device probes are gone
#   interrupts one virtual interrupt (VIRQ) = the event-channel upcall (lib/pv/evtchn.s),
#              dispatched by port: timer, console, disk (devintr's PV hook)
#   timer      set_timer hypercall (periodic) + the VIRQ_TIMER event, instead of the
#              timer's registers
#   TLB refill batched mmu_update hypercalls, instead of tlbwi (trap.s's PV hook): the
#              missing entry and the valid ones of its group of 8 pages in one exit
#   console    DomU: the console frontend (lib/pv/consfront.s, also kputc); Dom0: the
#              real UART (DEVPASS), its interrupt an event (pirq)
#   disk       DomU: the block frontend (lib/pv/blkfront.s); Dom0: the real disk driver
#              (lib/dev/disk.s) with machine addresses for DMA (env_v2p's PV hook)
#   halt       sched_shutdown (sys_halt's PV hook)
#
# The hooks in the other files are `.if PV` blocks of a few lines (main.s, trap.s,
# syscall.s, env.s); the default build is the same image as before. Dom0's backends and
# toolstack are pvback.s.

# pv_main: from _start (main.s), on the boot stack, in guest ring 0.
pv_main:
    li   t0, KSEG + XSI_ADDR
    lw   t1, XSI_MAGIC(t0)
    li   t2, XSI_MAGIC_VALUE
    bne  t1, t2, pv_not_xen
    lw   t1, XSI_DOMID(t0)
    la   t2, pv_domid
    sw   t1, 0(t2)
    lw   t1, XSI_NR_PAGES(t0)
    la   t2, pv_pages
    sw   t1, 0(t2)
    lw   t1, XSI_MACHINE_BASE(t0)
    la   t2, pv_mbase
    sw   t1, 0(t2)
    call gnttab_init
    call evtchn_init
    call console_init                   # first: kputc works from here on
.if DOM0
    li   a0, IRQ_CONSOLE
    la   a1, pv_console_event
    call pv_bind_pirq
.endif
    la   a0, kernel_end                 # free memory: [end of image, NR_PAGES)
    la   t0, pv_pages
    lw   a1, 0(t0)
    slli a1, a1, PAGE_SHIFT
    li   t0, KSEG
    add  a1, a1, t0
    call kinit
    call binit
.if DOM0
    li   a0, 1                          # the real disk (DEVPASS), interrupt = a pirq
    call disk_init
    li   a0, IRQ_DISK
    la   a1, pv_disk_event
    call pv_bind_pirq
.else
    li   a0, 1                          # the block frontend
    call disk_init
.endif
    li   a0, VIRQ_TIMER                 # the tick: a periodic virtual timer
    call HYPERVISOR_evtchn_bind_virq
    blt  a0, zero, 1f
    la   a1, pv_timer
    call evtchn_bind
1:  call pv_tick_start
    la   a0, pv_banner1                 # "ringvm monolithic kernel (PV dom1 mono): ..."
    call kputs
    la   t0, pv_domid
    lw   a0, 0(t0)
    call kputdec
    li   a0, ' '
    call kputc
    li   a0, KSEG + XSI_ADDR + XSI_NAME
    call kputs
    la   a0, pv_banner2
    call kputs
    la   t0, pv_pages
    lw   a0, 0(t0)
    slli a0, a0, 2
    call kputdec
    la   a0, banner2
    call kputs
    la   t0, kfree_pages
    lw   a0, 0(t0)
    call kputdec
    la   a0, banner3
    call kputs
    call userinit                       # (init must be pid 1)
.if DOM0
    call pvback_init                    # the backends and the toolstack (pvback.s)
.endif
    j    scheduler

# pv_not_xen: the start info is missing: this image was booted on bare metal (or under
# the type-1a hypervisor). Say so on the UART and stop.
pv_not_xen:
    la   t1, pv_notxen
    li   t0, CONSOLE_DATA
1:  lbu  t2, 0(t1)
    beqz t2, 2f
    sw   t2, 0(t0)
    addi t1, t1, 1
    j    1b
2:  li   t0, SYSCTL_HALT
    li   t1, 97
    sw   t1, 0(t0)
3:  j    3b

# pv_devintr(a0 = cause) -> a0 = 1 if the timer ticked: devintr's PV hook (trap.s). The
# only interrupt a PV kernel takes is VIRQ, the event-channel upcall. The tick stops
# while the kernel is idle (pv_timer) and starts again here, when an event has made a
# process runnable: an idle domain costs the machine no timer interrupts (a tickless
# idle, Linux's NO_HZ; Xen's VCPUOP_stop_periodic_timer).
#
# Locks: the handlers run under fs_lock, as devintr runs the bare-metal console and disk
# interrupts (trap.s): the drivers, the frontends and the backends' state (pvback.s)
# are guarded by it, and their sleepers check and sleep holding it, so an upcall's
# wakeup never falls between a check and its sleep. An interrupt only comes when this
# CPU holds no spinlock (push_off), so the handlers may take the locks after fs_lock in
# the kernel's order (fs -> ticks -> ptable: pv_timer, wakeup); none holds ptable_lock
# when it calls wakeup.
pv_devintr:
    PROLOGUE
    andi t0, a0, 0xFF
    li   t1, IRQ_VIRQ
    bne  t0, t1, 8f
    la   a0, fs_lock
    call acquire
    call evtchn_upcall
    mv   s1, a0
    la   a0, fs_lock
    call release
    la   t0, pv_tick_off
    lw   t0, 0(t0)
    beqz t0, 1f
    call pv_tick_needed
    beqz a0, 1f
    call pv_tick_start
1:  mv   a0, s1
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# pv_timer(a0 = port) -> 1: the tick (what devintr does for TIMER on bare metal); off
# once nothing has needed it for PV_IDLE_TICKS ticks (not at the first idle tick: a
# kernel waiting for its disk would stop and restart it at every request).
pv_timer:
    PROLOGUE
    la   a0, tickslock                  # (under fs_lock: fs -> ticks -> ptable)
    call acquire
    la   a0, ticks
    lw   t1, 0(a0)
    addi t1, t1, 1
    sw   t1, 0(a0)
    call wakeup
    la   a0, tickslock
    call release
    call pv_tick_needed
    la   t0, pv_idle_ticks
    beqz a0, 2f
    sw   zero, 0(t0)
    j    1f
2:  lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    li   t2, PV_IDLE_TICKS
    bltu t1, t2, 1f
    sw   zero, 0(t0)
    li   a0, 0                          # idle: no tick until an event wakes a process
    li   a1, 0
    li   a2, 0
    call HYPERVISOR_set_timer
    la   t0, pv_tick_off
    li   t1, 1
    sw   t1, 0(t0)
1:  li   a0, 1
    EPILOGUE

# pv_tick_needed() -> a0 = 1 if a process runs, may run, or sleeps counting ticks: the
# process table read under ptable_lock (the caller holds neither it nor tickslock).
pv_tick_needed:
    PROLOGUE
    la   a0, ptable_lock
    call acquire
    call pv_tick_scan
    mv   s1, a0
    la   a0, ptable_lock
    call release
    mv   a0, s1
    EPILOGUE

# pv_tick_scan() -> a0: pv_tick_needed's scan, ptable_lock held. Leaf.
pv_tick_scan:
    la   t0, proc_table
    li   t1, NPROC
    la   t3, ticks
1:  lw   t2, P_STATE(t0)
    li   a0, RUNNABLE
    beq  t2, a0, 8f
    li   a0, RUNNING
    beq  t2, a0, 8f
    li   a0, SLEEPING
    bne  t2, a0, 2f
    lw   t2, P_CHAN(t0)
    beq  t2, t3, 8f
2:  addi t0, t0, 1 << PROC_SHIFT
    addi t1, t1, -1
    bnez t1, 1b
    li   a0, 0
    ret
8:  li   a0, 1
    ret

# pv_tick_start(): the periodic tick, from one period from now.
pv_tick_start:
    PROLOGUE
    la   t0, pv_tick_off
    sw   zero, 0(t0)
    csrr a0, cycle
    csrr a1, cycleh
    li   t0, TICK_CYCLES
    add  t1, a0, t0
    sltu t2, t1, a0
    add  a1, a1, t2
    mv   a0, t1
    li   a2, TICK_CYCLES
    call HYPERVISOR_set_timer
    EPILOGUE

# pv_halt(a0 = code): sys_halt's PV hook: the domain shuts down (Dom0: the machine).
pv_halt:
    mv   s1, a0
.if !DOM0
    call console_flush
.endif
    mv   a0, s1
    call HYPERVISOR_sched_shutdown
1:  j    1b

# pv_tlb_fill(a0 = page directory) -> a0 = 0 (installed), 1 (a page fault, or the
# hypervisor refused). Leaf: t0..t2, a0..a2, a7.
pv_tlb_fill:
    csrr t0, badvaddr
    srli t1, t0, 22
    slli t1, t1, 2
    add  t1, t1, a0
    lw   t1, 0(t1)                      # the page-table page, or 0
    beqz t1, 8f
    srli t2, t0, 10
    andi t2, t2, 0xFFC
    add  t2, t2, t1
    lw   t2, 0(t2)                      # the missing entry
    andi t2, t2, TLB_V
    beqz t2, 8f
    srli t2, t0, 10
    andi t2, t2, 0xFFC & -(4 * PV_BATCH)
    add  t1, t1, t2                     # the group's first entry
    li   t2, -(PAGE_SIZE * PV_BATCH)
    and  t0, t0, t2                     # the group's first page
    csrr a2, asid
    or   t0, t0, a2                     # its tlbhi
    la   a0, pv_tlbbuf
    li   a1, 0                          # entries in the batch
    li   a2, PV_BATCH
1:  lw   t2, 0(t1)
    andi a7, t2, TLB_V
    beqz a7, 2f
    slli a7, a1, 3
    add  a7, a7, a0
    sw   t0, XMU_HI(a7)
    sw   t2, XMU_LO(a7)
    addi a1, a1, 1
2:  addi t1, t1, 4
    li   t2, PAGE_SIZE
    add  t0, t0, t2
    addi a2, a2, -1
    bnez a2, 1b
    li   a7, HC_MMU_UPDATE              # (the stub, inlined: no call in the fast path)
    hcall
    blt  a0, zero, 8f
    li   a0, 0
    ret
8:  li   a0, 1
    ret

.if DOM0
# pv_bind_pirq(a0 = line, a1 = handler): Dom0 takes a physical interrupt line as an
# event channel.
pv_bind_pirq:
    PROLOGUE
    mv   s1, a1
    call HYPERVISOR_evtchn_bind_pirq
    blt  a0, zero, 9f
    mv   a1, s1
    call evtchn_bind
9:  EPILOGUE

# pv_disk_event(a0 = port) -> 0: the disk completed: the driver, then the line again.
pv_disk_event:
    PROLOGUE
    call disk_intr
    li   a0, IRQ_DISK
    call pv_eoi
    li   a0, 0
    EPILOGUE

# pv_eoi(a0 = line): Dom0 is done with the interrupt: the line's bit in XSH_EOI (the
# hypervisor unmasks it at its next exit: no hypercall of its own). Leaf.
pv_eoi:
    li   t0, 1
    sll  t0, t0, a0
    li   t1, KSEG + XSH_ADDR + XSH_EOI
1:  lw   t2, 0(t1)
    or   t3, t2, t0
    mv   a0, t2
    cas  a0, t3, (t1)
    bne  a0, t2, 1b
    ret
.endif

.rodata
pv_banner1: .asciz "ringvm monolithic kernel (PV dom"
pv_banner2: .asciz "): "
pv_notxen:  .asciz "ringvm monolithic kernel, PV build: no start info at guest-physical 0 (not booted by guests/xen): stopping\n"
.data
    .balign 4
pv_domid:  .word 0
pv_pages:  .word 0
pv_mbase:  .word 0                      # machine address of guest-physical 0
pv_tick_off: .word 0                    # the tick is stopped (idle)
pv_idle_ticks: .word 0                  # ticks in a row that nothing needed
.bss
    .balign 8
pv_tlbbuf: .space PV_BATCH * MMU_UPDATE_SIZE
.text

# the components of the PV build
.include "pv/hcall.s"
.include "pv/evtchn.s"
.include "pv/gnttab.s"
.include "ring/ring.s"
.if DOM0
.include "pvback.s"
.endif
