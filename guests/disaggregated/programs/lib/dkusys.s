# dkusys.s — the stub of the disaggregated kernel's own system call (the kernel's
# param.inc SYS_MEMCTL, MC_*), for the programs of this folder; it traps like the
# portable stubs (guests/user/lib/trap).

.equ DK_SYS_MEMCTL, 107                 # memctl(op, component) -> see below
.equ DK_MC_STATE, 0                     # -> 0 not a memory component, 1 alive, 2 failed
.equ DK_MC_HOME, 1                      # the caller's pages come from there from now on
.equ DK_MC_FAIL, 2                      # fault injection: that component fails
.equ DK_MC_COUNT, 3                     # -> user pages mapped from there, every process
.equ DK_MC_LOST, 4                      # -> pages lost with failed components so far
.equ DK_MC_SFAIL, 5                     # the storage component crashes for a1 ticks (0: default)

.text
memctl:
    li   a7, DK_SYS_MEMCTL
    syscall
    ret
