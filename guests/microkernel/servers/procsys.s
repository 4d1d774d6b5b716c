# procsys.s — the process server's POSIX calls (getpid, exit, wait, kill, sbrk, halt,
# procinfo, fork, exec) and its memory from sigma0 (included by procserv.s).
#
# Concept: process management as a user-level service (seed: kernel structures —
# "say a user application … makes an IPC through the kernel into the … service"):
# each call is a request from the process's thread; an answer may wait (wait, until a
# child exits) or never come (exit; exec, which restarts the thread in the new
# program). Memory comes from sigma0 in 64 KiB flexpages (recursive address spaces).

# ---------------------------------------------------------------- memory from sigma0

# chunk_more() -> a0 = 0 / -1: 64 KiB more from sigma0 into the pool
chunk_more:
    la   t0, nchunks
    lw   t1, 0(t0)
    li   t2, MAXCHUNKS
    bgeu t1, t2, 9f
    slli t2, t1, CHUNK_LOG2
    li   t3, POOL_VA
    add  t2, t2, t3
    la   t3, bump
    sw   t2, 0(t3)
    li   t4, 1 << CHUNK_LOG2
    add  t4, t4, t2
    sw   t4, 4(t3)
    addi t1, t1, 1
    sw   t1, 0(t0)
    ori  t2, t2, CHUNK_LOG2             # the window
    li   a0, S0_ALLOC
    li   a1, CHUNK_LOG2
    li   t0, TID_SIGMA0
    li   t3, 0
    li   t6, 0
    KSYS K_CALL
    bnez t1, 8f
    bnez a0, 8f
    li   t0, MT_MAP
    bne  t3, t0, 8f
    li   a0, 0
    ret
8:  la   t3, bump                       # nothing came: forget the chunk
    sw   zero, 0(t3)
    sw   zero, 4(t3)
9:  li   a0, -1
    ret

# page_alloc() -> a0 = a zeroed page of the pool, or 0
page_alloc:
    PROLOGUE
    la   t0, page_free_list
    lw   a0, 0(t0)
    beqz a0, 1f
    lw   t1, 0(a0)
    sw   t1, 0(t0)
    j    5f
1:  la   t0, bump
    lw   a0, 0(t0)
    lw   t1, 4(t0)
    bltu a0, t1, 4f
    call chunk_more
    bnez a0, 8f
    la   t0, bump
    lw   a0, 0(t0)
4:  li   t1, 4096
    add  t1, a0, t1
    sw   t1, 0(t0)
5:  mv   s1, a0
    li   a1, 0
    li   a2, 4096
    call memset
    mv   a0, s1
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# page_free(a0 = page). Leaf.
page_free:
    la   t0, page_free_list
    lw   t1, 0(t0)
    sw   t1, 0(a0)
    sw   a0, 0(t0)
    ret

# table_alloc() -> a0 = a zeroed shadow table (two contiguous pages), or 0
table_alloc:
    PROLOGUE
    la   t0, table_free_list
    lw   a0, 0(t0)
    beqz a0, 1f
    lw   t1, 0(a0)
    sw   t1, 0(t0)
    j    5f
1:  la   t0, bump                       # two pages of the current chunk
    lw   a0, 0(t0)
    lw   t1, 4(t0)
    sub  t2, t1, a0
    li   t3, 8192
    bgeu t2, t3, 4f
    beqz a0, 2f                         # the rest of the chunk: single pages
    bgeu a0, t1, 2f
    mv   s1, a0
    li   t2, 4096
    add  t2, a0, t2
    sw   t2, 0(t0)
    mv   a0, s1
    call page_free
    j    1b
2:  call chunk_more
    bnez a0, 8f
    j    1b
4:  li   t1, 8192
    add  t1, a0, t1
    sw   t1, 0(t0)
5:  mv   s1, a0
    li   a1, 0
    li   a2, 8192
    call memset
    mv   a0, s1
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# table_free(a0 = shadow table). Leaf.
table_free:
    la   t0, table_free_list
    lw   t1, 0(t0)
    sw   t1, 0(a0)
    sw   a0, 0(t0)
    ret

# ---------------------------------------------------------------- the POSIX calls
# each: a0, a1 = the call's arguments; s1 = the caller's tid, s5 = its process
# -> a0 = result, a1 = 1 if there is no reply (now)

s_getpid:
    la   t0, cur_proc
    lw   t0, 0(t0)
    lw   a0, PR_PID(t0)
    li   a1, 0
    ret

s_exit:
    PROLOGUE
    mv   a1, a0
    la   t0, cur_proc
    lw   a0, 0(t0)
    call do_exit
    li   a1, 1
    EPILOGUE

s_wait:
    PROLOGUE
    mv   s2, a0
    la   t0, cur_proc
    lw   s1, 0(t0)
    mv   a0, s1
    mv   a1, s2
    call reap
    li   t0, -EAGAIN_
    bne  a0, t0, 8f
    addi t0, s2, 1                      # wait for a child's exit
    sw   t0, PR_WAITING(s1)
    li   a1, 1
    EPILOGUE
8:  li   a1, 0
    EPILOGUE

s_kill:
    PROLOGUE
    li   t0, 1
    bne  a0, t0, 1f
    li   a0, -EPERM                     # init must not die
    li   a1, 0
    EPILOGUE
1:  ble  a0, zero, 8f
    la   s1, procs
    li   s2, NPROC
2:  lw   t0, PR_STATE(s1)
    beqz t0, 3f
    lw   t0, PR_PID(s1)
    beq  t0, a0, 4f
3:  addi s1, s1, 1 << PROC_SHIFT
    addi s2, s2, -1
    bnez s2, 2b
8:  li   a0, -ESRCH
    li   a1, 0
    EPILOGUE
4:  lw   t0, PR_STATE(s1)
    li   t1, ST_ZOMBIE
    beq  t0, t1, 7f
    la   t0, cur_proc
    lw   s3, 0(t0)
    mv   a0, s1
    li   a1, -1
    call do_exit
    beq  s1, s3, 6f                     # it killed itself: no answer
7:  li   a0, 0
    li   a1, 0
    EPILOGUE
6:  li   a1, 1
    EPILOGUE

s_sbrk:
    PROLOGUE
    la   t0, cur_proc
    lw   s1, 0(t0)
    lw   s2, PR_BRK(s1)                 # old
    add  s3, s2, a0                     # new
    blt  a0, zero, 5f
    bltu s3, s2, 8f                     # wrapped
    li   t0, USER_LIMIT
    bgtu s3, t0, 8f
    sw   s3, PR_BRK(s1)                 # pages come when touched
    mv   a0, s2
    li   a1, 0
    EPILOGUE
5:  bgtu s3, s2, 7f
    lw   t0, PR_HEAP(s1)
    bltu s3, t0, 7f
    li   t0, 4095                       # give back [roundup(new), roundup(old))
    add  a1, s3, t0
    add  a2, s2, t0
    srli a1, a1, 12
    srli a2, a2, 12
    mv   a0, s1
    call release_pages
    sw   s3, PR_BRK(s1)
    mv   a0, s2
    li   a1, 0
    EPILOGUE
7:  li   a0, -EINVAL
    li   a1, 0
    EPILOGUE
8:  li   a0, -ENOMEM
    li   a1, 0
    EPILOGUE

s_halt:
    la   t0, cur_proc
    lw   t0, 0(t0)
    lw   t0, PR_PID(t0)
    li   t1, 1
    bne  t0, t1, 1f
    KSYS K_HALT
1:  li   a0, -EPERM
    li   a1, 0
    ret

# procinfo(a0 = slot, a1 = struct procinfo *)
s_procinfo:
    PROLOGUE
    mv   s2, a1
    sltiu t0, a0, NPROC
    beqz t0, 91f
    slli t0, a0, PROC_SHIFT
    la   s1, procs
    add  s1, s1, t0
    lw   t0, PR_STATE(s1)
    beqz t0, 92f
    la   s3, pinfo
    sw   t0, 8(s3)
    la   t1, cur_proc                   # the caller runs; a process in wait() sleeps
    lw   t1, 0(t1)
    bne  t1, s1, 1f
    li   t0, ST_RUNNING
    sw   t0, 8(s3)
1:  lw   t0, PR_WAITING(s1)
    beqz t0, 2f
    li   t0, ST_SLEEPING
    sw   t0, 8(s3)
2:  lw   t0, PR_PID(s1)
    sw   t0, 0(s3)
    lw   t0, PR_PARENT(s1)
    beqz t0, 3f
    lw   t0, PR_PID(t0)
3:  sw   t0, 4(s3)
    lw   t0, PR_BRK(s1)
    li   t1, USER_BASE
    bltu t0, t1, 4f
    sub  t0, t0, t1
    j    5f
4:  li   t0, 0
5:  sw   t0, 12(s3)
    addi a0, s3, 16
    addi a1, s1, PR_NAME
    li   a2, 16
    call memmove
    la   t0, cur_proc
    lw   a0, 0(t0)
    mv   a1, s2
    mv   a2, s3
    li   a3, PROCINFO_SIZE
    call copyout
    li   a1, 0
    beqz a0, 9f
    li   a0, -EFAULT
    EPILOGUE
9:  li   a0, 0
    EPILOGUE
91: li   a0, -EINVAL
    li   a1, 0
    EPILOGUE
