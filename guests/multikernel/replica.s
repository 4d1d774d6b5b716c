# replica.s — the replicated process directory, and the system calls that read or
# change global process state through it: fork, kill, procinfo (ps), exec, exit.
#
# Concept: replicas instead of shared data (Baumann et al., §3.3 "View state as
# replicated"; seed: the OS-structure slides, "Maintaining multiple copies, instead of
# one"; Popcorn Linux's replicas). Which processes exist, on which CPU, with which
# parent, is global knowledge — but no CPU driver reads another's memory, so each keeps
# its own copy, `pdir` (NPDIR entries), and every change goes through an agreement
# (agree.s): fork adds the child's pid (proposed as one past the largest this replica
# knows; a refusal because another CPU took it meanwhile makes it try the next), exit
# removes it. Reads are local and cost no message: `ps` on any CPU lists every process
# of every CPU from its own replica (a process elsewhere shows as NAME@CPU, with the
# state only its own CPU driver knows shown as "?"), `kill` finds the CPU that can do
# it. A field only the owning CPU ever changes (the program a process runs, after exec)
# needs no agreement: it is broadcast (MT_RENAME), the single-writer pattern.

# pdir_init(): an empty directory but for init (pid 1 on CPU 0): the state every CPU
# driver boots with.
pdir_init:
    PROLOGUE
    la   a0, pdir
    li   a1, 0
    li   a2, NPDIR * PD_SIZE
    call memset
    la   s1, pdir
    li   t0, PDS_COMMITTED
    sw   t0, PD_STATE(s1)
    li   t0, 1
    sw   t0, PD_PID(s1)
    sw   t0, PD_KIND(s1)
    addi a0, s1, PD_NAME
    la   a1, str_init
    li   a2, 16
    call strlcpy
    EPILOGUE

# pdir_find_any(a0 = kind, a1 = pid) -> a0 = its entry in any state but free, or 0. Leaf.
pdir_find_any:
    li   t3, 0
    j    pdir_scan
# pdir_find(a0 = kind, a1 = pid) -> a0 = its committed entry, or 0. Leaf.
pdir_find:
    li   t3, PDS_COMMITTED
pdir_scan:
    la   t0, pdir
    li   t1, NPDIR
1:  lw   t2, PD_STATE(t0)
    beqz t2, 2f
    beqz t3, 3f
    bne  t2, t3, 2f
3:  lw   t2, PD_KIND(t0)
    bne  t2, a0, 2f
    lw   t2, PD_PID(t0)
    bne  t2, a1, 2f
    mv   a0, t0
    ret
2:  addi t0, t0, PD_SIZE
    addi t1, t1, -1
    bnez t1, 1b
    li   a0, 0
    ret

# pdir_free_entry() -> a0 = a free entry, or 0 (the directory is full). Leaf.
pdir_free_entry:
    la   t0, pdir
    li   t1, NPDIR
1:  lw   t2, PD_STATE(t0)
    bnez t2, 2f
    mv   a0, t0
    ret
2:  addi t0, t0, PD_SIZE
    addi t1, t1, -1
    bnez t1, 1b
    li   a0, 0
    ret

# pid_guess() -> a0 = one past the largest pid this replica knows or has known (in any
# state: pids are not reused soon, as in Unix). Leaf.
pid_guess:
    la   t0, pdir
    li   t1, NPDIR
    la   a0, pid_high
    lw   a0, 0(a0)
1:  lw   t2, PD_STATE(t0)
    beqz t2, 2f
    lw   t2, PD_KIND(t0)
    li   t3, PDK_PROC
    bne  t2, t3, 2f
    lw   t2, PD_PID(t0)
    bltu t2, a0, 2f
    mv   a0, t2
2:  addi t0, t0, PD_SIZE
    addi t1, t1, -1
    bnez t1, 1b
    addi a0, a0, 1
    ret

# new_pid(a0 = op, a1 = target CPU, a2 = a request slot or -1, a3 = the child's name
# or 0: the caller's) -> a0 = the pid this operation created for the current process's
# child, or -ENOMEM. Agrees on pids, one past what this replica knows, until a pid is
# granted (another CPU may have taken the one proposed: refusal R_EXISTS — try the
# next) or the operation is refused for another reason (no room: give up).
new_pid:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s6, a3
    bnez s6, 1f
    la   t0, curproc
    lw   t0, 0(t0)
    addi s6, t0, P_NAME
1:  li   s4, 8                          # attempts
    call pid_guess
    mv   s5, a0
