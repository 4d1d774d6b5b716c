        nop
        .org 0x80000000
