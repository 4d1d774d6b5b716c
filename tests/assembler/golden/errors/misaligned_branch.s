        beq a0, a1, 0x80001002
        j target + 2
target: nop
