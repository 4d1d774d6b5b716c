# flexsc.s — exception-less system calls (FLEXSC = 1): syscall pages shared by a
# process and the kernel, and kernel syscall threads that poll them.
#
# Concept: FlexSC (seed: OS-structure slides, "system call page shared by user &
# kernel … user threads push requests … kernel threads poll"; Soares & Stumm, OSDI
# 2010). A process asks once, by trap (FLEXSC_REGISTER), for a *syscall page*: the
# kernel grows its heap by one page, pins it (P_HEAP: sbrk can never shrink it away),
# and from then on reaches it through the frame's kseg alias (P_SCPAGE) while the
# process sees it at its own address (P_SCUVA). The page is an array of 64-byte
# entries, exactly the slide's table:
#
#     syscall number | number of args | args 0 … 6 | status | return code
#
# with status FREE → SUBMIT (the user thread posted it) → BUSY (a syscall thread took
# it, with `cas`: several threads scan one page) → DONE (return code written first) →
# FREE (the user thread read the result). Entry 0 is the page's header (below).
#
# Kernel syscall threads (FLEXSC_NKT per registered process, P_KIND = 1, P_OWNER = the
# process) run `flexsc_kthread`: scan the page, run each SUBMIT entry through
# syscall_run — the same handlers as the trap path, with C_PROC = the owner, so file
# descriptors, the current directory and user pointers are the owner's — and mark it
# DONE. With several CPUs the threads are pinned to the last CPU (the dedicated
# syscall core, P_CPUSET) and the process to the others; they poll an idle page for
# FLEXSC_POLL scans, then sleep on it (H_KSLEEP counts the sleepers), so an idle page
# costs nothing. The user library wakes them when it posts to a page whose threads
# sleep (FLEXSC_WAIT a0 = 0: one trap for a whole batch), or when it has nothing left
# to run (FLEXSC_WAIT a0 = 1: wake, and sleep until one of its entries is DONE). On a
# single CPU that is the seed's single-core case: the process posts a batch, traps
# once, the syscall threads run the batch on the same CPU, the process resumes.
#
# Lost wakeups are avoided the usual way: a syscall thread going to sleep raises
# H_KSLEEP and scans once more under flexsc_lock, and a user thread raises SUBMIT
# before it reads H_KSLEEP (the machine is sequentially consistent); the owner waiting
# for DONE checks under flexsc_lock, and a syscall thread that completes an entry takes
# flexsc_lock to see whether the owner waits.
#
# Calls by trap are still allowed (fork, exec, exit, wait, sbrk, sleep, yield and halt
# always trap: they change the caller's own thread of control or address space —
# guests/flexsc/README.md). exec and exit stop the syscall threads first
# (flexsc_release): they finish what they run, exit, and are reaped by the process.
#
# Lock order: fs_lock, then flexsc_lock, then ptable_lock (README.md, "Locks").

.equ FLEXSC_REGISTER, 64                # trap numbers of this option (outside the ABI)
.equ FLEXSC_WAIT, 65
PARAM FLEXSC_NKT, 2                     # syscall threads per registered process
PARAM FLEXSC_POLL, 64                   # empty scans before a syscall thread sleeps
PARAM FLEXSC_SPIN, 400                  # user: empty polls before FLEXSC_WAIT (several CPUs)

# the syscall page (guests/flexsc/stubs/flexsc.inc has the same layout)
.equ FX_ENTRY, 64                       # bytes per entry
.equ FX_NENT, 64                        # entries per page (0 is the header)
.equ E_SYSNUM, 0
.equ E_NARGS, 4
.equ E_ARGS, 8                          # 7 words
.equ E_STATUS, 36
.equ E_RET, 40
.equ FX_FREE, 0
.equ FX_SUBMIT, 1
.equ FX_BUSY, 2
.equ FX_DONE, 3
.equ H_MAGIC, 0                         # "FXSC"
.equ H_KSLEEP, 4                        # syscall threads asleep on the page
.equ H_SPIN, 8                          # polls the user library does before waiting
.equ H_HIGH, 12                         # 1 + the highest entry the user library uses
.equ H_DONE, 16                         # calls the syscall threads completed
.equ H_NKT, 20                          # syscall threads serving the page
.equ FX_MAGIC, 0x43535846

# the calls a syscall thread refuses (-EINVAL): they act on the caller's own thread
# of control or address space, so the library traps for them
.equ FX_TRAP_ONLY, (1 << SYS_FORK) | (1 << SYS_EXIT) | (1 << SYS_WAIT) | (1 << SYS_EXEC) | (1 << SYS_SBRK) | (1 << SYS_SLEEP) | (1 << SYS_YIELD) | (1 << SYS_HALT)

.global FX_ENTRY, FX_NENT, E_SYSNUM, E_NARGS, E_ARGS, E_STATUS, E_RET, H_KSLEEP
.global H_HIGH, H_DONE, P_SCPAGE, P_SCUVA, P_KIND, P_OWNER, P_NKT
.global stat_fx_calls, stat_fx_sleeps, stat_fx_wakes, stat_fx_waits

# flexsc_syscall(a0 = trap frame) -> a0: the result of a FlexSC trap, or
# -EINVAL - 1000 when the number is not one of them. Also: exec stops the caller's
# syscall threads before it runs (no lock held here; exec runs under fs_lock).
flexsc_syscall:
    PROLOGUE
    mv   s2, a0
    lw   t0, TF_A7(s2)
    li   t1, FLEXSC_REGISTER
    beq  t0, t1, 1f
    li   t1, FLEXSC_WAIT
    beq  t0, t1, 2f
    li   a0, -EINVAL - 1000
    EPILOGUE
1:  call flexsc_register
    EPILOGUE
2:  lw   a0, TF_A0(s2)
    call flexsc_wait
    EPILOGUE

# flexsc_register() -> the syscall page's user address / -ENOMEM. Idempotent.
flexsc_register:
    PROLOGUE
    lw   s1, C_PROC(tp)
    lw   t0, P_SCPAGE(s1)
    bnez t0, 5f
    lw   s2, P_BRK(s1)                  # the page: [roundup(brk), + 4096)
    li   t0, 4095
    add  s3, s2, t0
    not  t0, t0
    and  s3, s3, t0
    li   t0, 4096
    add  a0, s3, t0
    sub  a0, a0, s2
    call growproc
    blt  a0, zero, 9f
    lw   t0, P_BRK(s1)                  # pinned: sbrk never frees it
    sw   t0, P_HEAP(s1)
    lw   a0, P_PGDIR(s1)
    mv   a1, s3
    li   a2, 0
    call pt_walk
    beqz a0, 8f
    lw   t0, 0(a0)
    li   t1, 0xFFFFF000
    and  t0, t0, t1
    li   t1, KSEG
    add  s4, t0, t1                     # kseg alias of the frame
    sw   s4, P_SCPAGE(s1)
    sw   s3, P_SCUVA(s1)
    li   t0, FX_MAGIC
    sw   t0, H_MAGIC(s4)
    li   t0, FLEXSC_NKT
    sw   t0, H_NKT(s4)
    la   t0, ncpu
    lw   s5, 0(t0)
    li   t0, 0                          # one CPU: polling would only delay the
    li   t1, 1                          # syscall threads, so wait at once
    bleu s5, t1, 2f
    li   t0, FLEXSC_SPIN
2:  sw   t0, H_SPIN(s4)
    bleu s5, t1, 3f                     # several CPUs: the process keeps off the
    li   t0, 1                          # syscall core (the last one)
    sll  t0, t0, s5
    addi t0, t0, -1
    addi t1, s5, -1
    li   t2, 1
    sll  t2, t2, t1
    not  t2, t2
    and  t0, t0, t2
    sw   t0, P_CPUSET(s1)
3:  li   s6, 0
4:  li   t0, FLEXSC_NKT
    bge  s6, t0, 5f
    mv   a0, s1
    call flexsc_spawn
    beqz a0, 5f
    addi s6, s6, 1
    j    4b
5:  lw   t0, P_NKT(s1)                  # no syscall thread could be made (a full
    beqz t0, 7f                         # process table): the process keeps trapping
    lw   a0, P_SCUVA(s1)
    EPILOGUE
7:  sw   zero, P_SCPAGE(s1)
    sw   zero, P_SCUVA(s1)
    sw   zero, P_CPUSET(s1)
    li   a0, -ENOMEM
    EPILOGUE
8:  li   a0, -EFAULT
    EPILOGUE
9:  li   a0, -ENOMEM
    EPILOGUE

# flexsc_spawn(a0 = owner) -> a0 = the new syscall thread, or 0 (no slot or memory).
flexsc_spawn:
    PROLOGUE
    mv   s1, a0
    call allocproc
    beqz a0, 9f
    mv   s2, a0
    li   t0, 1
    sw   t0, P_KIND(s2)
    sw   s1, P_OWNER(s2)
    lw   t0, P_CONTEXT(s2)              # its first swtch "returns" to the loop
    la   t1, flexsc_kthread
    sw   t1, 0(t0)
    addi a0, s2, P_NAME
    la   a1, str_fxname
    li   a2, 16
    call strlcpy
    la   t0, ncpu                       # several CPUs: the syscall core only
    lw   t0, 0(t0)
    li   t1, 1
    bleu t0, t1, 1f
    addi t0, t0, -1
    sll  t1, t1, t0
    sw   t1, P_CPUSET(s2)
1:  la   a0, ptable_lock
    call acquire
    lw   t0, P_NKT(s1)
    addi t0, t0, 1
    sw   t0, P_NKT(s1)
    li   t0, RUNNABLE
    sw   t0, P_STATE(s2)
    mv   a0, s2
    call kick
    la   a0, ptable_lock
    call release
    mv   a0, s2
9:  EPILOGUE

# flexsc_kthread: a syscall thread's body (first entered from the scheduler's swtch
# with ptable_lock held). Never returns: it exits through flexsc_kexit.
flexsc_kthread:
    la   a0, ptable_lock
    call release
    lw   s1, C_THREAD(tp)
    lw   s2, P_OWNER(s1)
    lw   s3, P_SCPAGE(s2)
    li   s4, 0                          # empty scans in a row
1:  lw   t0, P_KTSTOP(s2)
    bnez t0, flexsc_kexit
    mv   a0, s2
    mv   a1, s3
    call flexsc_scan
    beqz a0, 2f
    li   s4, 0
    j    1b
2:  la   t0, shoot_pending              # polling with interrupts off: answer a TLB
    lw   t0, 0(t0)                      # shootdown meant for this CPU (smp.s)
    lw   t1, C_BIT(tp)
    and  t0, t0, t1
    beqz t0, 3f
    call shoot_answer
3:  addi s4, s4, 1
    la   t0, ncpu                       # poll only when the process has a CPU of
    lw   t0, 0(t0)                      # its own to post from
    li   t1, 1
    bleu t0, t1, 4f
    li   t0, FLEXSC_POLL
    blt  s4, t0, 1b
4:  la   a0, flexsc_lock                # idle: sleep until the next submission
    call acquire
    lw   t0, H_KSLEEP(s3)
    addi t0, t0, 1
    sw   t0, H_KSLEEP(s3)
    mv   a0, s3                         # one more look, now that H_KSLEEP is up
    call flexsc_pending
    bnez a0, 5f
    lw   t0, P_KTSTOP(s2)
    bnez t0, 5f
    la   t0, stat_fx_sleeps
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    mv   a0, s3
    la   a1, flexsc_lock
    call sleep_on                       # the waker cleared H_KSLEEP
    j    6f
5:  sw   zero, H_KSLEEP(s3)             # work came in: nobody needs waking
6:  la   a0, flexsc_lock
    call release
    li   s4, 0
    j    1b

# flexsc_kexit: this syscall thread is done (its owner is in flexsc_release).
flexsc_kexit:
    la   a0, ptable_lock
    call acquire
    lw   t0, P_NKT(s2)
    addi t0, t0, -1
    sw   t0, P_NKT(s2)
    addi a0, s2, P_NKT
    call wakeup_locked
    li   t0, ZOMBIE
    sw   t0, P_STATE(s1)
    call sched
    la   a0, msg_fxzombie
    j    panic

# flexsc_pending(a0 = page) -> a0 = 1 if an entry is SUBMIT. Leaf.
flexsc_pending:
    lw   t1, H_HIGH(a0)
    li   t2, FX_NENT
    bleu t1, t2, 1f
    mv   t1, t2
1:  li   t2, 1
2:  bge  t2, t1, 8f
    slli t3, t2, 6
    add  t3, t3, a0
    lw   t3, E_STATUS(t3)
    li   t4, FX_SUBMIT
    beq  t3, t4, 9f
    addi t2, t2, 1
    j    2b
8:  li   a0, 0
    ret
9:  li   a0, 1
    ret

# flexsc_scan(a0 = owner, a1 = page) -> a0 = entries run. Claims each SUBMIT entry
# with cas (SUBMIT -> BUSY), runs it, writes the return code, then DONE.
flexsc_scan:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    li   s3, 1                          # entry index
    li   s4, 0                          # run
1:  lw   t0, H_HIGH(s2)
    li   t1, FX_NENT
    bleu t0, t1, 2f
    mv   t0, t1
2:  bge  s3, t0, 9f
    slli s5, s3, 6
    add  s5, s5, s2                     # the entry
    lw   t0, E_STATUS(s5)
    li   t1, FX_SUBMIT
    bne  t0, t1, 8f
    li   t0, FX_SUBMIT
    li   t1, FX_BUSY
    addi t2, s5, E_STATUS
    cas  t0, t1, (t2)
    li   t1, FX_SUBMIT
    bne  t0, t1, 8f                     # another syscall thread took it
    lw   t0, P_SLOT(s1)                 # flow id: slot << 8 | entry
    slli t0, t0, 8
    or   t0, t0, s3
    li   t1, EVENTS_ARG0
    sw   t0, 0(t1)
    li   t1, EVENTS_ARG1
    lw   t2, E_SYSNUM(s5)
    sw   t2, 0(t1)
    li   t1, EVENTS_EMIT
    li   t2, EV_REQ_SUBMIT
    sw   t2, 0(t1)
    lw   a6, E_SYSNUM(s5)
    addi t0, a6, -1                     # an ABI call that may run here?
    sltiu t0, t0, NSYSCALL
    beqz t0, 6f
    li   t0, FX_TRAP_ONLY
    srl  t0, t0, a6
    andi t0, t0, 1
    bnez t0, 6f
    lw   a0, E_ARGS+0(s5)
    lw   a1, E_ARGS+4(s5)
    lw   a2, E_ARGS+8(s5)
    lw   a3, E_ARGS+12(s5)
    lw   a4, E_ARGS+16(s5)
    lw   a5, E_ARGS+20(s5)
    call syscall_run
    j    7f
6:  li   a0, -EINVAL
7:  sw   a0, E_RET(s5)
    li   t0, FX_DONE
    sw   t0, E_STATUS(s5)
    lw   t0, H_DONE(s2)
    addi t0, t0, 1
    sw   t0, H_DONE(s2)
    la   t0, stat_fx_calls
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    lw   t0, P_SLOT(s1)
    slli t0, t0, 8
    or   t0, t0, s3
    li   t1, EVENTS_ARG0
    sw   t0, 0(t1)
    li   t1, EVENTS_EMIT
    li   t2, EV_REQ_DONE
    sw   t2, 0(t1)
    addi s4, s4, 1
    la   a0, flexsc_lock                # does the owner wait for a DONE?
    call acquire
    lw   t0, P_FXWAIT(s1)
    beqz t0, 5f
    sw   zero, P_FXWAIT(s1)
    addi a0, s1, P_FXWAIT
    call wakeup
5:  la   a0, flexsc_lock
    call release
8:  addi s3, s3, 1
    j    1b
9:  mv   a0, s4
    EPILOGUE

# flexsc_wait(a0 = 0: wake the syscall threads; 1: also wait until an entry is DONE)
# -> 0 / -EINTR / -EINVAL (no syscall page).
flexsc_wait:
    PROLOGUE
    mv   s3, a0
    lw   s1, C_PROC(tp)
    lw   s2, P_SCPAGE(s1)
    beqz s2, 8f
    la   a0, flexsc_lock
    call acquire
    lw   t0, H_KSLEEP(s2)
    beqz t0, 1f
    sw   zero, H_KSLEEP(s2)
    mv   a0, s2
    call wakeup
    la   t0, stat_fx_wakes
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
1:  beqz s3, 7f
    la   t0, stat_fx_waits
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
2:  lw   t1, H_HIGH(s2)                 # a DONE entry, or nothing outstanding: return
    li   t2, FX_NENT
    bleu t1, t2, 3f
    mv   t1, t2
3:  li   t2, 1
    li   t5, 0                          # outstanding
4:  bge  t2, t1, 6f
    slli t3, t2, 6
    add  t3, t3, s2
    lw   t3, E_STATUS(t3)
    li   t4, FX_DONE
    beq  t3, t4, 7f
    beqz t3, 5f
    li   t5, 1
5:  addi t2, t2, 1
    j    4b
6:  beqz t5, 7f
    lw   t0, P_KILLED(s1)
    bnez t0, 9f
    li   t0, 1
    sw   t0, P_FXWAIT(s1)
    addi a0, s1, P_FXWAIT
    la   a1, flexsc_lock
    call sleep_on
    j    2b
7:  la   a0, flexsc_lock
    call release
    li   a0, 0
    EPILOGUE
8:  li   a0, -EINVAL
    EPILOGUE
9:  sw   zero, P_FXWAIT(s1)
    la   a0, flexsc_lock
    call release
    li   a0, -EINTR
    EPILOGUE

# flexsc_kill(a0 = proc; ptable_lock held): its sleeping syscall threads wake (a call
# they run sees the owner killed, like the owner's own calls would).
flexsc_kill:
    PROLOGUE
    mv   s1, a0
    la   s2, proc_table
    li   s3, NPROC
1:  lw   t0, P_KIND(s2)
    beqz t0, 2f
    lw   t0, P_OWNER(s2)
    bne  t0, s1, 2f
    lw   t0, P_STATE(s2)
    li   t1, SLEEPING
    bne  t0, t1, 2f
    li   t0, RUNNABLE
    sw   t0, P_STATE(s2)
    mv   a0, s2
    call kick
2:  addi s2, s2, 256
    addi s3, s3, -1
    bnez s3, 1b
    EPILOGUE

# flexsc_release(a0 = proc, a1 = 1 from exit; no lock held): stop its syscall threads,
# wait until each has exited (a call one runs is finished — or, from exit, interrupted
# as if the process were killed: its calls see the killed flag),
# reap them and forget the syscall page (its frame belongs to the address space, freed
# with it). Called by exit and, before it replaces the image, by exec.
flexsc_release:
    PROLOGUE
    mv   s1, a0
    lw   s4, P_SCPAGE(s1)
    beqz s4, 9f
    beqz a1, 0f                         # exit: a call a syscall thread is blocked in
    li   t0, 1                          # (a console read...) gives up, as the
    sw   t0, P_KILLED(s1)               # process's own would
0:  la   a0, flexsc_lock                # the stop flag is the condition the idle
    call acquire                        # threads check under flexsc_lock: set it
    li   t0, 1                          # under the lock, then wake them (no wakeup
    sw   t0, P_KTSTOP(s1)               # lost between their check and their sleep)
    sw   zero, H_KSLEEP(s4)
    mv   a0, s4
    call wakeup
    la   a0, flexsc_lock
    call release
    la   a0, ptable_lock
    call acquire
    mv   a0, s1
    call flexsc_kill
1:  lw   t0, P_NKT(s1)
    beqz t0, 2f
    addi a0, s1, P_NKT
    la   a1, ptable_lock
    call sleep_on
    j    1b
2:  la   a0, ptable_lock
    call release
    la   s2, proc_table                 # reap them
    li   s3, NPROC
3:  lw   t0, P_KIND(s2)
    beqz t0, 4f
    lw   t0, P_OWNER(s2)
    bne  t0, s1, 4f
    lw   t0, P_STATE(s2)
    li   t1, ZOMBIE
    bne  t0, t1, 4f
    mv   a0, s2
    call freeproc
4:  addi s2, s2, 256
    addi s3, s3, -1
    bnez s3, 3b
    sw   zero, P_SCPAGE(s1)
    sw   zero, P_SCUVA(s1)
    sw   zero, P_KTSTOP(s1)
    sw   zero, P_CPUSET(s1)
9:  EPILOGUE

.rodata
str_fxname:   .asciz "[flexsc]"
msg_fxzombie: .asciz "flexsc: a dead syscall thread ran"
.text
    SPINLOCK flexsc_lock, "flexsc"
.data
    .balign 4
stat_fx_calls:  .word 0                 # calls run by syscall threads
stat_fx_sleeps: .word 0                 # times a syscall thread went to sleep
stat_fx_wakes:  .word 0                 # FLEXSC_WAIT traps that woke syscall threads
stat_fx_waits:  .word 0                 # FLEXSC_WAIT traps that waited for a DONE
.text
