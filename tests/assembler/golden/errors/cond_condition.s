        .if LATER > 2
        .endif
        .if NEVER_DEFINED
        .endif
        .if 1f
        .endif
        .macro check n
        .if \n / 0
        .endif
        .endm
        .macro broken
        .if 1
        .endm
        check 4
1:      nop
        .equ LATER, 3
