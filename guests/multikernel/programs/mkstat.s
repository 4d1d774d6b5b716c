# mkstat.s — mkstat: every CPU driver's message counters, one line per CPU.
#
# Each CPU driver counts what its end of the channels did (chan.s, agree.s): messages
# sent and received, polls of its incoming channels (and how many found nothing),
# notifications (IPIs) sent and received, agreements it coordinated (committed,
# aborted) and votes it gave (and refusals). A CPU's counters live in its own memory:
# asking for them is itself a message to its monitor (except for this CPU's).

.include "ulib.s"
.include "lib/mkusys.s"

.text
.global main
main:
    FUNC_ENTER
    la   a0, head
    call printf
    call ncpu
    mv   s1, a0
    li   s2, 0
1:  bge  s2, s1, 9f
    mv   a0, s2
    la   a1, st
    call mkstat
    blt  a0, zero, 2f
    la   s3, st
    lw   t0, MS_ABORTS(s3)              # the last four go on the stack (printf's
    sw   t0, 0(sp)                      # seventh argument on: none; print in two)
    mv   a1, s2
    lw   a2, MS_SENT(s3)
    lw   a3, MS_RECV(s3)
    lw   a4, MS_POLLS(s3)
    lw   a5, MS_EMPTY(s3)
    la   a0, fmt1
    call printf
    lw   a1, MS_IPI_SENT(s3)
    lw   a2, MS_IPI_RECV(s3)
    lw   a3, MS_COMMITS(s3)
    lw   a4, MS_ABORTS(s3)
    lw   a5, MS_PREPARES(s3)
    la   a0, fmt2
    call printf
    lw   a1, MS_REFUSALS(s3)
    la   a0, fmt3
    call printf
2:  addi s2, s2, 1
    j    1b
9:  li   a0, 0
    FUNC_RETURN

.rodata
head: .asciz "CPU     sent     recv    polls    empty  ipisent  ipirecv  commits   aborts    votes  refused\n"
fmt1: .asciz "%3d %8d %8d %8d %8d "
fmt2: .asciz "%8d %8d %8d %8d %8d "
fmt3: .asciz "%8d\n"
.bss
    .balign 4
st: .space MKSTAT_SIZE
