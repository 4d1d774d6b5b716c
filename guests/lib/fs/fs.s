# fs.s — the on-disk file system: inodes, block allocation, directories, paths.
#
# Concept: a Unix file system in layers (file systems seed, xv6 fs.c): blocks (bio.s)
# -> block allocation from a bitmap -> inodes (an in-memory cache of on-disk inodes,
# each with a sleep lock) -> file contents (12 direct + 1 indirect block) ->
# directories (16-byte entries) -> path names. Format: guests/monolithic/README.md.
#
# In-memory inode (80 bytes): inum, ref, valid, busy (0 free, 1 locked, 2 locked and
# wanted by a sleeper), then a copy of the 64-byte
# on-disk inode. Every call that reads or changes the on-disk copy needs ilock.
#
# Provides: fsinit, iget, idup, ilock, iunlock, iput, iunlockput, iupdate, itrunc,
#   ialloc, readi, writei, stati, dirlookup, dirlink, namei, nameiparent, namei_errno,
#   I_INUM, I_REF, I_TYPE, I_NLINK, I_SIZE (in-memory inode offsets), DIRSIZ,
#   MAXFILE_BYTES
# Needs: bread, bwrite, brelse, bprobe, B_DATA, initlog, log_write (both in FS_LOG
#   builds only), env_sleep, env_wakeup, env_panic,
#   env_copyin, env_copyout, env_cwd (relative paths), env_warn (FS_WARN builds only),
#   memmove, memset, strncmp; kframe.inc, config.inc
# Parameters: NINODE (in-memory inodes, default 48); FS_WARN (1: report corrupt on-disk
#   data through env_warn, a0 = message and a1 = a number; default 0: silent); FS_LOG
#   (1: every write goes through the write-ahead log of log.s, and fsinit recovers it;
#   default 0: writes go straight to the disk)
#
# On-disk data is untrusted input (a crafted image): fsinit checks the superblock and
# refuses to mount an inconsistent one with a message naming the field; every block
# number read from an inode and every inode number read from a directory is
# range-checked, and the operation fails with EIO (never a panic, never a read or write
# outside the file system's own blocks).

PARAM NINODE, 48
PARAM FS_WARN, 0
PARAM FS_LOG, 0

# FS_BWRITE: a modified buffer goes to the disk — through the write-ahead log (log.s:
# log_write, inside begin_op/end_op) in an FS_LOG build, else at once (bwrite)
.macro FS_BWRITE
.if FS_LOG
    call log_write
.else
    call bwrite
.endif
.endm

.equ I_INUM, 0
.equ I_REF, 4
.equ I_VALID, 8
.equ I_BUSY, 12
.equ I_TYPE, 16
.equ I_NLINK, 18
.equ I_SIZE, 20
.equ I_ADDRS, 24
.equ INODE_SIZE, 80
.equ NDIRECT, 12
.equ MAXFILE_BYTES, 71680
.equ FS_MAGIC, 0x52564653
.equ DIRSIZ, 14

