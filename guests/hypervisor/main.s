# main.s — boot of the type-1a hypervisor: ring -1, the VMs from the boot modules, the
# first VM entry.
#
# Concept (seed: VM types, "Type-1a: the hypervisor runs directly on and has full
# control over the hardware, and the device drivers are also implemented inside the
# hypervisor"; Disco, VMware ESX): this image boots in ring -1 (`.hypervisor`, ISA.md
# §11) and never leaves it. Each boot module that is an ELF kernel — the *unmodified*
# monolithic kernel, byte for byte the image `ringvm boot monolithic` runs — becomes a
# virtual machine: its guest-physical memory is the module as the loader placed it
# (hbase = the module's START, hlimit = VM_RAM), its VMID is its number, its disk is the
# machine's disk of the same number (vm1: disk, vm2: disk1, vm3: disk2), and it starts
# in guest ring 0 at the ELF's entry with every register 0, as a CPU does after reset.
# What each file does: README.md.
#
# Build options (guest.toml [options], or -D): VMS (VMs to boot, default 1), VM_RAM
# (bytes of RAM per VM, default 4 MiB), SENS (1: getst exits under hctl.SENS), NAIVE (1:
# no guest mode at all — the naive deprivileging monitor of naive.s).

.include "ringvm.inc"
.hypervisor
.include "trap/kframe.inc"
.include "base/config.inc"
.include "hv/vcpu.inc"

PARAM VMS, 1                        # VMs to boot (at most MAX_VMS, one per ELF module)
PARAM VM_RAM, 0x00400000            # guest-physical RAM of each VM
PARAM HV_SLICE, 40000               # cycles a VM runs before another runnable one
PARAM SENS, 0                       # 1: hctl.SENS, getst exits SENSITIVE (ISA.md §12)
PARAM NAIVE, 0                      # 1: naive deprivileging in host ring 1 (naive.s)
.equ MAX_VMS, 3                     # one per disk (disk, disk1, disk2)

# The exit controls of every VM: TLB writes exit (Disco), physical interrupts exit (the
# hypervisor owns the devices), wfi exits (the hypervisor schedules the CPU).
.if SENS
.equ HV_HCTL, HCTL_TLB | HCTL_IRQ | HCTL_WFI | HCTL_SENS
.else
.equ HV_HCTL, HCTL_TLB | HCTL_IRQ | HCTL_WFI
.endif

# struct vm: a vCPU (hv/vcpu.inc) followed by the hypervisor's own fields and the VM's
# emulated devices (hv/vdev.s). vm_table holds MAX_VMS of them, VM_SHIFT apart.
.equ VM_DISK, VC_SIZE               # kseg address of its physical disk's registers, or 0
.equ VM_DLINE, VC_SIZE + 4          # that disk's interrupt line (bit)
.equ VM_CODE, VC_SIZE + 8           # exit code once stopped
.equ VM_NAME, VC_SIZE + 12          # module name (16 bytes)
.equ VM_END, VC_SIZE + 28           # host-physical end of the module's image
.equ VM_LLEN, VC_SIZE + 32          # bytes in its console line buffer
.equ VM_LBUF, VC_SIZE + 36          # its unfinished console line (VM_LBUF_SIZE bytes)
.equ VM_LBUF_SIZE, 128
.equ VM_VD, 512                     # its devices (VD_SIZE bytes)
.equ VM_SHIFT, 13                   # 8 KiB per VM
.equ VM_BYTES, 1 << VM_SHIFT
.equ HV_STOPPED_CODE, 120           # exit code of a VM the hypervisor had to stop

# the debug interface: layouts `ringvm debug` reads (info vms)
.global vm_table, nvms, cur_vm, MAX_VMS, VM_SHIFT, VM_VD, VM_NAME, VM_CODE, VM_DISK
.global VC_PC, VC_HSTATUS, VC_HBASE, VC_HLIMIT, VC_HCTL, VC_VMID, VC_STATE, VC_EXITS
.global VC_VPEND, VC_WINDOW, VC_ID, VC_G_STATUS, VC_G_IENABLE, VC_G_ASID, VC_G_TVEC
.global NEXIT_REASONS, VD_PEND, VD_CON_HEAD, VD_CON_TAIL, VD_DSK_STATUS, VD_TIM_CTRL
.global con_focus

.text
.global _start
_start:
    la   sp, hv_stack_top
    la   t0, hv_exit_entry
    csrw hvec, t0
    call vtlb_init
    la   a0, s_banner
    call hv_puts
    li   s0, BOOTINFO
    lw   t0, BI_MAGIC(s0)
    li   t1, BOOTINFO_MAGIC
    bne  t0, t1, no_vms
    # one VM per ELF module (not one that asks for ring -1), in order, up to VMS
    lw   s1, BI_MODULES(s0)
    add  s1, s1, s0                     # module entry
    lw   s2, BI_NMODULES(s0)
    li   s3, 0                          # VMs made
