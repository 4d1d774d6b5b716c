"""Booting the exokernel with a chosen set of library OSes (boot modules)."""
from __future__ import annotations

import re
from pathlib import Path

from ringvm.emulator.images import MachineOptions, guests_dir, machine_for, resolve
from ringvm.emulator.images.registry import ModuleSource
from ringvm.emulator.machine import Console

EXO = guests_dir() / "exokernel"
TESTS = EXO / "tests"
ENGINES = ["python", "native"]
PHASE = re.compile(r"^phase ([\w-]+) ops=(\d+) cycles=(\d+)", re.M)


def module(name: str, base: int = 0x1000) -> ModuleSource:
    """A test library OS of guests/exokernel/tests (or stride, exos) as a boot module."""
    for d in (TESTS, EXO / "stride", EXO / "exos"):
        if (d / f"{name}.s").is_file():
            return ModuleSource(name, source=d / f"{name}.s", base=base,
                                include=[EXO])
    raise FileNotFoundError(name)


def boot(mods=None, *, engine="python", text="", defines=None, max_steps=20_000_000,
         disks=None, guest="exokernel", watch=None):
    """Boot the exokernel (the bundled guest with its modules when ``mods`` is None,
    else main.s with exactly ``mods``). Returns (console text, RunResult, machine
    counters). ``watch(m)`` is called with the machine before it runs."""
    if mods is None:
        image = resolve(guest, defines=defines)
        opts = MachineOptions(engine=engine, pristine=True)
    else:
        image = resolve(str(EXO / "main.s"), modules=mods, defines=defines,
                        entry_as_guest=False)
        opts = MachineOptions(engine=engine, disks=disks or [], snapshot=True)
    con = Console(input=text.encode(), capture=True)
    with machine_for(image, opts, con) as m:
        if watch:
            watch(m)
        r = m.run(max_steps=max_steps)
        counters = m.counters()
    return bytes(con.captured).decode("utf-8", "replace"), r, counters


def phases(text: str) -> dict[str, tuple[int, int]]:
    return {m.group(1): (int(m.group(2)), int(m.group(3))) for m in PHASE.finditer(text)}
