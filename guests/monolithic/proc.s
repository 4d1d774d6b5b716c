# proc.s — processes: the table, fork/exit/wait/kill, the scheduler, sleep/wakeup.
#
# Concept: process management in a monolithic kernel (seed: "a process is an address
# space plus a kernel thread"). Each process has a one-page kernel stack in kseg with
# its trap frame at the top, an ASID (slot + 1) and a page table. The kernel is
# non-preemptible (IE = 0 in ring 0); user code runs with IE = 1 and the timer tick
# makes it yield (round-robin). Blocking is sleep(chan)/wakeup(chan); only the
# scheduler's idle loop waits for interrupts (wfi).

# procslot(a0 = slot) -> a0 = &proc_table[slot]
# allocproc() -> a0 = new EMBRYO proc with a kernel stack, or 0
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
2:  mv   a0, s1                         # clear the slot
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
    call kalloc
    bnez a0, 3f
    sw   zero, P_STATE(s1)
    li   a0, 0
    EPILOGUE
3:  sw   a0, P_KSTACK(s1)
    li   t0, 4096 - TF_SIZE
    add  t0, t0, a0
    sw   t0, P_TF(s1)
    addi t1, t0, -SWTCH_FRAME           # first swtch "returns" to forkret
    la   t2, forkret
    sw   t2, 0(t1)
    sw   t1, P_CONTEXT(s1)
    mv   a0, s1
    EPILOGUE

# forkret: a new process's first return from swtch, with sp = its trap frame.
forkret:
    j    usertrapret

# freeproc(a0 = proc): release a zombie's kernel stack and address space.
freeproc:
    PROLOGUE
    mv   s1, a0
    lw   a0, P_KSTACK(s1)
    call kfree
    lw   a0, P_PGDIR(s1)
    beqz a0, 1f
    call uvmfree
    lw   t0, P_SLOT(s1)
    addi t0, t0, 1
    tlbinvasid t0
1:  mv   a0, s1
    li   a1, 0
    li   a2, 256
    call memset
    EPILOGUE

# scheduler(): never returns. Runs on the boot stack.
scheduler:
    la   s1, proc_table
    li   s2, 0                          # slot
    li   s3, 0                          # ran something this round
1:  lw   t0, P_STATE(s1)
    li   t1, RUNNABLE
    bne  t0, t1, 2f
    li   t0, RUNNING
    sw   t0, P_STATE(s1)
    la   t0, curproc
    sw   s1, 0(t0)
    lw   t1, P_PGDIR(s1)
    la   t0, cur_pgdir
    sw   t1, 0(t0)
    addi t0, s2, 1
    csrw asid, t0
.if CTX_EVENTS                          # --option events: tell timelines who runs now,
    li   t1, EVENTS_ARG0                # CONTEXT(ASID, the process's name)
    sw   t0, 0(t1)
    li   t1, EVENTS_ARG1
    addi t2, s1, P_NAME
    sw   t2, 0(t1)
    li   t1, EVENTS_EMIT
    li   t2, EV_CONTEXT
    sw   t2, 0(t1)
.endif
    la   t0, stat_switches
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    la   a0, sched_sp
    lw   a1, P_CONTEXT(s1)
    call swtch
    la   t0, curproc
    sw   zero, 0(t0)
    li   s3, 1
2:  addi s1, s1, 256
    addi s2, s2, 1
    li   t0, NPROC
    blt  s2, t0, 1b
    bnez s3, scheduler
    wfi                                 # nothing runnable: wait for an interrupt,
    li   t0, ST_IE                      # then take it with IE briefly on
    csrs status, t0
    nop
    csrc status, t0
    j    scheduler

# sched(): switch from the current process (state already changed) to the scheduler.
sched:
    PROLOGUE
    la   t0, curproc
    lw   t0, 0(t0)
    addi a0, t0, P_CONTEXT
    la   t1, sched_sp
    lw   a1, 0(t1)
    call swtch
    EPILOGUE

yield:
    PROLOGUE
    la   t0, curproc
    lw   t0, 0(t0)
    li   t1, RUNNABLE
    sw   t1, P_STATE(t0)
    call sched
    EPILOGUE

# sleep(a0 = chan)
sleep:
    PROLOGUE
    la   t0, curproc
    lw   s1, 0(t0)
    sw   a0, P_CHAN(s1)
    li   t1, SLEEPING
    sw   t1, P_STATE(s1)
    call sched
    sw   zero, P_CHAN(s1)
    EPILOGUE

# wakeup(a0 = chan): leaf.
wakeup:
    la   t0, proc_table
    li   t1, NPROC
1:  lw   t2, P_STATE(t0)
    li   t3, SLEEPING
    bne  t2, t3, 2f
    lw   t2, P_CHAN(t0)
    bne  t2, a0, 2f
    li   t3, RUNNABLE
    sw   t3, P_STATE(t0)
2:  addi t0, t0, 256
    addi t1, t1, -1
    bnez t1, 1b
    ret

# killed() -> a0 = curproc->killed
killed:
    la   t0, curproc
    lw   t0, 0(t0)
    lw   a0, P_KILLED(t0)
    ret

# kill(a0 = pid) -> 0 / -ESRCH / -EPERM (pid 1: init must not die)
sys_kill:
kill:
    ble  a0, zero, 8f
    li   t0, 1
    bne  a0, t0, 0f
    li   a0, -EPERM
    ret
