# string.s — memory and string routines for kernels (OSKit-style shared component).
#
# Concept: the kernel's own minimal C library (library OS seed: "a library of routines
# linked into every kernel structure"). Leaf functions: they touch only a0..a3, t0..t3
# and never the stack, so they are safe anywhere in ring 0 (kseg addresses only).

# memmove(a0 = dst, a1 = src, a2 = n) -> a0 = dst. Overlap-safe (backwards only when
# dst lies inside [src, src + n)); 16-byte word copies when both pointers and n are
# word-aligned.
memmove:
    mv   t0, a0
    beqz a2, 9f
    bgeu a1, a0, 1f                     # src above dst: forward is safe
    add  t1, a1, a2
    bltu a0, t1, 5f                     # dst inside the source: backwards
1:  or   t1, a0, a1
    or   t1, t1, a2
    andi t1, t1, 3
    bnez t1, 2f
    andi t1, a2, 15                     # forward, words: 16-byte blocks first
    sub  t3, a2, t1
    add  t3, t3, a1                     # end of the block part (source)
    mv   a2, t1
    beq  a1, t3, 4f
3:  lw   t1, 0(a1)
    lw   t2, 4(a1)
    sw   t1, 0(t0)
    sw   t2, 4(t0)
    lw   t1, 8(a1)
    lw   t2, 12(a1)
    sw   t1, 8(t0)
    sw   t2, 12(t0)
    addi a1, a1, 16
    addi t0, t0, 16
    bne  a1, t3, 3b
4:  beqz a2, 9f
    lw   t2, 0(a1)
    sw   t2, 0(t0)
    addi a1, a1, 4
    addi t0, t0, 4
    addi a2, a2, -4
    j    4b
2:  lbu  t2, 0(a1)                      # forward, bytes
    sb   t2, 0(t0)
    addi a1, a1, 1
    addi t0, t0, 1
    addi a2, a2, -1
    bnez a2, 2b
    j    9f
5:  add  a1, a1, a2                     # backwards, bytes
    add  t0, t0, a2
6:  addi a1, a1, -1
    addi t0, t0, -1
    lbu  t2, 0(a1)
    sb   t2, 0(t0)
    addi a2, a2, -1
    bnez a2, 6b
9:  ret

# memset(a0 = dst, a1 = byte, a2 = n) -> a0 = dst
memset:
    mv   t0, a0
    beqz a2, 9f
    or   t1, a0, a2
    andi t1, t1, 3
    bnez t1, 2f
    andi a1, a1, 0xFF           # replicate the byte into a word
    slli t1, a1, 8
    or   a1, a1, t1
    slli t1, a1, 16
    or   a1, a1, t1
1:  sw   a1, 0(t0)
    addi t0, t0, 4
    addi a2, a2, -4
    bnez a2, 1b
    j    9f
2:  sb   a1, 0(t0)
    addi t0, t0, 1
    addi a2, a2, -1
    bnez a2, 2b
9:  ret

# strlen(a0 = s) -> a0 = length
strlen:
    mv   t0, a0
1:  lbu  t1, 0(t0)
    beqz t1, 2f
    addi t0, t0, 1
    j    1b
2:  sub  a0, t0, a0
    ret

# strncmp(a0 = s, a1 = t, a2 = n) -> a0 = <0, 0, >0 (unsigned bytes)
strncmp:
1:  beqz a2, 8f
    lbu  t0, 0(a0)
    lbu  t1, 0(a1)
    bne  t0, t1, 7f
    beqz t0, 8f
    addi a0, a0, 1
    addi a1, a1, 1
    addi a2, a2, -1
    j    1b
7:  sub  a0, t0, t1
    ret
8:  li   a0, 0
    ret

# strlcpy(a0 = dst, a1 = src, a2 = size): copy at most size-1 bytes, always
# NUL-terminate (size > 0). -> a0 = dst
strlcpy:
    mv   t0, a0
    beqz a2, 9f
1:  addi a2, a2, -1
    beqz a2, 2f
    lbu  t1, 0(a1)
    sb   t1, 0(t0)
    beqz t1, 9f
    addi a1, a1, 1
    addi t0, t0, 1
    j    1b
2:  sb   zero, 0(t0)
9:  ret
