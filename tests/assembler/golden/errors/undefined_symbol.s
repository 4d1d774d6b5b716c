        la a0, buffer
        j done
        .word missing + 4
