# vm.s — ExOS's virtual memory: page frames from the exokernel, its own page tables,
# the checked copies between the library and a program, sbrk.
#
# Concept: application-level virtual memory (seed: "Exokernel's Memory Protection:
# using software TLB ... libOS manages the page table"): the exokernel only checks the
# bindings. Pages come
# from EXO_PAGE_ALLOC by physical name and are reached through the domain's PHYSMAP
# window (PHYSMAP + physical address, refilled by the kernel because the domain owns
# them) — ExOS's equivalent of a kernel's kseg. The page table is the monolithic
# kernel's format (lib/mm/tlbrefill.s: pt_walk), holding tlblo words, and the TLB-miss
# upcall in exos.s walks it; the kernel never sees it. copyin/copyout check a program's
# pointer against its page table before touching the page through PHYSMAP, so a bad
# pointer is -EFAULT, never a fault in the library.

# kalloc() -> a0 = PHYSMAP address of a zeroed page of ExOS's, or 0. Under memory
# pressure the kernel answers -EAGAIN while it revokes a page from another library
# OS: wait a tick and ask again, a few times.
kalloc:
    PROLOGUE
    li   s1, REVOKE_RETRIES
1:  li   a0, 0
    li   a7, EXO_PAGE_ALLOC
    syscall
    bge  a0, zero, 2f
    li   t0, -EAGAIN
    bne  a0, t0, 9f
    beqz s1, 9f
    addi s1, s1, -1
    li   a0, INFO_TICKS
    li   a7, EXO_INFO
    syscall
    addi a0, a0, 1
    li   a7, EXO_BLOCK
    syscall
    j    1b
2:  slli a0, a0, 12
    li   t0, PHYSMAP
    add  a0, a0, t0
    EPILOGUE
9:  li   a0, 0
    EPILOGUE

# kfree(a0 = PHYSMAP address of a page, or 0)
kfree:
    beqz a0, 9f
    li   t0, PHYSMAP
    sub  a0, a0, t0
    srli a0, a0, 12
    li   a7, EXO_PAGE_FREE
    syscall
9:  ret

# pfn_free(a0 = pfn, or 0)
pfn_free:
    beqz a0, 9f
    li   a7, EXO_PAGE_FREE
    syscall
9:  ret

# reserve_fill(): top up the pages kept for revocations (exos_upcall gives them back).
reserve_fill:
    PROLOGUE
    la   s1, reserve
    li   s2, RESERVE
1:  lw   t0, 0(s1)
    bnez t0, 2f
    li   a0, 0
    li   a7, EXO_PAGE_ALLOC
    syscall
    blt  a0, zero, 9f
    li   t1, 0
    mv   t0, t1
    cas  t0, a0, (s1)
2:  addi s1, s1, 4
    addi s2, s2, -1
    bnez s2, 1b
9:  EPILOGUE

# pte_page(a0 = tlblo word) -> a0 = PHYSMAP address of its page (leaf)
pte_page:
    srli a0, a0, 12
    slli a0, a0, 12
    li   t0, PHYSMAP
    add  a0, a0, t0
    ret

# uvmalloc(a0 = pgdir, a1 = start, a2 = end, a3 = tlblo flags) -> 0 / -1: fresh zeroed
# pages over [start, end) (page-rounded).
uvmalloc:
    PROLOGUE
    mv   s1, a0
    li   t0, 0xFFFFF000
    and  s2, a1, t0
    mv   s3, a2
    mv   s4, a3
1:  bgeu s2, s3, 8f
    call kalloc
    beqz a0, 9f
    mv   s5, a0
    mv   a0, s1
    mv   a1, s2
    li   a2, 1
    call pt_walk
    beqz a0, 7f
    li   t0, PHYSMAP
    sub  t0, s5, t0
    or   t0, t0, s4
    sw   t0, 0(a0)
    li   t0, 4096
    add  s2, s2, t0
    j    1b
7:  mv   a0, s5
    call kfree
