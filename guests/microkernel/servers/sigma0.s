# sigma0.s — the root pager: owns all physical memory at boot and hands it out.
#
# Concept: L4's sigma0 (seed: kernels lecture — "the kernel starts with one address
# space, which is essentially physical memory"; "some user level processes are pagers
# and do memory management for other processes using these primitives"). The kernel
# gave sigma0 every page of RAM outside the kernel, the boot modules and the device
# pages, as mappings of its own address space (physical p at SIGMA0_WINDOW + p), each
# the root of that frame's mapping tree. sigma0 only maps: fresh memory to whoever asks
# first (S0_ALLOC, a flexpage of 2^n bytes), a given physical page of the boot modules,
# the boot-info page or a device (S0_PHYS), and the root task's own image when root
# faults (sigma0 is root's pager). It never takes anything back: pagers below it
# revoke what they lend (K_UNMAP). Its a0 at start: the first physical address of the
# free memory (the end of the kernel's pool).

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "mk.inc"

.text
.global _start
_start:
    la   sp, stack_top
    la   t0, free_next
    sw   a0, 0(t0)
    li   s2, SIGMA0_WINDOW              # the boot-info page, through the window
    lw   t0, BI_RAMSIZE(s2)
    la   t1, ram_end
    sw   t0, 0(t1)
    lw   t0, BI_FREE(s2)
    la   t1, mods_end
    sw   t0, 0(t1)
    lw   s3, BI_NMODULES(s2)            # the modules: lowest start, and root's
    lw   t0, BI_MODULES(s2)
    add  s4, s2, t0
    li   s5, -1
1:  beqz s3, 3f
    lw   t0, BI_MOD_START(s4)
    bgeu t0, s5, 2f
    mv   s5, t0
2:  mv   a0, s4
    la   a1, name_root
    li   a2, 16
    call strncmp
    bnez a0, 21f
    lw   t0, BI_MOD_START(s4)
    la   t1, root_start
    sw   t0, 0(t1)
    lw   t1, BI_MOD_END(s4)
    sub  t1, t1, t0
    la   t0, root_size
    sw   t1, 0(t0)
21: addi s4, s4, BI_MOD_SIZE
    addi s3, s3, -1
    j    1b
3:  la   t0, mods_start
    sw   s5, 0(t0)
    la   a0, msg_hello
    call lsay
    li   s1, 0                          # no reply yet

# The server loop: reply to s1 (if any) with a0-a5/t3-t5, then take the next request.
loop:
    mv   t0, s1
    li   t2, 0                          # sigma0 receives no mappings and no strings
    li   t6, 0
    KSYS K_REPLY_WAIT
    bnez t1, loop_err
    mv   s1, t0                         # the requester
    li   t1, L_FAULT
    beq  a0, t1, s0_fault
    li   t1, S0_ALLOC
    beq  a0, t1, s0_alloc
    li   t1, S0_PHYS
    beq  a0, t1, s0_phys
    li   a0, -1                         # unknown request
    li   t3, 0
    j    loop
loop_err:
    li   s1, 0
    li   t3, 0
    j    loop

# s0_alloc(a1 = log2 size): the next free flexpage of that size (aligned to it);
# the reply's MR1 is its physical base (a driver's DMA needs it)
s0_alloc:
    li   t0, FP_PAGE
    bgeu a1, t0, 1f
    mv   a1, t0
1:  li   t0, 24                         # at most 16 MiB at once
    bgtu a1, t0, 9f
    mv   s2, a1                         # log2
    li   t0, 1
    sll  t2, t0, s2                     # size
    addi t3, t2, -1
    la   t0, free_next
    lw   t4, 0(t0)
    add  t4, t4, t3                     # aligned up
    not  t5, t3
    and  t4, t4, t5
    add  t5, t4, t2                     # end
    la   t6, ram_end
    lw   t6, 0(t6)
    bgtu t5, t6, 9f
    bltu t5, t4, 9f
    sw   t5, 0(t0)
    li   a0, 0
    mv   a1, t4                         # the physical base
    li   t0, SIGMA0_WINDOW
    add  t4, t4, t0
    li   t0, FP_RWX
    or   t4, t4, t0
    or   t4, t4, s2
    li   t3, MT_MAP
    li   t5, 0
    j    loop
9:  li   a0, -1
    li   t3, 0
    j    loop

# s0_phys(a1 = physical address): the page of a boot module, the boot-info page
# (read-only) or a device page; never free memory (that is S0_ALLOC's).
s0_phys:
    li   t0, 0xFFFFF000
    and  a1, a1, t0
    li   t5, FP_R
    beqz a1, 2f                         # the boot-info page
    li   t5, FP_R | FP_W
    li   t0, SYSCTL_BASE                # a device
    bltu a1, t0, 1f
    li   t0, EVENTS_BASE
    bleu a1, t0, 2f
    j    9f
1:  la   t0, mods_start                 # a module page
    lw   t0, 0(t0)
    bltu a1, t0, 9f
    la   t0, mods_end
    lw   t0, 0(t0)
    bgeu a1, t0, 9f
    li   t5, FP_RWX
2:  li   t0, SIGMA0_WINDOW
    add  t4, a1, t0
    or   t4, t4, t5
    li   a0, 0
    li   a1, FP_PAGE
    j    s0_map_page
9:  li   a0, -1
    li   t3, 0
    j    loop

# s0_fault(a1 = address, a2 = pc, a3 = cause): root's image, from its boot module (for
# every thread sigma0 pages: root's, which only root can create)
s0_fault:
    la   t0, root_start
    lw   t0, 0(t0)
    beqz t0, 9f
    li   t1, 4096
    bltu a1, t1, 9f
    la   t1, root_size
    lw   t1, 0(t1)
    bgeu a1, t1, 9f
    li   t1, 0xFFFFF000
    and  t1, a1, t1
    add  t4, t0, t1                     # physical
    li   t0, SIGMA0_WINDOW
    add  t4, t4, t0
    li   t0, FP_RWX
    or   t4, t4, t0
    mv   t5, a1                         # hot spot: the faulting address
    li   a1, FP_PAGE
    j    s0_map_hot
9:  mv   s6, a1
    la   a0, msg_badfault
    call lputs
    mv   a0, s1
    call lputhex
    la   a0, msg_at
    call lputs
    mv   a0, s6
    call lputhex
    li   a0, '\n'
    call lputc
    call lflush
    li   s1, 0                          # no answer: it stays blocked
    li   t3, 0
    j    loop

s0_map_page:                            # a0 = 0, t4 = va | rights, a1 = log2 size
    or   t4, t4, a1
    li   t3, MT_MAP
    li   t5, 0
    j    loop
s0_map_hot:                             # t4 = va | rights, a1 = log2, t5 = hot spot
    or   t4, t4, a1
    li   t3, MT_MAP
    li   a0, 0
    j    loop

.include "base/string.s"
.include "srvlib.s"

.rodata
srv_name:     .asciz "sigma0"
name_root:    .asciz "root"
msg_hello:    .asciz "sigma0: all physical memory is mine\n"
msg_badfault: .asciz "sigma0: a fault it cannot resolve, thread "
msg_at:       .asciz " at "
.data
    .balign 4
free_next:  .word 0                     # the next free physical address
ram_end:    .word 0
mods_start: .word 0
mods_end:   .word 0
root_start: .word 0
root_size:  .word 0
.bss
    .balign 16
stack:      .space 4096
stack_top:
