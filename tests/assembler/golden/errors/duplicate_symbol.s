loop:   nop
loop:   nop
        .equiv N, 1
        .equ N, 2
N:      nop
        .set M, 1
M:      nop
