        .frobnicate 3
        .word "text"
        .align 3
        .space -1
        .section .weird
        .org later
later:
