"""The portable workload on the monolithic kernel: cycles per phase, measured by the
guest with the cycle CSR (deterministic), and the machine's counters for the whole run.

Usage: python benchmarks/bench_workload.py [--engine native|python] [--quick]

Prints, for each phase of guests/user/workload.s (null syscalls, file create/write/
read/unlink, pipe round trips, fork+exec+wait, user-space compute), the operations,
the cycles and the cycles per operation; then the run's steps, instructions retired
by ring, syscalls, TLB misses, interrupts and the host wall time. The cycle figures
are the numbers every other kernel structure is compared with (`ringvm compare`).
"""
from __future__ import annotations

import argparse
import time

from ringvm.emulator.images import MachineOptions, machine_for, resolve
from ringvm.emulator.images.workload import parse_phases
from ringvm.emulator.machine import Console
from ringvm.isa import ISA


def run(engine: str, quick: bool):
    cmd = b"workload quick\nexit\n" if quick else b"workload\nexit\n"
    con = Console(input=cmd, capture=True)
    with machine_for(resolve("monolithic"), MachineOptions(engine=engine, pristine=True),
                     con) as m:
        t = time.perf_counter()
        r = m.run()
        wall = time.perf_counter() - t
        counters = m.counters()
        steps = m.steps
    out = bytes(con.captured).decode()
    assert r.kind == "halt", out[-400:]
    return parse_phases(out), counters, steps, wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="native")
    ap.add_argument("--quick", action="store_true", help="workload quick (N / 10)")
    args = ap.parse_args()
    phases, c, steps, wall = run(args.engine, args.quick)
    print(f"monolithic kernel, workload{' quick' if args.quick else ''}, "
          f"{args.engine} engine")
    print(f"{'phase':<8} {'ops':>7} {'cycles':>11} {'cycles/op':>11}")
    for p in phases:
        print(f"{p.name:<8} {p.ops:>7} {p.cycles:>11,} {p.cycles_per_op:>11,.1f}")
    cpu = c["cpus"][0]
    syscall = ISA.causes["SYSCALL"].value
    rings = dict(zip((-1, 0, 1, 2, 3), cpu["retired_by_ring"]))
    print(f"whole run: {steps:,} steps, retired ring 0 {rings[0]:,} / ring 3 {rings[3]:,}, "
          f"idle {cpu['idle']:,}; syscalls {cpu['traps_by_cause'][syscall]:,}, "
          f"TLB misses {cpu['tlb_misses']:,}, interrupts {sum(cpu['interrupts_by_line']):,}; "
          f"{wall:.2f} s wall ({steps / wall / 1e6:.1f} M steps/s)")


if __name__ == "__main__":
    main()
