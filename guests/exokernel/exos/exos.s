# exos.s — ExOS, the POSIX library OS: its entry table, the way into the library, its
# lock, its upcall handler (TLB refill, faults, notifications, revocations) and boot.
#
# Concept: the library OS of an exokernel (Engler et al., ExOS; seed: "Unix as a
# library ... different libOSes can coexist on top of the same exokernel"). Every
# abstraction a Unix program expects is built here, in ring 3, out of the exokernel's
# bindings: processes are environments (proc.s), virtual memory is this library's own
# two-level page table and TLB-refill handler (vm.s, exos_upcall below), files are the
# shared file system of guests/lib (bio.s, fs.s) on disk blocks ExOS bound by name
# (env.s), pipes and file descriptors are the same Unix code the monolithic kernel runs
# (guests/monolithic/file.s, pipe.s, sysfile.s, included unchanged), the console line
# discipline is its own (cons.s).
#
# The image is mapped at EXOS_BASE in every environment of the domain (the kernel's
# image window): code and all of ExOS's tables are shared by its processes, and each
# environment has its private upcall page and call stack at UAREA. A program reaches
# ExOS through its stub library (stubs/usys.s): a plain jump to exos_table + 8 * n —
# no trap. exos_enter switches to the environment's call stack and takes the library
# lock (exos_lock: one process at a time inside ExOS, like a non-preemptible kernel;
# dropped while it sleeps). There is no protection between a program and its library
# OS — the program could overwrite ExOS's tables — the price ExOS paid too; the
# exokernel still isolates ExOS from every other library OS.

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.include "abi.inc"
.include "../exo.inc"
.include "../../monolithic/param.inc"
.include "exos.inc"

.entry _start

.text
# ---------------------------------------------------------------- the entry table
# Entry n (8 bytes) is what the stub of system call n jumps to.
exos_table:
    li   t0, 0
    j    exos_enter
.macro EXOS_ENTRY n
    li   t0, \n
    j    exos_enter
.endm
    EXOS_ENTRY SYS_FORK
    EXOS_ENTRY SYS_EXIT
    EXOS_ENTRY SYS_WAIT
    EXOS_ENTRY SYS_PIPE
    EXOS_ENTRY SYS_READ
    EXOS_ENTRY SYS_KILL
    EXOS_ENTRY SYS_EXEC
    EXOS_ENTRY SYS_FSTAT
    EXOS_ENTRY SYS_CHDIR
    EXOS_ENTRY SYS_DUP
    EXOS_ENTRY SYS_GETPID
    EXOS_ENTRY SYS_SBRK
    EXOS_ENTRY SYS_SLEEP
    EXOS_ENTRY SYS_UPTIME
    EXOS_ENTRY SYS_OPEN
    EXOS_ENTRY SYS_WRITE
    EXOS_ENTRY SYS_UNLINK
    EXOS_ENTRY SYS_MKDIR
    EXOS_ENTRY SYS_CLOSE
    EXOS_ENTRY SYS_YIELD
    EXOS_ENTRY SYS_PROCINFO
    EXOS_ENTRY SYS_HALT

# exos_enter: t0 = call number, a0-a5 its arguments, ra = the program's return
# address, sp = its stack. On the environment's own call stack, under the library
# lock, call the handler; a killed process exits on its way out. Like a kernel, ExOS
# keeps every register of the program but t0-t6 and a0 (guests/abi.toml).
exos_enter:
    li   t1, UAREA
    sw   sp, U_USP(t1)
    sw   ra, U_URA(t1)
    sw   t0, U_CALLNO(t1)
    sw   a1, U_ARGS+0(t1)
    sw   a2, U_ARGS+4(t1)
    sw   a3, U_ARGS+8(t1)
    sw   a4, U_ARGS+12(t1)
    sw   a5, U_ARGS+16(t1)
    sw   a6, U_ARGS+20(t1)
    sw   a7, U_ARGS+24(t1)
    li   sp, UAREA_TOP
    addi t2, t0, -1
    sltiu t2, t2, NSYSCALL
    beqz t2, 8f
    lw   t2, U_CURPROC(t1)
    li   t0, 1
    sw   t0, P_LIBOS(t2)
    call exos_lock
    li   t1, UAREA
    lw   t0, U_CALLNO(t1)
    slli t0, t0, 2
    la   t1, syscall_table
    add  t0, t0, t1
    lw   t0, 0(t0)
    jalr ra, t0, 0
    li   t1, UAREA
    lw   t1, U_CURPROC(t1)
    lw   t2, P_KILLED(t1)
    bnez t2, exos_killed
    sw   zero, P_LIBOS(t1)
    call exos_unlock
9:  li   t1, UAREA
    lw   a1, U_ARGS+0(t1)
    lw   a2, U_ARGS+4(t1)
    lw   a3, U_ARGS+8(t1)
    lw   a4, U_ARGS+12(t1)
    lw   a5, U_ARGS+16(t1)
    lw   a6, U_ARGS+20(t1)
    lw   a7, U_ARGS+24(t1)
    lw   ra, U_URA(t1)
    lw   sp, U_USP(t1)
    ret
8:  li   a0, -EINVAL
    j    9b

# exos_lock() / exos_unlock(): the library lock, an environment id or 0. A holder
# that would block drops it first (sleep, disk_rw, console input); a waiter yields the
# CPU. Preserve a0-a6.
exos_lock:
    li   t1, UAREA
    lw   t2, U_ENVID(t1)
    la   t1, lock_owner
1:  li   t0, 0
    cas  t0, t2, (t1)
    beqz t0, 2f
    beq  t0, t2, 2f                     # (already ours: a fault inside ExOS)
    mv   t0, a0
    li   a7, EXO_YIELD
    syscall
    mv   a0, t0
    j    1b
2:  ret
exos_unlock:
    la   t1, lock_owner
    sw   zero, 0(t1)
    ret

# exos_killed: the process was killed: exit(-1) (the lock is held).
exos_killed:
    li   a0, -1
    call sys_exit

# ---------------------------------------------------------------- upcalls
# exos_upcall(a0 = kind, a1 = detail, a2 = interrupted pc): the exokernel saved sp,
# t0-t2, a0-a2, a7 and pc in the save area at UAREA; only those are used here.
#   TLB miss in a program's memory: walk the process's page table, EXO_TLB_RESUME
#     (the library OS's TLB refill: the kernel checks the page is ExOS's, installs);
#   any other exception, or a miss with no mapping: the process is killed — the
#     environment is sent to exos_fault, which prints the kill line and exits;
#   UP_NOTIFY (kill): outside ExOS's code, a killed process leaves at once;
#   UP_REVOKE: give the kernel a page of ExOS's choosing — one from its reserve —
#     and carry on (an empty reserve means the abort protocol takes the named one).
exos_upcall:
    addi t0, a0, -CAUSE_TLB_MISS_FETCH
    sltiu t0, t0, 3
    beqz t0, 5f
    li   t0, USER_LIMIT
    bgeu a1, t0, 4f
    li   t0, UAREA
    lw   t0, U_CURPROC(t0)
    beqz t0, 4f
    lw   t0, P_PGDIR(t0)
    beqz t0, 4f
    srli t1, a1, 22                     # the two-level walk (lib/mm/tlbrefill.s format)
    slli t1, t1, 2
    add  t0, t0, t1
    lw   t0, 0(t0)
    beqz t0, 4f
    srli t1, a1, 10
    andi t1, t1, 0xFFC
    add  t0, t0, t1
    lw   t2, 0(t0)
    andi t1, t2, TLB_V
    beqz t1, 4f
    mv   a0, a1
    mv   a1, t2
    li   a7, EXO_TLB_RESUME
    syscall                             # no return unless refused (repossessed?)
    li   t0, UAREA
    lw   a0, U_KIND(t0)
    lw   a1, U_DETAIL(t0)
4:  li   t0, UAREA                      # a fault: off to exos_fault
    sw   a0, U_FCAUSE(t0)
    sw   a1, U_FDETAIL(t0)
    lw   t1, U_EPC(t0)
    sw   t1, U_FPC(t0)
    la   t1, exos_fault
    sw   t1, U_EPC(t0)
    j    9f
5:  li   t0, UP_NOTIFY
    bne  a0, t0, 6f
    li   t0, UAREA
    lw   t0, U_CURPROC(t0)
    lw   t1, P_KILLED(t0)
    beqz t1, 9f
    lw   t1, P_LIBOS(t0)                # inside ExOS: it exits on its way out
    bnez t1, 9f
    li   t0, UAREA
    la   t1, exos_killed_user
    sw   t1, U_EPC(t0)
    j    9f
6:  li   t0, UP_REVOKE
    bne  a0, t0, 4b                     # an exception: the process dies
    la   t0, reserve                    # take a reserve page with cas, give it back
    li   t1, RESERVE
7:  lw   a0, 0(t0)
    beqz a0, 71f
    li   t2, 0
    mv   a1, a0
    cas  a1, t2, (t0)
    bne  a1, a0, 71f
    li   a7, EXO_PAGE_FREE
    syscall
    la   t0, stat_given
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    j    9f
71: addi t0, t0, 4
    addi t1, t1, -1
    bnez t1, 7b
9:  li   a7, EXO_RESUME
    syscall

# exos_fault: where a faulting process continues (normal context): the kill line of
# the monolithic kernel, then exit(-1).
exos_fault:
    li   sp, UAREA_TOP
    call exos_lock
    call user_fault
    li   a0, -1
    call sys_exit
# exos_killed_user: a killed process interrupted in its own code.
exos_killed_user:
    li   sp, UAREA_TOP
    call exos_lock
    li   a0, -1
    call sys_exit

# user_fault(): "pid N (name): killed: <cause> at 0x... (cause N)"
user_fault:
    PROLOGUE
    li   t0, UAREA
    lw   s1, U_CURPROC(t0)
    lw   s3, U_FCAUSE(t0)
    la   a0, msg_pid
    call kputs
    lw   a0, P_PID(s1)
    call kputdec
    la   a0, msg_lparen
    call kputs
    addi a0, s1, P_NAME
    call kputs
    la   a0, msg_killed
    call kputs
    sltiu t0, s3, 16
    bnez t0, 1f
    li   s3, 0
1:  slli t0, s3, 2
    la   t1, cause_names
    add  t0, t0, t1
    lw   a0, 0(t0)
    call kputs
    la   a0, msg_at
    call kputs
    li   t0, UAREA
    lw   a0, U_FDETAIL(t0)
    li   t1, CAUSE_MISALIGNED_FETCH     # 6..15 are address faults
    bge  s3, t1, 2f
    lw   a0, U_FPC(t0)
2:  call kputhex
    la   a0, msg_cause
    call kputs
    mv   a0, s3
    call kputdec
    la   a0, msg_rparen
    call kputs
    EPILOGUE

# ---------------------------------------------------------------- boot
# _start(a0 = domain, a1 = image offset, a2 = envid): ExOS's first environment. Bind
# what ExOS needs (upcalls, the console, the whole disk), mount the file system, make
# process 1 and exec /init in it.
_start:
    la   t0, img_off
    sw   a1, 0(t0)
    la   t0, dom_id
    sw   a0, 0(t0)
    li   t0, UAREA
    sw   a2, U_ENVID(t0)
    mv   s2, a2
    call exos_lock
    call kalloc                         # the repossession vector
    beqz a0, 90f
    la   t0, repo
    sw   a0, 0(t0)
    li   t0, PHYSMAP
    sub  a1, a0, t0
    la   a0, exos_upcall
    li   a7, EXO_SETUP
    syscall
    li   a0, DEV_CONSOLE
    li   a7, EXO_DEV_BIND
    syscall
    call reserve_fill
    li   a0, INFO_BLOCKS
    li   a7, EXO_INFO
    syscall
    la   t0, disk_blocks
    sw   a0, 0(t0)
    beqz a0, 1f
    mv   a1, a0
    li   a0, 0
    li   a7, EXO_DISK_BIND              # the whole disk: ExOS's file system
    syscall
    bnez a0, 91f
1:  call binit
    call console_init
    call allocproc                      # process 1
    mv   s1, a0
    la   t0, initproc
    sw   s1, 0(t0)
    sw   s2, P_ENV(s1)
    li   t0, UAREA
    sw   s1, U_CURPROC(t0)
    li   t0, RUNNING
    sw   t0, P_STATE(s1)
    addi a0, s1, P_NAME
    la   a1, str_init
    li   a2, 16
    call strlcpy
    la   a0, s_banner1
    call kputs
    la   t0, dom_id
    lw   a0, 0(t0)
    call kputdec
    la   a0, s_banner2
    call kputs
    la   t0, disk_blocks
    lw   a0, 0(t0)
    call kputdec
    la   a0, s_banner3
    call kputs
    la   t0, disk_blocks
    lw   t0, 0(t0)
    beqz t0, 92f
    call fsinit
    li   a0, 1
    call iget                           # cwd = /
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
    li   a3, 0
    call kexec                          # returns only on failure
    neg  s2, a0
    la   a0, msg_noinit1
    call kputs
    mv   a0, s2
    call kputdec
    la   a0, msg_noinit2
    call kputs
    li   a0, 99
    call exos_halt
90: la   a0, msg_nomem
    call panic
91: la   a0, msg_nodisk
    call panic
92: la   a0, msg_nodev
    call panic

# panic(a0 = message): "panic: message", power off with 99.
panic:
    mv   s1, a0
    la   a0, msg_panic
    call kputs
    mv   a0, s1
    call kputs
    li   a0, '\n'
    call kputc
    li   a0, 99
    call exos_halt

# exos_halt(a0 = code): the machine goes off (ExOS holds the console: it may).
exos_halt:
    li   a7, EXO_HALT
    syscall
1:  j    1b

.include "proc.s"
.include "vm.s"
.include "exec.s"
.include "cons.s"
.include "env.s"
.include "../../monolithic/file.s"
.include "../../monolithic/pipe.s"
.include "../../monolithic/sysfile.s"
.include "../../monolithic/systable.s"
.include "mm/tlbrefill.s"
.include "base/string.s"
.include "fs/bio.s"
.include "fs/fs.s"

.rodata
s_banner1:   .asciz "exos: POSIX library OS in domain "
s_banner2:   .asciz ", file system on "
s_banner3:   .asciz " disk blocks bound by name\n"
msg_panic:   .asciz "panic: "
msg_nomem:   .asciz "exos: no memory"
msg_nodisk:  .asciz "exos: cannot bind the disk"
msg_nodev:   .asciz "disk I/O error (is a disk attached? --disk IMG)"
msg_noinit1: .asciz "panic: cannot exec /init: error "
msg_noinit2: .asciz " (is /init on the disk image?)\n"
msg_pid:     .asciz "pid "
msg_lparen:  .asciz " ("
msg_killed:  .asciz "): killed: "
msg_at:      .asciz " at "
msg_cause:   .asciz " (cause "
msg_rparen:  .asciz ")\n"
str_init:    .asciz "init"
str_initpath: .asciz "/init"
cn_unknown: .asciz "unknown trap"
cn_bp:      .asciz "breakpoint"
cn_hcall:   .asciz "hypercall"
cn_ill:     .asciz "illegal instruction"
cn_priv:    .asciz "privileged instruction"
cn_mis:     .asciz "misaligned access"
cn_bus:     .asciz "bus error"
cn_miss:    .asciz "TLB miss"
cn_prot:    .asciz "TLB protection fault"
    .balign 4
cause_names:
    .word cn_unknown, cn_unknown, cn_hcall, cn_bp, cn_ill, cn_priv, cn_mis, cn_mis
    .word cn_mis, cn_bus, cn_miss, cn_miss, cn_miss, cn_prot, cn_prot, cn_prot
init_argv:   .word str_initpath, 0

.data
    .balign 4
.global img_off, dom_id, lock_owner, proc_table, initproc
img_off:     .word 0
dom_id:      .word 0
lock_owner:  .word 0
repo:        .word 0
disk_blocks: .word 0
initproc:    .word 0
nextpid:     .word 1
stat_given:  .word 0
reserve:     .space RESERVE * 4
.bss
    .balign 16
proc_table:  .space NPROC * 256
.text
