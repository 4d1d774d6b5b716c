"""Benchmark class grading: submissions per minute, local process pool vs Dask.

Usage: python benchmarks/bench_class.py [--students 20] [--jobs 2] [--only TEST,...]
                                        [--engine native|python] [--no-dask] [--quick]

Generates a class of ``--students`` submissions of the monolithic kernel in a temporary
folder: the bundled kernel and, in turn, each broken variant of
``tests/grader/variants.py`` (so some students lose points), each as a full copy of
``monolithic/``, ``lib/`` and ``user/``. Builds them once (``prepare_class``: the
overlay, the kernels and disk images; timed separately), then grades the class with the
local process pool (``--jobs`` processes) and on an embedded Dask ``LocalCluster`` of
``--jobs`` workers (the cluster's start-up is included), and prints for each the wall
time, the (student, test) runs, submissions per minute, and whether the scores and
transcripts are identical. Without Dask (``pip install 'ringvm[cluster]'``) only the
process pool is measured. ``--only`` grades a part of the suite (its dependencies
too), for a quicker run. --quick: a smoke run, --students 2 --jobs 1 --only boot --no-dask.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "grader"))

from variants import SUITE, VARIANTS, make_variant  # noqa: E402

from ringvm.emulator.grader import classroom, cluster  # noqa: E402


def make_class(dest: Path, n: int) -> list[str]:
    """``n`` submission folders under ``dest``: the reference kernel and the variants
    in turn. Returns what each student handed in."""
    import shutil
    kinds = ["reference"] + sorted(VARIANTS)
    out = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        d = dest / f"student{i:03d}"
        if kind == "reference":
            d.mkdir(parents=True)
            for top in ("monolithic", "lib", "user"):
                shutil.copytree(SUITE.parent.parent / top, d / top,
                                ignore=shutil.ignore_patterns("tests", "*.img"))
        else:
            make_variant(kind, d)
        out.append(kind)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--engine", default="native")
    ap.add_argument("--only", default=None, help="comma-separated tests or tags")
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--quick", action="store_true",
                    help="a smoke run: --students 2 --jobs 1 --only boot --no-dask")
    args = ap.parse_args()
    if args.quick:
        args.students, args.jobs, args.only, args.no_dask = 2, 1, "boot", True
    only = args.only.split(",") if args.only else None
    with tempfile.TemporaryDirectory(prefix="ringvm-bench-class-") as tmp:
        tmp = Path(tmp)
        kinds = make_class(tmp / "class", args.students)
        print(f"class: {args.students} submissions ({kinds.count('reference')} reference, "
              f"the rest broken variants), suite {SUITE.parent.name}"
              f"{' --only ' + args.only if args.only else ''}, engine {args.engine}, "
              f"--jobs {args.jobs}, host cpus {os.cpu_count()}")
        t0 = time.perf_counter()
        students, engine = classroom.prepare_class(SUITE, tmp / "class", tmp / "work",
                                                   engine=args.engine, only=only)
        runs = sum(len(s.jobs) for s in students)
        print(f"build (overlay, assemble, disk images): {time.perf_counter() - t0:.1f} s, "
              f"{runs} test runs")
        results = {}
        modes = [("process pool", None)]
        if not args.no_dask:
            if cluster.dask_available():
                modes.append(("Dask LocalCluster", "local"))
            else:
                print(f"Dask: not installed ({cluster.INSTALL_HINT}); skipped")
        for label, where in modes:
            t0 = time.perf_counter()
            run = classroom.grade_class(students, engine, jobs=args.jobs, cluster=where)
            dt = time.perf_counter() - t0
            results[label] = run
            full = sum(r.full_marks for r in run.runs.values())
            print(f"{label:<18} {dt:7.1f} s  {args.students * 60 / dt:7.1f} submissions/min  "
                  f"{runs / dt:6.1f} tests/s  ({full} of {args.students} with full marks)")
        if len(results) == 2:
            a, b = results.values()
            same = all([classroom.result_key(x) for x in a.runs[s].results] ==
                       [classroom.result_key(x) for x in b.runs[s].results] for s in a.runs)
            print("identical results: " + ("yes" if same else "NO"))
            return 0 if same else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