9:  li   a0, -1
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# uvmunmap(a0 = pgdir, a1 = start, a2 = end): free the pages mapped in [start, end)
# (start page-aligned). The caller flushes its TLB entries (EXO_TLB_FLUSH).
uvmunmap:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
1:  bgeu s2, s3, 8f
    mv   a0, s1
    mv   a1, s2
    li   a2, 0
    call pt_walk
    beqz a0, 2f
    lw   t0, 0(a0)
    andi t1, t0, TLB_V
    beqz t1, 2f
    sw   zero, 0(a0)
    mv   a0, t0
    call pte_page
    call kfree
2:  li   t0, 4096
    add  s2, s2, t0
    j    1b
8:  EPILOGUE

# uvmfree(a0 = pgdir): free every program page, page-table page and the directory.
uvmfree:
    PROLOGUE
    mv   s1, a0
    li   s2, 0                          # directory index: [0, USER_LIMIT)
1:  slli t0, s2, 2
    add  t0, t0, s1
    lw   s3, 0(t0)
    beqz s3, 4f
    li   s4, 0
2:  slli t0, s4, 2
    add  t0, t0, s3
    lw   t0, 0(t0)
    andi t1, t0, TLB_V
    beqz t1, 3f
    mv   a0, t0
    call pte_page
    call kfree
3:  addi s4, s4, 1
    li   t0, 1024
    blt  s4, t0, 2b
    mv   a0, s3
    call kfree
4:  addi s2, s2, 1
    li   t0, (USER_LIMIT + 0x3FFFFF) >> 22
    blt  s2, t0, 1b
    mv   a0, s1
    call kfree
    EPILOGUE

# uvmcopy(a0 = pgdir) -> a0 = a new directory mapping copies of every page, or 0.
uvmcopy:
    PROLOGUE
    mv   s1, a0
    call kalloc
    beqz a0, 9f
    mv   s2, a0                         # new directory
    li   s3, 0
1:  slli t0, s3, 2
    add  t0, t0, s1
    lw   s4, 0(t0)
    beqz s4, 4f
    li   s5, 0
2:  slli t0, s5, 2
    add  t0, t0, s4
    lw   s6, 0(t0)                      # old entry
    andi t1, s6, TLB_V
    beqz t1, 3f
    call kalloc
    beqz a0, 8f
    mv   s7, a0
    mv   a0, s6
    call pte_page
    mv   a1, a0
    mv   a0, s7
    li   a2, 4096
    call memmove
    mv   a0, s2
    slli a1, s3, 22
    slli t0, s5, 12
    or   a1, a1, t0
    li   a2, 1
    call pt_walk
    beqz a0, 7f
    li   t0, PHYSMAP
    sub  t0, s7, t0
    andi t1, s6, 0xFFF
    or   t0, t0, t1
    sw   t0, 0(a0)
3:  addi s5, s5, 1
    li   t0, 1024
    blt  s5, t0, 2b
4:  addi s3, s3, 1
    li   t0, (USER_LIMIT + 0x3FFFFF) >> 22
    blt  s3, t0, 1b
    mv   a0, s2
    EPILOGUE
7:  mv   a0, s7
    call kfree
8:  mv   a0, s2
    call uvmfree
9:  li   a0, 0
    EPILOGUE

# uva2ka(a0 = pgdir, a1 = va, a2 = required flags) -> a0 = PHYSMAP address of va, or 0
uva2ka:
    PROLOGUE
    mv   s1, a1
    mv   s2, a2
    li   t0, USER_LIMIT
    bgeu a1, t0, 9f
    li   a2, 0
    call pt_walk
    beqz a0, 9f
    lw   t0, 0(a0)
    and  t1, t0, s2
    bne  t1, s2, 9f
    mv   a0, t0
    call pte_page
    andi t1, s1, 0xFFF
    or   a0, a0, t1
    EPILOGUE
9:  li   a0, 0
    EPILOGUE

# copyout(a0 = pgdir, a1 = program dst, a2 = library src, a3 = n) -> 0 / -1
# copyin(a0 = pgdir, a1 = library dst, a2 = program src, a3 = n) -> 0 / -1
copyout:
    li   t0, 1
    j    copy_common
copyin:
    li   t0, 0
copy_common:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    mv   s5, t0
1:  beqz s4, 8f
    mv   a0, s1
    mv   a1, s3
    li   a2, TLB_V | TLB_R | TLB_U
    beqz s5, 2f
    mv   a1, s2
    li   a2, TLB_V | TLB_W | TLB_U
2:  call uva2ka
    beqz a0, 9f
    andi t0, a0, 0xFFF
    li   t1, 4096
    sub  s6, t1, t0
    bleu s6, s4, 3f
    mv   s6, s4
3:  beqz s5, 4f
    mv   a1, s3
    j    5f
4:  mv   a1, a0
    mv   a0, s2
5:  mv   a2, s6
    call memmove
    add  s2, s2, s6
    add  s3, s3, s6
    sub  s4, s4, s6
    j    1b
8:  li   a0, 0
    EPILOGUE
9:  li   a0, -1
    EPILOGUE

# copyinstr(a0 = pgdir, a1 = library dst, a2 = program src, a3 = max) -> length, -1
# for a bad pointer, -2 without a NUL within max bytes.
copyinstr:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    li   s5, 0
    li   s6, 0
1:  bgeu s5, s4, 7f
    bnez s6, 2f
    mv   a0, s1
    mv   a1, s3
    li   a2, TLB_V | TLB_R | TLB_U
    call uva2ka
    beqz a0, 9f
    mv   s6, a0
2:  lbu  t0, 0(s6)
    add  t1, s2, s5
    sb   t0, 0(t1)
    beqz t0, 8f
    addi s5, s5, 1
    addi s3, s3, 1
    addi s6, s6, 1
    andi t0, s3, 0xFFF
    bnez t0, 1b
    li   s6, 0
    j    1b
8:  mv   a0, s5
    EPILOGUE
7:  li   a0, -2
    EPILOGUE
9:  li   a0, -1
    EPILOGUE

# flush_mine(): forget every TLB entry of this environment (after unmapping)
flush_mine:
    li   a0, -1
    li   a7, EXO_TLB_FLUSH
    syscall
    ret

# sbrk(n) -> old break, or -ENOMEM / -EINVAL
sys_sbrk:
    PROLOGUE
    li   t0, UAREA
    lw   s1, U_CURPROC(t0)
    lw   s2, P_BRK(s1)
    add  s3, s2, a0
    blt  a0, zero, 5f
    bltu s3, s2, 8f
    li   t0, USER_LIMIT
    bgtu s3, t0, 8f
    li   t0, 4095
    add  a1, s2, t0
    add  a2, s3, t0
    not  t0, t0
    and  a1, a1, t0
    and  a2, a2, t0
    mv   s4, a1
    mv   s5, a2
    lw   a0, P_PGDIR(s1)
    li   a3, TLB_V | TLB_R | TLB_W | TLB_U
    call uvmalloc
    beqz a0, 6f
    lw   a0, P_PGDIR(s1)
    mv   a1, s4
    mv   a2, s5
    call uvmunmap
    call flush_mine
8:  li   a0, -ENOMEM
    EPILOGUE
5:  bgtu s3, s2, 7f
    lw   t0, P_HEAP(s1)
    bltu s3, t0, 7f
    li   t0, 4095
    add  a1, s3, t0
    add  a2, s2, t0
    not  t0, t0
    and  a1, a1, t0
    and  a2, a2, t0
    lw   a0, P_PGDIR(s1)
    call uvmunmap
    call flush_mine
6:  sw   s3, P_BRK(s1)
    mv   a0, s2
    EPILOGUE
7:  li   a0, -EINVAL
    EPILOGUE

# either_copyout(a0 = user?, a1 = dst, a2 = src, a3 = n) / either_copyin(a0 = user?,
# a1 = dst, a2 = src, a3 = n) -> 0 / -1
either_copyout:
    PROLOGUE
    beqz a0, 1f
    li   t0, UAREA
    lw   t0, U_CURPROC(t0)
    lw   a0, P_PGDIR(t0)
    call copyout
    EPILOGUE
1:  mv   a0, a1
    mv   a1, a2
    mv   a2, a3
    call memmove
    li   a0, 0
    EPILOGUE
either_copyin:
    PROLOGUE
    beqz a0, 1f
    li   t0, UAREA
    lw   t0, U_CURPROC(t0)
    lw   a0, P_PGDIR(t0)
    call copyin
    EPILOGUE
1:  mv   a0, a1
    mv   a1, a2
    mv   a2, a3
    call memmove
    li   a0, 0
    EPILOGUE
