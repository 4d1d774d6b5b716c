# trap.s — trap entry: the fast paths that make the exokernel cheap, the full path for
# everything else, and the return to ring 3.
#
# Concept: "exposed hardware events" (Engler et al.: exceptions are dispatched to the
# library OS with as little kernel work as possible — here 55 kernel instructions,
# counted by benchmarks/bench_exokernel.py).
# While an environment runs, `scratch` holds its struct env (kseg); 0 means the trap
# came from the kernel itself. Five fast paths never build a trap frame:
#
#   1. a TLB miss in a guaranteed mapping — the library OS's image, its upcall pages,
#      its window on the physical pages its domain owns (PHYSMAP, one ownership check),
#      the read-only owner table (OWNERS) — is refilled here from the kernel's tables;
#   2. any other exception (including a TLB miss elsewhere) is an upcall: t0-t2, a0-a2,
#      a7, sp and pc go to the environment's save area (UAREA) and it continues at its
#      domain's upcall entry in ring 3 (`dispatch`, EV_UPCALL) — the kernel neither
#      decodes nor handles it;
#   3. EXO_RESUME returns from an upcall: the save area back into the registers;
#   4. EXO_TLB_RESUME installs the library OS's TLB entry (checked: the page must be
#      its domain's) and resumes — a library-OS TLB refill costs two kernel entries;
#   5. EXO_PCT to an environment that waits for one switches address spaces and
#      registers in one go (a protected control transfer).
#
# Everything else — the other system calls, interrupts, an exception in an upcall
# handler — saves a full trap frame on the environment's kernel stack and calls
# usertrap. The kernel runs with IE = 0 and reaches memory only through kseg.

.include "trap/tframe.inc"              # TF_*, SAVE_REST, RESTORE_ALL_BUT_SP

    .balign 16
.global trap_entry
trap_entry:
    csrrw sp, scratch, sp               # sp = the running env, scratch = its sp
    beqz sp, ktrap_entry
    sw   t0, E_T0(sp)
    sw   t1, E_T1(sp)
    csrr t0, cause
    addi t1, t0, -CAUSE_TLB_MISS_FETCH
    sltiu t1, t1, 3
    bnez t1, tlb_miss
    li   t1, CAUSE_SYSCALL
    beq  t0, t1, syscall_fast
    blt  t0, zero, utrap_full           # an interrupt
    sw   t2, E_T2(sp)                   # any other exception: the library OS's
    csrr t1, badvaddr
    j    dispatch

syscall_fast:
    li   t1, EXO_RESUME
    beq  a7, t1, fast_resume
    li   t1, EXO_TLB_RESUME
    beq  a7, t1, fast_tlb_resume
    li   t1, EXO_PCT
    beq  a7, t1, fast_pct
    j    utrap_full

# ---- 1. guaranteed mappings, refilled by the kernel. t0 = cause.
tlb_miss:
    sw   t2, E_T2(sp)
    csrr t1, badvaddr
    lw   t2, E_IMGLO(sp)                # the library OS's image: va + IMGOFF
    bltu t1, t2, 2f
    lw   t2, E_IMGHI(sp)
    bgeu t1, t2, 2f
    lw   t2, E_IMGOFF(sp)
    add  t1, t1, t2
    srli t1, t1, 12
    slli t1, t1, 12
    ori  t1, t1, TLB_V | TLB_R | TLB_W | TLB_X | TLB_U
    j    kfill
2:  li   t2, UAREA
    bltu t1, t2, 6f
    li   t2, PHYSMAP
    bgeu t1, t2, 4f
    li   t2, UAREA_STACK                # the upcall page or the stack page
    bgeu t1, t2, 3f
    lw   t1, E_UPFN0(sp)
    beqz t1, 5f
    j    kfill
3:  lw   t1, E_UPFN1(sp)
    beqz t1, 5f
    j    kfill
4:  sub  t1, t1, t2                     # PHYSMAP: a page the domain owns?
    srli t1, t1, 12
    la   t2, ram_pages
    lw   t2, 0(t2)
    bgeu t1, t2, 5f
    la   t2, owner_table
    lw   t2, 0(t2)
    add  t2, t2, t1
    lbu  t2, 0(t2)
    andi t2, t2, OWN_MASK
    lw   t0, E_DOM(sp)
    bne  t2, t0, 5f
    slli t1, t1, 12
    ori  t1, t1, TLB_V | TLB_R | TLB_W | TLB_U
    j    kfill
