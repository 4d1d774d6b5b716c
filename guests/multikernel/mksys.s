# mksys.s — the multikernel's own system calls (numbers from 100, outside the portable
# ABI: ../monolithic/syscall.s hands them to syscall_extra): spawn on a CPU, a CPU's
# counters, the message round trip, the notification mode, user channels, which CPU.
#
# Concept: the services a multikernel adds to a Unix ABI (Barrelfish's `oncore`,
# its `spawn` on a core; the channels of §4.6): what programs/oncore.s, mkstat.s,
# mkping.s and chanping.s use. Everything that involves another CPU is a message to
# its monitor — including reading its counters, which live in its own memory.

# syscall_extra(a0 = trap frame) -> the result of call TF_A7.
syscall_extra:
    PROLOGUE
    mv   s1, a0
    lw   t0, TF_A7(s1)
    addi t0, t0, -SYS_SPAWN
    sltiu t1, t0, NMKSYS
    beqz t1, 9f
    slli t0, t0, 2
    la   t1, mksys_table
    add  t0, t0, t1
    lw   t3, 0(t0)
    lw   a0, TF_A0(s1)
    lw   a1, TF_A1(s1)
    lw   a2, TF_A2(s1)
    jalr ra, t3, 0
    EPILOGUE
9:  li   a0, -EINVAL
    EPILOGUE

# cpuid() -> this CPU; ncpu() -> CPUs running a CPU driver.
sys_cpuid:
    la   t0, my_cpu
    lw   a0, 0(t0)
    ret
sys_ncpu:
    la   t0, mk_ncpu
    lw   a0, 0(t0)
    ret

# mkstat(a0 = CPU, a1 = user buffer of ST_SIZE bytes) -> 0 / -EINVAL / -EFAULT: that
# CPU's counters. Another CPU's are asked for (MT_STAT): they live in its memory.
sys_mkstat:
    PROLOGUE
    addi sp, sp, -URPC_LINE
    mv   s1, a0
    mv   s2, a1
    la   t0, mk_ncpu
    lw   t0, 0(t0)
    bgeu s1, t0, 91f
    la   s3, stats
    la   t0, my_cpu
    lw   t0, 0(t0)
    beq  s1, t0, 1f
    call rpc_alloc
    mv   s4, a0
    li   t0, MT_STAT
    sw   t0, M_TYPE(sp)
    mv   a0, s1
    mv   a1, sp
    mv   a2, s4
    li   a3, RPC_TIMEOUT
    call rpc_call
    bnez a0, 92f                        # no answer: that CPU is down
    la   t0, my_cpu
    lw   a0, 0(t0)
    mv   a1, s4
    call bulk_of
    mv   s3, a0
1:  la   t0, curproc
    lw   t0, 0(t0)
    lw   a0, P_PGDIR(t0)
    mv   a1, s2
    mv   a2, s3
    li   a3, ST_SIZE
    call copyout
    mv   s5, a0
    la   t0, stats
    beq  s3, t0, 2f
    mv   a0, s4
    call rpc_free
2:  li   a0, 0
    beqz s5, 90f
    li   a0, -EFAULT
    j    90f
91: li   a0, -EINVAL
90: addi sp, sp, URPC_LINE
    EPILOGUE
92: mv   a0, s4
    call rpc_free
    li   a0, -EIO
    j    90b

# on_stat(a0 = MT_STAT message): copy our counters into the asker's bulk buffer.
on_stat:
    PROLOGUE
    mv   s1, a0
    call msg_src
    lw   a1, M_SLOT(s1)
    andi a1, a1, 0xFF
    call bulk_of
    la   a1, stats
    li   a2, ST_SIZE
    call memmove
    mv   a0, s1
    li   a1, 0
    li   a2, 0
    li   a3, 0
    call reply
    EPILOGUE

# mkping(a0 = CPU, a1 = n) -> cycles of n request/answer round trips with that CPU's
# monitor (-EINVAL for this CPU or none).
sys_mkping:
    PROLOGUE
    addi sp, sp, -URPC_LINE
    mv   s1, a0
    mv   s2, a1
    la   t0, mk_ncpu
    lw   t0, 0(t0)
    bgeu s1, t0, 91f
    la   t0, my_cpu
    lw   t0, 0(t0)
    beq  s1, t0, 91f
    call rpc_alloc
    mv   s3, a0
    csrr s4, cycle
1:  ble  s2, zero, 2f
    li   t0, MT_PING
    sw   t0, M_TYPE(sp)
    mv   a0, s1
    mv   a1, sp
    mv   a2, s3
    li   a3, 0
    call rpc_call
    addi s2, s2, -1
    j    1b
2:  csrr s5, cycle
    mv   a0, s3
    call rpc_free
    sub  a0, s5, s4
    j    90f
91: li   a0, -EINVAL
90: addi sp, sp, URPC_LINE
    EPILOGUE

# mkmode(a0 = 0 poll / 1 notify, or -1 to ask) -> the mode before: every CPU's monitor
# switches (MT_MODE to each).
sys_mkmode:
    PROLOGUE
    addi sp, sp, -URPC_LINE
    mv   s1, a0
    la   t0, notify_mode
    lw   s2, 0(t0)
    blt  s1, zero, 9f
    snez s1, s1
    sw   s1, 0(t0)
    li   s3, 0
1:  la   t0, mk_ncpu
    lw   t0, 0(t0)
    bge  s3, t0, 9f
    la   t0, my_cpu
    lw   t0, 0(t0)
    beq  s3, t0, 2f
    li   t0, MT_MODE
    sw   t0, M_TYPE(sp)
    sw   s1, M_A0(sp)
    mv   a0, s3
    mv   a1, sp
    call chan_send
2:  addi s3, s3, 1
    j    1b
9:  mv   a0, s2
    addi sp, sp, URPC_LINE
    EPILOGUE

.rodata
    .balign 4
mksys_table:                            # from SYS_SPAWN (param.inc)
    .word sys_spawn, sys_mkstat, sys_mkping, sys_mkmode, sys_chan, sys_cpuid, sys_ncpu
.ifdef UPAGES
    .word sys_memctl                    # the disaggregated kernel's (pmem.s)
.equ NMKSYS, 8
.else
.equ NMKSYS, 7
.endif
.text