# fsinit(): read the superblock and check it (the layout of ringvm mkfs: inodes from
# block 2, then the bitmap, then the data blocks up to size, the last block readable);
# an inconsistent one is refused with a message naming what is wrong.
fsinit:
    PROLOGUE
    li   a0, 1
    call bread
    mv   s1, a0
    la   a0, sb_magic
    lw   a1, B_DATA(s1)
    li   a2, 36
    call memmove
    mv   a0, s1
    call brelse
    la   t0, sb_magic
    lw   t0, 0(t0)
    li   t1, FS_MAGIC
    la   a0, msg_nofs
    bne  t0, t1, 9f
    la   t0, sb_size
    lw   s1, 0(t0)                      # size
    lw   s2, 8(t0)                      # ninodes
    la   a0, msg_sb_size                # 3 blocks at least, at most 2^23 (4 GiB)
    li   t1, 3
    bltu s1, t1, 9f
    li   t1, 0x00800000
    bgtu s1, t1, 9f
    la   a0, msg_sb_ninodes             # 2 at least, inode blocks fewer than size
    li   t1, 2
    bltu s2, t1, 9f
    srli t1, s2, 3
    bgeu t1, s1, 9f
    la   a0, msg_sb_inodestart
    lw   t1, 12(t0)
    li   t2, 2
    bne  t1, t2, 9f
    la   a0, msg_sb_bmapstart           # inodestart + ceil(ninodes / 8)
    srli t2, s2, 3
    andi t3, s2, 7
    snez t3, t3
    add  t2, t2, t3
    addi t2, t2, 2
    lw   t1, 16(t0)
    bne  t1, t2, 9f
    srli t3, s1, 12                     # + ceil(size / 4096): the log's start
    li   t4, 0xFFF
    and  t4, s1, t4
    snez t4, t4
    add  t3, t3, t4
    add  t2, t2, t3
    la   a0, msg_sb_log                 # nlog = 0 (no log), or logstart right there
    lw   t3, 28(t0)                     # nlog
    bgeu t3, s1, 9f
    beqz t3, 2f
    lw   t1, 24(t0)
    bne  t1, t2, 9f
2:  add  t2, t2, t3
    la   a0, msg_sb_datastart           # bmapstart + bitmap blocks + nlog, below size
    lw   t1, 20(t0)
    bne  t1, t2, 9f
    bgeu t2, s1, 9f
    la   a0, msg_sb_nblocks             # size - datastart
    sub  t2, s1, t2
    lw   t1, 4(t0)
    bne  t1, t2, 9f
    addi a0, s1, -1                     # the last block must exist on the disk
    call bprobe
    mv   t0, a0
    la   a0, msg_sb_disk
    bnez t0, 9f
.if FS_LOG
    la   t0, sb_size                    # recover what a crash left in the log
    lw   a0, 24(t0)
    lw   a1, 28(t0)
    lw   a2, 0(t0)
    call initlog                        # -1: a log too small for this kernel
    mv   t0, a0
    la   a0, msg_sb_log
    bnez t0, 9f
.endif
    EPILOGUE
9:  call env_panic

# fs_warn(a0 = message, a1 = number): report corrupt on-disk data (FS_WARN builds)
fs_warn:
.if FS_WARN
    j    env_warn
.else
    ret
.endif

# blockbad(a0 = block) -> a0 = 1 unless it is a data block of this file system. Leaf.
blockbad:
    la   t0, sb_datastart
    lw   t0, 0(t0)
    bltu a0, t0, 1f
    la   t0, sb_size
    lw   t0, 0(t0)
    bgeu a0, t0, 1f
    li   a0, 0
    ret
1:  li   a0, 1
    ret

# iget(a0 = inum) -> a0 = in-memory inode (ref + 1, unlocked), or 0 with
# namei_errno = ENFILE when every in-memory inode is in use (never a panic: a user
# program holding many files open must not crash the kernel)
iget:
    la   t0, itable
    li   t1, NINODE
    li   t3, 0                          # first empty slot
1:  lw   t2, I_REF(t0)
    beqz t2, 2f
    lw   t2, I_INUM(t0)
    bne  t2, a0, 3f
    lw   t2, I_REF(t0)
    addi t2, t2, 1
    sw   t2, I_REF(t0)
    mv   a0, t0
    ret
2:  bnez t3, 3f
    mv   t3, t0
3:  addi t0, t0, INODE_SIZE
    addi t1, t1, -1
    bnez t1, 1b
    beqz t3, 9f
    sw   a0, I_INUM(t3)
    li   t2, 1
    sw   t2, I_REF(t3)
    sw   zero, I_VALID(t3)
    sw   zero, I_BUSY(t3)
    mv   a0, t3
    ret
9:  la   t0, namei_errno
    li   t1, ENFILE
    sw   t1, 0(t0)
    li   a0, 0
    ret

idup:
    lw   t0, I_REF(a0)
    addi t0, t0, 1
    sw   t0, I_REF(a0)
    ret

# inode_block(a0 = inum) -> a0 = block number, a1 = byte offset in the block (leaf)
inode_block:
    srli t0, a0, 3
    la   t1, sb_inodestart
    lw   t1, 0(t1)
    add  t0, t0, t1
    andi a1, a0, 7
    slli a1, a1, 6
    mv   a0, t0
    ret

ilock:
    PROLOGUE
    mv   s1, a0
1:  lw   t0, I_BUSY(s1)
    beqz t0, 2f
    li   t0, 2                          # busy and wanted: iunlock must wake us
    sw   t0, I_BUSY(s1)
    mv   a0, s1
    call env_sleep
    j    1b
2:  li   t0, 1
    sw   t0, I_BUSY(s1)
    lw   t0, I_VALID(s1)
    bnez t0, 3f
    lw   a0, I_INUM(s1)
    call inode_block
    mv   s2, a1
    call bread
    mv   s3, a0
    addi a0, s1, I_TYPE
    lw   a1, B_DATA(s3)
    add  a1, a1, s2
    li   a2, 64
    call memmove
    mv   a0, s3
    call brelse
    li   t0, 1
    sw   t0, I_VALID(s1)
3:  EPILOGUE

iunlock:
    PROLOGUE
    lw   t0, I_BUSY(a0)
    sw   zero, I_BUSY(a0)
    li   t1, 2
    bne  t0, t1, 1f
    call env_wakeup
1:  EPILOGUE

# iupdate(a0 = locked inode): write the inode to the disk.
iupdate:
    PROLOGUE
    mv   s1, a0
    lw   a0, I_INUM(s1)
    call inode_block
    mv   s2, a1
    call bread
    mv   s3, a0
    lw   a0, B_DATA(s3)
    add  a0, a0, s2
    addi a1, s1, I_TYPE
    li   a2, 64
    call memmove
    mv   a0, s3
    FS_BWRITE
    mv   a0, s3
    call brelse
    EPILOGUE

# iput(a0 = inode): drop a reference; the last one of an unlinked inode frees it.
iput:
    PROLOGUE
    mv   s1, a0
    lw   t0, I_REF(s1)
    li   t1, 1
    bne  t0, t1, 1f
    lw   t0, I_VALID(s1)
    beqz t0, 1f
    lhu  t0, I_NLINK(s1)
    bnez t0, 1f
    mv   a0, s1
    call ilock
    mv   a0, s1
    call itrunc
    sh   zero, I_TYPE(s1)
    mv   a0, s1
    call iupdate
    sw   zero, I_VALID(s1)
    mv   a0, s1
    call iunlock
1:  lw   t0, I_REF(s1)
    addi t0, t0, -1
    sw   t0, I_REF(s1)
    EPILOGUE

iunlockput:
    PROLOGUE
    mv   s1, a0
    call iunlock
    mv   a0, s1
    call iput
    EPILOGUE

# ialloc(a0 = type) -> a0 = inode (unlocked, ref 1), or 0 with namei_errno = ENOSPC (no
# free inode on the disk) or ENFILE (no free in-memory inode; nothing allocated)
ialloc:
    PROLOGUE
    mv   s1, a0
    li   s2, 1
1:  la   t0, sb_ninodes
    lw   t0, 0(t0)
    bgeu s2, t0, 9f
    mv   a0, s2
    call inode_block
    mv   s3, a1
    call bread
    mv   s4, a0
    lw   s5, B_DATA(s4)
    add  s5, s5, s3
    lhu  t0, 0(s5)
    bnez t0, 2f
    mv   a0, s2                         # an in-memory inode first: if the table is
    call iget                           # full, nothing is allocated on the disk
    beqz a0, 8f
    mv   s6, a0
    mv   a0, s5
    li   a1, 0
    li   a2, 64
    call memset
    sh   s1, 0(s5)
    mv   a0, s4
    FS_BWRITE
    mv   a0, s4
    call brelse
    mv   a0, s6
    EPILOGUE
2:  mv   a0, s4
    call brelse
    addi s2, s2, 1
    j    1b
