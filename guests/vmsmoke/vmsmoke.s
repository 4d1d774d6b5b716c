# vmsmoke.s — smoke test of ring -1: a hypervisor that creates a guest with its own
# guest-physical memory, enters it, and emulates what exits.
#
# Concept: type-1 virtualization by trap-and-emulate (seeds: VM types; Disco/ESX and
# Xen lectures). The guest runs in guest ring 0 with its own copies of the kernel CSRs;
# the second stage (hbase/hlimit) confines it to GUEST_SIZE bytes of host memory; hctl
# chooses what exits: TLB writes (Disco-style TLB virtualization) and every guest
# exception. What the guest does, in order:
#   1. hcall 1        -> exit HYPERCALL; the hypervisor answers 42 in a0
#   2. getst          -> reads its own status: ring 0, although the host is in ring -1
#   3. tlbwi          -> exit TLB; the hypervisor validates and installs the entry with
#                        the guest's VMID; the guest then uses the mapping
#   4. lw outside its memory -> exit GPA_FAULT; the hypervisor skips the access
#   5. hcall 0        -> report; the hypervisor halts with 0 if everything happened
# Exit code otherwise: bits 0-2 = hypervisor events missing, bits 3-5 = guest checks failed.

.include "ringvm.inc"
.hypervisor                         # boot CPU 0 in ring -1 (ISA.md §11)
.include "hv/vcpu.inc"

.equ GUEST_HPA, 0x00100000          # host-physical base of the guest's RAM
.equ GUEST_SIZE, 0x00010000         # 64 KiB of guest-physical memory
.equ GUEST_LOAD, 0x1000             # guest-physical address of the guest code
.equ GUEST_VMID, 1
.equ HC_DONE, 0
.equ HC_HELLO, 1

.text
.global _start
_start:
    la   sp, hstack_top
    la   t0, hv_exit_entry              # every exit: hv/exit.s saves the vCPU, calls hv_exit
    csrw hvec, t0
    call vtlb_init                      # (sizes the TLB for hv/vtlb.s)
    la   a0, msg_banner
    call kputs

    # Copy the guest image into its memory (the hypervisor reaches it through kseg).
    la   t0, guest_image
    la   t1, guest_image_end
    li   t2, KSEG + GUEST_HPA + GUEST_LOAD
1:  lw   t3, 0(t0)
    sw   t3, 0(t2)
    addi t0, t0, 4
    addi t2, t2, 4
    bltu t0, t1, 1b

    # The vCPU (hv/vcpu.s): it enters guest-kseg GUEST_LOAD in guest ring 0, with a
    # second stage of guest-physical [0, GUEST_SIZE) -> host-physical GUEST_HPA + gpa,
    # and TLB writes (Disco-style TLB virtualization) and every exception exiting.
    la   a0, guest_vcpu
    li   a1, KSEG + GUEST_LOAD
    li   a2, GUEST_HPA
    li   a3, GUEST_SIZE
    li   a4, GUEST_VMID
    li   a5, HCTL_TLB | HCTL_EXC
    li   a6, 1
    call vcpu_init
    la   a0, guest_vcpu
    call vcpu_load
    la   a0, guest_vcpu
    j    hv_enter

# ---------------------------------------------------------------- VM exits
# hv/exit.s has saved the guest's registers in the vCPU (a0) and counted the exit;
# dispatch on the reason (a1).
hv_exit:
    la   a2, exit_table
    j    hv_dispatch

exit_unexpected:
    la   a0, msg_unexpected
    call kputs
    csrr a0, hcause
    call kputhex
    la   a0, msg_qual
    call kputs
    csrr a0, hqual
    call kputhex
    la   a0, msg_at
    call kputs
    csrr a0, hepc
    call kputhex
    li   a0, '\n'
    call kputc
    li   a0, 0xFF
    call khalt

hv_fatal:
    j    exit_unexpected

# Skip the exiting instruction and re-enter the guest with its registers.
resume_next:
    la   a0, guest_vcpu
    lw   t0, VC_PC(a0)
    addi t0, t0, 4
    sw   t0, VC_PC(a0)
resume:
    la   a0, guest_vcpu
    j    hv_enter

exit_hypercall:
    la   t0, guest_vcpu
    lw   t1, 68(t0)                   # guest a7 (r17): hypercall number
    li   t2, HC_HELLO
    beq  t1, t2, hc_hello
    li   t2, HC_DONE
    beq  t1, t2, hc_done
    li   t1, -1                       # unknown hypercall
    sw   t1, 40(t0)
    j    resume_next

hc_hello:
    la   a0, msg_hcall
    call kputs
    la   t0, guest_vcpu
    lw   a0, 40(t0)                   # guest a0 (r10)
    call kputdec
    la   a0, msg_hcall2
    call kputs
    la   t0, guest_vcpu
    li   t1, 42
    sw   t1, 40(t0)                   # result in the guest's a0
    li   t1, 1
    j    record_and_resume

# Disco-style TLB virtualization (hv/vtlb.s): the guest's tlbwi exits; the PFN must be
# guest-physical memory the guest owns, then the entry is installed tagged with the
# guest's VMID (the second stage still applies when the guest uses it).
exit_tlb:
    csrr s1, hinsn
    la   a0, msg_tlb
    call kputs
    mv   a0, s1
    call kputhex
    la   a0, guest_vcpu
    mv   a1, s1
    call vtlb_emulate                 # validates, installs, skips the instruction
    bnez a0, tlb_refuse
    la   a0, msg_tlb_ok
    call kputs
    li   t1, 2
    j    record_and_continue
