# hello.s — the smallest real kernel: trap vector, timer interrupts, software TLB refill,
# and a user program in ring 3 that makes syscalls.
#
# Concept: the protection boundary of a monolithic kernel in miniature (seed: kernel
# structures — "the kernel is a codebase of registered handlers for interrupt events").
# The user program runs in ring 3 on a page that is not mapped until it faults: the
# TLB-miss trap goes to trap_entry, whose refill handler installs the entry (there is no
# hardware page-table walker, ISA.md §6). Syscalls: a7 = number, a0..a1 = arguments,
# a0 = result (ISA.md §1).
#
# Halts with the user's exit code (0) after printing how many timer interrupts,
# TLB refills and syscalls the kernel handled.

.include "ringvm.inc"

.equ TICK_INTERVAL, 3000       # cycles between timer interrupts
.equ USER_ASID, 1
.equ SYS_EXIT, 0               # exit(a0 = code)
.equ SYS_WRITE, 1              # write(a0 = buf, a1 = len) -> len
.equ SYS_TICKS, 2              # ticks() -> timer interrupts so far
.equ FRAME, 48                 # trap frame: ra t0-t3 a0-a2 a7 (4 bytes each), padded

.text
.global _start
_start:
    la   sp, kstack_top
    la   t0, trap_entry
    csrw tvec, t0
    la   a0, banner
    call kputs
    call print_modules

    # Periodic timer: INTERVAL also arms the first compare (ISA.md §9).
    li   t0, TIMER_INTERVAL
    li   t1, TICK_INTERVAL
    sw   t1, 0(t0)
    li   t0, TIMER_CTRL
    li   t1, TIMER_CTRL_ENABLE
    sw   t1, 0(t0)
    li   t0, IRQB_TIMER
    csrw ienable, t0

    # Enter ring 3 through rfe: epc = user entry, PRING = 3, PIE = 1 (interrupts on
    # in user mode). The user's addresses are useg: physical = virtual, mapped on demand.
    li   t0, USER_ASID
    csrw asid, t0
    la   t0, user_start - KSEG
    csrw epc, t0
    li   t0, (3 << ST_PRING_SHIFT) | ST_PIE
    csrw status, t0
    la   t0, kstack_top
    csrw scratch, t0           # trap_entry swaps it in as the kernel stack
    la   sp, ustack_top - KSEG
    rfe

# ---------------------------------------------------------------- trap path
# One entry for every trap. scratch holds the kernel stack top while in ring 3.
trap_entry:
    csrrw sp, scratch, sp
    addi sp, sp, -FRAME
    sw   ra, 0(sp)
    sw   t0, 4(sp)
    sw   t1, 8(sp)
    sw   t2, 12(sp)
    sw   t3, 16(sp)
    sw   a0, 20(sp)
    sw   a1, 24(sp)
    sw   a2, 28(sp)
    sw   a7, 32(sp)
    csrr t0, cause
    blt  t0, zero, interrupt           # bit 31: an interrupt
    li   t1, CAUSE_SYSCALL
    beq  t0, t1, syscall
    addi t1, t0, -CAUSE_TLB_MISS_FETCH
    sltiu t1, t1, 3                    # TLB_MISS_FETCH/LOAD/STORE
    bnez t1, tlb_refill
    j    fatal

trap_return:
    lw   ra, 0(sp)
    lw   t0, 4(sp)
    lw   t1, 8(sp)
    lw   t2, 12(sp)
    lw   t3, 16(sp)
    lw   a0, 20(sp)
    lw   a1, 24(sp)
    lw   a2, 28(sp)
    lw   a7, 32(sp)
    addi sp, sp, FRAME
    csrrw sp, scratch, sp
    rfe

interrupt:
    andi t0, t0, 0xFF
    li   t1, IRQ_TIMER
    bne  t0, t1, fatal
    la   t0, ticks
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    li   t0, TIMER_ACK
    sw   zero, 0(t0)
    j    trap_return

# TLB refill: the user region [user_start, user_end) is identity-mapped
# (virtual page = physical page); anything else is a fatal fault.
tlb_refill:
    csrr t0, badvaddr
    la   t1, user_start - KSEG
    bltu t0, t1, fatal
    la   t1, user_end - KSEG
    bgeu t0, t1, fatal
    srli t0, t0, PAGE_SHIFT
    slli t0, t0, PAGE_SHIFT
    ori  t0, t0, TLB_V | TLB_R | TLB_W | TLB_X | TLB_U
    csrw tlblo, t0                     # tlbhi already holds VPN | ASID from the miss
    tlbwr
    la   t0, refills
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    j    trap_return

syscall:
    la   t0, nsyscalls
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    csrr t0, epc
    addi t0, t0, 4                     # resume after the syscall instruction
    csrw epc, t0
    lw   a7, 32(sp)
    li   t0, SYS_WRITE
    beq  a7, t0, sys_write
    li   t0, SYS_TICKS
    beq  a7, t0, sys_ticks
    li   t0, SYS_EXIT
    beq  a7, t0, sys_exit
    li   t0, -1                        # unknown syscall: -1
    sw   t0, 20(sp)
    j    trap_return

