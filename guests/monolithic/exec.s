# exec.s — the program loader: replace a process's address space with an ELF file.
#
# Concept: loading a program from the file system into a fresh address space (seed:
# process management, xv6 exec.c): PT_LOAD segments at their virtual addresses with
# their permissions, a guard page, a stack page holding argc/argv, then commit (free
# the old page table, flush the ASID from the TLB) only when everything succeeded.

.equ X_PATH, 128                        # scratch page slots for the saved arguments
.equ X_ARGV, 132
.equ X_ARGC, 136
.equ X_FLAGS, 140
.equ X_VADDR, 144
.equ X_FILESZ, 148
.equ X_OFFSET, 152
.equ X_END, 156
.equ X_ERR, 160
.equ X_SP, 164
.equ X_ARGVBASE, 168
.equ X_SBASE, 172

# sys_exec(a0 = user path, a1 = user argv) -> argc (the new program's a0) or -errno
sys_exec:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    call kalloc
    beqz a0, 97f
    mv   s3, a0                         # path 0..127, argv 128..263, strings 512..
    mv   a0, s1
    mv   a1, s3
    call fetchpath
    bnez a0, 90f
    li   s4, 0                          # argc
    addi s5, s3, 512                    # string cursor
    mv   t0, tp                         # this CPU's curproc (smp.s)
    lw   t0, 0(t0)
    lw   s6, P_PGDIR(t0)
    beqz s2, 5f
1:  li   t0, MAXARG
    bge  s4, t0, 95f
    mv   a0, s6
    mv   a1, sp
    slli a2, s4, 2
    add  a2, a2, s2
    li   a3, 4
    call copyin
    bnez a0, 96f
    lw   t0, 0(sp)
    beqz t0, 5f
    mv   a0, s6
    mv   a1, s5
    mv   a2, t0
    li   t1, 4096
    add  a3, s3, t1
    sub  a3, a3, s5
    call copyinstr
    li   t0, -1
    beq  a0, t0, 96f
    blt  a0, zero, 95f
    slli t0, s4, 2
    add  t0, t0, s3
    sw   s5, 128(t0)
    add  s5, s5, a0
    addi s5, s5, 1
    addi s4, s4, 1
    j    1b
5:  slli t0, s4, 2
    add  t0, t0, s3
    sw   zero, 128(t0)
    mv   a0, s3
    addi a1, s3, 128
    mv   a2, s4
    call kexec
    j    90f
95: li   a0, -EINVAL
    j    90f
96: li   a0, -EFAULT
90: mv   s1, a0
    mv   a0, s3
    call kfree
    mv   a0, s1
    EPILOGUE
97: li   a0, -ENOMEM
    EPILOGUE

# kexec(a0 = kernel path, a1 = kernel argv array, a2 = argc) -> argc or -errno; one
# transaction of the log (FS_LOG: its iput may free an unlinked file)
kexec:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    BEGIN_OP
    mv   a0, s1
    mv   a1, s2
    mv   a2, s3
    call kexec_op
    mv   s1, a0
    END_OP
    mv   a0, s1
    EPILOGUE

kexec_op:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    li   s4, 0                          # inode
    li   s5, 0                          # new page directory
    call kalloc
    beqz a0, 97f
    mv   s6, a0                         # scratch: ELF header 0..51, phdr 64..95
    sw   s1, X_PATH(s6)
    sw   s2, X_ARGV(s6)
    sw   s3, X_ARGC(s6)
    li   t0, -ENOEXEC
    sw   t0, X_ERR(s6)
    mv   a0, s1
    call namei
    bnez a0, 1f
    call namei_err
    sw   a0, X_ERR(s6)
    j    80f
1:  mv   s4, a0
    call ilock
    lhu  t0, I_TYPE(s4)
    li   t1, T_FILE
    bne  t0, t1, 80f
    mv   a0, s4
    li   a1, 0
    mv   a2, s6
    li   a3, 0
    li   a4, 52
    call readi
    li   t0, 52
    bne  a0, t0, 80f
    lw   t0, 0(s6)
    li   t1, 0x464c457f
    bne  t0, t1, 80f
    lhu  t0, 18(s6)
    li   t1, 0x5256
    bne  t0, t1, 80f
    li   t0, -ENOMEM
    sw   t0, X_ERR(s6)
    call kalloc
    beqz a0, 80f
    mv   s5, a0
    li   t0, -ENOEXEC
    sw   t0, X_ERR(s6)
    li   s7, USER_BASE                  # highest segment end
    li   s8, 0                          # program header index
