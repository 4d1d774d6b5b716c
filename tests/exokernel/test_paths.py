"""Exposed hardware events, counted: an exception reaches the library OS's handler in a
few dozen kernel instructions and without a trap frame; a protected control transfer is
cheaper than a system call through the full path. Counted in steps, on both engines
(deterministic, not timings)."""
from __future__ import annotations

import pytest

from ringvm.assembler.elf import read_elf
from ringvm.emulator.images import cache, lib_dir
from ringvm.isa import ISA

from .helpers import ENGINES, EXO, boot, module, phases

CAUSE = ISA.csrs["cause"].number
BREAK = ISA.causes["BREAKPOINT"].value


def engler_upcall() -> int:
    src = EXO / "tests" / "engler.s"
    return read_elf(cache.assemble(src, [src.parent, EXO, lib_dir()], base=0x1000,
                                   name="engler")).symbols["upcall"]


@pytest.mark.parametrize("engine", ENGINES)
def test_an_exception_reaches_the_library_os_in_a_few_kernel_instructions(engine):
    upcall = engler_upcall()
    counted = {}

    def watch(m):
        m.set_breakpoints({m.symbols["trap_entry"]})
        while True:
            r = m.run(max_steps=5_000_000)
            assert r.kind == "breakpoint"
            if m.cpu(0).csr[CAUSE] == BREAK:
                break
        m.set_breakpoints(set())
        ring0 = steps = 0
        while m.cpu(0).pc != upcall:
            ring0 += m.cpu(0).ring == 0
            m.step(1)
            steps += 1
            assert steps < 200
        counted.update(ring0=ring0, ring=m.cpu(0).ring)

    boot([module("engler")], engine=engine, max_steps=10, watch=watch)
    assert counted["ring"] == 3
    assert counted["ring0"] <= 64          # bench_exokernel.py prints the exact count


def test_a_protected_control_transfer_costs_less_than_a_null_system_call():
    out, _r, _c = boot([module("engler")], engine="native", max_steps=5_000_000)
    p = phases(out)
    per = {n: c / k for n, (k, c) in p.items()}
    assert per["pct"] < per["null-syscall"]
    assert per["exc-dispatch"] < per["exc-roundtrip"] < per["null-syscall"]
    assert "engler: done" in out
