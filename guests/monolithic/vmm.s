# vmm.s — the VMM option (VMM=1): a type-2, hosted hypervisor — a VM runs as a process of
# this kernel, driven by a user-level VMM (vmrun), as QEMU drives KVM.
#
# Concept (seed: VM types, "Type-2: the hypervisor is just a software package/kernel
# module extension running on a host OS"; KVM + QEMU): the kernel gains a VM interface —
# create a VM and give it memory (vm_create, vm_write, vm_read), set and read its
# registers (vm_setreg, vm_getreg), run its vCPU until an exit and read the exit
# (vm_run) — and a process (guests/hypervisor/programs/vmrun.s) uses it to run a guest
# image, emulating the guest's devices in user space and looping. The VM is that
# process's: it shows in `ps`, the host scheduler preempts it like any other process
# (a physical interrupt always exits the guest: hctl.IRQ), `kill` ends it and exit frees
# it. The host kernel keeps the hardware: the guest gets no device (every access exits
# MMIO and goes to vmrun) and only the memory the kernel reserved for it.
#
# How the host kernel gets at ring -1 — the non-VHE design of KVM on ARM: on ringvm,
# host ring 0 cannot enter ring -1 (hcall from the host traps to ring 0, ISA.md §7), so
# this image boots in ring -1 (`.hypervisor`) into a small *stub* (vmm_boot), which runs
# the whole host kernel as a guest of its own with an identity second stage (hbase 0,
# hlimit = RAM), the real devices (hctl.DEVPASS) and no other exit controls: the kernel
# runs exactly as on bare metal, in guest ring 0 (its getst check still reads 0), with
# VMID 1. Its `hcall` is the stub's "hvc": VMM_HC_RUN switches worlds — the stub saves
# the host's vCPU (guests/lib/hv/vcpu.s), loads the VM's (VMID 2, 3; second stage = its
# slot of the reserved pool) and enters it; at the VM's next exit it switches back and
# the hcall returns the exit reason. The interrupt window (hv/vintr.s) is handled in the
# stub without a world switch; TLB instructions do not exit: the second stage confines
# the guest's entries (like KVM with nested paging, unlike the Disco-style type-1a).
#
# Memory: VMM_SLOTS VMs of VMM_VMRAM bytes each, reserved at the top of RAM at boot
# (kinit gets the rest): the second stage needs a VM's RAM physically contiguous.
#
# System calls (not in the portable ABI; numbers from VMM_SYS):
#   64 vm_create() -> vm (0, 1) / -ENOMEM          a zeroed VM owned by the caller
#   65 vm_write(vm, gpa, buf, n) -> 0 / -EINVAL / -EFAULT   into its RAM
#   66 vm_read(vm, gpa, buf, n) -> 0 / -EINVAL / -EFAULT    from its RAM
#   67 vm_setreg(vm, reg, value) -> 0    reg 0-31, 32 = pc
#   68 vm_getreg(vm, reg) -> value       reg 0-31, 32 = pc, 33 = RAM bytes, 34 = VM exits
#   69 vm_run(vm, struct vmexit *) -> the exit reason (ISA.md §8)
# struct vmexit (40 bytes): reason, gpa, insn, qual, badvaddr, pc (out); data (out: the
# value a guest store wrote; in: the value for the load to read — completed by the next
# vm_run, which also skips the instruction, as KVM_RUN does); lines (in: the VM's pending
# virtual interrupt lines, injected before it runs); ienable (out: the guest's); exits
# (out: its VM exits so far).

.equ VMM_SLOTS, 2
.equ VMM_VMRAM, 0x00200000              # 2 MiB each
.equ VMM_POOL, VMM_SLOTS * VMM_VMRAM
.equ VMM_HOST_VMID, 1
.equ VMM_HC_RUN, 1
.equ VMM_HC_FLUSH, 2
.equ VMM_SYS, 64
.equ VMM_NSYS, 6
.equ VMM_GUEST_HCTL, HCTL_IRQ | HCTL_WFI

