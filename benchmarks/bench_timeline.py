"""Timeline benchmark: what ``--timeline`` costs when on, and that it costs nothing
measurable when off.

    python benchmarks/bench_timeline.py [--seconds S] [--repeat N] [--quick]

1. Engine level (the guests of bench_engines.py: ``tight``, ``syscall``, ``tlbmiss``;
   native engine): MIPS with the timeline log off and on (drained every 50,000 steps,
   as the Machine does), best of N interleaved runs, and the overhead in percent. The
   "off" figure is the engine everyone runs: compare it with ``bench_engines.py`` on a
   build without the log to see the cost of the never-taken branches.
2. Whole run (the monolithic kernel's shell running ``cat README | wc``, native):
   host seconds without and with ``--timeline`` (including building and writing the
   JSON), the events, the file size and the cost per event.

Prints figures; never asserts timings (the machine is shared, timings are noisy).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engines import GUESTS, build  # noqa: E402

from ringvm.emulator.engine import MachineConfig, StopReason, create_engine  # noqa: E402
from ringvm.emulator.images import MachineOptions, machine_for, resolve  # noqa: E402
from ringvm.emulator.machine import Console  # noqa: E402
from ringvm.emulator.machine.timeline import BATCH, LOG_CAPACITY, Timeline  # noqa: E402


def engine_rate(guest: str, on: bool, seconds: float) -> tuple[float, int]:
    """Steps/s of the native engine on ``guest`` with the log off or on; records."""
    image = build(guest)
    cfg = MachineConfig()
    ram = bytearray(cfg.ram_size)
    for seg in image.segments:
        ram[seg.paddr:seg.paddr + len(seg.data)] = seg.data
    eng = create_engine("native", cfg, ram)
    s = eng.get_cpu(0)
    s.pc = image.entry
    eng.set_cpu(0, s)
    eng.run(2000)
    if on:
        eng.timeline_start(LOG_CAPACITY)
    steps = records = 0
    t0 = time.perf_counter()
    while True:
        r = eng.run(BATCH)
        steps += r.steps
        if on:
            records += len(eng.timeline_drain()[0])
        if r.reason is not StopReason.MAX_STEPS:
            raise SystemExit(f"{guest}: unexpected stop {r}")
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds:
            return steps / elapsed, records


def whole_run(path: str | None) -> tuple[float, int, int]:
    """Host seconds of the monolithic `cat README | wc` run; events; file bytes."""
    img = resolve("monolithic")
    con = Console(mode="scripted", capture=True, input=b"cat README | wc\n")
    t0 = time.perf_counter()
    with machine_for(img, MachineOptions(engine="native", pristine=True), con) as m:
        tl = Timeline(m, name="monolithic") if path else None
        m.run(max_steps=3_000_000)
        if tl is not None:
            tl.write(path)
    dt = time.perf_counter() - t0
    if tl is None:
        return dt, 0, 0
    return dt, len(tl.events), os.path.getsize(path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=1.0, help="per measurement")
    ap.add_argument("--repeat", type=int, default=3, help="interleaved runs (best kept)")
    ap.add_argument("--quick", action="store_true",
                    help="a smoke run: --seconds 0.1 --repeat 1")
    args = ap.parse_args(argv)
    if args.quick:
        args.seconds, args.repeat = 0.1, 1

    print("engine level, native (MIPS, best of "
          f"{args.repeat}; log drained every {BATCH} steps)")
    print(f"{'guest':<9} {'off':>9} {'on':>9} {'overhead':>9} {'records/Msteps':>15}")
    for guest in GUESTS:
        best = {False: 0.0, True: 0.0}
        recs = 0
        for _ in range(args.repeat):
            for on in (False, True):
                rate, n = engine_rate(guest, on, args.seconds)
                if rate > best[on]:
                    best[on] = rate
                    if on:
                        recs = n / (rate * args.seconds) * 1e6
        print(f"{guest:<9} {best[False] / 1e6:9.1f} {best[True] / 1e6:9.1f} "
              f"{(best[False] / best[True] - 1) * 100:8.1f}% {recs:15.0f}", flush=True)

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "run.json")
        off = min(whole_run(None)[0] for _ in range(args.repeat))
        runs = [whole_run(path) for _ in range(args.repeat)]
        on, events, size = min(runs)
    print()
    print("monolithic `cat README | wc`, native, whole run (host seconds, best of "
          f"{args.repeat})")
    print(f"  without --timeline {off:8.3f} s")
    print(f"  with --timeline    {on:8.3f} s   {events} events, {size / 1024:.0f} KiB, "
          f"{(on - off) / max(events, 1) * 1e6:.1f} us per event")
    return 0


if __name__ == "__main__":
    sys.exit(main())
