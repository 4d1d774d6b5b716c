# dmawild.s — a broken guest kernel for the hypervisor's DMA-isolation tests: it asks
# its disk to read two sectors into the last 512 bytes of its RAM, so the second one
# would land past the end. A real device answers ERROR for a DMA range outside RAM
# (ISA.md §9); so must the emulated one, for a range outside the VM's RAM — otherwise
# the transfer overwrites memory that is not the VM's. Polls the status and says which.

.include "ringvm.inc"

.text
.global _start
_start:
    la   sp, stack_top
    la   a0, s_hello
    call kputs
    li   t0, SYSCTL_RAMSIZE
    lw   t1, 0(t0)
    li   t0, DISK_BASE + KSEG
    sw   zero, DISK_OFF_CTRL(t0)        # no interrupt: polled
    sw   zero, DISK_OFF_SECTOR(t0)
    addi t1, t1, -512
    sw   t1, DISK_OFF_ADDR(t0)
    li   t1, 2
    sw   t1, DISK_OFF_COUNT(t0)
    li   t1, 1                          # READ
    sw   t1, DISK_OFF_CMD(t0)
1:  lw   t1, DISK_OFF_STATUS(t0)
    li   t2, 1                          # BUSY
    beq  t1, t2, 1b
    li   t2, 3                          # ERROR
    bne  t1, t2, 2f
    la   a0, s_refused
    call kputs
    li   a0, 0
    call khalt
2:  la   a0, s_done
    call kputs
    li   a0, 1
    call khalt

.include "base/kprint.s"

.rodata
s_hello:   .asciz "dmawild: reading two sectors into the last 512 bytes of my RAM\n"
s_refused: .asciz "dmawild: the disk said ERROR: the DMA stayed in my RAM\n"
s_done:    .asciz "dmawild: the disk said DONE: it wrote past the end of my RAM\n"
.bss
    .balign 16
stack:     .space 1024
stack_top:
