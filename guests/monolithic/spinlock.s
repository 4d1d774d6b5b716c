# spinlock.s — spinlocks built on `cas`, and the interrupt-off nesting they need.
#
# Concept: mutual exclusion between CPUs (seed: multiprocessors — the kernel's shared
# data is shared by every CPU at once; xv6 spinlock.c). A spinlock is a word that
# `cas` changes from 0 to 1 atomically (ISA.md §3: atomic with respect to every CPU);
# the loser spins. A CPU holding a spinlock must not take an interrupt whose handler
# wants the same lock (it would spin forever against itself), so acquire turns
# interrupts off and release turns them back on — nested: push_off/pop_off count the
# depth per CPU (C_NOFF) and remember whether interrupts were on before the first one
# (C_INTENA). Acquiring a lock this CPU already holds can never succeed: it is a
# `panic: acquire: ... already held by this CPU`, not a silent hang.
#
# The lock order (README.md, "Locks") is what keeps two CPUs from each holding what the
# other waits for. One more rule is particular to ringvm: a CPU spinning here has
# interrupts off, so it cannot take the IPI of a TLB shootdown (smp.s) — and the CPU
# that sent it waits for the answer, maybe holding the very lock we spin on. So the
# spin loop answers a shootdown addressed to this CPU itself (shoot_answer).
#
# struct spinlock (SL_SIZE bytes): L_LOCKED (0 free, 1 held), L_CPU (the holder's
# struct cpu, 0 while free), L_NAME (its name, for panics and `info locks`), L_COUNT
# (acquisitions) and L_SPINS (failed attempts: contention) — statistics, not exact
# under races (plain increments), the same on every run.
#
# In the kernel, tp always holds this CPU's struct cpu (smp.s).

.equ L_LOCKED, 0
.equ L_CPU, 4
.equ L_NAME, 8
.equ L_COUNT, 12
.equ L_SPINS, 16
.equ SL_SIZE, 20
.global L_LOCKED, L_CPU, L_NAME, L_COUNT, L_SPINS    # for info locks

# SPINLOCK label, "name": a statically allocated spinlock in .data
.macro SPINLOCK label, name
    .rodata
sln\@: .asciz \name
    .data
    .balign 4
\label: .word 0, 0, sln\@, 0, 0
    .text
.endm

# push_off(): interrupts off, one level deeper. Leaf (t0, t1).
push_off:
    li   t1, ST_IE
    csrrc t0, status, t1                # t0 = status before (IE now 0)
    lw   t1, C_NOFF(tp)
    bnez t1, 1f
    andi t0, t0, ST_IE
    sw   t0, C_INTENA(tp)
1:  addi t1, t1, 1
    sw   t1, C_NOFF(tp)
    ret

# pop_off(): one level less; interrupts back on when the outermost level had them on.
pop_off:
    csrr t0, status
    andi t0, t0, ST_IE
    bnez t0, 8f                         # interruptible while a lock is held?
    lw   t1, C_NOFF(tp)
    ble  t1, zero, 9f
    addi t1, t1, -1
    sw   t1, C_NOFF(tp)
    bnez t1, 1f
    lw   t0, C_INTENA(tp)
    beqz t0, 1f
    li   t0, ST_IE
    csrs status, t0
1:  ret
8:  la   a0, msg_popoff_ie
    j    panic
9:  la   a0, msg_popoff
    j    panic

# acquire(a0 = lock): spin until the lock is ours (interrupts off until release).
acquire:
    PROLOGUE
    mv   s1, a0
    call push_off
    lw   t0, L_LOCKED(s1)               # recursion: held, and by this CPU
    beqz t0, 1f
    lw   t0, L_CPU(s1)
    beq  t0, tp, 8f
1:  li   t0, 0
    li   t1, 1
    cas  t0, t1, (s1)                   # t0 = old value; 0 -> 1 if it was free
    beqz t0, 3f
    lw   t0, L_SPINS(s1)                # held by another CPU: count, answer a
    addi t0, t0, 1                      # shootdown meant for us, try again
    sw   t0, L_SPINS(s1)
    la   t0, shoot_pending
    lw   t0, 0(t0)
    lw   t1, C_BIT(tp)
    and  t0, t0, t1
    beqz t0, 1b
    call shoot_answer
    j    1b
3:  sw   tp, L_CPU(s1)
    lw   t0, L_COUNT(s1)
    addi t0, t0, 1
    sw   t0, L_COUNT(s1)
    EPILOGUE
8:  la   a0, msg_acquire
    lw   a1, L_NAME(s1)
    j    panic2

# release(a0 = lock): the lock must be held by this CPU.
release:
    PROLOGUE
    lw   t0, L_LOCKED(a0)
    beqz t0, 8f
    lw   t0, L_CPU(a0)
    bne  t0, tp, 8f
    sw   zero, L_CPU(a0)                # clear the holder first: acquire's recursion
    sw   zero, L_LOCKED(a0)             # test never sees a stale one
    call pop_off
    EPILOGUE
8:  lw   a1, L_NAME(a0)
    la   a0, msg_release
    j    panic2

# holding(a0 = lock) -> a0 = 1 if this CPU holds it. Leaf.
holding:
    lw   t0, L_LOCKED(a0)
    beqz t0, 1f
    lw   t0, L_CPU(a0)
    bne  t0, tp, 1f
    li   a0, 1
    ret
1:  li   a0, 0
    ret

# panic2(a0 = message, a1 = second string): "panic: <message><second>" and halt 99.
panic2:
    mv   s1, a0
    mv   s2, a1
    la   a0, msg_panic
    call kputs
    mv   a0, s1
    call kputs
    mv   a0, s2
    call kputs
    li   a0, '\n'
    call kputc
    li   a0, 99
    call khalt

.rodata
msg_acquire:   .asciz "acquire: already held by this CPU: "
msg_release:   .asciz "release: not held by this CPU: "
msg_popoff:    .asciz "pop_off: not pushed"
msg_popoff_ie: .asciz "pop_off: interrupts on while a lock is held"
.text
