# mkusys.s — the stubs of the multikernel's own system calls (numbers from 100: the
# kernel's param.inc SYS_SPAWN …; tests/multikernel checks the two agree), for the
# programs of this folder. They trap like the portable stubs (guests/user/lib/trap).

.equ MK_SYS_SPAWN, 100                  # spawn(cpu, path, argv) -> pid
.equ MK_SYS_MKSTAT, 101                 # mkstat(cpu, struct mkstat *) -> 0
.equ MK_SYS_MKPING, 102                 # mkping(cpu, n) -> cycles of n round trips
.equ MK_SYS_MKMODE, 103                 # mkmode(0 poll / 1 notify / -1 ask) -> old mode
.equ MK_SYS_CHAN, 104                   # chan(id) -> page address (+1: the peer's side)
.equ MK_SYS_CPUID, 105                  # cpuid() -> this process's CPU
.equ MK_SYS_NCPU, 106                   # ncpu() -> CPUs running a CPU driver

# struct mkstat (the kernel's ST_* counters)
.equ MS_SENT, 0
.equ MS_RECV, 4
.equ MS_POLLS, 8
.equ MS_EMPTY, 12
.equ MS_IPI_SENT, 16
.equ MS_IPI_RECV, 20
.equ MS_COMMITS, 24
.equ MS_ABORTS, 28
.equ MS_PREPARES, 32
.equ MS_REFUSALS, 36
.equ MS_FULL, 40
.equ MKSTAT_SIZE, 64

.text
spawn:
    li   a7, MK_SYS_SPAWN
    syscall
    ret
mkstat:
    li   a7, MK_SYS_MKSTAT
    syscall
    ret
mkping:
    li   a7, MK_SYS_MKPING
    syscall
    ret
mkmode:
    li   a7, MK_SYS_MKMODE
    syscall
    ret
chan:
    li   a7, MK_SYS_CHAN
    syscall
    ret
cpuid:
    li   a7, MK_SYS_CPUID
    syscall
    ret
ncpu:
    li   a7, MK_SYS_NCPU
    syscall
    ret
