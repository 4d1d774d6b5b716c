# mkprobe.s — a user program of the microkernel that tries what it has no right to:
# IPC to threads its allow-mask does not name, the privileged kernel calls, and the
# timeouts. Each line: what it tried, the status the kernel returned.
# (tests/microkernel/test_microkernel.py; assembled with the microkernel's stubs)

.include "lib/ulib.s"
.include "mk.inc"

.text
.global main
main:
    FUNC_ENTER
    li   t0, TID_DISK0                  # the disk driver: not in a program's mask
    li   t1, TIMEOUT_NEVER
    li   a0, D_READ
    li   t3, 0
    KSYS K_SEND
    mv   a1, t1
    la   a0, m_disk
    call printf
    li   t0, TID_ROOT                   # root: neither
    li   t1, TIMEOUT_NEVER
    li   t3, 0
    KSYS K_SEND
    mv   a1, t1
    la   a0, m_root
    call printf
    li   t0, 0x1ff                      # a thread that does not exist
    li   t1, TIMEOUT_NEVER
    li   t3, 0
    KSYS K_SEND
    mv   a1, t1
    la   a0, m_nobody
    call printf
    li   t0, TID_NIL                    # timeout 0: nobody sends: at once
    li   t1, TIMEOUT_NEVER
    li   t2, 0
    li   t6, 0
    KSYS K_RECV
    mv   a1, t1
    la   a0, m_poll
    call printf
    KSYS K_CLOCK                        # a finite timeout: 5 ticks
    mv   s1, a0
    li   t0, TID_NIL
    li   t1, 5
    li   t2, 0
    li   t6, 0
    KSYS K_RECV
    mv   s2, t1
    KSYS K_CLOCK
    sub  a2, a0, s1
    mv   a1, s2
    la   a0, m_wait
    call printf
    li   a0, TID_PROC                   # the privileged calls
    li   a1, 0
    li   a2, 0
    li   a3, 0
    li   a4, 0
    KSYS K_TASK_NEW
    mv   a1, a0
    la   a0, m_task
    call printf
    li   a0, 2                          # the DISK line
    KSYS K_IRQ_ATTACH
    mv   a1, a0
    la   a0, m_irq
    call printf
    la   a0, m_kp
    KSYS K_KPRINT
    mv   a1, a0
    la   a0, m_kprint
    call printf
    li   a0, 7
    KSYS K_HALT
    mv   a1, a0
    la   a0, m_halt
    call printf
    li   a0, TID_FS                     # and what it may do still works
    KSYS K_TASK_KILL
    mv   a1, a0
    la   a0, m_kill
    call printf
    call getpid
    mv   a1, a0
    la   a0, m_pid
    call printf
    li   a0, 0
    FUNC_RETURN

.rodata
m_disk:   .asciz "send to the disk driver: %d\n"
m_root:   .asciz "send to root: %d\n"
m_nobody: .asciz "send to no thread: %d\n"
m_poll:   .asciz "receive, timeout 0: %d\n"
m_wait:   .asciz "receive, timeout 5: %d after %d ticks\n"
m_task:   .asciz "task_new: %d\n"
m_irq:    .asciz "irq_attach: %d\n"
m_kp:     .asciz "SHOULD NOT APPEAR\n"
m_kprint: .asciz "kprint: %d\n"
m_halt:   .asciz "halt: %d\n"
m_kill:   .asciz "kill the file system: %d\n"
m_pid:    .asciz "getpid still works: %d\n"
