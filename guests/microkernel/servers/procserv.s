# procserv.s — the process server: processes (pids, fork, exec, exit, wait, kill,
# sbrk, procinfo) and the pager of every user program.
#
# Concept (seed: kernels lecture, L4Linux — "acts as pager for its user threads …
# maps parts of its address space to user process threads (using L4 primitives)";
# "system calls in the library call the kernel using L4 IPC"). A process is a task
# (address space + thread) this server creates with K_TASK_NEW and whose memory it
# owns: every page of a program lives in the server's own address space (taken from
# sigma0 in 64 KiB flexpages) and is recorded in the process's shadow page table
# (page address | rights, per user page). When the program touches a page, its fault
# arrives here as a message and the reply maps the page (the recursive address space
# sigma0 -> process server -> program); exec and exit revoke them with K_UNMAP or by
# deleting the task. Because the server holds every page of its clients, it reads and
# writes their memory directly (exec's argv, wait's status, procinfo) through the
# shadow table, as a kernel would through a page table. fork copies the pages and
# starts the child with the parent's registers (K_EXREGS copying the parent's, a0 = 0);
# exec loads the ELF through the file-system server (F_OPENX, F_PREAD). A process that
# faults where it has no page is killed, with the monolithic kernel's one-line message.

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.include "abi.inc"
.include "mk.inc"

PARAM NPROC, 32
.equ PR_STATE, 0                        # 0 free, 1 embryo, 3 runnable, 5 zombie
.equ PR_PID, 4
.equ PR_PARENT, 8                       # proc
.equ PR_TID, 12
.equ PR_XSTATE, 16
.equ PR_BRK, 20
.equ PR_HEAP, 24                        # the lowest break
.equ PR_SHADOW, 28                      # shadow page table: 2048 words (8 KiB)
.equ PR_WAITING, 32                     # in wait(): the status pointer + 1
.equ PR_NAME, 40                        # char[16]
.equ PR_SLOT, 56
.equ PROC_SHIFT, 6
.equ ST_EMBRYO, 1
.equ ST_SLEEPING, 2
.equ ST_RUNNABLE, 3
.equ ST_RUNNING, 4
.equ ST_ZOMBIE, 5
.equ USER_BASE, 0x1000
.equ USER_PAGES, USER_LIMIT >> 12
.equ SH_PRESENT, 1                      # shadow entry: page | TLB R/W/X | present
.equ USER_ALLOW, (1 << SLOT_CONS) | (1 << SLOT_FS) | (1 << SLOT_PROC)
.equ CHUNK_LOG2, 16
.equ MAXCHUNKS, 384                     # 24 MiB of user memory at most
# exec's scratch page: the path, the argv pointers, the strings
.equ X_PATH, 0
.equ X_ARGV, 128
.equ X_STRINGS, 512

.text
.global _start
_start:
    la   sp, stack_top
    la   a0, bss_start
    la   a1, bss_end
    call touch_pages
    call userinit
    li   s1, 0
    j    loop

loop:
    mv   t0, s1
    li   t6, 0
    li   t2, 0
    KSYS K_REPLY_WAIT
    bnez t1, loop_err
    mv   s1, t0
    li   t0, L_FAULT
    beq  a0, t0, p_fault
    mv   s2, a0
    mv   s3, a1
    mv   s4, a2
    mv   a0, s1
    call proc_of
    beqz a0, 6f
    mv   s5, a0                         # the calling process
    la   t0, cur_proc
    sw   s5, 0(t0)
    li   t0, P_PREFAULT
    beq  s2, t0, p_prefault
    addi t0, s2, -1
    sltiu t0, t0, NSYSCALL
    beqz t0, 7f
    slli t0, s2, 2
    la   t1, ptab
    add  t0, t0, t1
    lw   t0, 0(t0)
    beqz t0, 7f
    mv   a0, s3
    mv   a1, s4
    jalr ra, t0, 0                      # -> a0 (a1 = 1: no reply)
    bnez a1, loop_err
    li   t3, 0
    j    loop
6:  li   a0, -EPERM
    li   t3, 0
    j    loop
7:  li   a0, -EINVAL
    li   t3, 0
    j    loop
loop_err:
    li   s1, 0
    li   t3, 0
    j    loop

# proc_of(a0 = tid) -> a0 = its process, or 0. Leaf.
proc_of:
    andi t0, a0, 0xFF
    li   t1, 64
    bgeu t0, t1, 9f
    slli t0, t0, 2
    la   t1, slot_proc
    add  t0, t0, t1
    lw   t0, 0(t0)
    beqz t0, 9f
    lw   t1, PR_TID(t0)
    bne  t1, a0, 9f
    mv   a0, t0
    ret
