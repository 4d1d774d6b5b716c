# GENERATED from guests/abi.toml by `ringvm generate`; do not edit.
# usys.s — the trapping stub library: the number goes in a7, the arguments stay
# in a0-a5 as the caller put them, and the result comes back in a0 (negative =
# -errno). The kernel preserves everything except t0-t6 and a0, so the stubs
# are leaf functions. Other structures provide a usys.s of their own (IPC,
# library calls, a syscall page) found first on the programs' include path.

.macro USYSCALL name, num
.global \name
\name:
    li   a7, \num
    syscall
    ret
.endm

.text
USYSCALL fork, SYS_FORK
USYSCALL exit, SYS_EXIT
USYSCALL wait, SYS_WAIT
USYSCALL pipe, SYS_PIPE
USYSCALL read, SYS_READ
USYSCALL kill, SYS_KILL
USYSCALL exec, SYS_EXEC
USYSCALL fstat, SYS_FSTAT
USYSCALL chdir, SYS_CHDIR
USYSCALL dup, SYS_DUP
USYSCALL getpid, SYS_GETPID
USYSCALL sbrk, SYS_SBRK
USYSCALL sleep, SYS_SLEEP
USYSCALL uptime, SYS_UPTIME
USYSCALL open, SYS_OPEN
USYSCALL write, SYS_WRITE
USYSCALL unlink, SYS_UNLINK
USYSCALL mkdir, SYS_MKDIR
USYSCALL close, SYS_CLOSE
USYSCALL yield, SYS_YIELD
USYSCALL procinfo, SYS_PROCINFO
USYSCALL halt, SYS_HALT
