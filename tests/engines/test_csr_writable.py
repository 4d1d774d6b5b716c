"""CSR writes keep exactly the bits the ISA table marks writable (csr ``writable`` /
``writable_host``), in both engines and in both copies of a banked CSR: a ring -1
program writes all ones to every CSR it may write and reads each back."""
from __future__ import annotations

from enginekit import expect_halt, run_program

from ringvm.isa import ISA

ALL = 0xFFFF_FFFF


def _expected(c) -> int:
    """What reading ``c`` back in ring -1 (host mode) gives after writing all ones."""
    if c.guest_alias:
        return c.writable                     # the guest copy; its RING field reads 0
    value = c.writable_host
    if c.name in ("status", "hstatus"):       # RING is not stored: the current ring, -1
        value |= ISA.csrs["status"].mask("RING")
    return value


def _writable_csrs():
    return [c for c in sorted(ISA.csrs.values(), key=lambda c: c.number)
            if c.access == "rw"]


def test_every_csr_keeps_only_its_writable_bits(engine_kind):
    checks = []
    for i, c in enumerate(_writable_csrs()):
        checks.append(f"""
    li   t0, -1
    csrw {c.name}, t0
    csrr t1, {c.name}
    li   t2, {_expected(c):#x}
    li   a0, {0x100 + i}
    bne  t1, t2, done""")
    source = ".hypervisor\n_start:\n" + "\n".join(checks) + "\n    li a0, 0\ndone:\n    exit\n"
    eng, stop = run_program(engine_kind, source, max_steps=10_000)
    if stop.exit_code:
        c = _writable_csrs()[stop.exit_code - 0x100]
        st = eng.get_cpu(0)
        raise AssertionError(f"{c.name}: read back {st.regs[6]:#x}, the table says "
                             f"{_expected(c):#x}")
    expect_halt(stop, 0)


def test_the_table_gives_the_masks_the_manual_states():
    """ISA.md §4: status keeps IE, PIE, PRING; asid and the VMIDs 8 bits; hbase and
    hlimit their page-aligned bits; host ipend nothing, guest ipend VIRQ; cpuid is
    read-only in the host copy and set by ring -1 through gcpuid."""
    c = ISA.csrs
    sf = ISA.status_fields
    assert c["status"].writable == c["status"].writable_host == sum(
        ((1 << (hi - lo + 1)) - 1) << lo for name, (hi, lo) in sf.items()
        if name in ("IE", "PIE", "PRING"))
    assert c["hstatus"].writable == c["status"].writable | c["hstatus"].mask("PV")
    assert c["asid"].writable == c["hvmid"].writable == c["tlbvmid"].writable == 0xFF
    page = (1 << ISA.page_bits) - 1
    assert c["hbase"].writable == c["hlimit"].writable == ALL & ~page
    assert c["ipend"].writable_host == 0
    assert c["ipend"].writable == 1 << ISA.interrupts["VIRQ"].value
    assert c["gipend"].writable == c["gipend"].writable_host == c["ipend"].writable
    assert c["cpuid"].writable_host == 0 and c["gcpuid"].writable == ALL
    assert c["cycle"].writable == c["cycleh"].writable == 0
    assert all(x.writable == ALL for x in c.values() if x.name in ("tvec", "epc", "scratch"))
