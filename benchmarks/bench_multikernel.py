"""What a multikernel costs and saves, measured: Baumann's comparison of updating shared
state by locking against messages (on 1, 2, 4 and 8 CPUs), the cost of a message round
trip between two CPUs by polling and by IPI, and the portable workload on the
multikernel — on the CPU that owns the devices and on another one — next to the
monolithic kernel, with the messages each phase costs.

Usage: python benchmarks/bench_multikernel.py [--engine native|python] [--quick]

All figures are cycles (ISA.md §10: steps of a CPU, deterministic, the same on both
engines), never host time.

1. guests/multikernel/bench/update.s, a bare-metal kernel booted on N CPUs: each CPU
   makes UPDATES updates of a 16-word record — shared under a cas spin lock (mode 0),
   replicated with every update sent to every other CPU as a URPC message (mode 1), or
   owned by CPU 0 which applies the updates the others send it (mode 2, Baumann's
   client/server "MSG"). Cycles per update = the slowest CPU's clock over all the
   updates made. The second table adds the benchmark's model of cache-line transfers
   (LINE_COST=100 cycles each) and counts the lines that moved.
2. `mkping` (guests/multikernel/programs): n requests from a process on CPU 0 to CPU
   1's monitor and back, with every monitor polling, then sleeping until an IPI; and
   `chanping`: two processes, one per CPU, over a user-level channel (no kernel).
3. The workload (guests/user/workload.s), per phase: cycles per operation and messages
   per operation (events MSG_SEND between the workload's phase marks).
"""
from __future__ import annotations

import argparse
import time

from ringvm.assembler.elf import read_elf
from ringvm.emulator.compare.reports.multikernel import MODES, update
from ringvm.emulator.images import MachineOptions, machine_for, resolve
from ringvm.emulator.images.rootdisk import assemble_program
from ringvm.emulator.images.workload import parse_phases
from ringvm.emulator.machine import Console


def boot_lines(guest: str, text: str, engine: str, cpus: int | None = None, options=()) \
        -> list[str]:
    con = Console(input=text.encode(), capture=True)
    with machine_for(resolve(guest, options=options),
                     MachineOptions(engine=engine, ncpus=cpus, pristine=True), con) as m:
        m.run(max_steps=2_000_000_000)
    return bytes(con.captured).decode().splitlines()


def workload_phases(guest: str, command: str, engine: str, options=(), cpus=None):
    """The workload run by shell ``command`` on ``guest``: its phases, and the events
    MSG_SEND (all CPUs) and the traps of the CPU it runs on during each phase."""
    image = resolve(guest, options=options)
    spec = image.guest.disks[0].build
    elf = read_elf(assemble_program(spec.programs / "workload.s", strip=False,
                                    stubs=spec.stubs))
    marks = {elf.symbols["phase_start"]: "start", elf.symbols["phase_end"]: "end"}
    text = {a: bytes(s.data[a - s.vaddr:a - s.vaddr + 8]) for a in marks
            for s in elf.segments if s.vaddr <= a < s.vaddr + len(s.data)}
    con = Console(input=f"{command}\nexit\n".encode(), capture=True)
    counts, begin = [], None

    def snap(m, cpu):
        c = m.counters()
        return {"msgs": c["devices"].get("event_MSG_SEND", 0),
                "traps": sum(c["cpus"][cpu]["traps_by_cause"])}
    t = time.perf_counter()
    with machine_for(image, MachineOptions(engine=engine, ncpus=cpus, pristine=True),
                     con) as m:
        m.set_breakpoints(list(marks))
        while True:
            r = m.run(max_steps=4_000_000_000)
            if r.kind != "breakpoint":
                break
            st = m.cpu(r.cpu)
            if st.ring == 3 and m.read_virtual(r.cpu, st.pc, 8) == text[st.pc]:
                s = snap(m, r.cpu)
                if marks[st.pc] == "start":
                    begin = s
                elif begin is not None:
                    counts.append({k: s[k] - begin[k] for k in s})
                    begin = None
            m.set_breakpoints([])
            m.step(1)
            m.set_breakpoints(list(marks))
        steps = m.steps
    wall = time.perf_counter() - t
    out = bytes(con.captured).decode()
    return parse_phases(out), counts, steps, wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="native")
    ap.add_argument("--quick", action="store_true", help="fewer updates, workload quick")
    args = ap.parse_args()
    updates = 50 if args.quick else 200
    cpus = (1, 2, 4, 8)

    for cost in (0, 100):
        print(f"Baumann's comparison: {updates} updates of a 16-word record per CPU "
              f"(guests/multikernel/bench/update.s), {args.engine} engine" +
              ("" if not cost else f", cache-line model LINE_COST={cost}"))
        print(f"  {'cycles per update':<26}" + "".join(f" {f'N={n}':>9}" for n in cpus)
              + ("" if not cost else "   line transfers at N=8"))
        for mode, label in MODES:
            res = [update(args.engine, mode, n, updates, cost) for n in cpus]
            row = f"  {label:<26}" + "".join(f" {r[0]:>9,}" for r in res)
            if cost:
                row += f"   {res[-1][3]:>10,}"
            elif mode == 0:
                row += f"   ({res[-1][1]:,} lock spins at N=8)"
            print(row)
        print()

    n = 10 if args.quick else 50
    print(f"message round trip between CPU 0 and CPU 1 ({n} round trips, multikernel, "
          f"2 CPUs)")
    lines = boot_lines("multikernel", f"mkping 1 {n}\nchanping 1 {n * 4}\n", args.engine,
                       cpus=2)
    for ln in lines:
        if ln.startswith(("mkping: polling", "mkping: IPI", "chanping: ")) and "cycles" in ln:
            print("  " + ln)
    print()

    quick = " quick" if args.quick else ""
    runs = [("monolithic", f"workload{quick}", (), None, "monolithic"),
            ("multikernel", f"workload{quick}", (), 4, "multi, CPU 0"),
            ("multikernel", f"oncore 2 workload{quick}", (), 4, "multi, CPU 2")]
    results = {label: workload_phases(g, cmd, args.engine, o, c)
               for g, cmd, o, c, label in runs}
    base = results["monolithic"][0]
    print(f"workload{quick}, {args.engine} engine: cycles per operation (ratio to "
          f"monolithic) / messages per operation")
    print(f"{'phase':<8} {'ops':>6}" + "".join(f" {label:>26}" for *_x, label in runs))
    for i, p in enumerate(base):
        row = f"{p.name:<8} {p.ops:>6}"
        for *_x, label in runs:
            q = results[label][0][i]
            msgs = results[label][1][i]["msgs"] / q.ops if i < len(results[label][1]) else 0
            row += f" {q.cycles_per_op:>11,.0f} ({q.cycles / p.cycles:4.2f}) {msgs:>6.1f} msg"
        print(row)
    for *_x, label in runs:
        _p, _c, steps, wall = results[label]
        print(f"  ({label}: {steps:,} steps in {wall:.2f} s wall)")


if __name__ == "__main__":
    main()
