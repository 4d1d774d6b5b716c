        add a0, x5, a1
        lw t9, 0(sp)
        mv r32, a0
