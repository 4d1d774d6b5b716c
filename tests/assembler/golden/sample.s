# sample.s: uses every directive and every pseudo-instruction (golden test input).
        .include "inc/defs.inc"
        .hypervisor
        .entry _start
        .global _start
        .globl main, STACK_WORDS

        .macro spin reg, n
        li \reg, \n
spin_\@: addi \reg, \reg, -1
        bnez \reg, spin_\@
        .endm

        .text
        .org 0x80002000
_start:
        la sp, stack_top
        call main
        b halt

main:   save2 ra, s0
        nop
        mv s0, a0
        not t0, s0
        neg t1, s0
        seqz t2, t0
        snez t3, t1
        li a0, -1
        li a1, 0xbeef
        li a2, 0xdeadbeef
        li a3, LIMIT
        spin t4, 5
        spin t5, COUNT
1:      beqz a0, 1f
        bnez a0, 1f
        bgt a0, a1, 1b
        ble a0, a1, 1b
1:      bgtu a0, a1, main
        bleu a0, a1, main
        csrr t0, status
        csrw tvec, t0
        csrs ienable, t1
        csrc ipend, t2
        csrrw zero, hstatus, zero
        lui t0, %hi(table)
        lw t1, %lo(table)(t0)
        sw t1, 4(sp)
        lb t2, (sp)
        cas a0, a1, (t0)
        la a4, message
        jr a4
        pop s0
        pop ra
        ret
halt:   wfi
        j halt
        .align 16
        .balign 8, 0
aligned: .word . - _start
        .org aligned + 12
        .word 0xffffffff                # illegal word: disassembles as .word

        .rodata
message: .asciz "ring -1 says \"hi\"\n"
        .ascii "no NUL", "\x41\101"
        .balign 4
table:  .word 1, -1, table, main + 4, 'x'
        .half 0x1234, -2
        .byte 1, 2, 0xff, -128
        .incbin "inc/blob.bin"

        .section .data
counter: .word STACK_WORDS
after_space: .byte 7
        .space 3, 0xaa

        .bss
        .align 4096
stack:  .space STACK_WORDS * 4
stack_top:
