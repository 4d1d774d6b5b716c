# svc.s — CPU 0's services for the other CPUs: a queue of their requests (MT_SVC) and
# the kernel threads that serve it — file-system operations (fsserv.s) and the console.
#
# Concept: the devices belong to one CPU driver (their interrupts reach CPU 0, ISA.md
# §9), so the file system and the console are services of CPU 0 that every other CPU
# reaches by messages (Baumann et al., §4: "services … reached by message passing";
# seed: "use message abstraction between CPU and devices"). The monitor must never
# block, but a request may (a disk read, a console read waiting for a line): it only
# queues the request; NSVC service threads (`svc` in the process table) take requests
# from the queue, run them — sleeping in the drivers like any process — and answer.
# CPU 0's own processes call the file system and the console directly, as the
# monolithic kernel's do: the service is partitioned onto this CPU, not replicated.

.equ NSVCQ, 64                          # queued requests

# on_svc(a0 = MT_SVC message): (the monitor) queue it for a service thread; a full
# queue answers -EIO at once.
on_svc:
    PROLOGUE
    mv   s1, a0
    la   t0, svcq_head
    lw   t1, 0(t0)
    la   t0, svcq_tail
    lw   t2, 0(t0)
    sub  t3, t2, t1
    li   t0, NSVCQ
    bltu t3, t0, 1f
    mv   a0, s1
    li   a1, -EIO
    li   a2, 0
    li   a3, 0
    call reply
    EPILOGUE
1:  andi t0, t2, NSVCQ - 1
    slli t0, t0, 6
    la   a0, svcq
    add  a0, a0, t0
    mv   a1, s1
    li   a2, URPC_LINE
    call memmove
    la   t0, svcq_tail
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    la   a0, svcq_head
    call wakeup
    EPILOGUE

# svc_main: the body of a service thread (main.s starts NSVC of them). Never returns.
svc_main:
    addi sp, sp, -URPC_LINE
    li   a0, 1                          # a directory of its own (fss_enter_cwd)
    call iget
    la   t0, curproc
    lw   t0, 0(t0)
    sw   a0, P_CWD(t0)
1:  la   t0, svcq_head
    lw   t1, 0(t0)
    la   t0, svcq_tail
    lw   t2, 0(t0)
    bne  t1, t2, 2f
    la   a0, svcq_head
    call sleep
    j    1b
2:  andi t0, t1, NSVCQ - 1              # take the oldest request
    slli t0, t0, 6
    la   a1, svcq
    add  a1, a1, t0
    mv   a0, sp
    li   a2, URPC_LINE
    call memmove
    la   t0, svcq_head
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    mv   a0, sp
    call msg_src
    lw   a1, M_SLOT(sp)
    andi a1, a1, 0xFF
    call bulk_of
    mv   s1, a0                         # its bulk buffer
    lw   t0, M_A0(sp)
    li   t1, CONS_WRITE
    beq  t0, t1, 3f
    li   t1, CONS_READ
    beq  t0, t1, 4f
    mv   a0, sp
    mv   a1, s1
    call fss_handle
    j    5f
3:  mv   a0, s1                         # console.s: (buffer, n, user? = 0)
    lw   a1, M_A1(sp)
    li   a2, 0
    call console_write
    j    6f
4:  lw   a1, M_A1(sp)
    li   t0, BULK_SIZE
    bleu a1, t0, 41f
    mv   a1, t0
41: mv   a0, s1
    li   a2, 0
    call console_read
6:  li   a1, 0
    li   a2, 0
5:  mv   a3, a2
    mv   a2, a1
    mv   a1, a0
    mv   a0, sp
    call reply
    j    1b

# fss_enter_cwd(a0 = inum) / fss_leave_cwd(): run a path lookup from the requester's
# directory: the service thread's own P_CWD is that directory meanwhile.
fss_enter_cwd:
    PROLOGUE
    bnez a0, 1f
    li   a0, 1
1:  call iget
    la   t0, curproc
    lw   t0, 0(t0)
    lw   t1, P_CWD(t0)
    la   t2, svc_saved_cwd
    lw   t3, P_SLOT(t0)
    slli t3, t3, 2
    add  t2, t2, t3
    sw   t1, 0(t2)
    sw   a0, P_CWD(t0)
    EPILOGUE
fss_leave_cwd:
    PROLOGUE
    la   t0, curproc
    lw   s1, 0(t0)
    lw   a0, P_CWD(s1)
    la   t2, svc_saved_cwd
    lw   t3, P_SLOT(s1)
    slli t3, t3, 2
    add  t2, t2, t3
    lw   t1, 0(t2)
    sw   t1, P_CWD(s1)
    call iput
    EPILOGUE

.data
    .balign 4
svcq_head: .word 0
svcq_tail: .word 0
.bss
    .balign 16
svcq:          .space NSVCQ * URPC_LINE
svc_saved_cwd: .space NPROC * 4
.text
