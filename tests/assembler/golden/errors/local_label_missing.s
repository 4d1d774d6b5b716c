        j 1f
        beq a0, a0, 2b
1:      nop
