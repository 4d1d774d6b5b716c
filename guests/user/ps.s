# ps.s — ps: list the processes (procinfo(2) on every slot of the process table) as
# "PID PPID STATE SIZE NAME". On a multiprocessor kernel that reports CPUs (procinfo's
# cpu field, 1 + the CPU number; 0 everywhere else) a CPU column shows where each
# process runs, or last ran: "PID PPID STATE CPU SIZE NAME".

.include "lib/ulib.s"

.text
.global main
main:
    FUNC_ENTER
    li   s1, 0                  # does any slot report a CPU? (a first pass)
    li   s3, 0
1:  mv   a0, s1
    la   a1, ps_info
    call ps_get
    li   t0, -EINVAL
    beq  a0, t0, 2f             # past the table
    blt  a0, zero, 11f          # unused slot
    la   t0, ps_info
    lw   t0, PI_CPU(t0)
    beqz t0, 11f
    li   s3, 1
    j    2f
11: addi s1, s1, 1
    li   t0, 1024               # a sanity bound
    blt  s1, t0, 1b
2:  la   a0, ps_head
    beqz s3, 21f
    la   a0, ps_head_cpu
21: call printf
    li   s1, 0                  # slot
3:  mv   a0, s1
    la   a1, ps_info
    call ps_get
    li   t0, -EINVAL
    beq  a0, t0, 9f             # past the table
    blt  a0, zero, 5f           # unused slot
    la   t0, ps_info
    lw   a3, PI_STATE(t0)
    li   t1, 6
    bltu a3, t1, 4f
    li   a3, 0
4:  la   t1, ps_states
    slli a3, a3, 2
    add  t1, t1, a3
    lw   a3, 0(t1)
    lw   a1, PI_PID(t0)
    lw   a2, PI_PPID(t0)
    sb   zero, PI_NAME + 15(t0)
    beqz s3, 41f
    lw   a4, PI_CPU(t0)         # with the CPU column
    addi a4, a4, -1
    lw   a5, PI_SIZE(t0)
    addi a6, t0, PI_NAME
    la   a0, ps_fmt_cpu
    call printf
    j    5f
41: lw   a4, PI_SIZE(t0)
    addi a5, t0, PI_NAME
    la   a0, ps_fmt
    call printf
5:  addi s1, s1, 1
    li   t0, 1024               # a sanity bound
    blt  s1, t0, 3b
9:  li   a0, 0
    FUNC_RETURN

# ps_get(a0 = slot, a1 = buffer) -> procinfo's result, with the cpu field cleared
# first (a kernel that does not report it leaves it 0)
ps_get:
    sw   zero, PI_CPU(a1)
    j    procinfo

.rodata
ps_head: .asciz "  PID  PPID STATE     SIZE NAME\n"
ps_fmt:  .asciz "%5d %5d %-8s %5d %s\n"
ps_head_cpu: .asciz "  PID  PPID STATE    CPU  SIZE NAME\n"
ps_fmt_cpu:  .asciz "%5d %5d %-8s %3d %5d %s\n"
.align 4
ps_states: .word ps_s0, ps_s1, ps_s2, ps_s3, ps_s4, ps_s5
ps_s0: .asciz "?"
ps_s1: .asciz "embryo"
ps_s2: .asciz "sleeping"
ps_s3: .asciz "runnable"
ps_s4: .asciz "running"
ps_s5: .asciz "zombie"
.bss
.align 4
ps_info: .space PROCINFO_SIZE