6:  li   t2, OWNERS                     # the owner table, read-only
    bltu t1, t2, 5f
    sub  t1, t1, t2
    la   t2, ram_pages
    lw   t2, 0(t2)
    bgeu t1, t2, 5f
    la   t2, owner_table
    lw   t2, 0(t2)
    add  t1, t1, t2
    li   t2, KSEG
    sub  t1, t1, t2
    srli t1, t1, 12
    slli t1, t1, 12
    ori  t1, t1, TLB_V | TLB_R | TLB_U
kfill:
    csrw tlblo, t1                      # tlbhi = VPN | ASID, set by the miss
    la   t1, tlb_victim                   # round robin (see lib/mm/tlbrefill.s)
    lw   t2, 0(t1)
    addi t2, t2, 1
    sw   t2, 0(t1)
    csrw tlbidx, t2
    tlbwi
    lw   t1, E_NREFILLS(sp)
    addi t1, t1, 1
    sw   t1, E_NREFILLS(sp)
    lw   t0, E_T0(sp)
    lw   t1, E_T1(sp)
    lw   t2, E_T2(sp)
    csrrw sp, scratch, sp
    rfe
5:  csrr t0, cause                      # not guaranteed: the library OS refills it
    csrr t1, badvaddr
    # fall through

# ---- 2. dispatch an exception to the library OS. t0 = kind, t1 = detail; t0-t2 in
# the env. The save area is written through kseg (E_UK), never through useg.
dispatch:
    lw   t2, E_INUP(sp)                 # an exception in the upcall handler itself,
    bnez t2, dispatch_slow              # or no handler: the kernel's business
    lw   t2, E_UPCALL(sp)
    beqz t2, dispatch_slow
    lw   t2, E_UK(sp)
    sw   a0, U_A0(t2)
    sw   a1, U_A1(t2)
    sw   a2, U_A2(t2)
    sw   a7, U_A7(t2)
    mv   a0, t0                         # a0 = kind (the cause)
    mv   a1, t1                         # a1 = detail (badvaddr)
    csrr a2, epc                        # a2 = the interrupted pc
    sw   a0, U_KIND(t2)
    sw   a1, U_DETAIL(t2)
    sw   a2, U_EPC(t2)
    lw   t0, E_T0(sp)
    sw   t0, U_T0(t2)
    lw   t0, E_T1(sp)
    sw   t0, U_T1(t2)
    lw   t0, E_T2(sp)
    sw   t0, U_T2(t2)
    csrr t0, scratch
    sw   t0, U_SP(t2)
    lw   t0, E_UPCALL(sp)
    csrw epc, t0
    li   t0, 1
    sw   t0, E_INUP(sp)
    lw   t0, E_NUPCALLS(sp)
    addi t0, t0, 1
    sw   t0, E_NUPCALLS(sp)
    li   t0, EVENTS_ARG0                # EV_UPCALL(kind, envid)
    sw   a0, 0(t0)
    lw   t1, E_ID(sp)
    sw   t1, 4(t0)
    li   t1, EV_UPCALL
    sw   t1, -4(t0)
    csrw scratch, sp
    li   sp, UAREA_STACK                # the top of the upcall page
    rfe                                 # ring 3 (PRING), IE as it was (PIE)
dispatch_slow:
    lw   t2, E_T2(sp)
    j    utrap_full

# ---- 3. EXO_RESUME: the save area back into the registers.
fast_resume:
    lw   t0, E_INUP(sp)
    beqz t0, utrap_full                 # not in an upcall: an error, the slow way
    sw   zero, E_INUP(sp)
resume_regs:
    lw   t2, E_UK(sp)
    lw   t0, U_EPC(t2)
    csrw epc, t0
    lw   a0, U_A0(t2)
    lw   a1, U_A1(t2)
    lw   a2, U_A2(t2)
    lw   a7, U_A7(t2)
    csrw scratch, sp
    lw   sp, U_SP(t2)
    lw   t0, U_T0(t2)
    lw   t1, U_T1(t2)
    lw   t2, U_T2(t2)
    rfe

# ---- 4. EXO_TLB_RESUME(a0 = va, a1 = tlblo): the secure binding's cheap check — the
# page must belong to the environment's domain, the address must be the library OS's
# (not a guaranteed window) — then install and resume. Anything wrong: the slow path
# (which returns -EPERM to the handler, still in its upcall).
fast_tlb_resume:
    lw   t0, E_INUP(sp)
    beqz t0, utrap_full
    sw   t2, E_T2(sp)
    li   t0, OWNERS
    bgeu a0, t0, 9f
    lw   t0, E_IMGLO(sp)
    bltu a0, t0, 1f
    lw   t0, E_IMGHI(sp)
    bltu a0, t0, 9f
