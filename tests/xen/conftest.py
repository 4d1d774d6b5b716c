"""Helpers for the Xen-style tests: boot guests/xen (Dom0 first; DomUs from Dom0's shell
with `xl`) with scripted console input, on either engine, through the one guest ->
Machine path; optionally on writable copies of its disks, so a test can read what the
domains wrote."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ringvm.emulator.images import MachineOptions, machine_for, resolve
from ringvm.emulator.machine.console import Console
from ringvm.isa import ISA

ENGINES = ["native", "python"]
DETACH = "\x01"                           # Ctrl-A: xl console gives the terminal back


@pytest.fixture(params=ENGINES)
def engine(request):
    return request.param


class Run:
    """One boot: the console ``out``put, the RunResult ``r``, the machine's
    ``counters``, and the disk ``images`` (writable copies, if asked for)."""

    def __init__(self, out, r, counters, images, events):
        self.out, self.r, self.counters, self.images = out, r, counters, images
        self.events = events                # {event name: count}, every CPU

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()

    def xl_list(self) -> dict[str, dict]:
        """The last `xl list` table: ``{name: {id, mem, state, kcycles, exits, hcalls,
        refused}}``."""
        tables, cur = [], None
        for ln in self.lines:
            if ln.startswith("Name ") and "Refused" in ln:
                cur = {}
                tables.append(cur)
                continue
            m = re.match(r"^(\S+)\s+(\d+)\s+(\d+)\s+(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", ln)
            if cur is not None and m:
                cur[m.group(1)] = dict(zip(
                    ("id", "mem", "state", "kcycles", "exits", "hcalls", "refused"),
                    [int(m.group(2)), int(m.group(3)), m.group(4)]
                    + [int(x) for x in m.groups()[4:]]))
            elif cur is not None and cur:
                cur = None
        return tables[-1] if tables else {}


def boot(text="", *, engine="native", writable: Path | None = None, defines=None,
         max_steps=400_000_000, ram: str | None = None, until: str | None = None) -> Run:
    """Boot guests/xen with console input ``text`` (then end of input). ``writable``: a
    directory to copy the built disks into and boot them read-write (else snapshot).
    ``until``: stop as soon as the console shows this text (else at the halt)."""
    image = resolve("xen", defines=defines)
    paths, _ = image.default_disks(pristine=True)
    if writable is not None:
        copies = []
        for i, p in enumerate(paths):
            dst = writable / f"disk{i}.img"
            shutil.copyfile(p, dst)
            copies.append(str(dst))
        paths = copies
    con = Console(input=text.encode(), capture=True)
    opts = MachineOptions(engine=engine, snapshot=writable is None, disks=paths, ram=ram)
    with machine_for(image, opts, con) as m:
        if until is None:
            r = m.run(max_steps=max_steps)
        else:
            for _ in range(max(1, max_steps // 500_000)):
                r = m.run(max_steps=500_000)
                if until.encode() in bytes(con.captured) or r.kind != "max_steps":
                    break
        counters = m.counters()
        events: dict[str, int] = {}
        for (_cpu, code), n in m.events.counts.items():
            name = ISA.event_names.get(code, str(code))
            events[name] = events.get(name, 0) + n
    return Run(bytes(con.captured).decode("utf-8", "replace"), r, counters,
               [Path(p) for p in paths], events)
