"""Every benchmark script runs to the end and prints its main figures.

The scripts under ``benchmarks/`` are clients of the Machine API that nothing else
imports, so an API change can break one silently. Each is run here as its user runs it,
``python benchmarks/bench_X.py --quick`` (its smallest sizes, the native engine), in a
subprocess: it must exit 0, print no traceback, and print a line matching its key
figure's pattern — so it cannot pass on empty or truncated output. Timings are never
asserted (the machine is shared). ``bench_bypass`` and ``bench_exokernel`` have a single
mode of a few seconds, so they run without arguments. A new benchmark must be added to
:data:`BENCHMARKS` (a test says so).
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUICK = ["--quick"]

#: script -> (arguments, a pattern one line of its output must match: a main figure)
BENCHMARKS: dict[str, tuple[list[str], str]] = {
    "bench_assembler.py": (QUICK, r"^assembled \d+ lines .* = [\d,]+ lines/second$"),
    "bench_bypass.py": ([], r"^bypass +100 +[\d.]+ +\d+ "),
    "bench_class.py": (QUICK, r"^process pool +[\d.]+ s +[\d.]+ submissions/min"),
    "bench_compare.py": (QUICK, r"^│ monolithic +│ +[\d,]+ ×1\.00 │"),
    "bench_debugger.py": (QUICK, r"^  continue, 3 bps +[\d.]+ +[\d.]+ +[\d.]+%"),
    "bench_disaggregated.py": (QUICK, r"^spawn +2 +[\d,]+ +[\d,]+ +[\d.]+ "),
    "bench_engines.py": (QUICK, r"^tight +[\d.]+ / +[\d.]+ +[\d.]+ / +[\d.]+"),
    "bench_exokernel.py": ([], r"^null system call +\d+ \(\d+ in ring 0\) +\d+"),
    "bench_flexsc.py": (QUICK, r"^ +2 +4 \| +\d+ +\d+ +[\d.]+ \| +\d+ +\d+ +[\d.]+$"),
    "bench_grader.py": (QUICK, r"^--jobs 1: +[\d.]+ s wall +score (\d+)/\1 "),
    "bench_hybrid.py": (QUICK, r"^file +6 +[\d,]+ +[\d,]+ +[\d.]+ "),
    "bench_hypervisor.py": (QUICK, r"^compute +[\d,]+ +[\d,]+ +[\d.]+ +[\d,]+ +[\d.]+$"),
    "bench_microkernel.py": (QUICK, r"^null +100 +256 \(1\.00\) "),
    "bench_monolithic.py": (QUICK, r"^usertests .* steps, OK, quick\)$"),
    "bench_multikernel.py": (QUICK, r"^  owner, by messages +\d+ +\d+ +\d+ +\d+"),
    "bench_peers.py": (QUICK, r"^  ringvm native +[\d.]+ +[\d.]+"),
    "bench_smp.py": (QUICK, r"^ +2 +[\d.]+ +[\d,]+ +[\d,]+ +[\d.]+ "),
    "bench_timeline.py": (QUICK, r"^  with --timeline +[\d.]+ s +\d+ events"),
    "bench_workload.py": (QUICK, r"^compute +10000 +[\d,]+ +[\d.]+$"),
    "bench_xen.py": (QUICK, r"^uni +[\d,]+ +[\d,]+ +[\d,]+ +[\d,]+$"),
}


def test_every_benchmark_script_is_smoke_tested():
    scripts = {p.name for p in (ROOT / "benchmarks").glob("bench_*.py")}
    assert scripts == set(BENCHMARKS)


@pytest.mark.parametrize("script", sorted(BENCHMARKS))
def test_benchmark_runs_and_prints_its_figures(script):
    args, figure = BENCHMARKS[script]
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-3000:]
    assert "Traceback" not in out, out[-3000:]
    assert re.search(figure, r.stdout, re.M), f"no line matches {figure!r}:\n{r.stdout[-3000:]}"
