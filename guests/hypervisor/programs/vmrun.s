# vmrun.s — vmrun IMAGE [DISK [INPUT]]: a user-level VMM, the QEMU of the type-2 VMM
# option of the monolithic kernel (guests/monolithic/vmm.s; boot the host with
# `--option vmm`).
#
# Concept (seed: VM types, "Type-2: the hypervisor is a software package/kernel module
# extension running on a host OS"; KVM + QEMU): this ordinary process asks its kernel
# for a VM (vm_create), copies the guest kernel IMAGE — an ELF file of the host's file
# system, placed as its physical image (ISA.md §11) — into the VM's memory (vm_write),
# sets its pc to the entry, and loops: vm_run until the VM exits, then emulate. The
# guest's devices live here, in user space, as the same register models the type-1a
# hypervisor uses (guests/lib/hv/vdev.s): its console prints through this process's
# stdout, tagged "guest| ", and reads INPUT (with \n escapes; then end of input); its
# disk is DISK, a file of the host read into memory (a RAM disk; writes are not saved);
# its timer is the cycle counter. Each MMIO exit is one device access that reached user
# space — they are counted, by device. An idle guest (WFI exit) makes vmrun yield the
# CPU until one of its virtual interrupts is due. The VM is this process: `ps` shows
# it, the host's scheduler preempts it, `kill` ends it.
#
# Not a portable program (it uses the VMM system calls, numbers 64-69, outside the ABI
# of guests/abi.toml), hence here and not in guests/user/. Exit status: the guest's
# halt code; 1 if the VM could not be made or stopped on an exit vmrun cannot emulate;
# 2 for a usage error.

.include "ringvm.inc"
.include "abi.inc"
.include "../../user/lib/macros.inc"
.include "trap/kframe.inc"
.include "base/config.inc"
.include "../../user/lib/crt0.s"
.include "../../user/lib/trap/usys.s"
.include "../../user/lib/errstr.s"
.include "base/string.s"
.include "../../user/lib/printf.s"
.include "../../user/lib/io.s"
.include "../../user/lib/malloc.s"

.equ SYS_VM_CREATE, 64
.equ SYS_VM_WRITE, 65
.equ SYS_VM_READ, 66
.equ SYS_VM_SETREG, 67
.equ SYS_VM_GETREG, 68
.equ SYS_VM_RUN, 69
.equ REG_PC, 32
.equ REG_RAM, 33
# struct vmexit (guests/monolithic/vmm.s)
.equ VX_REASON, 0
.equ VX_GPA, 4
.equ VX_INSN, 8
.equ VX_QUAL, 12
.equ VX_BADV, 16
.equ VX_PC, 20
.equ VX_DATA, 24
.equ VX_LINES, 28
.equ VX_IENABLE, 32
.equ VX_EXITS, 36
.equ VX_SIZE, 40
.equ LINE_MAX, 120

.text
.global main
main:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    li   t0, 2
    bge  s1, t0, 1f
    li   a0, 2
    la   a1, s_usage
    call fputs
    li   a0, 2
    FUNC_RETURN
1:  lw   a0, 4(s2)                      # the image
    la   a1, image_size
    call read_file
    beqz a0, 90f
    mv   s3, a0
    call vm_create
    blt  a0, zero, 91f
    la   t0, vm
    sw   a0, 0(t0)
    mv   a0, s3
    call load_elf
    bnez a0, 92f
    la   t0, vm
    lw   a0, 0(t0)
    li   a1, REG_RAM
    call vm_getreg
    mv   s4, a0                         # its RAM
    li   s5, 0                          # disk sectors
    li   t0, 3
    blt  s1, t0, 2f
    lw   a0, 8(s2)                      # the disk file ("-": none)
    lbu  t0, 0(a0)
    li   t1, '-'
    beq  t0, t1, 2f
    la   a1, disk_size
    call read_file
    beqz a0, 90f
    la   t0, ramdisk
    sw   a0, 0(t0)
    la   t0, disk_size
    lw   s5, 0(t0)
    srli s5, s5, 9
2:  la   a0, vd
    mv   a1, s4
    mv   a2, s5
    li   a3, 0
    call vdev_init
    li   t0, 4                          # the console input
    blt  s1, t0, 3f
    lw   a0, 12(s2)
    call push_input
3:  la   a0, vd
    call vcon_eof
    la   a0, s_start
    la   t0, vm
    lw   a1, 0(t0)
    lw   a2, 4(s2)
    srli a3, s4, 10
    mv   a4, s5
    call printf
    call run_loop
    FUNC_RETURN                         # a0 = the exit status
