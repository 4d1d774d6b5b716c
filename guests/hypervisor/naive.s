# naive.s — naive deprivileging (option naive): a trap-and-emulate monitor with no
# guest mode, to show why Popek and Goldberg's condition matters.
#
# Concept (seed: VM lecture, Popek & Goldberg 1974; ISA.md §12): a classic VMM on a
# machine without virtualization support runs the guest kernel *deprivileged* — here
# in host ring 1, with the monitor in ring 0 — executes its instructions natively and
# emulates whatever traps. That is correct only if every sensitive instruction is
# privileged (traps outside ring 0). ringvm's getst is sensitive but not privileged: in
# ring 1 it just returns the real status, RING = 1, and the monolithic kernel's boot
# check (guests/monolithic/main.s) sees that it is not in ring 0 and stops. Nothing
# trapped, so the monitor never had a chance to lie to it.
#
# How the guest runs: its kernel lives in kseg, which ring 1 cannot touch at all (ISA.md
# §5 — the same problem Disco had with MIPS KSEG0, and solved by relinking IRIX), so
# every fetch would trap. The monitor therefore runs the guest one instruction at a
# time, the way a debugger single-steps out of line: it copies the instruction to a
# trampoline page mapped for ring 1, followed by `break`, and returns to ring 1 there
# with the guest's registers. The instruction runs natively in ring 1; `break` brings
# the monitor back. Control transfers are computed by the monitor (a copied branch would
# be relative to the copy). An instruction that traps in ring 1 is emulated: loads and
# stores to kseg (memory of the VM, or its devices, hv/vdev.s) and the CSR instructions
# (on the VM's virtual CSRs, the vCPU's VC_G_* words). getst does not trap.
#
# The monitor runs in host ring 0 (tvec = naive_trap); ring -1 only boots it.

.equ NAIVE_TRAMP, 0x7FFFE000            # the trampoline's useg address (ring 1: no U)
.equ NAIVE_BREAK, 0x04000003            # break

# naive_start: from _start, in ring -1, with the VMs made: map the trampoline for the
# host rings, enter ring 0 (V = 0: no guest mode from here on) at naive_run.
naive_start:
    la   a0, s_naive1
    call hv_puts
    li   t0, NAIVE_TRAMP | 0            # VPN, ASID 0
    csrw tlbhi, t0
    la   t0, naive_tramp
    li   t1, KSEG
    sub  t0, t0, t1
    ori  t0, t0, TLB_V | TLB_R | TLB_X | TLB_G
    csrw tlblo, t0
    csrw tlbidx, zero
    csrw tlbvmid, zero                  # a host entry (VMID 0)
    tlbwi
    la   t0, naive_trap
    csrw tvec, t0
    la   t0, naive_run
    csrw hepc, t0
    csrw hstatus, zero                  # PRING 0, PV 0: rfe to host ring 0
    rfe

# naive_run: one guest instruction (ring 0, the monitor's loop).
naive_run:
    la   sp, hv_stack_top
    la   s0, vm_table                   # vm1
    lw   t0, VC_STATE(s0)
    li   t1, VCS_RUNNABLE
    bne  t0, t1, naive_done
    lw   s1, VC_PC(s0)
    li   t0, KSEG
    bltu s1, t0, 80f                    # the guest left kseg (user mode): not shown here
    andi t0, s1, 3
    bnez t0, 81f
    li   t0, KSEG
    sub  t1, s1, t0                     # guest-physical pc
    lw   t2, VC_HLIMIT(s0)
    bgeu t1, t2, 81f
    lw   t2, VC_HBASE(s0)
    add  t1, t1, t2
    add  t1, t1, t0
    lw   s2, 0(t1)                      # the instruction
    la   t0, naive_count
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    srli t0, s2, 26
    li   t1, 2
    beq  t0, t1, 10f                    # j
    li   t1, 3
    beq  t0, t1, 11f                    # jal
    li   t1, 0xa
    beq  t0, t1, 12f                    # jalr
    addi t1, t0, -4
    sltiu t1, t1, 6
    bnez t1, 20f                        # beq .. bgeu
    # anything else runs natively in ring 1, out of line
    la   t0, naive_tramp
    sw   s2, 0(t0)
    li   t1, NAIVE_BREAK
    sw   t1, 4(t0)
    la   t0, naive_word
    sw   s2, 0(t0)
    li   t0, NAIVE_TRAMP
    csrw epc, t0
    li   t0, 1 << ST_PRING_SHIFT        # ring 1, interrupts off
    csrw status, t0
    csrw scratch, s0
    mv   t0, s0
    VCPU_LOAD_GPRS
    lw   t0, 20(t0)
    rfe

10: slli t0, s2, 6                      # j: pc += 4 * sext(imm26)
    srai t0, t0, 4
    add  s1, s1, t0
    j    90f
11: addi t1, s1, 4                      # jal
    sw   t1, 4(s0)
    j    10b
