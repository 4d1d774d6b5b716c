# mem.s — loads and stores (ISA.md §3, §5): sign and zero extension, little-endian byte
# order, sub-word stores, cas, and the kseg window (physical = virtual - KSEG).
.include "check.inc"

test_main:
    la   t0, saved_main_ra
    sw   ra, 0(t0)
    la   s1, buf
    li   s2, 0x80FF7F01
    sw   s2, 0(s1)
    lb   s3, 0(s1)
    CHECK s3, 0x00000001, "lb byte 0 (little-endian)"
    lb   s3, 3(s1)
    CHECK s3, 0xFFFFFF80, "lb sign-extends"
    lbu  s3, 3(s1)
    CHECK s3, 0x00000080, "lbu zero-extends"
    lb   s3, 1(s1)
    CHECK s3, 0x0000007F, "lb positive"
    lh   s3, 2(s1)
    CHECK s3, 0xFFFF80FF, "lh sign-extends"
    lhu  s3, 2(s1)
    CHECK s3, 0x000080FF, "lhu zero-extends"
    lh   s3, 0(s1)
    CHECK s3, 0x00007F01, "lh low half"
    li   s2, 0xAABBCCDD
    sb   s2, 1(s1)
    lw   s3, 0(s1)
    CHECK s3, 0x80FFDD01, "sb stores the low byte"
    sh   s2, 2(s1)
    lw   s3, 0(s1)
    CHECK s3, 0xCCDDDD01, "sh stores the low half"
    lw   s3, -4(s1)
    CHECK s3, 0xCAFEBABE, "negative offset"
    # cas: succeeds when the register holds the old value, always returns the old value
    li   s2, 0xCCDDDD01
    li   s4, 42
    cas  s2, s4, (s1)
    CHECK s2, 0xCCDDDD01, "cas returns the old value"
    lw   s3, 0(s1)
    CHECK s3, 42, "cas stores on a match"
    li   s2, 7
    li   s4, 99
    cas  s2, s4, (s1)
    CHECK s2, 42, "cas returns the old value (no match)"
    lw   s3, 0(s1)
    CHECK s3, 42, "cas does not store on a mismatch"
    # kseg: the same RAM seen at virtual KSEG + p
    la   s1, buf
    li   t0, KSEG
    sub  s5, s1, t0              # physical address
    li   s2, 0x5A5A1234
    sw   s2, 0(s1)
    li   t0, KSEG
    add  s6, s5, t0
    lw   s3, 0(s6)
    CHECK s3, 0x5A5A1234, "kseg maps physical = virtual - KSEG"
    # sysctl: RAM size and CPU count are readable device registers
    li   t0, SYSCTL_RAMSIZE
    lw   s3, 0(t0)
    CHECK s3, 0x02000000, "sysctl RAMSIZE (32M)"
    li   t0, SYSCTL_NCPUS
    lw   s3, 0(t0)
    CHECK s3, 1, "sysctl NCPUS"
    # the console status register: TXREADY always set
    li   t0, CONSOLE_STATUS
    lw   s3, 0(t0)
    andi s3, s3, 2
    CHECK s3, 2, "console TXREADY"
    la   t0, saved_main_ra
    lw   ra, 0(t0)
    ret

.data
saved_main_ra: .word 0
    .balign 4
    .word 0xCAFEBABE
buf: .word 0, 0
