        .byte 1
        nop
        .align 4
        nop
