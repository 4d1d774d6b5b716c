# crash2.s — a library OS whose upcall handler itself faults: an exception inside the
# handler cannot be dispatched again (the save area is in use), so the kernel destroys
# the environment. Test module of tests/exokernel.
.include "ringvm.inc"
.include "abi.inc"
.include "../exo.inc"
.text
.global _start
_start:
    la   a0, upcall
    li   a1, 0
    li   a7, EXO_SETUP
    syscall
    li   t1, 0x00300000
    lw   t0, 0(t1)                      # a miss: the handler runs
1:  j    1b
upcall:
    li   t1, 0x00300004
    lw   t0, 0(t1)                      # ... and misses too
    li   a7, EXO_RESUME
    syscall
