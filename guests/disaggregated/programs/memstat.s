# memstat.s — memstat: each memory component's state and frames (its own counters,
# asked for by a message: they live in its memory), the user pages mapped from it, and
# the pages lost with failed components.

.include "ulib.s"
.include "lib/dkusys.s"
.include "../../multikernel/programs/lib/mkusys.s"

.equ DK_MS_FREE, 44
.equ DK_MS_INUSE, 48
.equ DK_MS_ALLOCS, 52
.equ DK_MS_FREES, 56

.text
.global main
main:
    FUNC_ENTER
    la   a0, head
    call printf
    call ncpu
    mv   s1, a0
    li   s2, 1
1:  bge  s2, s1, 9f
    li   a0, DK_MC_STATE
    mv   a1, s2
    call memctl
    beqz a0, 3f                         # not a memory component (the storage one)
    li   t0, 1
    beq  a0, t0, 2f
    mv   a1, s2
    la   a0, failed
    call printf
    j    3f
2:  mv   a0, s2
    la   a1, st
    call mkstat
    blt  a0, zero, 3f
    li   a0, DK_MC_COUNT
    mv   a1, s2
    call memctl
    mv   a5, a0
    la   s3, st
    mv   a1, s2
    lw   a2, DK_MS_FREE(s3)
    lw   a3, DK_MS_INUSE(s3)
    lw   a4, DK_MS_ALLOCS(s3)
    la   a0, fmt
    call printf
3:  addi s2, s2, 1
    j    1b
9:  li   a0, DK_MC_LOST
    li   a1, 0
    call memctl
    mv   a1, a0
    la   a0, lost
    call printf
    li   a0, 0
    FUNC_RETURN

.rodata
head:   .asciz "CPU  state      free    inuse   allocs  mapped\n"
fmt:    .asciz "%3d  alive  %8d %8d %8d %7d\n"
failed: .asciz "%3d  failed\n"
lost:   .asciz "pages lost: %d\n"
.bss
    .balign 4
st: .space 64