# a VM slot: its vCPU, then:
.equ VS_OWNER, VC_SIZE                  # the owning process, or 0 (free)
.equ VS_BASE, VC_SIZE + 4               # host-physical base of its RAM
.equ VS_REASON, VC_SIZE + 8             # last exit: reason, hgpa, hinsn, hqual, hbadvaddr
.equ VS_GPA, VC_SIZE + 12
.equ VS_INSN, VC_SIZE + 16
.equ VS_QUAL, VC_SIZE + 20
.equ VS_BADV, VC_SIZE + 24
.equ VS_COMPLETE, VC_SIZE + 28          # next vm_run: 1 skip the instruction, 2 load + skip
.equ VS_REG, VC_SIZE + 32               # the load's rd
.equ VS_LINES, VC_SIZE + 36             # virtual lines to inject
.equ VS_SHIFT, 9                        # 512 bytes per slot

# struct vmexit
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

# ================================================================ the ring -1 stub

# vmm_boot: the ELF's entry, in ring -1: run the host kernel (from _start) as VMID 1.
vmm_boot:
    la   sp, hv_stack_top
    la   t0, hv_exit_entry
    csrw hvec, t0
    tlbinv
    li   t0, IRQB_TIMER | IRQB_CONSOLE | IRQB_DISK | IRQB_DISK1 | IRQB_DISK2
    csrw ienable, t0                    # the host copy: these lines exit a VM (hctl.IRQ)
    la   a0, vmm_host
    la   a1, _start
    li   a2, 0                          # identity second stage over all of RAM
    li   t0, SYSCTL_RAMSIZE
    lw   a3, 0(t0)
    li   a4, VMM_HOST_VMID
    li   a5, HCTL_DEVPASS               # its own devices; nothing exits but hcall
    li   a6, 0
    call vcpu_init
    la   a0, vmm_host
    call vcpu_load
    la   a0, vmm_host
    j    hv_enter

# hv_exit(a0 = vcpu, a1 = reason): from hv/exit.s. The host's hypercalls, or a VM's exit.
hv_exit:
    la   t0, vmm_host
    bne  a0, t0, vmm_guest_exit
    li   t0, EXIT_HYPERCALL
    bne  a1, t0, vmm_host_trap
    lw   t0, VC_PC(a0)                  # the host continues after its hcall
    addi t0, t0, 4
    sw   t0, VC_PC(a0)
    lw   t0, 68(a0)                     # its a7: the hypercall
    li   t1, EVENTS_ARG0                # reported: HYPERCALL(number, domain 0 = host)
    sw   t0, 0(t1)
    li   t1, EVENTS_ARG1
    sw   zero, 0(t1)
    li   t1, EVENTS_EMIT
    li   t2, EV_HYPERCALL
    sw   t2, 0(t1)
    li   t1, VMM_HC_RUN
    beq  t0, t1, 1f
    li   t1, VMM_HC_FLUSH
    beq  t0, t1, 2f
    li   t0, -1
    sw   t0, 40(a0)
    j    hv_enter
1:  lw   s1, 40(a0)                     # its a0: the slot (identity-mapped)
    call vcpu_save                      # switch worlds: host out ...
    mv   a0, s1
    call vcpu_load                      # ... VM in
    j    vmm_run_guest
2:  lw   t0, 40(a0)                     # flush a VMID's TLB entries
    tlbinvvmid t0
    sw   zero, 40(a0)
    j    hv_enter

# a ring -1 instruction or CSR in the host kernel: PRIVILEGED, as without the stub
vmm_host_trap:
    li   a1, CAUSE_PRIVILEGED
    csrr a2, hinsn
    call vcpu_inject
    la   a0, vmm_host
    j    hv_enter

# vmm_run_guest(s1 = slot, loaded): deliver its lines (or arm the window) and enter it.
vmm_run_guest:
    mv   a0, s1
    lw   a1, VS_LINES(s1)
    call vintr_prepare
    bnez a0, 1f
    mv   a0, s1
    j    hv_enter
1:  li   s2, EXIT_EXCEPTION             # a line but no trap vector: the VMM's problem
    sw   s2, VS_REASON(s1)
    sw   zero, VS_GPA(s1)
    sw   zero, VS_INSN(s1)
    sw   zero, VS_QUAL(s1)
    sw   zero, VS_BADV(s1)
    j    vmm_to_host

# vmm_guest_exit(a0 = slot, a1 = reason): the interrupt window is handled here; every
# other exit goes back to the host, whose hcall returns the reason.
vmm_guest_exit:
    mv   s1, a0
    mv   s2, a1
    call vintr_disarm
    beqz a0, 3f
    li   t0, EXIT_EXCEPTION
    bne  s2, t0, 3f
    csrr a1, hqual
    li   t1, CAUSE_INTERRUPT | IRQ_VIRQ
    beq  a1, t1, vmm_run_guest          # the guest enabled interrupts: inject now
    mv   a0, s1                         # an exception while armed: reflect it
    csrr a2, hbadvaddr
    call vcpu_inject
    beqz a0, vmm_run_guest
3:  sw   s2, VS_REASON(s1)
    csrr t0, hgpa
    sw   t0, VS_GPA(s1)
    csrr t0, hinsn
    sw   t0, VS_INSN(s1)
    csrr t0, hqual
    sw   t0, VS_QUAL(s1)
    csrr t0, hbadvaddr
    sw   t0, VS_BADV(s1)
vmm_to_host:
    mv   a0, s1                         # switch worlds: VM out, host in
    call vcpu_save
    la   a0, vmm_host
    call vcpu_load
    la   a0, vmm_host
    sw   s2, 40(a0)                     # the host's hcall returns the reason
    j    hv_enter

# hv_fatal: a trap in ring -1 itself (a bug of the stub).
hv_fatal:
    mv   s1, a0
    la   a0, vmm_msg_fatal
    call kputs
    mv   a0, s1
    call kputhex
    li   a0, '\n'
    call kputc
    li   a0, 111
    call khalt

# ================================================================ the kernel's side

# vmm_slot(a0 = vm number) -> a0 = its slot if the caller owns it, else 0. Leaf.
vmm_slot:
    sltiu t0, a0, VMM_SLOTS
    beqz t0, 1f
    slli t0, a0, VS_SHIFT
    la   t1, vmm_slots
    add  a0, t0, t1
    lw   t0, VS_OWNER(a0)
    mv   t1, tp                         # this CPU's curproc (smp.s)
    lw   t1, 0(t1)
    bne  t0, t1, 1f
    ret
1:  li   a0, 0
    ret

# vm_create() -> vm number / -ENOMEM: a free slot, its RAM zeroed, its vCPU at reset.
sys_vm_create:
    PROLOGUE
    la   s1, vmm_slots
    li   s2, 0
1:  lw   t0, VS_OWNER(s1)
    beqz t0, 2f
    addi s1, s1, 1 << VS_SHIFT
    addi s2, s2, 1
    li   t0, VMM_SLOTS
    blt  s2, t0, 1b
    li   a0, -ENOMEM
    EPILOGUE
2:  la   t0, vmm_pool                   # its RAM: slot s2 of the reserved pool
    lw   s3, 0(t0)
    li   t0, VMM_VMRAM
    mul  t0, t0, s2
    add  s3, s3, t0
    li   t0, KSEG                       # zero it, 32 bytes a step
    add  t0, s3, t0
    li   t1, VMM_VMRAM
    add  t1, t1, t0
3:  sw   zero, 0(t0)
    sw   zero, 4(t0)
    sw   zero, 8(t0)
    sw   zero, 12(t0)
    sw   zero, 16(t0)
    sw   zero, 20(t0)
    sw   zero, 24(t0)
    sw   zero, 28(t0)
    addi t0, t0, 32
    bltu t0, t1, 3b
    mv   a0, s1
    li   a1, 0                          # pc: set by the VMM
    mv   a2, s3
    li   a3, VMM_VMRAM
    addi a4, s2, VMM_HOST_VMID + 1
    li   a5, VMM_GUEST_HCTL
    addi a6, s2, 1
    call vcpu_init
    mv   a0, s1                         # clear the rest of the slot
    addi a0, a0, VC_SIZE
    li   a1, 0
    li   a2, (1 << VS_SHIFT) - VC_SIZE
    call memset
    sw   s3, VS_BASE(s1)
    mv   t0, tp                         # this CPU's curproc (smp.s)
    lw   t0, 0(t0)
    sw   t0, VS_OWNER(s1)
    addi a0, s2, VMM_HOST_VMID + 1      # no stale TLB entry of an earlier VM
    li   a7, VMM_HC_FLUSH
    hcall
    mv   a0, s2
    EPILOGUE

# vmm_range(a0 = vm, a1 = gpa, a2 = n) -> a0 = kseg address of gpa in its RAM, or 0.
vmm_range:
    PROLOGUE
    mv   s1, a1
    mv   s2, a2
    call vmm_slot
    beqz a0, 1f
    li   t0, VMM_VMRAM
    bgtu s1, t0, 1f
    sub  t0, t0, s1
    bgtu s2, t0, 1f
    lw   t0, VS_BASE(a0)
    add  a0, t0, s1
    li   t0, KSEG
    add  a0, a0, t0
    EPILOGUE
1:  li   a0, 0
    EPILOGUE

# vm_write(vm, gpa, buf, n) -> 0 / -EINVAL / -EFAULT
sys_vm_write:
    PROLOGUE
    mv   s1, a2
    mv   s2, a3
    mv   a2, a3
    call vmm_range
    beqz a0, 8f
    mv   a1, a0
    li   a0, 1
    mv   a2, s1
    mv   a3, s2
    call either_copyin
    bnez a0, 9f
    EPILOGUE
8:  li   a0, -EINVAL
    EPILOGUE
9:  li   a0, -EFAULT
    EPILOGUE

# vm_read(vm, gpa, buf, n) -> 0 / -EINVAL / -EFAULT
sys_vm_read:
    PROLOGUE
    mv   s1, a2
    mv   s2, a3
    mv   a2, a3
    call vmm_range
    beqz a0, 8f
    mv   a2, a0
    li   a0, 1
    mv   a1, s1
    mv   a3, s2
    call either_copyout
    bnez a0, 9f
    EPILOGUE
8:  li   a0, -EINVAL
    EPILOGUE
9:  li   a0, -EFAULT
    EPILOGUE

# vm_setreg(vm, reg, value) -> 0 / -EINVAL: reg 0-31, 32 = pc
sys_vm_setreg:
    PROLOGUE
    mv   s1, a1
    mv   s2, a2
    call vmm_slot
    beqz a0, 8f
    li   t0, 32
    beq  s1, t0, 1f
    bgtu s1, t0, 8f
    mv   a1, s1
    mv   a2, s2
    call vcpu_setreg
    li   a0, 0
    EPILOGUE
1:  sw   s2, VC_PC(a0)
    li   a0, 0
    EPILOGUE
8:  li   a0, -EINVAL
    EPILOGUE

# vm_getreg(vm, reg) -> value: reg 0-31, 32 = pc, 33 = RAM bytes, 34 = VM exits
sys_vm_getreg:
    PROLOGUE
    mv   s1, a1
    call vmm_slot
    beqz a0, 8f
    li   t0, 32
    bltu s1, t0, 1f
    beq  s1, t0, 2f
    li   t0, 33
    beq  s1, t0, 3f
    li   t0, 34
    bne  s1, t0, 8f
    lw   a0, VC_EXITS(a0)
    EPILOGUE
1:  mv   a1, s1
    call vcpu_getreg
    EPILOGUE
2:  lw   a0, VC_PC(a0)
    EPILOGUE
3:  li   a0, VMM_VMRAM
    EPILOGUE
8:  li   a0, -EINVAL
    EPILOGUE

# vm_run(vm, struct vmexit *) -> exit reason / -EINVAL / -EFAULT: complete the last
# MMIO exit with the data given, inject the lines given, run the vCPU (VMM_HC_RUN) until
# an exit the VMM must see, and describe that exit.
sys_vm_run:
    PROLOGUE
    mv   s2, a1
    call vmm_slot
    beqz a0, 8f
    mv   s1, a0
    li   a0, 1                          # the struct, from the VMM
    la   a1, vmm_xbuf
    mv   a2, s2
    li   a3, VX_SIZE
    call either_copyin
    bnez a0, 9f
    la   s3, vmm_xbuf
    lw   t0, VS_COMPLETE(s1)            # finish the last MMIO exit
    beqz t0, 2f
    li   t1, 2
    bne  t0, t1, 1f
    mv   a0, s1                         # a load: its rd gets the data
    lw   a1, VS_REG(s1)
    lw   a2, VX_DATA(s3)
    call vcpu_setreg