12: srli t0, s2, 16                     # jalr rd, rs1, imm
    andi t0, t0, 31
    slli t0, t0, 2
    add  t0, t0, s0
    lw   t0, VC_REGS(t0)
    slli t1, s2, 16
    srai t1, t1, 16
    add  t3, t0, t1                     # the target
    mv   a0, s0
    srli a1, s2, 21
    addi a2, s1, 4
    call vcpu_setreg
    mv   s1, t3
    j    91f
20: srli t0, s2, 21                     # beq .. bgeu rs1, rs2: compare
    andi t0, t0, 31
    slli t0, t0, 2
    add  t0, t0, s0
    lw   t2, VC_REGS(t0)                # rs1's value
    srli t0, s2, 16
    andi t0, t0, 31
    slli t0, t0, 2
    add  t0, t0, s0
    lw   t3, VC_REGS(t0)                # rs2's value
    srli t0, s2, 26
    li   t1, 4
    beq  t0, t1, 24f
    li   t1, 5
    beq  t0, t1, 25f
    li   t1, 6
    beq  t0, t1, 26f
    li   t1, 7
    beq  t0, t1, 27f
    li   t1, 8
    beq  t0, t1, 28f
    bgeu t2, t3, 29f                    # bgeu
    j    30f
24: beq  t2, t3, 29f
    j    30f
25: bne  t2, t3, 29f
    j    30f
26: blt  t2, t3, 29f
    j    30f
27: bge  t2, t3, 29f
    j    30f
28: bltu t2, t3, 29f
30: addi s1, s1, 4                      # not taken
    j    91f
29: slli t0, s2, 16                     # taken: pc += 4 * sext(imm16)
    srai t0, t0, 14
    add  s1, s1, t0
    j    91f

90: la   t0, naive_transfers            # a control transfer done by the monitor
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    sw   s1, VC_PC(s0)
    j    naive_run
91: la   t0, naive_transfers
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    sw   s1, VC_PC(s0)
    j    naive_run

80: la   a1, s_nkseg
    j    naive_stop
81: la   a1, s_nfetch
    j    naive_stop

# naive_trap: every trap from ring 1 (the guest's instruction or the break after it).
    .balign 16
naive_trap:
    csrrw t0, scratch, t0               # t0 = the vm, scratch = guest t0
    VCPU_SAVE_GPRS
    csrr t1, scratch
    sw   t1, 20(t0)
    csrw scratch, zero
    la   sp, hv_stack_top
    mv   s0, t0
    csrr s1, cause
    csrr s2, epc
    csrr s3, badvaddr
    la   t0, naive_word
    lw   s4, 0(t0)                      # the instruction that ran
    li   t0, CAUSE_BREAKPOINT
    bne  s1, t0, 1f
    li   t0, NAIVE_TRAMP + 4
    bne  s2, t0, 1f
    lw   t0, VC_PC(s0)                  # it ran natively: next instruction
    addi t0, t0, 4
    sw   t0, VC_PC(s0)
    j    naive_run
1:  li   t0, NAIVE_TRAMP
    bne  s2, t0, 70f
    la   t0, naive_trapped              # it trapped in ring 1: emulate it
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 0(t0)
    li   t0, CAUSE_TLB_PROT_LOAD
    beq  s1, t0, naive_mem
    li   t0, CAUSE_TLB_PROT_STORE
    beq  s1, t0, naive_mem
    li   t0, CAUSE_PRIVILEGED
    beq  s1, t0, naive_priv
70: la   a1, s_ntrap
    j    naive_stop

# naive_mem: a load or store to kseg (badvaddr = s3) by instruction s4: the VM's RAM
# through its hbase, or its devices.
naive_mem:
    li   t0, KSEG
    bltu s3, t0, 79f                    # a real protection fault on a useg page
    sub  s5, s3, t0                     # guest-physical address
    srli s6, s4, 26                     # opcode
    srli s7, s4, 21
    andi s7, s7, 31                     # rd (loads, cas) or rs2 (stores)
    lw   t1, VC_HLIMIT(s0)
    bgeu s5, t1, 60f
    lw   t1, VC_HBASE(s0)
    add  s8, s5, t1
    add  s8, s8, t0                     # the host's kseg address of the byte
    li   t0, 0x18
    beq  s6, t0, 41f
    li   t0, 0x19
    beq  s6, t0, 42f
    li   t0, 0x1a
    beq  s6, t0, 43f
    li   t0, 0x1b
    beq  s6, t0, 44f
    li   t0, 0x1c
    beq  s6, t0, 45f
    mv   a0, s0                         # stores: the value of rs2
    mv   a1, s7
    call vcpu_getreg
    li   t0, 0x1d
    beq  s6, t0, 51f
    li   t0, 0x1e
    beq  s6, t0, 52f
    li   t0, 0x1f
    beq  s6, t0, 53f
    j    79f                            # (cas: not needed to boot this far)
41: lb   a2, 0(s8)
    j    49f
42: lh   a2, 0(s8)
    j    49f
43: lw   a2, 0(s8)
    j    49f
44: lbu  a2, 0(s8)
    j    49f
45: lhu  a2, 0(s8)
49: mv   a0, s0
    mv   a1, s7
    call vcpu_setreg
    j    58f
