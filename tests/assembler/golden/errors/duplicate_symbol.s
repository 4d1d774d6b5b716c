loop:   nop
loop:   nop
        .equ N, 1
        .equ N, 2
N:      nop
