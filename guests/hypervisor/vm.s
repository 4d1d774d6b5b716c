# vm.s — scheduling the VMs on the CPU, and what happens between two VM entries.
#
# Concept (seed: VM lecture — "simultaneous use of multiple guest operating systems";
# Disco multiplexes virtual CPUs on the real ones): each VM has one vCPU, runnable,
# waiting (it executed wfi: idle until one of its virtual interrupt lines is pending)
# or stopped. The hypervisor runs one runnable vCPU at a time, round-robin, for at
# most HV_SLICE cycles when another one is runnable; switching VMs saves the guest CSR
# copies of one vCPU and loads the other's (vcpu_save, vcpu_load) — no TLB flush: the
# entries carry VMIDs. With nothing runnable the hypervisor waits (wfi in ring -1) for
# a physical interrupt. Physical interrupts exit (hctl.IRQ): hv_poll turns them into
# events of the VMs — a virtual timer that fired, a disk request that completed, console
# input — and the hypervisor's timer is always set to the earliest of the VMs' timers
# and the end of the time slice (hv_timer_program).

# hv_resume(a0 = vm): enter the vm again (after an exit handled in place) — or another
# one, if it cannot run any more.
hv_resume:
    lw   t0, VC_STATE(a0)
    li   t1, VCS_RUNNABLE
    bne  t0, t1, hv_schedule
    mv   s1, a0
    addi a0, a0, VM_VD                  # its emulated devices' lines ...
    call vdev_lines
    mv   a1, a0
    mv   a0, s1
    call vintr_prepare                  # ... delivered now, or the window armed
    bnez a0, 1f
    mv   a0, s1
    j    hv_enter
1:  mv   a0, s1                         # a line it cannot take: no trap vector
    la   a1, s_novec
    li   a2, 0
    li   a3, 0
    j    vm_fault

# hv_schedule: pick the next runnable VM after the current one (round robin) and enter
# it; with none runnable, wait for an interrupt; with every VM stopped, power off.
hv_schedule:
    la   sp, hv_stack_top
1:  la   t0, cur_vm
    lw   s1, 0(t0)
    la   t0, nvms
    lw   s2, 0(t0)
    la   s3, vm_table
    li   s4, 0                          # index of the current vm + 1 (0: none)
    beqz s1, 2f
    sub  t0, s1, s3
    srli s4, t0, VM_SHIFT
    addi s4, s4, 1
2:  li   s5, 0                          # candidates tried
3:  bge  s5, s2, 6f
    add  t0, s4, s5
    rem  t0, t0, s2                     # the next index, round robin
    slli t1, t0, VM_SHIFT
    add  s6, s3, t1
    lw   t2, VC_STATE(s6)
    li   t3, VCS_RUNNABLE
    beq  t2, t3, 4f
    addi s5, s5, 1
    j    3b
4:  bne  s6, s1, 40f                    # a different vm: switch the CPU's VM state
    la   t0, resched                    # the same one: a new slice if the last is over
    lw   t0, 0(t0)
    beqz t0, 5f
    call hv_slice_start
    j    5f
40: beqz s1, 41f
    mv   a0, s1
    call vcpu_save
41: mv   a0, s6
    call vcpu_load
    la   t0, cur_vm
    sw   s6, 0(t0)
    li   t0, EVENTS_ARG0                # a world switch, for traces and timelines:
    lw   t1, VC_VMID(s6)                # CONTEXT(VMID, its module's name)
    sw   t1, 0(t0)
    li   t0, EVENTS_ARG1
    addi t1, s6, VM_NAME
    sw   t1, 0(t0)
    li   t0, EVENTS_EMIT
    li   t1, EV_CONTEXT
    sw   t1, 0(t0)
    call hv_slice_start
5:  call hv_timer_program
    mv   a0, s6
    j    hv_resume
6:  li   s5, 0                          # nothing runnable: anything still alive?
    li   s6, 0
7:  bge  s5, s2, 8f
    slli t1, s5, VM_SHIFT
    add  t1, s3, t1
    lw   t2, VC_STATE(t1)
    li   t3, VCS_STOPPED
    beq  t2, t3, 71f
    li   s6, 1
71: addi s5, s5, 1
    j    7b
8:  beqz s6, hv_shutdown
    call hv_timer_program               # idle: wait for a device or a timer
    wfi
    call hv_poll
    j    1b

# hv_shutdown: every VM has stopped: power off with 0 if each halted with 0, else the
# first non-zero code (in VM order).
hv_shutdown:
    la   t0, nvms
    lw   s2, 0(t0)
    la   s3, vm_table
    li   s1, 0
    li   s4, 0
