# hvdev.s — the hypervisor's side of the emulated devices: the backends that hv/vdev.s
# calls (vdev_putc, vdev_halt, vdev_now, vdev_disk_start) and the physical disks'
# completions.
#
# Concept: type-1a means the drivers are in the hypervisor (seed: VM types; Disco,
# ESX): each VM's virtual disk is backed by a real disk of the machine (vm1: disk, vm2:
# disk1, vm3: disk2), programmed here with the request the guest's driver wrote to its
# emulated registers — after checking that the DMA range lies in the VM's own RAM, then
# translating it to host-physical (hbase + gpa). The completion interrupt of the real
# disk exits (IRQ) and becomes the VM's virtual DISK line. The console is multiplexed
# (hvcon.s), the timer is the CPU's cycle counter.

# vdev_putc(a0 = vd, a1 = byte): the VM transmits a byte: to its console line buffer.
vdev_putc:
    lw   a0, VD_OWNER(a0)
    j    vm_putc

# vdev_now() -> a0, a1: the VM's time is the CPU's cycle counter.
vdev_now:
    j    hv_now

# vdev_halt(a0 = vd, a1 = code): the guest wrote sysctl HALT: the VM powers off.
vdev_halt:
    PROLOGUE
    lw   s1, VD_OWNER(a0)
    mv   s2, a1
    mv   a0, s1
    call vm_flush                       # its last line first
    la   a0, s_vm
    call hv_puts
    lw   a0, VC_ID(s1)
    call hv_putdec
    la   a0, s_halted
    call hv_puts
    mv   a0, s2
    call hv_putdec
    li   a0, '\n'
    call hv_putc
    mv   a0, s1
    mv   a1, s2
    call vm_stop
    call con_resume_rx
    EPILOGUE

# vdev_disk_start(a0 = vd, a1 = 1 read / 2 write): start the request on the VM's real
# disk, or fail it at once (ERROR, as the device does for a DMA range outside RAM) if
# its buffer is not inside the VM's RAM.
vdev_disk_start:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    lw   s3, VD_OWNER(a0)
    lw   s4, VM_DISK(s3)
    beqz s4, 8f
    lw   t0, VD_DSK_COUNT(s1)
    lw   t1, VD_DSK_ADDR(s1)
    lw   t2, VC_HLIMIT(s3)
    srli t3, t2, 9                      # at most hlimit / 512 sectors ...
    bgtu t0, t3, 8f
    slli t0, t0, 9
    bgtu t1, t2, 8f
    sub  t3, t2, t1                     # ... ending inside the VM's RAM
    bgtu t0, t3, 8f
    lw   t0, VD_DSK_SECTOR(s1)
    sw   t0, DISK_OFF_SECTOR(s4)
    lw   t0, VC_HBASE(s3)
    add  t0, t0, t1                     # guest-physical -> host-physical
    sw   t0, DISK_OFF_ADDR(s4)
    lw   t0, VD_DSK_COUNT(s1)
    sw   t0, DISK_OFF_COUNT(s4)
    sw   s2, DISK_OFF_CMD(s4)
    EPILOGUE
8:  mv   a0, s1
    li   a1, 3                          # ERROR
    call vdev_disk_done
    EPILOGUE

# disk_done(a0 = the disk lines pending): acknowledge each completed real disk and
# complete its VM's request.
disk_done:
    PROLOGUE
    mv   s1, a0
    la   t0, nvms
    lw   s2, 0(t0)
    la   s3, vm_table
    li   s4, 0
1:  bge  s4, s2, 9f
    slli t0, s4, VM_SHIFT
    add  s5, s3, t0
    addi s4, s4, 1
    lw   t0, VM_DLINE(s5)
    and  t0, t0, s1
    beqz t0, 1b
    lw   t0, VM_DISK(s5)
    lw   s6, DISK_OFF_STATUS(t0)
    sw   zero, DISK_OFF_ACK(t0)
    lw   t0, VC_STATE(s5)
    li   t1, VCS_STOPPED
    beq  t0, t1, 1b
    li   a1, 2                          # DONE, or ERROR
    li   t0, 3
    bne  s6, t0, 2f
    li   a1, 3
2:  addi a0, s5, VM_VD
    call vdev_disk_done
    j    1b
9:  EPILOGUE

.rodata
s_halted: .asciz " halted with code "
.text
