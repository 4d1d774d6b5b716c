        add a0, a1,
        lw a0, 4(
        li a0, (1 + 2
        .ascii "unterminated
        addi a0, a0, 1 2
        li a0, @
