# root.s — the root task: loads the servers from their boot modules, is their pager,
# gives the drivers their device and DMA pages, answers name lookups, and restarts a
# driver that crashes.
#
# Concept: the microkernel's system structure lives here, in user space (seed: VM/
# microkernel lecture — "isolation: very good, separate address spaces for all
# components"; kernels lecture — "user level services can be restarted if they fail").
# Each server is a task (its own address space and thread) whose image root copies,
# page by page as the server faults on it, from the pristine boot module into fresh
# memory from sigma0 — so a crashed driver can be started again from the same module.
# root is the pager of every server: a page fault is a message it answers with a
# mapping of one of its own pages (recursive address spaces: sigma0 -> root -> server);
# any other exception of a server is a crash: root deletes the task (the kernel
# revokes every page it had) and, for a driver, creates and starts a new one — the
# supervisor. The file system finds the new disk driver with R_LOOKUP.
#
# a0 at start: n > 0 makes the first disk driver crash on its n-th request (the
# kernel's CRASH_DISK define, guest.toml option `crashdisk`).

.include "ringvm.inc"
.include "trap/kframe.inc"
.include "mk.inc"

.equ NTASK, 4
.equ TK_TID, 0
.equ TK_NAME, 4                         # module name
.equ TK_ALLOW, 8
.equ TK_FLAGS, 12
.equ TK_DEV, 16                         # physical device page (0: none)
.equ TK_DMA, 20                         # root's address of its DMA page (0: none)
.equ TK_DMAPA, 24
.equ TK_MODSTART, 28
.equ TK_MODSIZE, 32
.equ TK_ENTRY, 36
.equ TK_NAMEID, 40
.equ TK_RESTART, 44                     # 1: a crash is followed by a restart
.equ TK_ARG, 48                         # its a0 at start
.equ TK_CRASHES, 52
.equ TK_PAGES, 64                       # root's copy of each image page (va < 2 MiB)
.equ TK_NPAGES, 512
.equ TK_SHIFT, 12                       # 4 KiB a task
.equ DEVWIN, 0x0F100000                 # root's view of task i's device page: + i*4K
.equ CHUNK_LOG2, 16                     # memory comes from sigma0 64 KiB at a time

.text
.global _start
_start:
    la   sp, stack_top
    la   t0, crash_arg
    sw   a0, 0(t0)
    li   a1, 0                          # the boot-info page, read-only
    li   a2, BOOTINFO_VA | FP_PAGE
    call s0_phys
    li   t0, BOOTINFO_VA
    lw   t1, BI_NDISKS(t0)
    la   t2, ndisks
    sw   t1, 0(t2)
    call tasks_init
    li   s1, 0
1:  li   t0, NTASK
    bge  s1, t0, 2f
    mv   a0, s1
    call task_start
    addi s1, s1, 1
    j    1b
2:  li   s1, 0                          # no reply yet

# The server loop: reply to s1 (if any) with a0-a5/t3-t5, then the next request.
loop:
    mv   t0, s1
    li   t2, 0
    li   t6, 0
    KSYS K_REPLY_WAIT
    bnez t1, loop_err
    mv   s1, t0
    li   t1, L_FAULT
    beq  a0, t1, r_fault
    li   t1, R_DMA
    beq  a0, t1, r_dma
    li   t1, R_LOOKUP
    beq  a0, t1, r_lookup
    li   t1, R_INFO
    beq  a0, t1, r_info
    li   a0, -1
    li   t3, 0
    j    loop
loop_err:
    li   s1, 0
    li   t3, 0
    j    loop

r_info:
    la   t0, ndisks
    lw   a1, 0(t0)
    li   a0, 0
    li   t3, 0
    j    loop

# r_lookup(a1 = name id) -> a1 = the thread now serving it (0: none)
r_lookup:
    la   t0, tasks
    li   t1, NTASK
    li   a0, 0
1:  lw   t2, TK_NAMEID(t0)
    bne  t2, a1, 2f
    lw   a1, TK_TID(t0)
    li   t3, 0
    j    loop
2:  li   t2, 1 << TK_SHIFT
    add  t0, t0, t2
    addi t1, t1, -1
    bnez t1, 1b
    li   a1, 0
    li   t3, 0
    j    loop

# r_dma: the requesting driver gets one page for DMA, mapped at its window (DMA_VA);
# the reply says its physical address (env_v2p's answer).
r_dma:
    mv   a0, s1
    call task_of
    beqz a0, 9f
    mv   s2, a0
    lw   a0, TK_DMA(s2)
    bnez a0, 1f
    call pool_alloc
    beqz a0, 9f
    sw   a0, TK_DMA(s2)
    call pool_pa
    sw   a0, TK_DMAPA(s2)
1:  lw   t4, TK_DMA(s2)
    li   t0, FP_R | FP_W | FP_PAGE
    or   t4, t4, t0
    li   t3, MT_MAP
    li   t5, 0
    lw   a1, TK_DMAPA(s2)
    li   a0, 0
    j    loop
9:  li   a0, -1
    li   t3, 0
    j    loop

# r_fault(a1 = address, a2 = pc, a3 = cause): a server's page fault or crash
r_fault:
    mv   s3, a1
    mv   s4, a2
    mv   s5, a3
    mv   a0, s1
    call task_of
    beqz a0, 8f                         # not one of ours: ignore
    mv   s2, a0
    addi t0, s5, -CAUSE_TLB_MISS_FETCH  # only a TLB miss can be a page fault
    sltiu t0, t0, 3
    beqz t0, 7f
    li   t0, 0xFFFFF000
    and  t1, s3, t0
    li   t2, DEV_VA                     # its device page
    bne  t1, t2, 2f
    lw   a0, TK_DEV(s2)
    beqz a0, 7f
    mv   a0, s2
    call task_devpage
    beqz a0, 7f
    mv   t4, a0
    li   t0, FP_R | FP_W | FP_PAGE
    j    5f
2:  li   t2, DMA_VA                     # its DMA page (once it asked for one)
    bne  t1, t2, 3f
    lw   t4, TK_DMA(s2)
    beqz t4, 7f
    li   t0, FP_R | FP_W | FP_PAGE
    j    5f
3:  li   t2, 4096                       # its image (text, data, bss, stack)
    bltu s3, t2, 7f
    lw   t2, TK_MODSIZE(s2)
    bgeu s3, t2, 7f
    mv   a0, s2
    mv   a1, s3
    call task_page
    beqz a0, 7f
    mv   t4, a0
    li   t0, FP_RWX | FP_PAGE
5:  or   t4, t4, t0
    mv   t5, s3                         # hot spot: the faulting address
    li   t3, MT_MAP
    li   a0, 0
    j    loop
7:  mv   a0, s2                         # anything else: the server crashed
    mv   a1, s3
    mv   a2, s4
    mv   a3, s5
    call task_crashed
8:  li   s1, 0
    li   t3, 0
    j    loop

# ---------------------------------------------------------------- tasks

# tasks_init(): the table of servers, from the boot modules
tasks_init:
    PROLOGUE
    la   s1, tasks
    la   s2, task_specs
    li   s3, 0
1:  li   t0, NTASK
    bge  s3, t0, 9f
    lw   t0, 0(s2)                      # name
    sw   t0, TK_NAME(s1)
    lw   t0, 4(s2)
    sw   t0, TK_ALLOW(s1)
    lw   t0, 8(s2)
    sw   t0, TK_FLAGS(s1)
    lw   t0, 12(s2)
    sw   t0, TK_DEV(s1)
    lw   t0, 16(s2)
    sw   t0, TK_NAMEID(s1)
    lw   t0, 20(s2)
    sw   t0, TK_RESTART(s1)
    lw   a0, TK_NAME(s1)
    call find_module
    bnez a0, 2f
    la   a0, msg_nomod
    call lputs
    lw   a0, TK_NAME(s1)
    call lputs
    li   a0, '\n'
    call lputc
    call lflush
    li   a0, 99
    KSYS K_HALT
