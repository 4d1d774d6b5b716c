# disk.s — interrupt-driven DMA block driver (shared component).
#
# Concept: a block device driver that never busy-waits (device drivers seed): the
# caller programs one DMA request and sleeps; the completion interrupt (DISK line)
# records the status and wakes it. Requests queue by sleeping on disk_busy until the
# device is free (one request in flight, FIFO-ish by wakeup order).
#
# Needs: sleep(chan), wakeup(chan), kframe.inc.

# disk_init(a0 = 1 if the device is present): with no disk every request fails.
disk_init:
    la   t0, disk_present
    sw   a0, 0(t0)
    beqz a0, 1f
    li   t0, DISK_CTRL
    li   t1, 1                          # completion interrupt on
    sw   t1, 0(t0)
1:  ret

# disk_rw(a0 = sector, a1 = kseg buffer, a2 = sectors, a3 = 1 write / 0 read)
#   -> 0 / -1 (device error)
disk_rw:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    mv   s4, a3
    la   t0, disk_present
    lw   t0, 0(t0)
    bnez t0, 1f
    li   a0, -1
    EPILOGUE
1:  la   t0, disk_busy
    lw   t1, 0(t0)
    beqz t1, 2f
    mv   a0, t0
    call sleep
    j    1b
2:  li   t1, 1
    sw   t1, 0(t0)
    la   t0, disk_done
    sw   zero, 0(t0)
    li   t0, DISK_BASE + KSEG           # SECTOR
    sw   s1, 0(t0)
    li   t1, KSEG
    sub  t1, s2, t1
    sw   t1, 4(t0)                      # ADDR (physical)
    sw   s3, 8(t0)                      # COUNT
    addi t1, s4, 1
    sw   t1, 12(t0)                     # CMD: 1 read, 2 write
    la   t0, stat_disk_ops
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
3:  la   a0, disk_done
    lw   t0, 0(a0)
    bnez t0, 4f
    call sleep
    j    3b
4:  la   t0, disk_status
    lw   s5, 0(t0)
    la   a0, disk_busy
    sw   zero, 0(a0)
    call wakeup
    li   a0, 0
    li   t0, 2                          # DONE
    beq  s5, t0, 5f
    li   a0, -1
5:  EPILOGUE

# disk_intr(): completion.
disk_intr:
    PROLOGUE
    li   t0, DISK_STATUS
    lw   t1, 0(t0)
    la   t0, disk_status
    sw   t1, 0(t0)
    li   t0, DISK_ACK
    sw   zero, 0(t0)
    la   a0, disk_done
    li   t1, 1
    sw   t1, 0(a0)
    call wakeup
    EPILOGUE

.data
    .balign 4
disk_busy:     .word 0
disk_present:  .word 0
disk_done:     .word 0
disk_status:   .word 0
stat_disk_ops: .word 0
.text
