# hello.s — smallest /init for kernel tests: print, then halt(7).
.include "usys.inc"
.text
_start:
    PUTS msg
    li   a0, 7
    SYS  HALT
1:  j 1b
.include "ulib.s"
.rodata
msg: .asciz "init: hello from user space\n"
