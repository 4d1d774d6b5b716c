# log.s — write-ahead log: every system call's disk writes happen all or not at all.
#
# Concept: crash consistency by logging (file systems seed, xv6 log.c): a system call
# brackets its file-system work with begin_op/end_op; inside, log_write records a
# modified buffer instead of writing it (the buffer stays pinned in the cache). When the
# last outstanding operation ends (group commit), the modified blocks are copied to the
# log area, the log header is written with their count — the commit point, one sector
# write — then each block is installed at its home and the header is cleared. A crash
# before the commit point loses the operations; after it, recovery at boot installs them
# again. Either way the file system is as after some whole set of system calls.
#
# On disk (superblock fields logstart, nlog): block logstart is the header (u32 n, then
# n u32 home block numbers), blocks logstart+1 .. logstart+LOGSIZE the logged copies.
# A superblock with nlog = 0 has no log: log_write writes through (the old behaviour).
#
# begin_op reserves MAXOPBLOCKS for the caller and waits while the log could not hold
# every outstanding operation's worst case or while a commit runs; an operation must
# dirty at most MAXOPBLOCKS distinct blocks (a large write is split into several).
#
# Provides: initlog, begin_op, end_op, log_write
# Needs: bread, bwrite, brelse, bpin, bunpin, B_DATA, B_BLOCKNO, env_sleep, env_wakeup,
#   env_panic, memmove; kframe.inc, config.inc
# Parameters: LOGSIZE (logged blocks, default 30), MAXOPBLOCKS (blocks one operation may
#   dirty, default 10)

PARAM LOGSIZE, 30
PARAM MAXOPBLOCKS, 10

# initlog(a0 = logstart, a1 = nlog, a2 = disk size in blocks) -> 0, or -1 if the log is
# too small (nlog <= LOGSIZE but not 0): use the log, or none (nlog = 0), and recover:
# install a committed transaction a crash left.
initlog:
    PROLOGUE
    la   t0, log_start
    sw   a0, 0(t0)
    mv   s3, a2
    beqz a1, 9f
    li   t0, LOGSIZE
    bgtu a1, t0, 7f
    li   a0, -1
    EPILOGUE
7:
    li   t0, 1
    la   t1, log_active
    sw   t0, 0(t1)
    call bread                          # the header
    mv   s1, a0
    lw   s2, B_DATA(s1)
    lw   t0, 0(s2)                      # n, from the disk: untrusted
    li   t1, LOGSIZE
    bgtu t0, t1, 8f
    li   t1, 0
1:  bgeu t1, t0, 2f                     # every home block inside the disk, past block 1
    slli t2, t1, 2
    add  t2, t2, s2
    lw   t2, 4(t2)
    li   t3, 2
    bltu t2, t3, 8f
    bgeu t2, s3, 8f
    addi t1, t1, 1
    j    1b
2:  la   t1, log_n
    sw   t0, 0(t1)
    la   a0, log_block
    addi a1, s2, 4
    slli a2, t0, 2
    call memmove
    mv   a0, s1
    call brelse
    li   a0, 1
    call install_trans                  # redo a committed transaction
    la   t0, log_n
    sw   zero, 0(t0)
    call write_head
9:  li   a0, 0
    EPILOGUE
8:  mv   a0, s1                         # a corrupt header: nothing to install
    call brelse
    la   t0, log_n
    sw   zero, 0(t0)
    call write_head
    li   a0, 0
    EPILOGUE

# begin_op(): start a file-system operation (may sleep).
begin_op:
    PROLOGUE
1:  la   t0, log_committing
    lw   t0, 0(t0)
    bnez t0, 2f
    la   t0, log_outstanding
    lw   t2, 0(t0)
    addi t2, t2, 1
    li   t3, MAXOPBLOCKS
    mul  t3, t2, t3
    la   t1, log_n
    lw   t1, 0(t1)
    add  t3, t3, t1
    li   t4, LOGSIZE
    bgtu t3, t4, 2f
    sw   t2, 0(t0)
    EPILOGUE
2:  la   a0, log_n                      # the channel of the log
    call env_sleep
    j    1b

# end_op(): end an operation; the last one out commits them all.
end_op:
    PROLOGUE
    la   t0, log_outstanding
    lw   t1, 0(t0)
    addi t1, t1, -1
    sw   t1, 0(t0)
    bnez t1, 5f
    la   t0, log_committing
    li   t1, 1
    sw   t1, 0(t0)
    call commit
    la   t0, log_committing
    sw   zero, 0(t0)
5:  la   a0, log_n                      # room in the log, or the commit is over
    call env_wakeup
    EPILOGUE

# log_write(a0 = locked buffer): record it in the current transaction (in place of
# bwrite); written at commit. With no log: bwrite.
log_write:
    la   t0, log_active
    lw   t0, 0(t0)
    bnez t0, 1f
    j    bwrite
1:  PROLOGUE
    mv   s1, a0
    lw   t0, B_BLOCKNO(s1)
    la   t1, log_block
    la   t2, log_n
    lw   t2, 0(t2)
    li   t3, 0
2:  bgeu t3, t2, 3f                     # already in this transaction: absorbed
    slli t4, t3, 2
    add  t4, t4, t1
    lw   t4, 0(t4)
    beq  t4, t0, 9f
    addi t3, t3, 1
    j    2b
3:  li   t4, LOGSIZE
    bgeu t2, t4, 8f
    slli t4, t2, 2
    add  t4, t4, t1
    sw   t0, 0(t4)
    addi t2, t2, 1
    la   t4, log_n
    sw   t2, 0(t4)
    mv   a0, s1
    call bpin
9:  EPILOGUE
8:  la   a0, msg_log_full
    call env_panic

# commit(): write the log, the header (the commit point), install, clear the header.
commit:
    PROLOGUE
    la   t0, log_n
    lw   t0, 0(t0)
    beqz t0, 9f
    call write_log
    call write_head
    li   a0, 0
    call install_trans
    la   t0, log_n
    sw   zero, 0(t0)
    call write_head
9:  EPILOGUE

# write_log(): copy each logged block from the cache to its slot in the log area
write_log:
    PROLOGUE
    li   s1, 0
1:  la   t0, log_n
    lw   t0, 0(t0)
    bgeu s1, t0, 9f
    la   t0, log_start
    lw   a0, 0(t0)
    add  a0, a0, s1
    addi a0, a0, 1
    call bread
    mv   s2, a0
    la   t0, log_block
    slli t1, s1, 2
    add  t0, t0, t1
    lw   a0, 0(t0)
    call bread
    mv   s3, a0
    lw   a0, B_DATA(s2)
    lw   a1, B_DATA(s3)
    li   a2, 512
    call memmove
    mv   a0, s2
    call bwrite
    mv   a0, s2
    call brelse
    mv   a0, s3
    call brelse
    addi s1, s1, 1
    j    1b
9:  EPILOGUE

# write_head(): the header on the disk = log_n and log_block (one sector: atomic)
write_head:
    PROLOGUE
    la   t0, log_start
    lw   a0, 0(t0)
    call bread
    mv   s1, a0
    lw   s2, B_DATA(s1)
    la   t0, log_n
    lw   t1, 0(t0)
    sw   t1, 0(s2)
    addi a0, s2, 4
    la   a1, log_block
    slli a2, t1, 2
    call memmove
    mv   a0, s1
    call bwrite
    mv   a0, s1
    call brelse
    EPILOGUE

# install_trans(a0 = recovering?): copy each logged block to its home; unpin it unless
# recovering (recovery reads the log from the disk, nothing is pinned)
install_trans:
    PROLOGUE
    mv   s4, a0
    li   s1, 0
1:  la   t0, log_n
    lw   t0, 0(t0)
    bgeu s1, t0, 9f
    la   t0, log_start
    lw   a0, 0(t0)
    add  a0, a0, s1
    addi a0, a0, 1
    call bread
    mv   s2, a0
    la   t0, log_block
    slli t1, s1, 2
    add  t0, t0, t1
    lw   a0, 0(t0)
    call bread
    mv   s3, a0
    lw   a0, B_DATA(s3)
    lw   a1, B_DATA(s2)
    li   a2, 512
    call memmove
    mv   a0, s3
    call bwrite
    bnez s4, 2f
    mv   a0, s3
    call bunpin
2:  mv   a0, s2
    call brelse
    mv   a0, s3
    call brelse
    addi s1, s1, 1
    j    1b
9:  EPILOGUE

.rodata
msg_log_full: .asciz "log: an operation dirtied more than the log holds"
.data
    .balign 4
log_active:      .word 0
log_start:       .word 0
log_n:           .word 0
log_outstanding: .word 0
log_committing:  .word 0
log_block:       .space LOGSIZE * 4
.text