2:  lhu  t0, 44(s6)
    bge  s8, t0, 20f
    mv   a0, s4
    li   a1, 0
    addi a2, s6, 64
    lw   a3, 28(s6)
    slli t0, s8, 5
    add  a3, a3, t0
    li   a4, 32
    call readi
    li   t0, 32
    bne  a0, t0, 80f
    addi s8, s8, 1
    lw   t0, 64(s6)                     # p_type
    li   t1, 1
    bne  t0, t1, 2b
    lw   t2, 84(s6)                     # p_memsz
    beqz t2, 2b
    lw   t1, 72(s6)                     # p_vaddr
    lw   t0, 80(s6)                     # p_filesz
    bgtu t0, t2, 80f
    sw   t0, X_FILESZ(s6)
    sw   t1, X_VADDR(s6)
    lw   t0, 68(s6)
    sw   t0, X_OFFSET(s6)
    li   t0, USER_BASE
    bltu t1, t0, 80f
    add  t2, t1, t2                     # end
    bltu t2, t1, 80f
    li   t0, USER_LIMIT
    bgtu t2, t0, 80f
    sw   t2, X_END(s6)
    bleu t2, s7, 3f
    mv   s7, t2
3:  lw   t0, 88(s6)                     # p_flags: X 1, W 2, R 4
    li   t1, TLB_V | TLB_R | TLB_U
    andi t2, t0, 1
    beqz t2, 4f
    ori  t1, t1, TLB_X
4:  andi t2, t0, 2
    beqz t2, 5f
    ori  t1, t1, TLB_W
5:  sw   t1, X_FLAGS(s6)
    lw   s1, X_VADDR(s6)                # map [vaddr & ~0xFFF, end)
    li   t0, 0xFFFFF000
    and  s1, s1, t0
6:  lw   t0, X_END(s6)
    bgeu s1, t0, 9f
    li   t0, -ENOMEM
    sw   t0, X_ERR(s6)
    mv   a0, s5
    mv   a1, s1
    li   a2, 1
    call pt_walk
    beqz a0, 80f
    mv   s2, a0
    lw   t0, 0(s2)
    andi t1, t0, TLB_V
    beqz t1, 7f
    lw   t1, X_FLAGS(s6)                # page shared with another segment
    or   t0, t0, t1
    sw   t0, 0(s2)
    j    8f
7:  UALLOC
    beqz a0, 80f
    li   t0, KSEG
    sub  a0, a0, t0
    lw   t1, X_FLAGS(s6)
    or   a0, a0, t1
    sw   a0, 0(s2)
8:  li   t0, 4096
    add  s1, s1, t0
    j    6b
9:  li   t0, -ENOEXEC                   # load the file bytes
    sw   t0, X_ERR(s6)
    li   s1, 0                          # done
10: lw   t0, X_FILESZ(s6)
    bgeu s1, t0, 2b
    lw   s2, X_VADDR(s6)
    add  s2, s2, s1                     # va
    mv   a0, s5
    mv   a1, s2
    li   a2, 0
    call pt_walk
    lw   t0, 0(a0)
    li   t1, 0xFFFFF000
    and  t0, t0, t1
    li   t1, KSEG
    or   t0, t0, t1
    andi t2, s2, 0xFFF
    add  a2, t0, t2                     # kseg destination
    li   t1, 4096
    sub  s3, t1, t2                     # m = min(filesz - done, 4096 - va % 4096)
    lw   t0, X_FILESZ(s6)
    sub  t0, t0, s1
    bleu s3, t0, 11f
    mv   s3, t0
11: mv   a0, s4
    li   a1, 0
    lw   a3, X_OFFSET(s6)
    add  a3, a3, s1
    mv   a4, s3
    call readi
    bne  a0, s3, 80f
    add  s1, s1, s3
    j    10b
20: mv   a0, s4                         # all segments loaded
    call iunlockput
    li   s4, 0
    li   t0, -ENOMEM
    sw   t0, X_ERR(s6)
    li   t0, 4095                       # guard page, then the stack page
    add  s7, s7, t0
    not  t0, t0
    and  s7, s7, t0
    li   t0, 4096
    add  s7, s7, t0                     # stack page base
    sw   s7, X_SBASE(s6)
    li   t0, 8192
    add  t0, s7, t0
    li   t1, USER_LIMIT
    bgtu t0, t1, 80f
    mv   a0, s5
    mv   a1, s7
    li   t0, 4096
    add  a2, s7, t0
    li   a3, TLB_V | TLB_R | TLB_W | TLB_U
    call uvmalloc
    bnez a0, 80f
    mv   a0, s5
    mv   a1, s7
    li   a2, TLB_V
    call uva2ka
    mv   s8, a0                         # kseg address of the stack page
    lw   s2, X_ARGV(s6)                 # total string bytes
    lw   s3, X_ARGC(s6)
    li   s1, 0
    li   t0, 0
    sw   t0, 0(sp)
