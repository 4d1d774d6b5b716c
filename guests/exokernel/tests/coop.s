# coop.s — a cooperative library OS: when the kernel revokes a page it gives back one
# of its own choosing (holder.inc). Test module of tests/exokernel.
.equ COMPLY, 1
.include "holder.inc"
.rodata
s_name: .asciz "coop"
