"""Paravirtualization on the portable workload — the shape of Barham et al. 2003: bare
metal vs trap-and-emulate (guests/hypervisor, type-1a) vs paravirtual (guests/xen: the
PV build of the same monolithic kernel as a DomU, its disk and console split drivers
served by Dom0); and the unikernel DomU against the PV monolithic DomU (image size,
boot cycles).

Usage: python benchmarks/bench_xen.py [--engine native|python] [--quick]

The cycles per phase are the guest's own measurement (the cycle CSR around each phase),
exact and the same on both engines. The VM exits per phase come from the machine's
counters, sampled whenever the guest prints a phase line (the exits between two lines
are the phase's, plus the few of printing it). For PV they are the whole machine's:
the DomU's *and* Dom0's, since Dom0's backends do the DomU's I/O — the honest price of
the split drivers. Boot cycles are the cycles the hypervisor charged the domain (its
D_CYC) from domctl_create until it first waits for console input (the unikernel's
`uni> ` prompt, the kernel's shell prompt): a blocked domain is not charged.
"""
from __future__ import annotations

import argparse
import re
import time

from ringvm.assembler.elf import read_elf
from ringvm.emulator.images import MachineOptions, machine_for, resolve
from ringvm.emulator.machine import Console
from ringvm.isa import ISA

PHASES = ("null", "file", "pipe", "spawn", "compute")
LINE = re.compile(r"phase (\w+) ops=(\d+) cycles=(\d+)$", re.M)
START = re.compile(r"^(?:\w+\| )?\$ workload", re.M)
REASONS = {r.value: name for name, r in ISA.exit_reasons.items()}
CHUNK = 20_000
DETACH = "\x01"


def run(spec, text, engine):
    """Boot ``spec`` with console input ``text``, run to the halt; returns ({phase:
    cycles}, {phase: {reason: exits}}, steps, wall seconds)."""
    con = Console(input=text.encode(), capture=True)
    image = resolve(spec)
    cycles, exits = {}, {}
    with machine_for(image, MachineOptions(engine=engine, pristine=True), con) as m:
        seen, last, out = 0, None, ""
        t = time.perf_counter()
        while True:
            r = m.run(max_steps=CHUNK)
            out = bytes(con.captured).decode("utf-8", "replace")
            now = list(m.counters()["cpus"][0]["vmexits_by_reason"])
            if last is None and START.search(out):     # the guest's shell runs it
                last = now
            for mt in LINE.finditer(out, seen, out.rfind("\n") + 1):   # whole lines only
                cycles[mt.group(1)] = int(mt.group(3))
                exits[mt.group(1)] = {REASONS.get(i, str(i)): b - a
                                      for i, (a, b) in enumerate(zip(last, now)) if b - a}
                last = now
                seen = mt.end()
            if r.kind != "max_steps":
                break
        wall = time.perf_counter() - t
        steps = m.steps
    if tuple(cycles) != PHASES:
        raise SystemExit(f"{spec}: the workload did not finish:\n{out[-600:]}")
    return cycles, exits, steps, wall


def domain_boot(module: str, prompt: str, then: str, engine: str) -> tuple[int, int]:
    """(cycles charged to the domain until its first console prompt, VM exits it made
    until then), for `xl create MODULE -c` from Dom0 (then the input ``then``, so that
    it does not see the end of input and stop). Sampled every 2000 steps."""
    con = Console(input=f"xl create {module} -c\n{then}".encode(), capture=True)
    with machine_for(resolve("xen"), MachineOptions(engine=engine, pristine=True), con) as m:
        syms = m.symbols
        shift, d_domid = syms["DOM_SHIFT"], syms["D_DOMID"]
        table = syms["dom_table"] & 0x7FFFFFFF

        def word(a):
            return int.from_bytes(m.read_physical(a, 4), "little")

        for _ in range(500_000):
            m.run(max_steps=2000)
            out = bytes(con.captured).decode("utf-8", "replace")
            _, attached, tail = out.partition("console attached")
            if attached and prompt in tail:
                break
        else:
            raise SystemExit(f"{module}: no prompt:\n{out[-600:]}")
        for i in range(syms["MAX_DOMS"]):
            d = table + (i << shift)
            if word(d + syms["D_STATE"]) and word(d + d_domid) == 1:
                cyc = word(d + syms["D_CYC_HI"]) << 32 | word(d + syms["D_CYC_LO"])
                return cyc, word(d + syms["VC_EXITS"])
    raise SystemExit(f"{module}: no dom1")


