"""Booting the multikernel (or the disaggregated kernel) for a test: console transcript,
stop reason, the software events it reported (with the CPU of each), its counters, and
what a watch on physical memory saw."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ringvm.emulator.engine.contract import Watchpoint
from ringvm.emulator.images import MachineOptions, machine_for, resolve
from ringvm.emulator.machine import Console
from ringvm.isa import ISA

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
EV = {name: e.value for name, e in ISA.events.items()}


@dataclass
class Run:
    text: str
    kind: str
    exit_code: int | None
    steps: int
    events: list = field(default_factory=list)     # (cpu, cycle, code, arg0, arg1)
    counters: dict = field(default_factory=dict)
    hits: list = field(default_factory=list)       # WatchHit of every watched write
    symbols: dict = field(default_factory=dict)
    memory: object = None                          # read(paddr, n) at the end

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def count(self, name: str) -> int:
        return sum(1 for e in self.events if e[2] == EV[name])


def boot(input: bytes | str, engine: str = "native", guest: str = "multikernel",
         cpus: int | None = None, options=(), defines=None, max_steps: int = 100_000_000,
         watch=None, watch_after: int = 0) -> Run:
    """Boot ``guest`` with console ``input`` until it halts (or ``max_steps``).
    ``watch(m) -> [(lo, hi)]``: physical ranges to watch for writes, armed after
    ``watch_after`` steps; every write there is recorded in ``Run.hits`` (and stops the
    engine for a moment: keep the ranges small)."""
    if isinstance(input, str):
        input = input.encode()
    image = resolve(guest, options=options, defines=defines)
    con = Console(input=input, capture=True)
    events, hits = [], []
    with machine_for(image, MachineOptions(engine=engine, ncpus=cpus, snapshot=True,
                                           pristine=True), con) as m:
        ev = next(d for d in m.devices if d.name == "events")
        ev.listen(lambda cpu, cycle, code, a0, a1: events.append((cpu, cycle, code, a0, a1)))
        if watch is None:
            r = m.run(max_steps=max_steps)
            kind, code, done = r.kind, r.exit_code, r.steps
        else:
            kind, code, done = _run_watching(m, con, watch, watch_after, max_steps, hits)
        counters = m.counters()
        syms = dict(m.symbols)
        snap = bytes(m.read_physical(0, m.config.ram_size))
    return Run(bytes(con.captured).decode("utf-8", "replace"), kind, code, done,
               events, counters, hits, syms, lambda a, n: snap[a:a + n])


def _run_watching(m, con, watch, after, max_steps, hits):
    """Machine.run's loop (which knows no watchpoints), recording every watch hit."""
    from ringvm.emulator.engine.contract import StopReason
    done = 0
    if after:
        r = m.run(max_steps=after)
        done = r.steps
        if r.kind != "max_steps":
            return r.kind, r.exit_code, done
    m._start()
    eng = m.engine
    eng.set_watchpoints([Watchpoint(lo, hi, physical=True) for lo, hi in watch(m)])
    try:
        while done < max_steps:
            stop = eng.run(min(200_000, max_steps - done))
            done += stop.steps
            if stop.reason is StopReason.MMIO:
                m._mmio(stop.mmio)
                done += 1
            out = eng.console_output()
            if out:
                con.write(out)
            if stop.reason is StopReason.WATCHPOINT:
                hits.append(stop.watch)
            elif stop.reason is StopReason.HALT:
                return "halt", stop.exit_code, done
            elif stop.reason is StopReason.IDLE:
                if not con.wait_input(eng):
                    return "deadlock", None, done
            elif stop.reason not in (StopReason.MAX_STEPS, StopReason.MMIO):
                return stop.reason.value, None, done
        return "max_steps", None, done
    finally:
        eng.set_watchpoints([])
        con.flush()


def word(run_or_read, addr: int) -> int:
    read = run_or_read.memory if isinstance(run_or_read, Run) else run_or_read
    return int.from_bytes(read(addr & 0x7FFFFFFF, 4), "little")


def check_golden(path: Path, text: str) -> None:
    """Compare with a golden transcript (RINGVM_UPDATE_GOLDEN=1 rewrites it)."""
    import pytest
    if os.environ.get("RINGVM_UPDATE_GOLDEN") == "1" or not path.exists():
        path.write_text(text)
        if os.environ.get("RINGVM_UPDATE_GOLDEN") != "1":
            pytest.fail(f"golden file {path.name} was missing: written, check it in")
        return
    assert text == path.read_text(), f"transcript differs from {path} (RINGVM_UPDATE_GOLDEN=1)"