9:  li   a0, 0
    ret

# set_slot(a0 = proc, a1 = tid): the thread belongs to the process. Leaf.
set_slot:
    sw   a1, PR_TID(a0)
    andi t0, a1, 0xFF
    slli t0, t0, 2
    la   t1, slot_proc
    add  t0, t0, t1
    sw   a0, 0(t0)
    ret

# ---------------------------------------------------------------- paging

# p_fault(a1 = address, a2 = pc, a3 = cause): a user page fault (or worse)
p_fault:
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    mv   a0, s1
    call proc_of
    beqz a0, loop_err                   # not ours (or already gone)
    mv   s5, a0
    addi t0, s4, -CAUSE_TLB_MISS_FETCH  # only a miss can be a page we have
    sltiu t0, t0, 3
    beqz t0, 8f
    li   a2, TLB_X                      # what the access needs
    li   t0, CAUSE_TLB_MISS_LOAD
    bne  s4, t0, 1f
    li   a2, TLB_R
1:  li   t0, CAUSE_TLB_MISS_STORE
    bne  s4, t0, 2f
    li   a2, TLB_W
2:  mv   a0, s5
    mv   a1, s2
    call user_page
    beqz a0, 8f
    mv   t4, a0                         # the page | rights: map it at the address
    andi t0, t4, TLB_R | TLB_W | TLB_X
    li   t1, 0xFFFFF000
    and  t4, t4, t1
    slli t0, t0, 8
    or   t4, t4, t0
    ori  t4, t4, FP_PAGE
    mv   t5, s2
    li   t3, MT_MAP
    li   a0, 0
    j    loop
8:  mv   a0, s5                         # killed: the monolithic kernel's message
    mv   a1, s2
    mv   a2, s3
    mv   a3, s4
    call fault_message
    mv   a0, s5
    li   a1, -1
    call do_exit
    j    loop_err

# p_prefault(s3 = address | 1 if it must be writable): map that page now (the stub
# asks before the kernel copies a string into or out of it) -> 0, or -EFAULT
p_prefault:
    andi t0, s3, 1
    li   a2, TLB_R
    beqz t0, 1f
    li   a2, TLB_W
1:  mv   a0, s5
    mv   a1, s3
    call user_page
    beqz a0, 8f
    mv   t4, a0
    andi t0, t4, TLB_R | TLB_W | TLB_X
    li   t1, 0xFFFFF000
    and  t4, t4, t1
    slli t0, t0, 8
    or   t4, t4, t0
    ori  t4, t4, FP_PAGE
    mv   t5, s3
    li   t3, MT_MAP
    li   a0, 0
    j    loop
8:  li   a0, -EFAULT
    li   t3, 0
    j    loop

# user_page(a0 = proc, a1 = user address, a2 = rights needed) -> a0 = its shadow
# entry (the server's page | rights), making a heap page on first touch; 0 if the
# process has no such page or not with those rights
user_page:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    li   t0, USER_LIMIT
    bgeu s2, t0, 8f
    srli t0, s2, 12
    slli t0, t0, 2
    lw   t1, PR_SHADOW(s1)
    add  s4, t0, t1                     # &entry
    lw   a0, 0(s4)
    bnez a0, 5f
    lw   t0, PR_HEAP(s1)                # the heap is made as it is touched
    bltu s2, t0, 8f
    lw   t0, PR_BRK(s1)
    bgeu s2, t0, 8f
    call page_alloc
    beqz a0, 8f
    ori  a0, a0, SH_PRESENT | TLB_R | TLB_W
    sw   a0, 0(s4)
5:  and  t0, a0, s3
    bne  t0, s3, 8f
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# uva(a0 = proc, a1 = user address, a2 = rights) -> a0 = the server's address of that
# byte, or 0
uva:
    PROLOGUE
    mv   s1, a1
    call user_page
    beqz a0, 9f
    li   t0, 0xFFFFF000
    and  a0, a0, t0
    andi t0, s1, 0xFFF
    or   a0, a0, t0
9:  EPILOGUE

# copyout(a0 = proc, a1 = user dst, a2 = src, a3 = n) -> 0 / -1
# copyin(a0 = proc, a1 = dst, a2 = user src, a3 = n) -> 0 / -1
copyout:
    li   t0, 1
    j    copy_common
copyin:
    li   t0, 0