def image_bytes(module: str) -> tuple[int, int]:
    """(ELF file bytes, bytes loaded into the domain's memory) of boot module MODULE."""
    data = next(md.data for md in resolve("xen").modules if md.name == module)
    elf = read_elf(data)
    return len(data), sum(s.memsz for s in elf.segments)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="native")
    ap.add_argument("--quick", action="store_true", help="workload quick (N / 10)")
    args = ap.parse_args()
    cmd = "workload quick" if args.quick else "workload"
    runs = {
        "bare": run("monolithic", f"{cmd}\nexit\n", args.engine),
        "T&E": run("hypervisor", f"{cmd}\n", args.engine),
        "PV": run("xen", f"xl create mono -c\n{cmd}\n", args.engine),
    }
    print(f"the monolithic kernel's {cmd}, {args.engine} engine: bare metal, trap-and-"
          f"emulate (type-1a, unmodified), paravirtual (a DomU of guests/xen, ported)")
    print("\ncycles per phase (guest-measured) and overhead vs bare metal")
    print(f"{'phase':<8} {'bare':>11} {'T&E':>11} {'x':>6} {'PV':>11} {'x':>6}  faster")
    for p in PHASES:
        b, te, pv = (runs[k][0][p] for k in ("bare", "T&E", "PV"))
        print(f"{p:<8} {b:>11,} {te:>11,} {te / b:>6.2f} {pv:>11,} {pv / b:>6.2f}  "
              f"{'PV' if pv < te else 'T&E'}")
    print("\nVM exits per phase (whole machine: for PV, the DomU and Dom0)")
    print(f"{'phase':<8} {'T&E':>8} {'PV':>8} {'T&E/PV':>7}   T&E by reason | PV by reason")
    for p in PHASES:
        te, pv = runs["T&E"][1][p], runs["PV"][1][p]
        st, sp = sum(te.values()), sum(pv.values())

        def by(ex):
            return ", ".join(f"{k} {v:,}" for k, v in sorted(ex.items(), key=lambda x: -x[1]))
        print(f"{p:<8} {st:>8,} {sp:>8,} {st / max(sp, 1):>7.1f}   {by(te)} | {by(pv)}")
    tot_te = sum(sum(runs["T&E"][1][p].values()) for p in PHASES)
    tot_pv = sum(sum(runs["PV"][1][p].values()) for p in PHASES)
    print(f"{'all':<8} {tot_te:>8,} {tot_pv:>8,} {tot_te / max(tot_pv, 1):>7.1f}")

    print("\nunikernel DomU vs PV monolithic DomU (xl create NAME from Dom0)")
    print(f"{'domain':<6} {'ELF bytes':>10} {'loaded':>9} {'boot cycles':>12} {'boot exits':>11}")
    for mod, prompt, then in (("uni", "uni> ", "stats\n"), ("mono", "\n$ ", "sleep 50\n")):
        fsz, loaded = image_bytes(mod)
        cyc, ex = domain_boot(mod, prompt, then, args.engine)
        print(f"{mod:<6} {fsz:>10,} {loaded:>9,} {cyc:>12,} {ex:>11,}")
    print()
    for name, (_, _, steps, wall) in runs.items():
        print(f"{name:<5} whole run {steps:>12,} steps, {wall:6.2f} s wall")


if __name__ == "__main__":
    main()
