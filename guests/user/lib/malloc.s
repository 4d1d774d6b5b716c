# malloc.s — malloc(n) and free(p) on top of sbrk(2): the first-fit free list of
# Kernighan & Ritchie (The C Programming Language, §8.7). Each block starts with an
# 8-byte header {next free block, size in 8-byte units including the header}; the free
# list is circular and sorted by address, and free() merges neighbours. The heap grows
# by at least 4 KiB at a time. malloc returns 0 when sbrk fails.

.bss
.align 8
malloc_base:  .space 8          # the empty block that anchors the list
malloc_freep: .space 4          # where the last search ended (0 before first use)

.text
# free(ap): return a block obtained from malloc (0 is ignored)
.global free
free:
    beqz a0, fr_ret
    addi t0, a0, -8             # bp = header
    la   t3, malloc_freep
    lw   t1, 0(t3)              # p = freep
fr_loop:
    lw   t2, 0(t1)              # p->next
    bleu t0, t1, fr_wrap        # bp > p && bp < p->next: found the gap
    bgeu t0, t2, fr_wrap
    j    fr_found
fr_wrap:
    bltu t1, t2, fr_next        # p >= p->next: the end of the arena
    bgtu t0, t1, fr_found
    bltu t0, t2, fr_found
fr_next:
    mv   t1, t2
    j    fr_loop
fr_found:                       # t0 = bp, t1 = p, t2 = p->next
    lw   a1, 4(t0)
    slli a2, a1, 3
    add  a2, t0, a2
    bne  a2, t2, 1f             # bp touches p->next: merge
    lw   a3, 4(t2)
    add  a1, a1, a3
    sw   a1, 4(t0)
    lw   a3, 0(t2)
    sw   a3, 0(t0)
    j    2f
1:  sw   t2, 0(t0)
2:  lw   a1, 4(t1)
    slli a2, a1, 3
    add  a2, t1, a2
    bne  a2, t0, 3f             # p touches bp: merge
    lw   a3, 4(t0)
    add  a1, a1, a3
    sw   a1, 4(t1)
    lw   a3, 0(t0)
    sw   a3, 0(t1)
    j    4f
3:  sw   t0, 0(t1)
4:  sw   t1, 0(t3)
fr_ret:
    ret

# malloc(nbytes) -> pointer (8-byte aligned) or 0
.global malloc
malloc:
    addi sp, sp, -16
    sw   ra, 12(sp)
    sw   fp, 8(sp)
    addi fp, sp, 16
    sw   s1, 0(sp)
    sw   s2, 4(sp)
    addi t0, a0, 7
    srli t0, t0, 3
    addi s1, t0, 1              # units, with the header
    la   t3, malloc_freep
    lw   s2, 0(t3)              # prevp = freep
    bnez s2, 1f
    la   s2, malloc_base        # first call: an empty list around base
    sw   s2, 0(s2)
    sw   zero, 4(s2)
    sw   s2, 0(t3)
1:  lw   t1, 0(s2)              # p = prevp->next
ml_loop:
    lw   t2, 4(t1)
    bltu t2, s1, ml_next
    bne  t2, s1, 2f
    lw   t4, 0(t1)              # exact fit: unlink
    sw   t4, 0(s2)
    j    3f
2:  sub  t2, t2, s1             # carve the tail
    sw   t2, 4(t1)
    slli t4, t2, 3
    add  t1, t1, t4
    sw   s1, 4(t1)
3:  la   t3, malloc_freep
    sw   s2, 0(t3)
    addi a0, t1, 8
    j    ml_ret
ml_next:
    la   t3, malloc_freep
    lw   t4, 0(t3)
    bne  t1, t4, 4f
    mv   a1, s1                 # wrapped around: morecore
    li   t0, 512
    bgeu a1, t0, 5f
    li   a1, 512
5:  slli a0, a1, 3
    call sbrk                   # keeps a1
    blt  a0, zero, ml_fail
    sw   a1, 4(a0)
    addi a0, a0, 8
    call free
    la   t3, malloc_freep
    lw   t1, 0(t3)
4:  mv   s2, t1
    lw   t1, 0(t1)
    j    ml_loop
ml_fail:
    li   a0, 0
ml_ret:
    lw   s1, 0(sp)
    lw   s2, 4(sp)
    lw   ra, 12(sp)
    lw   fp, 8(sp)
    addi sp, sp, 16
    ret
