        addi a0, a0, 40000
        ori a0, a0, -1
        slli a0, a0, 32
        li a0, 0x100000000
        csrr a0, 0x1000
        .byte 256
        .half -40000
