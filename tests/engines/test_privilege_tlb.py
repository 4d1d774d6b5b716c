"""Rings, privilege checks, CSRs, trap entry/return, and the TLB (ISA.md §4-§7)."""
from __future__ import annotations

import pytest

from enginekit import (CAUSE, CSR, expect_halt, expect_trap, reg, run_program,
                       with_handler)
from ringvm.emulator.engine import StopReason
from ringvm.isa import ISA

V, R, W, X, U, G = 1, 2, 4, 8, 16, 32
PRING3 = 3 << 2

# tlbmap idx, hi, lo: write TLB entry idx (host rings: VMID 0)
TLBMAP = """
.macro tlbmap idx, hi, lo
    li t5, \\idx
    csrw tlbidx, t5
    li t5, \\hi
    csrw tlbhi, t5
    li t5, \\lo
    csrw tlblo, t5
    tlbwi
.endm
"""


def user_program(setup: str, user: str, handler: str = "trapinfo") -> str:
    """Ring 0 maps the user page 0x00400000 -> physical 0x00010000 (code copied there
    from label ucode) and drops to ring 3 at 0x00400000."""
    return TLBMAP + f"""
_start:
    la t0, handler
    csrw tvec, t0
    # copy ucode..uend to physical 0x10000 (kseg 0x80010000)
    la t0, ucode
    la t1, uend
    li t2, 0x80010000
copy:
    lw t3, 0(t0)
    sw t3, 0(t2)
    addi t0, t0, 4
    addi t2, t2, 4
    bltu t0, t1, copy
{setup}
    li t0, {PRING3}
    csrw status, t0
    li t0, 0x00400000
    csrw epc, t0
    rfe
ucode:
{user}
uend:
handler:
    {handler}
"""


def test_a_user_program_runs_in_ring_3_and_syscall_records_the_previous_ring(engine_kind):
    eng, stop = run_program(engine_kind, user_program(
        f"tlbmap 0, 0x00400000, {0x10000 | V | R | X | U}",
        "    li a0, 1\n    syscall\n"))
    expect_trap(eng, stop, CAUSE["SYSCALL"], epc=0x00400004, badvaddr=0)
    status = reg(eng, "s3")
    assert (status >> 2) & 7 == 3          # PRING = 3
    assert (status >> 5) & 7 == 0          # RING = 0 (the handler)
    assert eng.counters()["cpus"][0]["retired_by_ring"][3 + 1] == 1


@pytest.mark.parametrize("insn", ["tlbwi", "rfe", "wfi", "csrr a0, status",
                                  "csrw scratch, zero", "tlbinvasid a0"])
def test_privileged_instructions_and_csrs_trap_in_ring_3_with_the_word(engine_kind, insn):
    eng, stop = run_program(engine_kind, user_program(
        f"tlbmap 0, 0x00400000, {0x10000 | V | R | X | U}", f"    {insn}\n"))
    expect_trap(eng, stop, CAUSE["PRIVILEGED"], epc=0x00400000)
    word = int.from_bytes(eng.ram[0x10000:0x10004], "little")
    assert reg(eng, "s2") == word


def test_ring_minus_1_instructions_and_csrs_trap_privileged_in_ring_0(engine_kind):
    for insn in ("vmenter", "tlbinvvmid a0", "csrr a0, hstatus", "csrr a0, gstatus"):
        eng, stop = run_program(engine_kind, with_handler(f"    {insn}\n"))
        expect_trap(eng, stop, CAUSE["PRIVILEGED"])


def test_cycle_is_readable_from_ring_3(engine_kind):
    eng, stop = run_program(engine_kind, user_program(
        f"tlbmap 0, 0x00400000, {0x10000 | V | R | X | U}",
        "    csrr a1, cycle\n    csrr a2, cycleh\n    syscall\n"))
    expect_trap(eng, stop, CAUSE["SYSCALL"])
    assert 0 < reg(eng, "a1") < 200 and reg(eng, "a2") == 0


@pytest.mark.parametrize("insn", ["csrw cpuid, t0", "csrw cycle, t0", "csrrs a0, cycleh, t0",
                                  "csrrc a0, cpuid, t0"])
def test_writing_a_read_only_csr_is_illegal(engine_kind, insn):
    eng, stop = run_program(engine_kind, with_handler(f"    li t0, 1\n    {insn}\n"))
    expect_trap(eng, stop, CAUSE["ILLEGAL"])


def test_csrrs_with_rs1_zero_reads_a_read_only_csr(engine_kind):
    eng, stop = run_program(engine_kind, "csrr a0, cpuid\naddi a0, a0, 40\nexit")
    expect_halt(stop, 40)


def test_an_unknown_csr_number_is_illegal(engine_kind):
    eng, stop = run_program(engine_kind, with_handler("    csrr a0, 0x7ff\n"))
    expect_trap(eng, stop, CAUSE["ILLEGAL"])


def test_csr_read_modify_write_instructions_return_the_old_value(engine_kind):
    eng, stop = run_program(engine_kind, """
        li t0, 0xf0
        csrw scratch, t0
        li t1, 0x0f
        csrrs s0, scratch, t1     # s0 = f0, scratch = ff
        li t1, 0x3c
        csrrc s1, scratch, t1     # s1 = ff, scratch = c3
        li t1, 7
        csrrw s2, scratch, t1     # s2 = c3, scratch = 7
        csrr a0, scratch
        exit
    """)
    expect_halt(stop, 7)
    assert (reg(eng, "s0"), reg(eng, "s1"), reg(eng, "s2")) == (0xF0, 0xFF, 0xC3)


def test_status_keeps_ie_pie_pring_and_reports_the_ring(engine_kind):
    eng, stop = run_program(engine_kind, """
        li t0, -1
        csrw status, t0
        csrr a0, status
        csrw asid, t0
        csrr a1, asid
        exit
    """)
    expect_halt(stop, 0x1F)                  # IE, PIE, PRING = 0b111; RING = 0
    assert reg(eng, "a1") == 0xFF


def test_getst_reads_status_with_the_current_ring_from_any_ring(engine_kind):
    eng, stop = run_program(engine_kind, user_program(
        f"tlbmap 0, 0x00400000, {0x10000 | V | R | X | U}",
        "    getst a1\n    syscall\n"))
    expect_trap(eng, stop, CAUSE["SYSCALL"])
    assert (reg(eng, "a1") >> 5) & 7 == 3


def test_trap_entry_saves_ie_in_pie_and_rfe_restores_it(engine_kind):
    eng, stop = run_program(engine_kind, """
        la t0, handler
        csrw tvec, t0
        li t0, 1
        csrw status, t0          # IE = 1 (no interrupt is enabled in ienable)
        syscall
        getst a1                 # after rfe: IE = 1, PIE = 1
        li a0, 0
        exit
    handler:
        getst s0                 # IE = 0, PIE = 1
        csrr t0, epc
        addi t0, t0, 4
        csrw epc, t0
        rfe
    """)
    expect_halt(stop, 0)
    assert reg(eng, "s0") & 3 == 2
    assert reg(eng, "a1") & 3 == 3


def test_a_trap_inside_a_handler_overwrites_epc_and_cause(engine_kind):
    eng, stop = run_program(engine_kind, """
        la t0, first
        csrw tvec, t0
        syscall
    first:
        la t0, second
        csrw tvec, t0
        csrr s4, cause
    inner:
        break
    second:
        trapinfo
    """)
    expect_trap(eng, stop, CAUSE["BREAKPOINT"], epc=eng.symbols["inner"])
    assert reg(eng, "s4") == CAUSE["SYSCALL"]
    assert (reg(eng, "s3") >> 2) & 7 == 0      # PRING: the first handler's ring 0


def test_a_trap_with_no_vector_is_a_machine_check(engine_kind):
    eng, stop = run_program(engine_kind, "nop\nsyscall\n")
    assert stop.reason == StopReason.MACHINE_CHECK
    assert stop.steps == 1
    again = eng.run(100)
    assert again.reason == StopReason.MACHINE_CHECK and again.steps == 0
    assert eng.get_cpu(0).csr[CSR["cause"]] == 0     # the step did not complete


def test_kseg_from_ring_3_is_a_protection_fault(engine_kind):
    eng, stop = run_program(engine_kind, user_program(
        f"tlbmap 0, 0x00400000, {0x10000 | V | R | X | U}",
        "    li t0, 0x80000100\n    lw a0, 0(t0)\n"))
    expect_trap(eng, stop, CAUSE["TLB_PROT_LOAD"], badvaddr=0x80000100)


def test_a_tlb_miss_traps_and_fills_tlbhi_with_vpn_and_asid(engine_kind):
    eng, stop = run_program(engine_kind, with_handler("""
        li t0, 5
        csrw asid, t0
        li t0, 0x00123456
        lb a0, 0(t0)
    """, "csrr s4, tlbhi\n    trapinfo"))
    expect_trap(eng, stop, CAUSE["TLB_MISS_LOAD"], badvaddr=0x00123456)
    assert reg(eng, "s4") == 0x00123005
    c = eng.counters()["cpus"][0]
    assert c["tlb_misses"] == 1 and c["asid_switches"] == 1


@pytest.mark.parametrize("flags,access,cause", [
    (V | R | X, "sw a0, 0(t0)", "TLB_PROT_STORE"),
    (V | W | X, "lw a0, 0(t0)", "TLB_PROT_LOAD"),
    (V | R | W, "jr t0", "TLB_PROT_FETCH"),
    (V | R, "cas a0, a1, (t0)", "TLB_PROT_STORE"),
])
def test_page_flags_protect_reads_writes_and_execution(engine_kind, flags, access, cause):
    eng, stop = run_program(engine_kind, TLBMAP + with_handler(f"""
        tlbmap 3, 0x00200000, {0x30000 | flags}
        li t0, 0x00200000
        {access}
    """))
    expect_trap(eng, stop, CAUSE[cause], badvaddr=0x00200000)


def test_ring_3_needs_the_u_flag_but_ring_0_may_use_u_pages(engine_kind):
    eng, stop = run_program(engine_kind, user_program(f"""
        tlbmap 0, 0x00400000, {0x10000 | V | R | X | U}
        tlbmap 1, 0x00500000, {0x30000 | V | R | W}
        tlbmap 2, 0x00600000, {0x30000 | V | R | W | U}
        li t0, 0x00600000
        li t1, 77
        sw t1, 0(t0)            # ring 0 stores through a U page
    """, "    li t0, 0x00600000\n    lw a1, 0(t0)\n    li t0, 0x00500000\n    lw a0, 0(t0)\n"))
    expect_trap(eng, stop, CAUSE["TLB_PROT_LOAD"], badvaddr=0x00500000)
    assert reg(eng, "a1") == 77


def test_asids_isolate_address_spaces_and_global_entries_match_every_asid(engine_kind):
    eng, stop = run_program(engine_kind, TLBMAP + with_handler(f"""
        tlbmap 0, 0x00200001, {0x30000 | V | R | W}       # asid 1
        tlbmap 1, 0x00300000, {0x31000 | V | R | W | G}   # global
        li t0, 0x80030000
        li t1, 11
        sw t1, 0(t0)
        li t0, 0x80031000
        li t1, 22
        sw t1, 0(t0)
        li t0, 1
        csrw asid, t0
        li t0, 0x00200000
        lw s5, 0(t0)            # hit, asid 1
        li t0, 0x00300000
        lw s6, 0(t0)            # global
        li t0, 2
        csrw asid, t0
        li t0, 0x00300000
        lw s7, 0(t0)            # global, asid 2
        li t0, 0x00200000
        lw a0, 0(t0)            # miss in asid 2
    """))
    expect_trap(eng, stop, CAUSE["TLB_MISS_LOAD"], badvaddr=0x00200000)
    assert (reg(eng, "s5"), reg(eng, "s6"), reg(eng, "s7")) == (11, 22, 22)
    assert eng.counters()["cpus"][0]["tlb_hits"] == 3


def test_two_matching_tlb_entries_in_the_host_stop_with_a_machine_check(engine_kind):
    eng, stop = run_program(engine_kind, TLBMAP + with_handler(f"""
        tlbmap 2, 0x00200000, {0x30000 | V | R}
        tlbmap 5, 0x00200000, {0x31000 | V | R | G}
        li t0, 0x00200010
        lw a0, 0(t0)
    """))
    assert stop.reason == StopReason.MACHINE_CHECK
    assert "2" in stop.detail and "5" in stop.detail and "00200010" in stop.detail


def test_tlbwr_never_replaces_a_wired_entry(engine_kind):
    eng, stop = run_program(engine_kind, TLBMAP + """
        li t0, 3
        csrw wired, t0
        li s0, 20
    loop:
        li t5, 0x00700000
        csrw tlbhi, t5
        li t5, 0x00007003
        csrw tlblo, t5
        tlbwr
        addi s0, s0, -1
        bnez s0, loop
        li a0, 0
        exit
    """, tlb_entries=4)
    expect_halt(stop, 0)
    tlb = eng.get_cpu(0).tlb
    assert [e.flags for e in tlb[:3]] == [0, 0, 0]
    assert tlb[3].vpn == 0x700 and tlb[3].pfn == 7 and tlb[3].flags == 3
    assert eng.counters()["cpus"][0]["tlb_writes"] == 20


def test_tlbr_reads_back_an_entry_and_tlbp_finds_it(engine_kind):
    eng, stop = run_program(engine_kind, TLBMAP + f"""
        tlbmap 6, 0x00200007, {0x30000 | V | R}
        li t0, 6
        csrw tlbidx, t0
        tlbr
        csrr s0, tlbhi
        csrr s1, tlblo
        li t0, 0x00200007
        csrw tlbhi, t0
        tlbp
        csrr s2, tlbidx
        li t0, 0x00200008
        csrw tlbhi, t0
        tlbp
        csrr a0, tlbidx
        exit
    """)
    expect_halt(stop, 0x80000000)
    assert reg(eng, "s0") == 0x00200007 and reg(eng, "s1") == 0x30003 and reg(eng, "s2") == 6


def test_tlbinvasid_keeps_global_and_other_asids_and_tlbinv_clears_all(engine_kind):
    eng, stop = run_program(engine_kind, TLBMAP + f"""
        tlbmap 0, 0x00200001, {0x30000 | V | R}
        tlbmap 1, 0x00300001, {0x30000 | V | R | G}
        tlbmap 2, 0x00400002, {0x30000 | V | R}
        li t0, 1
        tlbinvasid t0
        li a0, 0
        exit
    """)
    expect_halt(stop, 0)
    flags = [e.flags & 1 for e in eng.get_cpu(0).tlb[:3]]
    assert flags == [0, 1, 1]
    eng2, stop2 = run_program(engine_kind, TLBMAP + f"""
        tlbmap 0, 0x00200001, {0x30000 | V | R}
        tlbmap 1, 0x00300001, {0x30000 | V | R | G}
        tlbinv
        li a0, 0
        exit
    """)
    assert [e.flags & 1 for e in eng2.get_cpu(0).tlb[:2]] == [0, 0]
    assert eng2.counters()["cpus"][0]["tlb_flushes"] == 1


def test_user_code_runs_from_a_mapped_page_and_counts_tlb_hits(engine_kind):
    eng, stop = run_program(engine_kind, user_program(
        f"tlbmap 0, 0x00400000, {0x10000 | V | R | X | U}",
        "    nop\n    nop\n    syscall\n"))
    expect_trap(eng, stop, CAUSE["SYSCALL"], epc=0x00400008)
    assert eng.counters()["cpus"][0]["tlb_hits"] == 3