2:  lw   t0, BI_MOD_START(a0)
    sw   t0, TK_MODSTART(s1)
    lw   t1, BI_MOD_END(a0)
    sub  t1, t1, t0
    sw   t1, TK_MODSIZE(s1)
    lw   t0, BI_MOD_ENTRY(a0)
    sw   t0, TK_ENTRY(s1)
    li   t0, NAME_DISK
    lw   t1, TK_NAMEID(s1)
    bne  t0, t1, 3f
    la   t0, crash_arg
    lw   t0, 0(t0)
    sw   t0, TK_ARG(s1)
3:  li   t0, 1 << TK_SHIFT
    add  s1, s1, t0
    addi s2, s2, 24
    addi s3, s3, 1
    j    1b
9:  EPILOGUE

# find_module(a0 = name) -> a0 = its boot-info module entry, or 0
find_module:
    PROLOGUE
    mv   s1, a0
    li   s2, BOOTINFO_VA
    lw   s3, BI_NMODULES(s2)
    lw   t0, BI_MODULES(s2)
    add  s4, s2, t0
1:  beqz s3, 8f
    mv   a0, s4
    mv   a1, s1
    li   a2, 16
    call strncmp
    beqz a0, 9f
    addi s4, s4, BI_MOD_SIZE
    addi s3, s3, -1
    j    1b
8:  li   a0, 0
    EPILOGUE
9:  mv   a0, s4
    EPILOGUE

# task_start(a0 = index): a new address space and thread for the server, started at
# its entry (its pages come as it faults on them)
task_start:
    PROLOGUE
    slli t0, a0, TK_SHIFT
    la   s1, tasks
    add  s1, s1, t0
    li   a0, TID_ROOT                   # pager: root
    lw   a1, TK_ALLOW(s1)
    lw   a2, TK_FLAGS(s1)
    lw   a3, TK_NAME(s1)
    li   a4, 0
    KSYS K_TASK_NEW
    blt  a0, zero, 9f
    sw   a0, TK_TID(s1)
    lw   a1, TK_ENTRY(s1)
    li   a2, 0                          # the server sets its own stack
    lw   a3, TK_ARG(s1)
    li   a4, 0
    li   a5, 0
    KSYS K_EXREGS
    EPILOGUE
9:  la   a0, msg_nostart
    call die

# task_of(a0 = tid) -> a0 = its task entry, or 0. Leaf.
task_of:
    la   t0, tasks
    li   t1, NTASK
1:  lw   t2, TK_TID(t0)
    beq  t2, a0, 2f
    li   t2, 1 << TK_SHIFT
    add  t0, t0, t2
    addi t1, t1, -1
    bnez t1, 1b
    li   a0, 0
    ret
2:  mv   a0, t0
    ret

# task_page(a0 = task, a1 = address) -> a0 = root's copy of the image page holding
# the address (made from the boot module on first use), or 0
task_page:
    PROLOGUE
    mv   s1, a0
    srli s2, a1, 12
    li   t0, TK_NPAGES
    bgeu s2, t0, 8f
    slli t0, s2, 2
    add  s3, s1, t0
    lw   a0, TK_PAGES(s3)
    bnez a0, 9f
    call pool_alloc
    beqz a0, 9f
    mv   s4, a0
    lw   a0, TK_MODSTART(s1)            # the module's page, seen through SCRATCH_VA
    slli t0, s2, 12
    add  a1, a0, t0
    li   a2, SCRATCH_VA | FP_PAGE
    call s0_phys
    bnez a0, 8f
    mv   a0, s4
    li   a1, SCRATCH_VA
    li   a2, 4096
    call memmove
    sw   s4, TK_PAGES(s3)
    mv   a0, s4
9:  EPILOGUE
8:  li   a0, 0
    EPILOGUE

