# console.s — the hypervisor's own output on the real console.
#
# Concept: Xen writes its messages, tagged "(XEN)", to the serial console it keeps for
# itself (Barham et al. 2003 leave the console to Dom0; Xen's `console_io` hypercall
# and its "(XEN)" lines are the later design). Here Dom0 owns the UART (DEVPASS) and
# the hypervisor writes to it directly, only at boot, when a domain crashes, for a
# domain's console_io, and at power-off: lines that may land in the middle of a line
# of Dom0's, which is why tests look for them anywhere on a line.
#
# Polled (TXREADY is always 1, ISA.md §9), ring -1, leaf (t0..t3, a0).

# xputc(a0 = byte)
xputc:
    li   t0, CONSOLE_DATA
    sw   a0, 0(t0)
    ret

# xputs(a0 = string)
xputs:
    li   t0, CONSOLE_DATA
1:  lbu  t1, 0(a0)
    beqz t1, 2f
    sw   t1, 0(t0)
    addi a0, a0, 1
    j    1b
2:  ret

# xputdec(a0 = unsigned value)
xputdec:
    addi sp, sp, -16
    addi t1, sp, 15
    sb   zero, 0(t1)
    li   t2, 10
1:  addi t1, t1, -1
    remu t3, a0, t2
    addi t3, t3, '0'
    sb   t3, 0(t1)
    divu a0, a0, t2
    bnez a0, 1b
    li   t0, CONSOLE_DATA
2:  lbu  t3, 0(t1)
    beqz t3, 3f
    sw   t3, 0(t0)
    addi t1, t1, 1
    j    2b
3:  addi sp, sp, 16
    ret

# xputhex(a0 = value): 0x and 8 hex digits.
xputhex:
    li   t0, CONSOLE_DATA
    li   t3, '0'
    sw   t3, 0(t0)
    li   t3, 'x'
    sw   t3, 0(t0)
    li   t1, 28
1:  srl  t2, a0, t1
    andi t2, t2, 0xF
    addi t2, t2, '0'
    li   t3, '9'
    bleu t2, t3, 2f
    addi t2, t2, 'a' - '0' - 10
2:  sw   t2, 0(t0)
    addi t1, t1, -4
    bge  t1, zero, 1b
    ret
