"""Paravirtualization on the portable workload — the shape of Barham et al. 2003: bare
metal vs trap-and-emulate (guests/hypervisor, type-1a) vs paravirtual (guests/xen: the
PV build of the same monolithic kernel as a DomU, its disk and console split drivers
served by Dom0); and the unikernel DomU against the PV monolithic DomU (image size,
boot cycles).

Usage: python benchmarks/bench_xen.py [--engine native|python] [--quick]

The workload runs are `ringvm compare`'s measurement (emulator/compare/measure.py) of
the targets of its `xen` report (emulator/compare/reports/xen.py), whose verdicts close
the output. The cycles per phase are the guest's own measurement (the cycle CSR around
each phase), exact and the same on both engines. The VM exits per phase are the
machine's counters read exactly at the workload's phase lines (the machine stops right
after each line's newline): a phase's exits are its work's plus the few of printing its
line. For PV they are the whole machine's: the DomU's *and* Dom0's, since Dom0's
backends do the DomU's I/O — the honest price of the split drivers. Boot cycles are the
cycles the hypervisor charged the domain (its D_CYC) from domctl_create until it first
waits for console input (the unikernel's `uni> ` prompt, the kernel's shell prompt): a
blocked domain is not charged. The run is stopped within 2000 steps after the prompt
reaches the console, but the figure does not depend on where: the hypervisor adds a
domain's cycles when it deschedules it, and by the time Dom0 prints the prompt the
domain has blocked for its input and stays blocked (stopping step by step gives the
same cycles and exits).
"""
from __future__ import annotations

import argparse

from ringvm.assembler.elf import read_elf
from ringvm.emulator.compare.measure import Measurement
from ringvm.emulator.compare.profiles import load_profile
from ringvm.emulator.compare.reports import Context
from ringvm.emulator.compare.reports.xen import BARE, PHASES, PV, REPORT, TE, by_reason, exits
from ringvm.emulator.images import MachineOptions, machine_for, resolve
from ringvm.emulator.machine import Console
from ringvm.errors import UserError


def domain_boot(module: str, prompt: str, then: str, engine: str) -> tuple[int, int]:
    """(cycles charged to the domain until its first console prompt, VM exits it made
    until then), for `xl create MODULE -c` from Dom0 (then the input ``then``, so that
    it does not see the end of input and stop). Sampled every 2000 steps: exact all
    the same, see the module docstring."""
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
    ctx = Context(args.engine, args.quick, load_profile(None))
    try:
        runs: dict[str, Measurement] = {"bare": ctx.workload(BARE), "T&E": ctx.workload(TE),
                                        "PV": ctx.workload(PV)}
    except UserError as e:
        raise SystemExit(str(e))
    print(f"the monolithic kernel's {cmd}, {args.engine} engine: bare metal, trap-and-"
          f"emulate (type-1a, unmodified), paravirtual (a DomU of guests/xen, ported)")
    print("\ncycles per phase (guest-measured) and overhead vs bare metal")
    print(f"{'phase':<8} {'bare':>11} {'T&E':>11} {'x':>6} {'PV':>11} {'x':>6}  faster")
    for p in PHASES:
        b, te, pv = (runs[k].phase(p).cycles for k in ("bare", "T&E", "PV"))
        print(f"{p:<8} {b:>11,} {te:>11,} {te / b:>6.2f} {pv:>11,} {pv / b:>6.2f}  "
              f"{'PV' if pv < te else 'T&E'}")
    print("\nVM exits per phase (whole machine: for PV, the DomU and Dom0)")
    print(f"{'phase':<8} {'T&E':>8} {'PV':>8} {'T&E/PV':>7}   T&E by reason | PV by reason")

    def by(c):
        return ", ".join(f"{k} {v:,}" for k, v in by_reason(c).items())
    for p in PHASES:
        te, pv = runs["T&E"].phase(p).counters, runs["PV"].phase(p).counters
        st, sp = exits(te), exits(pv)
        print(f"{p:<8} {st:>8,} {sp:>8,} {st / max(sp, 1):>7.1f}   {by(te)} | {by(pv)}")
    tot_te = sum(exits(runs["T&E"].phase(p).counters) for p in PHASES)
    tot_pv = sum(exits(runs["PV"].phase(p).counters) for p in PHASES)
    print(f"{'all':<8} {tot_te:>8,} {tot_pv:>8,} {tot_te / max(tot_pv, 1):>7.1f}")

    print("\nunikernel DomU vs PV monolithic DomU (xl create NAME from Dom0)")
    print(f"{'domain':<6} {'ELF bytes':>10} {'loaded':>9} {'boot cycles':>12} {'boot exits':>11}")
    for mod, prompt, then in (("uni", "uni> ", "stats\n"), ("mono", "\n$ ", "sleep 50\n")):
        fsz, loaded = image_bytes(mod)
        cyc, ex = domain_boot(mod, prompt, then, args.engine)
        print(f"{mod:<6} {fsz:>10,} {loaded:>9,} {cyc:>12,} {ex:>11,}")

    result = REPORT.run(ctx)          # the workload runs above, measured once
    print(f"\n{REPORT.title}:")
    for v in result.verdicts:
        print(f"  [{'holds' if v.holds else 'does not hold'}] {v.claim}: {v.measured}")
    print()
    for name, m in runs.items():
        print(f"{name:<5} boot to `workload: done` {m.steps:>12,} steps, "
              f"{m.host_seconds:6.2f} s wall")


if __name__ == "__main__":
    main()
