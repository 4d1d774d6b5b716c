        add a0, a1, 5
        lw a0, a1
        addi a0, a1, a2
        cas a0, a1, 4(a2)
        csrr a0, a1
