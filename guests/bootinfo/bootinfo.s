# bootinfo.s — print what the firmware handed this kernel, then use two disks.
#
# Concept: the boot-info page (ISA.md §11), the contract between the loader and the
# first kernel — multiboot's information structure, L4's bootinfo, Xen's start_info. A
# kernel learns the machine's shape, its devices and its boot modules from it instead
# of from constants: a microkernel finds its servers there, a hypervisor its VM images.
#
# Prints the header, one line per device and per module (a raw module with its size and
# byte sum, an ELF module with its entry), then, if two disks are attached, copies
# sector 0 of `disk` to `disk1` by polled DMA and reads it back to check it. Halts 0, or
# 1 if the page is not there or the copy reads back wrong.

.include "ringvm.inc"

.equ BUF, 0x00100000            # physical DMA buffers, 1 MiB up: past this image and
.equ BUF2, 0x00100200           # any small module

.text
.global _start
_start:
    la   sp, stack_top
    li   s0, BOOTINFO
    lw   t0, BI_MAGIC(s0)
    li   t1, BOOTINFO_MAGIC
    beq  t0, t1, 1f
    la   a0, s_nomagic
    call kputs
    li   a0, 1
    call khalt
1:  la   a0, s_head
    call kputs
    lw   a0, BI_VERSION(s0)
    call kputdec
    la   a0, s_cpus
    call kputs
    lw   a0, BI_NCPUS(s0)
    call kputdec
    la   a0, s_ram
    call kputs
    lw   a0, BI_RAMSIZE(s0)
    call kputdec
    la   a0, s_free
    call kputs
    lw   a0, BI_FREE(s0)
    call kputhex
    li   a0, '\n'
    call kputc

    # devices: name, base, irq
    lw   s1, BI_DEVICES(s0)
    add  s1, s1, s0             # first entry
    lw   s2, BI_NDEVICES(s0)
2:  beqz s2, 4f
    la   a0, s_dev
    call kputs
    addi a0, s1, BI_DEV_NAME
    call kputs
    li   a0, ' '
    call kputc
    lw   a0, BI_DEV_BASE(s1)
    call kputhex
    la   a0, s_irq
    call kputs
    lw   a0, BI_DEV_IRQ(s1)
    li   t0, -1
    bne  a0, t0, 3f
    la   a0, s_none
    call kputs
    j    5f
3:  call kputdec
5:  li   a0, '\n'
    call kputc
    addi s1, s1, BI_DEV_SIZE
    addi s2, s2, -1
    j    2b

    # modules: name, [start, end), ELF entry or raw size and byte sum
4:  lw   s1, BI_MODULES(s0)
    add  s1, s1, s0
    lw   s2, BI_NMODULES(s0)
6:  beqz s2, 9f
    la   a0, s_mod
    call kputs
    addi a0, s1, BI_MOD_NAME
    call kputs
    li   a0, ' '
    call kputc
    lw   a0, BI_MOD_START(s1)
    call kputhex
    li   a0, '-'
    call kputc
    lw   a0, BI_MOD_END(s1)
    call kputhex
    lw   t0, BI_MOD_FLAGS(s1)
    andi t0, t0, BI_MODF_ELF
    beqz t0, 7f
    la   a0, s_elf
    call kputs
    lw   a0, BI_MOD_ENTRY(s1)
    call kputhex
    j    8f
7:  la   a0, s_raw
    call kputs
    lw   s3, BI_MOD_START(s1)
    lw   s4, BI_MOD_END(s1)
    sub  a0, s4, s3
    call kputdec
    la   a0, s_sum
    call kputs
    li   t0, KSEG               # sum the bytes through kseg
    add  s3, s3, t0
    add  s4, s4, t0
    li   a0, 0
10: bgeu s3, s4, 11f
    lbu  t1, 0(s3)
    add  a0, a0, t1
    addi s3, s3, 1
    j    10b
11: call kputdec
8:  li   a0, '\n'
    call kputc
    addi s1, s1, BI_MOD_SIZE
    addi s2, s2, -1
    j    6b

    # two disks: copy sector 0 of disk to disk1, read it back, compare
9:  lw   t0, BI_NDISKS(s0)
    li   t1, 2
    blt  t0, t1, done
    li   a0, DISK_BASE + KSEG
    li   a1, BUF
    li   a3, DISK_CMD_READ
    call disk_io
    li   a0, DISK1_BASE + KSEG
    li   a1, BUF
    li   a3, DISK_CMD_WRITE
    call disk_io
    li   a0, DISK1_BASE + KSEG
    li   a1, BUF2
    li   a3, DISK_CMD_READ
    call disk_io
    li   t0, BUF + KSEG
    li   t1, BUF2 + KSEG
    li   t2, SECTOR_SIZE / 4
12: lw   t3, 0(t0)
    lw   t4, 0(t1)
    bne  t3, t4, bad
    addi t0, t0, 4
    addi t1, t1, 4
    addi t2, t2, -1
    bnez t2, 12b
    la   a0, s_copy_ok
    call kputs
done:
    li   a0, 0
    call khalt
bad:
    la   a0, s_copy_bad
    call kputs
    li   a0, 1
    call khalt

# disk_io(a0 = kseg base of a disk's register page, a1 = physical buffer, a3 = command):
# one sector at sector 0, polled: start, wait for DONE or ERROR, acknowledge.
disk_io:
    sw   zero, DISK_OFF_SECTOR(a0)
    sw   a1, DISK_OFF_ADDR(a0)
    li   t0, 1
    sw   t0, DISK_OFF_COUNT(a0)
    sw   zero, DISK_OFF_CTRL(a0)     # no interrupt: we poll
    sw   a3, DISK_OFF_CMD(a0)
1:  lw   t0, DISK_OFF_STATUS(a0)
    li   t1, DISK_STATUS_BUSY
    beq  t0, t1, 1b
    sw   zero, DISK_OFF_ACK(a0)
    li   t1, DISK_STATUS_DONE
    bne  t0, t1, bad
    ret

.include "base/kprint.s"

.rodata
s_nomagic:  .asciz "no boot-info page (bad magic)\n"
s_head:     .asciz "boot info v"
s_cpus:     .asciz ": cpus "
s_ram:      .asciz ", RAM "
s_free:     .asciz " bytes, free from "
s_dev:      .asciz "device "
s_irq:      .asciz " irq "
s_none:     .asciz "-"
s_mod:      .asciz "module "
s_elf:      .asciz " elf entry "
s_raw:      .asciz " raw "
s_sum:      .asciz " bytes, sum "
s_copy_ok:  .asciz "disk -> disk1: sector 0 copied and read back: OK\n"
s_copy_bad: .asciz "disk -> disk1: FAILED\n"

.bss
    .space 1024
stack_top:
