        .text
_start: addi a0, a0, 1
        mov a0, a1
        jmpl ra
