# main.s — boot of the microkernel: the kernel's own memory, sigma0 and the root task.
#
# Concept (seed: kernels lecture, L4 — "the kernel starts with one address space,
# which is essentially physical memory"; Liedtke's minimality: "a concept is tolerated
# inside the kernel only if moving it outside would prevent the implementation of
# required functionality"). The kernel keeps a small pool of pages for its own objects
# (page tables, mapping nodes) and gives every other page of RAM, the boot modules and
# the device pages to sigma0, the root pager, as the mappings of its address space:
# physical address p appears at p + SIGMA0_WINDOW there. It then starts sigma0 and the
# root task from their boot modules; root starts everything else (drivers, the file
# system, the process server) as user-level tasks. Layout and calls: README.md, mk.inc.

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.include "mk.inc"
.include "param.inc"

.text
.global _start
_start:
    la   sp, kstack_top
    la   t0, trap_entry
    csrw tvec, t0
    csrw scratch, zero                  # 0 = running in the kernel (trap.s)
    li   s1, BOOTINFO
    lw   t0, BI_MAGIC(s1)
    li   t1, BOOTINFO_MAGIC
    beq  t0, t1, 1f
    la   a0, msg_nobi
    call panic
1:  lw   s2, BI_RAMSIZE(s1)
    lw   s3, BI_FREE(s1)
    srli t0, s2, 4                      # the kernel pool: RAM / 16, at least 1 MiB
    li   t1, 0x100000
    bgeu t0, t1, 2f
    mv   t0, t1
2:  li   t1, 0xFFFFF000
    and  t0, t0, t1
    add  s4, s3, t0                     # end of the kernel pool (physical)
    bltu s4, s2, 3f
    la   a0, msg_noram
    call panic
3:  la   t0, pool_end
    sw   s4, 0(t0)
    li   t0, KSEG
    add  a0, s3, t0
    add  a1, s4, t0
    call kinit
    srli s5, s2, 12                     # frames of RAM
    la   t0, nframes
    sw   s5, 0(t0)
    slli s6, s5, 4                      # the frame table: 16 bytes a frame, contiguous
    li   t0, 4095                       # pages from the allocator's bump pointer
    add  s6, s6, t0
    srli s6, s6, 12
    call kalloc
    la   t0, frame_table
    sw   a0, 0(t0)
4:  addi s6, s6, -1
    ble  s6, zero, 5f
    call kalloc
    j    4b
5:  # sigma0: its image at its link addresses, physical memory in the window
    la   a0, name_sigma0
    call find_module
    bnez a0, 6f
    la   a0, msg_nosigma0
    call panic
6:  mv   s7, a0
    li   a0, 0                          # chief: none
    li   a1, TF_KPRINT
    li   a2, 0                          # sigma0 only replies
    call space_alloc
    mv   s8, a0
    mv   a0, s8
    li   a1, 0                          # no pager
    la   a2, name_sigma0
    call thread_alloc
    mv   s9, a0                         # sigma0's TCB
    lw   t0, BI_MOD_ENTRY(s7)
    sw   t0, T_EPC(s9)
    sw   s4, T_A0(s9)                   # its a0: where free memory starts
    mv   a0, s8
    lw   a1, BI_MOD_START(s7)
    lw   a2, BI_MOD_END(s7)
    call map_image
    mv   a0, s8                         # the boot-info page, read-only
    li   a1, 0
    li   a2, 4096
    li   a3, TLB_V | TLB_R | TLB_U
    call map_window
    mv   a0, s8                         # the boot modules
    la   a1, kernel_end
    li   t0, KSEG
    sub  a1, a1, t0
    mv   a2, s3
    li   a3, TLB_V | TLB_R | TLB_W | TLB_X | TLB_U
    call map_window
    mv   a0, s8                         # every free page above the kernel pool
    mv   a1, s4
    mv   a2, s2
    li   a3, TLB_V | TLB_R | TLB_W | TLB_X | TLB_U
    call map_window
    mv   a0, s8                         # the device pages
    li   a1, SYSCTL_BASE
    li   a2, EVENTS_BASE + 4096
    li   a3, TLB_V | TLB_R | TLB_W | TLB_U
    call map_window
    mv   a0, s9
    call make_ready
    # the root task: an empty space, paged by sigma0 from its boot module
    la   a0, name_root
    call find_module
    bnez a0, 7f
    la   a0, msg_noroot
    call panic
7:  mv   s7, a0
    mv   a0, s8                         # chief: sigma0's space (nobody may kill root)
    li   a1, TF_CREATE | TF_IRQ | TF_HALT | TF_KPRINT | TF_ALLOWALL
    li   a2, -1
    call space_alloc
    mv   s10, a0
    lw   a1, T_TID(s9)
    la   a2, name_root
    call thread_alloc
    lw   t0, BI_MOD_ENTRY(s7)
    sw   t0, T_EPC(a0)
    li   t0, CRASH_DISK                 # root's a0: the fault-injection option
    sw   t0, T_A0(a0)
    call make_ready
    la   a0, banner1                    # "ringvm microkernel: N KiB RAM, ..."
    call kputs
    srli a0, s2, 10
    call kputdec
    la   a0, banner2
    call kputs
    la   t0, kfree_pages
    lw   a0, 0(t0)
    call kputdec
    la   a0, banner3
    call kputs
    sub  a0, s2, s4
    srli a0, a0, 12
    call kputdec
    la   a0, banner4
    call kputs
    li   t0, TIMER_INTERVAL             # the time slice
    li   t1, TICK_CYCLES
    sw   t1, 0(t0)
    li   t0, TIMER_CTRL
    li   t1, 1
    sw   t1, 0(t0)
    li   t0, IRQB_TIMER
    csrw ienable, t0
    la   t0, cur_tcb
    sw   zero, 0(t0)
    j    kexit

# find_module(a0 = name) -> a0 = its entry in the boot-info module table, or 0
find_module:
    PROLOGUE
    mv   s1, a0
    li   s2, BOOTINFO
    lw   s3, BI_NMODULES(s2)
    lw   t0, BI_MODULES(s2)
    add  s4, s2, t0
1:  beqz s3, 8f
    mv   a0, s4
    mv   a1, s1
    li   a2, 16
    call strncmp
    beqz a0, 9f
    addi s4, s4, BI_MOD_SIZE
    addi s3, s3, -1
    j    1b
8:  li   a0, 0
    EPILOGUE
9:  mv   a0, s4
    EPILOGUE

# map_image(a0 = space, a1 = module start, a2 = module end): the module's ELF image at
# its link addresses (byte i of the module is address i), from its second page on.
# Boot mappings: no mapping node, so nobody can map or revoke them.
map_image:
    PROLOGUE
    mv   s1, a0
    li   s2, 4096                       # va
    sub  s3, a2, a1                     # end va
    mv   s4, a1
1:  bgeu s2, s3, 8f
    mv   a0, s1
    mv   a1, s2
    call space_pte
    beqz a0, 9f
    add  t0, s4, s2
    ori  t0, t0, TLB_V | TLB_R | TLB_W | TLB_X | TLB_U
    sw   t0, 0(a0)
    li   t0, 4096
    add  s2, s2, t0
    j    1b
9:  la   a0, msg_noram
    call panic
8:  EPILOGUE

# map_window(a0 = space, a1 = first physical, a2 = end, a3 = flags): physical pages
# [first, end) at first + SIGMA0_WINDOW, each the root of its frame's mapping tree.
# (A tight loop: thousands of pages at boot.)
map_window:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
1:  bgeu s2, s3, 8f
    li   t0, SIGMA0_WINDOW
    add  s5, s2, t0                     # va
    mv   a0, s1
    mv   a1, s5
    call space_pte                      # the entry; the rest of its page-table page
    beqz a0, 9f                         # is filled without another walk
    mv   s6, a0
    srli a0, s2, 12
    call frame_root
    mv   t3, a0                         # the frame's root node
    mv   a0, s6
    li   t5, 4096
2:  or   t0, s2, s4
    sw   t0, 0(a0)
    or   t0, s5, s1                     # key: va | space
    sw   t0, N_KEY(t3)
    addi t3, t3, 16
    add  s2, s2, t5
    add  s5, s5, t5
    addi a0, a0, 4
    bgeu s2, s3, 8f
    li   t0, 0x003FF000                 # still in the same page-table page?
    and  t0, s5, t0
    beqz t0, 1b
    j    2b
9:  la   a0, msg_noram
    call panic
8:  EPILOGUE

# panic(a0 = message): "panic: message", halt 99.
panic:
    mv   s1, a0
    la   a0, msg_panic
    call kputs
    mv   a0, s1
    call kputs
    li   a0, '\n'
    call kputc
    li   a0, 99
    call khalt

.include "mm/tlbrefill.s"
.include "trap.s"
.include "sched.s"
.include "ipc.s"
.include "space.s"
.include "mapdb.s"
.include "kcall.s"
.include "base/kprint.s"
.include "base/string.s"
.include "mm/kalloc.s"

.rodata
banner1:      .asciz "ringvm microkernel: "
banner2:      .asciz " KiB RAM, "
banner3:      .asciz " kernel pages, "
banner4:      .asciz " pages for sigma0\n"
name_sigma0:  .asciz "sigma0"
name_root:    .asciz "root"
msg_panic:    .asciz "panic: "
msg_nobi:     .asciz "no boot-info page"
msg_noram:    .asciz "not enough memory for the kernel"
msg_nosigma0: .asciz "no boot module called sigma0"
msg_noroot:   .asciz "no boot module called root"

.data
    .balign 4
pool_end:     .word 0                   # physical end of the kernel pool
nframes:      .word 0
frame_table:  .word 0                   # kseg: the root mapping node of every frame
.bss
    .balign 16
kstack:       .space KSTACK_SIZE
kstack_top:
    .balign 4096
kernel_end:
