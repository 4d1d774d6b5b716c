# proc.s — ExOS's processes: the process table, fork/exit/wait/kill, sleep/wakeup and
# the small process calls, built on the exokernel's environments.
#
# Concept: a library OS makes its own process abstraction (Engler et al.: ExOS
# implements fork, exec and process management at user level). A process is an
# environment (EXO_ENV_ALLOC) plus what ExOS keeps in its shared process table: pid,
# parent, page table, open files, state. fork copies the address space into pages
# ExOS allocates by name, gives the child environment its upcall pages and starts it
# with the parent's registers (EXO_ENV_START) — all library code, no kernel fork.
# Blocking is ExOS's business too: sleep(chan) drops the library lock and waits in
# EXO_BLOCK; wakeup(chan) wakes each sleeper with EXO_WAKE (a wake token makes the
# hand-off race-free). kill marks the process and, if it is running its own code,
# sends it an EXO_NOTIFY upcall so it leaves (exos.s).

# allocproc() -> a0 = a clear EMBRYO slot with a pid, or 0
allocproc:
    PROLOGUE
    la   s1, proc_table
    li   s2, 0
1:  lw   t0, P_STATE(s1)
    beqz t0, 2f
    addi s1, s1, 256
    addi s2, s2, 1
    li   t0, NPROC
    blt  s2, t0, 1b
    li   a0, 0
    EPILOGUE
2:  mv   a0, s1
    li   a1, 0
    li   a2, 256
    call memset
    li   t0, EMBRYO
    sw   t0, P_STATE(s1)
    sw   s2, P_SLOT(s1)
    la   t0, nextpid
    lw   t1, 0(t0)
    sw   t1, P_PID(s1)
    addi t1, t1, 1
    sw   t1, 0(t0)
    mv   a0, s1
    EPILOGUE

# freeproc(a0 = proc): release a zombie: its environment, address space, upcall pages.
freeproc:
    PROLOGUE
    mv   s1, a0
    lw   a0, P_ENV(s1)
    beqz a0, 1f
    li   a7, EXO_ENV_FREE
    syscall
1:  lw   a0, P_PGDIR(s1)
    beqz a0, 2f
    call uvmfree
2:  lw   a0, P_UPFN0(s1)
    call pfn_free
    lw   a0, P_UPFN1(s1)
    call pfn_free
    mv   a0, s1
    li   a1, 0
    li   a2, 256
    call memset
    EPILOGUE

# sleep(a0 = chan): block the current process until wakeup(chan); the library lock is
# held on entry and on return, and dropped while it waits.
sleep:
    PROLOGUE
    li   t0, UAREA
    lw   s1, U_CURPROC(t0)
    sw   a0, P_CHAN(s1)
    li   t0, SLEEPING
    sw   t0, P_STATE(s1)
1:  call exos_unlock
    li   a0, 0
    li   a7, EXO_BLOCK
    syscall
    call exos_lock
    lw   t0, P_STATE(s1)
    li   t1, SLEEPING
    beq  t0, t1, 1b                     # an early return (an upcall): still asleep
    sw   zero, P_CHAN(s1)
    li   t0, RUNNING
    sw   t0, P_STATE(s1)
    EPILOGUE

# wakeup(a0 = chan): every process sleeping on chan becomes runnable.
wakeup:
    PROLOGUE
    mv   s3, a0
    la   s1, proc_table
    li   s2, NPROC
1:  lw   t0, P_STATE(s1)
    li   t1, SLEEPING
    bne  t0, t1, 2f
    lw   t0, P_CHAN(s1)
    bne  t0, s3, 2f
    li   t0, RUNNABLE
    sw   t0, P_STATE(s1)
    lw   a0, P_ENV(s1)
    li   a7, EXO_WAKE
    syscall
2:  addi s1, s1, 256
    addi s2, s2, -1
    bnez s2, 1b
    EPILOGUE

# killed() -> a0 = curproc->killed
killed:
    li   t0, UAREA
    lw   t0, U_CURPROC(t0)
    lw   a0, P_KILLED(t0)
    ret

# kill(a0 = pid) -> 0 / -ESRCH / -EPERM (pid 1)
sys_kill:
    PROLOGUE
    ble  a0, zero, 8f
    li   t0, 1
    bne  a0, t0, 1f
    li   a0, -EPERM
    EPILOGUE
1:  la   s1, proc_table
    li   s2, NPROC
2:  lw   t0, P_STATE(s1)
    beqz t0, 3f
    li   t1, ZOMBIE
    beq  t0, t1, 3f
    lw   t1, P_PID(s1)
    bne  t1, a0, 3f
    li   t1, 1
    sw   t1, P_KILLED(s1)
    li   t1, SLEEPING
    bne  t0, t1, 21f
    li   t1, RUNNABLE
    sw   t1, P_STATE(s1)
    lw   a0, P_ENV(s1)
    li   a7, EXO_WAKE
    syscall
21: lw   a0, P_ENV(s1)                  # running its own code? an upcall makes it go
    li   t0, UAREA
    lw   t0, U_ENVID(t0)
    beq  a0, t0, 22f
    li   a7, EXO_NOTIFY
    syscall
22: li   a0, 0
    EPILOGUE
3:  addi s1, s1, 256
    addi s2, s2, -1
    bnez s2, 2b
8:  li   a0, -ESRCH
    EPILOGUE

# exit(a0 = status): never returns. The zombie keeps its environment blocked until
# its parent's wait frees everything (freeproc).
sys_exit:
    PROLOGUE
    mv   s2, a0
    li   t0, UAREA
    lw   s1, U_CURPROC(t0)
    la   t0, initproc
    lw   t0, 0(t0)
    bne  t0, s1, 1f
    la   a0, msg_initexit
    call panic
1:  li   s3, 0                          # close every open file
2:  slli t0, s3, 2
    add  t0, t0, s1
    lw   a0, P_OFILE(t0)
    beqz a0, 3f
    sw   zero, P_OFILE(t0)
    call fileclose
3:  addi s3, s3, 1
    li   t0, NOFILE
    blt  s3, t0, 2b
    lw   a0, P_CWD(s1)
    beqz a0, 4f
    sw   zero, P_CWD(s1)
    call iput
4:  la   t0, initproc                   # give the children to init
    lw   s4, 0(t0)
    la   s5, proc_table
    li   s6, NPROC
5:  lw   t0, P_STATE(s5)
    beqz t0, 6f
    lw   t0, P_PARENT(s5)
    bne  t0, s1, 6f
    sw   s4, P_PARENT(s5)
    lw   t0, P_STATE(s5)
    li   t1, ZOMBIE
    bne  t0, t1, 6f
    mv   a0, s4
    call wakeup
6:  addi s5, s5, 256
    addi s6, s6, -1
    bnez s6, 5b
    sw   s2, P_XSTATE(s1)
    li   t0, ZOMBIE
    sw   t0, P_STATE(s1)
    lw   a0, P_PARENT(s1)
    call wakeup
    call exos_unlock                    # wait for the parent to free us
7:  li   a0, 0
    li   a7, EXO_BLOCK
    syscall
    j    7b

# wait(a0 = user int *status or 0) -> pid / -ECHILD / -EFAULT / -EINTR
sys_wait:
    PROLOGUE
    mv   s2, a0
    li   t0, UAREA
    lw   s1, U_CURPROC(t0)
1:  li   s5, 0                          # have children
    la   s3, proc_table
    li   s4, NPROC
2:  lw   t0, P_STATE(s3)
    beqz t0, 4f
    lw   t0, P_PARENT(s3)
    bne  t0, s1, 4f
    li   s5, 1
    lw   t0, P_STATE(s3)
    li   t1, ZOMBIE
    bne  t0, t1, 4f
    beqz s2, 3f
    lw   a0, P_PGDIR(s1)
    mv   a1, s2
    addi a2, s3, P_XSTATE
    li   a3, 4
    call copyout
    beqz a0, 3f
    li   a0, -EFAULT
    EPILOGUE
3:  lw   s6, P_PID(s3)
    mv   a0, s3
    call freeproc
    mv   a0, s6
    EPILOGUE
4:  addi s3, s3, 256
    addi s4, s4, -1
    bnez s4, 2b
    bnez s5, 5f
    li   a0, -ECHILD
    EPILOGUE
5:  lw   t0, P_KILLED(s1)
    beqz t0, 6f
    li   a0, -EINTR
    EPILOGUE
6:  mv   a0, s1
    call sleep
    j    1b

# fork() -> child pid / -ENOMEM. The child environment starts in the program right
# after its call of fork, with the parent's callee-saved registers and a0 = 0.
sys_fork:
    li   t0, UAREA                      # first of all: the program's registers
    sw   s0, U_FORK+0(t0)
    sw   s1, U_FORK+4(t0)
    sw   s2, U_FORK+8(t0)
    sw   s3, U_FORK+12(t0)
    sw   s4, U_FORK+16(t0)
    sw   s5, U_FORK+20(t0)
    sw   s6, U_FORK+24(t0)
    sw   s7, U_FORK+28(t0)
    sw   s8, U_FORK+32(t0)
    sw   s9, U_FORK+36(t0)
    sw   s10, U_FORK+40(t0)
    sw   s11, U_FORK+44(t0)
    sw   gp, U_FORK+48(t0)
    sw   tp, U_FORK+52(t0)
    PROLOGUE
    li   t0, UAREA
    lw   s1, U_CURPROC(t0)
    call allocproc
    beqz a0, 8f
    mv   s2, a0
    lw   a0, P_PGDIR(s1)
    call uvmcopy
    sw   a0, P_PGDIR(s2)
    beqz a0, 7f
    call kalloc                         # the child's upcall page and call stack
    beqz a0, 7f
    mv   s3, a0
    li   t0, PHYSMAP
    sub  t0, a0, t0
    srli t0, t0, 12
    sw   t0, P_UPFN0(s2)
    call kalloc
    beqz a0, 7f
    mv   s4, a0
    li   t0, PHYSMAP
    sub  t0, a0, t0
    srli t0, t0, 12
    sw   t0, P_UPFN1(s2)
    li   a7, EXO_ENV_ALLOC
    syscall
    blt  a0, zero, 7f
    sw   a0, P_ENV(s2)
    sw   s2, U_CURPROC(s3)              # its upcall page: its process, its envid
    sw   a0, U_ENVID(s3)
    lw   a1, P_UPFN0(s2)
    lw   a2, P_UPFN1(s2)
    li   a7, EXO_ENV_UAREA
    syscall
    bnez a0, 7f
    li   t0, UAREA                      # its first registers, on its stack page
    lw   t1, U_URA(t0)
    sw   t1, 4(s4)                      # ra
    sw   t1, 128(s4)                    # pc
    lw   t1, U_USP(t0)
    sw   t1, 8(s4)                      # sp
    lw   t1, U_FORK+48(t0)
    sw   t1, 12(s4)                     # gp
    lw   t1, U_FORK+52(t0)
    sw   t1, 16(s4)                     # tp
    lw   t1, U_FORK+0(t0)
    sw   t1, 32(s4)                     # s0
    lw   t1, U_FORK+4(t0)
    sw   t1, 36(s4)                     # s1
    li   t2, 2                          # s2..s11 at x18..x27
1:  slli t3, t2, 2
    add  t3, t3, t0
    lw   t1, U_FORK(t3)
    addi t3, t2, 16                     # x(16 + i) for s_i
    slli t3, t3, 2
    add  t3, t3, s4
    sw   t1, 0(t3)
    addi t2, t2, 1
    li   t3, 12
    blt  t2, t3, 1b
    sw   zero, 40(s4)                   # a0 = 0 in the child, a1-a7 kept
    li   t2, 0
11: slli t3, t2, 2
    add  t1, t3, t0
    lw   t1, U_ARGS(t1)
    add  t3, t3, s4
    sw   t1, 44(t3)
    addi t2, t2, 1
    li   t3, 7
    blt  t2, t3, 11b
    lw   t0, P_BRK(s1)
    sw   t0, P_BRK(s2)
    lw   t0, P_HEAP(s1)
    sw   t0, P_HEAP(s2)
    li   s3, 0
2:  slli t0, s3, 2
    add  t1, t0, s1
    lw   a0, P_OFILE(t1)
    beqz a0, 3f
    add  t1, t0, s2
    sw   a0, P_OFILE(t1)
    call filedup
3:  addi s3, s3, 1
    li   t0, NOFILE
    blt  s3, t0, 2b
    lw   a0, P_CWD(s1)
    sw   a0, P_CWD(s2)
    beqz a0, 4f
    call idup
4:  addi a0, s2, P_NAME
    addi a1, s1, P_NAME
    li   a2, 16
    call memmove
    sw   s1, P_PARENT(s2)
    li   t0, RUNNABLE
    sw   t0, P_STATE(s2)
    lw   a0, P_ENV(s2)                  # go
    li   t0, PHYSMAP
    sub  a1, s4, t0
    li   a7, EXO_ENV_START
    syscall
    lw   a0, P_PID(s2)
    EPILOGUE
7:  mv   a0, s2
    call freeproc
8:  li   a0, -ENOMEM
    EPILOGUE

sys_getpid:
    li   t0, UAREA
    lw   t0, U_CURPROC(t0)
    lw   a0, P_PID(t0)
    ret

sys_uptime:
    li   a0, INFO_TICKS
    li   a7, EXO_INFO
    syscall
    ret

sys_yield:
    PROLOGUE
    call exos_unlock
    li   a7, EXO_YIELD
    syscall
    call exos_lock
    li   a0, 0
    EPILOGUE

# sleep(n ticks) -> 0 / -EINTR: EXO_BLOCK with a deadline, the lock dropped
sys_sleep:
    PROLOGUE
    mv   s1, a0
    li   a0, INFO_TICKS
    li   a7, EXO_INFO
    syscall
    add  s2, a0, s1                     # the deadline
1:  call killed
    bnez a0, 7f
    li   a0, INFO_TICKS
    li   a7, EXO_INFO
    syscall
    bgeu a0, s2, 8f
    call exos_unlock
    mv   a0, s2
    li   a7, EXO_BLOCK
    syscall
    call exos_lock
    j    1b
7:  li   a0, -EINTR
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# halt(code): only pid 1
sys_halt:
    li   t0, UAREA
    lw   t0, U_CURPROC(t0)
    lw   t0, P_PID(t0)
    li   t1, 1
    bne  t0, t1, 1f
    j    exos_halt
1:  li   a0, -EPERM
    ret

# procinfo(slot, struct procinfo *) -> 0 / -ESRCH / -EINVAL / -EFAULT
sys_procinfo:
    PROLOGUE
    addi sp, sp, -32
    mv   s2, a1
    sltiu t0, a0, NPROC
    beqz t0, 91f
    slli t0, a0, PROC_SHIFT
    la   s1, proc_table
    add  s1, s1, t0
    lw   t0, P_STATE(s1)
    beqz t0, 92f
    sw   t0, 8(sp)
    li   t1, UAREA                      # the caller is running
    lw   t1, U_CURPROC(t1)
    bne  t1, s1, 0f
    li   t0, RUNNING
    sw   t0, 8(sp)
0:  lw   t0, P_PID(s1)
    sw   t0, 0(sp)
    lw   t0, P_PARENT(s1)
    beqz t0, 1f
    lw   t0, P_PID(t0)
1:  sw   t0, 4(sp)
    lw   t0, P_BRK(s1)
    li   t1, USER_BASE
    bltu t0, t1, 2f
    sub  t0, t0, t1
    j    3f
2:  li   t0, 0
3:  sw   t0, 12(sp)
    addi a0, sp, 16
    addi a1, s1, P_NAME
    li   a2, 16
    call memmove
    li   t0, UAREA
    lw   t0, U_CURPROC(t0)
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

.rodata
msg_initexit: .asciz "init exiting"
.text
