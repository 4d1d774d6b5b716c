        .bss
        .word 1
        nop
        .space 4, 1
