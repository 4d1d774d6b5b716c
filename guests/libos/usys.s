# usys.s — the device library: what a program of the early systems called instead of
# an operating system, found by the portable programs' include path where other
# structures put their system-call stubs.
#
# Concept: a library operating system (seed: "Library operating systems … call system
# functions like regular program functions"; OSKit: the same components, other glue).
# Each call of the ABI (guests/abi.toml) is an ordinary function here: `read` is a
# `j sys_read` into the Unix file layer, which calls the shared file system, buffer
# cache and drivers of guests/lib directly — no trap, no copy across a protection
# boundary, no scheduler. It is the same code the monolithic kernel runs in ring 0
# (guests/monolithic/file.s, pipe.s, sysfile.s: Unix as a library), over a one-process
# environment (env_* below): the single program is always the current process, a
# "sleep" polls the devices once (there are no interrupts), copies between "user" and
# "kernel" are memmove.
#
# What a one-program system cannot do fails plainly: fork and exec (-ENOMEM,
# -ENOEXEC: there is no second process or address space), wait (-ECHILD), kill of
# anyone but itself. exit and halt power the machine off: the monitor has nothing left
# to run.

.equ LIBOS_HEAP, 0x100000               # bytes of sbrk heap (in the image's .bss)
.equ TICK_CYCLES_LIBOS, 10000           # uptime/sleep unit, the monolithic tick

.text
# libos_init(): the devices, the buffer cache, the file system, fds 0-2 = console.
libos_init:
    PROLOGUE
    la   t0, curproc
    la   t1, the_proc
    sw   t1, 0(t0)
    li   t0, 1
    sw   t0, P_PID(t1)
    li   t0, RUNNING
    sw   t0, P_STATE(t1)
    call binit
    call console_init
    li   t0, BOOTINFO
    lw   a0, BI_NDISKS(t0)
    snez a0, a0
    la   t0, have_disk
    sw   a0, 0(t0)
    call disk_init
    la   t0, have_disk
    lw   t0, 0(t0)
    beqz t0, 1f
    call fsinit
    li   a0, 1
    call iget                           # cwd = /
    la   t0, the_proc
    sw   a0, P_CWD(t0)
1:  call console_file
    la   s1, the_proc
    sw   a0, P_OFILE+0(s1)
    call filedup
    sw   a0, P_OFILE+4(s1)
    call filedup
    sw   a0, P_OFILE+8(s1)
    la   t0, heap_brk
    la   t1, heap
    sw   t1, 0(t0)
    EPILOGUE

# ---------------------------------------------------------------- the ABI, as calls
.global fork, exit, wait, pipe, read, kill, exec, fstat, chdir, dup, getpid, sbrk
.global sleep, uptime, open, write, unlink, mkdir, close, yield, procinfo, halt
fork:
    li   a0, -ENOMEM                    # no second process
    ret
exit:
halt:
    li   t0, SYSCTL_HALT                # the job is over: nothing else to run
    sw   a0, 0(t0)
1:  j    1b
wait:
    li   a0, -ECHILD
    ret
exec:
    li   a0, -ENOEXEC                   # one program, linked with this library
    ret
kill:
    li   t0, 1
    beq  a0, t0, exit                   # killing yourself ends the job
    li   a0, -ESRCH
    ret
getpid:
    li   a0, 1
    ret
yield:
    li   a0, 0
    ret
pipe:   j    sys_pipe
read:   j    sys_read
write:  j    sys_write
open:   j    sys_open
close:  j    sys_close
fstat:  j    sys_fstat
chdir:  j    sys_chdir
dup:    j    sys_dup
unlink: j    sys_unlink
mkdir:  j    sys_mkdir

# sbrk(n) -> old break, or -ENOMEM outside the heap of LIBOS_HEAP bytes
sbrk:
    la   t0, heap_brk
    lw   t1, 0(t0)
    add  t2, t1, a0
    la   t3, heap
    bltu t2, t3, 8f
    li   a1, LIBOS_HEAP
    add  t3, t3, a1
    bgtu t2, t3, 8f
    sw   t2, 0(t0)
    mv   a0, t1
    ret
8:  li   a0, -ENOMEM
    ret

# uptime() -> ticks of TICK_CYCLES_LIBOS cycles since reset (the cycle CSR: no timer)
uptime:
    csrr a0, cycle
    li   t0, TICK_CYCLES_LIBOS
    divu a0, a0, t0
    ret

