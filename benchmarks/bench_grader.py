"""Benchmark ``ringvm grade``: wall time of a whole bundled suite, serial and parallel.

Usage: python benchmarks/bench_grader.py [--suite FILE] [--engine native|python]
                                         [--jobs 1,2] [--repeat N] [--quick]

Default: the monolithic kernel's suite (guests/monolithic/suite.toml) on the native
engine with --jobs 1 and --jobs 2. Before timing, one untimed run warms the caches
(the assembled kernel, the built disk image), so the figures are the grading itself:
one process per test, boot, run, check. Prints per run the wall time (best of
--repeat), the score, the number of tests and the instructions executed, and the
speed-up of each --jobs over the first. The scores and instruction counts must be
identical across --jobs (the script says so if they are not). --quick: --jobs 1 only.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from ringvm.emulator import grader

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--suite", default=str(ROOT / "guests" / "monolithic" / "suite.toml"))
    ap.add_argument("--engine", default="native")
    ap.add_argument("--jobs", default="1,2", help="comma-separated --jobs values")
    ap.add_argument("--repeat", type=int, default=1, help="runs per --jobs (best is shown)")
    ap.add_argument("--quick", action="store_true", help="a smoke run: --jobs 1")
    args = ap.parse_args()
    if args.quick:
        args.jobs = "1"
    suite = grader.load_suite(args.suite, engine=args.engine)
    jobs = [int(j) for j in args.jobs.split(",")]
    print(f"suite {suite.name} ({len(suite.tests)} tests, {args.suite}), engine "
          f"{args.engine}, host cpus {os.cpu_count()}")
    warm = grader.grade(suite, jobs=max(jobs))
    steps = sum(r.steps for r in warm.results)
    print(f"warm-up: score {warm.score}/{warm.max_score}, {steps:,} instructions")
    base = None
    same = True
    for j in jobs:
        best = None
        for _ in range(max(1, args.repeat)):
            t0 = time.perf_counter()
            run = grader.grade(suite, jobs=j)
            dt = time.perf_counter() - t0
            best = dt if best is None else min(best, dt)
            if [(r.name, r.score, r.steps) for r in run.results] != \
                    [(r.name, r.score, r.steps) for r in warm.results]:
                same = False
        base = base or best
        print(f"--jobs {j}: {best:7.2f} s wall  score {run.score}/{run.max_score}  "
              f"speed-up x{base / best:.2f}")
    if not same:
        print("WARNING: scores or instruction counts differ between runs", file=sys.stderr)
        return 1
    print("scores and instruction counts identical in every run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