51: sb   a0, 0(s8)
    j    58f
52: sh   a0, 0(s8)
    j    58f
53: sw   a0, 0(s8)
58: lw   t0, VC_PC(s0)
    addi t0, t0, 4
    sw   t0, VC_PC(s0)
    j    naive_run
60: li   t0, 0x40000000                 # the device window: a word access only
    bltu s5, t0, 79f
    li   t0, 0x40010000
    bgeu s5, t0, 79f
    li   t0, 0x1a
    beq  s6, t0, 61f
    li   t0, 0x1f
    bne  s6, t0, 79f
    mv   a0, s0
    mv   a1, s7
    call vcpu_getreg
    mv   a3, a0
    li   a2, 1
    j    62f
61: li   a2, 0
    li   a3, 0
62: addi a0, s0, VM_VD
    mv   a1, s5
    mv   s8, a2
    call vdev_access
    bnez a1, 79f
    bnez s8, 58b
    mv   a2, a0
    mv   a0, s0
    mv   a1, s7
    call vcpu_setreg
    j    58b
79: la   a1, s_nmem
    j    naive_stop

# naive_priv: a privileged instruction trapped in ring 1: the CSR instructions are
# emulated on the VM's virtual CSRs (its vCPU's VC_G_* words, RING reading 0: the ring
# the guest believes it is in).
naive_priv:
    srli s6, s4, 26
    addi t0, s6, -0x21
    sltiu t0, t0, 3
    beqz t0, 69f                        # not csrrw/csrrs/csrrc
    andi t0, s4, 0xFFF
    addi t0, t0, -0x100
    sltiu t1, t0, 14
    beqz t1, 69f                        # not one of the banked CSRs
    slli t0, t0, 2
    add  s5, s0, t0
    addi s5, s5, VC_GCSR                # its word
    lw   s7, 0(s5)                      # old value
    srli t0, s4, 16
    andi s8, t0, 31                     # rs1
    mv   a0, s0
    mv   a1, s8
    call vcpu_getreg
    li   t0, 0x21
    beq  s6, t0, 63f                    # csrrw: new = rs1
    beqz s8, 65f                        # csrrs/csrrc with zero: no write
    li   t0, 0x22
    bne  s6, t0, 64f
    or   a0, s7, a0                     # csrrs
    j    63f
64: not  a0, a0                         # csrrc
    and  a0, s7, a0
63: andi t0, s4, 0xFFF
    li   t1, 0x10d                      # cpuid: read-only
    beq  t0, t1, 65f
    li   t1, 0x100                      # status: IE, PIE, PRING
    bne  t0, t1, 66f
    andi a0, a0, ST_IE | ST_PIE | ST_PRING
66: sw   a0, 0(s5)
65: mv   a0, s0
    srli a1, s4, 21
    mv   a2, s7
    call vcpu_setreg
    j    58b
69: la   a1, s_npriv
    j    naive_stop

# naive_stop(a1 = what): the monitor cannot go on with this guest.
naive_stop:
    mv   s1, a1
    la   a0, s_nstop
    call hv_puts
    mv   a0, s1
    call hv_puts
    la   a0, s_natpc
    call hv_puts
    lw   a0, VC_PC(s0)
    call hv_puthex
    li   a0, '\n'
    call hv_putc
    mv   a0, s0
    li   a1, HV_STOPPED_CODE
    call vm_stop
    j    naive_done

# naive_done: the guest has stopped: what the monitor did, then power off.
naive_done:
    la   a0, s_nsum1
    call hv_puts
    la   t0, naive_count
    lw   a0, 0(t0)
    call hv_putdec
    la   a0, s_nsum2
    call hv_puts
    la   t0, naive_trapped
    lw   a0, 0(t0)
    call hv_putdec
    la   a0, s_nsum3
    call hv_puts
    la   t0, naive_transfers
    lw   a0, 0(t0)
    call hv_putdec
    la   a0, s_nsum4
    call hv_puts
    j    hv_shutdown

.rodata
s_naive1: .asciz "hv: naive: vm1's kernel runs in host ring 1 under a ring-0 monitor that emulates what traps\n"
s_nstop:  .asciz "hv: naive: vm1 stopped: "
s_natpc:  .asciz " at pc "
s_nkseg:  .asciz "it left kseg (user mode is beyond this demonstration)"
s_nfetch: .asciz "a fetch outside its memory"
s_ntrap:  .asciz "a trap the monitor does not emulate"
s_nmem:   .asciz "an access the monitor does not emulate"
s_npriv:  .asciz "a privileged instruction the monitor does not emulate"
s_nsum1:  .asciz "hv: naive: "
s_nsum2:  .asciz " guest instructions ran one at a time in ring 1; "
s_nsum3:  .asciz " trapped and were emulated, "
s_nsum4:  .asciz " control transfers were computed by the monitor; getst never trapped\n"
.data
    .balign 4
naive_word:      .word 0                # the instruction on the trampoline
naive_count:     .word 0
naive_trapped:   .word 0
naive_transfers: .word 0
.bss
    .balign 4096
naive_tramp: .space 4096
.text
