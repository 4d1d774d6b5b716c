"""Booting the microkernel (or the hybrid kernel) for a test: console transcript, stop
reason, the software events it reported, its counters."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ringvm.emulator.images import MachineOptions, cache, machine_for, resolve
from ringvm.emulator.images.boot import BootImage, build_module
from ringvm.emulator.images.registry import ModuleSource, build_guest, find_guest
from ringvm.emulator.images.rootdisk import build_tree, strip_elf
from ringvm.emulator.images.rvfs import build_image
from ringvm.emulator.machine import Console

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
PROGS = Path(__file__).parent / "progs"

# software events (isa/ringvm.toml [[event]])
EV_IPC_SEND, EV_IPC_RECV, EV_CONTEXT = 1, 2, 10
TID_ROOT, TID_CONS, TID_DISK, TID_FS, TID_PROC = 0x102, 0x103, 0x104, 0x105, 0x106
IRQ_CONSOLE_TID, IRQ_DISK_TID = 0x41, 0x42


@dataclass
class Run:
    text: str
    kind: str
    exit_code: int | None
    steps: int
    events: list = field(default_factory=list)     # (cycle, code, arg0, arg1)
    counters: dict = field(default_factory=dict)

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


def boot(input: bytes | str, engine: str = "native", guest: str = "microkernel",
         options=(), defines=None, max_steps: int = 60_000_000, disks=None,
         image: BootImage | None = None, breakpoints=None, on_break=None) -> Run:
    """Boot ``guest`` with console ``input`` until it halts (or ``max_steps``)."""
    if isinstance(input, str):
        input = input.encode()
    image = image or resolve(guest, options=options, defines=defines)
    con = Console(input=input, capture=True)
    events = []
    with machine_for(image, MachineOptions(engine=engine, snapshot=True, disks=disks,
                                           pristine=True),
                     con) as m:
        ev = next(d for d in m.devices if d.name == "events")
        ev.listen(lambda cpu, cycle, code, a0, a1: events.append((cycle, code, a0, a1)))
        done = 0
        if breakpoints:
            breakpoints = [m.symbols[b] if isinstance(b, str) else b for b in breakpoints]
            m.set_breakpoints(breakpoints)
        while True:
            r = m.run(max_steps=max_steps - done)
            done += r.steps
            if r.kind == "breakpoint" and on_break is not None and done < max_steps:
                on_break(m)
                m.set_breakpoints([])
                m.step(1)
                done += 1
                m.set_breakpoints(breakpoints)
                continue
            break
        counters = m.counters()
    return Run(bytes(con.captured).decode("utf-8", "replace"), r.kind, r.exit_code, done,
               events, counters)


def probe_disk(tmp_path: Path) -> list[str]:
    """The microkernel's disk with the test program mkprobe added."""
    g = find_guest("microkernel")
    tree = build_tree(g.disks[0].build)
    src = PROGS / "mkprobe.s"
    elf = cache.assemble(src, [PROGS, GUESTS / "microkernel" / "ulib", GUESTS / "user",
                               GUESTS / "microkernel", GUESTS / "lib"], base=0x1000)
    tree["mkprobe"] = strip_elf(elf)
    img = tmp_path / "probe.img"
    img.write_bytes(build_image(tree))
    return [str(img)]


def maptest_image() -> BootImage:
    """The microkernel with sigma0 and the test root task progs/maproot.s only."""
    g = find_guest("microkernel")
    mods = [build_module(m, g) for m in g.modules if m.name == "sigma0"]
    mods.append(build_module(ModuleSource("root", source=PROGS / "maproot.s", base=0x1000,
                                          include=[GUESTS / "microkernel"])))
    return BootImage("maptest", build_guest(g), g, mods)


def word(m, addr: int) -> int:
    return int.from_bytes(m.read_physical(addr & 0x7FFFFFFF, 4), "little")


def check_golden(path: Path, text: str) -> None:
    """Compare with a golden transcript (RINGVM_UPDATE_GOLDEN=1 rewrites it)."""
    import os
    import pytest
    if os.environ.get("RINGVM_UPDATE_GOLDEN") == "1" or not path.exists():
        path.write_text(text)
        if os.environ.get("RINGVM_UPDATE_GOLDEN") != "1":
            pytest.fail(f"golden file {path.name} was missing: written, check it in")
        return
    assert text == path.read_text(), f"transcript differs from {path} (RINGVM_UPDATE_GOLDEN=1)"
