# user.s — ring 3 (ISA.md §4-§7): syscall from user mode, privileged instructions and
# CSRs, kseg from ring 3, TLB protection (R/W/X/U flags), getst, rfe into ring 3.
.include "check.inc"

# ---- user-mode snippets (the ucode page; each ends by trapping)
u_syscall:
    li   a0, 5
u_sys_insn:
    syscall
u_priv_csr:
    csrr t0, status
u_priv_rfe:
    rfe
u_priv_tlb:
    tlbwr
u_kseg:
    li   t0, 0x80001000
u_kseg_insn:
    lw   t1, 0(t0)
u_ro_load:
    li   t0, URO_VA
    lw   a0, 0(t0)               # allowed: R U
    syscall
u_ro_store:
    li   t0, URO_VA
u_ro_store_insn:
    sw   t0, 0(t0)
u_nou:
    li   t0, UNOU_VA
u_nou_insn:
    lw   t1, 0(t0)
u_nx:
    li   t0, UDATA_VA
u_nx_insn:
    jr   t0                      # the jump retires; the fetch traps
u_rw:
    li   t0, UDATA_VA
    lw   a0, 0(t0)
    addi a0, a0, 1
    sw   a0, 4(t0)
    syscall
u_getst:
    getst a0
    syscall
u_cycle:
    csrr a0, cycle               # ring 3 may read the cycle counter
    syscall

# ---- kernel side
.macro USER_TRAP label, cause, name
    TO_USER \label, 1f
1:  TRAPINFO s1, TI_CAUSE
    CHECK s1, \cause, \name
.endm

test_main:
    la   t0, saved_main_ra
    sw   ra, 0(t0)
    call map_user

    USER_TRAP u_syscall, CAUSE_SYSCALL, "syscall from ring 3"
    CHECK a0, 5, "user registers reach the kernel"
    TRAPINFO s1, TI_EPC
    UVA  s2, u_sys_insn
    CHECKR s1, s2, "syscall: epc = user address of the syscall"
    TRAPINFO s1, TI_STATUS
    andi s1, s1, ST_PRING
    CHECK s1, 3 << ST_PRING_SHIFT, "trap from ring 3: PRING = 3"

    USER_TRAP u_priv_csr, CAUSE_PRIVILEGED, "csrr status from ring 3"
    TRAPINFO s1, TI_BADV
    CHECK s1, 0x88000100 | (5 << 21), "privileged: badvaddr = instruction word"
    USER_TRAP u_priv_rfe, CAUSE_PRIVILEGED, "rfe from ring 3"
    USER_TRAP u_priv_tlb, CAUSE_PRIVILEGED, "tlbwr from ring 3"

    USER_TRAP u_kseg, CAUSE_TLB_PROT_LOAD, "kseg load from ring 3"
    TRAPINFO s1, TI_BADV
    CHECK s1, 0x80001000, "kseg load: badvaddr"
    TRAPINFO s1, TI_EPC
    UVA  s2, u_kseg_insn
    CHECKR s1, s2, "kseg load: epc"

    USER_TRAP u_ro_load, CAUSE_SYSCALL, "load from a read-only user page"
    CHECK a0, 0x55667788, "the read-only page's data"
    USER_TRAP u_ro_store, CAUSE_TLB_PROT_STORE, "store to a page without W"
    TRAPINFO s1, TI_BADV
    CHECK s1, URO_VA, "store to a page without W: badvaddr"
    la   t0, urodata
    lw   s1, 0(t0)
    CHECK s1, 0x55667788, "the faulting store wrote nothing"

    USER_TRAP u_nou, CAUSE_TLB_PROT_LOAD, "ring 3 load from a page without U"
    USER_TRAP u_nx, CAUSE_TLB_PROT_FETCH, "fetch from a page without X"
    TRAPINFO s1, TI_EPC
    CHECK s1, UDATA_VA, "fetch fault: epc = target"

    USER_TRAP u_rw, CAUSE_SYSCALL, "user load and store"
    la   t0, udata
    lw   s1, 4(t0)
    CHECK s1, 0x11223345, "the user store reached the mapped page"

    USER_TRAP u_getst, CAUSE_SYSCALL, "getst from ring 3"
    andi s1, a0, ST_RING
    CHECK s1, 3 << ST_RING_SHIFT, "getst shows ring 3"

    USER_TRAP u_cycle, CAUSE_SYSCALL, "cycle readable in ring 3"

    # ring 0 may use U pages
    li   t0, UDATA_VA
    lw   s1, 0(t0)
    CHECK s1, 0x11223344, "ring 0 reads a U page"
    la   t0, saved_main_ra
    lw   ra, 0(t0)
    ret

.data
saved_main_ra: .word 0
