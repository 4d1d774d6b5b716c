# monitor.s — the resident monitor: boot, the job loop, the end of a job.
#
# Concept: the library operating system of early systems (seed: microkernel/VM lecture,
# "Library operating systems — collect frequently used functions to control devices in
# software libraries which can be used by all programs; call system functions like
# regular program functions; library could remain in the computer's main memory:
# Resident Monitor"). There is one program and it owns the machine: it runs in ring 0
# with the device library linked in (usys.s), no address spaces, no protection, no
# trap handler doing work — every "system call" is a plain `call`, every device is
# polled. The cost floor the other structures are measured against: the same work
# with zero traps and zero interrupts (tests/libos).
#
# Boot: the loader starts us in ring 0 with IE = 0; we never enable an interrupt
# (ienable stays 0), so nothing can trap unless the program has a bug — a trap vector
# is installed only to report such a bug and stop (`libos: unexpected trap`).
# The monitor reads one job card per line from the console and runs it:
#   workload [quick]   the portable workload's phases that need no second process
#                      (null, file, compute; guests/user/workload.s, the same code)
#   halt [N]           power off with exit status N (also at the end of the input)
# Unknown cards are reported and skipped.

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.include "../monolithic/param.inc"  # struct proc / struct file of the Unix file layer
.include "base/kprint.s"
.include "../user/workload.s"           # the portable workload (its phases), with
                                        # lib/ulib.s and so the device library usys.s

.entry monitor

.text
monitor:
    la   sp, stack_top
    li   fp, 0
    la   t0, unexpected_trap            # only a bug can trap: report it
    csrw tvec, t0
    csrw ienable, zero                  # polled devices: no interrupt, ever
    li   t0, BOOTINFO
    lw   a0, BI_FREE(t0)                # pages for pipes: [first free, RAMSIZE)
    lw   a1, BI_RAMSIZE(t0)
    li   t1, KSEG
    add  a0, a0, t1
    add  a1, a1, t1
    call kinit
    call libos_init                     # the device library (usys.s)
    la   a0, s_banner
    call printf
1:  la   a0, s_prompt                   # next job card
    call printf
    la   a0, card
    li   a1, 126
    li   a2, 0
    call console_read
    ble  a0, zero, 9f                        # end of the input
    la   t0, card
    add  t0, t0, a0
    sb   zero, 0(t0)
    addi t0, t0, -1                     # drop the newline
    lbu  t1, 0(t0)
    li   t2, '\n'
    bne  t1, t2, 2f
    sb   zero, 0(t0)
2:  call run_card
    j    1b
9:  li   a0, 0
    j    exit

# run_card(): the job on the card.
run_card:
    FUNC_ENTER
    la   a0, card
    la   a1, c_workload
    li   a2, 8
    call strncmp
    bnez a0, 3f
    la   t0, card
    lbu  t1, 8(t0)
    li   s1, 1                          # scale divisor
    beqz t1, 1f
    addi a0, t0, 9
    la   a1, c_quick
    call strcmp
    bnez a0, 8f
    li   s1, 10
1:  la   a0, w_start                    # the workload's first line
    call printf
    li   a0, 1000                       # the portable workload's own N per phase
    divu a0, a0, s1
    call phase_null
    li   a0, 64
    divu a0, a0, s1
    call phase_file
    bnez a0, 7f
    li   a0, 100000
    divu a0, a0, s1
    call phase_compute
    la   a0, s_wdone
    call printf
    FUNC_RETURN
3:  la   a0, card
    la   a1, c_halt
    li   a2, 4
    call strncmp
    bnez a0, 8f
    la   t0, card
    lbu  t1, 4(t0)
    li   a0, 0
    beqz t1, 4f
    addi a0, t0, 5
    call atoi
4:  j    exit
7:  la   a0, s_wfail
    call printf
    FUNC_RETURN
8:  la   a0, s_unknown
    la   a1, card
    call printf
    FUNC_RETURN

# unexpected_trap: a program bug (the monitor never enables an interrupt): say what
# happened and stop with status 99.
unexpected_trap:
    la   sp, stack_top
    la   a0, s_trap
    call kputs
    csrr a0, cause
    call kputdec
    la   a0, s_epc
    call kputs
    csrr a0, epc
    call kputhex
    la   a0, s_badv
    call kputs
    csrr a0, badvaddr
    call kputhex
    li   a0, '\n'
    call kputc
    li   a0, 99
    call khalt

.rodata
s_banner:  .asciz "ringvm libos: resident monitor and device library in ring 0, no traps\n"
s_prompt:  .asciz "* "
s_wdone:   .asciz "workload: done (null, file, compute: one program, no fork)\n"
s_wfail:   .asciz "workload: FAILED file\n"
s_unknown: .asciz "libos: unknown job card '%s' (jobs: workload [quick], halt [N])\n"
s_trap:    .asciz "libos: unexpected trap, cause "
s_epc:     .asciz " epc "
s_badv:    .asciz " badvaddr "
c_workload: .asciz "workload"
c_quick:   .asciz "quick"
c_halt:    .asciz "halt"
.bss
    .balign 4
card:      .space 128
    .balign 16
stack:     .space 16384
stack_top:
