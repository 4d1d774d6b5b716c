# uthread.s — a user-level threading library (many user threads on one process).
#
# Concept: FlexSC-Threads (Soares & Stumm, OSDI 2010 §4): the threads of a program
# are user-level; when one makes a system call through the FlexSC stubs
# (guests/flexsc/stubs/usys.s) it posts an entry on the syscall page and *blocks in
# this library* (uthread_block), which switches to another ready thread instead of
# trapping — the slide's `while (entry->status != DONE) do_something_else()`. Only when
# no thread is ready does the library call the idle hook (the FlexSC stubs' fx_idle:
# poll the page a while, then one FLEXSC_WAIT trap).
#
# With the trapping stubs (guests/user/lib/trap) the same library is ordinary
# cooperative many-to-one threading: a system call blocks the whole process, and
# threads switch only in uthread_yield / uthread_exit. So a threaded program runs
# unchanged on both; only the stub library, chosen by the include path, differs.
#
#   uthread_create(a0 = fn, a1 = arg) -> tid (1..UT_MAX-1) / -1: fn(arg) runs as a new
#                   thread on a UT_STACK-byte stack (from sbrk); returning ends it
#   uthread_yield() let the other ready threads run
#   uthread_exit()  end this thread (thread 0, the program's own, must not)
#   uthread_join()  wait (as thread 0) until every other thread has ended
#   uthread_self() -> tid
#   uthread_block(a0 = word address, a1 = value): sleep until *a0 == a1
#   uthread_forked() in a child of fork: only the forking thread lives on
#
# A thread's switch saves ra, fp and s1-s11 on its own stack (ut_switch).

.ifndef UTHREAD_S
.equ UTHREAD_S, 1
.equ UT_MAX, 16
.equ UT_STACK, 4096
.equ UT_FREE, 0
.equ UT_READY, 1
.equ UT_BLOCKED, 2

.text
uthread_self:
    la   t0, ut_cur
    lw   a0, 0(t0)
    ret

uthread_create:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    li   s3, 1                  # find a free slot
1:  li   t0, UT_MAX
    bge  s3, t0, 9f
    la   t0, ut_state
    slli t1, s3, 2
    add  t0, t0, t1
    lw   t1, 0(t0)
    beqz t1, 2f
    addi s3, s3, 1
    j    1b
2:  slli t1, s3, 2              # its stack: reuse the slot's, else sbrk a new one
    la   t0, ut_stack
    add  t0, t0, t1
    lw   s4, 0(t0)
    bnez s4, 3f
    li   a0, UT_STACK
    call sbrk
    blt  a0, zero, 9f
    mv   s4, a0
    slli t1, s3, 2
    la   t0, ut_stack
    add  t0, t0, t1
    sw   s4, 0(t0)
3:  li   t0, UT_STACK           # first frame: ut_switch "returns" to ut_start with
    add  t2, s4, t0             # s1 = fn, s2 = arg
    addi t2, t2, -64
    la   t0, ut_start
    sw   t0, 60(t2)
    sw   zero, 56(t2)
    sw   s1, 0(t2)
    sw   s2, 4(t2)
    slli t1, s3, 2
    la   t0, ut_sp
    add  t0, t0, t1
    sw   t2, 0(t0)
    la   t0, ut_state
    add  t0, t0, t1
    li   t1, UT_READY
    sw   t1, 0(t0)
    la   t0, ut_live
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    mv   a0, s3
    FUNC_RETURN
9:  li   a0, -1
    FUNC_RETURN

ut_start:
    mv   a0, s2
    jalr ra, s1, 0
    call uthread_exit

uthread_yield:
    FUNC_ENTER
    call ut_schedule
    FUNC_RETURN

uthread_exit:
    la   t0, ut_cur
    lw   t1, 0(t0)
    slli t1, t1, 2
    la   t0, ut_state
    add  t0, t0, t1
    sw   zero, 0(t0)            # UT_FREE (its stack stays for the next thread)
    la   t0, ut_live
    lw   t1, 0(t0)
    addi t1, t1, -1
    sw   t1, 0(t0)
1:  call ut_schedule            # never comes back to a free thread
    j    1b

uthread_join:                   # blocks (not spins) until ut_live is 0: a joiner
    FUNC_ENTER                  # that spun would keep the CPU from the system
    la   a0, ut_live
    li   a1, 0
    call uthread_block
    FUNC_RETURN

uthread_block:
    FUNC_ENTER
    la   t0, ut_cur
    lw   t1, 0(t0)
    slli t1, t1, 2
    la   t0, ut_waddr
    add  t0, t0, t1
    sw   a0, 0(t0)
    la   t0, ut_wval
    add  t0, t0, t1
    sw   a1, 0(t0)
    la   t0, ut_state
    add  t0, t0, t1
    li   t2, UT_BLOCKED
    sw   t2, 0(t0)
    call ut_schedule
    FUNC_RETURN

uthread_forked:
    la   t0, ut_cur
    lw   t0, 0(t0)
    li   t1, 0
1:  li   t2, UT_MAX
    bge  t1, t2, 3f
    beq  t1, t0, 2f
    la   t2, ut_state
    slli t3, t1, 2
    add  t2, t2, t3
    sw   zero, 0(t2)
2:  addi t1, t1, 1
    j    1b
3:  la   t0, ut_live
    sw   zero, 0(t0)
    ret

# ut_ready(a0 = tid) -> a0 = 1 if it can run (ready, or blocked and its word is set;
# then it becomes ready). Leaf.
ut_ready:
    slli t1, a0, 2
    la   t0, ut_state
    add  t0, t0, t1
    lw   t2, 0(t0)
    li   t3, UT_READY
    beq  t2, t3, 8f
    li   t3, UT_BLOCKED
    bne  t2, t3, 9f
    la   t3, ut_waddr
    add  t3, t3, t1
    lw   t3, 0(t3)
    lw   t3, 0(t3)
    la   t4, ut_wval
    add  t4, t4, t1
    lw   t4, 0(t4)
    bne  t3, t4, 9f
    li   t3, UT_READY
    sw   t3, 0(t0)
8:  li   a0, 1
    ret
9:  li   a0, 0
    ret

# ut_any_ready() -> a0 = 1 if some thread can run (for the idle hook). Leaf but for
# ut_ready, which uses only t0-t4.
ut_any_ready:
    mv   t6, ra
    li   t5, 0
1:  li   t0, UT_MAX
    bge  t5, t0, 8f
    mv   a0, t5
    call ut_ready
    bnez a0, 9f
    addi t5, t5, 1
    j    1b
8:  li   a0, 0
9:  mv   ra, t6
    ret

# ut_schedule(): run the next thread that can run, round-robin after this one (this
# one last); none: the idle hook, then look again.
ut_schedule:
    FUNC_ENTER
    la   t0, ut_cur
    lw   s1, 0(t0)
1:  li   s2, 1
2:  li   t0, UT_MAX
    bgt  s2, t0, 5f
    add  s3, s1, s2
    li   t0, UT_MAX
    blt  s3, t0, 3f
    sub  s3, s3, t0
3:  mv   a0, s3
    call ut_ready
    bnez a0, 4f
    addi s2, s2, 1
    j    2b
4:  beq  s3, s1, 9f             # this one again
    la   t0, ut_switches
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    mv   a0, s3
    call ut_switch
    j    9f
5:  call uthread_idle           # nobody can run: wait for the system
    j    1b
9:  FUNC_RETURN

# ut_switch(a0 = tid): save this thread's registers on its stack, continue tid.
ut_switch:
    FUNC_ENTER
    la   t0, ut_cur
    lw   t1, 0(t0)
    sw   a0, 0(t0)
    slli t1, t1, 2
    la   t2, ut_sp
    add  t1, t1, t2
    sw   sp, 0(t1)
    slli t1, a0, 2
    add  t1, t1, t2
    lw   sp, 0(t1)
    FUNC_RETURN

.ifndef UTHREAD_IDLE_HOOK
# uthread_idle(): the trapping stubs' idle: no thread blocks in the library, so this
# only runs when every thread has ended but a joiner; give the CPU away.
uthread_idle:
    FUNC_ENTER
    call yield
    FUNC_RETURN
.endif

.data
    .balign 4
ut_cur:      .word 0
ut_switches: .word 0            # thread switches in the library
ut_live:     .word 0            # threads alive besides thread 0
ut_state:    .word UT_READY
             .space (UT_MAX - 1) * 4
.bss
    .balign 4
ut_sp:       .space UT_MAX * 4
ut_stack:    .space UT_MAX * 4
ut_waddr:    .space UT_MAX * 4
ut_wval:     .space UT_MAX * 4
.text
.endif
