# vm.s — user address spaces: page tables, map/unmap, copy for fork, free, and the
# checked copies between kernel and user memory.
#
# Concept: virtual memory with a software-managed TLB (seed: memory management). The
# page table (format in README.md, walked by tlbrefill.s) is the only truth; the kernel
# never dereferences a user address: copyin/copyout translate it through the process's
# page table and use the frame's kseg alias, so a bad pointer is an -EFAULT, never a
# kernel fault.

# uvmalloc(a0 = pgdir, a1 = start, a2 = end, a3 = tlblo flags) -> 0 / -1.
# Maps fresh zeroed pages over [start, end) (page-rounded).
uvmalloc:
    PROLOGUE
    mv   s1, a0
    li   t0, 0xFFFFF000
    and  s2, a1, t0
    mv   s3, a2
    mv   s4, a3
1:  bgeu s2, s3, 8f
    UALLOC
    beqz a0, 9f
    mv   s5, a0
    mv   a0, s1
    mv   a1, s2
    li   a2, 1
    call pt_walk
    beqz a0, 7f
    li   t0, KSEG
    sub  t0, s5, t0
    or   t0, t0, s4
    sw   t0, 0(a0)
    li   t0, 4096
    add  s2, s2, t0
    j    1b
7:  mv   a0, s5
    UFREE
9:  li   a0, -1
    EPILOGUE
8:  li   a0, 0
    EPILOGUE

# uvmunmap(a0 = proc, a1 = start, a2 = end): unmap and free the pages of proc's
# address space in [start, end) (start page-aligned), in the order a multiprocessor
# needs: first every entry loses its V bit (no refill can load it again), then the TLB
# shootdown (smp.s: no CPU still maps a page), and only then are the pages freed —
# the frame number stays in the invalid entry until this second pass.
uvmunmap:
    PROLOGUE
    mv   s4, a0
    lw   s1, P_PGDIR(a0)
    mv   s2, a1
    sw   a1, 4(sp)
    mv   s3, a2
    li   s5, 0                          # pass: 0 unmap, 1 free
1:  bgeu s2, s3, 7f
    mv   a0, s1
    mv   a1, s2
    li   a2, 0
    call pt_walk
    beqz a0, 2f
    lw   t0, 0(a0)
    bnez s5, 3f
    andi t1, t0, TLB_V                  # pass 0: clear V, keep the frame number
    beqz t1, 2f
    xori t0, t0, TLB_V
    sw   t0, 0(a0)
    j    2f
3:  beqz t0, 2f                         # pass 1: an entry we invalidated: free it
    andi t1, t0, TLB_V
    bnez t1, 2f
    sw   zero, 0(a0)
    li   t1, 0xFFFFF000
    and  t0, t0, t1
    li   t1, KSEG
    or   a0, t0, t1
    UFREE
2:  li   t0, 4096
    add  s2, s2, t0
    j    1b
7:  bnez s5, 8f
    mv   a0, s4
    call tlb_shootdown
    li   s5, 1
    lw   s2, 4(sp)                      # again from the start
    j    1b
8:  EPILOGUE

# uvmfree(a0 = pgdir): free every user page, page-table page and the directory.
uvmfree:
    PROLOGUE
    mv   s1, a0
    li   s2, 0                          # directory index (useg: 0..511)
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
    li   t1, 0xFFFFF000
    and  t0, t0, t1
    li   t1, KSEG
    or   a0, t0, t1
    UFREE
3:  addi s4, s4, 1
    li   t0, 1024
    blt  s4, t0, 2b
    mv   a0, s3
    call kfree
4:  addi s2, s2, 1
    li   t0, 512
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
    UALLOC
    beqz a0, 8f
    mv   s7, a0
    li   t1, 0xFFFFF000
    and  a1, s6, t1
    li   t1, KSEG
    or   a1, a1, t1
    li   a2, 4096
    call memmove
    mv   a0, s2
    slli a1, s3, 22
    slli t0, s5, 12
    or   a1, a1, t0
    li   a2, 1
    call pt_walk
    beqz a0, 7f
    li   t0, KSEG
    sub  t0, s7, t0
    andi t1, s6, 0xFFF
    or   t0, t0, t1
    sw   t0, 0(a0)
3:  addi s5, s5, 1
    li   t0, 1024
    blt  s5, t0, 2b
4:  addi s3, s3, 1
    li   t0, 512
    blt  s3, t0, 1b
    mv   a0, s2
    EPILOGUE
7:  mv   a0, s7
    UFREE
8:  mv   a0, s2
    call uvmfree
9:  li   a0, 0
    EPILOGUE

# uva2ka(a0 = pgdir, a1 = va, a2 = required flags) -> a0 = kseg address of va, or 0.
uva2ka:
    PROLOGUE
    mv   s1, a1
    mv   s2, a2
    li   t0, KSEG
    bgeu a1, t0, 9f
    li   a2, 0
    call pt_walk
    beqz a0, 9f
    lw   t0, 0(a0)
    and  t1, t0, s2
    bne  t1, s2, 9f
    li   t1, 0xFFFFF000
    and  t0, t0, t1
    li   t1, KSEG
    or   t0, t0, t1
    andi t1, s1, 0xFFF
    or   a0, t0, t1
    EPILOGUE
9:  li   a0, 0
    EPILOGUE

# copyout(a0 = pgdir, a1 = user dst, a2 = kernel src, a3 = n) -> 0 / -1
# copyin(a0 = pgdir, a1 = kernel dst, a2 = user src, a3 = n) -> 0 / -1
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
    mv   a1, s3                         # the user address
    li   a2, TLB_V | TLB_R | TLB_U
    beqz s5, 2f
    mv   a1, s2
    li   a2, TLB_V | TLB_W | TLB_U
2:  call uva2ka
    beqz a0, 9f
    andi t0, a0, 0xFFF                  # bytes left in this page
    li   t1, 4096
    sub  s6, t1, t0
    bleu s6, s4, 3f
    mv   s6, s4
3:  beqz s5, 4f
    mv   a1, s3                         # copyout: page <- kernel source
    j    5f
4:  mv   a1, a0                         # copyin: kernel destination <- page
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

# copyinstr(a0 = pgdir, a1 = kernel dst, a2 = user src, a3 = max) -> length without
# the NUL, -1 for a bad pointer, -2 if no NUL within max bytes.
copyinstr:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    li   s5, 0                          # length
    li   s6, 0                          # kseg pointer (0 = translate)
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
    li   s6, 0                          # crossed into the next page
    j    1b
8:  mv   a0, s5
    EPILOGUE
7:  li   a0, -2
    EPILOGUE
9:  li   a0, -1
    EPILOGUE

# growproc(a0 = n bytes, may be negative) -> old break, or -ENOMEM / -EINVAL
sys_sbrk:
growproc:
    PROLOGUE
    mv   t0, tp                         # this CPU's curproc (smp.s)
    lw   s1, 0(t0)
    lw   s2, P_BRK(s1)                  # old
    add  s3, s2, a0                     # new
    blt  a0, zero, 5f
    bltu s3, s2, 8f                     # wrapped
    li   t0, USER_LIMIT
    bgtu s3, t0, 8f
    li   t0, 4095                       # map [roundup(old), roundup(new))
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
    mv   a0, s1                         # out of memory: undo
    mv   a1, s4
    mv   a2, s5
    call uvmunmap
8:  li   a0, -ENOMEM
    EPILOGUE
5:  bgtu s3, s2, 7f                     # wrapped below 0
    lw   t0, P_HEAP(s1)
    bltu s3, t0, 7f
    li   t0, 4095
    add  a1, s3, t0
    add  a2, s2, t0
    not  t0, t0
    and  a1, a1, t0
    and  a2, a2, t0
    mv   a0, s1
    call uvmunmap
6:  sw   s3, P_BRK(s1)
    mv   a0, s2
    EPILOGUE
7:  li   a0, -EINVAL
    EPILOGUE

# either_copyout(a0 = user?, a1 = dst, a2 = src, a3 = n) -> 0 / -1: dst is a user
# address of the current process if user?, else a kernel address.
either_copyout:
    PROLOGUE
    beqz a0, 1f
    mv   t0, tp
    lw   t0, 0(t0)
    lw   a0, P_PGDIR(t0)
    call copyout
    EPILOGUE
1:  mv   a0, a1
    mv   a1, a2
    mv   a2, a3
    call memmove
    li   a0, 0
    EPILOGUE

# either_copyin(a0 = user?, a1 = dst (kernel), a2 = src, a3 = n) -> 0 / -1
either_copyin:
    PROLOGUE
    beqz a0, 1f
    mv   t0, tp
    lw   t0, 0(t0)
    lw   a0, P_PGDIR(t0)
    call copyin
    EPILOGUE
1:  mv   a0, a1
    mv   a1, a2
    mv   a2, a3
    call memmove
    li   a0, 0
    EPILOGUE
