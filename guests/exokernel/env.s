# env.s — environments: the exokernel's only notion of execution — creation, the
# round-robin scheduler, blocking and waking, protected control transfer, and the
# upcalls it delivers.
#
# Concept: Aegis's environments (Engler et al.): an environment is an address
# space tag (its ASID), a saved CPU context and the upcall entry of the library OS
# that manages it — no process, no parent, no file table. A library OS builds its
# processes (or threads, or whatever it likes) on environments. Two ways to hand over
# the CPU: the round-robin scheduler (a timer tick, EXO_YIELD, a block), and the
# protected control transfer EXO_PCT, which switches to a named environment at once,
# passing registers, without saving anything but the caller's trap frame — the
# exokernel's IPC primitive ("null protected control transfer", benchmarks/
# bench_exokernel.py).
#
# Each environment has a kernel stack page (its trap frame at the top): a system call
# may sleep there (a disk request, EXO_BLOCK, EXO_CWAIT). An environment waiting in
# EXO_PCT has only its trap frame: a transfer to it returns straight to ring 3.

# env_alloc(a0 = domain) -> a0 = struct env (NOTRUN, with a kernel stack) or 0
env_alloc:
    PROLOGUE
    mv   s3, a0
    la   s1, env_table
    li   s2, 0
1:  lw   t0, E_STATE(s1)
    beqz t0, 2f
    addi s1, s1, ENV_SIZE
    addi s2, s2, 1
    li   t0, NENV
    blt  s2, t0, 1b
    li   a0, 0
    EPILOGUE
2:  li   a0, OWN_KERNEL
    call kpage_alloc
    beqz a0, 9f
    mv   s4, a0
    mv   a0, s1
    li   a1, 0
    li   a2, ENV_SIZE
    call memset
    sw   s4, E_KSTACK(s1)
    li   t0, 4096
    add  t0, t0, s4
    sw   t0, E_KTOP(s1)
    addi t1, t0, -TF_SIZE               # its first swtch "returns" to envret
    addi t1, t1, -SWTCH_FRAME
    la   t2, envret
    sw   t2, 0(t1)
    sw   t1, E_CONTEXT(s1)
    addi t0, s2, 1
    sw   t0, E_ID(s1)
    sw   s3, E_DOM(s1)
    mv   a0, s3                         # copy the domain's image window and entry
    call dom_addr
    lw   t0, D_IMGLO(a0)
    sw   t0, E_IMGLO(s1)
    lw   t0, D_IMGHI(a0)
    sw   t0, E_IMGHI(s1)
    lw   t0, D_IMGOFF(a0)
    sw   t0, E_IMGOFF(s1)
    lw   t0, D_UPCALL(a0)
    sw   t0, E_UPCALL(s1)
    addi a1, a0, D_NAME
    addi a0, s1, E_NAME
    li   a2, 16
    call memmove
    li   t0, ENV_NOTRUN
    sw   t0, E_STATE(s1)
    mv   a0, s1
    EPILOGUE
9:  li   a0, 0
    EPILOGUE

# envret: a new environment's first return from swtch, with sp = its trap frame.
envret:
    j    usertrapret

# env_tf(a0 = env) -> a0 = its trap frame (leaf)
env_tf:
    lw   a0, E_KTOP(a0)
    addi a0, a0, -TF_SIZE
    ret

# env_by_id(a0 = envid) -> a0 = struct env in use, or 0 (leaf)
env_by_id:
    addi t0, a0, -1
    sltiu t1, t0, NENV
    beqz t1, 9f
    slli t0, t0, ENV_SHIFT
    la   t1, env_table
    add  a0, t0, t1
    lw   t0, E_STATE(a0)
    beqz t0, 9f
    ret
9:  li   a0, 0
    ret

# env_same(a0 = envid) -> a0 = that env if it belongs to the caller's domain, else 0
env_same:
    PROLOGUE
    call env_by_id
    beqz a0, 9f
    la   t0, curenv
    lw   t0, 0(t0)
    lw   t1, E_DOM(t0)
    lw   t2, E_DOM(a0)
    bne  t1, t2, 9f
    EPILOGUE
9:  li   a0, 0
    EPILOGUE

# env_release(a0 = env): forget a freed environment (its stack may not be in use).
env_release:
    PROLOGUE
    mv   s1, a0
    lw   a0, E_KSTACK(s1)
    call kpage_free
    lw   t0, E_ID(s1)
    tlbinvasid t0                       # its ASID will be reused
    sw   zero, E_STATE(s1)
    EPILOGUE

# env_unpin(a0 = env): its upcall pages go back to being ordinary pages of its domain.
env_unpin:
    PROLOGUE
    mv   s1, a0
    lw   a0, E_UPFN0(s1)
    call unpin_tlblo
    lw   a0, E_UPFN1(s1)
    call unpin_tlblo
    sw   zero, E_UPFN0(s1)
    sw   zero, E_UPFN1(s1)
    sw   zero, E_UK(s1)
    EPILOGUE

# ---------------------------------------------------------------- the scheduler
# scheduler(): never returns; runs on the boot stack.
scheduler:
    la   s1, env_table
    li   s2, 0                          # slot
    li   s3, 0                          # ran something this round
1:  lw   t0, E_STATE(s1)
    li   t1, ENV_DYING                  # an environment that freed itself
    bne  t0, t1, 11f
    mv   a0, s1
    call env_release
    j    2f
11: li   t1, ENV_RUNNABLE
    bne  t0, t1, 2f
    mv   a0, s1
    call switch_in
    la   a0, sched_sp
    lw   a1, E_CONTEXT(s1)
    call swtch
    la   t0, curenv
    sw   zero, 0(t0)
    li   s3, 1
2:  addi s1, s1, ENV_SIZE
    addi s2, s2, 1
    li   t0, NENV
    blt  s2, t0, 1b
    bnez s3, scheduler
    wfi                                 # nothing runnable: wait for an interrupt,
    li   t0, ST_IE                      # then take it with IE briefly on
    csrs status, t0
    nop
    csrc status, t0
    j    scheduler

# switch_in(a0 = env): make it the running environment (its ASID, EV_CONTEXT). Leaf.
switch_in:
    li   t0, ENV_RUNNING
    sw   t0, E_STATE(a0)
    la   t0, curenv
    sw   a0, 0(t0)
    lw   t0, E_ID(a0)
    csrw asid, t0
    li   t1, EVENTS_ARG0
    sw   t0, 0(t1)
    li   t2, KSEG
    addi t0, a0, E_NAME
    or   t0, t0, t2
    sw   t0, 4(t1)
    li   t0, EV_CONTEXT
    sw   t0, -4(t1)
    la   t0, stat_switches
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    ret

# sched(): switch from the current environment (state already changed) to the scheduler.
sched:
    PROLOGUE
    la   t0, curenv
    lw   t0, 0(t0)
    addi a0, t0, E_CONTEXT
    la   t1, sched_sp
    lw   a1, 0(t1)
    call swtch
    EPILOGUE

yield:
    PROLOGUE
    la   t0, curenv
    lw   t0, 0(t0)
    li   t1, ENV_RUNNABLE
    sw   t1, E_STATE(t0)
    call sched
    EPILOGUE

# sleep(a0 = chan): block the current environment in the kernel until wakeup(chan).
sleep:
    PROLOGUE
    la   t0, curenv
    lw   s1, 0(t0)
    sw   a0, E_CHAN(s1)
    li   t1, ENV_SLEEPING
    sw   t1, E_STATE(s1)
    call sched
    sw   zero, E_CHAN(s1)
    EPILOGUE

# wakeup(a0 = chan): leaf.
wakeup:
    la   t0, env_table
    li   t1, NENV
1:  lw   t2, E_STATE(t0)
    li   t3, ENV_SLEEPING
    bne  t2, t3, 2f
    lw   t2, E_CHAN(t0)
    bne  t2, a0, 2f
    li   t3, ENV_RUNNABLE
    sw   t3, E_STATE(t0)
2:  addi t0, t0, ENV_SIZE
    addi t1, t1, -1
    bnez t1, 1b
    ret

# tick_deadlines(): wake the environments whose EXO_BLOCK deadline has come. Leaf.
tick_deadlines:
    la   t0, ticks
    lw   a0, 0(t0)
    la   t0, env_table
    li   t1, NENV
1:  lw   t2, E_STATE(t0)
    li   t3, ENV_SLEEPING
    bne  t2, t3, 2f
    lw   t2, E_DEADLINE(t0)
    beqz t2, 2f
    bltu a0, t2, 2f
    li   t3, ENV_RUNNABLE
    sw   t3, E_STATE(t0)
2:  addi t0, t0, ENV_SIZE
    addi t1, t1, -1
    bnez t1, 1b
    ret

# ---------------------------------------------------------------- upcalls
# post_upcall(a0 = env, a1 = kind UP_REVOKE / UP_NOTIFY, a2 = detail): delivered the
# next time it returns to ring 3 outside an upcall; an environment blocked in
# EXO_BLOCK is woken for it (its EXO_BLOCK returns 0: library OSes re-check). Leaf.
post_upcall:
    li   t0, UP_REVOKE
    bne  a1, t0, 1f
    sw   a2, E_PREV(a0)
    li   t1, 1
    j    2f
1:  sw   a2, E_PNOT(a0)
    li   t1, 2
2:  lw   t0, E_PEND(a0)
    or   t0, t0, t1
    sw   t0, E_PEND(a0)
    lw   t0, E_STATE(a0)
    li   t1, ENV_SLEEPING
    bne  t0, t1, 3f
    lw   t0, E_CHAN(a0)
    addi t1, a0, E_WAKE
    bne  t0, t1, 3f
    li   t1, ENV_RUNNABLE
    sw   t1, E_STATE(a0)
3:  ret

# deliver_pending(a0 = tf of the current environment): turn a pending upcall into the
# upcall — the trap frame's sp, t0-t2, a0-a2, a7 and pc go to the save area and the
# frame is rewritten to enter the upcall entry (as `dispatch` does for exceptions).
deliver_pending:
    la   t0, curenv
    lw   t0, 0(t0)
    lw   t1, E_PEND(t0)
    beqz t1, 9f
    lw   t2, E_INUP(t0)
    bnez t2, 9f
    lw   t2, E_UPCALL(t0)
    beqz t2, 9f
    lw   t2, E_UK(t0)
    beqz t2, 9f
    andi t3, t1, 1
    beqz t3, 1f
    andi t1, t1, ~1 & 0xFFFF
    sw   t1, E_PEND(t0)
    li   a3, UP_REVOKE
    lw   a4, E_PREV(t0)
    j    2f
1:  andi t1, t1, ~2 & 0xFFFF
    sw   t1, E_PEND(t0)
    li   a3, UP_NOTIFY
    lw   a4, E_PNOT(t0)
2:  lw   t1, TF_SP(a0)
    sw   t1, U_SP(t2)
    lw   t1, TF_T0(a0)
    sw   t1, U_T0(t2)
    lw   t1, TF_T1(a0)
    sw   t1, U_T1(t2)
    lw   t1, TF_T2(a0)
    sw   t1, U_T2(t2)
    lw   t1, TF_A0(a0)
    sw   t1, U_A0(t2)
    lw   t1, TF_A1(a0)
    sw   t1, U_A1(t2)
    lw   t1, TF_A2(a0)
    sw   t1, U_A2(t2)
    lw   t1, TF_A7(a0)
    sw   t1, U_A7(t2)
    lw   t1, TF_EPC(a0)
    sw   t1, U_EPC(t2)
    sw   t1, TF_A2(a0)                  # a2 = the interrupted pc
    sw   a3, U_KIND(t2)
    sw   a4, U_DETAIL(t2)
    sw   a3, TF_A0(a0)
    sw   a4, TF_A1(a0)
    li   t1, UAREA_STACK
    sw   t1, TF_SP(a0)
    lw   t1, E_UPCALL(t0)
    sw   t1, TF_EPC(a0)
    li   t1, 1
    sw   t1, E_INUP(t0)
    lw   t1, E_NUPCALLS(t0)
    addi t1, t1, 1
    sw   t1, E_NUPCALLS(t0)
    li   t1, EVENTS_ARG0                # EV_UPCALL(kind, envid)
    sw   a3, 0(t1)
    lw   t2, E_ID(t0)
    sw   t2, 4(t1)
    li   t2, EV_UPCALL
    sw   t2, -4(t1)
9:  ret

# env_fault(a0 = env, a1 = tf): an exception the library OS could not take (it has no
# upcall handler, or faulted in its handler): the environment is destroyed, with one
# console line. The library OS's other environments carry on.
env_fault:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    la   a0, msg_envfault
    call kputs
    lw   a0, E_ID(s1)
    call kputdec
    la   a0, msg_lparen
    call kputs
    addi a0, s1, E_NAME
    call kputs
    la   a0, msg_cause
    call kputs
    lw   a0, TF_CAUSE(s2)
    call kputdec
    la   a0, msg_at
    call kputs
    lw   a0, TF_EPC(s2)
    call kputhex
    la   a0, msg_badv2
    call kputs
    lw   a0, TF_BADV(s2)
    call kputhex
    la   a0, msg_why1
    lw   t0, E_INUP(s1)
    bnez t0, 1f
    la   a0, msg_why2
1:  call kputs
    mv   a0, s1
    call env_unpin
    li   t0, ENV_DYING
    sw   t0, E_STATE(s1)
    call sched                          # never comes back
    EPILOGUE

# ---------------------------------------------------------------- system calls
# EXO_ENV_ALLOC() -> envid
sys_env_alloc:
    PROLOGUE
    la   t0, curenv
    lw   t0, 0(t0)
    lw   a0, E_DOM(t0)
    call env_alloc
    beqz a0, 9f
    lw   a0, E_ID(a0)
    EPILOGUE
9:  li   a0, -ENOMEM
    EPILOGUE

# EXO_ENV_UAREA(envid, pfn0, pfn1) -> 0: pages of the caller's domain become the
# environment's upcall page (UAREA) and stack page (UAREA_STACK), pinned.
sys_env_uarea:
    PROLOGUE
    mv   s2, a1
    mv   s3, a2
    call env_same
    beqz a0, 9f
    mv   s1, a0
    lw   t0, E_UPFN0(s1)
    bnez t0, 8f                         # once
    beq  s2, s3, 8f
    mv   a0, s2
    call page_mine
    beqz a0, 9f
    mv   a0, s3
    call page_mine
    beqz a0, 9f
    mv   a0, s2
    call pin_page
    mv   a0, s3
    call pin_page
    slli t0, s2, 12
    ori  t1, t0, TLB_V | TLB_R | TLB_W | TLB_U
    sw   t1, E_UPFN0(s1)
    li   t1, KSEG
    or   t0, t0, t1
    sw   t0, E_UK(s1)
    slli t0, s3, 12
    ori  t1, t0, TLB_V | TLB_R | TLB_W | TLB_U
    sw   t1, E_UPFN1(s1)
    li   a0, 0
    EPILOGUE
8:  li   a0, -EINVAL
    EPILOGUE
9:  li   a0, -EPERM
    EPILOGUE

# EXO_ENV_START(envid, ctx_pa) -> 0: x0..x31 and pc from 33 words at physical ctx_pa
# (a page of the caller's domain); the environment runs in ring 3 with IE = 1.
sys_env_start:
    PROLOGUE
    mv   s2, a1
    call env_same
    beqz a0, 9f
    mv   s1, a0
    lw   t0, E_STATE(s1)
    li   t1, ENV_NOTRUN
    bne  t0, t1, 8f
    lw   t0, E_UK(s1)
    beqz t0, 8f
    andi t0, s2, 3
    bnez t0, 8f
    srli a0, s2, 12                     # the 132 bytes must lie in one owned page
    call page_mine
    beqz a0, 9f
    andi t0, s2, 0xFFF
    li   t1, 4096 - 132
    bgtu t0, t1, 8f
    mv   a0, s1
    call env_tf
    mv   s3, a0
    li   t0, KSEG
    or   a1, s2, t0
    li   a2, 128
    call memmove
    li   t0, KSEG
    or   t0, s2, t0
    lw   t0, 128(t0)
    sw   t0, TF_EPC(s3)
    sw   zero, 0(s3)
    li   t0, ENV_RUNNABLE
    sw   t0, E_STATE(s1)
    li   a0, 0
    EPILOGUE
8:  li   a0, -EINVAL
    EPILOGUE
9:  li   a0, -EPERM
    EPILOGUE

# EXO_ENV_FREE(envid) -> 0. Freeing yourself does not return. Another environment of
# the domain may be freed unless it sleeps in the kernel on something other than its
# own EXO_BLOCK (a disk request holds its kernel stack): -EBUSY then.
sys_env_free:
    PROLOGUE
    call env_same
    beqz a0, 9f
    mv   s1, a0
    la   t0, curenv
    lw   t0, 0(t0)
    beq  t0, s1, 5f
    lw   t0, E_STATE(s1)
    li   t1, ENV_SLEEPING
    bne  t0, t1, 2f
    lw   t0, E_CHAN(s1)
    addi t1, s1, E_WAKE
    beq  t0, t1, 2f
    la   t1, cons_chan
    beq  t0, t1, 2f
    li   a0, -EBUSY
    EPILOGUE
2:  mv   a0, s1
    call env_unpin
    mv   a0, s1
    call env_release
    li   a0, 0
    EPILOGUE
5:  mv   a0, s1                         # yourself: the scheduler releases the stack
    call env_unpin
    lw   t0, E_ID(s1)
    tlbinvasid t0
    li   t0, ENV_DYING
    sw   t0, E_STATE(s1)
    call sched
9:  li   a0, -EPERM
    EPILOGUE

# EXO_BLOCK(deadline tick or 0) -> 0 (woken, or an upcall is pending) / 1 (deadline)
sys_block:
    PROLOGUE
    la   t0, curenv
    lw   s1, 0(t0)
    mv   s2, a0
1:  lw   t0, E_WAKE(s1)
    beqz t0, 2f
    sw   zero, E_WAKE(s1)
    li   a0, 0
    EPILOGUE
2:  lw   t0, E_PEND(s1)
    beqz t0, 3f
    li   a0, 0
    EPILOGUE
3:  beqz s2, 4f
    la   t0, ticks
    lw   t0, 0(t0)
    bltu t0, s2, 4f
    li   a0, 1
    EPILOGUE
4:  sw   s2, E_DEADLINE(s1)
    addi a0, s1, E_WAKE
    call sleep
    sw   zero, E_DEADLINE(s1)
    j    1b

# EXO_WAKE(envid) -> 0: set its wake token and wake it if it blocks (same domain).
sys_wake:
    PROLOGUE
    call env_same
    beqz a0, 9f
    li   t0, 1
    sw   t0, E_WAKE(a0)
    addi a0, a0, E_WAKE
    call wakeup
    li   a0, 0
    EPILOGUE
9:  li   a0, -EPERM
    EPILOGUE

# EXO_NOTIFY(envid) -> 0: a NOTIFY upcall to an environment of the same domain.
sys_notify:
    PROLOGUE
    call env_same
    beqz a0, 9f
    la   t0, curenv
    lw   t0, 0(t0)
    lw   a2, E_ID(t0)
    li   a1, UP_NOTIFY
    call post_upcall
    li   a0, 0
    EPILOGUE
9:  li   a0, -EPERM
    EPILOGUE

sys_yield:
    PROLOGUE
    call yield
    li   a0, 0
    EPILOGUE

# EXO_PCT(a0 = envid or 0, a1-a3) — protected control transfer (tf = a4 here). The
# caller's registers are already in its trap frame; it waits (ENV_PCTWAIT). If the
# target waits in EXO_PCT, the CPU goes to it at once: its trap frame gets a0 = the
# caller's envid, a1-a3 = the caller's, and we return to ring 3 on *its* frame — no
# scheduler, no other saving (Aegis's "protected control transfer"). Any domain may
# transfer to any environment: it only hands over the CPU and four registers.
sys_pct:
    la   t0, curenv
    lw   t1, 0(t0)                      # caller
    beqz a0, 5f
    addi t2, a0, -1                     # the target's struct env
    sltiu t3, t2, NENV
    beqz t3, 8f
    slli t2, t2, ENV_SHIFT
    la   t3, env_table
    add  t2, t2, t3
    lw   t3, E_STATE(t2)
    li   t4, ENV_PCTWAIT
    bne  t3, t4, 8f
    lw   t3, E_KTOP(t2)                 # its trap frame: the transfer's registers
    addi t3, t3, -TF_SIZE
    lw   t4, E_ID(t1)
    sw   t4, TF_A0(t3)
    sw   a1, TF_A1(t3)
    sw   a2, TF_A2(t3)
    sw   a3, TF_A3(t3)
    sw   zero, TF_A0(a4)                # the caller's a0 when it is resumed: 0
    li   t4, ENV_PCTWAIT
    sw   t4, E_STATE(t1)
    li   t4, ENV_RUNNING
    sw   t4, E_STATE(t2)
    sw   t2, 0(t0)                      # curenv = the target
    lw   t4, E_ID(t2)
    csrw asid, t4
    la   t4, stat_pcts
    lw   t5, 0(t4)
    addi t5, t5, 1
    sw   t5, 0(t4)
    mv   sp, t3                         # leave on the target's frame
    j    usertrapret
5:  sw   zero, TF_A0(a4)                # EXO_PCT(0): just wait for a transfer
    li   t4, ENV_PCTWAIT
    sw   t4, E_STATE(t1)
    j    pct_sched
8:  li   a0, -EAGAIN
    ret
# pct_sched: the caller waits with only its trap frame; run someone else. Its kernel
# stack is abandoned: a transfer to it resumes it from the frame (usertrapret).
pct_sched:
    la   t0, curenv
    sw   zero, 0(t0)
    la   a0, pct_dummy
    la   t0, sched_sp
    lw   a1, 0(t0)
    call swtch                          # never comes back here

# ---------------------------------------------------------------- env_* for lib/dev/disk.s
# The component environment (guests/lib/README.md): the disk driver sleeps the calling
# environment on its request, in the kernel.
env_sleep:
    j    sleep
env_wakeup:
    j    wakeup
env_v2p:
    li   t0, KSEG
    sub  a0, a0, t0
    ret

.rodata
msg_envfault: .asciz "exokernel: env "
msg_lparen:   .asciz " ("
msg_cause:    .asciz "): killed: cause "
msg_at:       .asciz " at "
msg_badv2:    .asciz " badvaddr "
msg_why1:     .asciz ", in its upcall handler\n"
msg_why2:     .asciz ", no upcall handler\n"
.text
