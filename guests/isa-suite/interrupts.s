# interrupts.s — interrupts (ISA.md §7, §9, §10): the timer line, cause bit 31, epc of
# the next instruction, gating by IE and ienable, ipend, acknowledgement, wfi.
.include "check.inc"

test_main:
    la   t0, saved_main_ra
    sw   ra, 0(t0)
    # arm the timer to fire 50 cycles from now, interrupts masked by IE = 0
    li   t0, TIMER_INTERVAL
    li   t1, 50
    sw   t1, 0(t0)
    li   t0, TIMER_CTRL
    li   t1, TIMER_CTRL_ENABLE
    sw   t1, 0(t0)
    li   t0, IRQB_TIMER
    csrw ienable, t0
    li   s5, 0
1:  addi s5, s5, 1               # spin 100 iterations with IE = 0
    slti t0, s5, 100
    bnez t0, 1b
    csrr s1, ipend
    andi s1, s1, IRQB_TIMER
    CHECK s1, IRQB_TIMER, "timer pending in ipend"
    # IE = 1: the interrupt is taken before the next instruction
    EXPECT_TRAP 2f
    li   t0, ST_IE
    csrw status, t0
t_next: nop
    nop
    CHECK zero, 1, "interrupt taken when IE is set"
2:  TRAPINFO s1, TI_CAUSE
    CHECK s1, CAUSE_INTERRUPT | IRQ_TIMER, "cause = 0x80000000 | TIMER"
    TRAPINFO s1, TI_EPC
    la   s2, t_next
    CHECKR s1, s2, "interrupt epc = the next instruction"
    TRAPINFO s1, TI_STATUS
    andi s1, s1, ST_PIE | ST_IE
    CHECK s1, ST_PIE, "interrupt entry: IE 0, PIE 1"
    li   t0, TIMER_ACK
    sw   zero, 0(t0)
    csrr s1, ipend
    andi s1, s1, IRQB_TIMER
    CHECK s1, 0, "TIMER_ACK clears the pending bit"
    # ienable gates: with the timer disabled in ienable, nothing is taken
    csrw ienable, zero
    li   t0, ST_IE
    li   s5, 0
    EXPECT_TRAP 4f
    csrw status, t0
3:  addi s5, s5, 1
    slti t0, s5, 100
    bnez t0, 3b
    csrw status, zero
    TRAPINFO s1, TI_CAUSE
    CHECK s1, 0, "ienable masks the timer"
    j    5f
4:  CHECK zero, 1, "ienable masks the timer"
5:  # wfi: waits (idle cycles count) until the timer fires
    li   t0, TIMER_ACK
    sw   zero, 0(t0)
    li   t0, IRQB_TIMER
    csrw ienable, t0
    csrr s3, cycle
    EXPECT_TRAP 6f
    li   t0, ST_IE
    csrw status, t0
    wfi
    CHECK zero, 1, "wfi wakes into the interrupt"
6:  TRAPINFO s1, TI_CAUSE
    CHECK s1, CAUSE_INTERRUPT | IRQ_TIMER, "wfi wakes on the timer"
    csrr s4, cycle
    sub  s4, s4, s3
    sltiu s4, s4, 150             # one period (50) plus the checking code
    CHECK s4, 1, "wfi wakes within one timer period"
    li   t0, TIMER_CTRL
    sw   zero, 0(t0)
    li   t0, TIMER_ACK
    sw   zero, 0(t0)
    csrw ienable, zero
    la   t0, saved_main_ra
    lw   ra, 0(t0)
    ret

.data
saved_main_ra: .word 0
