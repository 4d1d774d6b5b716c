"""Engler's table, in shape: what the exokernel's primitives cost on this machine,
beside the monolithic kernel's equivalents (Engler, Kaashoek, O'Toole, SOSP 1995:
Aegis vs Ultrix).

Usage: python benchmarks/bench_exokernel.py [--engine native|python]

Two ways of measuring, both in cycles (steps of the CPU: instructions and trap
entries, ISA.md §10), so the figures are deterministic and the same on both engines:
  in the guest   the `engler` library OS (guests/exokernel/tests/engler.s) times N
                 operations with the cycle CSR (loop cost subtracted);
  on the host    the machine is stopped at the kernel's trap vector and stepped to
                 the end of one operation, counting the steps and the instructions
                 retired in ring 0 ("kernel instructions on the path").
Rows:
  null system call          trap, dispatch, return: the exokernel (an unknown call) /
                            the monolithic kernel (getpid)
  exception to user level   a `break` until the library OS's handler runs (kernel
                            instructions on that path) / the monolithic kernel has no
                            user-level exceptions (it kills the process)
  exception round trip      ... handled in ring 3 and resumed (EXO_RESUME)
  protected control transfer  one EXO_PCT between two environments / one direction
                            of a pipe ping-pong between two processes (workload)
  TLB refill                by the library OS (upcall, walk, EXO_TLB_RESUME) / by the
                            monolithic kernel (its trap-entry fast path)
  guaranteed mapping        a miss in a library OS's image or PHYSMAP window, refilled
                            by the exokernel itself
Then what the structures mean for a program: the portable workload's phases on ExOS
(getpid is a library call), on the monolithic kernel and on the library OS of early
systems (guests/libos: no protection at all, the cost floor), and the specialised
library OS's sweep with its own TLB policy vs ExOS's policy.
"""
from __future__ import annotations

import argparse
import re

from ringvm.assembler.elf import read_elf
from ringvm.emulator.images import MachineOptions, cache, guests_dir, lib_dir, \
    machine_for, resolve
from ringvm.emulator.images.registry import ModuleSource
from ringvm.emulator.images.workload import parse_phases
from ringvm.emulator.machine import Console
from ringvm.isa import ISA

EXO = guests_dir() / "exokernel"
PHASE = re.compile(r"^phase ([\w-]+) ops=(\d+) cycles=(\d+)", re.M)
CAUSE = ISA.csrs["cause"].number
BADV = ISA.csrs["badvaddr"].number
EPC = ISA.csrs["epc"].number
C = {n: c.value for n, c in ISA.causes.items()}


def engler_module() -> tuple[ModuleSource, dict[str, int]]:
    src = EXO / "tests" / "engler.s"
    syms = read_elf(cache.assemble(src, [src.parent, EXO, lib_dir()], base=0x1000,
                                   name="engler")).symbols
    return ModuleSource("engler", source=src, base=0x1000, include=[EXO]), syms


def in_guest(engine: str) -> dict[str, float]:
    mod, _ = engler_module()
    con = Console(input=b"", capture=True)
    image = resolve(str(EXO / "main.s"), modules=[mod], entry_as_guest=False)
    with machine_for(image, MachineOptions(engine=engine, disks=[]), con) as m:
        m.run(max_steps=5_000_000)
    out = bytes(con.captured).decode()
    return {n: int(c) / int(k) for n, k, c in PHASE.findall(out)}


def trace_path(m, start, done, limit=2000, skip=2) -> tuple[int, int, int]:
    """Run to the kernel's trap vector until ``start(cpu)`` holds for the ``skip+1``-th
    time (the first ones run with a cold TLB), then step until ``done(cpu, cpu0)``.
    Returns (cycles including the trap step, ring-0 instructions, ring-3
    instructions)."""
    vec = m.symbols["trap_entry"]
    m.set_breakpoints({vec})
    for _ in range(100_000):
        r = m.run(max_steps=50_000_000)
        if r.kind != "breakpoint":
            raise SystemExit(f"no such operation before the machine stopped ({r.kind})")
        cpu = m.cpu(0)
        if start(cpu):
            if skip == 0:
                break
            skip -= 1
            m.set_breakpoints(set())
            m.step(1)
            m.set_breakpoints({vec})
    m.set_breakpoints(set())
    first = cpu
    c0 = cpu.cycle - 1                  # the trap step that brought us here
    k = u = 0
    for _ in range(limit):
        ring = m.cpu(0).ring
        m.step(1)
        k += ring == 0
        u += ring == 3
        cpu = m.cpu(0)
        if done(cpu, first):
            return cpu.cycle - c0, k, u
    raise SystemExit("the path did not end")


def exo_paths(engine: str) -> dict[str, tuple[int, int, int]]:
    mod, syms = engler_module()
    out = {}

    def boot():
        image = resolve(str(EXO / "main.s"), modules=[mod], entry_as_guest=False)
        return machine_for(image, MachineOptions(engine=engine, disks=[]),
                           Console(input=b"", capture=True))

    with boot() as m:
        out["null system call"] = trace_path(
            m, lambda c: c.csr[CAUSE] == C["SYSCALL"] and c.regs[17] == 99,
            lambda c, f: c.ring == 3)
    with boot() as m:
        out["exception to user level"] = trace_path(
            m, lambda c: c.csr[CAUSE] == C["BREAKPOINT"],
            lambda c, f: c.ring == 3 and c.pc == syms["upcall"])
    with boot() as m:
        out["exception round trip"] = trace_path(
            m, lambda c: c.csr[CAUSE] == C["BREAKPOINT"],
            lambda c, f: c.ring == 3 and c.pc == f.csr[EPC] + 4)
    with boot() as m:
        arr = 0x00800000                # engler.s ARRAY
        out["TLB refill"] = trace_path(
            m, lambda c: c.csr[CAUSE] in (C["TLB_MISS_LOAD"],) and
            arr <= c.csr[BADV] < arr + 0x100000,
            lambda c, f: c.ring == 3 and c.pc == f.csr[EPC])
    with boot() as m:
        out["guaranteed mapping"] = trace_path(
            m, lambda c: c.csr[CAUSE] in (C["TLB_MISS_LOAD"], C["TLB_MISS_STORE"],
                                         C["TLB_MISS_FETCH"]) and
            c.csr[BADV] >= 0x40000000,
            lambda c, f: c.ring == 3 and c.pc == f.csr[EPC])
    return out


def mono_paths(engine: str) -> dict[str, tuple[int, int, int]]:
    out = {}
    sys_getpid = 11

    def boot():
        return machine_for(resolve("monolithic"), MachineOptions(engine=engine, pristine=True),
                           Console(input=b"workload quick\nexit\n", capture=True))

    with boot() as m:
        out["null system call"] = trace_path(
            m, lambda c: c.csr[CAUSE] == C["SYSCALL"] and c.regs[17] == sys_getpid,
            lambda c, f: c.ring == 3)
    with boot() as m:
        out["TLB refill"] = trace_path(
            m, lambda c: c.csr[CAUSE] in (C["TLB_MISS_LOAD"], C["TLB_MISS_STORE"],
                                         C["TLB_MISS_FETCH"]) and c.csr[BADV] < 0x80000000,
            lambda c, f: c.ring == 3 and c.pc == f.csr[EPC])
    return out


def workloads(engine: str):
    res = {}
    for name in ("monolithic", "exokernel"):
        con = Console(input=b"workload quick\nexit\n", capture=True)
        with machine_for(resolve(name), MachineOptions(engine=engine, pristine=True),
                         con) as m:
            m.run(max_steps=400_000_000)
        text = bytes(con.captured).decode()
        res[name] = ({p.name: p.cycles_per_op for p in parse_phases(text)}, text)
    con = Console(input=b"workload quick\n", capture=True)   # the phases it has
    with machine_for(resolve("libos"), MachineOptions(engine=engine, pristine=True),
                     con) as m:
        m.run(max_steps=400_000_000)
    text = bytes(con.captured).decode()
    res["libos"] = ({n: int(c) / int(k) for n, k, c in PHASE.findall(text)}, text)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="native")
    args = ap.parse_args()
    g = in_guest(args.engine)
    ex = exo_paths(args.engine)
    mo = mono_paths(args.engine)
    wl = workloads(args.engine)
    pipe_one_way = wl["monolithic"][0]["pipe"] / 2
    print(f"Engler's table, in shape ({args.engine} engine; cycles, and ring-0 "
          f"instructions on the path where measured on the host)")
    print(f"{'operation':<30} {'exokernel':>22} {'monolithic':>22}")

    def host(d, key):
        if key not in d:
            return "-"
        cyc, k, _u = d[key]
        return f"{cyc} ({k} in ring 0)"

    rows = [
        ("null system call", host(ex, "null system call"), host(mo, "null system call")),
        ("exception to user level", host(ex, "exception to user level"),
         "- (kills the process)"),
        ("exception round trip", host(ex, "exception round trip"), "-"),
        ("  (in the guest, per op)", f"{g['exc-dispatch']:.0f} / {g['exc-roundtrip']:.0f}",
         "-"),
        ("protected control transfer", f"{g['pct']:.0f}",
         f"{pipe_one_way:.0f} (pipe, one way)"),
        ("TLB refill", host(ex, "TLB refill"), host(mo, "TLB refill")),
        ("  (in the guest, per miss)", f"{g['tlb-refill']:.0f}", "-"),
        ("guaranteed mapping refill", host(ex, "guaranteed mapping"), "-"),
    ]
    for name, a, b in rows:
        print(f"{name:<30} {a:>22} {b:>22}")
    e, m, lo = wl["exokernel"][0], wl["monolithic"][0], wl["libos"][0]
    print(f"\nportable workload quick, cycles per operation: {'exokernel/ExOS':>16} "
          f"{'monolithic':>12} {'libos':>10}")
    for ph in m:
        third = f"{lo[ph]:>10,.1f}" if ph in lo else f"{'-':>10}"
        print(f"  {ph:<8} {e[ph]:>40,.1f} {m[ph]:>12,.1f} {third}")
    print("  (libos: the library OS of early systems, one program in ring 0, no fork)")
    sw = stride_alone(args.engine)
    pt, st = sw["sweep-pagetable"], sw["sweep-stride"]
    print(f"\nstride's application (one word per page, 128 pages x 3 passes, alone on "
          f"the machine): ExOS's TLB policy {pt[1] / pt[0]:.1f} cycles/access, its own "
          f"{st[1] / st[0]:.1f} ({pt[1] / st[1]:.1f}x faster)")


def stride_alone(engine: str) -> dict[str, tuple[int, int]]:
    mod = ModuleSource("stride", source=EXO / "stride" / "stride.s", base=0x1000,
                       include=[EXO])
    con = Console(input=b"", capture=True)
    with machine_for(resolve(str(EXO / "main.s"), modules=[mod], entry_as_guest=False),
                     MachineOptions(engine=engine, disks=[]), con) as m:
        m.run(max_steps=5_000_000)
    return {n: (int(k), int(c)) for n, k, c in PHASE.findall(bytes(con.captured).decode())}


if __name__ == "__main__":
    main()
