# usys.s — the FlexSC stub library (exception-less system calls). Chosen by the
# include path (guests/flexsc/guest.toml: [disk] stubs), so every portable program of
# guests/user runs unchanged on it.
#
# Concept: FlexSC's user side (seed: "user threads push requests … kernel threads
# poll"). The first call registers a syscall page with the kernel (one FLEXSC_REGISTER
# trap). After that a call is the slide's code:
#
#     entry = the calling thread's entry;  entry->syscall = n;  entry->num_args = k;
#     entry->args[0..] = a0..a5;  entry->status = SUBMIT;
#     while (entry->status != DONE) do_something_else();   # uthread_block
#     return entry->return_code;
#
# Each user thread (lib/uthread.s) owns entry 1 + its tid, so it has at most one call
# outstanding and entries need no allocation. `do_something_else` is another user
# thread; when none can run, fx_idle polls the page for H_SPIN rounds (the kernel sets
# it: 0 on one CPU, where polling cannot help) and then traps once, FLEXSC_WAIT(1): the
# kernel wakes the syscall threads and returns when an entry is DONE. Posting to a page
# whose syscall threads sleep (H_KSLEEP) costs one FLEXSC_WAIT(0) trap to wake them —
# on several CPUs; on one, they cannot run before the process blocks anyway, so the
# FLEXSC_WAIT(1) of fx_idle wakes them: one trap per batch.
#
# fork, exit, wait, exec, sbrk, sleep, yield and halt still trap: they act on the
# process's own thread of control or address space (guests/flexsc/README.md). A
# process whose registration fails (a full process table) traps for everything.
#
# Like the trapping stubs, a call preserves everything but t0-t6 and a0.

.include "flexsc.inc"
.equ UTHREAD_IDLE_HOOK, 1

# TRAPCALL name, num: the ordinary trapping stub
.macro TRAPCALL name, num
.global \name
\name:
    li   a7, \num
    syscall
    ret
.endm

# FXCALL name, num, nargs: post the call on the syscall page
.macro FXCALL name, num, nargs
.global \name
\name:
    li   a7, \num
    li   t0, \nargs
    j    fx_call
.endm

.text
FXCALL read, SYS_READ, 3
FXCALL write, SYS_WRITE, 3
FXCALL open, SYS_OPEN, 2
FXCALL close, SYS_CLOSE, 1
FXCALL pipe, SYS_PIPE, 1
FXCALL kill, SYS_KILL, 1
FXCALL fstat, SYS_FSTAT, 2
FXCALL chdir, SYS_CHDIR, 1
FXCALL dup, SYS_DUP, 1
FXCALL getpid, SYS_GETPID, 0
FXCALL uptime, SYS_UPTIME, 0
FXCALL unlink, SYS_UNLINK, 1
FXCALL mkdir, SYS_MKDIR, 1
FXCALL procinfo, SYS_PROCINFO, 2
TRAPCALL exit, SYS_EXIT
TRAPCALL wait, SYS_WAIT
TRAPCALL sbrk, SYS_SBRK
TRAPCALL sleep, SYS_SLEEP
TRAPCALL yield, SYS_YIELD
TRAPCALL halt, SYS_HALT

# fork: the child has no syscall page and only the forking thread
.global fork
fork:
    li   a7, SYS_FORK
    syscall
    bnez a0, 1f
    la   t0, fx_page
    sw   zero, 0(t0)
    mv   t6, ra
    call uthread_forked
    mv   ra, t6
    li   a0, 0
1:  ret

# exec: the kernel stopped the syscall threads; if exec failed, register again later
.global exec
exec:
    li   a7, SYS_EXEC
    syscall
    la   t0, fx_page
    sw   zero, 0(t0)
    ret

# fx_call(a0..a5 = arguments, a7 = number, t0 = number of arguments) -> a0
fx_call:
    addi sp, sp, -48
    sw   ra, 44(sp)
    sw   a1, 0(sp)
    sw   a2, 4(sp)
    sw   a3, 8(sp)
    sw   a4, 12(sp)
    sw   a5, 16(sp)
    sw   a6, 20(sp)
    sw   a7, 24(sp)
    sw   s1, 28(sp)
    sw   a0, 32(sp)
    sw   t0, 36(sp)
    la   t1, fx_page
    lw   t1, 0(t1)
    bnez t1, 1f
    li   a7, FLEXSC_REGISTER    # the first call: a syscall page
    syscall
    bge  a0, zero, 11f
    li   a0, -1                 # none: trap from now on
11: la   t1, fx_page
    sw   a0, 0(t1)
    mv   t1, a0
    lw   a0, 32(sp)
    lw   a7, 24(sp)
1:  li   t2, -1
    bne  t1, t2, 2f
    syscall                     # no page: an ordinary trap
    j    9f
2:  la   t0, ut_cur             # this thread's entry
    lw   t0, 0(t0)
    addi t0, t0, 1
    slli s1, t0, 6
    add  s1, s1, t1
    lw   t2, H_HIGH(t1)         # the kernel scans entries 1 .. H_HIGH-1
    addi t3, t0, 1
    bge  t2, t3, 3f
    sw   t3, H_HIGH(t1)
3:  sw   a7, E_SYSNUM(s1)
    lw   t0, 36(sp)
    sw   t0, E_NARGS(s1)
    sw   a0, E_ARGS+0(s1)
    sw   a1, E_ARGS+4(s1)
    sw   a2, E_ARGS+8(s1)
    sw   a3, E_ARGS+12(s1)
    sw   a4, E_ARGS+16(s1)
    sw   a5, E_ARGS+20(s1)
    sw   zero, E_ARGS+24(s1)
    li   t0, FX_SUBMIT
    sw   t0, E_STATUS(s1)       # posted
    la   t0, fx_posted
    lw   t2, 0(t0)
    addi t2, t2, 1
    sw   t2, 0(t0)
    lw   t0, H_SPIN(t1)         # one CPU: they cannot run before this process
    beqz t0, 4f                 # blocks, and fx_idle's FLEXSC_WAIT wakes them then
    lw   t0, H_KSLEEP(t1)       # its syscall threads sleep: wake them (one trap
    beqz t0, 4f                 # for everything posted until they sleep again)
    li   a0, 0
    li   a7, FLEXSC_WAIT
    syscall
4:  addi a0, s1, E_STATUS       # do something else until DONE
    li   a1, FX_DONE
    call uthread_block
    lw   a0, E_RET(s1)
    sw   zero, E_STATUS(s1)     # FREE
9:  lw   ra, 44(sp)
    lw   a1, 0(sp)
    lw   a2, 4(sp)
    lw   a3, 8(sp)
    lw   a4, 12(sp)
    lw   a5, 16(sp)
    lw   a6, 20(sp)
    lw   a7, 24(sp)
    lw   s1, 28(sp)
    addi sp, sp, 48
    ret

# uthread_idle(): no user thread can run. Poll the page H_SPIN times (the syscall
# threads run on another CPU), then trap once and sleep until an entry is DONE.
uthread_idle:
    FUNC_ENTER
    la   t0, fx_page
    lw   s1, 0(t0)
    lw   s2, H_SPIN(s1)
1:  beqz s2, 2f
    call ut_any_ready
    bnez a0, 9f
    addi s2, s2, -1
    j    1b
2:  lw   t0, H_KSLEEP(s1)       # (FLEXSC_WAIT also wakes them)
    li   a0, 1
    li   a7, FLEXSC_WAIT
    syscall
    la   t0, fx_waits
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
9:  FUNC_RETURN

.data
    .balign 4
fx_page:   .word 0              # the syscall page; 0 not yet, -1 none (trap)
fx_posted: .word 0              # calls posted on the page
fx_waits:  .word 0              # FLEXSC_WAIT(1) traps
.text
.include "../lib/uthread.s"