# task_devpage(a0 = task) -> a0 = root's mapping of the task's device page (DEVWIN)
task_devpage:
    PROLOGUE
    mv   s1, a0
    la   t0, tasks
    sub  t0, s1, t0
    li   t1, DEVWIN
    add  s2, t0, t1                     # DEVWIN + index * 4 KiB
    lw   a1, TK_DEV(s1)
    ori  a2, s2, FP_PAGE
    call s0_phys
    bnez a0, 8f
    mv   a0, s2
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# task_crashed(a0 = task, a1 = address, a2 = pc, a3 = cause): report, delete it, and
# start it again if it is a driver; without it the system cannot go on otherwise.
task_crashed:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    la   a0, msg_root
    call lputs
    lw   a0, TK_NAME(s1)
    call lputs
    la   a0, msg_crashed
    call lputs
    sltiu t0, s4, 16
    bnez t0, 1f
    li   s4, 0
1:  slli t0, s4, 2
    la   t1, cause_names
    add  t0, t0, t1
    lw   a0, 0(t0)
    call lputs
    la   a0, msg_at
    call lputs
    mv   a0, s3                         # the pc
    call lputhex
    la   a0, msg_cause
    call lputs
    mv   a0, s4
    call lputdec
    la   a0, msg_rparen
    call lputs
    call lflush
    lw   a0, TK_TID(s1)                 # the kernel revokes everything it had
    KSYS K_TASK_KILL
    sw   zero, TK_TID(s1)
    lw   t0, TK_CRASHES(s1)
    addi t0, t0, 1
    sw   t0, TK_CRASHES(s1)
    li   s5, 0                          # its pages go back to root's pool
2:  li   t0, TK_NPAGES
    bge  s5, t0, 3f
    slli t0, s5, 2
    add  t0, t0, s1
    lw   a0, TK_PAGES(t0)
    sw   zero, TK_PAGES(t0)
    beqz a0, 21f
    call pool_free
21: addi s5, s5, 1
    j    2b
3:  lw   a0, TK_DMA(s1)
    sw   zero, TK_DMA(s1)
    beqz a0, 4f
    call pool_free
4:  lw   t0, TK_RESTART(s1)
    beqz t0, 8f
    sw   zero, TK_ARG(s1)               # no fault injection the second time
    la   t0, tasks
    sub  a0, s1, t0
    srli a0, a0, TK_SHIFT
    call task_start
    la   a0, msg_root
    call lputs
    la   a0, msg_restarted
    call lputs
    lw   a0, TK_NAME(s1)
    call lputs
    la   a0, msg_asthread
    call lputs
    lw   a0, TK_TID(s1)
    call lputhex
    li   a0, '\n'
    call lputc
    call lflush
    EPILOGUE
8:  la   a0, msg_cannot
    call lsay
    li   a0, 99
    KSYS K_HALT

# ---------------------------------------------------------------- memory

# s0_phys(a1 = physical address, a2 = window fpage) -> a0 = 0 / -1: sigma0 maps that
# physical page at the window
s0_phys:
    mv   t2, a2
    li   a0, S0_PHYS
    li   t0, TID_SIGMA0
    li   t3, 0
    li   t6, 0
    KSYS K_CALL
    bnez t1, 9f
    li   t0, MT_MAP
    bne  t3, t0, 9f
    ret
9:  li   a0, -1
    ret

# pool_alloc() -> a0 = a zeroed page of root's pool, or 0
pool_alloc:
    PROLOGUE
    la   s1, pool_free_list
    lw   a0, 0(s1)
    beqz a0, 1f
    lw   t0, 0(a0)
    sw   t0, 0(s1)
    j    5f
1:  la   s2, pool_next                  # the current chunk
    lw   a0, 0(s2)
    lw   t0, 4(s2)
    bltu a0, t0, 4f
    la   t0, pool_chunks                # a new chunk from sigma0
    lw   s3, 0(t0)
    li   t1, 64
    bgeu s3, t1, 8f
    slli t1, s3, CHUNK_LOG2
    li   t2, POOL_VA
    add  s4, t1, t2                     # where it lands
    li   a0, S0_ALLOC
    li   a1, CHUNK_LOG2
    li   t0, TID_SIGMA0
    ori  t2, s4, CHUNK_LOG2
    li   t3, 0
    li   t6, 0
    KSYS K_CALL
    bnez t1, 8f
    bnez a0, 8f
    la   t0, pool_chunks
    slli t1, s3, 2
    la   t2, chunk_pa
    add  t1, t1, t2
    sw   a1, 0(t1)
    addi s3, s3, 1
    sw   s3, 0(t0)
    sw   s4, 0(s2)
    li   t0, 1 << CHUNK_LOG2
    add  t0, s4, t0
    sw   t0, 4(s2)
    mv   a0, s4
