# blocks.s — disk blocks as resources with owners: the secure bindings of the disk.
#
# Concept: secure bindings for storage (Engler et al.; seed: "Exokernel: Example on Disk
# Management"; Xok's XN): the kernel
# knows nothing of files or of any on-disk layout. A library OS binds blocks by their
# physical names (EXO_DISK_BIND: the kernel records the owner once, and refuses a
# block someone else holds), and every transfer (EXO_DISK_RW) is checked against that
# record — the block must be the caller's, and so must the physical page the DMA goes
# to or comes from. Where its file system puts its inodes, its bitmap and its data is
# the library OS's decision. The driver is the shared component lib/dev/disk.s
# (interrupt-driven, FIFO queue), run in the kernel: the caller sleeps in the kernel
# until its request completes.
#
# bowner_table: one byte per block, 0 free or the owner domain.

# EXO_DISK_BIND(first, count) -> 0; -EINVAL (out of the disk), -EPERM (a block is
# another domain's; nothing is bound then), -EIO (no disk)
sys_disk_bind:
    la   t0, nblocks
    lw   t0, 0(t0)
    beqz t0, 7f
    beqz a1, 8f
    add  t1, a0, a1
    bltu t1, a0, 8f
    bgtu t1, t0, 8f
    la   t2, curenv
    lw   t2, 0(t2)
    lw   t2, E_DOM(t2)
    la   t3, bowner_table
    lw   t3, 0(t3)
    add  t4, t3, a0                     # first pass: all free or already ours?
    add  t5, t3, t1
1:  lbu  t0, 0(t4)
    beqz t0, 2f
    bne  t0, t2, 9f
2:  addi t4, t4, 1
    bltu t4, t5, 1b
    add  t4, t3, a0                     # then bind them
3:  sb   t2, 0(t4)
    addi t4, t4, 1
    bltu t4, t5, 3b
    li   a0, 0
    ret
7:  li   a0, -EIO
    ret
8:  li   a0, -EINVAL
    ret
9:  li   a0, -EPERM
    ret

# EXO_DISK_RW(block, pa, write?) -> 0 / -EPERM (the block, or a page the 512 bytes at
# pa touch, is not the caller's) / -EIO
sys_disk_rw:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    la   t0, nblocks
    lw   t0, 0(t0)
    bgeu s1, t0, 9f
    la   t0, bowner_table
    lw   t0, 0(t0)
    add  t0, t0, s1
    lbu  s4, 0(t0)
    call cur_dom
    bne  a0, s4, 9f
    srli a0, s2, 12                     # the 512 bytes at pa: pages of the caller's
    call page_mine
    beqz a0, 9f
    addi a0, s2, 511
    srli a0, a0, 12
    call page_mine
    beqz a0, 9f
    mv   a0, s1
    li   t0, KSEG
    or   a1, s2, t0
    li   a2, 1
    snez a3, s3
    call disk_rw
    beqz a0, 1f
    li   a0, -EIO
1:  EPILOGUE
9:  li   a0, -EPERM
    EPILOGUE
