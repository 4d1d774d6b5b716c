# procexec.s — exec in the process server: load an ELF file through the file-system
# server into fresh pages, build the stack with argv, revoke the old program's pages and
# restart the thread (included by procserv.s).
#
# Concept: the program loader as a pager's job (seed: kernels lecture, L4Linux — the
# server "maps parts of its address space to user process threads"): the new pages are
# the server's own until the program touches them; the old ones are taken back with
# K_UNMAP, and K_EXREGS starts the thread at the new entry point.

# ---------------------------------------------------------------- exec

# fs_pread(a0 = handle, a1 = offset, a2 = bytes, a3 = buffer) -> a0 = bytes read
fs_pread:
    mv   a6, a3
    mv   t6, a2
    mv   a3, a2
    mv   a2, a1
    mv   a1, a0
    li   a0, F_PREAD
    li   t0, TID_FS
    li   t3, 0
    li   t2, 0
    KSYS K_CALL
    bnez t1, 9f
    ret
9:  li   a0, -EIO
    ret

# kexec(a0 = proc, a1 = scratch page: path, argv pointers, strings, a2 = argc)
# -> a0 = argc (the process was restarted in the new program) or -errno
kexec:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    la   s3, xstate
    sw   a2, X_ARGC(s3)
    li   t0, -ENOEXEC
    sw   t0, X_ERR(s3)
    sw   zero, X_NEWSH(s3)
    li   a0, F_OPENX                    # the file, relative to the process's cwd
    lw   a1, PR_TID(s1)
    li   t0, TID_FS
    li   t3, MT_STRING | MT_CSTR
    mv   t4, s2
    li   t5, MAXPATH
    li   t6, 0
    li   t2, 0
    KSYS K_CALL
    bnez t1, 70f
    blt  a0, zero, 71f
    sw   a0, X_HANDLE(s3)
    la   s4, ebuf                       # the ELF header
    lw   a0, X_HANDLE(s3)
    li   a1, 0
    li   a2, 52
    mv   a3, s4
    call fs_pread
    li   t0, 52
    bne  a0, t0, 80f
    lw   t0, 0(s4)
    li   t1, 0x464c457f
    bne  t0, t1, 80f
    lhu  t0, 18(s4)
    li   t1, 0x5256
    bne  t0, t1, 80f
    lw   t0, 24(s4)
    sw   t0, X_ENTRY(s3)
    lw   t0, 28(s4)
    sw   t0, X_PHOFF(s3)
    lhu  t0, 44(s4)
    sw   t0, X_PHNUM(s3)
    li   t0, -ENOMEM
    sw   t0, X_ERR(s3)
    call table_alloc
    beqz a0, 80f
    sw   a0, X_NEWSH(s3)
    li   t0, -ENOEXEC
    sw   t0, X_ERR(s3)
    li   s7, USER_BASE                  # highest segment end
    li   s8, 0                          # program header index
2:  lw   t0, X_PHNUM(s3)
    bge  s8, t0, 20f
    lw   a0, X_HANDLE(s3)
    lw   a1, X_PHOFF(s3)
    slli t0, s8, 5
    add  a1, a1, t0
    li   a2, 32
    la   a3, phdr
    call fs_pread
    li   t0, 32
    bne  a0, t0, 80f
    addi s8, s8, 1
    la   s4, phdr
    lw   t0, 0(s4)                      # p_type
    li   t1, 1
    bne  t0, t1, 2b
    lw   t2, 20(s4)                     # p_memsz
    beqz t2, 2b
    lw   t1, 8(s4)                      # p_vaddr
    lw   t0, 16(s4)                     # p_filesz
    bgtu t0, t2, 80f
    li   t0, USER_BASE
    bltu t1, t0, 80f
    add  t2, t1, t2                     # end
    bltu t2, t1, 80f
    li   t0, USER_LIMIT
    bgtu t2, t0, 80f
    sw   t2, X_END(s3)
    bleu t2, s7, 3f
    mv   s7, t2
3:  lw   t0, 24(s4)                     # p_flags: X 1, W 2, R 4
    li   t1, SH_PRESENT | TLB_R
    andi t2, t0, 1
    beqz t2, 4f
    ori  t1, t1, TLB_X
4:  andi t2, t0, 2
    beqz t2, 5f
    ori  t1, t1, TLB_W
5:  sw   t1, X_FLAGS(s3)
    lw   s5, 8(s4)                      # its pages
    li   t0, 0xFFFFF000
    and  s5, s5, t0
6:  lw   t0, X_END(s3)
    bgeu s5, t0, 9f
    li   t0, -ENOMEM
    sw   t0, X_ERR(s3)
    lw   t0, X_NEWSH(s3)
    srli t1, s5, 12
    slli t1, t1, 2
    add  s6, t0, t1
    lw   t0, 0(s6)
    beqz t0, 7f
    lw   t1, X_FLAGS(s3)                # a page shared with another segment
    or   t0, t0, t1
    sw   t0, 0(s6)
    j    8f
7:  call page_alloc
    beqz a0, 80f
    lw   t1, X_FLAGS(s3)
    or   a0, a0, t1
    sw   a0, 0(s6)
8:  li   t0, 4096
    add  s5, s5, t0
    j    6b
9:  li   t0, -ENOEXEC                   # the file's bytes, page piece by page piece
    sw   t0, X_ERR(s3)
    li   s5, 0                          # done
10: lw   t0, 16(s4)                     # filesz
    bgeu s5, t0, 2b
    lw   s6, 8(s4)
    add  s6, s6, s5                     # va
    andi t2, s6, 0xFFF
    li   t1, 4096
    sub  s7, t1, t2                     # (s7 reused below: recomputed after)
    sub  t0, t0, s5
    bleu s7, t0, 11f
    mv   s7, t0
11: lw   a0, X_HANDLE(s3)
    lw   a1, 4(s4)                      # p_offset
    add  a1, a1, s5
    mv   a2, s7
    la   a3, ebuf
    call fs_pread
    bne  a0, s7, 80f
    lw   t0, X_NEWSH(s3)
    srli t1, s6, 12
    slli t1, t1, 2
    add  t0, t0, t1
    lw   t0, 0(t0)
    li   t1, 0xFFFFF000
    and  t0, t0, t1
    andi t1, s6, 0xFFF
    add  a0, t0, t1
    la   a1, ebuf
    mv   a2, s7
    call memmove
    add  s5, s5, s7
    j    10b
20: li   t0, USER_BASE                  # all segments loaded: where they end
    mv   s7, t0
    lw   t0, X_NEWSH(s3)
    li   t1, 0
21: li   t2, USER_PAGES
    bgeu t1, t2, 22f
    slli t2, t1, 2
    add  t2, t2, t0
    lw   t2, 0(t2)
    beqz t2, 211f
    addi t2, t1, 1
    slli s7, t2, 12
211: addi t1, t1, 1
    j    21b
22: li   t0, 4096                       # a guard page, then the stack page
    add  s7, s7, t0
    sw   s7, X_SBASE(s3)
    li   t0, 8192
    add  t0, s7, t0
    li   t1, USER_LIMIT
    li   t2, -ENOMEM
    sw   t2, X_ERR(s3)
    bgtu t0, t1, 80f
    call page_alloc
    beqz a0, 80f
    mv   s8, a0                         # the stack page (our address)
    lw   t0, X_NEWSH(s3)
    srli t1, s7, 12
    slli t1, t1, 2
    add  t0, t0, t1
    ori  t1, s8, SH_PRESENT | TLB_R | TLB_W
    sw   t1, 0(t0)
    lw   s6, X_ARGC(s3)                 # argv: strings at the top, pointers below
    li   t0, 0
    sw   t0, X_TOTAL(s3)
    li   s5, 0
23: bge  s5, s6, 24f
    slli t0, s5, 2
    add  t0, t0, s2
    lw   a0, X_ARGV(t0)
    call strlen
    lw   t0, X_TOTAL(s3)
    add  t0, t0, a0
    addi t0, t0, 1
    sw   t0, X_TOTAL(s3)
    addi s5, s5, 1
    j    23b
24: li   t0, 4096
    add  t1, s7, t0                     # top (user)
    lw   t0, X_TOTAL(s3)
    sub  t1, t1, t0
    li   t0, -4
    and  t1, t1, t0                     # string base (user)
    sw   t1, X_CURSOR(s3)
    addi t0, s6, 1
    slli t0, t0, 2
    sub  t2, t1, t0                     # argv (user)
    sw   t2, X_ARGVU(s3)
    li   t0, -16
    and  t0, t2, t0
    sw   t0, X_SP(s3)
    li   t1, -EINVAL
    sw   t1, X_ERR(s3)
    addi t1, s7, 16
    bltu t0, t1, 80f
    li   s5, 0
25: bge  s5, s6, 26f
    slli t0, s5, 2
    add  t0, t0, s2
    lw   a0, X_ARGV(t0)
    call strlen
    addi s4, a0, 1                      # bytes with the NUL
    lw   t0, X_CURSOR(s3)
    sub  a0, t0, s7
    add  a0, a0, s8
    slli t0, s5, 2
    add  t0, t0, s2
    lw   a1, X_ARGV(t0)
    mv   a2, s4
    call memmove
    lw   t0, X_ARGVU(s3)                # argv[i] = cursor
    slli t1, s5, 2
    add  t0, t0, t1
    sub  t0, t0, s7
    add  t0, t0, s8
    lw   t1, X_CURSOR(s3)
    sw   t1, 0(t0)
    add  t1, t1, s4
    sw   t1, X_CURSOR(s3)
    addi s5, s5, 1
    j    25b
26: lw   t0, X_ARGVU(s3)                # argv[argc] = 0
    slli t1, s6, 2
    add  t0, t0, t1
    sub  t0, t0, s7
    add  t0, t0, s8
    sw   zero, 0(t0)
    li   a0, F_CLOSEX                   # commit: the file is no longer needed
    lw   a1, X_HANDLE(s3)
    li   t0, TID_FS
    li   t3, 0
    li   t6, 0
    li   t2, 0
    KSYS K_CALL
    lw   s4, PR_SHADOW(s1)              # the old program's pages: revoked, freed
    beqz s4, 27f
    mv   a0, s1
    li   a1, 0
    li   a2, USER_PAGES
    call release_pages
    mv   a0, s4
    call table_free
27: lw   t0, X_NEWSH(s3)
    sw   t0, PR_SHADOW(s1)
    li   t0, 4096
    add  t0, s7, t0
    sw   t0, PR_BRK(s1)
    sw   t0, PR_HEAP(s1)
    mv   a1, s2                         # name = the last element of the path
    mv   t0, a1
28: lbu  t1, 0(t0)
    beqz t1, 29f
    addi t0, t0, 1
    li   t2, '/'
    bne  t1, t2, 28b
    mv   a1, t0
    j    28b
29: addi a0, s1, PR_NAME
    li   a2, 16
    call strlcpy
    lw   a0, PR_TID(s1)                 # (re)start the thread in the new program
    lw   a1, X_ENTRY(s3)
    lw   a2, X_SP(s3)
    lw   a3, X_ARGC(s3)
    lw   a4, X_ARGVU(s3)
    li   a5, 0
    KSYS K_EXREGS
    lw   a0, X_ARGC(s3)
    EPILOGUE
70: li   a0, -EIO
    EPILOGUE
71: EPILOGUE                            # -errno from F_OPENX
80: lw   t0, X_NEWSH(s3)                # failure: undo
    beqz t0, 81f
    mv   a0, t0
    call shadow_free
81: li   a0, F_CLOSEX
    lw   a1, X_HANDLE(s3)
    li   t0, TID_FS
    li   t3, 0
    li   t6, 0
    li   t2, 0
    KSYS K_CALL
    lw   a0, X_ERR(s3)
    EPILOGUE

.equ X_ARGC, 0
.equ X_ERR, 4
.equ X_NEWSH, 8
.equ X_HANDLE, 12
.equ X_ENTRY, 16
.equ X_PHOFF, 20
.equ X_PHNUM, 24
.equ X_END, 28
.equ X_FLAGS, 32
.equ X_SBASE, 36
.equ X_TOTAL, 40
.equ X_CURSOR, 44
.equ X_ARGVU, 48
.equ X_SP, 52
