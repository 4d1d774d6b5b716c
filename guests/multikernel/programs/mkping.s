# mkping.s — mkping [CPU [N]]: the cost of a message round trip between this CPU and
# CPU (default 1), through the monitors, by polling and by notification (IPI).
#
# mkping(cpu, n) sends n requests from this process to CPU's monitor and waits for each
# answer (monitor.s rpc_call: the request is a message on the channel to CPU, the
# answer one on the channel back; this CPU's monitor takes it and wakes the process).
# It is run twice: with every monitor polling its channels (mkmode 0: they never
# sleep, so they see a message as soon as they run) and with every monitor sleeping
# until an IPI wakes it (mkmode 1), and the counters show the difference: polls that
# found nothing against notifications sent.

.include "ulib.s"
.include "lib/mkusys.s"

.text
.global main
main:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    li   s3, 1                          # CPU
    li   t0, 2
    blt  s1, t0, 1f
    lw   a0, 4(s2)
    call atoi
    mv   s3, a0
1:  li   s4, 50                         # N
    li   t0, 3
    blt  s1, t0, 2f
    lw   a0, 8(s2)
    call atoi
    mv   s4, a0
2:  li   a0, -1
    call mkmode
    mv   s5, a0                         # the mode to restore
    li   s6, 0                          # 0 poll, then 1 notify
3:  mv   a0, s6
    call mkmode
    mv   a0, s3                         # warm up (and let the mode reach CPU)
    li   a1, 2
    call mkping
    blt  a0, zero, 8f
    mv   a0, s3
    la   a1, before
    call mkstat
    mv   a0, s3
    mv   a1, s4
    call mkping
    mv   s7, a0
    mv   a0, s3
    la   a1, after
    call mkstat
    la   t0, before
    la   t1, after
    lw   t2, MS_EMPTY(t0)
    lw   t3, MS_EMPTY(t1)
    sub  a5, t3, t2                     # empty polls there
    lw   t2, MS_IPI_RECV(t0)
    lw   t3, MS_IPI_RECV(t1)
    sub  t4, t3, t2                     # IPIs it received
    sw   t4, 0(sp)
    divu a4, s7, s4
    mv   a3, s3
    mv   a2, s4
    la   a1, m_poll
    beqz s6, 4f
    la   a1, m_ipi
4:  la   a0, fmt
    call printf
    lw   a1, 0(sp)
    la   a0, fmt2
    call printf
    addi s6, s6, 1
    li   t0, 2
    blt  s6, t0, 3b
    mv   a0, s5
    call mkmode
    li   a0, 0
    FUNC_RETURN
8:  la   a0, bad
    call printf
    mv   a0, s5
    call mkmode
    li   a0, 1
    FUNC_RETURN

.rodata
m_poll: .asciz "polling"
m_ipi:  .asciz "IPI"
fmt:    .asciz "mkping: %s: %d round trips with CPU %d: %d cycles each; there: %d empty polls, "
fmt2:   .asciz "%d IPIs received\n"
bad:    .asciz "mkping: no such CPU (or this one)\n"
.bss
    .balign 4
before: .space MKSTAT_SIZE
after:  .space MKSTAT_SIZE