def test_counters_of_a_small_known_program(engine_kind):
    eng, stop = run_program(engine_kind, with_handler("""
        li a0, 3
    loop:
        addi a0, a0, -1
        bnez a0, loop
        syscall
    """))
    expect_halt(stop, 0x77)
    c = eng.counters()["cpus"][0]
    # la (2) + csrw + li + 3*(addi, bnez) = 10 retired; syscall traps (1 cycle);
    # handler: 4 csrr + li + li(exit: lui+addi) + sw = 8 retired
    assert c["retired"] == 18 and c["cycles"] == 19 and c["idle"] == 0
    assert c["traps_by_cause"][CAUSE["SYSCALL"]] == 1
    assert c["retired_by_ring"] == [0, 18, 0, 0, 0]
    assert stop.steps == 19
    assert set(eng.counters()["devices"]) == {"console_tx_bytes", "console_rx_bytes",
                                              "ipis_sent", "timer_fires"}
    assert ISA.cause_name(reg(eng, "s0")) == "SYSCALL"


@pytest.mark.parametrize("access,cause", [("lw a0, 0(t0)", "TLB_MISS_LOAD"),
                                          ("sw a0, 0(t0)", "TLB_MISS_STORE"),
                                          ("cas a0, a1, (t0)", "TLB_MISS_STORE"),
                                          ("jr t0", "TLB_MISS_FETCH")])
def test_each_kind_of_access_reports_its_own_tlb_miss_cause(engine_kind, access, cause):
    eng, stop = run_program(engine_kind, with_handler(f"""
        li t0, 0x00345000
        {access}
    """))
    expect_trap(eng, stop, CAUSE[cause], badvaddr=0x00345000)


def test_a_kseg_fetch_from_ring_3_is_a_fetch_protection_fault(engine_kind):
    eng, stop = run_program(engine_kind, user_program(
        f"tlbmap 0, 0x00400000, {0x10000 | V | R | X | U}",
        "    li t0, 0x80001000\n    jr t0\n"))
    expect_trap(eng, stop, CAUSE["TLB_PROT_FETCH"], epc=0x80001000, badvaddr=0x80001000)


def test_ring_1_may_use_pages_without_u_but_not_privileged_instructions(engine_kind):
    src = user_program(f"tlbmap 0, 0x00400000, {0x10000 | V | R | X}",
                       "    getst a1\n    wfi\n")
    src = src.replace(f"li t0, {PRING3}", "li t0, 4")      # PRING = 1
    eng, stop = run_program(engine_kind, src)
    expect_trap(eng, stop, CAUSE["PRIVILEGED"], epc=0x00400004)
    assert (reg(eng, "a1") >> 5) & 7 == 1


def test_tlbwr_picks_wired_plus_cycle_mod_the_unwired_entries(engine_kind):
    eng, stop = run_program(engine_kind, """
        li t0, 1
        csrw wired, t0
        li t0, 0x00700000
        csrw tlbhi, t0
        li t0, 0x00007003
        csrw tlblo, t0
        csrr s0, cycle
        tlbwr                  # executes at cycle s0 + 1
        li a0, 0
        exit
    """, tlb_entries=4)
    expect_halt(stop, 0)
    tlb = eng.get_cpu(0).tlb
    first = 1 + (reg(eng, "s0") + 1) % 3
    assert tlb[first].vpn == 0x700 and tlb[first].flags == 3
    assert [e.vpn for i, e in enumerate(tlb) if i != first] == [0, 0, 0]


def test_tlbwr_with_wired_at_least_n_writes_the_last_entry(engine_kind):
    eng, stop = run_program(engine_kind, """
        li t0, 9
        csrw wired, t0         # wired >= N: wired' = N - 1
        li t0, 0x00800000
        csrw tlbhi, t0
        li t0, 0x00007003
        csrw tlblo, t0
        tlbwr
        tlbwr
        li a0, 0
        exit
    """, tlb_entries=4)
    expect_halt(stop, 0)
    assert [e.vpn for e in eng.get_cpu(0).tlb] == [0, 0, 0, 0x800]
