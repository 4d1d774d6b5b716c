"""Virtualization costs on the portable workload: bare metal vs the type-1a hypervisor
(guests/hypervisor, Disco-style) vs the type-2 VMM (the monolithic kernel's VMM option
with vmrun) — cycles per phase, the overhead ratio, and VM exits per phase by reason.

Usage: python benchmarks/bench_hypervisor.py [--engine native|python] [--quick]

The same monolithic kernel image runs the workload (guests/user/workload.s) three ways:
on bare metal; in vm1 of the type-1a hypervisor (TLB writes, device accesses, physical
interrupts and wfi exit); and as the guest of `vmrun mono.elf gdisk.img` on a host
monolithic kernel built with `--option vmm` (every device access and every host
interrupt goes back to the user-level VMM). The cycles are the guest's own measurement
(the cycle CSR around each phase), so they are exact and the same on both engines. The
exits per phase come from the machine's counters (vmexits_by_reason, as --stats shows
them), sampled whenever the guest prints a phase line: the exits between two lines are
the phase's (plus the few of printing its line). For type-2 the count includes the host
kernel's own hypercalls into the ring -1 stub (one per vm_run).
"""
from __future__ import annotations

import argparse
import re
import time

from ringvm.emulator.images import MachineOptions, build_guest, find_guest, guests_dir
from ringvm.emulator.images import machine_for, resolve, rootdisk, rvfs
from ringvm.emulator.images.rootdisk import build_programs, strip_elf
from ringvm.emulator.machine import Console
from ringvm.isa import ISA

PHASES = ("null", "file", "pipe", "spawn", "compute")
LINE = re.compile(r"phase (\w+) ops=(\d+) cycles=(\d+)$", re.M)
START = re.compile(r"^(?:\w+\| )?\$ workload", re.M)
REASONS = {r.value: name for name, r in ISA.exit_reasons.items()}
CHUNK = 20_000


def root_image(tmp) -> str:
    g = guests_dir()
    spec = rootdisk.DiskSpec("bench-hv", programs=g / "user", files=g / "user" / "rootfs")
    path = tmp / "root.img"
    path.write_bytes(rvfs.build_image(rootdisk.build_tree(spec)))
    return str(path)


def host_image(tmp) -> str:
    """A type-2 host's disk: guests/user, vmrun, the monolithic kernel as mono.elf and a
    small disk for it (gdisk.img: init, sh, workload)."""
    g = guests_dir()
    spec = rootdisk.DiskSpec("bench-hvhost", programs=g / "user", files=g / "user" / "rootfs")
    tree = rootdisk.build_tree(spec)
    tree.update(build_programs(g / "hypervisor" / "programs"))
    tree["mono.elf"] = strip_elf(build_guest(find_guest("monolithic")))
    progs = build_programs(g / "user")
    tree["gdisk.img"] = rvfs.build_image({k: progs[k] for k in ("init", "sh", "workload")},
                                         size=140, ninodes=16)
    path = tmp / "host.img"
    path.write_bytes(rvfs.build_image(tree))
    return str(path)


def run(spec, text, disks, engine, options=()):
    """Boot, run to the halt; returns ({phase: cycles}, {phase: {reason: exits}}, steps,
    wall seconds)."""
    con = Console(input=text.encode(), capture=True)
    image = resolve(spec, options=tuple(options))
    cycles, exits = {}, {}
    with machine_for(image, MachineOptions(engine=engine, snapshot=True, disks=disks),
                     con) as m:
        seen = 0
        last = None
        t = time.perf_counter()
        while True:
            r = m.run(max_steps=CHUNK)
            out = bytes(con.captured).decode("utf-8", "replace")
            now = list(m.counters()["cpus"][0]["vmexits_by_reason"])
            if last is None and START.search(out):     # the guest's shell runs it
                last = now
            for mt in LINE.finditer(out, seen, out.rfind("\n") + 1):   # whole lines only
                cycles[mt.group(1)] = int(mt.group(3))
                exits[mt.group(1)] = {REASONS.get(i, str(i)): b - a
                                      for i, (a, b) in enumerate(zip(last, now)) if b - a}
                last = now
                seen = mt.end()
            if r.kind != "max_steps":
                break
        wall = time.perf_counter() - t
        steps = m.steps
    if tuple(cycles) != PHASES:
        raise SystemExit(f"{spec}: the workload did not finish:\n{out[-600:]}")
    return cycles, exits, steps, wall


def main() -> None:
    import tempfile
    from pathlib import Path
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="native")
    ap.add_argument("--quick", action="store_true", help="workload quick (N / 10)")
    args = ap.parse_args()
    cmd = "workload quick" if args.quick else "workload"
    tmp = Path(tempfile.mkdtemp(prefix="bench-hv-"))
    root = root_image(tmp)
    runs = {
        "bare": run("monolithic", cmd + "\n", [root], args.engine),
        "type-1a": run("hypervisor", cmd + "\n", [root], args.engine),
        "type-2": run("monolithic", f'vmrun mono.elf gdisk.img "{cmd}\\n"\n',
                      [host_image(tmp)], args.engine, options=["vmm"]),
    }
    print(f"the monolithic kernel's {cmd}, {args.engine} engine: cycles per phase "
          f"(guest-measured) and overhead vs bare metal")
    print(f"{'phase':<8} {'bare':>11} {'type-1a':>11} {'x':>6} {'type-2':>11} {'x':>6}")
    for p in PHASES:
        b = runs["bare"][0][p]
        a, t2 = runs["type-1a"][0][p], runs["type-2"][0][p]
        print(f"{p:<8} {b:>11,} {a:>11,} {a / b:>6.2f} {t2:>11,} {t2 / b:>6.2f}")
    for name in ("type-1a", "type-2"):
        print(f"\nVM exits per phase, {name}:")
        for p in PHASES:
            ex = runs[name][1][p]
            total = sum(ex.values())
            print(f"  {p:<8} {total:>7,}  " + ", ".join(f"{k} {v:,}" for k, v in
                                                     sorted(ex.items(), key=lambda x: -x[1])))
    print()
    for name, (_, _, steps, wall) in runs.items():
        print(f"{name:<8} whole run {steps:>12,} steps, {wall:6.2f} s wall")


if __name__ == "__main__":
    main()