1:  lw   t0, VC_PC(s1)
    addi t0, t0, 4
    sw   t0, VC_PC(s1)
    sw   zero, VS_COMPLETE(s1)
2:  lw   t0, VX_LINES(s3)
    sw   t0, VS_LINES(s1)
    mv   a0, s1
    li   a7, VMM_HC_RUN
    hcall                               # the VM runs; back here at its next exit
    mv   s4, a0                         # the reason
    sw   s4, VX_REASON(s3)
    lw   t0, VS_GPA(s1)
    sw   t0, VX_GPA(s3)
    lw   t0, VS_INSN(s1)
    sw   t0, VX_INSN(s3)
    lw   t0, VS_QUAL(s1)
    sw   t0, VX_QUAL(s3)
    lw   t0, VS_BADV(s1)
    sw   t0, VX_BADV(s3)
    lw   t0, VC_G_IENABLE(s1)
    sw   t0, VX_IENABLE(s3)
    lw   t0, VC_EXITS(s1)
    sw   t0, VX_EXITS(s3)
    li   t0, EXIT_WFI
    bne  s4, t0, 3f
    lw   t0, VC_PC(s1)                  # wfi: done
    addi t0, t0, 4
    sw   t0, VC_PC(s1)
3:  li   t0, EXIT_MMIO
    bne  s4, t0, 5f
    lw   a0, VS_INSN(s1)
    call mmio_decode
    blt  a0, zero, 5f                   # not a word access: the VMM decides
    beqz a1, 4f
    mv   a1, a0                         # a store: the value it writes
    mv   a0, s1
    call vcpu_getreg
    sw   a0, VX_DATA(s3)
    li   t0, 1
    sw   t0, VS_COMPLETE(s1)
    j    5f
4:  sw   a0, VS_REG(s1)                 # a load: the VMM gives the value next time
    li   t0, 2
    sw   t0, VS_COMPLETE(s1)
5:  lw   t0, VC_PC(s1)
    sw   t0, VX_PC(s3)
    li   a0, 1                          # the struct, to the VMM
    mv   a1, s2
    mv   a2, s3
    li   a3, VX_SIZE
    call either_copyout
    bnez a0, 9f
    mv   a0, s4
    EPILOGUE
8:  li   a0, -EINVAL
    EPILOGUE
9:  li   a0, -EFAULT
    EPILOGUE

# vmm_release(a0 = proc): it exits: its VMs are freed (and their TLB entries dropped).
vmm_release:
    PROLOGUE
    mv   s1, a0
    la   s2, vmm_slots
    li   s3, 0
1:  lw   t0, VS_OWNER(s2)
    bne  t0, s1, 2f
    sw   zero, VS_OWNER(s2)
    lw   a0, VC_VMID(s2)
    li   a7, VMM_HC_FLUSH
    hcall
2:  addi s2, s2, 1 << VS_SHIFT
    addi s3, s3, 1
    li   t0, VMM_SLOTS
    blt  s3, t0, 1b
    EPILOGUE

.include "hv/exit.s"
.include "hv/vcpu.s"
.include "hv/vintr.s"
.include "hv/mmio.s"

.rodata
    .balign 4
vmm_syscall_table:
    .word sys_vm_create, sys_vm_write, sys_vm_read, sys_vm_setreg, sys_vm_getreg, sys_vm_run
vmm_msg_fatal: .asciz "vmm: trap in ring -1, cause "
.data
    .balign 4
vmm_pool: .word 0                       # host-physical base of the reserved VM memory
.bss
    .balign 16
vmm_slots:  .space VMM_SLOTS << VS_SHIFT
vmm_host:   .space VC_SIZE              # the host kernel's own vCPU
vmm_xbuf:   .space VX_SIZE
vmm_stack:  .space 4096
hv_stack_top:
.text