# sleep(ticks): busy-wait, as a program that owns the machine may
sleep:
    csrr t0, cycle
    li   t1, TICK_CYCLES_LIBOS
    mul  t1, t1, a0
1:  csrr t2, cycle
    sub  t2, t2, t0
    bltu t2, t1, 1b
    li   a0, 0
    ret

# procinfo(slot, struct procinfo *) -> 0 for slot 0 (the program), else -ESRCH/-EINVAL
procinfo:
    bnez a0, 1f
    li   t0, 1
    sw   t0, PI_PID(a1)
    sw   zero, PI_PPID(a1)
    li   t0, RUNNING
    sw   t0, PI_STATE(a1)
    la   t0, heap_brk
    lw   t0, 0(t0)
    la   t1, heap
    sub  t0, t0, t1
    sw   t0, PI_SIZE(a1)
    li   t0, 0x6f62696c                 # "libos"
    sw   t0, PI_NAME(a1)
    li   t0, 0x73
    sw   t0, PI_NAME+4(a1)
    li   a0, 0
    ret
1:  sltiu t0, a0, NPROC
    li   a0, -ESRCH
    bnez t0, 2f
    li   a0, -EINVAL
2:  ret

# ---------------------------------------------------------------- the one-process world
# What the Unix file layer (file.s, pipe.s, sysfile.s) asks of "its kernel".
# A pipe that would have to sleep (sleep(chan)) has no other process to wait for: in a
# one-program system that is a deadlock, and `sleep` here is the ABI's sleep(ticks).
# wakeup: nobody else to wake.
wakeup:
    ret
killed:
    li   a0, 0
    ret
# copyin/copyout(a0 = pgdir (unused), a1 = dst, a2 = src, a3 = n) -> 0: one address space
copyin:
copyout:
    PROLOGUE
    mv   a0, a1
    mv   a1, a2
    mv   a2, a3
    call memmove
    li   a0, 0
    EPILOGUE
# copyinstr(a0 = pgdir, a1 = dst, a2 = src, a3 = max) -> length, or -2 with no NUL
copyinstr:
    li   t0, 0
1:  bgeu t0, a3, 8f
    add  t1, a2, t0
    lbu  t2, 0(t1)
    add  t1, a1, t0
    sb   t2, 0(t1)
    beqz t2, 9f
    addi t0, t0, 1
    j    1b
8:  li   a0, -2
    ret
9:  mv   a0, t0
    ret

# The component environment (guests/lib/README.md): one program, polled devices.
# env_sleep(a0 = chan): instead of blocking, poll the devices once — a finished disk
# request or console input is taken as its interrupt handler would take it — and
# return: every caller loops until its condition holds.
env_sleep:
    PROLOGUE
    la   t0, have_disk
    lw   t0, 0(t0)
    beqz t0, 1f
    li   t0, DISK_STATUS
    lw   t1, 0(t0)
    li   t2, 2                          # DONE or ERROR
    bltu t1, t2, 1f
    call disk_intr
1:  li   t0, CONSOLE_CTRL               # a reader asked for input (RXIE)
    lw   t1, 0(t0)
    andi t1, t1, 1
    beqz t1, 2f
    li   t0, CONSOLE_STATUS
    lw   t1, 0(t0)
    andi t1, t1, 5                      # RXREADY or EOF
    beqz t1, 2f
    call console_intr
2:  EPILOGUE
env_wakeup:
    ret
env_killed:
    li   a0, 0
    ret
env_panic:
    mv   s1, a0
    la   a0, s_panic
    call kputs
    mv   a0, s1
    call kputs
    li   a0, '\n'
    call kputc
    li   a0, 99
    call khalt
# env_copyin/env_copyout(a0 = user?, a1 = dst, a2 = src, a3 = n) -> 0
env_copyin:
env_copyout:
    j    copyin
env_cwd:
    la   t0, the_proc
    lw   a0, P_CWD(t0)
    ret
env_v2p:
    li   t0, KSEG
    sub  a0, a0, t0
    ret

.include "mm/kalloc.s"
.include "dev/console.s"
.include "dev/disk.s"
.include "fs/bio.s"
.include "fs/fs.s"
.include "../monolithic/file.s"
.include "../monolithic/pipe.s"
.include "../monolithic/sysfile.s"

.rodata
s_panic: .asciz "libos: panic: "
.data
    .balign 4
curproc:   .word 0
have_disk: .word 0
heap_brk:  .word 0
.bss
    .balign 16
the_proc:  .space 256
    .balign 4096
heap:      .space LIBOS_HEAP
.text
