# main.s — boot of the exokernel: the owner tables, one domain per library OS module,
# their first environments, the scheduler.
#
# Concept: the exokernel (Engler, Kaashoek, O'Toole, SOSP 1995; seed: OS-structure
# slides, "resource management and protection/isolation in the kernel, applications
# manage resources"). The kernel multiplexes and protects the hardware and exposes it:
# physical pages, disk blocks and TLB entries are bound to library OSes by name
# (mem.s, blocks.s), exceptions and revocations are handed up to them (trap.s,
# revoke.s), the CPU is shared among environments (env.s). It implements no
# abstraction: no files, no processes, no virtual-memory policy. Map of the files to
# the paper's terms: README.md.
#
# Boot: every ELF boot module is a library OS (its application linked in). Module i
# becomes domain i+1: the pages of its image are its own (pinned), mapped at their
# virtual addresses through its image window (va -> START + va, ISA.md §11's physical
# image); the zero-filled part of the image below its window goes back to the free
# pool. Its first environment starts at the module's entry in ring 3 with a0 = the
# domain, a1 = START (physical = virtual + a1 in its image), a2 = its envid, sp = the
# top of its upcall stack page.

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.include "abi.inc"
.include "exo.inc"
.include "param.inc"

.text
.global _start
_start:
    la   sp, boot_stack_top
    la   t0, trap_entry
    csrw tvec, t0
    csrw scratch, zero                  # 0 = running in the kernel (trap.s)
    li   s0, BOOTINFO
    lw   t0, BI_RAMSIZE(s0)
    srli t0, t0, 12
    la   t1, ram_pages
    sw   t0, 0(t1)
    call tlb_size
    call tables_init
    li   t0, CONSOLE_CTRL
    sw   zero, 0(t0)
    la   t0, nblocks
    lw   a0, 0(t0)
    snez a0, a0
    call disk_init
    call domains_init
.ifdef NIC
    call nic_init
.endif
    call banner
    li   t0, TIMER_INTERVAL
    li   t1, TICK_CYCLES
    sw   t1, 0(t0)
    li   t0, TIMER_CTRL
    li   t1, 1
    sw   t1, 0(t0)
    li   t0, IRQB_TIMER | IRQB_CONSOLE | IRQB_DISK
.ifdef NIC
    ori  t0, t0, IRQB_NIC
.endif
    csrw ienable, t0
    la   t0, sched_sp                   # the scheduler runs on the boot stack
    j    scheduler

# tlb_size(): how many entries the TLB has (4..256, ISA.md §6): tlbwi/tlbr take the
# index mod N, so a marker written at 0 reads back at index N.
tlb_size:
    li   t0, 0x7FFFF000
    csrw tlbhi, t0
    csrw tlblo, zero
    csrw tlbidx, zero
    tlbwi
    li   t1, 4
1:  csrw tlbidx, t1
    tlbr
    csrr t2, tlbhi
    beq  t2, t0, 2f
    slli t1, t1, 1
    li   t2, 256
    bleu t1, t2, 1b
    li   t1, 256
2:  la   t0, tlb_entries
    sw   t1, 0(t0)
    csrw tlbidx, zero                   # clear the marker
    csrw tlbhi, zero
    csrw tlblo, zero
    tlbwi
    ret

# tables_init(): the page owner table and the block owner table, at the first free
# address; everything below their end is the kernel's, everything above is free.
tables_init:
    PROLOGUE
    li   s0, BOOTINFO
    lw   s1, BI_FREE(s0)
    li   t0, KSEG
    or   s1, s1, t0                     # the owner table (kseg)
    la   t0, owner_table
    sw   s1, 0(t0)
    la   t0, ram_pages
    lw   s2, 0(t0)
    add  s3, s1, s2                     # the block owner table after it
    addi s3, s3, 15
    srli s3, s3, 4
    slli s3, s3, 4
    la   t0, bowner_table
    sw   s3, 0(t0)
    li   s4, 0                          # blocks
    lw   t0, BI_NDISKS(s0)
    beqz t0, 1f
    li   t0, DISK_CAPACITY
    lw   s4, 0(t0)
    li   t0, MAXBLOCKS
    bleu s4, t0, 1f
    mv   s4, t0
1:  la   t0, nblocks
    sw   s4, 0(t0)
    add  s5, s3, s4                     # end of the tables, page-aligned
    li   t0, 4095
    add  s5, s5, t0
    not  t0, t0
    and  s5, s5, t0
    li   t0, KSEG
    sub  t0, s5, t0
    srli s6, t0, 12                     # first free pfn
    mv   a0, s3
    li   a1, 0
    mv   a2, s4
    call memset
    mv   a0, s1                         # pages below the tables: the kernel's
    li   a1, OWN_KERNEL
    mv   a2, s6
    call memset
    add  a0, s1, s6                     # the rest: free
    li   a1, OWN_FREE
    sub  a2, s2, s6
    call memset
    EPILOGUE

# domains_init(): one domain and its first environment per ELF module.
domains_init:
    PROLOGUE
    li   s0, BOOTINFO
    lw   s1, BI_MODULES(s0)
    add  s1, s1, s0                     # module entry
    lw   s2, BI_NMODULES(s0)
    li   s3, 0                          # domains made
1:  beqz s2, 9f
    lw   t0, BI_MOD_FLAGS(s1)
    andi t0, t0, BI_MODF_ELF
    beqz t0, 8f
    li   t0, MAXDOM
    bge  s3, t0, 8f
    addi s3, s3, 1
    mv   a0, s3
    mv   a1, s1
    call domain_create
8:  addi s1, s1, BI_MOD_SIZE
    addi s2, s2, -1
    j    1b
9:  la   t0, ndomains
    sw   s3, 0(t0)
    EPILOGUE

