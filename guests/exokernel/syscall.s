# syscall.s — the exokernel's system calls: dispatch, and the small ones (console,
# setup, information, halt).
#
# Concept: an exokernel's system calls are the secure-binding primitives of exo.inc,
# not services: there is no open, no read, no fork. `syscall` dispatches on a7 through
# exo_table and stores the result in the trap frame's a0. The console is the one
# device multiplexed in the kernel: output from any domain (EXO_CPUTS, from a physical
# page it owns, like Xok's sys_cputs), input to the one domain that bound it
# (EXO_DEV_BIND), which does its own line editing.

# syscall(a0 = tf)
syscall:
    PROLOGUE
    mv   s2, a0
    la   t0, curenv
    lw   t0, 0(t0)
    lw   t1, E_NSYSCALLS(t0)
    addi t1, t1, 1
    sw   t1, E_NSYSCALLS(t0)
    lw   t0, TF_A7(s2)
    addi t1, t0, -1
    sltiu t1, t1, EXO_NSYSCALL
    beqz t1, 8f
    slli t0, t0, 2
    la   t1, exo_table
    add  t0, t0, t1
    lw   t3, 0(t0)
    lw   a0, TF_A0(s2)
    lw   a1, TF_A1(s2)
    lw   a2, TF_A2(s2)
    lw   a3, TF_A3(s2)
    mv   a4, s2
    jalr ra, t3, 0
    j    9f
8:  li   a0, -EINVAL
9:  sw   a0, TF_A0(s2)
    EPILOGUE

# EXO_CPUTS(pa, n) -> n: bytes from a physical page of the caller's domain (n <= what
# is left of that page) to the console; -EAGAIN for a domain that does not hold the
# console while the holder is in the middle of a line (its prompt, its echo): the
# caller tries again later, so lines of two library OSes never mix.
sys_cputs:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    andi t0, s1, 0xFFF
    li   t1, 4096
    sub  t1, t1, t0
    bgtu s2, t1, 8f
    srli a0, s1, 12
    call page_mine
    beqz a0, 9f
    call cons_mine
    mv   s3, a0
    bnez s3, 1f
    la   t0, cons_midline
    lw   t0, 0(t0)
    bnez t0, 7f
1:  li   t0, KSEG
    or   t1, s1, t0
    add  t2, t1, s2
    li   t0, CONSOLE_DATA
    li   t4, 0
1:  beq  t1, t2, 2f
    lbu  t3, 0(t1)
    sw   t3, 0(t0)
    mv   t4, t3
    addi t1, t1, 1
    j    1b
2:  beqz s3, 3f                         # the holder: where is its line?
    beqz s2, 3f
    addi t4, t4, -'\n'
    snez t4, t4
    la   t0, cons_midline
    sw   t4, 0(t0)
3:  mv   a0, s2
    EPILOGUE
7:  li   a0, -EAGAIN
    EPILOGUE
8:  li   a0, -EINVAL
    EPILOGUE
9:  li   a0, -EPERM
    EPILOGUE

# cons_mine() -> a0 = 1 if the caller's domain holds the console (leaf)
cons_mine:
    la   t0, curenv
    lw   t0, 0(t0)
    lw   t0, E_DOM(t0)
    la   t1, console_owner
    lw   t1, 0(t1)
    sub  a0, t0, t1
    seqz a0, a0
    ret

# EXO_CGETC() -> a byte, -1 (nothing yet), -2 (end of input); -EPERM
sys_cgetc:
    PROLOGUE
    call cons_mine
    beqz a0, 9f
    li   t0, CONSOLE_STATUS
    lw   t1, 0(t0)
    andi t2, t1, 1
    beqz t2, 1f
    li   t0, CONSOLE_DATA
    lw   a0, 0(t0)
    andi a0, a0, 0xFF
    EPILOGUE
1:  andi t2, t1, 4
    li   a0, -1
    beqz t2, 2f
    li   a0, -2
2:  EPILOGUE
9:  li   a0, -EPERM
    EPILOGUE

# EXO_CWAIT() -> 0 once there is input or its end (sleeps on the CONSOLE interrupt)
sys_cwait:
    PROLOGUE
    call cons_mine
    beqz a0, 9f
1:  li   t0, CONSOLE_STATUS
    lw   t1, 0(t0)
    andi t1, t1, 5
    bnez t1, 2f
    li   t0, CONSOLE_CTRL
    li   t1, 1
    sw   t1, 0(t0)
    la   a0, cons_chan
    call sleep
    j    1b
2:  li   a0, 0
    EPILOGUE
9:  li   a0, -EPERM
    EPILOGUE

# EXO_DEV_BIND(dev) -> 0 / -EPERM (another domain holds it) / -EINVAL
sys_dev_bind:
    PROLOGUE
    li   t0, DEV_CONSOLE
    bne  a0, t0, 8f
    call cur_dom
    la   t0, console_owner
    lw   t1, 0(t0)
    beqz t1, 1f
    bne  t1, a0, 9f
1:  sw   a0, 0(t0)
    li   a0, 0
    EPILOGUE
8:  li   a0, -EINVAL
    EPILOGUE
9:  li   a0, -EPERM
    EPILOGUE

# EXO_SETUP(upcall entry, repossession vector pa or 0) -> 0: for the whole domain
sys_setup:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    call cur_dom
    mv   s3, a0
    call dom_addr
    mv   s4, a0
    beqz s2, 1f
    andi t0, s2, 0xFFF                  # the vector: a whole page of the domain's
    bnez t0, 9f
    srli a0, s2, 12
    call page_mine
    beqz a0, 9f
    srli a0, s2, 12
    call pin_page
    li   t0, KSEG
    or   t0, s2, t0
    sw   t0, D_REPO(s4)
1:  sw   s1, D_UPCALL(s4)
    la   t0, env_table                  # every environment of the domain
    li   t1, NENV
2:  lw   t2, E_DOM(t0)
    bne  t2, s3, 3f
    sw   s1, E_UPCALL(t0)
3:  addi t0, t0, ENV_SIZE
    addi t1, t1, -1
    bnez t1, 2b
    li   a0, 0
    EPILOGUE
9:  li   a0, -EPERM
    EPILOGUE

# EXO_INFO(what, arg) -> value (exo.inc INFO_*); -EINVAL for an unknown what
sys_info:
    PROLOGUE
    mv   s1, a1
    la   t0, curenv
    lw   s2, 0(t0)
    li   t0, INFO_DOMAIN
    bne  a0, t0, 1f
    lw   a0, E_DOM(s2)
    EPILOGUE
1:  li   t0, INFO_TICKS
    bne  a0, t0, 2f
    la   t0, ticks
    lw   a0, 0(t0)
    EPILOGUE
2:  li   t0, INFO_ENVID
    bne  a0, t0, 3f
    lw   a0, E_ID(s2)
    EPILOGUE
3:  li   t0, INFO_IMGOFF
    bne  a0, t0, 4f
    lw   a0, E_IMGOFF(s2)
    EPILOGUE
4:  li   t0, INFO_PAGES
    bne  a0, t0, 5f
    lw   a0, E_DOM(s2)
    call dom_addr
    lw   a0, D_NPAGES(a0)
    EPILOGUE
5:  li   t0, INFO_BLOCKS
    bne  a0, t0, 6f
    la   t0, nblocks
    lw   a0, 0(t0)
    EPILOGUE
6:  li   t0, INFO_RAMPAGES
    bne  a0, t0, 7f
    la   t0, ram_pages
    lw   a0, 0(t0)
    EPILOGUE
7:  li   t0, INFO_FREEPAGES
    bne  a0, t0, 10f
    call count_free
    EPILOGUE
10: li   t0, INFO_OWNER
    bne  a0, t0, 11f
    mv   a0, s1
    call owner_byte
    andi a0, a0, OWN_MASK
    EPILOGUE
11: li   t0, INFO_BOWNER
    bne  a0, t0, 12f
    la   t0, nblocks
    lw   t0, 0(t0)
    li   a0, 0
    bgeu s1, t0, 13f
    la   t0, bowner_table
    lw   t0, 0(t0)
    add  t0, t0, s1
    lbu  a0, 0(t0)
13: EPILOGUE
12: li   a0, -EINVAL
    EPILOGUE

# count_free() -> a0 = pages nobody owns (leaf)
count_free:
    la   t0, ram_pages
    lw   t1, 0(t0)
    la   t0, owner_table
    lw   t0, 0(t0)
    add  t1, t1, t0
    li   a0, 0
1:  lbu  t2, 0(t0)
    bnez t2, 2f
    addi a0, a0, 1
2:  addi t0, t0, 1
    bne  t0, t1, 1b
    ret

# EXO_HALT(code): power off — only the domain that holds the console (its init)
sys_halt:
    PROLOGUE
    mv   s1, a0
    call cons_mine
    beqz a0, 9f
    li   t0, SYSCTL_HALT
    sw   s1, 0(t0)
1:  j    1b
9:  li   a0, -EPERM
    EPILOGUE

.ifndef NIC
sys_nic:
    li   a0, -EINVAL
    ret
.endif

.rodata
    .balign 4
exo_table:
    .word 0, sys_cputs, sys_cgetc, sys_cwait, sys_page_alloc, sys_page_free
    .word sys_tlb_install, sys_tlb_resume, sys_tlb_flush, sys_resume, sys_env_alloc
    .word sys_env_uarea, sys_env_start, sys_env_free, sys_block, sys_wake, sys_pct
    .word sys_disk_bind, sys_disk_rw, sys_setup, sys_info, sys_halt, sys_yield
    .word sys_notify, sys_dev_bind, sys_tlb_mapn, sys_nic
.text
