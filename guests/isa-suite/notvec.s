# notvec.s — a trap with tvec = 0 is a machine check ("no trap vector", ISA.md §7).
.include "ringvm.inc"
.text
.global _start
_start:
    csrw tvec, zero
    syscall
    li   t0, SYSCTL_HALT         # not reached
    li   t1, 3
    sw   t1, 0(t0)
1:  j    1b
