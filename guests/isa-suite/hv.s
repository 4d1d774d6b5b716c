# hv.s — ring -1 (ISA.md §8): VM entry, exits and their information registers, the
# second stage (hbase/hlimit), MMIO and GPA faults, exit controls, guest-delivered
# exceptions, and getst in a guest (Popek-Goldberg). Boots in ring -1 (.hypervisor).
#
# Each guest snippet is copied to guest-physical 0x1000 (guest kseg 0x80001000) and run
# in guest ring 0 until it exits; hv_record stores the exit and continues at the
# resume address (like trap_record in check.inc).
.hypervisor
.include "check.inc"

.equ GRAM, 0x10000               # bytes of guest RAM (hlimit)
.equ GVA, 0x80001000             # where a snippet runs (guest kseg, gpa 0x1000)

.equ HV_CAUSE, 0
.equ HV_EPC, 4
.equ HV_BADV, 8
.equ HV_GPA, 12
.equ HV_INSN, 16
.equ HV_QUAL, 20
.equ HV_STATUS, 24
.equ HV_RESUME, 28

# GUEST start, end, hctl, resume: run the snippet [start, end) in the guest
.macro GUEST start, end, hctl, resume
    la   a0, \start
    la   a1, \end
    li   a2, \hctl
    la   a3, \resume
    call run_guest
.endm

.macro HVINFO reg, field
    la   \reg, hvinfo
    lw   \reg, \field(\reg)
.endm

# ---- guest snippets (position-independent)
g_hcall:
    li   a0, 123
    hcall
g_hcall_end:
g_gpa:
    li   t0, 0x80000000 + 0x20000        # gpa 0x20000 >= hlimit
    lw   t1, 0(t0)
g_gpa_end:
g_mmio:
    li   t0, CONSOLE_STATUS              # gpa 0x40001004: the device window
    li   t1, 5
    sw   t1, 0(t0)
g_mmio_end:
g_mem:
    li   t0, 0x80002000                  # gpa 0x2000: guest RAM
    lw   t1, 0(t0)
    addi t1, t1, 1
    sw   t1, 4(t0)
    hcall
g_mem_end:
g_getst:
    getst a0
    hcall
g_getst_end:
g_csr:
    csrr t0, hstatus
g_csr_end:
g_tlb:
    tlbwr
g_tlb_end:
g_wfi:
    wfi
g_wfi_end:
g_own:                                   # a guest exception to the guest's own tvec
    syscall
    nop
g_own_handler:                           # at GVA + 8
    csrr a0, cause
    csrr a1, epc
    hcall
g_own_end:

# ---- ring -1 side
test_main:
    la   t0, saved_main_ra
    sw   ra, 0(t0)
    getst s1
    andi s1, s1, ST_RING
    CHECK s1, 7 << ST_RING_SHIFT, "boots in ring -1 (.hypervisor)"
    la   t0, hv_record
    csrw hvec, t0
    la   t0, guest_ram
    li   t1, KSEG
    sub  t0, t0, t1
    csrw hbase, t0
    li   t0, GRAM
    csrw hlimit, t0
    li   t0, 1
    csrw hvmid, t0

    GUEST g_hcall, g_hcall_end, 0, 1f
1:  HVINFO s1, HV_CAUSE
    CHECK s1, EXIT_HYPERCALL, "hcall exits HYPERCALL"
    HVINFO s1, HV_EPC
    CHECK s1, GVA + 4, "exit: hepc = the hcall"
    HVINFO s1, HV_INSN
    CHECK s1, 0x04000002, "exit: hinsn = the hcall word"
    CHECK a0, 123, "the guest's registers are the hypervisor's"
    HVINFO s1, HV_STATUS
    andi s1, s1, ST_PV
    CHECK s1, ST_PV, "exit: hstatus.PV = 1"

    GUEST g_gpa, g_gpa_end, 0, 1f
1:  HVINFO s1, HV_CAUSE
    CHECK s1, EXIT_GPA_FAULT, "load above hlimit exits GPA_FAULT"
    HVINFO s1, HV_GPA
    CHECK s1, 0x20000, "GPA_FAULT: hgpa"
    HVINFO s1, HV_BADV
    CHECK s1, 0x80020000, "GPA_FAULT: hbadvaddr = guest-virtual"
    HVINFO s1, HV_QUAL
    CHECK s1, 1, "GPA_FAULT: hqual = load"

    GUEST g_mmio, g_mmio_end, 0, 1f
1:  HVINFO s1, HV_CAUSE
    CHECK s1, EXIT_MMIO, "device window exits MMIO"
    HVINFO s1, HV_GPA
    CHECK s1, 0x40001004, "MMIO: hgpa"
    HVINFO s1, HV_QUAL
    CHECK s1, 2, "MMIO: hqual = store"

    la   t0, guest_ram
    li   t1, 41
    sw   t1, 0x2000(t0)
    GUEST g_mem, g_mem_end, 0, 1f
