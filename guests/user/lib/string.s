# string.s — C string and memory routines for user programs: strlen, strcmp, strncmp,
# strcpy, strcat, strchr, memset, memmove (memcpy is the same), memcmp, atoi. All are
# leaf functions following the calling convention of isa/ISA.md §1 (they touch only
# a0-a3 and t0-t3).

.text
# strlen(s) -> number of bytes before the NUL
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

# strncmp(a, b, n) -> like strcmp on at most n bytes
.global strncmp
strncmp:
1:  beqz a2, 3f
    lbu  t0, 0(a0)
    lbu  t1, 0(a1)
    bne  t0, t1, 2f
    beqz t0, 2f
    addi a0, a0, 1
    addi a1, a1, 1
    addi a2, a2, -1
    j    1b
2:  sub  a0, t0, t1
    ret
3:  li   a0, 0
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

# memset(dst, c, n) -> dst
.global memset
memset:
    mv   t0, a0
    add  t1, a0, a2
1:  bgeu t0, t1, 2f
    sb   a1, 0(t0)
    addi t0, t0, 1
    j    1b
2:  ret

# memmove(dst, src, n) -> dst; overlapping ranges are handled. Word copies when both
# pointers are word-aligned.
.global memmove
.global memcpy
memcpy:
memmove:
    beqz a2, 9f
    mv   t0, a0
    bgtu a0, a1, 5f             # dst above src: copy backwards
    or   t2, a0, a1
    andi t2, t2, 3
    bnez t2, 2f
1:  sltiu t2, a2, 4             # forward words
    bnez t2, 2f
    lw   t1, 0(a1)
    sw   t1, 0(t0)
    addi a1, a1, 4
    addi t0, t0, 4
    addi a2, a2, -4
    j    1b
2:  beqz a2, 9f                 # forward bytes
    lbu  t1, 0(a1)
    sb   t1, 0(t0)
    addi a1, a1, 1
    addi t0, t0, 1
    addi a2, a2, -1
    j    2b
5:  add  t0, a0, a2             # backward bytes from the ends
    add  a1, a1, a2
6:  beqz a2, 9f
    addi a1, a1, -1
    addi t0, t0, -1
    lbu  t1, 0(a1)
    sb   t1, 0(t0)
    addi a2, a2, -1
    j    6b
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
