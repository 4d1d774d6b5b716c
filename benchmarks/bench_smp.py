"""Benchmark the multiprocessor monolithic kernel (guests/monolithic: smp.s, proc.s):
a full `usertests` run on 1, 2 and 4 CPUs.

Usage: python benchmarks/bench_smp.py [--engine native|python] [--quick] [--cpus 1,2,4]

Prints one row per CPU count:
  wall        host seconds from boot to power-off (noisy: the host is shared)
  steps       steps of all CPUs together (instructions + trap entries + idle cycles)
  elapsed     machine time: the largest per-CPU cycle counter (the CPUs run side by
              side, so this is what "faster on more CPUs" means on the machine)
  idle %      share of all CPUs' cycles spent idle (wfi)
  ipis        IPIs sent (kicks of idle CPUs, kills, shootdowns)
  shootdowns  TLB shootdowns that needed other CPUs, and the acknowledgements
--quick runs `usertests quick` (for the Python engine).
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from ringvm.emulator.engine import MachineConfig
from ringvm.emulator.images import build_guest, find_guest, guests_dir, rootdisk, rvfs
from ringvm.emulator.machine import Machine
from ringvm.emulator.machine.console import Console


def _image(tmp: Path) -> Path:
    user = guests_dir() / "user"
    spec = rootdisk.DiskSpec("bench", programs=user, files=user / "rootfs")
    p = tmp / "disk.img"
    p.write_bytes(rvfs.build_image(rootdisk.build_tree(spec)))
    return p


def run_usertests(kernel: bytes, disk: Path, engine: str, ncpus: int, text: str) -> dict:
    con = Console(input=text.encode(), capture=True)
    with Machine(MachineConfig(ncpus=ncpus), engine, disk=str(disk), disk_snapshot=True,
                 console=con) as m:
        m.load_elf(kernel)
        t0 = time.perf_counter()
        r = m.run(max_steps=4_000_000_000)
        wall = time.perf_counter() - t0
        c = m.counters()
    out = bytes(con.captured).decode("utf-8", "replace")
    if r.kind != "halt" or "usertests: OK" not in out:
        raise SystemExit(f"usertests did not pass on {ncpus} CPUs ({r.kind}):\n{out[-2000:]}")
    cpus = c["cpus"]
    dev = c["devices"]
    return {"wall": wall, "steps": r.steps,
            "elapsed": max(x["cycles"] for x in cpus),
            "idle": sum(x["idle"] for x in cpus) / max(1, sum(x["cycles"] for x in cpus)),
            "ipis": dev.get("ipis_sent", 0),
            "shoot": dev.get("event_SHOOTDOWN", 0), "acks": dev.get("event_SHOOTDOWN_ACK", 0)}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="native")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--cpus", default="1,2,4")
    a = ap.parse_args(argv)
    text = "usertests quick\n" if a.quick else "usertests\n"
    kernel = build_guest(find_guest("monolithic"))
    with tempfile.TemporaryDirectory() as tmp:
        disk = _image(Path(tmp))
        print(f"usertests{' quick' if a.quick else ''} on the monolithic kernel "
              f"({a.engine} engine)")
        print(f"{'cpus':>4} {'wall s':>7} {'steps':>12} {'elapsed':>12} {'speedup':>7} "
              f"{'idle %':>6} {'ipis':>6} {'shootdowns':>10} {'acks':>6}")
        base = None
        for n in [int(x) for x in a.cpus.split(",")]:
            f = run_usertests(kernel, disk, a.engine, n, text)
            base = base or f["elapsed"]
            print(f"{n:>4} {f['wall']:>7.2f} {f['steps']:>12,} {f['elapsed']:>12,} "
                  f"{base / f['elapsed']:>7.2f} {100 * f['idle']:>6.1f} {f['ipis']:>6,} "
                  f"{f['shoot']:>10,} {f['acks']:>6,}")


if __name__ == "__main__":
    main()