0:
    la   t0, proc_table
    li   t1, NPROC
1:  lw   t2, P_STATE(t0)
    beqz t2, 2f
    lw   t2, P_PID(t0)
    bne  t2, a0, 2f
    li   t3, 1
    sw   t3, P_KILLED(t0)
    lw   t2, P_STATE(t0)
    li   t3, SLEEPING
    bne  t2, t3, 3f
    li   t3, RUNNABLE
    sw   t3, P_STATE(t0)
3:  li   a0, 0
    ret
2:  addi t0, t0, 256
    addi t1, t1, -1
    bnez t1, 1b
8:  li   a0, -ESRCH
    ret

# exit(a0 = status): never returns.
sys_exit:
exit:
    PROLOGUE
    mv   s2, a0
    la   t0, curproc
    lw   s1, 0(t0)
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
.if VMM
    mv   a0, s1                         # its VMs (vmm.s)
    call vmm_release
.endif
    lw   a0, P_CWD(s1)
    beqz a0, 4f
    sw   zero, P_CWD(s1)
    call iput
4:  la   t0, initproc                   # give the children to init
    lw   s4, 0(t0)
    la   s5, proc_table
    li   s6, NPROC
5:  lw   t0, P_PARENT(s5)
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
.ifdef EXIT_HOOK
    mv   a0, s1                         # a kernel built with EXIT_HOOK hears of every
    call exit_hook                      # exit (hybrid: its file-system server's)
.endif
    lw   a0, P_PARENT(s1)
    call wakeup
    sw   s2, P_XSTATE(s1)
    li   t0, ZOMBIE
    sw   t0, P_STATE(s1)
    call sched
    la   a0, msg_zombie
    call panic

# wait(a0 = user int *status or 0) -> pid / -ECHILD / -EFAULT / -EINTR
sys_wait:
wait:
    PROLOGUE
    mv   s2, a0
    la   t0, curproc
    lw   s1, 0(t0)
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

# fork() -> child pid / -ENOMEM
sys_fork:
fork:
    PROLOGUE
    la   t0, curproc
    lw   s1, 0(t0)
    call allocproc
    beqz a0, 8f
    mv   s2, a0
    lw   a0, P_PGDIR(s1)
    call uvmcopy
    sw   a0, P_PGDIR(s2)
    bnez a0, 1f
    mv   a0, s2
    call freeproc
    j    8f
1:  lw   t0, P_BRK(s1)
    sw   t0, P_BRK(s2)
    lw   t0, P_HEAP(s1)
    sw   t0, P_HEAP(s2)
    lw   a0, P_TF(s2)
    lw   a1, P_TF(s1)
    li   a2, TF_SIZE
    call memmove
    lw   t0, P_TF(s2)
    sw   zero, TF_A0(t0)
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
    lw   a0, P_PID(s2)
    EPILOGUE
8:  li   a0, -ENOMEM
    EPILOGUE

# userinit(): process 1. Its first run (initstart) mounts the file system and execs
# /init with the console as fds 0, 1, 2.
userinit:
    PROLOGUE
    call allocproc
    mv   s1, a0
    la   t0, initproc
    sw   s1, 0(t0)
    call kalloc                         # an empty page directory
    sw   a0, P_PGDIR(s1)
    lw   t0, P_CONTEXT(s1)
    la   t1, initstart
    sw   t1, 0(t0)
    addi a0, s1, P_NAME
    la   a1, str_init
    li   a2, 16
    call strlcpy
    li   t0, RUNNABLE
    sw   t0, P_STATE(s1)
    EPILOGUE

initstart:
    call fsinit
    li   a0, 1
    call iget                           # cwd = /
    la   t0, curproc
    lw   s1, 0(t0)
    sw   a0, P_CWD(s1)
    call console_file                   # fds 0, 1, 2
    sw   a0, P_OFILE+0(s1)
    call filedup
    sw   a0, P_OFILE+4(s1)
    call filedup
    sw   a0, P_OFILE+8(s1)
    la   a0, str_initpath
    la   a1, init_argv
    li   a2, 1
    call kexec
    blt  a0, zero, 1f
    lw   sp, P_TF(s1)
    j    usertrapret
1:  neg  s2, a0
    la   a0, msg_panic
    call kputs
    la   a0, msg_noinit1
    call kputs
    mv   a0, s2
    call kputdec
    la   a0, msg_noinit2
    call kputs
    li   a0, 99
    call khalt

# panic(a0 = message): print "panic: message" and halt with code 99.
panic:
    mv   s1, a0
    la   a0, msg_panic
    call kputs
    mv   a0, s1
    call kputs
    li   a0, '\n'
    call kputc
    li   a0, 99
    call khalt

.rodata
msg_panic:    .asciz "panic: "
msg_initexit: .asciz "init exiting"
msg_zombie:   .asciz "zombie exit"
msg_noinit1:  .asciz "cannot exec /init: error "
msg_noinit2:  .asciz " (is /init on the disk image?)\n"
str_init:     .asciz "init"
str_initpath: .asciz "/init"
    .balign 4
init_argv:    .word str_initpath, 0

.data
    .balign 4
nextpid:       .word 1
curproc:       .word 0
cur_pgdir:     .word 0
initproc:      .word 0
sched_sp:      .word 0
ticks:         .word 0
stat_switches: .word 0
.bss
    .balign 16
proc_table:    .space NPROC * 256
.text