1:  HVINFO s1, HV_CAUSE
    CHECK s1, EXIT_HYPERCALL, "guest RAM access does not exit"
    la   t0, guest_ram
    lw   s1, 0x2004(t0)
    CHECK s1, 42, "second stage: gpa -> hbase + gpa"

    GUEST g_getst, g_getst_end, 0, 1f
1:  andi s1, a0, ST_RING
    CHECK s1, 0, "getst in the guest kernel shows ring 0"
    GUEST g_getst, g_getst_end, HCTL_SENS, 1f
1:  HVINFO s1, HV_CAUSE
    CHECK s1, EXIT_SENSITIVE, "getst under SENS exits SENSITIVE"

    GUEST g_csr, g_csr_end, 0, 1f
1:  HVINFO s1, HV_CAUSE
    CHECK s1, EXIT_CSR, "a ring -1 CSR in a guest exits CSR"
    HVINFO s1, HV_QUAL
    CHECK s1, 0x200, "CSR exit: hqual = CSR number"

    GUEST g_tlb, g_tlb_end, HCTL_TLB, 1f
1:  HVINFO s1, HV_CAUSE
    CHECK s1, EXIT_TLB, "tlbwr under TLB exits TLB"
    GUEST g_wfi, g_wfi_end, HCTL_WFI, 1f
1:  HVINFO s1, HV_CAUSE
    CHECK s1, EXIT_WFI, "wfi under WFI exits WFI"

    li   t0, GVA + 8
    csrw gtvec, t0
    GUEST g_own, g_own_end, 0, 1f
1:  HVINFO s1, HV_CAUSE
    CHECK s1, EXIT_HYPERCALL, "guest syscall goes to the guest's tvec"
    CHECK a0, CAUSE_SYSCALL, "the guest sees cause SYSCALL"
    CHECK a1, GVA, "the guest sees its own epc"
    csrr s1, gcause
    CHECK s1, CAUSE_SYSCALL, "ring -1 reads it through gcause"
    GUEST g_own, g_own_end, HCTL_EXC, 1f
1:  HVINFO s1, HV_CAUSE
    CHECK s1, EXIT_EXCEPTION, "guest syscall under EXC exits EXCEPTION"
    HVINFO s1, HV_QUAL
    CHECK s1, CAUSE_SYSCALL, "EXCEPTION: hqual = cause"

    # vmenter with hvmid 0 is illegal (a trap taken in ring -1)
    csrw hvmid, zero
    GUEST g_hcall, g_hcall_end, 0, 1f
1:  HVINFO s1, HV_CAUSE
    CHECK s1, CAUSE_ILLEGAL, "vmenter with hvmid 0 traps ILLEGAL"
    HVINFO s1, HV_STATUS
    andi s1, s1, ST_PV
    CHECK s1, 0, "a ring -1 trap: hstatus.PV = 0"
    la   t0, saved_main_ra
    lw   ra, 0(t0)
    ret

# run_guest(a0 = start, a1 = end, a2 = hctl, a3 = resume): copy the snippet to gpa
# 0x1000 and enter the guest in its ring 0; never returns (hv_record jumps to resume)
run_guest:
    la   t0, hvinfo
    sw   a3, HV_RESUME(t0)
    sw   zero, HV_CAUSE(t0)
    la   t1, guest_ram + 0x1000
1:  bgeu a0, a1, 2f
    lw   t2, 0(a0)
    sw   t2, 0(t1)
    addi a0, a0, 4
    addi t1, t1, 4
    j    1b
2:  csrw hctl, a2
    li   t0, GVA
    csrw hepc, t0
    csrw hstatus, zero               # guest ring 0 (PRING 0), IE 0
    csrw gstatus, zero
    vmenter

    .balign 4
hv_record:
    la   t1, hvinfo
    csrr t0, hcause
    sw   t0, HV_CAUSE(t1)
    csrr t0, hepc
    sw   t0, HV_EPC(t1)
    csrr t0, hbadvaddr
    sw   t0, HV_BADV(t1)
    csrr t0, hgpa
    sw   t0, HV_GPA(t1)
    csrr t0, hinsn
    sw   t0, HV_INSN(t1)
    csrr t0, hqual
    sw   t0, HV_QUAL(t1)
    csrr t0, hstatus
    sw   t0, HV_STATUS(t1)
    lw   t0, HV_RESUME(t1)
    jr   t0

.data
saved_main_ra: .word 0
    .balign 4
hvinfo: .word 0, 0, 0, 0, 0, 0, 0, 0
.bss
    .balign PAGE_SIZE
guest_ram: .space GRAM