tlb_refuse:
    la   a0, msg_tlb_refused
    call kputs
    j    resume_next

exit_gpa_fault:
    la   a0, msg_gpa
    call kputs
    csrr a0, hgpa
    call kputhex
    la   a0, msg_gva
    call kputs
    csrr a0, hbadvaddr
    call kputhex
    li   a0, '\n'
    call kputc
    li   t1, 4
    j    record_and_resume

# t1 = event bit to record in hv_events, then resume after the instruction.
record_and_resume:
    la   t0, hv_events
    lw   t2, 0(t0)
    or   t2, t2, t1
    sw   t2, 0(t0)
    j    resume_next

# the same, when the emulation already advanced the guest's pc
record_and_continue:
    la   t0, hv_events
    lw   t2, 0(t0)
    or   t2, t2, t1
    sw   t2, 0(t0)
    j    resume

hc_done:
    la   a0, msg_done
    call kputs
    la   t0, guest_vcpu
    lw   t1, 40(t0)                   # the guest's own checks (bits 0-2)
    xori t1, t1, 7
    andi t1, t1, 7
    slli t1, t1, 3
    la   t0, hv_events
    lw   t2, 0(t0)
    xori t2, t2, 7
    andi t2, t2, 7
    or   s1, t1, t2                   # missing events and failed checks
    bnez s1, 1f
    la   a0, msg_pass
    call kputs
    li   a0, 0
    call khalt
1:  la   a0, msg_fail
    call kputs
    mv   a0, s1
    call kputhex
    li   a0, '\n'
    call kputc
    mv   a0, s1
    call khalt

.include "base/kprint.s"
.include "hv/exit.s"
.include "hv/vcpu.s"
.include "hv/vtlb.s"

# ---------------------------------------------------------------- the guest
# Copied to guest-physical GUEST_LOAD and run at guest-kseg KSEG + GUEST_LOAD in guest
# ring 0. Position-independent: it uses no absolute address of the host image.
    .balign 4
guest_image:
    li   s1, 0                        # guest-side checks passed (bits)
    li   a0, 7
    li   a7, HC_HELLO
    hcall                             # 1: exits; the hypervisor answers 42
    li   t0, 42
    bne  a0, t0, 1f
    ori  s1, s1, 1
1:  getst t0                          # 2: the guest copy of status: ring 0
    srli t0, t0, ST_RING_SHIFT
    andi t0, t0, 7
    bnez t0, 2f
    ori  s1, s1, 2
2:  li   t0, 0x00400000               # 3: map useg 0x00400000 -> guest-physical 0x2000
    csrw tlbhi, t0
    li   t0, 0x2000 | TLB_V | TLB_R | TLB_W
    csrw tlblo, t0
    li   t0, 5
    csrw tlbidx, t0
    tlbwi                             # exits TLB; installed by the hypervisor
    li   t0, 0x00400000
    li   t1, 0x1234
    sw   t1, 0(t0)                    # through the new mapping ...
    li   t0, KSEG + 0x2000
    lw   t2, 0(t0)                    # ... and back through guest kseg
    bne  t1, t2, 3f
    ori  s1, s1, 4
3:  li   t0, KSEG + 0x20000           # 4: beyond hlimit: exits GPA_FAULT, skipped
    lw   t1, 0(t0)
    mv   a0, s1
    li   a7, HC_DONE
    hcall                             # 5: report and stop
4:  j    4b
guest_image_end:

.rodata
msg_banner:      .asciz "vmsmoke: ring -1 hypervisor up; entering guest VMID 1\n"
msg_hcall:       .asciz "vmsmoke: hypercall 1 from the guest, a0="
msg_hcall2:      .asciz "; answering 42\n"
msg_tlb:         .asciz "vmsmoke: guest TLB write exited (hinsn="
msg_tlb_ok:      .asciz "); installed with the guest's VMID\n"
msg_tlb_refused: .asciz "); refused: PFN outside the guest\n"
msg_gpa:         .asciz "vmsmoke: caught a guest access outside its memory: gpa="
msg_gva:         .asciz " gva="
msg_done:        .asciz "vmsmoke: guest finished\n"
msg_pass:        .asciz "vmsmoke: hypercall, TLB exit emulation, GPA fault: all OK\n"
msg_fail:        .asciz "vmsmoke: FAILED, missing="
msg_unexpected:  .asciz "vmsmoke: unexpected VM exit, reason="
msg_qual:        .asciz " qual="
msg_at:          .asciz " at guest pc "

    .balign 4
exit_table:                           # by exit reason (ISA.md §8)
    .word exit_unexpected, exit_hypercall, exit_unexpected, exit_unexpected, exit_tlb
    .word exit_unexpected, exit_gpa_fault, exit_unexpected, exit_unexpected
    .word exit_unexpected, exit_unexpected, exit_unexpected

.data
hv_events:  .word 0

.bss
    .balign 16
guest_vcpu: .space VC_SIZE
hstack:     .space 4096
hstack_top:
hv_stack_top:
