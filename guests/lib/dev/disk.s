# disk.s — interrupt-driven DMA block driver (shared component).
#
# Concept: a block device driver that never busy-waits (device drivers seed): callers
# append a request to a FIFO queue and sleep; the device works on the head request by
# DMA, and its completion interrupt (DISK line) records the status, wakes the owner and
# starts the next request — the classic top half / bottom half split.
#
# Provides: disk_init(a0 = 1 if present), disk_rw(a0 = sector, a1 = buffer, a2 = sectors,
#   a3 = 1 write / 0 read) -> 0 / -1, disk_intr() (from the DISK interrupt), disk_poll()
#   (instead, on a CPU the DISK interrupt does not reach: called periodically; with
#   DISK_POLL = 1)
# Needs: env_sleep, env_wakeup, env_v2p (DMA addresses); kframe.inc, config.inc
# Parameters: DISK_REGS (address of the device's registers, default its kseg address;
#   a user-level driver maps the device page elsewhere), DISK_POLL (1: assemble
#   disk_poll; default 0)

PARAM DISK_REGS, DISK_BASE + KSEG
PARAM DISK_POLL, 0

# disk_init(a0 = 1 if the device is present): with no disk every request fails.
disk_init:
    la   t0, disk_present
    sw   a0, 0(t0)
    beqz a0, 1f
    li   t0, DISK_REGS + DISK_OFF_CTRL
    li   t1, DISK_CTRL_IE               # completion interrupt on
    sw   t1, 0(t0)
1:  ret

# A request lives in the caller's frame while it sleeps (6 words): next, sector,
# physical buffer address, sectors, write?, status (0 while pending, then the device's DONE / ERROR).
.equ RQ_NEXT, 0
.equ RQ_SECTOR, 4
.equ RQ_BUF, 8
.equ RQ_COUNT, 12
.equ RQ_WRITE, 16
.equ RQ_STATUS, 20

# disk_rw(a0 = sector, a1 = kseg buffer, a2 = sectors, a3 = 1 write / 0 read)
#   -> 0 / -1 (device error or no disk). Queues the request (FIFO), starts it if the
#   device is idle, and sleeps until the completion interrupt has finished it.
disk_rw:
    PROLOGUE
    la   t0, disk_present
    lw   t0, 0(t0)
    bnez t0, 1f
    li   a0, -1
    EPILOGUE
1:  mv   s1, a0
    mv   s2, a2
    mv   s3, a3
    mv   a0, a1
    call env_v2p                        # the device does DMA to physical addresses
    sw   zero, RQ_NEXT(sp)
    sw   s1, RQ_SECTOR(sp)
    sw   a0, RQ_BUF(sp)
    sw   s2, RQ_COUNT(sp)
    sw   s3, RQ_WRITE(sp)
    sw   zero, RQ_STATUS(sp)
    la   t0, disk_qhead                 # append
    lw   t1, 0(t0)
    bnez t1, 2f
    sw   sp, 0(t0)                      # queue was empty: start at once
    sw   sp, 4(t0)
    mv   a0, sp
    call disk_start
    j    3f
2:  lw   t1, 4(t0)                      # tail->next = us
    sw   sp, RQ_NEXT(t1)
    sw   sp, 4(t0)
3:  lw   t0, RQ_STATUS(sp)
    bnez t0, 4f
    mv   a0, sp
    call env_sleep
    j    3b
4:  li   a0, 0
    li   t1, DISK_STATUS_DONE
    beq  t0, t1, 5f
    li   a0, -1
5:  EPILOGUE

# disk_start(a0 = request): program the DMA (leaf).
disk_start:
    li   t0, DISK_REGS
    lw   t1, RQ_SECTOR(a0)
    sw   t1, DISK_OFF_SECTOR(t0)
    lw   t1, RQ_BUF(a0)
    sw   t1, DISK_OFF_ADDR(t0)          # physical (env_v2p)
    lw   t1, RQ_COUNT(a0)
    sw   t1, DISK_OFF_COUNT(t0)
    lw   t1, RQ_WRITE(a0)
    addi t1, t1, DISK_CMD_READ
    sw   t1, DISK_OFF_CMD(t0)           # READ, or WRITE (= READ + 1)
    la   t0, stat_disk_ops
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    ret

# disk_intr(): the head request completed: record its status, wake its owner, start
# the next one.
disk_intr:
    PROLOGUE
    li   t0, DISK_REGS + DISK_OFF_STATUS
    lw   s1, 0(t0)
    li   t0, DISK_REGS + DISK_OFF_ACK
    sw   zero, 0(t0)
    la   t0, disk_qhead
    lw   a0, 0(t0)
    beqz a0, 9f                         # spurious
    lw   t1, RQ_NEXT(a0)
    sw   t1, 0(t0)
    li   t2, DISK_STATUS_DONE           # anything but ERROR counts as DONE
    li   t3, DISK_STATUS_ERROR
    beq  s1, t3, 1f
    mv   s1, t2
1:  sw   s1, RQ_STATUS(a0)
    call env_wakeup
    la   t0, disk_qhead
    lw   a0, 0(t0)
    beqz a0, 9f
    call disk_start
9:  EPILOGUE

# disk_poll(): for a driver on a CPU the DISK interrupt does not reach (it goes to CPU
# 0, ISA.md §9), called periodically: if the head request has finished, complete it as
# the interrupt would (disk_intr). Assembled only with DISK_POLL = 1.
.if DISK_POLL
disk_poll:
    la   t0, disk_qhead
    lw   t0, 0(t0)
    beqz t0, 1f
    li   t0, DISK_REGS + DISK_OFF_STATUS
    lw   t0, 0(t0)
    li   t1, DISK_STATUS_DONE
    bgeu t0, t1, disk_intr              # DONE or ERROR (not IDLE, not BUSY)
1:  ret
.endif

.data
    .balign 4
disk_present:  .word 0
disk_qhead:    .word 0, 0                # request queue: head, tail
stat_disk_ops: .word 0
.text
