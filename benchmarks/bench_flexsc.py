"""Benchmark FlexSC exception-less system calls against trapping ones (guests/flexsc on
the SMP monolithic kernel built with FLEXSC = 1) — the shape of Soares & Stumm's
figures.

Usage: python benchmarks/bench_flexsc.py [--engine native|python] [--quick]

The same program, guests/flexsc/programs/fxserver.s (THREADS user threads, each doing
REQUESTS requests of 4 system calls: getpid, fstat, a pipe write and read), is built
twice: with the trapping stubs (guests/user/lib/trap) and with the FlexSC stubs
(guests/flexsc/stubs). Both run on the same kernel, on 1 and 2 CPUs, for batch sizes
(user threads = outstanding requests) 1, 2, 4, 8, 12. Prints per row:
  thr/Mcyc   completed system calls per million cycles (the program's cycle CSR, on
             its own CPU, from the first thread's start to the last one's end)
  latency    cycles per call as one thread sees it (elapsed / calls per thread)
  traps/call SYSCALL traps per completed call (the run minus the same run with 0
             requests: registration, process start and exit)
(the measurement is emulator/compare/reports/flexsc.py's, which `ringvm compare
--report flexsc` judges against the paper). Then the portable workload (`workload
quick`) with each stub library: its phases' cycles and traps per call.

The machine has no caches: a trap costs here only its *direct* cost (the trap entry
and the kernel's save/restore), not the cache and TLB pollution that makes up most of
the cost on real hardware (FlexSC's motivation). `ringvm compare`'s cost profiles
model that indirect cost.
"""
from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from ringvm.emulator.compare.reports.flexsc import (boot, flexsc_kernel, fxserver, make_disk,
                                                    stub_dirs)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="native")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args(argv)
    reqs = 10 if a.quick else 100
    batches = [1, 4] if a.quick else [1, 2, 4, 8, 12]
    kernel = flexsc_kernel()
    with tempfile.TemporaryDirectory() as tmp:
        disks = {k: make_disk(Path(tmp), k) for k in stub_dirs()}
        print(f"fxserver: {reqs} requests x 4 calls per thread ({a.engine} engine)")
        print(f"{'cpus':>4} {'batch':>5} | {'trap thr/Mcyc':>13} {'latency':>8} "
              f"{'traps/call':>10} | {'flexsc thr/Mcyc':>15} {'latency':>8} {'traps/call':>10}")
        for ncpus in (1, 2):
            for b in batches:
                t = fxserver(kernel, disks["trap"], b, reqs, ncpus, a.engine)
                f = fxserver(kernel, disks["flexsc"], b, reqs, ncpus, a.engine)
                print(f"{ncpus:>4} {b:>5} | {t['thr']:>13.0f} {t['lat']:>8.0f} "
                      f"{t['tpc']:>10.3f} | {f['thr']:>15.0f} {f['lat']:>8.0f} "
                      f"{f['tpc']:>10.3f}")
        print()
        print("workload quick (single-threaded: batch size 1)")
        print(f"{'cpus':>4} {'stubs':>6} {'traps':>7}  phases (cycles)")
        for ncpus in (1, 2):
            for kind in disks:
                out, traps = boot(kernel, disks[kind], "workload quick\n", ncpus, a.engine)
                if "workload: done" not in out:
                    raise SystemExit(f"workload failed:\n{out[-1500:]}")
                phases = " ".join(f"{m.group(1)}={int(m.group(2)):,}" for m in
                                  re.finditer(r"phase (\w+) ops=\d+ cycles=(\d+)", out))
                print(f"{ncpus:>4} {kind:>6} {traps:>7,}  {phases}")


if __name__ == "__main__":
    main()
