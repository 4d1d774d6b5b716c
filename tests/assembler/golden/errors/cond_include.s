        .if 1
        .include "cond_close.inc"
        .endif
        .include "cond_open.inc"
        nop
        .endif