1:  beqz s2, 3f
    li   t0, VMS
    bge  s3, t0, 3f
    li   t0, MAX_VMS
    bge  s3, t0, 3f
    lw   t0, BI_MOD_FLAGS(s1)
    andi t1, t0, BI_MODF_ELF
    beqz t1, 2f
    andi t1, t0, BI_MODF_HYPERVISOR
    bnez t1, 2f
    mv   a0, s3
    mv   a1, s1
    call vm_create
    beqz a0, 2f
    addi s3, s3, 1
2:  addi s1, s1, BI_MOD_SIZE
    addi s2, s2, -1
    j    1b
3:  la   t0, nvms
    sw   s3, 0(t0)
    beqz s3, no_vms
.if NAIVE
    j    naive_start
.endif
    la   a0, s_focus
    call hv_puts
    # the hypervisor owns every device: their interrupts exit from the guests
    li   t0, IRQB_TIMER | IRQB_CONSOLE | IRQB_DISK | IRQB_DISK1 | IRQB_DISK2
    csrw ienable, t0
    li   t0, CONSOLE_CTRL
    li   t1, 1                          # RXIE: input goes to the VM with focus
    sw   t1, 0(t0)
    call hv_slice_start
    j    hv_schedule

no_vms:
    la   a0, s_novm
    call hv_puts
    li   a0, 1
    call hv_halt_machine

# vm_create(a0 = index, a1 = boot-info module entry) -> a0 = vm, or 0 if the module
# cannot be a VM (it does not fit in VM_RAM of free memory).
vm_create:
    PROLOGUE
    mv   s1, a0
    mv   s2, a1
    slli s3, s1, VM_SHIFT
    la   t0, vm_table
    add  s3, s3, t0                     # the vm
    lw   s4, BI_MOD_START(s2)
    lw   s5, BI_MOD_END(s2)
    # its RAM [START, START + VM_RAM) must hold the image and overlap nothing else
    li   t0, VM_RAM
    add  s6, s4, t0                     # end of its RAM
    sub  t0, s5, s4
    li   t1, VM_RAM
    bgtu t0, t1, 8f
    li   t0, SYSCTL_RAMSIZE
    lw   t0, 0(t0)
    bgtu s6, t0, 8f
    li   t2, BOOTINFO
    lw   t3, BI_MODULES(t2)
    add  t3, t3, t2
    lw   t4, BI_NMODULES(t2)
1:  beqz t4, 2f
    beq  t3, s2, 11f
    lw   t5, BI_MOD_START(t3)
    lw   t6, BI_MOD_END(t3)
    bgeu t5, s6, 11f                    # another module after its RAM
    bleu t6, s4, 11f                    # or before it
    j    8f
11: addi t3, t3, BI_MOD_SIZE
    addi t4, t4, -1
    j    1b
2:  la   t0, hv_image_end               # and not the hypervisor itself
    li   t1, KSEG
    sub  t0, t0, t1
    bltu s4, t0, 8f
    mv   a0, s3
    lw   a1, BI_MOD_ENTRY(s2)
    mv   a2, s4
    li   a3, VM_RAM
    addi a4, s1, 1                      # VMID = VM number
    li   a5, HV_HCTL
    addi a6, s1, 1
    call vcpu_init
    sw   s5, VM_END(s3)
    addi a0, s3, VM_NAME                # its name
    addi a1, s2, BI_MOD_NAME
    li   a2, 16
    call memcpy
    mv   a0, s1                         # its disk: the machine's disk number `index`
    call disk_regs
    sw   a0, VM_DISK(s3)
    sw   a1, VM_DLINE(s3)
    li   a2, 0
    beqz a0, 3f
    lw   a2, DISK_OFF_CAPACITY(a0)
    li   t0, 1
    sw   t0, DISK_OFF_CTRL(a0)          # completion interrupts on
3:  addi a0, s3, VM_VD
    li   a1, VM_RAM
    mv   a3, s3
    call vdev_init
    # "hv: vm1 = module vm1 at 0x00400000, 4096 KiB, VMID 1, disk 4096 sectors"
    la   a0, s_vm
    call hv_puts
    lw   a0, VC_ID(s3)
    call hv_putdec
    la   a0, s_module
    call hv_puts
    addi a0, s3, VM_NAME
    call hv_puts
    la   a0, s_at
    call hv_puts
    mv   a0, s4
    call hv_puthex
    la   a0, s_entry
    call hv_puts
    lw   a0, VC_PC(s3)
    call hv_puthex
    la   a0, s_ram
    call hv_puts
    li   a0, VM_RAM >> 10
    call hv_putdec
    la   a0, s_vmid
    call hv_puts
    lw   a0, VC_VMID(s3)
    call hv_putdec
    lw   t0, VM_DISK(s3)
    beqz t0, 4f
    la   a0, s_disk
    call hv_puts
    lw   a0, VM_VD + VD_DSK_CAPACITY(s3)
    call hv_putdec
    la   a0, s_sectors
    call hv_puts
    j    5f
4:  la   a0, s_nodisk
    call hv_puts
5:  mv   a0, s3
    EPILOGUE
8:  la   a0, s_noroom
    call hv_puts
    addi a0, s2, BI_MOD_NAME
    call hv_puts
    la   a0, s_noroom2
    call hv_puts
    li   a0, 0
    EPILOGUE

# disk_regs(a0 = disk number) -> a0 = kseg address of its registers (0 if the machine
# has no such disk), a1 = its interrupt line bit. Leaf.
disk_regs:
    li   t0, BOOTINFO
    lw   t0, BI_NDISKS(t0)
    bltu a0, t0, 1f
    li   a0, 0
    li   a1, 0
    ret
1:  slli t0, a0, 3
    la   t1, disk_table
    add  t0, t0, t1
    lw   a0, 0(t0)
    lw   a1, 4(t0)
    ret

# hv_fatal(a0 = cause, a1 = pc, a2 = badvaddr): a trap in ring -1 itself.
hv_fatal:
    mv   s1, a0
    mv   s2, a1
    mv   s3, a2
    la   a0, s_fatal
    call hv_puts
    mv   a0, s1
    call hv_puthex
    la   a0, s_fatal_pc
    call hv_puts
    mv   a0, s2
    call hv_puthex
    la   a0, s_fatal_bad
    call hv_puts
    mv   a0, s3
    call hv_puthex
    li   a0, '\n'
    call hv_putc
    li   a0, 111
    call hv_halt_machine

.include "vm.s"
.include "exits.s"
.include "hvdev.s"
.include "hvcon.s"
.if NAIVE
.include "naive.s"
.endif
.include "hv/exit.s"
.include "hv/vcpu.s"
.include "hv/vintr.s"
.include "hv/vtlb.s"
.include "hv/vdev.s"
.include "hv/mmio.s"
.include "base/string.s"

.rodata
    .balign 4
disk_table:                             # the machine's disks: registers, line
    .word DISK_BASE + KSEG, IRQB_DISK
    .word DISK1_BASE + KSEG, IRQB_DISK1
    .word DISK2_BASE + KSEG, IRQB_DISK2
.if NAIVE
s_banner:  .asciz "hv: ringvm hypervisor in ring -1, NAIVE mode: no guest mode; the guest kernel runs deprivileged in host ring 1 (ISA.md §12)\n"
.elseif SENS
s_banner:  .asciz "hv: ringvm hypervisor in ring -1: trap-and-emulate, TLB virtualization by exits; hctl.SENS: getst exits\n"
.else
s_banner:  .asciz "hv: ringvm hypervisor in ring -1: trap-and-emulate, TLB virtualization by exits\n"
.endif
s_focus:   .asciz "hv: console input goes to vm1; Ctrl-A then a VM number switches it\n"
s_novm:    .asciz "hv: no kernel module to run (give one: --module vm1=monolithic)\n"
s_vm:      .asciz "hv: vm"
s_module:  .asciz " = module "
s_at:      .asciz " at "
s_entry:   .asciz ", entry "
s_ram:     .asciz ", "
s_vmid:    .asciz " KiB, VMID "
s_disk:    .asciz ", disk of "
s_sectors: .asciz " sectors\n"
s_nodisk:  .asciz ", no disk\n"
s_noroom:  .asciz "hv: module "
s_noroom2: .asciz ": no room for a VM there (VM_RAM from its start overlaps something): skipped\n"
s_fatal:   .asciz "hv: PANIC: trap in ring -1, cause "
s_fatal_pc: .asciz " at pc "
s_fatal_bad: .asciz " badvaddr "

.bss
    .balign 4096
vm_table:   .space MAX_VMS * VM_BYTES
nvms:       .space 4
cur_vm:     .space 4                    # the vm whose CSRs are in the CPU, or 0
    .balign 16
hv_stack:   .space 8192
hv_stack_top:
    .balign 4096
hv_image_end:
