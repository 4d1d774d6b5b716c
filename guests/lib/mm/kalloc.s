# kalloc.s — physical page allocator (OSKit-style shared component).
#
# Concept: physical memory as a pool of page frames handed out by the kernel (memory
# management seed: "the kernel owns physical memory and gives out frames"). Freed pages
# go on a free list threaded through the pages themselves, addressed through kseg
# (ISA.md §5: physical = kseg - 0x80000000); pages never used yet are handed out from
# a bump pointer over [end of the kernel image, RAMSIZE), so boot is O(1).
#
# Leaf routines (t0..t2 only).
#
# On a multiprocessor (KALLOC_LOCK = 1) the free list and the bump pointer are guarded
# by kmem_lock, a spinlock taken with `cas` inside kalloc and kfree: a leaf lock, the
# last in any lock order (nothing is acquired while it is held). Callers run with
# interrupts off (ring 0 never takes an interrupt that allocates), so it needs no
# push_off. The page is zeroed after the lock is released.
#
# Provides: kinit(a0 = first kseg address, a1 = end kseg address),
#   kalloc() -> a0 = zeroed page (kseg) or 0, kfree(a0 = page), kfree_pages (counter),
#   kmem_lock (the lock word: 0 free, 1 held)
# Needs: config.inc
# Parameters: KALLOC_LOCK (1: take kmem_lock, for kernels running on several CPUs;
#   default 0)

PARAM KALLOC_LOCK, 0

# KMEM_LOCK / KMEM_UNLOCK: take and give back kmem_lock (t0..t2).
.macro KMEM_LOCK
.if KALLOC_LOCK
    la   t0, kmem_lock
1:  li   t1, 0
    li   t2, 1
    cas  t1, t2, (t0)
    bnez t1, 1b
.endif
.endm
.macro KMEM_UNLOCK
.if KALLOC_LOCK
    la   t0, kmem_lock
    sw   zero, 0(t0)
.endif
.endm

kinit:
    li   t0, 4095                       # round the start up to a page
    add  a0, a0, t0
    not  t0, t0
    and  a0, a0, t0
    and  a1, a1, t0
    la   t0, kbump                      # never-used pages: [kbump, kbump_end)
    sw   a0, 0(t0)
    sw   a1, 4(t0)
    sub  t1, a1, a0
    srli t1, t1, 12
    la   t0, kfree_pages
    sw   t1, 0(t0)
    ret

kalloc:
    KMEM_LOCK
    la   t0, kfree_list
    lw   a0, 0(t0)
    beqz a0, 5f
    lw   t1, 0(a0)                      # pop a freed page
    sw   t1, 0(t0)
    j    6f
5:  la   t0, kbump                      # else take the next never-used page
    lw   a0, 0(t0)
    lw   t1, 4(t0)
    bgeu a0, t1, 8f
    li   t2, 4096
    add  t2, t2, a0
    sw   t2, 0(t0)
6:  la   t0, kfree_pages
    lw   t1, 0(t0)
    addi t1, t1, -1
    sw   t1, 0(t0)
    KMEM_UNLOCK
    mv   t0, a0                         # zero the page
    li   t2, 4096
    add  t2, t2, a0
1:  sw   zero, 0(t0)
    sw   zero, 4(t0)
    sw   zero, 8(t0)
    sw   zero, 12(t0)
    addi t0, t0, 16
    bne  t0, t2, 1b
    ret
8:  KMEM_UNLOCK
    li   a0, 0
    ret

kfree:
    beqz a0, 9f
    KMEM_LOCK
    la   t0, kfree_list
    lw   t1, 0(t0)
    sw   t1, 0(a0)
    sw   a0, 0(t0)
    la   t0, kfree_pages
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    KMEM_UNLOCK
9:  ret

.data
    .balign 4
kfree_list:  .word 0
kfree_pages: .word 0
kbump:       .word 0, 0
kmem_lock:   .word 0
.text