# domain_create(a0 = domain id, a1 = boot-info module entry)
domain_create:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    call dom_addr
    mv   s3, a0
    li   t0, 1
    sw   t0, D_USED(s3)
    addi a0, s3, D_NAME
    addi a1, s2, BI_MOD_NAME
    li   a2, 16
    call memmove
    lw   s4, BI_MOD_START(s2)
    lw   t0, BI_MOD_ENTRY(s2)
    li   t1, -IMG_ALIGN
    and  s5, t0, t1                     # the window's first address
    sw   s5, D_IMGLO(s3)
    sw   s4, D_IMGOFF(s3)
    lw   t0, BI_MOD_END(s2)
    sub  t0, t0, s4
    li   t1, 4095
    add  t0, t0, t1
    not  t1, t1
    and  t0, t0, t1
    sw   t0, D_IMGHI(s3)
    srli s6, s4, 12                     # pages of the module: below the window free,
    add  t0, s4, s5                     # then the image, pinned
    srli s7, t0, 12
    lw   t0, D_IMGHI(s3)
    add  t0, t0, s4
    srli s8, t0, 12
1:  bgeu s6, s8, 3f
    mv   a0, s6
    li   a1, OWN_FREE
    bltu s6, s7, 2f
    ori  a1, s1, OWN_PINNED
2:  call set_owner
    addi s6, s6, 1
    j    1b
3:  mv   a0, s1                         # its first environment
    call env_alloc
    beqz a0, 9f
    mv   s6, a0
    mv   a0, s1
    call boot_page
    mv   s7, a0
    mv   a0, s1
    call boot_page
    mv   s8, a0
    slli t0, s7, 12
    ori  t1, t0, TLB_V | TLB_R | TLB_W | TLB_U
    sw   t1, E_UPFN0(s6)
    li   t1, KSEG
    or   t0, t0, t1
    sw   t0, E_UK(s6)
    slli t0, s8, 12
    ori  t1, t0, TLB_V | TLB_R | TLB_W | TLB_U
    sw   t1, E_UPFN1(s6)
    mv   a0, s6
    call env_tf
    lw   t0, BI_MOD_ENTRY(s2)
    sw   t0, TF_EPC(a0)
    li   t0, UAREA_TOP
    sw   t0, TF_SP(a0)
    sw   s1, TF_A0(a0)
    sw   s4, TF_A1(a0)
    lw   t0, E_ID(s6)
    sw   t0, TF_A2(a0)
    li   t0, ENV_RUNNABLE
    sw   t0, E_STATE(s6)
9:  EPILOGUE

# boot_page(a0 = domain) -> a0 = pfn of a new zeroed page it owns, pinned
boot_page:
    PROLOGUE
    ori  s1, a0, OWN_PINNED
    call find_free
    mv   s2, a0
    mv   a1, s1
    call set_owner
    mv   a0, s2
    call zero_page
    mv   a0, s2
    EPILOGUE

# banner(): "ringvm exokernel: <RAM> KiB RAM, <free> free pages, <N> library OSes:"
# then one line per domain.
banner:
    PROLOGUE
    la   a0, banner1
    call kputs
    li   t0, BOOTINFO
    lw   a0, BI_RAMSIZE(t0)
    srli a0, a0, 10
    call kputdec
    la   a0, banner2
    call kputs
    call count_free
    call kputdec
    la   a0, banner3
    call kputs
    la   t0, ndomains
    lw   a0, 0(t0)
    call kputdec
    la   a0, banner4
    call kputs
    li   s1, 1
1:  la   t0, ndomains
    lw   t0, 0(t0)
    bgt  s1, t0, 9f
    mv   a0, s1
    call dom_addr
    mv   s2, a0
    la   a0, banner5
    call kputs
    mv   a0, s1
    call kputdec
    la   a0, banner6
    call kputs
    addi a0, s2, D_NAME
    call kputs
    la   a0, banner7
    call kputs
    lw   a0, D_NPAGES(s2)
    call kputdec
    la   a0, banner8
    call kputs
    lw   a0, D_IMGLO(s2)
    call kputhex
    li   a0, '\n'
    call kputc
    addi s1, s1, 1
    j    1b
9:  EPILOGUE

.include "trap.s"
.include "env.s"
.include "mem.s"
.include "revoke.s"
.include "blocks.s"
.include "syscall.s"
.ifdef NIC
.include "nic.s"
.endif
.include "base/kprint.s"
.include "base/string.s"
.include "trap/swtch.s"
.include "dev/disk.s"

.rodata
banner1: .asciz "ringvm exokernel: "
banner2: .asciz " KiB RAM, "
banner3: .asciz " free pages, "
banner4: .asciz " library OS(es)\n"
banner5: .asciz "  domain "
banner6: .asciz ": "
banner7: .asciz ", "
banner8: .asciz " pages, image at "

.data
    .balign 4
.global curenv, ticks, owner_table, ram_pages, bowner_table, nblocks, env_table
.global dom_table, console_owner
curenv:        .word 0
ticks:         .word 0
sched_sp:      .word 0
pct_dummy:     .word 0
owner_table:   .word 0
bowner_table:  .word 0
ram_pages:     .word 0
nblocks:       .word 0
dom_pages:     .word 0
alloc_cursor:  .word 0
revoke_cursor: .word 0
tlb_victim:      .word 0
tlb_entries:   .word 64
ndomains:      .word 0
console_owner: .word 0
cons_chan:     .word 0
cons_midline:  .word 0
stat_switches: .word 0
stat_pcts:     .word 0
.bss
    .balign 16
env_table:     .space NENV * ENV_SIZE
dom_table:     .space (MAXDOM + 1) * DOM_SIZE
boot_stack:    .space 4096
boot_stack_top:
    .balign 4096
kernel_end:
