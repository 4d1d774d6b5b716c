# halt.s — writing sysctl HALT stops the machine with that exit code (ISA.md §9).
.include "ringvm.inc"
.text
.global _start
_start:
    li   t0, CONSOLE_DATA
    li   t1, 'o'
    sw   t1, 0(t0)
    li   t1, 'k'
    sw   t1, 0(t0)
    li   t1, '\n'
    sw   t1, 0(t0)
    li   t0, SYSCTL_HALT
    li   t1, 42
    sw   t1, 0(t0)
1:  j    1b
