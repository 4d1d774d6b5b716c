"""LegoOS's price of disaggregation, measured: the portable workload on the
disaggregated kernel next to the monolithic kernel, per phase, with the messages each
phase sends to the storage component and to the memory components; and the round trip
of one request to each kind of component.

Usage: python benchmarks/bench_disaggregated.py [--engine native|python] [--quick]

All figures are cycles (ISA.md §10: steps of a CPU, deterministic, the same on both
engines), never host time.

1. The workload (guests/user/workload.s) on the monolithic kernel and on the
   disaggregated kernel (process component on CPU 0, storage on CPU 1, the workload's
   pages on memory component 2): cycles per operation, the ratio to monolithic, and the
   messages per operation the process component sends — to storage (file operations,
   and every exec, which reads the program) and to memory (a page allocation or free
   each, and the heartbeat: a ping to each memory component every HB_PERIOD ticks). LegoOS (Shan et al., OSDI 2018, §6) reports the same shape: what touches
   memory or storage pays a network round trip, computation does not.
2. `mkping` (guests/multikernel/programs, on the disaggregated kernel): n requests from
   a process on CPU 0 to the storage component (which polls) and to a memory component
   (which sleeps until an IPI).
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_multikernel import boot_lines  # noqa: E402
from ringvm.assembler.elf import read_elf  # noqa: E402
from ringvm.emulator.images import MachineOptions, machine_for, resolve  # noqa: E402
from ringvm.emulator.images.rootdisk import assemble_program  # noqa: E402
from ringvm.emulator.images.workload import parse_phases  # noqa: E402
from ringvm.emulator.machine import Console  # noqa: E402
from ringvm.isa import ISA  # noqa: E402

MSG_SEND = ISA.events["MSG_SEND"].value
STORAGE = 1


def workload(guest: str, engine: str, quick: bool):
    """The workload on ``guest``: its phases, and per phase the messages CPU 0 sent to
    the storage component and to the memory components."""
    image = resolve(guest)
    spec = image.guest.disks[0].build
    elf = read_elf(assemble_program(spec.programs / "workload.s", strip=False,
                                    stubs=spec.stubs))
    marks = {elf.symbols["phase_start"]: "start", elf.symbols["phase_end"]: "end"}
    text = {a: bytes(s.data[a - s.vaddr:a - s.vaddr + 8]) for a in marks
            for s in elf.segments if s.vaddr <= a < s.vaddr + len(s.data)}
    cmd = "workload quick" if quick else "workload"
    con = Console(input=f"{cmd}\nexit\n".encode(), capture=True)
    sent = {"storage": 0, "memory": 0}

    def on_event(cpu, cycle, code, a0, a1):
        if code == MSG_SEND and cpu == 0:
            sent["storage" if a1 == STORAGE else "memory"] += 1
    counts, begin = [], None
    t = time.perf_counter()
    with machine_for(image, MachineOptions(engine=engine, pristine=True), con) as m:
        ev = next((d for d in m.devices if d.name == "events"), None)
        if ev is not None:
            ev.listen(on_event)
        m.set_breakpoints(list(marks))
        while True:
            r = m.run(max_steps=4_000_000_000)
            if r.kind != "breakpoint":
                break
            st = m.cpu(r.cpu)
            if st.ring == 3 and m.read_virtual(r.cpu, st.pc, 8) == text[st.pc]:
                if marks[st.pc] == "start":
                    begin = dict(sent)
                elif begin is not None:
                    counts.append({k: sent[k] - begin[k] for k in sent})
                    begin = None
            m.set_breakpoints([])
            m.step(1)
            m.set_breakpoints(list(marks))
        steps = m.steps
    wall = time.perf_counter() - t
    return parse_phases(bytes(con.captured).decode()), counts, steps, wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="native")
    ap.add_argument("--quick", action="store_true", help="workload quick, fewer pings")
    args = ap.parse_args()

    mono = workload("monolithic", args.engine, args.quick)
    dis = workload("disaggregated", args.engine, args.quick)
    quick = " quick" if args.quick else ""
    print(f"workload{quick}, {args.engine} engine: cycles per operation; on the "
          f"disaggregated kernel also the ratio to monolithic and the messages per "
          f"operation the process component sends to storage / to memory")
    print(f"{'phase':<8} {'ops':>6} {'monolithic':>12} {'disaggregated':>14} {'ratio':>6} "
          f"{'storage msg':>12} {'memory msg':>11}")
    for i, p in enumerate(mono[0]):
        q = dis[0][i]
        c = dis[1][i] if i < len(dis[1]) else {"storage": 0, "memory": 0}
        print(f"{p.name:<8} {p.ops:>6} {p.cycles_per_op:>12,.0f} {q.cycles_per_op:>14,.0f} "
              f"{q.cycles / p.cycles:>6.2f} {c['storage'] / q.ops:>12.1f} "
              f"{c['memory'] / q.ops:>11.1f}")
    for label, (_p, _c, steps, wall) in (("monolithic", mono), ("disaggregated", dis)):
        print(f"  ({label}: {steps:,} steps in {wall:.2f} s wall)")
    print()

    n = 10 if args.quick else 50
    print(f"request round trip from a process on CPU 0 ({n} round trips, disaggregated)")
    lines = boot_lines("disaggregated", f"mkping 1 {n}\nmkping 2 {n}\n", args.engine)
    seen = set()
    for ln in lines:
        m = re.match(r"mkping: \w+: (\d+) round trips with CPU (\d): (\d+) cycles each", ln)
        if m and m[2] not in seen:          # (mkping's mode switch does not apply to
            seen.add(m[2])                  # components: the first figure is theirs)
            kind = ("storage component, its monitor polls" if m[2] == "1" else
                    "memory component, it sleeps until an IPI")
            print(f"  CPU {m[2]}: {kind}: {int(m[3]):,} cycles each")

if __name__ == "__main__":
    main()