4:  li   t0, 4096
    add  t0, a0, t0
    sw   t0, 0(s2)
5:  mv   s1, a0
    li   a1, 0
    li   a2, 4096
    call memset
    mv   a0, s1
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# pool_free(a0 = page). Leaf.
pool_free:
    la   t0, pool_free_list
    lw   t1, 0(t0)
    sw   t1, 0(a0)
    sw   a0, 0(t0)
    ret

# pool_pa(a0 = pool page) -> a0 = its physical address. Leaf.
pool_pa:
    li   t0, POOL_VA
    sub  t0, a0, t0
    srli t1, t0, CHUNK_LOG2
    slli t1, t1, 2
    la   t2, chunk_pa
    add  t1, t1, t2
    lw   t1, 0(t1)
    li   t2, (1 << CHUNK_LOG2) - 1
    and  t0, t0, t2
    add  a0, t1, t0
    ret

.include "base/string.s"
.include "srvlib.s"

.rodata
srv_name:      .asciz "root"
msg_nomod:     .asciz "root: no boot module called "
msg_nostart:   .asciz "cannot create a task"
msg_root:      .asciz "root: "
msg_crashed:   .asciz " crashed: "
msg_at:        .asciz " at "
msg_cause:     .asciz " (cause "
msg_rparen:    .asciz ")\n"
msg_restarted: .asciz "restarted "
msg_asthread:  .asciz " as thread "
msg_cannot:    .asciz "root: the system cannot go on without it\n"
n_cons:        .asciz "cons"
n_disk:        .asciz "disk"
n_fs:          .asciz "fs"
n_proc:        .asciz "proc"
cn_unknown:    .asciz "unknown trap"
cn_bp:         .asciz "breakpoint"
cn_hcall:      .asciz "hypercall"
cn_ill:        .asciz "illegal instruction"
cn_priv:       .asciz "privileged instruction"
cn_mis:        .asciz "misaligned access"
cn_bus:        .asciz "bus error"
cn_miss:       .asciz "TLB miss"
cn_prot:       .asciz "TLB protection fault"
    .balign 4
cause_names:
    .word cn_unknown, cn_unknown, cn_hcall, cn_bp, cn_ill, cn_priv, cn_mis, cn_mis
    .word cn_mis, cn_bus, cn_miss, cn_miss, cn_miss, cn_prot, cn_prot, cn_prot
# the servers, in the order their threads are created (slots 3, 4, 5, 6 = mk.inc's
# well-known thread ids): name, IPC allow-mask (slots it may send to), flags, device
# page, name id, restart after a crash? (the disk driver only: the file system finds
# its successor with R_LOOKUP; programs know the console driver by TID_CONS)
task_specs:
    .word n_cons, 1 << SLOT_ROOT, TF_IRQ | TF_KPRINT, CONSOLE_BASE, NAME_CONS, 0
    .word n_disk, 1 << SLOT_ROOT, TF_IRQ | TF_KPRINT, DISK_BASE, NAME_DISK, 1
    .word n_fs, (1 << SLOT_ROOT) | (1 << SLOT_DISK), TF_KPRINT, 0, NAME_FS, 0
    .word n_proc, (1 << SLOT_SIGMA0) | (1 << SLOT_ROOT) | (1 << SLOT_CONS) | (1 << SLOT_FS), TF_CREATE | TF_HALT | TF_KPRINT, 0, NAME_PROC, 0
.data
    .balign 4
crash_arg:      .word 0
ndisks:         .word 0
pool_next:      .word 0, 0              # next page, end of the current chunk
pool_chunks:    .word 0
pool_free_list: .word 0
.bss
    .balign 16
chunk_pa:       .space 64 * 4
stack:          .space 4096
stack_top:
    .balign 4096
tasks:          .space NTASK << TK_SHIFT