2:  la   t0, curproc
    lw   t0, 0(t0)
    mv   a0, s1
    mv   a1, s5
    mv   a2, s2
    lw   a3, P_PID(t0)
    mv   a4, s6
    mv   a5, s3
    call agree
    beqz a0, 8f
    li   t0, -R_EXISTS
    bne  a0, t0, 7f
    addi s5, s5, 1                      # taken meanwhile: the next one
    addi s4, s4, -1
    bnez s4, 2b
7:  li   a0, -ENOMEM
    EPILOGUE
8:  mv   a0, s5
    EPILOGUE

# mk_fork() -> the child's pid, or -errno: agree on its pid, then the monolithic fork
# makes it with that pid (allocproc takes nextpid).
mk_fork:
    PROLOGUE
    li   a0, OP_ADD
    la   t0, my_cpu
    lw   a1, 0(t0)
    li   a2, -1
    li   a3, 0
    call new_pid
    blt  a0, zero, 9f
    mv   s1, a0
    la   t0, nextpid
    sw   s1, 0(t0)
    call fork                           # ../monolithic/proc.s
    bge  a0, zero, 9f
    mv   s2, a0                         # no memory: the pid is given back
    li   a0, OP_REMOVE
    mv   a1, s1
    li   a2, 0
    li   a3, 0
    li   a4, 0
    li   a5, -1
    call agree
    mv   a0, s2
9:  EPILOGUE

# mk_kill(a0 = pid) -> 0 / -ESRCH / -EPERM: the process's CPU kills it (its own CPU
# driver, or its monitor for us: MT_KILL).
mk_kill:
    PROLOGUE
    mv   s1, a0
    li   t0, 1
    bne  s1, t0, 1f
    li   a0, -EPERM
    EPILOGUE
1:  li   a0, PDK_PROC
    mv   a1, s1
    call pdir_find
    beqz a0, 8f
    lw   s2, PD_CPU(a0)
    la   t0, my_cpu
    lw   t0, 0(t0)
    bne  s2, t0, 2f
    mv   a0, s1
    call kill                           # ../monolithic/proc.s
    EPILOGUE
2:  addi sp, sp, -URPC_LINE
    call rpc_alloc
    mv   s3, a0
    li   t0, MT_KILL
    sw   t0, M_TYPE(sp)
    sw   s1, M_A0(sp)
    mv   a0, s2
    mv   a1, sp
    mv   a2, s3
    li   a3, 0
    call rpc_call
    mv   a0, s3
    call rpc_slot
    lw   s4, RS_MSG+M_A0(a0)
    mv   a0, s3
    call rpc_free
    mv   a0, s4
    addi sp, sp, URPC_LINE
    EPILOGUE
8:  li   a0, -ESRCH
    EPILOGUE

# local_proc(a0 = pid) -> a0 = this CPU driver's process with that pid (not a proxy
# for a remote child), or 0. Leaf.
local_proc:
    la   t0, proc_table
    li   t1, NPROC
1:  lw   t2, P_STATE(t0)
    beqz t2, 2f
    lw   t2, P_PID(t0)
    bne  t2, a0, 2f
    lw   t2, P_CHAN(t0)
    la   t3, proxy_chan
    beq  t2, t3, 2f
    mv   a0, t0
    ret
2:  addi t0, t0, 256
    addi t1, t1, -1
    bnez t1, 1b
    li   a0, 0
    ret

# mk_procinfo(a0 = slot, a1 = user struct procinfo *) -> 0 / -ESRCH / -EINVAL / -EFAULT.
# Slot i is entry i of this CPU's replica; a process of this CPU is described by its
# CPU driver's own table, one elsewhere by the replica alone.
mk_procinfo:
    PROLOGUE
    addi sp, sp, -32
    mv   s2, a1
    sltiu t0, a0, NPDIR
    beqz t0, 91f
    li   t0, PD_SIZE
    mul  t0, a0, t0
    la   s1, pdir
    add  s1, s1, t0
    lw   t0, PD_STATE(s1)
    li   t1, PDS_COMMITTED
    bne  t0, t1, 92f
    lw   t0, PD_KIND(s1)
    li   t1, PDK_PROC
    bne  t0, t1, 92f
    lw   t0, PD_PID(s1)
    sw   t0, 0(sp)
    lw   t0, PD_PPID(s1)
    sw   t0, 4(sp)
    sw   zero, 8(sp)
    sw   zero, 12(sp)
    lw   t0, PD_CPU(s1)
    la   t1, my_cpu
    lw   t1, 0(t1)
    bne  t0, t1, 2f
    lw   a0, PD_PID(s1)                 # ours: what our CPU driver knows
    call local_proc
    beqz a0, 2f
    mv   s3, a0
    lw   t0, P_STATE(s3)
    sw   t0, 8(sp)
    lw   t0, P_BRK(s3)
    li   t1, USER_BASE
    bltu t0, t1, 1f
    sub  t0, t0, t1
    sw   t0, 12(sp)
1:  addi a0, sp, 16
    addi a1, s3, P_NAME
    li   a2, 16
    call memmove
    j    3f
2:  addi a0, sp, 16                     # elsewhere: NAME@CPU from the replica
    addi a1, s1, PD_NAME
    li   a2, 13
    call strlcpy
    addi a0, sp, 16
    call strlen
    addi t0, sp, 16
    add  t0, t0, a0
    li   t1, '@'
    sb   t1, 0(t0)
    lw   t1, PD_CPU(s1)
    addi t1, t1, '0'
    sb   t1, 1(t0)
    sb   zero, 2(t0)
3:  la   t0, curproc
    lw   t0, 0(t0)
    lw   a0, P_PGDIR(t0)
    mv   a1, s2
    mv   a2, sp
    li   a3, 32
    call copyout
    beqz a0, 90f
    li   a0, -EFAULT
    j    90f
91: li   a0, -EINVAL
    j    90f
92: li   a0, -ESRCH
90: addi sp, sp, 32
    EPILOGUE

# mk_exec(a0 = path, a1 = argv) -> argc / -errno: drop the process's user-channel
# mappings (their frames are shared, not its own: exec must not free them), run the
# monolithic exec, and tell the other replicas the program's name.
mk_exec:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    la   t0, curproc
    lw   a0, 0(t0)
    call uchan_unmap                    # uchan.s
    mv   a0, s1
    mv   a1, s2
    call sys_exec                       # ../monolithic/exec.s
    blt  a0, zero, 9f
    mv   s1, a0
    la   t0, curproc
    lw   a0, 0(t0)
    call pdir_rename
    mv   a0, s1
9:  EPILOGUE

# pdir_rename(a0 = proc): its entry takes its name here, and a MT_RENAME tells the
# other replicas (only this CPU ever renames its processes: no agreement needed).
pdir_rename:
    PROLOGUE
    addi sp, sp, -URPC_LINE
    mv   s1, a0
    li   a0, PDK_PROC
    lw   a1, P_PID(s1)
    call pdir_find
    beqz a0, 1f
    addi a0, a0, PD_NAME
    addi a1, s1, P_NAME
    li   a2, 16
    call strlcpy
1:  li   t0, MT_RENAME
    sw   t0, M_TYPE(sp)
    lw   t0, P_PID(s1)
    sw   t0, M_A0(sp)
    addi a0, sp, M_NAME
    addi a1, s1, P_NAME
    li   a2, 16
    call strlcpy
    li   s2, 0
2:  la   t0, npeers
    lw   t0, 0(t0)
    bge  s2, t0, 4f
    la   t0, my_cpu
    lw   t0, 0(t0)
    beq  s2, t0, 3f
    li   t0, MT_RENAME
    sw   t0, M_TYPE(sp)
    mv   a0, s2
    mv   a1, sp
    call chan_send
3:  addi s2, s2, 1
    j    2b
4:  addi sp, sp, URPC_LINE
    EPILOGUE

# on_rename(a0 = MT_RENAME message): the owner of a process says what it runs now.
on_rename:
    PROLOGUE
    mv   s1, a0
    li   a0, PDK_PROC
    lw   a1, M_A0(s1)
    call pdir_find
    beqz a0, 1f
    addi a0, a0, PD_NAME
    addi a1, s1, M_NAME
    li   a2, 16
    call strlcpy
1:  EPILOGUE

# exit_hook(a0 = proc): every exit (../monolithic/proc.s, EXIT_HOOK): release its user
# channels, then agree that its pid is gone.
exit_hook:
    PROLOGUE
    mv   s1, a0
    call uchan_release                  # uchan.s
.ifdef UPAGES
    mv   a0, s1                         # the disaggregated kernel: forget its home
    call exit_mem
.endif
    lw   a1, P_PID(s1)
    li   t0, KPID_BASE
    bgeu a1, t0, 1f
    li   a0, OP_REMOVE
    li   a2, 0
    li   a3, 0
    li   a4, 0
    li   a5, -1
    call agree
1:  EPILOGUE

.rodata
    .balign 4
mk_overrides:                           # trap.s mk_syscall: number -> handler
    .word SYS_FORK, mk_fork
    .word SYS_KILL, mk_kill
    .word SYS_PROCINFO, mk_procinfo
    .word SYS_EXEC, mk_exec
    .word 0, 0
.data
    .balign 4
pid_high: .word 1                       # the largest pid this replica has prepared
.bss
    .balign 16
pdir: .space NPDIR * PD_SIZE            # this CPU driver's replica of the directory
.text