92: li   a0, -ESRCH
    li   a1, 0
    EPILOGUE

# fork() -> the child's pid; the child starts with the parent's registers and a0 = 0
s_fork:
    PROLOGUE
    la   t0, cur_proc
    lw   s1, 0(t0)
    call allocproc
    beqz a0, 8f
    mv   s2, a0
    mv   a0, s2
    addi a1, s1, PR_NAME
    call newtask
    blt  a0, zero, 7f
    lw   s3, PR_SHADOW(s1)              # copy every page
    lw   s4, PR_SHADOW(s2)
    li   s5, 0
1:  li   t0, USER_PAGES
    bgeu s5, t0, 3f
    slli t0, s5, 2
    add  t1, t0, s3
    lw   s6, 0(t1)
    beqz s6, 2f
    call page_alloc
    beqz a0, 6f
    slli t0, s5, 2
    add  t1, t0, s4
    andi t2, s6, 0xFFF
    or   t2, t2, a0
    sw   t2, 0(t1)
    li   t0, 0xFFFFF000
    and  a1, s6, t0
    li   a2, 4096
    call memmove
2:  addi s5, s5, 1
    j    1b
3:  lw   t0, PR_BRK(s1)
    sw   t0, PR_BRK(s2)
    lw   t0, PR_HEAP(s1)
    sw   t0, PR_HEAP(s2)
    addi a0, s2, PR_NAME
    addi a1, s1, PR_NAME
    li   a2, 16
    call memmove
    sw   s1, PR_PARENT(s2)
    li   a0, F_FORK                     # it shares the parent's open files
    lw   a1, PR_TID(s1)
    lw   a2, PR_TID(s2)
    li   t0, TID_FS
    li   t3, 0
    li   t6, 0
    li   t2, 0
    KSYS K_CALL
    li   t0, ST_RUNNABLE
    sw   t0, PR_STATE(s2)
    lw   a0, PR_TID(s2)                 # start it where the parent called us
    li   a1, 0
    li   a2, 0
    li   a3, 0
    li   a4, 0
    lw   a5, PR_TID(s1)
    KSYS K_EXREGS
    lw   a0, PR_PID(s2)
    li   a1, 0
    EPILOGUE
6:  lw   a0, PR_TID(s2)                 # out of memory: undo
    KSYS K_TASK_KILL
    lw   t0, PR_TID(s2)
    andi t0, t0, 0xFF
    slli t0, t0, 2
    la   t1, slot_proc
    add  t0, t0, t1
    sw   zero, 0(t0)
7:  lw   a0, PR_SHADOW(s2)
    call shadow_free
    sw   zero, PR_STATE(s2)
8:  li   a0, -ENOMEM
    li   a1, 0
    EPILOGUE

# exec(a0 = user path, a1 = user argv) -> does not return on success, else -errno
s_exec:
    PROLOGUE
    mv   s2, a0
    mv   s3, a1
    la   t0, cur_proc
    lw   s1, 0(t0)
    la   s4, xpage                      # path 0..127, argv 128.., strings 512..
    mv   a0, s1
    mv   a1, s4
    mv   a2, s2
    li   a3, MAXPATH
    call copyinstr
    li   t0, -1
    beq  a0, t0, 96f
    blt  a0, zero, 94f
    li   s5, 0                          # argc
    addi s6, s4, X_STRINGS              # string cursor
    beqz s3, 5f
1:  li   t0, MAXARG
    bge  s5, t0, 95f
    mv   a0, s1
    mv   a1, sp
    slli a2, s5, 2
    add  a2, a2, s3
    li   a3, 4
    call copyin
    bnez a0, 96f
    lw   t0, 0(sp)
    beqz t0, 5f
    mv   a0, s1
    mv   a1, s6
    mv   a2, t0
    li   t1, 4096
    add  a3, s4, t1
    sub  a3, a3, s6
    call copyinstr
    li   t0, -1
    beq  a0, t0, 96f
    blt  a0, zero, 95f
    slli t0, s5, 2
    add  t0, t0, s4
    sw   s6, X_ARGV(t0)
    add  s6, s6, a0
    addi s6, s6, 1
    addi s5, s5, 1
    j    1b
5:  slli t0, s5, 2
    add  t0, t0, s4
    sw   zero, X_ARGV(t0)
    mv   a0, s1
    mv   a1, s4
    mv   a2, s5
    call kexec
    li   a1, 1                          # started: no answer
    bge  a0, zero, 9f
    li   a1, 0
    EPILOGUE
94: li   a0, -ENAMETOOLONG
    li   a1, 0
    EPILOGUE
95: li   a0, -EINVAL
    li   a1, 0
    EPILOGUE
96: li   a0, -EFAULT
    li   a1, 0
9:  EPILOGUE
