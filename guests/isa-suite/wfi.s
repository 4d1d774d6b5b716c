# wfi.s — wfi with no interrupt enabled can never wake: every CPU waits and no input can
# come, so the machine reports a deadlock (suite: stop = "deadlock").
.include "ringvm.inc"
.text
.global _start
_start:
    csrw ienable, zero
    wfi
    li   t0, SYSCTL_HALT         # not reached
    li   t1, 3
    sw   t1, 0(t0)
1:  j    1b