# write(buf, len): the buffer must lie inside the user region; the kernel reads it
# through kseg (physical = user virtual here), so a bad pointer can never fault it.
sys_write:
    lw   a0, 20(sp)
    lw   a1, 24(sp)
    la   t0, user_start - KSEG
    bltu a0, t0, 2f
    add  t1, a0, a1
    bltu t1, a0, 2f                    # wrapped around
    la   t0, user_end - KSEG
    bgtu t1, t0, 2f
    li   t0, KSEG
    add  t1, a0, t0                    # kseg address of the buffer
    li   t0, CONSOLE_DATA
    mv   t2, a1
1:  beqz t2, 3f
    lbu  t3, 0(t1)
    sw   t3, 0(t0)
    addi t1, t1, 1
    addi t2, t2, -1
    j    1b
2:  li   a1, -1                        # bad buffer
3:  sw   a1, 20(sp)
    j    trap_return

sys_ticks:
    la   t0, ticks
    lw   t0, 0(t0)
    sw   t0, 20(sp)
    j    trap_return

sys_exit:
    la   a0, msg_exit1
    call kputs
    lw   a0, 20(sp)
    call kputdec
    la   a0, msg_exit2
    call kputs
    la   t0, ticks
    lw   a0, 0(t0)
    call kputdec
    la   a0, msg_exit3
    call kputs
    la   t0, refills
    lw   a0, 0(t0)
    call kputdec
    la   a0, msg_exit4
    call kputs
    la   t0, nsyscalls
    lw   a0, 0(t0)
    call kputdec
    la   a0, msg_exit5
    call kputs
    lw   a0, 20(sp)
    call khalt

fatal:
    la   a0, msg_fatal1
    call kputs
    csrr a0, cause
    call kputhex
    la   a0, msg_fatal2
    call kputs
    csrr a0, epc
    call kputhex
    la   a0, msg_fatal3
    call kputs
    csrr a0, badvaddr
    call kputhex
    li   a0, '\n'
    call kputc
    li   a0, 1
    call khalt

.include "base/kprint.s"

# ---------------------------------------------------------------- the user program
# Runs in ring 3 at useg addresses (label - KSEG). Position-independent except for
# its own data, which it addresses the same way.
    .balign PAGE_SIZE
user_start:
    la   a0, umsg - KSEG
    li   a1, umsg_len
    li   a7, SYS_WRITE
    syscall
1:  li   a7, SYS_TICKS                 # spin until the kernel has seen 3 timer ticks:
    syscall                            # preemption by interrupts while in ring 3
    slti t0, a0, 3
    bnez t0, 1b
    la   a0, umsg2 - KSEG
    li   a1, umsg2_len
    li   a7, SYS_WRITE
    syscall
    li   a0, 0
    li   a7, SYS_EXIT
    syscall
2:  j    2b                            # not reached
umsg:
    .ascii "hello from ring 3!\n"
    .equ umsg_len, . - umsg
umsg2:
    .ascii "ring 3: the timer interrupted me 3 times\n"
    .equ umsg2_len, . - umsg2
    .balign PAGE_SIZE
    .space PAGE_SIZE                   # user stack
ustack_top:
user_end:

# print_modules(): one line per boot module the loader handed us (ISA.md §11, the
# boot-info page): "hello: module NAME at START, N bytes". Uses s0-s2 before anything
# needs them.
print_modules:
    mv   s1, ra
    li   s0, BOOTINFO
    lw   t0, BI_MODULES(s0)
    add  s0, s0, t0             # first module entry
    li   t0, BOOTINFO
    lw   s2, BI_NMODULES(t0)
1:  beqz s2, 2f
    la   a0, msg_mod1
    call kputs
    addi a0, s0, BI_MOD_NAME
    call kputs
    la   a0, msg_mod2
    call kputs
    lw   a0, BI_MOD_START(s0)
    call kputhex
    la   a0, msg_mod3
    call kputs
    lw   a0, BI_MOD_END(s0)
    lw   t0, BI_MOD_START(s0)
    sub  a0, a0, t0
    call kputdec
    la   a0, msg_mod4
    call kputs
    addi s0, s0, BI_MOD_SIZE
    addi s2, s2, -1
    j    1b
2:  mv   ra, s1
    ret

.rodata
msg_mod1:   .asciz "hello: module "
msg_mod2:   .asciz " at "
msg_mod3:   .asciz ", "
msg_mod4:   .asciz " bytes\n"
banner:     .asciz "hello: ring 0 kernel up; entering ring 3\n"
msg_exit1:  .asciz "hello: user exited with code "
msg_exit2:  .asciz " after "
msg_exit3:  .asciz " timer interrupts, "
msg_exit4:  .asciz " TLB refills, "
msg_exit5:  .asciz " syscalls\n"
msg_fatal1: .asciz "hello: unexpected trap cause="
msg_fatal2: .asciz " epc="
msg_fatal3: .asciz " badvaddr="

.data
ticks:      .word 0
refills:    .word 0
nsyscalls:  .word 0

.bss
    .balign 16
kstack:     .space 4096
kstack_top:
