"""Kernel bypass: the same echo request through the kernel and by bypass (guests/bypass).

Usage: python benchmarks/bench_bypass.py [--engine native|python]

The `netapp` library OS sends N requests of 64 bytes to the NIC's loopback and waits
for each echo, first through the kernel (two system calls per request, the kernel
copying the data and driving its own queue) and then on its own queue (descriptors in
its memory, doorbells by store). For each path this prints requests per million cycles
(from the cycles the guest measured with the cycle CSR) and, measured on the host
between the phase's first and last instruction: instructions per request (all, and in
ring 0 / ring 3), system calls per request and NIC doorbells per request. One cycle is
one step of the CPU (ISA.md §10), so the figures are the same on both engines.
"""
from __future__ import annotations

import argparse
import re

from ringvm.assembler.elf import read_elf
from ringvm.emulator.images import MachineOptions, cache, guests_dir, lib_dir, \
    machine_for, resolve
from ringvm.emulator.machine import Console
from ringvm.isa import ISA

PHASE = re.compile(r"^phase ([\w-]+) ops=(\d+) cycles=(\d+)$", re.M)
SYSCALL = ISA.causes["SYSCALL"].value
PATHS = {"kernel-path": ("kpath_start", "kpath_end"), "bypass": ("bypass_start", "bypass_end")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="native")
    args = ap.parse_args()
    src = guests_dir() / "bypass" / "netapp.s"
    sym = read_elf(cache.assemble(src, [src.parent, guests_dir() / "exokernel", lib_dir()],
                                  base=0x1000, name="netapp")).symbols
    con = Console(input=b"", capture=True)
    host = {}
    opts = MachineOptions(engine=args.engine, pristine=True)
    with machine_for(resolve("bypass"), opts, con) as m:
        def snap():
            c = m.counters()
            cpu = c["cpus"][0]
            return (dict(zip((-1, 0, 1, 2, 3), cpu["retired_by_ring"])),
                    cpu["traps_by_cause"][SYSCALL], c["devices"].get("nic_doorbells", 0))
        for name, (a, b) in PATHS.items():
            m.set_breakpoints({sym[a]})
            m.run(max_steps=50_000_000)
            r0, s0, d0 = snap()
            m.set_breakpoints({sym[b]})
            m.run(max_steps=50_000_000)
            r1, s1, d1 = snap()
            host[name] = ({k: r1[k] - r0[k] for k in r0}, s1 - s0, d1 - d0)
        m.set_breakpoints(set())
        m.run(max_steps=50_000_000)
    out = bytes(con.captured).decode()
    phases = {n: (int(k), int(c)) for n, k, c in PHASE.findall(out)}
    print(f"kernel bypass vs the kernel path, {args.engine} engine, 64-byte echo requests "
          f"over the NIC's loopback")
    print(f"{'path':<12} {'requests':>8} {'cycles/req':>11} {'req/Mcycle':>11} "
          f"{'instr/req':>10} {'ring 0':>8} {'ring 3':>8} {'syscalls/req':>13} "
          f"{'doorbells/req':>14}")
    for name in PATHS:
        n, cyc = phases[name]
        rings, sc, db = host[name]
        total = sum(rings.values())
        print(f"{name:<12} {n:>8} {cyc / n:>11.1f} {n / cyc * 1e6:>11.0f} "
              f"{total / n:>10.1f} {rings[0] / n:>8.1f} {rings[3] / n:>8.1f} "
              f"{sc / n:>13.1f} {db / n:>14.1f}")
    k, b = phases["kernel-path"], phases["bypass"]
    print(f"bypass: {k[1] / b[1]:.1f}x the requests per cycle of the kernel path (its ring-0 "
          f"instructions are the timer's interrupts, not the requests)")
    print([ln for ln in out.splitlines() if ln.startswith("netapp: queue 0")][0])


if __name__ == "__main__":
    main()
