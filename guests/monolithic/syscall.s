# syscall.s — system-call dispatch and the small process/time syscalls.
#
# Concept: the system-call table (seed: monolithic kernel — "user programs reach the
# kernel only by trapping"): a7 selects a handler, a0..a5 are its arguments, its
# result goes back in the trap frame's a0. The numbers and the order of syscall_table
# (systable.s) are generated from guests/abi.toml, like the README's table.

syscall:
    PROLOGUE
    la   t0, curproc
    lw   s1, 0(t0)
    lw   s2, P_TF(s1)
    lw   t0, TF_A7(s2)
    addi t1, t0, -1
    sltiu t1, t1, NSYSCALL
    beqz t1, 8f
    slli t0, t0, 2
    la   t1, syscall_table
    add  t0, t0, t1
    lw   t3, 0(t0)
    lw   a0, TF_A0(s2)
    lw   a1, TF_A1(s2)
    lw   a2, TF_A2(s2)
    lw   a3, TF_A3(s2)
    lw   a4, TF_A4(s2)
    lw   a5, TF_A5(s2)
    jalr ra, t3, 0
    j    9f
8:
.if VMM
    addi t1, t0, -VMM_SYS               # the VM interface (vmm.s)
    sltiu t2, t1, VMM_NSYS
    beqz t2, 81f
    slli t1, t1, 2
    la   t3, vmm_syscall_table
    add  t1, t1, t3
    lw   t3, 0(t1)
    lw   a0, TF_A0(s2)
    lw   a1, TF_A1(s2)
    lw   a2, TF_A2(s2)
    lw   a3, TF_A3(s2)
    jalr ra, t3, 0
    j    9f
81:
.endif
.ifdef SYSCALL_EXTRA
    mv   a0, s2                         # numbers outside the ABI: the kernel that
    call syscall_extra                  # defines SYSCALL_EXTRA decides (hybrid)
    j    9f
.endif
    li   a0, -EINVAL
9:  sw   a0, TF_A0(s2)
    EPILOGUE

sys_getpid:
    la   t0, curproc
    lw   t0, 0(t0)
    lw   a0, P_PID(t0)
    ret

sys_uptime:
    la   t0, ticks
    lw   a0, 0(t0)
    ret

sys_yield:
    PROLOGUE
    call yield
    li   a0, 0
    EPILOGUE

# sleep(n ticks) -> 0 / -EINTR
sys_sleep:
    PROLOGUE
    mv   s1, a0
    la   t0, ticks
    lw   s2, 0(t0)
1:  la   t0, ticks
    lw   t0, 0(t0)
    sub  t0, t0, s2
    bge  t0, s1, 8f
    call killed
    bnez a0, 7f
    la   a0, ticks
    call sleep
    j    1b
7:  li   a0, -EINTR
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# halt(code): only pid 1.
sys_halt:
    la   t0, curproc
    lw   t0, 0(t0)
    lw   t0, P_PID(t0)
    li   t1, 1
    bne  t0, t1, 1f
.if PV
    j    pv_halt                        # pv.s: sched_shutdown
.endif
    li   t0, SYSCTL_HALT
    sw   a0, 0(t0)
2:  j    2b
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
    lw   t0, P_PID(s1)
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
    la   t0, curproc
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

