# string.s — memory and string routines, shared by every kernel and program.
#
# The one C string library of ringvm (OSKit-style component).
#
# Concept: the minimal C library linked into every kernel structure and program
# (library OS seed: "a library of routines linked into every kernel structure"). Leaf
# functions that touch only a0..a3 and t0..t3 and never the stack, so they are safe
# anywhere: ring 0 on kseg addresses, ring 3 on user addresses.
#
# Provides: memmove, memcpy, memset, memcmp, strlen, strcmp, strncmp, strcpy, strcat,
#   strlcpy, strchr, atoi
# Needs: nothing

.text

# memmove(a0 = dst, a1 = src, a2 = n) -> a0 = dst; memcpy is the same routine.
# Overlap-safe (backwards only when dst lies inside [src, src + n)); 16-byte word
# copies when both pointers and n are word-aligned.
.global memmove
.global memcpy
memcpy:
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
.global memset
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

# memcmp(a, b, n) -> <0, 0, >0
.global memcmp
memcmp:
1:  beqz a2, 2f
    lbu  t0, 0(a0)
    lbu  t1, 0(a1)
    bne  t0, t1, 3f
    addi a0, a0, 1
    addi a1, a1, 1
    addi a2, a2, -1
    j    1b
2:  li   a0, 0
    ret
3:  sub  a0, t0, t1
    ret

# strlen(a0 = s) -> a0 = length
.global strlen
strlen:
    mv   t0, a0
1:  lbu  t1, 0(t0)
    beqz t1, 2f
    addi t0, t0, 1
    j    1b
2:  sub  a0, t0, a0
    ret

# strcmp(a, b) -> <0, 0, >0 comparing unsigned bytes
.global strcmp
strcmp:
1:  lbu  t0, 0(a0)
    lbu  t1, 0(a1)
    bne  t0, t1, 2f
    beqz t0, 2f
    addi a0, a0, 1
    addi a1, a1, 1
    j    1b
2:  sub  a0, t0, t1
    ret

# strncmp(a0 = s, a1 = t, a2 = n) -> a0 = <0, 0, >0 (unsigned bytes)
.global strncmp
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

# strcpy(dst, src) -> dst
.global strcpy
strcpy:
    mv   t0, a0
1:  lbu  t1, 0(a1)
    sb   t1, 0(t0)
    addi a1, a1, 1
    addi t0, t0, 1
    bnez t1, 1b
    ret

# strcat(dst, src) -> dst
.global strcat
strcat:
    mv   t0, a0
1:  lbu  t1, 0(t0)
    beqz t1, 2f
    addi t0, t0, 1
    j    1b
2:  lbu  t1, 0(a1)
    sb   t1, 0(t0)
    addi a1, a1, 1
    addi t0, t0, 1
    bnez t1, 2b
    ret

# strlcpy(a0 = dst, a1 = src, a2 = size): copy at most size-1 bytes, always
# NUL-terminate (size > 0). -> a0 = dst
.global strlcpy
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

# strchr(s, c) -> pointer to the first c in s, or 0
.global strchr
strchr:
    andi a1, a1, 0xFF
1:  lbu  t0, 0(a0)
    beq  t0, a1, 2f
    beqz t0, 3f
    addi a0, a0, 1
    j    1b
2:  ret
3:  li   a0, 0
    ret

# atoi(s) -> value of an optional '-' and decimal digits (stops at the first other byte)
.global atoi
atoi:
    li   t0, 0                  # value
    li   t3, 0                  # negative?
    lbu  t1, 0(a0)
    li   t2, '-'
    bne  t1, t2, 1f
    li   t3, 1
    addi a0, a0, 1
1:  lbu  t1, 0(a0)
    addi t1, t1, -'0'
    sltiu t2, t1, 10
    beqz t2, 2f
    li   t2, 10
    mul  t0, t0, t2
    add  t0, t0, t1
    addi a0, a0, 1
    j    1b
2:  mv   a0, t0
    beqz t3, 3f
    neg  a0, t0
3:  ret
