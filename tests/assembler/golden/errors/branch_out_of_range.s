        beq a0, a1, far
        .space 0x40000
far:    nop
