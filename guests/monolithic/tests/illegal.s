# illegal.s — executes an undefined instruction word: killed with "illegal instruction".
.text
_start:
    nop
    .word 0xffffffff
1:  j 1b
