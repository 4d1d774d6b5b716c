        li a0, 1 / 0
        .word 1 % 0
        .word a0 + 1
        csrrw a0, nosuch, a1