1:  srli t0, a1, 12                     # the PFN: owned by this domain?
    la   t1, ram_pages
    lw   t1, 0(t1)
    bgeu t0, t1, 9f
    la   t1, owner_table
    lw   t1, 0(t1)
    add  t1, t1, t0
    lbu  t1, 0(t1)
    andi t1, t1, OWN_MASK
    lw   t0, E_DOM(sp)
    bne  t1, t0, 9f
    srli t0, a0, 12                     # tlbhi = VPN | ASID
    slli t0, t0, 12
    lw   t1, E_ID(sp)
    or   t0, t0, t1
    csrw tlbhi, t0
    li   t0, ~TLB_G                     # never global; always a user page
    and  t0, a1, t0
    ori  t0, t0, TLB_V | TLB_U
    csrw tlblo, t0
    tlbp                                # an entry for this VPN already? replace it
    csrr t0, tlbidx
    bge  t0, zero, 2f
    la   t1, tlb_victim
    lw   t0, 0(t1)
    addi t0, t0, 1
    sw   t0, 0(t1)
    csrw tlbidx, t0
2:  tlbwi
    lw   t0, E_NINSTALLS(sp)
    addi t0, t0, 1
    sw   t0, E_NINSTALLS(sp)
    sw   zero, E_INUP(sp)
    j    resume_regs
9:  lw   t2, E_T2(sp)
    # fall through: the slow path says why

# ---- 5. EXO_PCT(a0 = envid, a1-a3) to an environment waiting in EXO_PCT: a protected
# control transfer is a procedure call across address spaces (exo.inc): only what a
# callee must preserve — sp, ra, gp, tp, s0-s11 and the pc — is saved in the caller's
# trap frame, the target's are loaded from its frame, a1-a3 pass through untouched,
# a0 becomes the caller's envid; no scheduler, no other register moved. (A target not
# waiting, or EXO_PCT(0): the slow path, env.s sys_pct.)
fast_pct:
    beqz a0, utrap_full
    addi t0, a0, -1                     # the target's struct env
    sltiu t1, t0, NENV
    beqz t1, utrap_full
    slli t0, t0, ENV_SHIFT
    la   t1, env_table
    add  t0, t0, t1
    lw   t1, E_STATE(t0)
    addi t1, t1, -ENV_PCTWAIT
    bnez t1, utrap_full
    lw   t1, E_KTOP(sp)                 # the caller's frame
    addi t1, t1, -TF_SIZE
    sw   ra, 4(t1)
    csrr t2, scratch
    sw   t2, 8(t1)
    sw   gp, 12(t1)
    sw   tp, 16(t1)
    sw   s0, 32(t1)
    sw   s1, 36(t1)
    sw   s2, 72(t1)
    sw   s3, 76(t1)
    sw   s4, 80(t1)
    sw   s5, 84(t1)
    sw   s6, 88(t1)
    sw   s7, 92(t1)
    sw   s8, 96(t1)
    sw   s9, 100(t1)
    sw   s10, 104(t1)
    sw   s11, 108(t1)
    csrr t2, epc
    addi t2, t2, 4
    sw   t2, TF_EPC(t1)
    li   t2, ENV_PCTWAIT
    sw   t2, E_STATE(sp)
    lw   a0, E_ID(sp)                   # the target learns who called
    li   t2, ENV_RUNNING
    sw   t2, E_STATE(t0)
    la   t2, curenv
    sw   t0, 0(t2)
    lw   t2, E_ID(t0)
    csrw asid, t2
    csrw scratch, t0
    lw   t1, E_KTOP(t0)                 # the target's frame
    addi t1, t1, -TF_SIZE
    lw   t2, TF_EPC(t1)
    csrw epc, t2
    lw   ra, 4(t1)
    lw   gp, 12(t1)
    lw   tp, 16(t1)
    lw   s0, 32(t1)
    lw   s1, 36(t1)
    lw   s2, 72(t1)
    lw   s3, 76(t1)
    lw   s4, 80(t1)
    lw   s5, 84(t1)
    lw   s6, 88(t1)
    lw   s7, 92(t1)
    lw   s8, 96(t1)
    lw   s9, 100(t1)
    lw   s10, 104(t1)
    lw   s11, 108(t1)
    lw   sp, 8(t1)
    li   t0, 0                          # no kernel address leaves the kernel
    li   t1, 0
    li   t2, 0
    rfe

# ---- the full path: a trap frame on the environment's kernel stack.
utrap_full:
    mv   t0, sp                         # the env
    lw   sp, E_KTOP(t0)
    addi sp, sp, -TF_SIZE
    sw   t2, TF_T2(sp)
    lw   t1, E_T0(t0)
    sw   t1, TF_T0(sp)
    lw   t1, E_T1(t0)
    sw   t1, TF_T1(sp)
    SAVE_REST
    csrr t0, scratch                    # the user sp
    sw   t0, TF_SP(sp)
    csrw scratch, zero                  # now in the kernel
    mv   a0, sp
    call usertrap
    # fall through
# usertrapret: sp = the current environment's trap frame. Deliver a pending upcall
# (revocation, notify) if it can take one, then back to ring 3.
.global usertrapret
usertrapret:
    mv   a0, sp
    call deliver_pending
    la   t0, curenv
    lw   t0, 0(t0)
    csrw scratch, t0
    lw   t0, TF_EPC(sp)
    csrw epc, t0
    li   t0, (3 << ST_PRING_SHIFT) | ST_PIE
    csrw status, t0
    RESTORE_ALL_BUT_SP
    lw   sp, TF_SP(sp)
    rfe

    # ---- from the kernel: sp = 0, scratch = kernel sp
ktrap_entry:
    csrrw sp, scratch, zero
    addi sp, sp, -TF_SIZE
    sw   t0, 20(sp)
    sw   t1, 24(sp)
    sw   t2, 28(sp)
    SAVE_REST
    addi t0, sp, TF_SIZE
    sw   t0, TF_SP(sp)
    mv   a0, sp
    call kerneltrap
    lw   t0, TF_EPC(sp)
    csrw epc, t0
    lw   t0, TF_STATUS(sp)
    csrw status, t0
    RESTORE_ALL_BUT_SP
    addi sp, sp, TF_SIZE
    rfe

# kerneltrap(a0 = tf): only device interrupts are legal in ring 0 (the idle loop).
kerneltrap:
    PROLOGUE
    mv   s1, a0
    lw   a0, TF_CAUSE(s1)
    bge  a0, zero, 1f
    call devintr
    EPILOGUE
1:  la   a0, msg_ktrap
    call kputs
    lw   a0, TF_CAUSE(s1)
    call kputdec
    la   a0, msg_epc
    call kputs
    lw   a0, TF_EPC(s1)
    call kputhex
    la   a0, msg_badv
    call kputs
    lw   a0, TF_BADV(s1)
    call kputhex
    li   a0, '\n'
    call kputc
    li   a0, 99
    call khalt

# devintr(a0 = cause with bit 31 set) -> a0 = 1 if it was the timer
devintr:
    PROLOGUE
    andi s1, a0, 0xFF
    li   t0, IRQ_TIMER
    bne  s1, t0, 1f
    li   t0, TIMER_ACK
    sw   zero, 0(t0)
    la   t0, ticks
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    call tick_deadlines                 # timed EXO_BLOCKs (env.s)
    call revoke_tick                    # the abort protocol's deadlines (revoke.s)
    li   a0, 1
    EPILOGUE
1:  li   t0, IRQ_CONSOLE
    bne  s1, t0, 2f
    li   t0, CONSOLE_CTRL               # input is there: stop the level-triggered line
    sw   zero, 0(t0)
    la   a0, cons_chan
    call wakeup
    li   a0, 0
    EPILOGUE
2:  li   t0, IRQ_DISK
    bne  s1, t0, 3f
    call disk_intr
3:
.ifdef NIC
    li   t0, IRQ_NIC
    bne  s1, t0, 4f
    call nic_intr
4:
.endif
    li   a0, 0
    EPILOGUE

# usertrap(a0 = tf): a trap from ring 3 that took the full path.
usertrap:
    PROLOGUE
    mv   s1, a0
    la   t0, curenv
    lw   s3, 0(t0)
    lw   s2, TF_CAUSE(s1)
    bge  s2, zero, 1f
    mv   a0, s2                         # an interrupt
    call devintr
    beqz a0, 5f
    call yield                          # timer: round robin
    j    5f
1:  li   t0, CAUSE_SYSCALL
    bne  s2, t0, 2f
    lw   t0, TF_EPC(s1)
    addi t0, t0, 4
    sw   t0, TF_EPC(s1)
    mv   a0, s1
    call syscall
    j    5f
2:  mv   a0, s3                         # an exception the library OS cannot take
    mv   a1, s1
    call env_fault
5:  EPILOGUE

.rodata
msg_ktrap:  .asciz "panic: kernel trap, cause "
msg_epc:    .asciz " epc "
msg_badv:   .asciz " badvaddr "
.text
