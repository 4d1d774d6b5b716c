# conditionals.s: conditional assembly (golden listing; assembled with BOARD=2).
        .ifndef DEBUG
        .equ DEBUG, 0                   # a default the command line may override
        .endif

        .macro delay n
        .if \n > 1
        addi t0, t0, \n
        .elseif \n == 1
        nop
        .endif
        .endm

        .text
_start:
        .if BOARD == 1
        li a0, 0x10000000               # board 1: UART at 0x10000000
        .elseif BOARD == 2
        li a0, 0x20000000               # board 2
        .else
        this line is never parsed: board ??
        .endif
        .ifdef _start
        delay 3
        delay 1
        delay 0
        .endif
        .if DEBUG
        .include "debug_only.inc"       # not looked for: skipped
        .endif
        ret
