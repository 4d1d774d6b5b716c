# pmem.s — the process component's memory: every user page comes from a memory
# component by a message, a heartbeat watches the components, and a failed one takes
# down only the processes whose pages it held.
#
# Concept: LegoOS's split of memory management (Shan et al., OSDI 2018, §4.3: the
# mComponent owns the memory and serves the pComponent's allocations and page faults;
# §5 "failure handling"; seed: the kernel-structures post, "a failed memory component
# … does not affect the correct functioning of all other components"). A process has a
# *home* memory component (inherited from its parent; the first one for init; `onmem`
# changes it): upage_alloc sends MT_MALLOC there and gets a zeroed frame of the
# component's own RAM, upage_free gives it back (MT_MFREE). The frames are the
# application's memory, mapped into its page table on this CPU as remote memory over a
# fabric would be; the component's own state — which frames are free, its counters —
# is never read from here.
#
# Failure: a request that gets no answer in MEM_TIMEOUT ticks, or a heartbeat (mwatch:
# MT_PING every HB_PERIOD ticks) that gets none, declares the component failed
# (mem_failed): the frames it held are lost, so every process with a page there loses
# its mapping of it and is killed, with a line naming it; every other process, and every
# other component, runs on. New pages come from another live component.

# pmem_init(): every CPU after the storage component's is a memory component (up): record
# the RAM it owns, from the core data this CPU wrote.
pmem_init:
    PROLOGUE
    li   s1, STORAGE + 1
1:  la   t0, mk_ncpu
    lw   t0, 0(t0)
    bge  s1, t0, 9f
    mv   a0, s1
    call core_data
    slli t2, s1, 2
    lw   t0, CD_MEM(a0)
    la   t1, mem_lo
    add  t1, t1, t2
    sw   t0, 0(t1)
    lw   t0, CD_MEMEND(a0)
    la   t1, mem_hi
    add  t1, t1, t2
    sw   t0, 0(t1)
    la   t1, mem_state
    add  t1, t1, t2
    li   t0, MEM_ALIVE
    sw   t0, 0(t1)
    addi s1, s1, 1
    j    1b
9:  EPILOGUE

# mem_state_of(a0 = CPU) -> its MEM_* state (MEM_NONE out of range). Leaf.
mem_state_of:
    la   t0, mk_ncpu
    lw   t0, 0(t0)
    bgeu a0, t0, 1f
    slli t0, a0, 2
    la   t1, mem_state
    add  t0, t0, t1
    lw   a0, 0(t0)
    ret
1:  li   a0, MEM_NONE
    ret

# first_alive() -> a0 = the lowest-numbered live memory component, or 0. Leaf.
first_alive:
    li   a0, 1
1:  la   t0, mk_ncpu
    lw   t0, 0(t0)
    bgeu a0, t0, 8f
    slli t0, a0, 2
    la   t1, mem_state
    add  t0, t0, t1
    lw   t0, 0(t0)
    li   t1, MEM_ALIVE
    beq  t0, t1, 9f
    addi a0, a0, 1
    j    1b
8:  li   a0, 0
9:  ret

# home_slot(a0 = process) -> a0 = the address of its home word (memhome, by slot). Leaf.
home_slot:
    lw   a0, P_SLOT(a0)
    slli a0, a0, 2
    la   t0, memhome
    add  a0, a0, t0
    ret

# mem_home(a0 = process) -> a0 = the live memory component its pages come from (its
# own, else its parent's, else the first live one), remembered; 0 if none is left.
mem_home:
    PROLOGUE
    mv   s1, a0
    call home_slot
    mv   s2, a0
    lw   a0, 0(s2)
    call mem_state_of
    li   t0, MEM_ALIVE
    bne  a0, t0, 1f
    lw   a0, 0(s2)
    EPILOGUE
1:  lw   a0, P_PARENT(s1)               # inherit the parent's
    beqz a0, 2f
    call home_slot
    lw   s3, 0(a0)
    mv   a0, s3
    call mem_state_of
    li   t0, MEM_ALIVE
    bne  a0, t0, 2f
    mv   a0, s3
    j    3f
2:  call first_alive
3:  sw   a0, 0(s2)
    EPILOGUE

# upage_alloc() -> a0 = the kseg address of a zeroed page of user memory for the
# current process, or 0: asked of its home memory component (a component that does not
# answer in time is declared failed, and the next live one asked).
upage_alloc:
    PROLOGUE
    addi sp, sp, -URPC_LINE
1:  la   t0, curproc
    lw   s1, 0(t0)
    mv   a0, s1
    call mem_home
    beqz a0, 8f
    mv   s2, a0
    call rpc_alloc
    mv   s3, a0
    li   t0, MT_MALLOC
    sw   t0, M_TYPE(sp)
    lw   t0, P_PID(s1)
    sw   t0, M_A0(sp)
    mv   a0, s2
    mv   a1, sp
    mv   a2, s3
    li   a3, MEM_TIMEOUT
    call rpc_call
    mv   s4, a0
    mv   a0, s3
    call rpc_slot
    lw   s5, RS_MSG + M_A0(a0)
    mv   a0, s3
    call rpc_free
    beqz s4, 2f
    mv   a0, s2                         # no answer: the component has failed
    call mem_failed
    j    1b
2:  beqz s5, 8f                         # the component is full
    la   t0, pm_allocs
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    li   t0, KSEG
    add  a0, s5, t0
    j    9f
8:  li   a0, 0
9:  addi sp, sp, URPC_LINE
    EPILOGUE

# mem_owner(a0 = physical address) -> a0 = the memory component that owns it, or 0. Leaf.
mem_owner:
    li   t2, 1
1:  la   t0, mk_ncpu
    lw   t0, 0(t0)
    bgeu t2, t0, 8f
    slli t3, t2, 2
    la   t0, mem_lo
    add  t0, t0, t3
    lw   t0, 0(t0)
    bltu a0, t0, 2f
    la   t0, mem_hi
    add  t0, t0, t3
    lw   t0, 0(t0)
    bltu a0, t0, 9f
2:  addi t2, t2, 1
    j    1b
8:  li   t2, 0
9:  mv   a0, t2
    ret

# upage_free(a0 = kseg address of a user page): give it back to the component that
# owns it (MT_MFREE, no answer awaited); a page of a failed component is simply gone.
upage_free:
    PROLOGUE
    addi sp, sp, -URPC_LINE
    li   t0, KSEG
    sub  s1, a0, t0                     # physical
    mv   s3, a0
    mv   a0, s1
    call mem_owner
    bnez a0, 1f
    mv   a0, s3                         # not a component's: a local page
    call kfree
    j    9f
1:  mv   s2, a0
    call mem_state_of
    li   t0, MEM_ALIVE
    bne  a0, t0, 7f
    mv   a0, s2                         # a component that stopped reading its
    call chan_out                       # channel must not make us wait forever
    call urpc_count
    li   t0, URPC_SLOTS - 2
    bgeu a0, t0, 7f
    li   t0, MT_MFREE
    sw   t0, M_TYPE(sp)
    sw   s1, M_A0(sp)
    mv   a0, s2
    mv   a1, sp
    call chan_send
    la   t0, pm_frees
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    j    9f
7:  la   t0, pm_lost
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
9:  addi sp, sp, URPC_LINE
    EPILOGUE

# mwatch_main: the heartbeat thread (a kernel thread). Every HB_PERIOD ticks it pings
# each live memory component; one that does not answer in MEM_TIMEOUT ticks has failed.
mwatch_main:
    addi sp, sp, -URPC_LINE
1:  li   s1, 1
2:  la   t0, mk_ncpu
    lw   t0, 0(t0)
    bge  s1, t0, 5f
    mv   a0, s1
    call mem_state_of
    li   t0, MEM_ALIVE
    bne  a0, t0, 4f
    call rpc_alloc
    mv   s2, a0
    li   t0, MT_PING
    sw   t0, M_TYPE(sp)
    mv   a0, s1
    mv   a1, sp
    mv   a2, s2
    li   a3, MEM_TIMEOUT
    call rpc_call
    mv   s3, a0
    mv   a0, s2
    call rpc_free
    beqz s3, 3f
    mv   a0, s1
    call mem_failed
    j    4f
3:  la   t0, pm_beats
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
4:  addi s1, s1, 1
    j    2b
5:  la   t0, ticks                      # sleep HB_PERIOD ticks
    lw   s4, 0(t0)
    li   t1, HB_PERIOD
    add  s4, s4, t1
6:  la   a0, ticks
    call sleep
    la   t0, ticks
    lw   t0, 0(t0)
    blt  t0, s4, 6b
    j    1b

# mem_failed(a0 = memory component): declare it failed (once). Its frames are lost:
# every process with a page there loses the mapping and is killed, with a report; the
# rest of the system runs on.
mem_failed:
    PROLOGUE
    mv   s1, a0
    slli t0, s1, 2
    la   t1, mem_state
    add  s2, t0, t1
    lw   t0, 0(s2)
    li   t1, MEM_ALIVE
    bne  t0, t1, 9f
    li   t0, MEM_FAILED
    sw   t0, 0(s2)
    slli t0, s1, 2
    la   t1, mem_lo
    add  t1, t1, t0
    lw   s3, 0(t1)                      # [s3, s4): its frames
    la   t1, mem_hi
    add  t1, t1, t0
    lw   s4, 0(t1)
    la   a0, msg_f1
    call kputs
    mv   a0, s1
    call kputdec
    la   a0, msg_f2
    call kputs
    li   s5, 0                          # processes killed
    la   s6, proc_table
    li   s7, 0                          # slot
1:  lw   t0, P_STATE(s6)
    beqz t0, 3f
    lw   t0, P_PGDIR(s6)
    beqz t0, 3f                         # a kernel thread: no user pages
    mv   a0, t0
    mv   a1, s3
    mv   a2, s4
    call unmap_range
    beqz a0, 3f
    mv   s8, a0
    addi t0, s7, 1                      # its ASID: stale translations go too
    tlbinvasid t0
    la   a0, msg_p1
    call kputs
    lw   a0, P_PID(s6)
    call kputdec
    la   a0, msg_p2
    call kputs
    addi a0, s6, P_NAME
    call kputs
    la   a0, msg_p3
    call kputs
    mv   a0, s8
    call kputdec
    la   a0, msg_p4
    call kputs
    lw   t0, P_STATE(s6)
    li   t1, ZOMBIE
    beq  t0, t1, 2f                     # already exiting
    lw   a0, P_PID(s6)
    call kill                           # ../monolithic/proc.s
2:  addi s5, s5, 1
    la   t0, pm_lost
    lw   t1, 0(t0)
    add  t1, t1, s8
    sw   t1, 0(t0)
3:  addi s6, s6, 256
    addi s7, s7, 1
    li   t0, NPROC
    blt  s7, t0, 1b
    la   a0, msg_s1
    call kputs
    mv   a0, s5
    call kputdec
    la   a0, msg_s2
    call kputs
9:  EPILOGUE

# unmap_range(a0 = page directory, a1 = lo, a2 = hi) -> a0 = user pages whose frame is
# in [lo, hi): their entries cleared (the frames are not freed: they are gone).
unmap_range:
    li   t4, 0                          # count
    li   t5, 0                          # directory index (useg: 0..511)
1:  slli t0, t5, 2
    add  t0, t0, a0
    lw   t6, 0(t0)                      # a page-table page (kseg), or 0
    beqz t6, 4f
    li   t3, 0
2:  slli t0, t3, 2
    add  t0, t0, t6
    lw   t1, 0(t0)
    andi t2, t1, TLB_V
    beqz t2, 3f
    srli t2, t1, 12
    slli t2, t2, 12
    bltu t2, a1, 3f
    bgeu t2, a2, 3f
    sw   zero, 0(t0)
    addi t4, t4, 1
3:  addi t3, t3, 1
    li   t0, 1024
    blt  t3, t0, 2b
4:  addi t5, t5, 1
    li   t0, 512
    blt  t5, t0, 1b
    mv   a0, t4
    ret

# exit_mem(a0 = process): a process ends: its slot forgets its home (the next process
# in the slot inherits from its own parent). From exit_hook (replica.s).
exit_mem:
    PROLOGUE
    call home_slot
    sw   zero, 0(a0)
    EPILOGUE

# memctl(a0 = op, a1 = component) -> see param.inc MC_*; -EINVAL for a CPU that is not
# a memory component (or a failed one, for HOME and FAIL).
sys_memctl:
    PROLOGUE
    addi sp, sp, -URPC_LINE
    mv   s1, a0
    mv   s2, a1
    li   t0, MC_SFAIL
    bne  s1, t0, 0f
    mv   a0, s2
    call storage_fail                   # pstore.s
    j    9f
0:  li   t0, MC_LOST
    bne  s1, t0, 1f
    la   t0, pm_lost
    lw   a0, 0(t0)
    j    9f
1:  mv   a0, s2
    call mem_state_of
    mv   s3, a0
    bnez s1, 2f
    mv   a0, s3                         # MC_STATE
    j    9f
2:  li   t0, MEM_ALIVE
    bne  s3, t0, 91f
    li   t0, MC_HOME
    bne  s1, t0, 3f
    la   t0, curproc
    lw   a0, 0(t0)
    call home_slot
    lw   t0, 0(a0)
    sw   s2, 0(a0)
    mv   a0, t0
    j    9f
3:  li   t0, MC_FAIL
    bne  s1, t0, 4f
    li   t0, MT_MFAIL
    sw   t0, M_TYPE(sp)
    mv   a0, s2
    mv   a1, sp
    call chan_send
    li   a0, 0
    j    9f
4:  li   t0, MC_COUNT
    bne  s1, t0, 91f
    slli t0, s2, 2                      # pages of every process mapped from there
    la   t1, mem_lo
    add  t1, t1, t0
    lw   s3, 0(t1)
    la   t1, mem_hi
    add  t1, t1, t0
    lw   s4, 0(t1)
    li   s5, 0
    la   s6, proc_table
    li   s7, NPROC
5:  lw   t0, P_STATE(s6)
    beqz t0, 6f
    lw   a0, P_PGDIR(s6)
    beqz a0, 6f
    mv   a1, s3
    mv   a2, s4
    call count_range
    add  s5, s5, a0
6:  addi s6, s6, 256
    addi s7, s7, -1
    bnez s7, 5b
    mv   a0, s5
    j    9f
91: li   a0, -EINVAL
9:  addi sp, sp, URPC_LINE
    EPILOGUE

# count_range(a0 = page directory, a1 = lo, a2 = hi) -> user pages mapped from [lo, hi).
count_range:
    li   t4, 0
    li   t5, 0
1:  slli t0, t5, 2
    add  t0, t0, a0
    lw   t6, 0(t0)
    beqz t6, 4f
    li   t3, 0
2:  slli t0, t3, 2
    add  t0, t0, t6
    lw   t1, 0(t0)
    andi t2, t1, TLB_V
    beqz t2, 3f
    srli t2, t1, 12
    slli t2, t2, 12
    bltu t2, a1, 3f
    bgeu t2, a2, 3f
    addi t4, t4, 1
3:  addi t3, t3, 1
    li   t0, 1024
    blt  t3, t0, 2b
4:  addi t5, t5, 1
    li   t0, 512
    blt  t5, t0, 1b
    mv   a0, t4
    ret

.rodata
msg_f1: .asciz "disaggregated: memory component "
msg_f2: .asciz " failed: the pages it held are lost\n"
msg_p1: .asciz "disaggregated: pid "
msg_p2: .asciz " ("
msg_p3: .asciz ") lost "
msg_p4: .asciz " pages: killed\n"
msg_s1: .asciz "disaggregated: processes killed: "
msg_s2: .asciz "; every other process and component runs on\n"

.data
    .balign 4
pm_allocs:  .word 0                     # pages received from memory components
pm_frees:   .word 0                     # pages given back
pm_lost:    .word 0                     # pages lost with failed components
pm_beats:   .word 0                     # heartbeats answered
mem_lo:     .space MAXCPU * 4           # each memory component's frames [lo, hi) (physical)
mem_hi:     .space MAXCPU * 4
mem_state:  .space MAXCPU * 4           # MEM_NONE / MEM_ALIVE / MEM_FAILED
memhome:    .space NPROC * 4            # by process slot: its home component (0: unset)
.global pm_allocs, pm_frees, pm_lost, pm_beats, mem_lo, mem_hi, mem_state, memhome
.text
