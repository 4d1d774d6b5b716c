# fuse.s — the kernel side of the file-system channel: a queue of requests, the
# server's two system calls, starting the server from its boot module, and noticing
# its death.
#
# Concept: the semi-microkernel (seed: kernel structures — "we can have the file
# system running as a process while the device drivers … still in the kernel";
# "FUSE for user-space file systems"). A process that needs the file system (vfs.s,
# in the kernel, on its behalf) puts a request in the queue, wakes the server and
# sleeps until the answer is there — a kernel channel, not IPC between processes. The
# server (fsd.s, an ordinary ring-3 process started from the boot module "fs") takes
# requests with SYS_FUSE_WAIT, which also delivers its answer to the previous one,
# and reaches the disk only through SYS_BLKIO and the kernel's own driver. Each
# request is reported to the events device (REQ_SUBMIT when queued, REQ_DONE when
# answered), so timelines and `catch event` see the channel. If the server dies (a
# fault, kill), every request in flight fails with -EIO, and the kernel starts a fresh
# server from the module (FUSE_RESTART, default 1): the rest of the system —
# processes, pipes, the console — never noticed.

PARAM NFREQ, 8                          # requests in flight at once
PARAM FUSE_RESTART, 1                   # 1: a dead server is started again
PARAM FS_CRASH, 0                       # n > 0: the first server crashes on its n-th
                                        # path lookup (fsd.s)

.equ FR_STATE, 0                        # FRS_* below
.equ FR_NEXT, 4
.equ FR_FLOW, 8                         # its flow id for the events device
.equ FR_MSG, 12                         # the message: header, then data
.equ FR_SIZE, FR_MSG + FM_SIZE
.equ FRS_FREE, 0
.equ FRS_QUEUED, 1
.equ FRS_TAKEN, 2
.equ FRS_DONE, 3
.equ FRS_RESERVED, 4                    # being filled by its client
.global NFREQ, FR_SIZE, FR_STATE, FR_MSG   # for `ringvm debug` (info fuse)

# fuse_start(): the first server (from initstart, before /init is read)
fuse_start:
    PROLOGUE
    li   a0, FS_CRASH
    call fuse_spawn
    bnez a0, 1f
    la   a0, msg_nofsd
    call panic
1:  EPILOGUE

# fuse_spawn(a0 = its a0: the fault injection) -> a0 = 1 if a server runs now, else 0.
# A process made from the boot module "fs" (its ELF image, byte i at address i, copied
# page by page so a restart starts from the pristine module), the console on fds 0-2,
# init as its parent (init reaps it if it dies).
fuse_spawn:
    PROLOGUE
    mv   s6, a0
    call find_fs_module
    beqz a0, 8f
    mv   s1, a0
    call allocproc
    beqz a0, 8f
    mv   s2, a0
    call kalloc                         # its page directory
    beqz a0, 7f
    sw   a0, P_PGDIR(s2)
    lw   s3, BI_MOD_START(s1)
    lw   s4, BI_MOD_END(s1)
    sub  s4, s4, s3                     # image size (the module's last address)
    li   s5, 4096                       # va
1:  bgeu s5, s4, 2f
    call kalloc
    beqz a0, 7f
    mv   s7, a0
    li   t0, KSEG                       # a copy of the module's page
    add  a1, s3, t0
    add  a1, a1, s5
    li   a2, 4096
    call memmove
    lw   a0, P_PGDIR(s2)
    mv   a1, s5
    li   a2, 1
    call pt_walk
    beqz a0, 6f
    li   t0, KSEG
    sub  t0, s7, t0
    ori  t0, t0, TLB_V | TLB_R | TLB_W | TLB_X | TLB_U
    sw   t0, 0(a0)
    li   t0, 4096
    add  s5, s5, t0
    j    1b
2:  li   t0, 0xFFFFF000                 # no heap: the break is the image's end
    addi t1, s4, 4095
    and  t1, t1, t0
    sw   t1, P_BRK(s2)
    sw   t1, P_HEAP(s2)
    lw   t0, P_TF(s2)                   # start at the module's entry, a0 = crash option
    lw   t1, BI_MOD_ENTRY(s1)
    sw   t1, TF_EPC(t0)
    sw   s6, TF_A0(t0)
    addi a0, s2, P_NAME
    la   a1, str_fsd
    li   a2, 16
    call strlcpy
    call console_file                   # fds 0, 1, 2: the console
    beqz a0, 3f
    sw   a0, P_OFILE+0(s2)
    call filedup
    sw   a0, P_OFILE+4(s2)
    call filedup
    sw   a0, P_OFILE+8(s2)
3:  la   t0, initproc
    lw   t0, 0(t0)
    sw   t0, P_PARENT(s2)
    la   t0, fuse_server
    sw   s2, 0(t0)
    la   t0, fuse_served
    sw   zero, 0(t0)
    li   t0, RUNNABLE
    sw   t0, P_STATE(s2)
    li   a0, 1
    EPILOGUE
6:  mv   a0, s7
    call kfree
7:  mv   a0, s2                         # out of memory
    call freeproc
8:  li   a0, 0
    EPILOGUE

# find_fs_module() -> a0 = the boot-info entry of the module "fs", or 0
find_fs_module:
    PROLOGUE
    li   s2, BOOTINFO
    lw   s3, BI_NMODULES(s2)
    lw   t0, BI_MODULES(s2)
    add  s4, s2, t0
1:  beqz s3, 8f
    mv   a0, s4
    la   a1, str_fsmod
    li   a2, 16
    call strncmp
    beqz a0, 9f
    addi s4, s4, BI_MOD_SIZE
    addi s3, s3, -1
    j    1b
8:  li   a0, 0
    EPILOGUE
9:  mv   a0, s4
    EPILOGUE

# exit_hook(a0 = proc): called by exit (proc.s, EXIT_HOOK) for every process. When it
# is the server: fail what it was doing and what waited, and start another.
exit_hook:
    PROLOGUE
    la   t0, fuse_server
    lw   t1, 0(t0)
    bne  t1, a0, 9f
    mv   s1, a0
    sw   zero, 0(t0)
    la   a0, msg_died1
    call kputs
    lw   a0, P_PID(s1)
    call kputdec
    la   a0, msg_died2
    call kputs
    la   s2, freqs                      # every request not yet answered: -EIO
    li   s3, NFREQ
1:  lw   t0, FR_STATE(s2)
    li   t1, FRS_QUEUED
    beq  t0, t1, 2f
    li   t1, FRS_TAKEN
    bne  t0, t1, 3f
2:  li   t0, -EIO
    sw   t0, FR_MSG+FM_RES(s2)
    sw   zero, FR_MSG+FM_R1(s2)
    sw   zero, FR_MSG+FM_TYPE(s2)
    sw   zero, FR_MSG+FM_NLINK(s2)
    sw   zero, FR_MSG+FM_ISIZE(s2)
    sw   zero, FR_MSG+FM_LEN(s2)
    li   t0, FRS_DONE
    sw   t0, FR_STATE(s2)
    li   t0, EVENTS_ARG0                # REQ_DONE (flow): answered, with EIO
    lw   t1, FR_FLOW(s2)
    sw   t1, 0(t0)
    li   t0, EVENTS_EMIT
    li   t1, EV_REQ_DONE
    sw   t1, 0(t0)
    mv   a0, s2
    call wakeup
3:  li   t0, FR_SIZE
    add  s2, s2, t0
    addi s3, s3, -1
    bnez s3, 1b
    la   t0, fuse_queue
    sw   zero, 0(t0)
    sw   zero, 4(t0)
    la   t0, fuse_current
    sw   zero, 0(t0)
    la   t0, fuse_restarts
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
.if FUSE_RESTART
    la   t0, fuse_served                # one that died before it answered anything
    lw   t0, 0(t0)                      # would die again: no restart loop
    beqz t0, 9f
    li   a0, 0                          # no fault injection the second time
    call fuse_spawn
    beqz a0, 9f
    la   a0, msg_restart
    call kputs
    la   t0, fuse_server
    lw   t0, 0(t0)
    lw   a0, P_PID(t0)
    call kputdec
    li   a0, '\n'
    call kputc
.endif
9:  EPILOGUE

# ---------------------------------------------------------------- the client side

# fuse_call(a0 = request, filled by freq_alloc's caller) -> a0 = the result (the
# answer is in the request; the caller frees it). Sleeps until the server answered,
# or returns -EIO at once when there is no server.
fuse_call:
    PROLOGUE
    mv   s1, a0
    la   t0, fuse_server
    lw   t0, 0(t0)
    bnez t0, 1f
    li   a0, -EIO                       # no server
    sw   a0, FR_MSG+FM_RES(s1)
    sw   zero, FR_MSG+FM_LEN(s1)
    EPILOGUE
1:  li   t0, FRS_QUEUED                 # to the tail of the queue
    sw   t0, FR_STATE(s1)
    sw   zero, FR_NEXT(s1)
    la   t0, fuse_queue
    lw   t1, 4(t0)
    beqz t1, 2f
    sw   s1, FR_NEXT(t1)
    sw   s1, 4(t0)
    j    3f
2:  sw   s1, 0(t0)
    sw   s1, 4(t0)
3:  la   t0, stat_fuse_requests         # report it: REQ_SUBMIT (flow, operation)
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    sw   t1, FR_FLOW(s1)
    li   t0, EVENTS_ARG0
    sw   t1, 0(t0)
    li   t0, EVENTS_ARG1
    lw   t1, FR_MSG+FM_OP(s1)
    sw   t1, 0(t0)
    li   t0, EVENTS_EMIT
    li   t1, EV_REQ_SUBMIT
    sw   t1, 0(t0)
    la   a0, fuse_queue                 # the server sleeps there
    call wakeup
4:  lw   t0, FR_STATE(s1)
    li   t1, FRS_DONE
    beq  t0, t1, 5f
    mv   a0, s1
    call sleep
    j    4b
5:  lw   a0, FR_MSG+FM_RES(s1)
    EPILOGUE

# freq_alloc(a0 = op, a1 = inum) -> a0 = a request with that header (sleeps if all
# are in use)
freq_alloc:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
1:  la   t0, freqs
    li   t1, NFREQ
2:  lw   t2, FR_STATE(t0)
    beqz t2, 3f
    li   t2, FR_SIZE
    add  t0, t0, t2
    addi t1, t1, -1
    bnez t1, 2b
    la   a0, freqs                      # all busy: wait for a free one
    call sleep
    j    1b
3:  li   t1, FRS_RESERVED
    sw   t1, FR_STATE(t0)
    sw   s1, FR_MSG+FM_OP(t0)
    sw   s2, FR_MSG+FM_INUM(t0)
    sw   zero, FR_MSG+FM_ARG1(t0)
    sw   zero, FR_MSG+FM_ARG2(t0)
    sw   zero, FR_MSG+FM_LEN(t0)
    mv   a0, t0
    EPILOGUE

# freq_free(a0 = request)
freq_free:
    PROLOGUE
    sw   zero, FR_STATE(a0)
    la   a0, freqs
    call wakeup
    EPILOGUE

# ---------------------------------------------------------------- the server side

# syscall_extra(a0 = trap frame): the numbers outside the ABI (syscall.s,
# SYSCALL_EXTRA): the server's two calls; anything else is -EINVAL as always.
syscall_extra:
    PROLOGUE
    mv   s1, a0
    lw   t0, TF_A7(s1)
    li   t1, SYS_FUSE_WAIT
    beq  t0, t1, 1f
    li   t1, SYS_BLKIO
    beq  t0, t1, 2f
    li   a0, -EINVAL
    EPILOGUE
1:  lw   a0, TF_A0(s1)
    lw   a1, TF_A1(s1)
    call sys_fuse_wait
    EPILOGUE
2:  lw   a0, TF_A0(s1)
    lw   a1, TF_A1(s1)
    lw   a2, TF_A2(s1)
    call sys_blkio
    EPILOGUE

# sys_fuse_wait(a0 = user answer or 0, a1 = user buffer for the next request)
#   -> 0 / -EPERM (not the server) / -EINTR (killed) / -EFAULT
sys_fuse_wait:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    la   t0, curproc
    lw   s3, 0(t0)
    la   t0, fuse_server
    lw   t0, 0(t0)
    bne  t0, s3, 91f
    beqz s1, 3f                         # the answer to the request it had
    la   t0, fuse_current
    lw   s4, 0(t0)
    beqz s4, 3f
    sw   zero, 0(t0)
    lw   a0, P_PGDIR(s3)
    addi a1, s4, FR_MSG
    mv   a2, s1
    li   a3, FM_DATA
    call copyin
    bnez a0, 2f
    lw   a3, FR_MSG+FM_LEN(s4)
    li   t0, FM_CHUNK
    bleu a3, t0, 1f
    mv   a3, t0
    sw   t0, FR_MSG+FM_LEN(s4)
1:  beqz a3, 21f
    lw   a0, P_PGDIR(s3)
    addi a1, s4, FR_MSG+FM_DATA
    addi a2, s1, FM_DATA
    call copyin
    beqz a0, 21f
2:  li   t0, -EIO                       # a bad answer: the request fails
    sw   t0, FR_MSG+FM_RES(s4)
    sw   zero, FR_MSG+FM_LEN(s4)
21: li   t0, FRS_DONE
    sw   t0, FR_STATE(s4)
    la   t0, fuse_served
    li   t1, 1
    sw   t1, 0(t0)
    li   t0, EVENTS_ARG0                # REQ_DONE (flow)
    lw   t1, FR_FLOW(s4)
    sw   t1, 0(t0)
    li   t0, EVENTS_EMIT
    li   t1, EV_REQ_DONE
    sw   t1, 0(t0)
    mv   a0, s4
    call wakeup
3:  la   t0, fuse_queue                 # the next request, or sleep until one comes
    lw   s4, 0(t0)
    bnez s4, 4f
    call killed
    bnez a0, 92f
    la   a0, fuse_queue
    call sleep
    j    3b
4:  lw   t1, FR_NEXT(s4)
    sw   t1, 0(t0)
    bnez t1, 41f
    sw   zero, 4(t0)
41: lw   a0, P_PGDIR(s3)                # header and data to the server's buffer
    mv   a1, s2
    addi a2, s4, FR_MSG
    lw   a3, FR_MSG+FM_LEN(s4)
    addi a3, a3, FM_DATA
    call copyout
    bnez a0, 93f
    li   t0, FRS_TAKEN
    sw   t0, FR_STATE(s4)
    la   t0, fuse_current
    sw   s4, 0(t0)
    li   a0, 0
    EPILOGUE
91: li   a0, -EPERM
    EPILOGUE
92: li   a0, -EINTR
    EPILOGUE
93: li   t0, -EIO                       # its buffer is bad: that request fails
    sw   t0, FR_MSG+FM_RES(s4)
    sw   zero, FR_MSG+FM_LEN(s4)
    li   t0, FRS_DONE
    sw   t0, FR_STATE(s4)
    mv   a0, s4
    call wakeup
    li   a0, -EFAULT
    EPILOGUE

# sys_blkio(a0 = sector, a1 = user buffer, a2 = 1 write / 0 read) -> 0 / -EIO / -EPERM
# / -EFAULT: one sector through the kernel's disk driver (the server's only way to
# the device)
sys_blkio:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    la   t0, curproc
    lw   s4, 0(t0)
    la   t0, fuse_server
    lw   t0, 0(t0)
    bne  t0, s4, 91f
    beqz s3, 1f
    lw   a0, P_PGDIR(s4)                # write: the server's bytes to the bounce buffer
    la   a1, blk_bounce
    mv   a2, s2
    li   a3, 512
    call copyin
    bnez a0, 93f
1:  mv   a0, s1
    la   a1, blk_bounce
    li   a2, 1
    mv   a3, s3
    call disk_rw
    bnez a0, 92f
    bnez s3, 2f
    lw   a0, P_PGDIR(s4)                # read: to the server
    mv   a1, s2
    la   a2, blk_bounce
    li   a3, 512
    call copyout
    bnez a0, 93f
2:  li   a0, 0
    EPILOGUE
91: li   a0, -EPERM
    EPILOGUE
92: li   a0, -EIO
    EPILOGUE
93: li   a0, -EFAULT
    EPILOGUE

.rodata
str_fsd:     .asciz "fsd"
str_fsmod:   .asciz "fs"
msg_nofsd:   .asciz "cannot start the file-system server (boot module fs)"
msg_died1:   .asciz "hybrid: the file-system server (pid "
msg_died2:   .asciz ") died; its requests fail with EIO\n"
msg_restart: .asciz "hybrid: file-system server restarted as pid "
.data
    .balign 4
fuse_server:        .word 0             # its process, 0 while there is none
fuse_current:       .word 0             # the request it is working on
fuse_queue:         .word 0, 0          # head, tail
fuse_restarts:      .word 0
fuse_served:        .word 0             # the server has answered a request
stat_fuse_requests: .word 0
.bss
    .balign 16
freqs:      .space NFREQ * FR_SIZE
blk_bounce: .space 512
.text
