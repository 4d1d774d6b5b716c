"""The smoke guests boot on both engines, print their golden transcripts, and leave the
same counters behind on both — the engines obey one specification.

Regenerate the golden files with RINGVM_UPDATE_GOLDEN=1.
"""
import os
from pathlib import Path

import pytest

from ringvm.emulator.images import build_guest, find_guest
from ringvm.emulator.machine import Machine
from ringvm.isa import ISA

GOLDEN = Path(__file__).with_name("golden")
ENGINES = ["python", "native"]
MAX_STEPS = 2_000_000


def boot(name: str, engine: str):
    m = Machine(engine=engine)
    m.load_elf(build_guest(find_guest(name)))
    result = m.run(max_steps=MAX_STEPS)
    return m, result, m.console.output.decode()


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("RINGVM_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


@pytest.mark.parametrize("engine", ENGINES)
def test_hello_enters_ring_3_takes_timer_interrupts_and_halts_with_the_user_exit_code(engine):
    m, result, out = boot("hello", engine)
    assert (result.kind, result.exit_code) == ("halt", 0)
    check_golden("hello", out)
    cpu = m.counters()["cpus"][0]
    assert cpu["interrupts_by_line"][ISA.interrupts["TIMER"].value] == 3
    assert cpu["traps_by_cause"][ISA.causes["TLB_MISS_FETCH"].value] == 1
    assert cpu["retired_by_ring"][3 + 1] > 0          # index = ring + 1


@pytest.mark.parametrize("engine", ENGINES)
def test_vmsmoke_exits_on_hypercall_tlb_write_and_stray_access_then_halts_with_0(engine):
    m, result, out = boot("vmsmoke", engine)
    assert (result.kind, result.exit_code) == ("halt", 0)
    check_golden("vmsmoke", out)
    exits = m.counters()["cpus"][0]["vmexits_by_reason"]
    reason = {name: exits[r.value] for name, r in ISA.exit_reasons.items()}
    assert reason["HYPERCALL"] == 2 and reason["TLB"] == 1 and reason["GPA_FAULT"] == 1
    assert sum(exits) == 4
    assert m.counters()["cpus"][0]["retired_by_ring"][-1 + 1] > 0   # ring -1 ran


@pytest.mark.parametrize("name", ["hello", "vmsmoke"])
def test_both_engines_leave_identical_counters_and_state(name):
    runs = [boot(name, e) for e in ENGINES]
    (m0, r0, o0), (m1, r1, o1) = runs
    assert o0 == o1 and r0.exit_code == r1.exit_code and r0.steps == r1.steps
    assert m0.counters() == m1.counters()
    assert m0.cpu(0) == m1.cpu(0)
