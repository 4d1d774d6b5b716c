# wild.s — a broken guest kernel for the hypervisor's isolation tests: after its banner
# it stores, in ring 0, to a kseg address past the end of the RAM it was given (a
# kernel bug: a wild pointer). On bare metal with enough RAM that would silently
# corrupt memory; in a VM the second stage catches it (exit GPA_FAULT) and the
# hypervisor stops this VM only. If the store ever returned it would say so and halt 1.

.include "ringvm.inc"

.text
.global _start
_start:
    la   sp, stack_top
    la   a0, s_hello
    call kputs
    li   t0, SYSCTL_RAMSIZE
    lw   t1, 0(t0)                      # its RAM size ...
    li   t0, KSEG + 0x1000
    add  t0, t0, t1                     # ... and a page past its end
    li   t1, 0x5a5a5a5a
    sw   t1, 0(t0)
    la   a0, s_alive
    call kputs
    li   a0, 1
    call khalt

.include "base/kprint.s"

.rodata
s_hello: .asciz "wild: a kernel with a wild pointer: storing past the end of my RAM\n"
s_alive: .asciz "wild: the store went through: nothing stopped me\n"
.bss
    .balign 16
stack:     .space 1024
stack_top:
