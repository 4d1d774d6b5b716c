"""Readings of ISA.md / engine.py where the text leaves a choice (listed in the
docstring of emulator/engine/python/loop.py). These tests pin the chosen reading so that
both engines keep agreeing; change them together with the manual if it is settled
differently."""
from __future__ import annotations

from enginekit import (CAUSE, CSR, EXIT, boot, expect_halt, expect_trap, reg, run_program,
                       with_handler)
from test_hypervisor import GBASE, expect_exit, hv_program


def test_writes_to_the_host_ipend_are_ignored(engine_kind):
    eng = boot(engine_kind, """
        li t0, -1
        csrw ipend, t0
        csrr a0, ipend
        exit
    """)
    eng.raise_line(0, 2)
    expect_halt(eng.run(100), 4)


def test_a_write_to_cpuid_from_ring_3_is_privileged_before_it_is_read_only(engine_kind):
    from test_privilege_tlb import U, V, R, X, user_program
    eng, stop = run_program(engine_kind, user_program(
        f"tlbmap 0, 0x00400000, {0x10000 | V | R | X | U}", "    csrw cpuid, zero\n"))
    expect_trap(eng, stop, CAUSE["PRIVILEGED"])


def test_an_unknown_csr_in_a_guest_is_illegal_for_the_guest_even_under_hctl_csr(engine_kind):
    eng, stop = run_program(engine_kind, hv_program("    csrr a0, 0x7ff\n", hctl=1 | 1 << 5))
    expect_exit(eng, stop, "EXCEPTION", hepc=GBASE, qual=CAUSE["ILLEGAL"])


def test_hctl_csr_does_not_make_cycle_reads_exit(engine_kind):
    eng, stop = run_program(engine_kind, hv_program("    csrr a1, cycle\n    hcall\n", hctl=1))
    expect_exit(eng, stop, "HYPERCALL")
    assert reg(eng, "a1") > 0


def test_a_bad_device_access_under_devpass_is_a_gpa_fault_exit(engine_kind):
    eng, stop = run_program(engine_kind, hv_program(
        "    li t0, SYSCTL_RAMSIZE\n    lb a0, 0(t0)\n", hctl=1 << 7))
    expect_exit(eng, stop, "GPA_FAULT", hepc=GBASE + 8, bad=0xC0000004, gpa=0x40000004,
                qual=1)


def test_a_second_stage_address_beyond_ram_is_a_gpa_fault(engine_kind):
    # hbase = 0xff000: guest-physical 0x1000 (the guest's first instruction) is
    # host-physical 0x100000, the end of RAM, although it is below hlimit
    eng, stop = run_program(engine_kind, hv_program(
        "    nop\n", setup="    li t0, 0x000ff000\n    csrw hbase, t0"))
    expect_exit(eng, stop, "GPA_FAULT", hepc=GBASE, bad=GBASE, gpa=0x1000, insn=0, qual=0)


def test_rfe_in_ring_minus_1_sets_pie(engine_kind):
    eng, stop = run_program(engine_kind, """
        .hypervisor
        la t0, target
        csrw hepc, t0
        li t0, 0x1c            # PRING = -1, PIE = 0, PV = 0
        csrw hstatus, t0
        rfe
    target:
        csrr a0, hstatus
        exit
    """)
    expect_halt(stop, 0xfe)    # PIE = 1 after rfe; RING reads -1 (0b111 << 5)


def test_a_guest_exception_with_guest_tvec_0_exits_instead_of_stopping_the_host(engine_kind):
    eng, stop = run_program(engine_kind, hv_program("    nop\n    syscall\n"))
    expect_exit(eng, stop, "EXCEPTION", hepc=GBASE + 4, qual=CAUSE["SYSCALL"])
    c = eng.counters()["cpus"][0]
    assert c["traps_by_cause"][CAUSE["SYSCALL"]] == 1
    assert c["vmexits_by_reason"][EXIT["EXCEPTION"]] == 1


def test_a_guest_interrupt_with_guest_tvec_0_exits_with_the_interrupt_cause(engine_kind):
    eng, stop = run_program(engine_kind, hv_program("""
        li t0, IRQB_VIRQ
        csrw ienable, t0
        li t0, 1
        csrw status, t0        # guest IE on, but no guest vector
        nop
    """, setup="    li t0, IRQB_VIRQ\n    csrw gipend, t0"))
    expect_exit(eng, stop, "EXCEPTION", hepc=GBASE + 16, qual=0x80000004)
    assert eng.counters()["cpus"][0]["interrupts_by_line"][4] == 1


def test_tlb_invalidation_clears_the_whole_entry(engine_kind):
    eng, stop = run_program(engine_kind, """
        li t0, 0x00200001
        csrw tlbhi, t0
        li t0, 0x00030003
        csrw tlblo, t0
        tlbwi
        tlbinv
        li a0, 0
        exit
    """)
    expect_halt(stop, 0)
    e = eng.get_cpu(0).tlb[0]
    assert (e.vpn, e.asid, e.vmid, e.pfn, e.flags) == (0, 0, 0, 0, 0)


def test_a_tlb_hit_is_counted_even_when_the_permission_check_fails(engine_kind):
    eng, stop = run_program(engine_kind, with_handler("""
        li t0, 0x00200000
        csrw tlbhi, t0
        li t0, 0x00030003
        csrw tlblo, t0
        tlbwi
        li t0, 0x00200000
        sw t0, 0(t0)
    """))
    expect_trap(eng, stop, CAUSE["TLB_PROT_STORE"])
    assert eng.counters()["cpus"][0]["tlb_hits"] == 1


def test_a_line_scheduled_in_the_past_is_latched_at_once(engine_kind):
    eng = boot(engine_kind, "loop: j loop\n")
    eng.run(10)
    eng.schedule_line(0, 2, 3)
    assert eng.get_cpu(0).ipend == 4
    eng.schedule_line(0, 3, 10)            # == cycle: at the start of the next step
    assert eng.get_cpu(0).ipend == 4
    assert eng.snapshot()["events"] == [[0, 3, 10]]
    eng.run(1)
    assert eng.get_cpu(0).ipend == 12


def test_cpu_state_lists_status_with_ring_and_ipend_as_the_latched_lines(engine_kind):
    eng = boot(engine_kind, "nop\n", ring=-1)
    eng.console_input(b"x")
    st = eng.get_cpu(0)
    assert CSR["cycle"] not in st.csr and CSR["cycleh"] not in st.csr
    assert st.csr[CSR["status"]] >> 5 == 7 and st.gcsr[CSR["status"]] >> 5 == 0
    assert st.csr[CSR["ipend"]] == st.ipend == 0
