        .macro twice r
        add \r, \r, \r
        nop