21: bge  s1, s3, 22f
    slli t0, s1, 2
    add  t0, t0, s2
    lw   a0, 0(t0)
    call strlen
    lw   t0, 0(sp)
    add  t0, t0, a0
    addi t0, t0, 1
    sw   t0, 0(sp)
    addi s1, s1, 1
    j    21b
22: li   t0, 4096
    add  t1, s7, t0                     # top
    lw   t0, 0(sp)
    sub  t1, t1, t0
    li   t0, -4
    and  t1, t1, t0                     # string base
    sw   t1, 4(sp)                      # string cursor (user address)
    addi t0, s3, 1
    slli t0, t0, 2
    sub  t2, t1, t0                     # argv base
    sw   t2, X_ARGVBASE(s6)
    li   t0, -16
    and  t0, t2, t0
    sw   t0, X_SP(s6)
    li   t1, -EINVAL
    sw   t1, X_ERR(s6)
    addi t1, s7, 16
    bltu t0, t1, 80f
    li   s1, 0
23: bge  s1, s3, 24f
    slli t0, s1, 2
    add  t0, t0, s2
    lw   a0, 0(t0)
    call strlen
    addi s4, a0, 1                      # (s4 reused: bytes with the NUL)
    lw   t0, 4(sp)
    sub  a0, t0, s7
    add  a0, a0, s8
    slli t0, s1, 2
    add  t0, t0, s2
    lw   a1, 0(t0)
    mv   a2, s4
    call memmove
    lw   t0, X_ARGVBASE(s6)             # argv[i] = cursor
    slli t1, s1, 2
    add  t0, t0, t1
    sub  t0, t0, s7
    add  t0, t0, s8
    lw   t1, 4(sp)
    sw   t1, 0(t0)
    add  t1, t1, s4
    sw   t1, 4(sp)
    addi s1, s1, 1
    j    23b
24: li   s4, 0
    lw   t0, X_ARGVBASE(s6)             # argv[argc] = 0
    slli t1, s3, 2
    add  t0, t0, t1
    sub  t0, t0, s7
    add  t0, t0, s8
    sw   zero, 0(t0)
    mv   t0, tp                         # commit (smp.s: this CPU's curproc)
    lw   s1, 0(t0)
    lw   s2, P_PGDIR(s1)
    sw   s5, P_PGDIR(s1)
    sw   s5, C_PGDIR(tp)
    li   t0, 4096
    add  t0, s7, t0
    sw   t0, P_BRK(s1)
    sw   t0, P_HEAP(s1)
    mv   a0, s1                         # no CPU may map the old pages (smp.s)
    call tlb_shootdown
    beqz s2, 25f
    mv   a0, s2
    call uvmfree
25: lw   a0, P_TF(s1)
    li   a1, 0
    li   a2, TF_SIZE
    call memset
    lw   t0, P_TF(s1)
    lw   t1, 24(s6)
    sw   t1, TF_EPC(t0)
    lw   t1, X_SP(s6)
    sw   t1, TF_SP(t0)
    lw   t1, X_ARGC(s6)
    sw   t1, TF_A0(t0)
    lw   t1, X_ARGVBASE(s6)
    sw   t1, TF_A1(t0)
    lw   a1, X_PATH(s6)                 # name = last path element
    mv   t0, a1
26: lbu  t1, 0(t0)
    beqz t1, 27f
    addi t0, t0, 1
    li   t2, '/'
    bne  t1, t2, 26b
    mv   a1, t0
    j    26b
27: addi a0, s1, P_NAME
    li   a2, 16
    call strlcpy
    lw   s1, X_ARGC(s6)
    mv   a0, s6
    call kfree
    mv   a0, s1
    EPILOGUE
80: beqz s4, 81f                        # failure: undo
    mv   a0, s4
    call iunlockput
81: beqz s5, 82f
    mv   a0, s5
    call uvmfree
82: lw   s1, X_ERR(s6)
    mv   a0, s6
    call kfree
    mv   a0, s1
    EPILOGUE
97: li   a0, -ENOMEM
    EPILOGUE
