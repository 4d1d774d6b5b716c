# bio.s — buffer cache (shared component).
#
# Concept: a cache of disk blocks in memory, each buffer owned by one process at a
# time (a sleep lock: a process that wants a busy buffer sleeps on it), recycled in
# least-recently-used order (file systems seed, xv6 bio.c). bwrite writes through to
# the disk at once; a kernel with the write-ahead log (log.s) instead pins a modified
# buffer until its transaction is installed, so the cache then holds dirty data that
# only the log's commit writes.
#
# struct buf (32 bytes): blockno, valid, busy (0 free, 1 locked, 2 locked and wanted),
# lastuse, data (kseg, 512 bytes), pinned (1: holds a logged change not yet on the disk,
# log.s; never recycled until unpinned).
# Provides: binit(), bread(a0 = blockno) -> a0 = locked buffer, bwrite(a0 = buf),
#   brelse(a0 = buf), bprobe(a0 = blockno) -> 0 / -1, bpin(a0 = buf), bunpin(a0 = buf),
#   B_DATA (offset of the data pointer in a buffer), B_BLOCKNO
# Needs: disk_rw, env_sleep, env_wakeup, env_panic; kframe.inc, config.inc
# Parameters: NBUF (buffers, default 32)

PARAM NBUF, 32

.equ B_BLOCKNO, 0
.equ B_VALID, 4
.equ B_BUSY, 8
.equ B_LASTUSE, 12
.equ B_DATA, 16
.equ B_PIN, 20

binit:
    la   t0, bufs
    la   t1, bufdata
    li   t2, NBUF
    li   t3, -1
1:  sw   t3, B_BLOCKNO(t0)
    sw   t1, B_DATA(t0)
    addi t0, t0, 32
    addi t1, t1, 512
    addi t2, t2, -1
    bnez t2, 1b
    ret

# bget(a0 = blockno) -> a0 = locked buffer (maybe not valid)
bget:
    PROLOGUE
    mv   s1, a0
1:  la   s2, bufs
    li   s3, NBUF
2:  lw   t0, B_BLOCKNO(s2)
    bne  t0, s1, 4f
    lw   t0, B_BUSY(s2)
    beqz t0, 3f
    li   t0, 2                          # busy and wanted: brelse must wake us
    sw   t0, B_BUSY(s2)
    mv   a0, s2
    call env_sleep
    j    1b
3:  li   t0, 1
    sw   t0, B_BUSY(s2)
    mv   a0, s2
    EPILOGUE
4:  addi s2, s2, 32
    addi s3, s3, -1
    bnez s3, 2b
    la   s2, bufs                       # not cached: the LRU free buffer
    li   s3, NBUF
    li   s4, 0
5:  lw   t0, B_BUSY(s2)
    bnez t0, 6f
    lw   t0, B_PIN(s2)
    bnez t0, 6f
    beqz s4, 55f
    lw   t0, B_LASTUSE(s2)
    lw   t1, B_LASTUSE(s4)
    bgeu t0, t1, 6f
55: mv   s4, s2
6:  addi s2, s2, 32
    addi s3, s3, -1
    bnez s3, 5b
    bnez s4, 7f
    la   t0, bufs_wanted                # every buffer busy: wait for a brelse
    li   t1, 1
    sw   t1, 0(t0)
    la   a0, bufs
    call env_sleep
    j    1b
7:  sw   s1, B_BLOCKNO(s4)
    sw   zero, B_VALID(s4)
    li   t0, 1
    sw   t0, B_BUSY(s4)
    mv   a0, s4
    EPILOGUE

bread:
    PROLOGUE
    call bget
    mv   s1, a0
    lw   t0, B_VALID(s1)
    bnez t0, 1f
    lw   a0, B_BLOCKNO(s1)
    lw   a1, B_DATA(s1)
    li   a2, 1
    li   a3, 0
    call disk_rw
    bnez a0, 9f
    li   t0, 1
    sw   t0, B_VALID(s1)
1:  mv   a0, s1
    EPILOGUE
9:  la   a0, msg_bio_err
    call env_panic

# bprobe(a0 = blockno) -> a0 = 0 if the disk can read the block, -1 if it refuses (no
# panic: a mount checks that a superblock's size fits the disk). The block stays cached.
bprobe:
    PROLOGUE
    call bget
    mv   s1, a0
    li   s2, 0
    lw   t0, B_VALID(s1)
    bnez t0, 1f
    lw   a0, B_BLOCKNO(s1)
    lw   a1, B_DATA(s1)
    li   a2, 1
    li   a3, 0
    call disk_rw
    mv   s2, a0
    bnez s2, 1f
    li   t0, 1
    sw   t0, B_VALID(s1)
1:  mv   a0, s1
    call brelse
    mv   a0, s2
    EPILOGUE

bwrite:
    PROLOGUE
    mv   s1, a0
    lw   a0, B_BLOCKNO(s1)
    lw   a1, B_DATA(s1)
    li   a2, 1
    li   a3, 1
    call disk_rw
    bnez a0, 9f
    EPILOGUE
9:  la   a0, msg_bio_err
    call env_panic

# bpin(a0 = buf) / bunpin(a0 = buf): keep a buffer cached (log.s). Leaves.
bpin:
    li   t0, 1
    sw   t0, B_PIN(a0)
    ret
bunpin:
    sw   zero, B_PIN(a0)
    ret

brelse:
    PROLOGUE
    lw   t2, B_BUSY(a0)
    sw   zero, B_BUSY(a0)
    la   t0, bclock
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    sw   t1, B_LASTUSE(a0)
    li   t1, 2
    bne  t2, t1, 2f
    call env_wakeup
2:
    la   t0, bufs_wanted
    lw   t1, 0(t0)
    beqz t1, 1f
    sw   zero, 0(t0)
    la   a0, bufs
    call env_wakeup
1:  EPILOGUE

.rodata
msg_bio_err: .asciz "disk I/O error (is a disk attached? --disk IMG)"
.data
    .balign 4
bclock: .word 0
bufs_wanted: .word 0
.bss
    .balign 16
bufs:    .space NBUF * 32
bufdata: .space NBUF * 512
.text
