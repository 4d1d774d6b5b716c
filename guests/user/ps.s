# ps.s — ps: list the processes (procinfo(2) on every slot of the process table) as
# "PID PPID STATE SIZE NAME".

.include "lib/ulib.s"

.text
.global main
main:
    FUNC_ENTER
    la   a0, ps_head
    call printf
    li   s1, 0                  # slot
1:  mv   a0, s1
    la   a1, ps_info
    call procinfo
    li   t0, -EINVAL
    beq  a0, t0, 3f             # past the table
    blt  a0, zero, 2f           # unused slot
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
    lw   a4, PI_SIZE(t0)
    sb   zero, PI_NAME + 15(t0)
    addi a5, t0, PI_NAME
    la   a0, ps_fmt
    call printf
2:  addi s1, s1, 1
    li   t0, 1024               # a sanity bound
    blt  s1, t0, 1b
3:  li   a0, 0
    FUNC_RETURN

.rodata
ps_head: .asciz "  PID  PPID STATE     SIZE NAME\n"
ps_fmt:  .asciz "%5d %5d %-8s %5d %s\n"
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
