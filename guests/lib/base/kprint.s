# kprint.s — polled console output for kernels (OSKit-style shared component).
#
# Concept: the "library of device drivers" of a resident monitor (library OS seed):
# every structure links the same routines by direct call. Polled, so it works with
# interrupts off, in any ring <= 0, before anything else is set up.
#
# Calling convention (ISA.md §1): arguments in a0..a1; clobbers only t0..t3 and a0..a1;
# leaf functions (ra untouched); none uses the stack except kputdec (16 bytes).
#
# Provides: kputc, kputs, kputdec, kputhex, khalt
# Needs: nothing (ringvm.inc included first)

# kputc(a0 = byte): transmit one byte. TXREADY is always 1 (ISA.md §9).
kputc:
    li   t0, CONSOLE_DATA
    sw   a0, 0(t0)
    ret

# kputs(a0 = address of a NUL-terminated string)
kputs:
    mv   t1, a0
    li   t0, CONSOLE_DATA
1:  lbu  t2, 0(t1)
    beqz t2, 2f
    sw   t2, 0(t0)
    addi t1, t1, 1
    j    1b
2:  ret

# kputdec(a0 = unsigned 32-bit value): print in decimal.
kputdec:
    addi sp, sp, -16          # 11 digits at most, built backwards in the frame
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

# kputhex(a0 = value): print as 0x followed by 8 hex digits.
kputhex:
    li   t0, CONSOLE_DATA
    li   t3, '0'
    sw   t3, 0(t0)
    li   t3, 'x'
    sw   t3, 0(t0)
    li   t1, 28               # shift of the current nibble
1:  srl  t2, a0, t1
    andi t2, t2, 0xF
    slti t3, t2, 10
    bnez t3, 2f
    addi t2, t2, 'a' - 10 - '0'
2:  addi t2, t2, '0'
    sw   t2, 0(t0)
    addi t1, t1, -4
    bge  t1, zero, 1b
    ret

# khalt(a0 = exit code): stop the machine (sysctl HALT). Never returns.
khalt:
    li   t0, SYSCTL_HALT
    sw   a0, 0(t0)
1:  j    1b
