"""Virtualization costs on the portable workload: bare metal vs the type-1a hypervisor
(guests/hypervisor, Disco-style) vs the type-2 VMM (the monolithic kernel's VMM option
with vmrun) — cycles per phase, the overhead ratio, and VM exits per phase by reason.

Usage: python benchmarks/bench_hypervisor.py [--engine native|python] [--quick]

The same monolithic kernel image runs the workload (guests/user/workload.s) three ways:
on bare metal; in vm1 of the type-1a hypervisor (TLB writes, device accesses, physical
interrupts and wfi exit); and as the guest of `vmrun mono.elf gdisk.img` on a host
monolithic kernel built with `--option vmm` (every device access and every host
interrupt goes back to the user-level VMM). All three are measured by `ringvm
compare`'s measurement (emulator/compare/measure.py): bare metal and type-1a are its
targets `monolithic` and `monolithic@hypervisor`; type-2, which compare has no target
for, is the same measurement of the host booted with the `vmrun` command line. The
cycles are the guest's own measurement (the cycle CSR around each phase), so they are
exact and the same on both engines. The exits per phase are the machine's counters
(vmexits_by_reason, as --stats shows them) read exactly at the workload's phase lines
(the machine stops right after each line's newline): a phase's exits are its work's
plus the few of printing its line. For type-2 the count includes the host kernel's own
hypercalls into the ring -1 stub (one per vm_run).
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from ringvm.emulator.compare.measure import Measurement, measure, measure_console
from ringvm.emulator.compare.reports.xen import BARE, PHASES, TE, by_reason, exits
from ringvm.emulator.compare.targets import Target
from ringvm.emulator.images import build_guest, find_guest, resolve, rootdisk, rvfs

#: the type-2 row: the monolithic kernel as the guest of the host built with --option vmm
TYPE2 = Target("monolithic", "monolithic+vmm")
#: how vmrun prefixes its guest's console lines
TYPE2_TAG = "guest| "


def host_image(tmp: Path) -> str:
    """A type-2 host's disk (rootdisk.vmm_host_tree): guests/user, vmrun, the monolithic
    kernel as mono.elf, and gdisk.img, its disk with init, sh and workload and the
    write-ahead log, as the bare kernel's disk has one."""
    tree = rootdisk.vmm_host_tree({"mono.elf": build_guest(find_guest("monolithic"))},
                                  ("init", "sh", "workload"))
    path = tmp / "host.img"
    path.write_bytes(rvfs.build_image(tree))
    return str(path)


def type2(cmd: str, engine: str, quick: bool) -> Measurement:
    """The workload command ``cmd`` in a VM of ``vmrun`` on the type-2 host."""
    with tempfile.TemporaryDirectory(prefix="bench-hv-") as tmp:
        return measure_console(resolve("monolithic", options=("vmm",)),
                               f'vmrun mono.elf gdisk.img "{cmd}\\n"\n', TYPE2,
                               disks=[host_image(Path(tmp))], tag=TYPE2_TAG,
                               engine=engine, quick=quick)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="native")
    ap.add_argument("--quick", action="store_true", help="workload quick (N / 10)")
    args = ap.parse_args()
    cmd = "workload quick" if args.quick else "workload"
    runs = {
        "bare": measure(BARE, engine=args.engine, quick=args.quick),
        "type-1a": measure(TE, engine=args.engine, quick=args.quick),
        "type-2": type2(cmd, args.engine, args.quick),
    }
    for name, m in runs.items():
        if m.error is not None:
            raise SystemExit(f"{name} ({m.target.name}): {m.error}")
    print(f"the monolithic kernel's {cmd}, {args.engine} engine: cycles per phase "
          f"(guest-measured) and overhead vs bare metal")
    print(f"{'phase':<8} {'bare':>11} {'type-1a':>11} {'x':>6} {'type-2':>11} {'x':>6}")
    for p in PHASES:
        b, a, t2 = (runs[k].phase(p).cycles for k in ("bare", "type-1a", "type-2"))
        print(f"{p:<8} {b:>11,} {a:>11,} {a / b:>6.2f} {t2:>11,} {t2 / b:>6.2f}")
    for name in ("type-1a", "type-2"):
        print(f"\nVM exits per phase, {name}:")
        for p in PHASES:
            c = runs[name].phase(p).counters
            print(f"  {p:<8} {exits(c):>7,}  " + ", ".join(f"{k} {v:,}" for k, v in
                                                          by_reason(c).items()))
    print()
    for name, m in runs.items():
        print(f"{name:<8} boot to `workload: done` {m.steps:>12,} steps, "
              f"{m.host_seconds:6.2f} s wall")


if __name__ == "__main__":
    main()
