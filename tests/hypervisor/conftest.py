"""Helpers for the hypervisor tests: root images built from guests/user, and booting the
type-1a hypervisor (guests/hypervisor) — or any guest spec — with scripted console
input, on either engine, through the one guest -> Machine path."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ringvm.emulator.images import MachineOptions, machine_for, resolve, rootdisk, rvfs
from ringvm.emulator.images import guests_dir
from ringvm.emulator.machine.console import Console

USER_DIR = guests_dir() / "user"
HV_DIR = guests_dir() / "hypervisor"
ENGINES = ["native", "python"]


@pytest.fixture(scope="session")
def root_image(tmp_path_factory) -> Path:
    """A pristine root image: every program of guests/user plus the rootfs (booted in
    snapshot mode, so tests may share it)."""
    spec = rootdisk.DiskSpec("hvtest", programs=USER_DIR, files=USER_DIR / "rootfs")
    path = tmp_path_factory.mktemp("hvroot") / "root.img"
    path.write_bytes(rvfs.build_image(rootdisk.build_tree(spec)))
    return path


@pytest.fixture(params=ENGINES)
def engine(request):
    return request.param


class Run:
    """One boot: the console ``out``put, the RunResult ``r`` and the machine's
    ``counters``."""

    def __init__(self, out, r, counters, stats):
        self.out, self.r, self.counters, self.stats = out, r, counters, stats

    def vm(self, n: int) -> list[str]:
        """The lines VM ``n`` printed, without their tag."""
        tag = f"vm{n}| "
        return [ln[len(tag):] for ln in self.out.splitlines() if ln.startswith(tag)]

    def hv(self) -> list[str]:
        return [ln for ln in self.out.splitlines() if ln.startswith("hv: ")]

    def exits(self) -> dict[str, int]:
        """VM exits by reason, from the machine's counters (--stats)."""
        from ringvm.isa import ISA
        names = {r.value: name for name, r in ISA.exit_reasons.items()}
        c = self.counters["cpus"][0]["vmexits_by_reason"]
        return {names.get(i, str(i)): n for i, n in enumerate(c) if n}


def boot(spec="hypervisor", text="", *, engine="native", disks=(), options=(),
         defines=None, modules=(), max_steps=400_000_000) -> Run:
    """Boot ``spec`` with console input ``text`` (then EOF) on ``disks`` (snapshot)."""
    from ringvm.emulator.images import parse_module_arg
    image = resolve(spec, options=tuple(options), defines=defines,
                    modules=[parse_module_arg(m) for m in modules])
    con = Console(input=text.encode(), capture=True)
    opts = MachineOptions(engine=engine, snapshot=True, disks=[str(d) for d in disks])
    with machine_for(image, opts, con) as m:
        r = m.run(max_steps=max_steps)
        counters = m.counters()
        stats = m.stats()
    return Run(bytes(con.captured).decode("utf-8", "replace"), r, counters, stats)


def phases(lines: list[str]) -> dict[str, int]:
    """``{phase: cycles}`` of the workload's phase lines."""
    out = {}
    for ln in lines:
        m = re.match(r"^phase (\w+) ops=\d+ cycles=(\d+)$", ln)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


def host_tree(guest_disk_programs=("init", "sh", "echo", "ls", "cat", "workload")) -> dict:
    """The file tree of a type-2 host's disk (:func:`rootdisk.vmm_host_tree`), with the
    guest images hello.elf, mono.elf (the monolithic kernel) and spin.elf, and gdisk.img
    holding ``guest_disk_programs``: too many for the write-ahead log, so nlog 0."""
    from ringvm.emulator.images import build_guest, cache, find_guest
    tk = HV_DIR / "testkernels"
    guests = {"hello.elf": build_guest(find_guest("hello")),
              "mono.elf": build_guest(find_guest("monolithic")),
              "spin.elf": cache.assemble(tk / "spin.s", [tk, guests_dir() / "lib"])}
    return rootdisk.vmm_host_tree(guests, guest_disk_programs, nlog=0)


@pytest.fixture(scope="session")
def host_image(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hvhost") / "host.img"
    path.write_bytes(rvfs.build_image(host_tree()))
    return path
