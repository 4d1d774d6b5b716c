"""What moving the file system out of the kernel costs: the portable workload on the
monolithic kernel and on the hybrid kernel (the same kernel, its file system in a
user-level server), per phase.

Usage: python benchmarks/bench_hybrid.py [--engine native|python] [--quick]

Cycles per operation (deterministic; ISA.md §10) with the ratio to the monolithic
kernel, and per operation: requests on the channel to the server (events REQ_SUBMIT),
system calls (the program's, and the server's SYS_FUSE_WAIT / SYS_BLKIO), address-space
switches; then the cost of one request round trip (the file phase's extra cycles over
its requests). Counted between the workload's phase_start and phase_end (see
bench_microkernel.py, whose measuring code this uses).
"""
from __future__ import annotations

import argparse

from bench_microkernel import run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="native")
    ap.add_argument("--quick", action="store_true", help="workload quick (N / 10)")
    args = ap.parse_args()
    mono, mono_c, _s, _w = run("monolithic", (), args.engine, args.quick)
    hyb, hyb_c, steps, wall = run("hybrid", (), args.engine, args.quick)
    print(f"workload{' quick' if args.quick else ''}, {args.engine} engine")
    print(f"{'phase':<8} {'ops':>6} {'monolithic':>11} {'hybrid':>11} {'ratio':>6} "
          f"{'requests':>9} {'syscalls':>9} {'switches':>9}  (hybrid, per op)")
    for p, q, c in zip(mono, hyb, hyb_c):
        print(f"{p.name:<8} {p.ops:>6} {p.cycles_per_op:>11,.0f} {q.cycles_per_op:>11,.0f} "
              f"{q.cycles / p.cycles:>6.2f} {c['requests'] / q.ops:>9.1f} "
              f"{c['syscalls'] / q.ops:>9.1f} {c['switches'] / q.ops:>9.1f}")
    f = {p.name: (p, c) for p, c in zip(hyb, hyb_c)}["file"]
    base = {p.name: p for p in mono}["file"]
    if f[1]["requests"]:
        extra = (f[0].cycles - base.cycles) / f[1]["requests"]
        print(f"one request to the file-system server costs about {extra:,.0f} cycles more "
              f"than the monolithic kernel's call into fs.s ({f[1]['requests']} requests "
              f"in the file phase)")
    print(f"(hybrid run: {steps:,} steps in {wall:.2f} s wall)")


if __name__ == "__main__":
    main()
