        .else
        .if 1
        nop
        .else
        nop
        .else
        .elseif 1
        .endif
done:   .if 1
        .endif 2
        .endif
        .ifdef DEBUG
        .if 0
        .endif