copy_common:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    mv   s5, t0
1:  beqz s4, 8f
    mv   a0, s1
    mv   a1, s3
    li   a2, TLB_R
    beqz s5, 2f
    mv   a1, s2
    li   a2, TLB_W
2:  call uva
    beqz a0, 9f
    andi t0, a0, 0xFFF
    li   t1, 4096
    sub  s6, t1, t0
    bleu s6, s4, 3f
    mv   s6, s4
3:  beqz s5, 4f
    mv   a1, s3
    j    5f
4:  mv   a1, a0
    mv   a0, s2
5:  mv   a2, s6
    call memmove
    add  s2, s2, s6
    add  s3, s3, s6
    sub  s4, s4, s6
    j    1b
8:  li   a0, 0
    EPILOGUE
9:  li   a0, -1
    EPILOGUE

# copyinstr(a0 = proc, a1 = dst, a2 = user src, a3 = max) -> length, -1 bad pointer,
# -2 no NUL within max
copyinstr:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    li   s5, 0
1:  bgeu s5, s4, 7f
    mv   a0, s1
    add  a1, s3, s5
    li   a2, TLB_R
    call uva
    beqz a0, 9f
    lbu  t0, 0(a0)
    add  t1, s2, s5
    sb   t0, 0(t1)
    beqz t0, 8f
    addi s5, s5, 1
    j    1b
8:  mv   a0, s5
    EPILOGUE
7:  li   a0, -2
    EPILOGUE
9:  li   a0, -1
    EPILOGUE

# release_pages(a0 = proc, a1 = first page index, a2 = end index): revoke the user's
# mappings of those pages (K_UNMAP) and free them
release_pages:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
1:  bgeu s2, s3, 9f
    lw   t0, PR_SHADOW(s1)
    slli t1, s2, 2
    add  s4, t0, t1
    lw   s5, 0(s4)
    beqz s5, 2f
    sw   zero, 0(s4)
    li   t0, 0xFFFFF000
    and  s5, s5, t0
    ori  a0, s5, FP_PAGE
    li   a1, 0                          # what the process got from it, not ours
    KSYS K_UNMAP
    mv   a0, s5
    call page_free
2:  addi s2, s2, 1
    j    1b
9:  EPILOGUE

# shadow_free(a0 = shadow table): free every page it holds (the task is gone: the
# kernel removed its mappings), then the table
shadow_free:
    PROLOGUE
    mv   s1, a0
    li   s2, 0
1:  li   t0, USER_PAGES
    bgeu s2, t0, 3f
    slli t0, s2, 2
    add  t0, t0, s1
    lw   a0, 0(t0)
    beqz a0, 2f
    li   t1, 0xFFFFF000
    and  a0, a0, t1
    call page_free
2:  addi s2, s2, 1
    j    1b
3:  mv   a0, s1
    call table_free
    EPILOGUE

# ---------------------------------------------------------------- processes

# allocproc() -> a0 = a new EMBRYO process with a pid and a shadow table, or 0
allocproc:
    PROLOGUE
    la   s1, procs
    li   s2, 0
1:  lw   t0, PR_STATE(s1)
    beqz t0, 2f
    addi s1, s1, 1 << PROC_SHIFT
    addi s2, s2, 1
    li   t0, NPROC
    blt  s2, t0, 1b
    li   a0, 0
    EPILOGUE
2:  call table_alloc
    beqz a0, 8f
    mv   s3, a0
    mv   a0, s1
    li   a1, 0
    li   a2, 1 << PROC_SHIFT
    call memset
    sw   s3, PR_SHADOW(s1)
    sw   s2, PR_SLOT(s1)
    li   t0, ST_EMBRYO
    sw   t0, PR_STATE(s1)
    la   t0, nextpid
    lw   t1, 0(t0)
    sw   t1, PR_PID(s1)
    addi t1, t1, 1
    sw   t1, 0(t0)
    mv   a0, s1
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# newtask(a0 = proc, a1 = name) -> a0 = its new thread (inactive) / < 0
newtask:
    PROLOGUE
    mv   s1, a0
    mv   a3, a1
    li   a0, TID_PROC                   # we are its pager
    li   a1, USER_ALLOW                 # it may talk to the servers, nobody else
    li   a2, 0
    li   a4, 0
    KSYS K_TASK_NEW
    blt  a0, zero, 9f
    mv   a1, a0
    mv   a0, s1
    call set_slot
    lw   a0, PR_TID(s1)
9:  EPILOGUE

# userinit(): process 1 runs /init, with the console on fds 0-2 and cwd /
userinit:
    PROLOGUE
    call allocproc
    beqz a0, 9f
    mv   s1, a0
    la   t0, initproc
    sw   s1, 0(t0)
    addi a0, s1, PR_NAME
    la   a1, str_init
    li   a2, 16
    call strlcpy
    mv   a0, s1
    addi a1, s1, PR_NAME
    call newtask
    blt  a0, zero, 9f
    mv   a1, a0                         # the file-system server: its first process
    li   a0, F_INIT
    li   t0, TID_FS
    li   t3, 0
    li   t6, 0
    li   t2, 0
    KSYS K_CALL
    li   t0, ST_RUNNABLE
    sw   t0, PR_STATE(s1)
    la   s2, xpage                      # exec "/init" from our own memory
    mv   a0, s2
    la   a1, str_initpath
    li   a2, 128
    call strlcpy
    addi t0, s2, X_STRINGS
    sw   t0, X_ARGV(s2)
    sw   zero, X_ARGV+4(s2)
    mv   a0, t0
    la   a1, str_initpath
    li   a2, 64
    call strlcpy
    mv   a0, s1
    mv   a1, s2
    li   a2, 1
    call kexec
    blt  a0, zero, 8f
    EPILOGUE
8:  neg  s2, a0
    la   a0, msg_noinit1
    call lputs
    mv   a0, s2
    call lputdec
    la   a0, msg_noinit2
    call lputs
    call lflush
    li   a0, 99
    KSYS K_HALT
9:  la   a0, msg_noproc
    call die

# do_exit(a0 = proc, a1 = status): its files closed, its task deleted (with every
# mapping), its pages freed; a zombie for its parent, its children init's.
do_exit:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    la   t0, initproc
    lw   t0, 0(t0)
    bne  t0, s1, 1f
    la   a0, msg_initexit
    call lsay
    li   a0, 99
    KSYS K_HALT
1:  li   a0, F_EXIT                     # its open files
    lw   a1, PR_TID(s1)
    li   t0, TID_FS
    li   t3, 0
    li   t6, 0
    li   t2, 0
    KSYS K_CALL
    lw   a0, PR_TID(s1)                 # its task: the kernel revokes all its pages
    KSYS K_TASK_KILL
    lw   t0, PR_TID(s1)
    andi t0, t0, 0xFF
    slli t0, t0, 2
    la   t1, slot_proc
    add  t0, t0, t1
    sw   zero, 0(t0)
    sw   zero, PR_TID(s1)
    lw   a0, PR_SHADOW(s1)
    call shadow_free
    sw   zero, PR_SHADOW(s1)
    sw   s2, PR_XSTATE(s1)
    li   t0, ST_ZOMBIE
    sw   t0, PR_STATE(s1)
    la   t0, initproc                   # its children go to init
    lw   s3, 0(t0)
    la   s4, procs
    li   s5, NPROC
    li   s6, 0                          # init has a new zombie child
2:  lw   t0, PR_STATE(s4)
    beqz t0, 3f
    lw   t0, PR_PARENT(s4)
    bne  t0, s1, 3f
    sw   s3, PR_PARENT(s4)
    lw   t0, PR_STATE(s4)
    li   t1, ST_ZOMBIE
    bne  t0, t1, 3f
    li   s6, 1
3:  addi s4, s4, 1 << PROC_SHIFT
    addi s5, s5, -1
    bnez s5, 2b
    beqz s6, 4f
    mv   a0, s3
    call wait_answer
4:  lw   a0, PR_PARENT(s1)
    beqz a0, 9f
    call wait_answer
9:  EPILOGUE

# wait_answer(a0 = proc): if it waits in wait() and a child is a zombie now, answer
wait_answer:
    PROLOGUE
    mv   s1, a0
    lw   t0, PR_WAITING(s1)
    beqz t0, 9f
    addi a1, t0, -1
    call reap
    li   t0, -ECHILD
    beq  a0, t0, 9f                     # (cannot happen: it has the child)
    li   t0, -EAGAIN_
    beq  a0, t0, 9f
    sw   zero, PR_WAITING(s1)
    lw   t0, PR_TID(s1)
    li   t1, TIMEOUT_NEVER
    li   t3, 0
    KSYS K_SEND
9:  EPILOGUE

.equ EAGAIN_, 11                        # (internal: no zombie child yet)

# reap(a0 = proc, a1 = user status pointer or 0) -> pid of a zombie child (freed),
# -ECHILD (no children), -EFAULT, or -EAGAIN_ (children, none a zombie yet)
reap:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    li   s5, 0
    la   s3, procs
    li   s4, NPROC
1:  lw   t0, PR_STATE(s3)
    beqz t0, 4f
    lw   t0, PR_PARENT(s3)
    bne  t0, s1, 4f
    li   s5, 1
    lw   t0, PR_STATE(s3)
    li   t1, ST_ZOMBIE
    bne  t0, t1, 4f
    beqz s2, 3f
    mv   a0, s1
    mv   a1, s2
    addi a2, s3, PR_XSTATE
    li   a3, 4
    call copyout
    beqz a0, 3f
    li   a0, -EFAULT
    EPILOGUE
3:  lw   s6, PR_PID(s3)
    sw   zero, PR_STATE(s3)
    mv   a0, s6
    EPILOGUE
4:  addi s3, s3, 1 << PROC_SHIFT
    addi s4, s4, -1
    bnez s4, 1b
    li   a0, -ECHILD
    beqz s5, 9f
    li   a0, -EAGAIN_
9:  EPILOGUE

# fault_message(a0 = proc, a1 = address, a2 = pc, a3 = cause): "pid 7 (fault): killed:
# TLB protection fault at 0x80001000 (cause 15)"
fault_message:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    la   a0, msg_pid
    call lputs
    lw   a0, PR_PID(s1)
    call lputdec
    la   a0, msg_lparen
    call lputs
    addi a0, s1, PR_NAME
    call lputs
    la   a0, msg_killed
    call lputs
    sltiu t0, s4, 16
    bnez t0, 1f
    li   s4, 0
1:  slli t0, s4, 2
    la   t1, cause_names
    add  t0, t0, t1
    lw   a0, 0(t0)
    call lputs
    la   a0, msg_at
    call lputs
    mv   a0, s2
    li   t0, CAUSE_MISALIGNED_FETCH     # 6..15 are address faults
    bge  s4, t0, 2f
    mv   a0, s3
2:  call lputhex
    la   a0, msg_cause
    call lputs
    mv   a0, s4
    call lputdec
    la   a0, msg_rparen
    call lputs
    call lflush
    EPILOGUE

.include "procsys.s"
.include "procexec.s"
.include "base/string.s"
.include "srvlib.s"

.rodata
srv_name:     .asciz "proc"
str_init:     .asciz "init"
str_initpath: .asciz "/init"
msg_noinit1:  .asciz "panic: cannot exec /init: error "
msg_noinit2:  .asciz " (is /init on the disk image?)\n"
msg_initexit: .asciz "panic: init exiting\n"
msg_noproc:   .asciz "cannot create process 1"
msg_pid:      .asciz "pid "
msg_lparen:   .asciz " ("
msg_killed:   .asciz "): killed: "
msg_at:       .asciz " at "
msg_cause:    .asciz " (cause "
msg_rparen:   .asciz ")\n"
cn_unknown:   .asciz "unknown trap"
cn_bp:        .asciz "breakpoint"
cn_hcall:     .asciz "hypercall"
cn_ill:       .asciz "illegal instruction"
cn_priv:      .asciz "privileged instruction"
cn_mis:       .asciz "misaligned access"
cn_bus:       .asciz "bus error"
cn_miss:      .asciz "TLB miss"
cn_prot:      .asciz "TLB protection fault"
    .balign 4
cause_names:
    .word cn_unknown, cn_unknown, cn_hcall, cn_bp, cn_ill, cn_priv, cn_mis, cn_mis
    .word cn_mis, cn_bus, cn_miss, cn_miss, cn_miss, cn_prot, cn_prot, cn_prot
# POSIX calls by SYS_* number (0: not a process call)
ptab:
    .word 0, s_fork, s_exit, s_wait, 0, 0, s_kill, s_exec, 0, 0, 0, s_getpid, s_sbrk
    .word 0, 0, 0, 0, 0, 0, 0, 0, s_procinfo, s_halt
.data
    .balign 4
nextpid:         .word 1
initproc:        .word 0
cur_proc:        .word 0
nchunks:         .word 0
bump:            .word 0, 0             # the current chunk: next page, end
page_free_list:  .word 0
table_free_list: .word 0
.bss
    .balign 4096
bss_start:
slot_proc:  .space 64 * 4
procs:      .space NPROC << PROC_SHIFT
xstate:     .space 64
pinfo:      .space PROCINFO_SIZE
phdr:       .space 32
    .balign 4096
xpage:      .space 4096
ebuf:       .space 4096
stack:      .space 8192
stack_top:
bss_end:
