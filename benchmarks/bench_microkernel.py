"""What a microkernel costs, measured: IPC against system calls and pipes (Liedtke's
argument), and the portable workload on the monolithic, hybrid and microkernel
structures (Härtig et al.'s table, in shape), with the microkernel's IPC both
L4-style and Mach-style.

Usage: python benchmarks/bench_microkernel.py [--engine native|python] [--quick]

All figures are cycles (steps of the CPU, ISA.md §10: deterministic, the same on both
engines) — never host time. Per phase of guests/user/workload.s it prints the cycles
per operation with the ratio to the monolithic kernel, then the traps (system calls,
TLB misses and other exceptions), TLB misses, address-space switches and IPC
messages per operation, counted between the workload's own phase_start and phase_end
(breakpoints on its code, found from its symbols). The "null" phase is one getpid: on
the microkernel an IPC call to the process server and its reply (the IPC round trip,
with the stub's work); on the monolithic and hybrid kernels one system call. The raw
round trip (guests/microkernel/tests/ipcbench.s: K_CALL to the process server, which
answers with K_REPLY_WAIT) is the kernel's IPC alone.
"""
from __future__ import annotations

import argparse
import time

import re
import tempfile
from pathlib import Path

from ringvm.assembler.elf import read_elf
from ringvm.emulator.images import MachineOptions, cache, guests_dir, machine_for, resolve
from ringvm.emulator.images.rootdisk import assemble_program, build_tree, strip_elf
from ringvm.emulator.images.rvfs import build_image
from ringvm.emulator.images.workload import parse_phases
from ringvm.emulator.machine import Console
from ringvm.isa import ISA

STRUCTURES = [("monolithic", (), "monolithic"), ("hybrid", (), "hybrid"),
              ("microkernel", (), "micro L4"), ("microkernel", ("mach",), "micro Mach")]
SYSCALL = ISA.causes["SYSCALL"].value


def _snapshot(m) -> dict:
    c = m.counters()
    cpu = c["cpus"][0]
    traps = sum(cpu["traps_by_cause"])
    return {"cycles": cpu["cycles"], "traps": traps, "syscalls": cpu["traps_by_cause"][SYSCALL],
            "tlb_misses": cpu["tlb_misses"], "switches": cpu["asid_switches"],
            "ipc": c["devices"].get("event_IPC_SEND", 0),
            "requests": c["devices"].get("event_REQ_SUBMIT", 0)}


def run(guest: str, options, engine: str, quick: bool):
    """The workload's phases on ``guest`` and the counters of each phase."""
    image = resolve(guest, options=options)
    spec = image.guest.disks[0].build
    elf = read_elf(assemble_program(spec.programs / "workload.s", strip=False,
                                    stubs=spec.stubs))
    marks = {elf.symbols["phase_start"]: "start", elf.symbols["phase_end"]: "end"}
    text = {a: bytes(s.data[a - s.vaddr:a - s.vaddr + 8]) for a in marks
            for s in elf.segments if s.vaddr <= a < s.vaddr + len(s.data)}
    con = Console(input=b"workload quick\nexit\n" if quick else b"workload\nexit\n",
                  capture=True)
    counts, begin = [], None
    t = time.perf_counter()
    with machine_for(image, MachineOptions(engine=engine, pristine=True), con) as m:
        m.set_breakpoints(list(marks))
        while True:
            r = m.run(max_steps=2_000_000_000)
            if r.kind != "breakpoint":
                break
            pc = m.cpu(0).pc
            if m.cpu(0).ring == 3 and m.read_virtual(0, pc, 8) == text[pc]:  # the workload's
                snap = _snapshot(m)
                if marks[pc] == "start":
                    begin = snap
                elif begin is not None:
                    counts.append({k: snap[k] - begin[k] for k in snap})
                    begin = None
            m.set_breakpoints([])
            m.step(1)
            m.set_breakpoints(list(marks))
        steps = m.steps
    wall = time.perf_counter() - t
    phases = parse_phases(bytes(con.captured).decode())
    return phases, counts, steps, wall


def raw_ipc(engine: str, options, n: int) -> float:
    """Cycles of one null call + reply (guests/microkernel/tests/ipcbench.s, no stubs)."""
    image = resolve("microkernel", options=options)
    tree = build_tree(image.guest.disks[0].build)
    g = guests_dir()
    src = g / "microkernel" / "tests" / "ipcbench.s"
    tree["ipcbench"] = strip_elf(cache.assemble(
        src, [src.parent, g / "microkernel" / "ulib", g / "user", g / "microkernel",
              g / "lib"], base=0x1000))
    with tempfile.TemporaryDirectory() as tmp:
        disk = Path(tmp) / "ipcbench.img"
        disk.write_bytes(build_image(tree))
        con = Console(input=f"ipcbench {n}\n".encode(), capture=True)
        with machine_for(image, MachineOptions(engine=engine, disks=[str(disk)],
                                               snapshot=True), con) as m:
            m.run(max_steps=500_000_000)
    found = re.search(r"ipc round trip: (\d+) calls, (\d+) cycles",
                      bytes(con.captured).decode())
    return int(found.group(2)) / int(found.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="native")
    ap.add_argument("--quick", action="store_true", help="workload quick (N / 10)")
    args = ap.parse_args()
    results = {}
    for guest, options, label in STRUCTURES:
        results[label] = run(guest, options, args.engine, args.quick)
    base = {p.name: p for p in results["monolithic"][0]}
    labels = [label for _g, _o, label in STRUCTURES]
    print(f"workload{' quick' if args.quick else ''}, {args.engine} engine: cycles per "
          f"operation (ratio to monolithic)")
    print(f"{'phase':<8} {'ops':>6}" + "".join(f" {label:>19}" for label in labels))
    for i, p in enumerate(results["monolithic"][0]):
        row = f"{p.name:<8} {p.ops:>6}"
        for label in labels:
            q = results[label][0][i]
            row += f" {q.cycles_per_op:>11,.0f} ({q.cycles / base[p.name].cycles:4.2f})"
        print(row)
    print()
    print("per operation: traps / TLB misses / address-space switches / IPC messages")
    print(f"{'phase':<8}" + "".join(f" {label:>19}" for label in labels))
    for i, p in enumerate(results["monolithic"][0]):
        row = f"{p.name:<8}"
        for label in labels:
            c = results[label][1][i]
            ops = results[label][0][i].ops
            row += (f" {c['traps'] / ops:>5.1f}/{c['tlb_misses'] / ops:>4.1f}/"
                    f"{c['switches'] / ops:>4.1f}/{c['ipc'] / ops:>4.1f}")
        print(row)
    print()
    mk = {p.name: p for p in results["micro L4"][0]}
    mach = {p.name: p for p in results["micro Mach"][0]}
    ipc, sysc = mk["null"].cycles_per_op, base["null"].cycles_per_op
    pipe = base["pipe"].cycles_per_op
    n = 100 if args.quick else 1000
    raw, raw_mach = raw_ipc(args.engine, (), n), raw_ipc(args.engine, ("mach",), n)
    print("IPC cost (Liedtke's argument): a null call to the process server and its reply")
    print(f"  raw K_CALL + K_REPLY_WAIT   {raw:>8,.0f} cycles = {raw / sysc:4.1f} x the "
          f"monolithic null system call ({sysc:,.0f}); Mach-style {raw_mach:,.0f}")
    print(f"  getpid through the stubs    {ipc:>8,.0f} cycles = {ipc / sysc:4.1f} x the "
          f"monolithic null system call")
    print(f"  microkernel, Mach-style IPC {mach['null'].cycles_per_op:>8,.0f} cycles = "
          f"{mach['null'].cycles_per_op / ipc:4.1f} x the L4 path")
    print(f"  monolithic pipe round trip  {pipe:>8,.0f} cycles = {pipe / ipc:4.1f} x the "
          f"L4 IPC round trip")
    for label in labels:
        _p, _c, steps, wall = results[label]
        print(f"  ({label}: {steps:,} steps in {wall:.2f} s wall)")


if __name__ == "__main__":
    main()
