# swtch.s — kernel context switch (OSKit-style shared component).
#
# Concept: a thread is a kernel stack plus saved callee-saved registers (process
# management seed: "context switch = save one register set, load another"). Only the
# registers the calling convention says survive a call need saving; everything else is
# in the caller's frame or the trap frame.
#
# swtch(a0 = &old_sp, a1 = new_sp): push ra, s0..s11 on the current stack, store sp
# into *a0, load sp = a1, pop the new context and return into it. A new thread's stack
# is prepared with SWTCH_FRAME bytes whose word 0 is the address to "return" to.
#
# Provides: swtch, SWTCH_FRAME
# Needs: nothing

.equ SWTCH_FRAME, 64

swtch:
    addi sp, sp, -SWTCH_FRAME
    sw   ra, 0(sp)
    sw   s0, 4(sp)
    sw   s1, 8(sp)
    sw   s2, 12(sp)
    sw   s3, 16(sp)
    sw   s4, 20(sp)
    sw   s5, 24(sp)
    sw   s6, 28(sp)
    sw   s7, 32(sp)
    sw   s8, 36(sp)
    sw   s9, 40(sp)
    sw   s10, 44(sp)
    sw   s11, 48(sp)
    sw   sp, 0(a0)
    mv   sp, a1
    lw   ra, 0(sp)
    lw   s0, 4(sp)
    lw   s1, 8(sp)
    lw   s2, 12(sp)
    lw   s3, 16(sp)
    lw   s4, 20(sp)
    lw   s5, 24(sp)
    lw   s6, 28(sp)
    lw   s7, 32(sp)
    lw   s8, 36(sp)
    lw   s9, 40(sp)
    lw   s10, 44(sp)
    lw   s11, 48(sp)
    addi sp, sp, SWTCH_FRAME
    ret
