# traps.s — synchronous traps taken in ring 0 (ISA.md §7): cause, epc, badvaddr, the
# status bits trap entry sets, and "an instruction that traps has no effect".
.include "check.inc"

# TRAP_AT label, cause, badv, "name": the trap recorded had this cause, epc = label,
# badvaddr = badv
.macro TRAP_IS label, cause, badv, name
    TRAPINFO s1, TI_CAUSE
    CHECK s1, \cause, \name
    TRAPINFO s1, TI_EPC
    la   s2, \label
    CHECKR s1, s2, \name
    TRAPINFO s1, TI_BADV
    CHECK s1, \badv, \name
.endm

test_main:
    la   t0, saved_main_ra
    sw   ra, 0(t0)
    li   t0, ST_IE               # IE = 1 before each trap: entry must clear it
    csrw status, t0

    EXPECT_TRAP 1f
t_sys: syscall
1:  TRAP_IS t_sys, CAUSE_SYSCALL, 0, "syscall"
    TRAPINFO s1, TI_STATUS      # IE 0, PIE 1 (IE was 1), PRING 0
    andi s1, s1, ST_IE | ST_PIE | ST_PRING
    CHECK s1, ST_PIE, "trap entry: IE 0, PIE = old IE, PRING 0"

    EXPECT_TRAP 1f
t_brk: break
1:  TRAP_IS t_brk, CAUSE_BREAKPOINT, 0, "break"

    EXPECT_TRAP 1f
t_hc: hcall
1:  TRAP_IS t_hc, CAUSE_HYPERCALL, 0, "hcall outside a guest"

    EXPECT_TRAP 1f
t_ill: .word 0xFC000000          # opcode 0x3F: no instruction
1:  TRAP_IS t_ill, CAUSE_ILLEGAL, 0xFC000000, "illegal: badvaddr = word"

    EXPECT_TRAP 1f
t_csr: csrr s3, 0x0FF            # no such CSR
1:  TRAPINFO s1, TI_CAUSE
    CHECK s1, CAUSE_ILLEGAL, "unknown CSR is illegal"

    EXPECT_TRAP 1f
t_ro: csrw cpuid, zero           # read-only CSR
1:  TRAPINFO s1, TI_CAUSE
    CHECK s1, CAUSE_ILLEGAL, "write to a read-only CSR is illegal"

    EXPECT_TRAP 1f
t_rm1: csrr s3, hstatus          # ring -1 CSR from ring 0
1:  TRAPINFO s1, TI_CAUSE
    CHECK s1, CAUSE_PRIVILEGED, "ring -1 CSR from ring 0 is privileged"

    la   s4, buf
    li   s5, 0x12345678
    sw   s5, 0(s4)
    li   s3, 77
    EXPECT_TRAP 1f
t_mla: lw   s3, 2(s4)
1:  addi s6, s4, 2
    TRAPINFO s1, TI_CAUSE
    CHECK s1, CAUSE_MISALIGNED_LOAD, "misaligned lw"
    TRAPINFO s1, TI_BADV
    CHECKR s1, s6, "misaligned lw: badvaddr"
    CHECK s3, 77, "a trapping load does not write rd"

    EXPECT_TRAP 1f
t_mlh: lh   s3, 1(s4)
1:  TRAPINFO s1, TI_CAUSE
    CHECK s1, CAUSE_MISALIGNED_LOAD, "misaligned lh"

    EXPECT_TRAP 1f
t_msw: sw   zero, 1(s4)
1:  TRAPINFO s1, TI_CAUSE
    CHECK s1, CAUSE_MISALIGNED_STORE, "misaligned sw"
    lw   s3, 0(s4)
    CHECK s3, 0x12345678, "a trapping store leaves memory alone"

    EXPECT_TRAP 1f
t_msh: sh   zero, 3(s4)
1:  TRAPINFO s1, TI_CAUSE
    CHECK s1, CAUSE_MISALIGNED_STORE, "misaligned sh"

    EXPECT_TRAP 1f
    la   s3, 2f
    addi s3, s3, 2
    jr   s3                      # the jump retires; the fetch traps
2:  nop
1:  addi s6, s3, 0
    TRAPINFO s1, TI_CAUSE
    CHECK s1, CAUSE_MISALIGNED_FETCH, "misaligned fetch"
    TRAPINFO s1, TI_EPC
    CHECKR s1, s6, "misaligned fetch: epc = target"

    EXPECT_TRAP 1f
    li   s3, 0xB0000000          # physical 0x30000000: neither RAM nor a device
t_bus: lw   s5, 0(s3)
1:  TRAP_IS t_bus, CAUSE_BUS_ERROR, 0xB0000000, "bus error outside RAM"

    EXPECT_TRAP 1f
    li   s3, CONSOLE_STATUS
t_bus2: lbu  s5, 0(s3)           # device registers are words only
1:  TRAPINFO s1, TI_CAUSE
    CHECK s1, CAUSE_BUS_ERROR, "byte access to a device is a bus error"

    EXPECT_TRAP 1f
    li   s3, 0x00123454          # useg: through the TLB even in ring 0
t_tml: lw   s5, 0(s3)
1:  TRAP_IS t_tml, CAUSE_TLB_MISS_LOAD, 0x00123454, "TLB miss on load"
    TRAPINFO s1, TI_TLBHI
    csrr s2, asid
    li   t0, 0x00123000
    or   s2, s2, t0
    CHECKR s1, s2, "TLB miss sets tlbhi = VPN | ASID"

    EXPECT_TRAP 1f
t_tms: sw   zero, 0(s3)
1:  TRAP_IS t_tms, CAUSE_TLB_MISS_STORE, 0x00123454, "TLB miss on store"

    EXPECT_TRAP 1f
    li   s3, 0x00345000
t_tmf: jr   s3
1:  TRAPINFO s1, TI_CAUSE
    CHECK s1, CAUSE_TLB_MISS_FETCH, "TLB miss on fetch"
    TRAPINFO s1, TI_EPC
    CHECK s1, 0x00345000, "TLB miss on fetch: epc = target"
    TRAPINFO s1, TI_BADV
    CHECK s1, 0x00345000, "TLB miss on fetch: badvaddr"

    # alignment is checked before translation
    EXPECT_TRAP 1f
    li   s3, 0x00123002
    lw   s5, 0(s3)
1:  TRAPINFO s1, TI_CAUSE
    CHECK s1, CAUSE_MISALIGNED_LOAD, "alignment before translation"

    # epc and cause are plain read-write CSRs in ring 0
    li   s3, 0x1234
    csrw scratch, s3
    csrr s1, scratch
    CHECK s1, 0x1234, "scratch is read-write"
    TRAPINFO s1, TI_COUNT
    CHECK s1, 18, "every trap went to tvec exactly once"
    la   t0, saved_main_ra
    lw   ra, 0(t0)
    ret

.data
saved_main_ra: .word 0
    .balign 4
buf: .word 0, 0
