# stubborn.s — a library OS that ignores revocation requests: the abort protocol takes
# the page by force and it finds it in its repossession vector (holder.inc). Test
# module of tests/exokernel.
.equ COMPLY, 0
.include "holder.inc"
.rodata
s_name: .asciz "stubborn"
