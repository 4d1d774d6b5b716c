"""Benchmark the monolithic kernel with its userland (guests/monolithic, guests/user).

Usage: python benchmarks/bench_monolithic.py [--engine native|python] [--quick]

Prints:
  boot        steps (= instructions + trap steps + idle cycles, ISA.md §10) from reset
              to the first shell prompt "$ ", and the instructions retired by then
  getpid      cycles per getpid round trip (null system call), measured inside the
              guest by /bench with the cycle CSR (empty-loop cost subtracted)
  pipe        cycles per one-byte ping-pong between two processes over two pipes
              (two context switches, four pipe system calls)
  usertests   wall time of a full `usertests` run on the engine (--quick: `usertests
              quick`), from boot to power-off, and the steps it took
One cycle is one step of the CPU, so the cycle figures count instructions plus trap
entries (and idle cycles, of which there are none while the benchmark runs).
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

from ringvm.emulator.images import rootdisk, rvfs
from ringvm.emulator.machine.console import Console
from ringvm.emulator.engine import MachineConfig
from ringvm.emulator.images import build_guest, find_guest, guests_dir
from ringvm.emulator.machine import Machine


def _image(tmp: Path) -> Path:
    user = guests_dir() / "user"
    spec = rootdisk.DiskSpec("bench", programs=user, files=user / "rootfs")
    p = tmp / "disk.img"
    p.write_bytes(rvfs.build_image(rootdisk.build_tree(spec)))
    return p


def _retired(m: Machine) -> int:
    cpus = m.counters()["cpus"]
    return sum(c["retired"] for c in cpus)


def boot_to_prompt(kernel: bytes, disk: Path, engine: str) -> tuple[int, int]:
    """(steps, instructions retired) from reset to the first "$ " on the console."""
    con = Console(input=b"", capture=True)
    with Machine(MachineConfig(), engine, disk=str(disk), disk_snapshot=True,
                 console=con) as m:
        m.load_elf(kernel)
        steps, chunk = 0, 100
        while steps < 2_000_000_000:
            r = m.run(max_steps=chunk)
            steps += r.steps
            if b"$ " in con.captured:
                return steps, _retired(m)
            if r.kind != "max_steps":
                raise SystemExit(f"the machine stopped before the prompt: {r.kind}")
    raise SystemExit("no shell prompt")


def session(kernel: bytes, disk: Path, engine: str, text: str) -> tuple[str, float, int]:
    """Console output, wall seconds and steps of a whole scripted session."""
    con = Console(input=text.encode(), capture=True)
    with Machine(MachineConfig(), engine, disk=str(disk), disk_snapshot=True,
                 console=con) as m:
        m.load_elf(kernel)
        t = time.perf_counter()
        r = m.run(max_steps=20_000_000_000)
        dt = time.perf_counter() - t
    if r.kind != "halt":
        raise SystemExit(f"session did not power off: {r.kind}")
    return con.captured.decode("utf-8", "replace"), dt, r.steps


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="native")
    ap.add_argument("--quick", action="store_true", help="usertests quick")
    args = ap.parse_args()
    g = find_guest("monolithic")
    if g is None:
        print("no monolithic guest", file=sys.stderr)
        return 1
    kernel = build_guest(g)
    with tempfile.TemporaryDirectory() as tmp:
        disk = _image(Path(tmp))
        steps, retired = boot_to_prompt(kernel, disk, args.engine)
        print(f"boot        {steps:>12,} steps to the first prompt "
              f"({retired:,} instructions retired)")
        out, _, _ = session(kernel, disk, args.engine, "bench 1000\n")
        vals = dict(re.findall(r"bench: (\w+) (\d+)", out))
        if not {"getpid", "pipe"} <= set(vals):
            print(out, file=sys.stderr)
            return 1
        print(f"getpid      {int(vals['getpid']):>12,} cycles per null system call")
        print(f"pipe        {int(vals['pipe']):>12,} cycles per pipe ping-pong round trip")
        cmd = "usertests quick\n" if args.quick else "usertests\n"
        out, dt, st = session(kernel, disk, args.engine, cmd)
        ok = "usertests: OK" in out
        print(f"usertests   {dt:>12.2f} s wall on {args.engine} "
              f"({st:,} steps, {'OK' if ok else 'FAILED'}"
              f"{', quick' if args.quick else ''})")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
