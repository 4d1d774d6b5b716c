        add a0, a1
        nop a0
        lw a0, 4(sp), 8
