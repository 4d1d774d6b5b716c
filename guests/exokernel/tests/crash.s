# crash.s — a library OS with no upcall handler that touches an address nobody mapped:
# the kernel cannot hand the exception to anyone, so it destroys the environment (one
# console line) and the other library OSes carry on. Test module of tests/exokernel.
.include "ringvm.inc"
.text
.global _start
_start:
    li   t1, 0x00300000                 # nobody mapped it
    lw   t0, 0(t1)
1:  j    1b
