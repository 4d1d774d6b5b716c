# main.s — a unikernel DomU: one application linked with just the library-OS pieces it
# needs, booting directly on the paravirtual interface of guests/xen.
#
# Concept (seed: kernel structures — "sometimes, there are even special, minimal OS
# kernels written just to be used as these DomU kernels in type-1b VMs. They are called
# unikernels"; MirageOS: "library operating systems ... a single-purpose appliance
# compiled from a high-level language"). This image is the whole domain: no processes,
# no system calls, no user/kernel split, no page tables, no TLB misses — one address
# space (kseg, guest ring 0) in which the application (kv.s, a key-value store served
# on the console) calls the library OS directly: the same shared components the PV
# monolithic kernel is built from (guests/lib/pv: hypercall stubs, event channels,
# grant tables, the console and block frontends; guests/lib/ring; the string library),
# and nothing else — no scheduler, no file system, no memory allocator. Where the
# monolithic kernel puts a process to sleep, the unikernel blocks the whole domain
# (sched_block) and then polls its event channels: it never enables interrupts at all.
#
# Environment (the env_* interface of guests/lib/README.md, trivially): env_sleep =
# block until an event, then dispatch the events; env_wakeup = nothing (one thread);
# env_copyin/env_copyout = memmove (one address space); env_killed = never.

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.include "abi.inc"
.include "hypercall.inc"
.include "ring/ring.inc"

.text
.global _start
_start:
    la   sp, uk_stack_top
    la   t0, uk_trap
    csrw tvec, t0
    li   t0, KSEG + XSI_ADDR            # booted by the hypervisor? (the start info)
    lw   t1, XSI_MAGIC(t0)
    li   t2, XSI_MAGIC_VALUE
    bne  t1, t2, uk_not_xen
    call gnttab_init
    call evtchn_init
    call console_init
    li   a0, 1
    call disk_init
    la   a0, s_banner1                  # "uni: a unikernel DomU (dom2): ..."
    call kputs
    li   t0, KSEG + XSI_ADDR
    lw   a0, XSI_DOMID(t0)
    call kputdec
    la   a0, s_banner2
    call kputs
    la   a0, uk_image_end               # bytes of the image in memory
    li   t0, KSEG + 0x1000
    sub  a0, a0, t0
    call kputdec
    la   a0, s_banner3
    call kputs
    li   t0, KSEG + XSI_ADDR
    lw   a0, XSI_NR_PAGES(t0)
    slli a0, a0, 2
    call kputdec
    la   a0, s_banner4
    call kputs
    j    kv_main

# uk_not_xen: no start info: not booted by guests/xen. Say so on the UART; stop.
uk_not_xen:
    la   t1, s_notxen
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

# uk_trap: the unikernel takes no interrupts and expects no exceptions: any trap is a
# bug of the application or the library; report it and shut the domain down.
uk_trap:
    la   sp, uk_stack_top
    la   a0, s_trap1
    call kputs
    csrr a0, cause
    call kputdec
    la   a0, s_trap2
    call kputs
    csrr a0, epc
    call kputhex
    la   a0, s_trap3
    call kputs
    csrr a0, badvaddr
    call kputhex
    li   a0, '\n'
    call kputc
    li   a0, 99
    call khalt

# ---------------------------------------------------------------- the environment

# env_sleep(a0 = chan): nothing else to run: block the domain until an event is
# pending, then dispatch it (the handlers make the sleeper's condition true). The
# caller checks its condition again.
env_sleep:
    PROLOGUE
    call HYPERVISOR_sched_block
    call evtchn_upcall
    EPILOGUE
# env_wakeup(a0 = chan): one thread of control: nobody else to wake.
env_wakeup:
    ret
# env_killed() -> 0: nothing is ever killed.
env_killed:
    li   a0, 0
    ret
# env_copyin(a0 = user?, a1 = dst, a2 = src, a3 = n) -> 0: one address space.
env_copyin:
# env_copyout(a0 = user?, a1 = dst, a2 = src, a3 = n) -> 0
env_copyout:
    addi sp, sp, -16
    sw   ra, 12(sp)
    mv   a0, a1
    mv   a1, a2
    mv   a2, a3
    call memmove
    li   a0, 0
    lw   ra, 12(sp)
    addi sp, sp, 16
    ret

.include "kv.s"
.include "pv/hcall.s"
.include "pv/evtchn.s"
.include "pv/gnttab.s"
.include "pv/consfront.s"
.include "pv/blkfront.s"
.include "ring/ring.s"
.include "base/string.s"

.rodata
s_banner1: .asciz "uni: a unikernel DomU (dom"
s_banner2: .asciz "): a key-value store linked with its library OS, "
s_banner3: .asciz " bytes, one address space, "
s_banner4: .asciz " KiB\n"
s_notxen:  .asciz "uni: no start info at guest-physical 0 (not booted by guests/xen): stopping\n"
s_trap1:   .asciz "uni: trap, cause "
s_trap2:   .asciz " at pc "
s_trap3:   .asciz " badvaddr "

.bss
    .balign 16
uk_stack:  .space 4096
uk_stack_top:
    .balign 4
uk_image_end:
