# usys.s — the stub library of the programs that run on ExOS (guests/exokernel/
# guest.toml: [disk] stubs). A system call is a plain jump into the library OS, which
# is mapped at EXOS_BASE in every address space of its domain: stub n jumps to entry n
# of its table (EXOS_BASE + 8 * n; exos/exos.s). The arguments stay in a0-a5, the
# result comes back in a0 — the ABI of guests/abi.toml, without a trap: the program and
# its library OS share the environment and ring 3.

.equ EXOS_BASE, 0x00400000

.macro EXOSCALL name, num
.global \name
\name:
    li   t0, EXOS_BASE + 8 * \num
    jr   t0
.endm

.text
EXOSCALL fork, SYS_FORK
EXOSCALL exit, SYS_EXIT
EXOSCALL wait, SYS_WAIT
EXOSCALL pipe, SYS_PIPE
EXOSCALL read, SYS_READ
EXOSCALL kill, SYS_KILL
EXOSCALL exec, SYS_EXEC
EXOSCALL fstat, SYS_FSTAT
EXOSCALL chdir, SYS_CHDIR
EXOSCALL dup, SYS_DUP
EXOSCALL getpid, SYS_GETPID
EXOSCALL sbrk, SYS_SBRK
EXOSCALL sleep, SYS_SLEEP
EXOSCALL uptime, SYS_UPTIME
EXOSCALL open, SYS_OPEN
EXOSCALL write, SYS_WRITE
EXOSCALL unlink, SYS_UNLINK
EXOSCALL mkdir, SYS_MKDIR
EXOSCALL close, SYS_CLOSE
EXOSCALL yield, SYS_YIELD
EXOSCALL procinfo, SYS_PROCINFO
EXOSCALL halt, SYS_HALT
