"""The manual's last five gaps (issue 19), each decided in ISA.md and held by both
engines:

- ``cas`` is a store for every fault it raises (misaligned, TLB miss, protection — also
  on a page writable but not readable — and the exit access of a GPA_FAULT), as
  RISC-V's AMOs raise only store/AMO faults;
- a write to the host copy of ``ipend`` is ignored (the CSR is ``rw``: its guest copy's
  VIRQ bit is writable); writing a read-only CSR (``cpuid``) traps ILLEGAL;
- ``hstatus.RING`` reads -1 in ring -1, the ring ``getst`` shows there;
- the unused bits of ``tlbhi``, ``tlblo``, ``tlbidx`` and ``wired`` read back as 0 (WARL),
  in the host copy, the guest copy and the ring -1 aliases.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import test_hypervisor as hv
from enginekit import CAUSE, expect_halt, expect_trap, reg, run_program, with_handler
from ringvm.isa import ISA
from test_privilege_tlb import TLBMAP

V, R, W, X, U, G = 1, 2, 4, 8, 16, 32
STATUS_RING = ISA.csrs["status"].mask("RING")
MANUAL = Path(__file__).resolve().parents[2] / "isa" / "ISA.md"


# ---------------------------------------------------------------- cas is a store

@pytest.mark.parametrize("flags", [V | W, V | R, V | X, V | W | X])
def test_cas_on_a_page_lacking_read_or_write_is_a_store_protection_fault(engine_kind, flags):
    eng, stop = run_program(engine_kind, TLBMAP + with_handler(f"""
        tlbmap 3, 0x00200000, {0x30000 | flags}
        li t0, 0x00200004
        li s5, 5
        cas s5, a1, (t0)
    """))
    expect_trap(eng, stop, CAUSE["TLB_PROT_STORE"], badvaddr=0x00200004)
    assert reg(eng, "s5") == 5, "a faulting cas writes no register"


def test_cas_on_an_unmapped_page_is_a_store_miss(engine_kind):
    eng, stop = run_program(engine_kind, with_handler("""
        li t0, 0x00300008
        cas a0, a1, (t0)
    """))
    expect_trap(eng, stop, CAUSE["TLB_MISS_STORE"], badvaddr=0x00300008)


def test_a_misaligned_cas_on_a_read_only_page_is_a_store_misalignment(engine_kind):
    """Alignment is checked first (ISA.md §5 step 1), and it is the store's cause."""
    eng, stop = run_program(engine_kind, TLBMAP + with_handler(f"""
        tlbmap 3, 0x00200000, {0x30000 | V | R}
        li t0, 0x00200002
        cas a0, a1, (t0)
    """))
    expect_trap(eng, stop, CAUSE["MISALIGNED_STORE"], badvaddr=0x00200002)


def test_a_guest_cas_outside_its_memory_exits_with_access_store(engine_kind):
    eng, stop = run_program(engine_kind, hv.hv_program("""
        li t0, 0x80000000 + 0x70000
        cas a0, a1, (t0)
    """))
    hv.expect_exit(eng, stop, "GPA_FAULT", bad=0x80070000, gpa=0x70000,
                   qual=ISA.exit_access["STORE"])


# ---------------------------------------------------------------- host ipend, cpuid

def test_a_write_to_the_host_ipend_is_ignored_without_a_trap(engine_kind):
    eng, stop = run_program(engine_kind, with_handler("""
        li t0, -1
        csrw ipend, t0
        csrs ipend, t0
        csrrc s5, ipend, t0
        csrr s6, ipend
        li a0, 0x55
        exit
    """))
    expect_halt(stop, 0x55)
    assert reg(eng, "s5") == reg(eng, "s6") == 0, "nothing is pending: writes set nothing"
    assert sum(eng.counters()["cpus"][0]["traps_by_cause"]) == 0


def test_a_pending_line_survives_a_write_of_zero_to_the_host_ipend(engine_kind):
    """The host copy reads the lines pending at the CPU; only the device acknowledges."""
    eng, stop = run_program(engine_kind, with_handler("""
        li t0, TIMER_INTERVAL
        li t1, 3
        sw t1, 0(t0)
        li t0, TIMER_CTRL
        li t1, 1
        sw t1, 0(t0)
        nop
        nop
        nop
        csrw ipend, zero
        csrr s5, ipend
        li a0, 0x55
        exit
    """))
    expect_halt(stop, 0x55)
    assert reg(eng, "s5") & 1, "the TIMER line is still pending"


def test_the_guest_copy_of_ipend_keeps_only_virq(engine_kind):
    eng, stop = run_program(engine_kind, hv.hv_program("""
        li t0, -1
        csrw ipend, t0
        csrr s7, ipend
        csrc ipend, t0
        csrr s8, ipend
        hcall
    """))
    hv.expect_exit(eng, stop, "HYPERCALL")
    virq = 1 << ISA.interrupts["VIRQ"].value
    assert (reg(eng, "s7"), reg(eng, "s8")) == (virq, 0)


def test_writing_the_read_only_cpuid_traps_illegal(engine_kind):
    eng, stop = run_program(engine_kind, with_handler("""
        csrw cpuid, zero
    """))
    expect_trap(eng, stop, CAUSE["ILLEGAL"])


# ---------------------------------------------------------------- hstatus.RING

def test_hstatus_ring_reads_minus_one_as_getst_shows_in_ring_minus_1(engine_kind):
    eng, stop = run_program(engine_kind, """
    .hypervisor
_start:
        li t0, -1
        csrw hstatus, t0       # RING is not writable: still reads -1
        csrr s5, hstatus
        getst s6
        csrw hstatus, zero
        csrr s7, hstatus
        li a0, 0x55
        exit
    """)
    expect_halt(stop, 0x55)
    def ring(v):
        return (v & STATUS_RING) >> ISA.status_fields["RING"][1]
    assert ring(reg(eng, "s5")) == ring(reg(eng, "s6")) == ring(reg(eng, "s7")) == 0b111
    assert reg(eng, "s7") == STATUS_RING
    assert reg(eng, "s5") == ISA.csrs["hstatus"].writable | STATUS_RING


def test_hstatus_read_after_a_vm_exit_shows_ring_minus_1_and_pv(engine_kind):
    eng, stop = run_program(engine_kind, hv.hv_program("    hcall\n"))
    hv.expect_exit(eng, stop, "HYPERCALL")
    hs = reg(eng, "s6")
    assert (hs >> ISA.status_fields["RING"][1]) & 7 == 0b111
    assert (hs >> ISA.status_fields["PRING"][1]) & 7 == 0      # the guest's ring 0
    assert hs & ISA.csrs["hstatus"].mask("PV")


# ---------------------------------------------------------------- WARL TLB registers

WARL = {"tlbhi": 0xFFFFF0FF, "tlblo": 0xFFFFF03F, "tlbidx": 0x800000FF, "wired": 0x1FF}


def test_the_table_gives_the_warl_masks_the_manual_states():
    for name, mask in WARL.items():
        c = ISA.csrs[name]
        assert c.writable == c.writable_host == mask, name
        assert ISA.csrs["g" + name].writable == mask, name


@pytest.mark.parametrize("copy", ["host", "alias", "guest"])
def test_unused_tlb_register_bits_read_back_as_zero(engine_kind, copy):
    checks = "\n".join(f"""
        li t0, -1
        csrw {('g' if copy == 'alias' else '') + name}, t0
        csrr t1, {('g' if copy == 'alias' else '') + name}
        li t2, {mask:#x}
        li s7, {0x100 + i}
        bne t1, t2, bad""" for i, (name, mask) in enumerate(WARL.items()))
    if copy == "guest":
        eng, stop = run_program(engine_kind, hv.hv_program(
            checks + "\n        li s7, 0\n    bad:\n        hcall\n"))
        hv.expect_exit(eng, stop, "HYPERCALL")
        code = reg(eng, "s7")
    else:
        head = ".hypervisor\n_start:\n" if copy == "alias" else "_start:\n"
        eng, stop = run_program(engine_kind, head + checks + "\n    li s7, 0\nbad:\n    exit\n")
        code = reg(eng, "s7")
    assert code == 0, f"{list(WARL)[code - 0x100]}: read back {reg(eng, 't1'):#x}"


def test_a_masked_tlbidx_still_selects_its_entry_mod_the_tlb_size(engine_kind):
    """tlbidx keeps 8 bits; tlbwi uses them mod N (here 0x1FF -> 0xFF -> 0xFF mod 64)."""
    eng, stop = run_program(engine_kind, f"""
_start:
        li t0, 0x1FF
        csrw tlbidx, t0
        li t0, 0x00200000
        csrw tlbhi, t0
        li t0, {0x30000 | V | R}
        csrw tlblo, t0
        tlbwi
        li a0, 0x55
        exit
    """)
    expect_halt(stop, 0x55)
    e = eng.get_cpu(0).tlb[0xFF % len(eng.get_cpu(0).tlb)]
    assert (e.vpn, e.pfn) == (0x200, 0x30)


# ---------------------------------------------------------------- the manual says so

@pytest.mark.parametrize("phrase", [
    "`cas` is a store for every fault it raises",
    "also on a page writable but not readable",
    "a write to the host copy is\nignored",
    "In `hstatus` RING always reads −1",
    "writing all ones to `tlbhi` reads back `0xfffff0ff`",
])
def test_the_manual_states_each_decision(phrase):
    assert phrase in MANUAL.read_text(encoding="utf-8")
