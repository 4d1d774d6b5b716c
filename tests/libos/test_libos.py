"""The library OS of early systems (guests/libos): one program with the device library
linked in, alone in ring 0 — it runs the portable workload's phases that need no
second process with zero traps and zero interrupts, on both engines, with the same
figures."""
from __future__ import annotations

import re

import pytest

from ringvm.emulator.images import MachineOptions, machine_for, resolve
from ringvm.emulator.machine import Console
from ringvm.isa import ISA

ENGINES = ["python", "native"]
LINE = re.compile(r"^phase (\w+) ops=(\d+) cycles=(\d+)$", re.M)


def boot(text: str, engine: str, max_steps: int = 50_000_000):
    con = Console(input=text.encode(), capture=True)
    with machine_for(resolve("libos"), MachineOptions(engine=engine, pristine=True),
                     con) as m:
        r = m.run(max_steps=max_steps)
        counters = m.counters()
    return bytes(con.captured).decode("utf-8", "replace"), r, counters


@pytest.fixture(scope="module")
def quick_runs():
    return {e: boot("workload quick\n", e) for e in ENGINES}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_workload_phases_run_as_plain_calls_with_zero_traps(quick_runs, engine):
    out, r, c = quick_runs[engine]
    assert (r.kind, r.exit_code) == ("halt", 0), out
    assert out.startswith("ringvm libos: resident monitor")
    phases = [(m.group(1), int(m.group(2))) for m in LINE.finditer(out)]
    assert phases == [("null", 100), ("file", 6), ("compute", 10000)]
    assert "compute checksum 660df9cb" in out
    assert "workload: done" in out
    cpu = c["cpus"][0]
    assert sum(cpu["traps_by_cause"]) == 0
    assert sum(cpu["interrupts_by_line"]) == 0
    rings = dict(zip((-1, 0, 1, 2, 3), cpu["retired_by_ring"]))
    assert rings[3] == 0 and rings[0] == cpu["retired"]     # everything in ring 0
    assert cpu["tlb_misses"] == 0
    assert c["devices"]["disk_writes"] >= 6                # the file phase reached the disk


def test_the_figures_are_the_same_on_both_engines(quick_runs):
    a, b = (LINE.findall(quick_runs[e][0]) for e in ENGINES)
    assert a == b and a


def test_a_null_call_costs_a_few_instructions(quick_runs):
    out = quick_runs["python"][0]
    null = next(m for m in LINE.finditer(out) if m.group(1) == "null")
    assert int(null.group(3)) / int(null.group(2)) < 20    # a call and a return


@pytest.mark.parametrize("engine", ENGINES)
def test_job_cards_halt_with_a_status_and_unknown_cards_are_reported(engine):
    out, r, _ = boot("frobnicate\nhalt 7\n", engine)
    assert "libos: unknown job card 'frobnicate'" in out
    assert (r.kind, r.exit_code) == ("halt", 7)


def test_the_full_workload_on_the_native_engine():
    out, r, c = boot("workload\n", "native", max_steps=200_000_000)
    assert r.kind == "halt", out
    assert [p for p, _n, _c in LINE.findall(out)] == ["null", "file", "compute"]
    assert sum(c["cpus"][0]["traps_by_cause"]) == 0
