        .macro m a, b
        add \a, \b, \b
        .endm
        m a0
        .endm
