# env.s — the monolithic kernel's side of the component environment interface.
#
# Concept: OSKit's "osenv" (seed: OSKit lecture — "a set of OS components … glue
# code"): the shared drivers and file system in guests/lib never name a kernel's own
# routines or data; they call these env_* functions, and each kernel structure provides
# them its own way. Here they are the monolithic kernel's sleep/wakeup on the current
# process, its panic, the copy routines that honour the process's page table, and kseg
# arithmetic for DMA. A user-level server implements the same names over IPC; a
# unikernel with trivial stubs.
#
# On several CPUs the components run under the file-system lock (syscall.s), which
# env_sleep gives up while the caller sleeps: the check of a condition and the sleep
# are atomic with respect to the wakeup, as on one CPU. A component reached without
# that lock is a kernel bug, caught here (on one CPU nothing can come between).
#
# Provides: env_sleep, env_wakeup, env_panic, env_warn, env_killed, env_copyin,
#   env_copyout, env_cwd, env_v2p
# Needs: sleep, wakeup, panic, killed, either_copyin, either_copyout, holding, fs_lock,
#   ncpu, the per-CPU tp (smp.s), kputc, kputs, kputdec

# env_sleep(a0 = chan): block the caller until env_wakeup(chan).
env_sleep:
    PROLOGUE
    mv   s1, a0
    la   t0, ncpu                       # one CPU (or a kernel that never starts
    lw   t0, 0(t0)                      # others, like the hybrid one): any caller
    li   t1, 1
    bleu t0, t1, 2f
    la   a0, fs_lock
    call holding
    beqz a0, 1f
2:  mv   a0, s1
    call sleep
    EPILOGUE
1:  la   a0, msg_envsleep
    call panic
# env_wakeup(a0 = chan): make every caller blocked on chan runnable.
env_wakeup:
    j    wakeup
# env_panic(a0 = message): report and stop; never returns.
env_panic:
    j    panic
# env_warn(a0 = message, a1 = number): one console line, message then the number (the
# file system's reports of corrupt on-disk data, FS_WARN = 1).
env_warn:
    PROLOGUE
    mv   s1, a1
    call kputs
    mv   a0, s1
    call kputdec
    li   a0, '\n'
    call kputc
    EPILOGUE
# env_killed() -> a0 != 0 if the caller must abandon an interruptible wait (-EINTR).
env_killed:
    j    killed
# env_copyin(a0 = user?, a1 = kernel dst, a2 = src, a3 = n) -> 0 / -1 (bad address)
env_copyin:
    j    either_copyin
# env_copyout(a0 = user?, a1 = dst, a2 = kernel src, a3 = n) -> 0 / -1 (bad address)
env_copyout:
    j    either_copyout
# env_cwd() -> a0 = the caller's current directory (an in-memory inode). Leaf.
env_cwd:
    mv   t0, tp                         # this CPU's curproc (smp.s)
    lw   t0, 0(t0)
    lw   a0, P_CWD(t0)
    ret
# env_v2p(a0 = kernel address of a DMA buffer) -> a0 = its physical address. Leaf.
env_v2p:
    li   t0, KSEG
    sub  a0, a0, t0
.if DOM0
    la   t0, pv_mbase                   # pv.s: Dom0's devices need machine addresses
    lw   t0, 0(t0)
    add  a0, a0, t0
.endif
    ret

.rodata
msg_envsleep: .asciz "env_sleep: a component sleeps without fs_lock"
.text
