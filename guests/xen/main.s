# main.s — boot of the paravirtual hypervisor: ring -1, the domain pool, Dom0.
#
# Concept (seed: kernel structures, "Type-1b: ... the device drivers are implemented in
# a special guest OS, Dom0"; Xen lecture, "Xen: para-virtualization"; Barham et al.
# 2003, §2 "XEN: approach and overview"): this image boots in ring -1 (`.hypervisor`,
# ISA.md §11) and never leaves it. It owns no device but the timer: it builds the
# first domain, Dom0, from the boot module `dom0` (the PV build of the monolithic
# kernel with DOM0) and gives it the real console and disks (hctl.DEVPASS); every
# other domain is created later by Dom0's toolstack (`xl create`, domctl_create) from
# another boot module. Memory from the first 1 MiB boundary after the boot modules is
# the domain pool, handed out in 1 MiB chunks. What each file does: README.md.
#
# Build parameters (guest.toml or -D): DOM0_KIB (Dom0's memory, default 4096),
# HV_SLICE (cycles a domain runs before another runnable one, default 40000).

.include "ringvm.inc"
.hypervisor
.include "trap/kframe.inc"
.include "base/config.inc"
.include "hv/vcpu.inc"
.include "hypercall.inc"
.include "xen.inc"

PARAM DOM0_KIB, 4096
PARAM HV_SLICE, 40000
PARAM DEFAULT_KIB, 4096                 # memory of a domain created with 0 KiB

# the exit controls of every PV domain: TLB instructions exit (the PV TLB interface is
# mmu_update; the invalidations the kernel still executes are emulated), physical
# interrupts exit (the hypervisor owns the timer and routes the others to Dom0), wfi
# exits (= sched_block). Dom0 also gets the real devices.
.equ PV_HCTL, HCTL_TLB | HCTL_IRQ | HCTL_WFI
.equ DOM0_HCTL, PV_HCTL | HCTL_DEVPASS

# the debug interface: layouts `ringvm debug` reads (info domains, evtchn, grants)
.global dom_table, cur_dom, MAX_DOMS, DOM_SHIFT, D_DOMID, D_STATE, D_FLAGS, D_PAGES
.global D_MBASE, D_NAME, D_CODE, D_CYC_LO, D_CYC_HI, D_GT_GPA, D_GT_NR, D_REF_GRANT
.global D_REF_MMU, D_EVENTS, D_HCALLS, D_HC, D_STORE, D_STORE_SET, D_EVTCHN, D_VIRQ
.global D_TIMER_LO, D_TIMER_HI, D_TIMER_PERIOD, VC_PC, VC_HSTATUS, VC_VMID, VC_EXITS
.global VC_HCTL, NEXIT_REASONS, maptrack, MAPTRACK_MAX, MT_FLAGS, MT_MAPPER
.global MT_GRANTER, MT_GREF, MT_FRAME, MT_BYTES, pool_start, pool_chunks, pool_used
.global pirq_port, E_STATE, E_INFO, EVC_BYTES

.text
.global _start
_start:
    la   sp, hv_stack_top
    la   t0, hv_exit_entry
    csrw hvec, t0
    call vtlb_init
    la   a0, s_banner
    call xputs
    li   s0, BOOTINFO
    lw   t0, BI_MAGIC(s0)
    li   t1, BOOTINFO_MAGIC
    bne  t0, t1, no_dom0
    lw   t0, BI_FREE(s0)                # the pool: whole chunks from BI_FREE on
    li   t1, CHUNK - 1
    add  t0, t0, t1
    not  t1, t1
    and  t0, t0, t1
    la   t1, pool_start
    sw   t0, 0(t1)
    li   t1, SYSCTL_RAMSIZE
    lw   t1, 0(t1)
    sub  t1, t1, t0
    srli t1, t1, CHUNK_SHIFT
    li   t2, MAX_CHUNKS
    bleu t1, t2, 1f
    mv   t1, t2
1:  la   t2, pool_chunks
    sw   t1, 0(t2)
    la   a0, s_pool                     # "(XEN) domain pool: 31 MiB at 0x00100000"
    call xputs
    la   t0, pool_chunks
    lw   a0, 0(t0)
    call xputdec
    la   a0, s_pool2
    call xputs
    la   t0, pool_start
    lw   a0, 0(t0)
    call xputhex
    la   a0, s_modules                  # "; boot modules: dom0 mono uni"
    call xputs
    lw   s1, BI_MODULES(s0)
    add  s1, s1, s0
    lw   s2, BI_NMODULES(s0)
2:  beqz s2, 3f
    li   a0, ' '
    call xputc
    addi a0, s1, BI_MOD_NAME
    call xputs
    addi s1, s1, BI_MOD_SIZE
    addi s2, s2, -1
    j    2b
3:  li   a0, '\n'
    call xputc
    la   a0, s_dom0name                 # Dom0: the module "dom0"
    call module_find
    beqz a0, no_dom0
    li   a1, DOM0_KIB
    li   a2, SIF_PRIVILEGED | SIF_INITDOMAIN
    la   a3, s_empty
    call dom_build
    beqz a0, no_dom0
    mv   s1, a0
    la   a0, s_dom0up                   # "(XEN) dom0: module dom0, 4096 KiB at ..."
    call xputs
    lw   a0, D_PAGES(s1)
    slli a0, a0, 2
    call xputdec
    la   a0, s_kibat
    call xputs
    lw   a0, D_MBASE(s1)
    call xputhex
    la   a0, s_dom0up2
    call xputs
    li   t0, IRQB_TIMER                 # the hypervisor's own line; pirqs are enabled
    csrw ienable, t0                    # as Dom0 binds them
    call hv_slice_start
    j    hv_schedule

no_dom0:
    la   a0, s_nodom0
    call xputs
    li   a0, 1
    call hv_halt_machine

# module_find(a0 = name) -> a0 = the boot-info entry of the ELF module of that name, or 0.
module_find:
    PROLOGUE
    mv   s1, a0
    li   s2, BOOTINFO
    lw   s3, BI_MODULES(s2)
    add  s3, s3, s2
    lw   s4, BI_NMODULES(s2)
1:  beqz s4, 8f
    lw   t0, BI_MOD_FLAGS(s3)
    andi t1, t0, BI_MODF_ELF
    beqz t1, 2f
    andi t1, t0, BI_MODF_HYPERVISOR
    bnez t1, 2f
    addi a0, s3, BI_MOD_NAME
    mv   a1, s1
    li   a2, 16
    call strncmp
    beqz a0, 9f
2:  addi s3, s3, BI_MOD_SIZE
    addi s4, s4, -1
    j    1b
8:  li   s3, 0
9:  mv   a0, s3
    EPILOGUE

# hv_fatal(a0 = cause, a1 = pc, a2 = badvaddr): a trap in ring -1 itself (a bug).
hv_fatal:
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    la   a0, s_fatal
    call xputs
    mv   a0, s1
    call xputhex
    la   a0, s_fatal_pc
    call xputs
    mv   a0, s2
    call xputhex
    la   a0, s_fatal_bad
    call xputs
    mv   a0, s3
    call xputhex
    li   a0, '\n'
    call xputc
    li   a0, 111
    call hv_halt_machine

# hv_halt_machine(a0 = code): power off.
hv_halt_machine:
    li   t0, SYSCTL_HALT
    sw   a0, 0(t0)
1:  j    1b

.include "domain.s"
.include "sched.s"
.include "exits.s"
.include "hypercall.s"
.include "hctable.s"
.include "mmu.s"
.include "evtchn.s"
.include "grant.s"
.include "store.s"
.include "domctl.s"
.include "console.s"
.include "hv/exit.s"
.include "hv/vcpu.s"
.include "hv/vtlb.s"
.include "base/string.s"

.rodata
s_banner:   .asciz "(XEN) ringvm xen: paravirtual hypervisor in ring -1 (hypercalls, event channels, grant tables; Dom0 drives the devices)\n"
s_pool:     .asciz "(XEN) domain pool: "
s_pool2:    .asciz " MiB at "
s_modules:  .asciz "; boot modules:"
s_dom0name: .asciz "dom0"
s_empty:    .asciz ""
s_dom0up:   .asciz "(XEN) dom0: module dom0, "
s_kibat:    .asciz " KiB at "
s_dom0up2:  .asciz ", VMID 1, hctl.DEVPASS: the real console and disks\n"
s_nodom0:   .asciz "(XEN) no dom0: give a boot module named dom0 (the monolithic kernel built with PV and DOM0)\n"
s_fatal:    .asciz "(XEN) PANIC: trap in ring -1, cause "
s_fatal_pc: .asciz " at pc "
s_fatal_bad: .asciz " badvaddr "

.bss
    .balign 4096
dom_table:  .space MAX_DOMS * DOM_BYTES
    .balign 4
cur_dom:    .space 4                    # the domain whose vCPU is in the CPU, or 0
pool_start: .space 4
pool_chunks: .space 4
pool_used:  .space 4                    # bit c: chunk c belongs to a domain
next_domid: .space 4
pirq_port:  .space 8 * 4                # per interrupt line: Dom0's port + 1 (0: unbound)
pirq_mask:  .space 4                    # the lines bound (bit = line)
maptrack:   .space MAPTRACK_MAX * MT_BYTES
    .balign 16
hv_stack:   .space 8192
hv_stack_top:
    .balign 4096
hv_image_end:
