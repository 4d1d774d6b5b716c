# spawn.s — creating a process on any CPU, and the parent–child bond across CPUs.
#
# Concept: Barrelfish's domain spawning on another core, done by the monitors
# (Baumann et al., §4.4): `spawn(cpu, path, argv)` is an agreement (agree.s, OP_SPAWN)
# whose PREPARE carries, in the request's bulk buffer, the path, the arguments and the
# caller's directory. The target CPU's monitor votes yes only if it has room (a free
# process slot under its limit, CPU_PROCS, and a page for the arguments) — it then
# *reserves* the process (an EMBRYO slot with the agreed pid) — and starts it on
# COMMIT or frees it on ABORT. The new process's first run (spawnstart) execs the
# program on its own CPU, through that CPU driver's file-system proxy.
#
# A parent on another CPU cannot be a pointer: the child's CPU driver makes its monitor
# the child's parent (it *adopts* it), and the parent's CPU driver holds a *proxy*, a
# process slot that never runs (it sleeps on proxy_chan) with the child's pid, name and
# the real parent — so the monolithic wait() finds it like any child. When the child
# exits, its monitor reaps it and sends MT_EXIT; the parent's monitor turns the proxy
# into a zombie with the child's status and wakes the parent, whose wait() reaps it.
# Spawning on the caller's own CPU needs no proxy: the child is the caller's.

# sys_spawn(a0 = CPU, a1 = user path, a2 = user argv) -> the child's pid, or -errno
# (-EINVAL: no such CPU; -ENOMEM: the CPUs did not agree — no room there).
sys_spawn:
    PROLOGUE
    addi sp, sp, -32                    # the program's name at 0(sp)
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    la   t0, npeers
    lw   t0, 0(t0)
    bgeu s1, t0, 91f
    call rpc_alloc
    mv   s4, a0
    la   t0, my_cpu
    lw   a0, 0(t0)
    mv   a1, s4
    call bulk_of
    mv   s5, a0                         # bulk: path 0..127, argc 128, strings 132..
    mv   a0, s2
    mv   a1, s5
    call fetchpath                      # ../monolithic/sysfile.s
    bnez a0, 80f
    li   s6, 0                          # argc
    addi s7, s5, 132                    # string cursor
    beqz s3, 3f
1:  li   t0, MAXARG
    bge  s6, t0, 95f
    la   t0, curproc
    lw   t0, 0(t0)
    lw   a0, P_PGDIR(t0)
    addi a1, sp, 16
    slli a2, s6, 2
    add  a2, a2, s3
    li   a3, 4
    call copyin
    bnez a0, 96f
    lw   t0, 16(sp)
    beqz t0, 3f
    la   t1, curproc
    lw   t1, 0(t1)
    lw   a0, P_PGDIR(t1)
    mv   a1, s7
    mv   a2, t0
    li   t1, BULK_SIZE - 8
    add  a3, s5, t1
    sub  a3, a3, s7
    call copyinstr
    li   t0, -1
    beq  a0, t0, 96f
    blt  a0, zero, 95f
    add  s7, s7, a0
    addi s7, s7, 1
    addi s6, s6, 1
    j    1b
3:  sw   s6, 128(s5)
    call env_cwd                        # the caller's directory, for the child
    lw   t0, I_INUM(a0)
    li   t1, BULK_SIZE - 4
    add  t1, t1, s5
    sw   t0, 0(t1)
    mv   a1, s5                         # the name: the path's last element
    mv   t0, s5
4:  lbu  t1, 0(t0)
    beqz t1, 5f
    addi t0, t0, 1
    li   t2, '/'
    bne  t1, t2, 4b
    mv   a1, t0
    j    4b
5:  mv   a0, sp
    li   a2, 16
    call strlcpy
    li   a0, OP_SPAWN
    mv   a1, s1
    mv   a2, s4
    mv   a3, sp
    call new_pid                        # replica.s: agree on the pid and the spawn
    blt  a0, zero, 80f
    mv   s6, a0
    la   t0, my_cpu
    lw   t0, 0(t0)
    beq  s1, t0, 6f                     # here: the child is ours already
    mv   a0, s6
    mv   a1, sp
    call make_proxy
6:  mv   a0, s4
    call rpc_free
    mv   a0, s6
    j    90f
95: li   a0, -EINVAL
    j    80f
96: li   a0, -EFAULT
80: mv   s6, a0
    mv   a0, s4
    call rpc_free
    mv   a0, s6
    j    90f
91: li   a0, -EINVAL
90: addi sp, sp, 32
    EPILOGUE

# make_proxy(a0 = pid, a1 = name): the local stand-in for a child running elsewhere.
make_proxy:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    la   t0, nextpid
    sw   s1, 0(t0)
    call allocproc
    beqz a0, 9f
    mv   s3, a0
    la   t0, curproc
    lw   t0, 0(t0)
    sw   t0, P_PARENT(s3)
    addi a0, s3, P_NAME
    mv   a1, s2
    li   a2, 16
    call strlcpy
    la   t0, proxy_chan
    sw   t0, P_CHAN(s3)
    li   t0, SLEEPING
    sw   t0, P_STATE(s3)
9:  EPILOGUE

# on_exit(a0 = MT_EXIT message): a child spawned elsewhere for one of our processes has
# exited: its proxy becomes a zombie with its status, and its parent is woken.
on_exit:
    PROLOGUE
    lw   s1, M_A0(a0)                   # pid
    lw   s2, M_A1(a0)                   # status
    la   s3, proc_table
    li   s4, NPROC
1:  lw   t0, P_STATE(s3)
    li   t1, SLEEPING
    bne  t0, t1, 2f
    lw   t0, P_CHAN(s3)
    la   t1, proxy_chan
    bne  t0, t1, 2f
    lw   t0, P_PID(s3)
    bne  t0, s1, 2f
    sw   s2, P_XSTATE(s3)
    sw   zero, P_CHAN(s3)
    li   t0, ZOMBIE
    sw   t0, P_STATE(s3)
    lw   a0, P_PARENT(s3)
    call wakeup
    j    9f
2:  addi s3, s3, 256
    addi s4, s4, -1
    bnez s4, 1b
9:  EPILOGUE

# spawn_reserve(a0 = PREPARE message of a spawn on this CPU) -> 0, or -1 (no room).
# Called while voting (never sleeps): an EMBRYO process with the agreed pid, its
# arguments copied from the coordinator's bulk buffer into a page of its own.
spawn_reserve:
    PROLOGUE
    mv   s1, a0
    la   s2, proc_table                 # under this CPU's process limit?
    li   t0, NPROC
    li   t1, 0
1:  lw   t2, P_STATE(s2)
    snez t2, t2
    add  t1, t1, t2
    addi s2, s2, 256
    addi t0, t0, -1
    bnez t0, 1b
    la   t0, cpu_procs
    lw   t0, 0(t0)
    bge  t1, t0, 98f
    la   s2, pending                    # a free pending slot?
    li   s3, NREQ
2:  lw   t0, SP_PROC(s2)
    beqz t0, 3f
    addi s2, s2, SP_SIZE
    addi s3, s3, -1
    bnez s3, 2b
    j    98f
3:  call kalloc
    beqz a0, 98f
    mv   s3, a0
    lw   t0, M_A2(s1)                   # the process, with the agreed pid
    la   t1, nextpid
    sw   t0, 0(t1)
    call allocproc
    beqz a0, 97f
    mv   s4, a0
    mv   a0, s1                         # its arguments, from the coordinator's bulk
    call msg_src
    mv   s5, a0
    lw   a1, M_SLOT(s1)
    andi a1, a1, 0xFF
    call bulk_of
    mv   a1, a0
    mv   a0, s3
    li   a2, BULK_SIZE
    call memmove
    lw   t0, 128(s3)                    # argv: pointers at 2048.. into the strings
    sw   t0, SA_ARGC(s3)
    addi t1, s3, 132
    addi t2, s3, 2048
4:  beqz t0, 6f
    sw   t1, 0(t2)
    addi t2, t2, 4
5:  lbu  t3, 0(t1)
    addi t1, t1, 1
    bnez t3, 5b
    addi t0, t0, -1
    j    4b
6:  sw   zero, 0(t2)
    lw   t0, P_CONTEXT(s4)              # its first run: spawnstart
    la   t1, spawnstart
    sw   t1, 0(t0)
    addi a0, s4, P_NAME
    addi a1, s1, M_NAME
    li   a2, 16
    call strlcpy
    lw   t0, M_A1(s1)
    sw   t0, SP_TX(s2)
    sw   s4, SP_PROC(s2)
    sw   s3, SP_ARGS(s2)
    sw   s5, SP_FROM(s2)
    lw   t0, M_A4(s1)
    sw   t0, SP_PPID(s2)
    lw   t0, P_SLOT(s4)
    slli t0, t0, 2
    la   t1, spawn_args
    add  t0, t0, t1
    sw   s3, 0(t0)
    li   a0, 0
    EPILOGUE
97: mv   a0, s3
    call kfree
98: li   a0, -1
    EPILOGUE

# spawn_decide(a0 = tx, a1 = commit?): start the process reserved for tx, or free it.
spawn_decide:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    la   s3, pending
    li   s4, NREQ
1:  lw   t0, SP_PROC(s3)
    beqz t0, 2f
    lw   t0, SP_TX(s3)
    beq  t0, s1, 3f
2:  addi s3, s3, SP_SIZE
    addi s4, s4, -1
    bnez s4, 1b
    EPILOGUE
3:  lw   s5, SP_PROC(s3)
    sw   zero, SP_PROC(s3)
    beqz s2, 8f
    lw   t0, SP_FROM(s3)                # its parent: the caller (same CPU), or our
    la   t1, my_cpu                     # monitor, which adopts it for a remote parent
    lw   t1, 0(t1)
    bne  t0, t1, 4f
    lw   a0, SP_PPID(s3)
    call local_proc
    bnez a0, 5f
    la   t0, monitor_proc               # the caller is gone: an orphan at once
    lw   a0, 0(t0)
    j    5f
4:  la   t0, monitor_proc
    lw   a0, 0(t0)
    lw   t0, SP_FROM(s3)
    addi t0, t0, 1
    lw   t1, P_SLOT(s5)
    slli t1, t1, 2
    la   t2, adopted_from
    add  t1, t1, t2
    sw   t0, 0(t1)
5:  sw   a0, P_PARENT(s5)
    la   a0, ptable_lock                # a state changes under ptable_lock (proc.s)
    call acquire
    li   t0, RUNNABLE
    sw   t0, P_STATE(s5)
    la   a0, ptable_lock
    call release
    EPILOGUE
8:  lw   a0, SP_ARGS(s3)                # aborted: give everything back
    call kfree
    lw   t0, P_SLOT(s5)
    slli t0, t0, 2
    la   t1, spawn_args
    add  t0, t0, t1
    sw   zero, 0(t0)
    mv   a0, s5
    call freeproc
    EPILOGUE

# spawnstart: a spawned process's first run, on its own kernel stack (holding the
# scheduler's ptable_lock, which it gives back first): its directory, the console as
# fds 0, 1, 2, then exec. An exec that fails ends it with status
# -SPAWN_EXEC_FAILED - errno (what oncore reports as "cannot run").
spawnstart:
    la   a0, ptable_lock                # the scheduler's (proc.s, as forkret)
    call release
    la   t0, curproc
    lw   s1, 0(t0)
    lw   t0, P_SLOT(s1)
    slli t0, t0, 2
    la   t1, spawn_args
    add  t0, t0, t1
    lw   s2, 0(t0)                      # the arguments' page
    sw   zero, 0(t0)
    li   t0, BULK_SIZE - 4
    add  t0, t0, s2
    lw   a0, 0(t0)
    bnez a0, 1f
    li   a0, 1
1:  call iget
    sw   a0, P_CWD(s1)
    call console_file
    sw   a0, P_OFILE+0(s1)
    call filedup
    sw   a0, P_OFILE+4(s1)
    call filedup
    sw   a0, P_OFILE+8(s1)
    mv   a0, s2
    addi a1, s2, 2048
    lw   a2, SA_ARGC(s2)
    call kexec
    mv   s3, a0
    mv   a0, s2
    call kfree
    blt  s3, zero, 2f
    lw   sp, P_TF(s1)
    j    usertrapret
2:  li   t0, -SPAWN_EXEC_FAILED         # the exec failed: exit -1000 - errno
    add  a0, s3, t0
    call exit

# reap_adopted(): (the monitor) reap the zombies it adopted; a spawned child's exit goes
# back to its parent's CPU as MT_EXIT.
reap_adopted:
    PROLOGUE
    addi sp, sp, -URPC_LINE
    la   s1, proc_table
    li   s2, NPROC
1:  lw   t0, P_STATE(s1)
    li   t1, ZOMBIE
    bne  t0, t1, 3f
    lw   t0, P_PARENT(s1)
    la   t1, monitor_proc
    lw   t1, 0(t1)
    bne  t0, t1, 3f
    lw   s3, P_PID(s1)
    lw   s4, P_XSTATE(s1)
    lw   t0, P_SLOT(s1)
    slli t0, t0, 2
    la   t1, adopted_from
    add  t0, t0, t1
    lw   s5, 0(t0)                      # its parent's CPU + 1, or 0 (an orphan)
    sw   zero, 0(t0)
    mv   a0, s1
    call freeproc
    beqz s5, 3f
    li   t0, MT_EXIT
    sw   t0, M_TYPE(sp)
    sw   s3, M_A0(sp)
    sw   s4, M_A1(sp)
    addi a0, s5, -1
    mv   a1, sp
    call chan_send
3:  addi s1, s1, 256
    addi s2, s2, -1
    bnez s2, 1b
    addi sp, sp, URPC_LINE
    EPILOGUE

.equ SA_ARGC, 128                       # in an arguments page (bulk layout)
.equ SPAWN_EXEC_FAILED, 1000
.equ SP_TX, 0                           # a reserved spawn
.equ SP_PROC, 4
.equ SP_ARGS, 8
.equ SP_FROM, 12
.equ SP_PPID, 16
.equ SP_SIZE, 32

.data
    .balign 4
cpu_procs:  .word CPU_PROCS             # processes this CPU accepts (core data)
proxy_chan: .word 0                     # proxies sleep on it; nobody wakes it
.bss
    .balign 4
pending:      .space NREQ * SP_SIZE     # spawns reserved here, waiting for the decision
spawn_args:   .space NPROC * 4          # by slot: a spawned process's arguments page
adopted_from: .space NPROC * 4          # by slot: the parent's CPU + 1 (0: not spawned)
.text