1:  bge  s4, s2, 2f
    slli t0, s4, VM_SHIFT
    add  t0, s3, t0
    lw   t1, VM_CODE(t0)
    addi s4, s4, 1
    beqz t1, 1b
    bnez s1, 1b
    mv   s1, t1
    j    1b
2:  la   a0, s_alldone
    call hv_puts
    mv   a0, s1
    call hv_putdec
    li   a0, '\n'
    call hv_putc
    mv   a0, s1
    call hv_halt_machine

# vm_stop(a0 = vm, a1 = exit code): the VM is over: print its exit counts, drop its TLB
# entries. Its memory and disk stay as they are.
vm_stop:
    PROLOGUE
    mv   s1, a0
    sw   a1, VM_CODE(s1)
    call vm_flush                       # its last, unfinished line
    li   t0, VCS_STOPPED
    sw   t0, VC_STATE(s1)
.if NAIVE
    EPILOGUE                            # no exits to count: there is no guest mode
.else
    lw   t0, VC_VMID(s1)
    tlbinvvmid t0
.endif
    la   a0, s_vm
    call hv_puts
    lw   a0, VC_ID(s1)
    call hv_putdec
    la   a0, s_exits
    call hv_puts
    lw   a0, VC_EXITS(s1)
    call hv_putdec
    la   a0, s_exits2
    call hv_puts
    li   s2, 1                          # reason
    li   s3, 0                          # printed one already
1:  li   t0, NEXIT_REASONS
    bge  s2, t0, 3f
    slli t0, s2, 2
    add  t0, t0, s1
    lw   s4, VC_EXITS(t0)
    beqz s4, 2f
    beqz s3, 11f
    la   a0, s_comma
    call hv_puts
11: li   s3, 1
    slli t0, s2, 2
    la   t1, exit_names
    add  t0, t0, t1
    lw   a0, 0(t0)
    call hv_puts
    li   a0, ' '
    call hv_putc
    mv   a0, s4
    call hv_putdec
2:  addi s2, s2, 1
    j    1b
3:  la   a0, s_rparen
    call hv_puts
    EPILOGUE

# vm_lines(a0 = vm) -> a0 = its pending virtual lines that its kernel has enabled
# (ienable): the wake condition of wfi (ISA.md §10). Uses the guest's ienable as saved
# at the vm's last exit.
vm_lines:
    PROLOGUE
    mv   s1, a0
    addi a0, a0, VM_VD
    call vdev_lines
    lw   t0, VC_G_IENABLE(s1)
    and  a0, a0, t0
    EPILOGUE

# hv_poll(): turn pending physical interrupts into VM events, wake the VMs they concern.
# Sets resched if the time slice is over.
hv_poll:
    PROLOGUE
    csrr s1, ipend
    andi t0, s1, IRQB_TIMER
    beqz t0, 1f
    call hv_timer_fired
1:  andi t0, s1, IRQB_CONSOLE
    beqz t0, 2f
    call con_rx
2:  andi t0, s1, IRQB_DISK | IRQB_DISK1 | IRQB_DISK2
    beqz t0, 3f
    mv   a0, t0
    call disk_done
3:  la   t0, nvms                       # wake the waiting VMs that have a line now
    lw   s2, 0(t0)
    la   s3, vm_table
    li   s4, 0
4:  bge  s4, s2, 9f
    slli t0, s4, VM_SHIFT
    add  s5, s3, t0
    addi s4, s4, 1
    lw   t0, VC_STATE(s5)
    li   t1, VCS_WAITING
    bne  t0, t1, 4b
    mv   a0, s5
    call vm_lines
    beqz a0, 4b
    li   t0, VCS_RUNNABLE
    sw   t0, VC_STATE(s5)
    j    4b
9:  EPILOGUE

# hv_timer_fired(): the physical timer: fire the VMs' virtual timers that are due, note
# the end of the time slice, program the next deadline.
hv_timer_fired:
    PROLOGUE
    call hv_now
    mv   s1, a0
    mv   s2, a1
    la   t0, nvms
    lw   s3, 0(t0)
    la   s4, vm_table
    li   s5, 0
1:  bge  s5, s3, 2f
    slli t0, s5, VM_SHIFT
    add  a0, s4, t0
    addi s5, s5, 1
    lw   t0, VC_STATE(a0)
    li   t1, VCS_STOPPED
    beq  t0, t1, 1b
    addi a0, a0, VM_VD
    mv   a1, s1
    mv   a2, s2
    call vdev_tick
    j    1b
2:  la   t0, slice_end                  # time slice over?
    lw   a2, 0(t0)
    lw   a3, 4(t0)
    mv   a0, s1
    mv   a1, s2
    call time_before
    bnez a0, 3f
    la   t0, resched
    li   t1, 1
    sw   t1, 0(t0)
3:  call hv_timer_program
    EPILOGUE

# hv_slice_start(): the current VM's time slice starts now.
hv_slice_start:
    PROLOGUE
    call hv_now
    li   t0, HV_SLICE
    add  t1, a0, t0
    sltu t2, t1, a0
    add  a1, a1, t2
    la   t0, slice_end
    sw   t1, 0(t0)
    sw   a1, 4(t0)
    la   t0, resched
    sw   zero, 0(t0)
    EPILOGUE

# hv_timer_program(): the physical timer fires at the earliest of the VMs' timer
# deadlines and, when two VMs are runnable, the end of the time slice; it is off if
# there is neither. The TIMER line is acknowledged here (after moving the compare
# value, so a one-shot timer does not re-latch, ISA.md §9).
hv_timer_program:
    PROLOGUE
    li   t0, TIMER_CTRL
    sw   zero, 0(t0)
    li   t0, TIMER_ACK
    sw   zero, 0(t0)
    li   s1, -1                         # earliest deadline so far (s1 = lo, s2 = hi)
    li   s2, -1
    li   s6, 0                          # runnable VMs
    la   t0, nvms
    lw   s3, 0(t0)
    la   s4, vm_table
    li   s5, 0
1:  bge  s5, s3, 3f
    slli t0, s5, VM_SHIFT
    add  s7, s4, t0
    addi s5, s5, 1
    lw   t0, VC_STATE(s7)
    li   t1, VCS_STOPPED
    beq  t0, t1, 1b
    li   t1, VCS_RUNNABLE
    bne  t0, t1, 11f
    addi s6, s6, 1
11: addi a0, s7, VM_VD
    call vdev_deadline
    beqz a0, 1b
    mv   s8, a1
    mv   a0, a1
    mv   a1, a2
    mv   a2, s1
    mv   a3, s2
    mv   s7, a1
    call time_before
    beqz a0, 1b
    mv   s1, s8
    mv   s2, s7
    j    1b
3:  li   t0, 2
    blt  s6, t0, 4f
    la   t0, slice_end
    lw   a0, 0(t0)
    lw   a1, 4(t0)
    mv   s7, a0
    mv   s8, a1
    mv   a2, s1
    mv   a3, s2
    call time_before
    beqz a0, 4f
    mv   s1, s7
    mv   s2, s8
4:  and  t0, s1, s2
    li   t1, -1
    beq  t0, t1, 9f                     # nothing to wait for
    li   t0, TIMER_INTERVAL
    sw   zero, 0(t0)
    li   t0, TIMER_CMPLO
    sw   s1, 0(t0)
    li   t0, TIMER_CMPHI
    sw   s2, 0(t0)
    li   t0, TIMER_CTRL
    li   t1, 1
    sw   t1, 0(t0)
9:  EPILOGUE

# hv_now() -> a0 = cycle low, a1 = high (read consistently). Leaf.
hv_now:
1:  csrr a1, cycleh
    csrr a0, cycle
    csrr t0, cycleh
    bne  a1, t0, 1b
    ret

# time_before(a0:a1, a2:a3) -> a0 = 1 if the first 64-bit time is earlier. Leaf.
time_before:
    bltu a1, a3, 1f
    bne  a1, a3, 2f
    bltu a0, a2, 1f
2:  li   a0, 0
    ret
1:  li   a0, 1
    ret

# hv_halt_machine(a0 = code): power off.
hv_halt_machine:
    li   t0, SYSCTL_HALT
    sw   a0, 0(t0)
1:  j    1b

.rodata
s_alldone: .asciz "hv: every VM has stopped; powering off with code "
s_exits:   .asciz ": "
s_exits2:  .asciz " VM exits ("
s_comma:   .asciz ", "
s_rparen:  .asciz ")\n"
n_unknown: .asciz "?"
n_hcall:   .asciz "HYPERCALL"
n_priv:    .asciz "PRIV"
n_csr:     .asciz "CSR"
n_tlb:     .asciz "TLB"
n_sens:    .asciz "SENSITIVE"
n_gpa:     .asciz "GPA_FAULT"
n_mmio:    .asciz "MMIO"
n_irq:     .asciz "IRQ"
n_exc:     .asciz "EXCEPTION"
n_wfi:     .asciz "WFI"
n_mcheck:  .asciz "MACHINE_CHECK"
    .balign 4
exit_names:
    .word n_unknown, n_hcall, n_priv, n_csr, n_tlb, n_sens, n_gpa, n_mmio, n_irq, n_exc
    .word n_wfi, n_mcheck
.data
    .balign 4
slice_end: .word 0, 0
resched:   .word 0
.text