90: la   t0, bad_file                   # cannot read a file
    lw   a2, 0(t0)
    li   a0, 2
    la   a1, s_noread
    call fprintf
    li   a0, 1
    FUNC_RETURN
91: call errstr                         # no VM
    mv   a2, a0
    li   a0, 2
    la   a1, s_novm
    call fprintf
    li   a0, 1
    FUNC_RETURN
92: li   a0, 2
    la   a1, s_noelf
    lw   a2, 4(s2)
    call fprintf
    li   a0, 1
    FUNC_RETURN

# run_loop() -> exit status: run the VM, emulate its exits, until it halts or stops.
run_loop:
    FUNC_ENTER
    la   s1, vx
    la   s2, vd
1:  la   t0, halted
    lw   t0, 0(t0)
    bnez t0, 8f
    call tick
    mv   a0, s2
    call vdev_lines
    sw   a0, VX_LINES(s1)
    la   t0, vm
    lw   a0, 0(t0)
    mv   a1, s1
    call vm_run
    blt  a0, zero, 95f
    mv   s3, a0                         # the exit reason
    li   t0, 12
    bgeu s3, t0, 2f
    slli t0, s3, 2                      # count it
    la   t1, counts
    add  t0, t0, t1
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
2:  li   t0, EXIT_MMIO
    beq  s3, t0, 10f
    li   t0, EXIT_WFI
    beq  s3, t0, 20f
    li   t0, EXIT_IRQ
    beq  s3, t0, 1b                     # the host took its interrupt: go on
    j    90f                            # anything else: not emulated here

10: lw   a0, VX_INSN(s1)                # a device access, in user space
    call mmio_kind
    blt  a0, zero, 91f
    mv   s4, a0                         # store?
    lw   t0, VX_GPA(s1)                 # count it by device page
    srli t0, t0, 12
    andi t0, t0, 0xF
    slli t0, t0, 2
    la   t1, dev_counts
    add  t0, t0, t1
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    mv   a0, s2
    lw   a1, VX_GPA(s1)
    mv   a2, s4
    lw   a3, VX_DATA(s1)
    call vdev_access
    bnez a1, 91f
    sw   a0, VX_DATA(s1)                # for a load: completed by the next vm_run
    j    1b

20: call tick                           # idle: wait until one of its lines is due
    mv   a0, s2
    call vdev_lines
    lw   t0, VX_IENABLE(s1)
    and  t0, t0, a0
    bnez t0, 1b
    mv   a0, s2
    call vdev_deadline
    beqz a0, 93f                        # nothing can ever wake it
    call yield
    j    20b

8:  call flush_line                     # halted
    la   a0, s_halted
    la   t0, vm
    lw   a1, 0(t0)
    la   t0, halt_code
    lw   a2, 0(t0)
    lw   a3, VX_EXITS(s1)
    call printf
    call summary
    la   t0, halt_code
    lw   a0, 0(t0)
    FUNC_RETURN
90: la   a0, s_exit                     # an exit vmrun does not emulate
    j    94f
91: la   a0, s_bus
    j    94f
93: la   a0, s_idle
94: mv   s5, a0
    call flush_line
    mv   a0, s5
    mv   a1, s3
    lw   a2, VX_PC(s1)
    lw   a3, VX_GPA(s1)
    lw   a4, VX_INSN(s1)
    call printf
    call summary
    li   a0, 1
    FUNC_RETURN
95: call errstr
    mv   a1, a0
    la   a0, s_runerr
    call printf
    li   a0, 1
    FUNC_RETURN

# summary(): what reached user space.
summary:
    FUNC_ENTER
    la   s1, dev_counts
    lw   a2, 4(s1)                      # console
    lw   a3, 8(s1)                      # timer
    lw   a4, 12(s1)                     # disk
    lw   t0, 0(s1)                      # other: sysctl, ipi, events
    lw   t1, 16(s1)
    add  a5, t0, t1
    lw   t0, 28(s1)
    add  a5, a5, t0
    add  a1, a2, a3
    add  a1, a1, a4
    add  a1, a1, a5
    la   t0, counts
    lw   a6, 4 * EXIT_WFI(t0)
    lw   a7, 4 * EXIT_IRQ(t0)
    la   a0, s_summary
    call printf
    FUNC_RETURN

# tick(): the VM's timer sees the time.
tick:
    FUNC_ENTER
    call vdev_now
    mv   a2, a1
    mv   a1, a0
    la   a0, vd
    call vdev_tick
    FUNC_RETURN

# mmio_kind(a0 = instruction) -> 1 store, 0 load, -1 not a word access.
mmio_kind:
    srli t0, a0, 26
    li   t1, 0x1a
    beq  t0, t1, 1f
    li   t1, 0x1f
    beq  t0, t1, 2f
    li   a0, -1
    ret
1:  li   a0, 0
    ret
2:  li   a0, 1
    ret

# push_input(a0 = string with \n, \t, \\ escapes): the VM's console input.
push_input:
    FUNC_ENTER
    mv   s1, a0
1:  lbu  a1, 0(s1)
    beqz a1, 9f
    addi s1, s1, 1
    li   t0, '\\'
    bne  a1, t0, 3f
    lbu  a1, 0(s1)
    beqz a1, 9f
    addi s1, s1, 1
    li   t0, 'n'
    bne  a1, t0, 2f
    li   a1, '\n'
    j    3f
2:  li   t0, 't'
    bne  a1, t0, 3f
    li   a1, '\t'
3:  la   a0, vd
    call vcon_push
    j    1b
9:  FUNC_RETURN

# read_file(a0 = path, a1 = where to store its size) -> a0 = a malloc'd copy, or 0
# (bad_file = the path).
read_file:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    la   t0, bad_file
    sw   s1, 0(t0)
    li   a1, O_RDONLY
    call open
    blt  a0, zero, 8f
    mv   s3, a0
    la   a1, st
    call fstat
    blt  a0, zero, 7f
    la   t0, st
    lw   s4, ST_SIZE(t0)
    sw   s4, 0(s2)
    addi a0, s4, 4
    call malloc
    beqz a0, 7f
    mv   s5, a0
    li   s6, 0                          # bytes read
1:  bge  s6, s4, 2f
    mv   a0, s3
    add  a1, s5, s6
    sub  a2, s4, s6
    call read
    blt  a0, zero, 7f
    beqz a0, 2f
    add  s6, s6, a0
    j    1b
2:  mv   a0, s3
    call close
    la   t0, bad_file
    sw   zero, 0(t0)
    mv   a0, s5
    FUNC_RETURN
7:  mv   a0, s3
    call close
8:  li   a0, 0
    FUNC_RETURN

# load_elf(a0 = the image) -> 0 / -1: each PT_LOAD segment at its physical address in the
# VM's RAM (the rest is zero: vm_create zeroed it); pc = e_entry.
load_elf:
    FUNC_ENTER
    mv   s1, a0
    lw   t0, 0(s1)
    li   t1, 0x464c457f                 # "\x7fELF"
    bne  t0, t1, 8f
    lhu  t0, 18(s1)                     # e_machine
    li   t1, 0x5256
    bne  t0, t1, 8f
    lw   s2, 28(s1)                     # e_phoff
    add  s2, s2, s1
    lhu  s3, 44(s1)                     # e_phnum
1:  beqz s3, 3f
    lw   t0, 0(s2)                      # p_type
    li   t1, 1
    bne  t0, t1, 2f
    la   t0, vm
    lw   a0, 0(t0)
    lw   a1, 12(s2)                     # p_paddr
    lw   a2, 4(s2)                      # p_offset
    add  a2, a2, s1
    lw   a3, 16(s2)                     # p_filesz
    call vm_write
    bnez a0, 8f
2:  addi s2, s2, 32
    addi s3, s3, -1
    j    1b
3:  la   t0, vm
    lw   a0, 0(t0)
    li   a1, REG_PC
    lw   a2, 24(s1)                     # e_entry
    call vm_setreg
    li   a0, 0
    FUNC_RETURN
8:  li   a0, -1
    FUNC_RETURN

# ---------------------------------------------------------------- the device backends
# (hv/vdev.s calls them)

# vdev_putc(a0 = vd, a1 = byte): the guest's console output, a line at a time.
vdev_putc:
    la   t0, line_len
    lw   t1, 0(t0)
    la   t2, line_buf
    add  t2, t2, t1
    sb   a1, 0(t2)
    addi t1, t1, 1
    sw   t1, 0(t0)
    li   t2, LINE_MAX
    bgeu t1, t2, flush
    li   t2, '\n'
    beq  a1, t2, flush
    ret

# flush(): write the guest's pending output, tagged.
flush:
    FUNC_ENTER
    la   t0, line_len
    lw   s1, 0(t0)
    beqz s1, 9f
    sw   zero, 0(t0)
    li   a0, 1
    la   a1, s_tag
    li   a2, 7
    call write
    li   a0, 1
    la   a1, line_buf
    mv   a2, s1
    call write
9:  FUNC_RETURN

# flush_line(): the guest's last output, ended by a newline if it had none.
flush_line:
    la   t0, line_len
    lw   t1, 0(t0)
    beqz t1, flush
    la   t2, line_buf
    add  t2, t2, t1
    lbu  t3, -1(t2)
    li   t4, '\n'
    beq  t3, t4, flush
    li   t3, '\n'
    sb   t3, 0(t2)
    addi t1, t1, 1
    sw   t1, 0(t0)
    j    flush

# vdev_halt(a0 = vd, a1 = code): the guest powered off.
vdev_halt:
    la   t0, halted
    li   t1, 1
    sw   t1, 0(t0)
    la   t0, halt_code
    sw   a1, 0(t0)
    ret

# vdev_now() -> a0, a1: the cycle counter (readable in ring 3).
vdev_now:
1:  csrr a1, cycleh
    csrr a0, cycle
    csrr t0, cycleh
    bne  a1, t0, 1b
    ret

# vdev_disk_start(a0 = vd, a1 = 1 read / 2 write): the RAM disk, done at once.
vdev_disk_start:
    FUNC_ENTER
    mv   s1, a0
    mv   s2, a1
    lw   s3, VD_DSK_SECTOR(s1)
    lw   s4, VD_DSK_COUNT(s1)
    beqz s4, 8f
    add  t0, s3, s4
    lw   t1, VD_DSK_CAPACITY(s1)
    bgtu t0, t1, 8f
    bltu t0, s3, 8f
    la   t0, ramdisk
    lw   a2, 0(t0)
    slli t0, s3, 9
    add  a2, a2, t0                     # the sectors in the RAM disk
    slli a3, s4, 9
    la   t0, vm
    lw   a0, 0(t0)
    lw   a1, VD_DSK_ADDR(s1)            # the guest-physical buffer
    li   t0, 1
    bne  s2, t0, 1f
    call vm_write                       # READ: disk -> guest memory
    j    2f
1:  call vm_read                        # WRITE: guest memory -> disk
2:  bnez a0, 8f
    mv   a0, s1
    li   a1, 2                          # DONE
    call vdev_disk_done
    FUNC_RETURN
8:  mv   a0, s1
    li   a1, 3                          # ERROR
    call vdev_disk_done
    FUNC_RETURN

# ---------------------------------------------------------------- the VM interface
vm_create:
    li   a7, SYS_VM_CREATE
    syscall
    ret
vm_write:
    li   a7, SYS_VM_WRITE
    syscall
    ret
vm_read:
    li   a7, SYS_VM_READ
    syscall
    ret
vm_setreg:
    li   a7, SYS_VM_SETREG
    syscall
    ret
vm_getreg:
    li   a7, SYS_VM_GETREG
    syscall
    ret
vm_run:
    li   a7, SYS_VM_RUN
    syscall
    ret

.include "hv/vdev.s"

.rodata
s_usage:   .asciz "usage: vmrun IMAGE [DISK|- [INPUT]]\n"
s_noread:  .asciz "vmrun: cannot read %s\n"
s_novm:    .asciz "vmrun: no VM: %s (is the kernel booted with --option vmm?)\n"
s_noelf:   .asciz "vmrun: %s: not a ringvm ELF image\n"
s_start:   .asciz "vmrun: VM %d: %s, %d KiB of guest RAM, disk of %d sectors\n"
s_halted:  .asciz "vmrun: VM %d halted with code %d after %d VM exits\n"
s_summary: .asciz "vmrun: %d device accesses reached vmrun (console %d, timer %d, disk %d, other %d); %d idle exits, %d host interrupts\n"
s_exit:    .asciz "vmrun: the VM stopped: exit %d at pc %x (gpa %x, instruction %x) is not emulated here\n"
s_bus:     .asciz "vmrun: the VM stopped: exit %d at pc %x: no device register at gpa %x (instruction %x)\n"
s_idle:    .asciz "vmrun: the VM stopped: exit %d at pc %x: it waits for nothing (gpa %x, instruction %x)\n"
s_runerr:  .asciz "vmrun: vm_run failed: %s\n"
s_tag:     .ascii "guest| "
.data
    .balign 4
vm:         .word 0
halted:     .word 0
halt_code:  .word 0
ramdisk:    .word 0
disk_size:  .word 0
image_size: .word 0
bad_file:   .word 0
line_len:   .word 0
.bss
    .balign 4
counts:     .space 48                   # exits by reason
dev_counts: .space 64                   # device accesses by page
vx:         .space VX_SIZE
st:         .space 16
line_buf:   .space LINE_MAX + 4
    .balign 4
vd:         .space VD_SIZE