8:  mv   a0, s4                         # namei_errno = ENFILE (iget)
    call brelse
    la   t0, namei_errno
    li   t1, ENFILE
    sw   t1, 0(t0)
    li   a0, 0
    EPILOGUE
9:  la   t0, namei_errno
    li   t1, ENOSPC
    sw   t1, 0(t0)
    li   a0, 0
    EPILOGUE

# balloc() -> a0 = a zeroed, newly allocated data block, or 0 (disk full)
balloc:
    PROLOGUE
    la   t0, sb_datastart
    lw   s1, 0(t0)                      # candidate block
1:  la   t0, sb_size
    lw   t0, 0(t0)
    bgeu s1, t0, 9f
    srli a0, s1, 12                     # bitmap block of s1
    la   t0, sb_bmapstart
    lw   t0, 0(t0)
    add  a0, a0, t0
    call bread
    mv   s2, a0
    lw   s3, B_DATA(s2)
2:  li   t0, 0xFFF                      # scan within this bitmap block
    and  t0, s1, t0
    srli t1, t0, 3
    add  t1, t1, s3                     # byte address
    lbu  t2, 0(t1)
    andi t0, s1, 7
    li   t3, 1
    sll  t3, t3, t0
    and  t0, t2, t3
    beqz t0, 5f
    addi s1, s1, 1
    la   t0, sb_size
    lw   t0, 0(t0)
    bgeu s1, t0, 4f
    li   t0, 0xFFF
    and  t0, s1, t0
    bnez t0, 2b
4:  mv   a0, s2                         # next bitmap block
    call brelse
    j    1b
5:  or   t2, t2, t3
    sb   t2, 0(t1)
    mv   a0, s2
    FS_BWRITE
    mv   a0, s2
    call brelse
    mv   a0, s1                         # zero the block
    call bread
    mv   s2, a0
    lw   a0, B_DATA(s2)
    li   a1, 0
    li   a2, 512
    call memset
    mv   a0, s2
    FS_BWRITE
    mv   a0, s2
    call brelse
    mv   a0, s1
    EPILOGUE
9:  li   a0, 0
    EPILOGUE

# bfree(a0 = block)
bfree:
    PROLOGUE
    mv   s1, a0
    srli a0, s1, 12
    la   t0, sb_bmapstart
    lw   t0, 0(t0)
    add  a0, a0, t0
    call bread
    mv   s2, a0
    lw   t0, B_DATA(s2)
    li   t1, 0xFFF
    and  t1, s1, t1
    srli t1, t1, 3
    add  t0, t0, t1
    lbu  t1, 0(t0)
    andi t2, s1, 7
    li   t3, 1
    sll  t3, t3, t2
    not  t3, t3
    and  t1, t1, t3
    sb   t1, 0(t0)
    mv   a0, s2
    FS_BWRITE
    mv   a0, s2
    call brelse
    EPILOGUE

# bmap(a0 = locked inode, a1 = file block index, a2 = alloc?) -> a0 = disk block, 0 (none,
# or the disk is full), or -1: the inode names a block outside the data area (EIO)
bmap:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    li   t0, NDIRECT
    bgeu s2, t0, 5f
    slli t0, s2, 2
    add  s4, s1, t0                     # &addrs[bn] - I_ADDRS
    lw   a0, I_ADDRS(s4)
    bnez a0, 90f
    beqz s3, 9f
    call balloc
    sw   a0, I_ADDRS(s4)
    j    9f
5:  addi s2, s2, -NDIRECT
    li   t0, 128
    bgeu s2, t0, 8f
    lw   s4, I_ADDRS + 4 * NDIRECT(s1)
    bnez s4, 51f
    beqz s3, 8f
    call balloc
    beqz a0, 8f
    mv   s4, a0
    sw   s4, I_ADDRS + 4 * NDIRECT(s1)
    j    6f
51: mv   a0, s4                         # an indirect block read from the disk
    call blockbad
    bnez a0, 91f
6:  mv   a0, s4
    call bread
    mv   s5, a0
    lw   t0, B_DATA(s5)
    slli t1, s2, 2
    add  s6, t0, t1
    lw   s7, 0(s6)
    bnez s7, 71f
    beqz s3, 7f
    call balloc
    mv   s7, a0
    beqz s7, 7f
    sw   s7, 0(s6)
    mv   a0, s5
    FS_BWRITE
7:  mv   a0, s5
    call brelse
    mv   a0, s7
    j    9f
71: mv   a0, s7                         # an entry of the indirect block
    call blockbad
    beqz a0, 7b
    mv   a0, s5
    call brelse
    mv   s4, s7
    j    91f
8:  li   a0, 0
9:  EPILOGUE
90: mv   s4, a0                         # a direct block read from the disk
    call blockbad
    bnez a0, 91f
    mv   a0, s4
    EPILOGUE
91: la   a0, msg_badblock               # s4 = the bad block number
    mv   a1, s4
    call fs_warn
    li   a0, -1
    EPILOGUE

# bfree_checked(a0 = block read from an inode): bfree it if it is a data block, else
# report it and leave the bitmap alone
bfree_checked:
    PROLOGUE
    mv   s1, a0
    call blockbad
    bnez a0, 1f
    mv   a0, s1
    call bfree
    EPILOGUE
1:  la   a0, msg_badblock
    mv   a1, s1
    call fs_warn
    EPILOGUE

# itrunc(a0 = locked inode): free every block, size 0.
itrunc:
    PROLOGUE
    mv   s1, a0
    li   s2, 0
1:  slli t0, s2, 2
    add  s3, s1, t0
    lw   a0, I_ADDRS(s3)
    beqz a0, 2f
    sw   zero, I_ADDRS(s3)
    call bfree_checked
2:  addi s2, s2, 1
    li   t0, NDIRECT
    blt  s2, t0, 1b
    lw   s4, I_ADDRS + 4 * NDIRECT(s1)
    beqz s4, 5f
    mv   a0, s4
    call blockbad
    beqz a0, 21f
    sw   zero, I_ADDRS + 4 * NDIRECT(s1) # a bad indirect block: forget it
    la   a0, msg_badblock
    mv   a1, s4
    call fs_warn
    j    5f
21: mv   a0, s4
    call bread
    mv   s5, a0
    li   s2, 0
3:  lw   t0, B_DATA(s5)
    slli t1, s2, 2
    add  t0, t0, t1
    lw   a0, 0(t0)
    beqz a0, 4f
    call bfree_checked
4:  addi s2, s2, 1
    li   t0, 128
    blt  s2, t0, 3b
    mv   a0, s5
    call brelse
    mv   a0, s4
    call bfree
    sw   zero, I_ADDRS + 4 * NDIRECT(s1)
5:  sw   zero, I_SIZE(s1)
    mv   a0, s1
    call iupdate
    EPILOGUE

# stati(a0 = locked inode, a1 = struct stat *, kernel)
stati:
    lhu  t0, I_TYPE(a0)
    sh   t0, 0(a1)
    lhu  t0, I_NLINK(a0)
    sh   t0, 2(a1)
    lw   t0, I_INUM(a0)
    sw   t0, 4(a1)
    lw   t0, I_SIZE(a0)
    sw   t0, 8(a1)
    sw   zero, 12(a1)
    ret

# readi(a0 = locked inode, a1 = user?, a2 = dst, a3 = off, a4 = n) -> bytes / -1 fault /
#   -EIO (the inode names a bad block and nothing was read)
readi:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    mv   s5, a4
    lw   t0, I_SIZE(s1)
    bgtu s4, t0, 8f
    add  t1, s4, s5
    bltu t1, s4, 1f                     # wrapped
    bleu t1, t0, 2f
1:  sub  s5, t0, s4
2:  li   s6, 0                          # total
3:  bgeu s6, s5, 7f
    mv   a0, s1
    srli a1, s4, 9
    li   a2, 0
    call bmap
    beqz a0, 7f
    li   t0, -1
    beq  a0, t0, 85f
    call bread
    mv   s7, a0
    andi t0, s4, 511
    li   t1, 512
    sub  s8, t1, t0                     # m = min(n - total, 512 - off % 512)
    sub  t1, s5, s6
    bleu s8, t1, 4f
    mv   s8, t1
4:  mv   a0, s2
    mv   a1, s3
    lw   a2, B_DATA(s7)
    add  a2, a2, t0
    mv   a3, s8
    call env_copyout
    mv   s2, s2
    sw   a0, 0(sp)
    mv   a0, s7
    call brelse
    lw   t0, 0(sp)
    bnez t0, 9f
    add  s6, s6, s8
    add  s4, s4, s8
    add  s3, s3, s8
    j    3b
7:  mv   a0, s6
    EPILOGUE
8:  li   a0, 0
    EPILOGUE
85: mv   a0, s6                         # a bad block: what was read, or -EIO
    bnez a0, 86f
    li   a0, -EIO
86: EPILOGUE
9:  li   a0, -1
    EPILOGUE

# writei(a0 = locked inode, a1 = user?, a2 = src, a3 = off, a4 = n)
#   -> bytes written, or -EINVAL / -EFBIG / -ENOSPC / -EFAULT / -EIO when nothing was written
writei:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    mv   s5, a4
    lw   t0, I_SIZE(s1)
    bgtu s4, t0, 81f
    add  t1, s4, s5
    bltu t1, s4, 81f
    li   t0, MAXFILE_BYTES
    bgtu t1, t0, 82f
    li   s6, 0
    li   t0, -ENOSPC
    sw   t0, 4(sp)                      # error if nothing gets written
3:  bgeu s6, s5, 7f
    mv   a0, s1
    srli a1, s4, 9
    li   a2, 1
    call bmap
    beqz a0, 7f
    li   t0, -1
    bne  a0, t0, 31f
    li   t0, -EIO
    sw   t0, 4(sp)
    j    7f
31: call bread
    mv   s7, a0
    andi t0, s4, 511
    li   t1, 512
    sub  s8, t1, t0
    sub  t1, s5, s6
    bleu s8, t1, 4f
    mv   s8, t1
4:  mv   a0, s2
    lw   a1, B_DATA(s7)
    add  a1, a1, t0
    mv   a2, s3
    mv   a3, s8
    call env_copyin
    sw   a0, 0(sp)
    bnez a0, 5f
    mv   a0, s7
    FS_BWRITE
5:  mv   a0, s7
    call brelse
    lw   t0, 0(sp)
    beqz t0, 6f
    li   t0, -EFAULT
    sw   t0, 4(sp)
    j    7f
6:  add  s6, s6, s8
    add  s4, s4, s8
    add  s3, s3, s8
    j    3b
7:  lw   t0, I_SIZE(s1)
    bleu s4, t0, 71f
    sw   s4, I_SIZE(s1)
71: mv   a0, s1
    call iupdate
    mv   a0, s6
    bnez s6, 72f
    beqz s5, 72f
    lw   a0, 4(sp)
72: EPILOGUE
81: li   a0, -EINVAL
    EPILOGUE
82: li   a0, -EFBIG
    EPILOGUE

# dirlookup(a0 = locked dir, a1 = name, a2 = &off or 0) -> a0 = inode (unlocked), or 0
# with namei_errno = ENOENT (no such entry), ENFILE (no free in-memory inode) or EIO (the
# entry names an inode number past the table)
dirlookup:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    li   s4, 0
1:  lw   t0, I_SIZE(s1)
    bgeu s4, t0, 8f
    mv   a0, s1
    li   a1, 0
    mv   a2, sp                         # struct dirent at 0(sp)
    mv   a3, s4
    li   a4, 16
    call readi
    li   t0, 16
    bne  a0, t0, 8f
    lhu  t0, 0(sp)
    beqz t0, 2f
    mv   a0, s2
    addi a1, sp, 2
    li   a2, DIRSIZ
    call strncmp
    bnez a0, 2f
    beqz s3, 3f
    sw   s4, 0(s3)
3:  lhu  s5, 0(sp)
    la   t0, sb_ninodes                 # an inode number from the disk
    lw   t0, 0(t0)
    bgeu s5, t0, 4f
    mv   a0, s5
    call iget                           # 0 with namei_errno = ENFILE if none is free
    EPILOGUE
4:  la   a0, msg_badinum
    mv   a1, s5
    call fs_warn
    la   t0, namei_errno
    li   t1, EIO
    sw   t1, 0(t0)
    li   a0, 0
    EPILOGUE
2:  addi s4, s4, 16
    j    1b
8:  la   t0, namei_errno
    li   t1, ENOENT
    sw   t1, 0(t0)
    li   a0, 0
    EPILOGUE

# dirlink(a0 = locked dir, a1 = name, a2 = inum) -> 0 / -EEXIST / -ENOSPC / -ENFILE / -EIO
dirlink:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    li   a2, 0
    call dirlookup
    beqz a0, 1f
    call iput
    li   a0, -EEXIST
    EPILOGUE
1:  la   t0, namei_errno                # ENFILE, EIO: cannot tell whether it exists
    lw   t0, 0(t0)
    li   t1, ENOENT
    beq  t0, t1, 11f
    neg  a0, t0
    EPILOGUE
11: li   s4, 0                          # find a free slot (or the end)
2:  lw   t0, I_SIZE(s1)
    bgeu s4, t0, 4f
    mv   a0, s1
    li   a1, 0
    mv   a2, sp
    mv   a3, s4
    li   a4, 16
    call readi
    lhu  t0, 0(sp)
    beqz t0, 4f
    addi s4, s4, 16
    j    2b
4:  mv   a0, sp
    li   a1, 0
    li   a2, 16
    call memset
    sh   s3, 0(sp)
    li   t0, 0                          # copy at most 14 name bytes
5:  add  t1, s2, t0
    lbu  t1, 0(t1)
    beqz t1, 6f
    add  t2, sp, t0
    sb   t1, 2(t2)
    addi t0, t0, 1
    li   t1, DIRSIZ
    blt  t0, t1, 5b
6:  mv   a0, s1
    li   a1, 0
    mv   a2, sp
    mv   a3, s4
    li   a4, 16
    call writei
    li   t0, 16
    bne  a0, t0, 7f
    li   a0, 0
    EPILOGUE
7:  li   a0, -ENOSPC
    EPILOGUE

# skipelem(a0 = path, a1 = name[16]) -> a0 = rest of the path, 0 if no element, or -1 if
# the element is longer than DIRSIZ
skipelem:
    PROLOGUE
    mv   s2, a1
1:  lbu  t0, 0(a0)                      # skip slashes
    li   t1, '/'
    bne  t0, t1, 2f
    addi a0, a0, 1
    j    1b
2:  beqz t0, 9f
    mv   s1, a0                         # start of the element
3:  lbu  t0, 0(a0)
    beqz t0, 4f
    li   t1, '/'
    beq  t0, t1, 4f
    addi a0, a0, 1
    j    3b
4:  mv   s3, a0
    sub  a2, a0, s1                     # length: more than 14 is an error, never
    li   t0, DIRSIZ                     # silently truncated
    bgtu a2, t0, 8f
    mv   s4, a2
    mv   a0, s2
    li   a1, 0
    li   a2, 16
    call memset
    mv   a0, s2
    mv   a1, s1
    mv   a2, s4
    call memmove
    mv   a0, s3
6:  lbu  t0, 0(a0)
    li   t1, '/'
    bne  t0, t1, 7f
    addi a0, a0, 1
    j    6b
7:  EPILOGUE
8:  li   a0, -1
    EPILOGUE
9:  li   a0, 0
    EPILOGUE

# namex(a0 = path, a1 = parent?, a2 = name[16]) -> a0 = inode (unlocked) or 0, with
# namei_errno = ENOENT, ENOTDIR, ENAMETOOLONG, ENFILE or EIO (read it before anything can
# sleep)
namex:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    lbu  t0, 0(s1)
    li   t1, '/'
    bne  t0, t1, 1f
    li   a0, 1
    call iget
    mv   s4, a0
    bnez a0, 2f
    EPILOGUE                            # no free in-memory inode (ENFILE)
1:  call env_cwd
    call idup
    mv   s4, a0
2:  mv   a0, s1
    mv   a1, s3
    call skipelem
    beqz a0, 7f
    li   t0, -1
    beq  a0, t0, 71f
    mv   s1, a0
    mv   a0, s4
    call ilock
    lhu  t0, I_TYPE(s4)
    li   t1, T_DIR
    bne  t0, t1, 81f
    beqz s2, 3f
    lbu  t0, 0(s1)
    bnez t0, 3f
    mv   a0, s4                         # parent wanted and this is the last element
    call iunlock
    mv   a0, s4
    EPILOGUE
3:  mv   a0, s4
    mv   a1, s3
    li   a2, 0
    call dirlookup
    beqz a0, 8f
    mv   s5, a0
    mv   a0, s4
    call iunlockput
    mv   s4, s5
    j    2b
7:  beqz s2, 6f
    mv   a0, s4
    call iput
    la   t0, namei_errno
    li   t1, ENOENT
    sw   t1, 0(t0)
    li   a0, 0
    EPILOGUE
6:  mv   a0, s4
    EPILOGUE
71: mv   a0, s4                         # a path element longer than DIRSIZ
    call iput
    la   t0, namei_errno
    li   t1, ENAMETOOLONG
    sw   t1, 0(t0)
    li   a0, 0
    EPILOGUE
81: li   s5, ENOTDIR                    # a path element is not a directory
    j    82f
8:  la   t0, namei_errno                # ENOENT, or ENFILE from iget
    lw   s5, 0(t0)
82: mv   a0, s4
    call iunlockput
    la   t0, namei_errno
    sw   s5, 0(t0)
    li   a0, 0
    EPILOGUE

namei:
    PROLOGUE
    li   a1, 0
    mv   a2, sp
    call namex
    EPILOGUE

# nameiparent(a0 = path, a1 = name[16]) -> parent inode or 0
nameiparent:
    PROLOGUE
    mv   a2, a1
    li   a1, 1
    call namex
    EPILOGUE

.rodata
msg_nofs:     .asciz "no RVFS file system on the disk (build one with ringvm mkfs)"
msg_sb_size:  .asciz "bad RVFS superblock: size out of range (3 .. 8388608 blocks)"
msg_sb_ninodes: .asciz "bad RVFS superblock: ninodes out of range"
msg_sb_inodestart: .asciz "bad RVFS superblock: inodestart is not 2"
msg_sb_bmapstart: .asciz "bad RVFS superblock: bmapstart is not inodestart + inode blocks"
msg_sb_datastart: .asciz "bad RVFS superblock: datastart is not bmapstart + bitmap blocks, below size"
msg_sb_log:   .asciz "bad RVFS superblock: the log (logstart, nlog) is not right after the bitmap, or too small"
msg_sb_nblocks: .asciz "bad RVFS superblock: nblocks is not size - datastart"
msg_sb_disk:  .asciz "bad RVFS superblock: size is past the end of the disk"
msg_badblock: .asciz "fs: I/O error: an inode names a block outside the data area: "
msg_badinum:  .asciz "fs: I/O error: a directory entry names a missing inode: "
.data
    .balign 4
namei_errno:   .word 0
sb_magic:      .word 0
sb_size:       .word 0
sb_nblocks:    .word 0
sb_ninodes:    .word 0
sb_inodestart: .word 0
sb_bmapstart:  .word 0
sb_datastart:  .word 0
sb_logstart:   .word 0
sb_nlog:       .word 0
.bss
    .balign 16
itable: .space NINODE * INODE_SIZE
.text
