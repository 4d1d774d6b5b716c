"""``exokernel`` — Engler, Kaashoek and O'Toole (SOSP 1995, "Exokernel: An Operating
System Architecture for Application-Level Resource Management"): what it costs to hand
an exception, the CPU or a TLB miss to a library OS, against the monolithic kernel's
equivalents (their Aegis against Ultrix).

Measured: in the guest, the ``engler`` library OS (guests/exokernel/tests/engler.s)
times N exceptions dispatched to user level, N exception round trips, N protected
control transfers and N library-OS TLB refills with the cycle CSR; the monolithic
kernel's null system call and pipe round trip come from the portable workload and its
kernel TLB refill is traced on the host (from the trap to the retried access).
"""
from __future__ import annotations

import re

from ringvm.errors import UserError
from ringvm.isa import ISA

from ...images import MachineOptions, ModuleSource, guests_dir, machine_for, resolve
from ...machine import Console
from ..measure import path_cycles, run_console
from ..targets import Target
from . import Context, Figure, Report, ReportResult, Verdict

MONO, EXO = Target("monolithic"), Target("exokernel")
_PHASE = re.compile(r"^phase ([\w-]+) ops=(\d+) cycles=(\d+)", re.M)
_MISSES = {ISA.causes[c].value for c in ("TLB_MISS_LOAD", "TLB_MISS_STORE", "TLB_MISS_FETCH")}
_CAUSE, _EPC, _BADV = (ISA.csrs[n].number for n in ("cause", "epc", "badvaddr"))
_KSEG = ISA.memory["kseg_base"]


def engler(ctx: Context) -> dict[str, float]:
    """Cycles per operation of each measurement of engler.s (see the module
    docstring)."""
    d = guests_dir() / "exokernel"
    mod = ModuleSource("engler", source=d / "tests" / "engler.s", base=0x1000, include=[d])
    image = resolve(str(d / "main.s"), modules=[mod], entry_as_guest=False)
    run = run_console(image, "", engine=ctx.engine, disks=[], max_steps=20_000_000)
    out = {n: int(c) / int(k) for n, k, c in _PHASE.findall(run.text)}
    if "tlb-refill" not in out:
        raise UserError(f"engler.s did not finish: {run.text[-300:]!r}")
    return out


def kernel_refill(ctx: Context) -> int:
    """Cycles of the monolithic kernel's TLB refill of a user address, from the miss
    to the retried access, traced on the host."""
    con = Console(input=b"workload quick\n", capture=True)
    with machine_for(resolve("monolithic"), MachineOptions(engine=ctx.engine,
                                                           pristine=True), con) as m:
        cycles, _ = path_cycles(
            m, lambda c: c.csr[_CAUSE] in _MISSES and c.csr[_BADV] < _KSEG,
            lambda c, first: c.ring == 3 and c.pc == first.csr[_EPC])
    return cycles


def _run(ctx: Context) -> ReportResult:
    g = engler(ctx)
    sysc = ctx.per_op(MONO, "null")
    pipe_one_way = ctx.per_op(MONO, "pipe") / 2
    mono_refill = kernel_refill(ctx)
    rows = [["null system call", f"{g['null-syscall']:,.0f}", f"{sysc:,.0f}"],
            ["exception dispatched to user level", f"{g['exc-dispatch']:,.0f}",
             "— (kills the process)"],
            ["exception round trip (handled in ring 3, resumed)",
             f"{g['exc-roundtrip']:,.0f}", "—"],
            ["protected control transfer / pipe one way", f"{g['pct']:,.0f}",
             f"{pipe_one_way:,.0f}"],
            ["TLB refill (library OS / kernel)", f"{g['tlb-refill']:,.0f}",
             f"{mono_refill:,}"]]
    exos_null = ctx.per_op(EXO, "null")
    rows.append(["getpid in the workload (ExOS: a library call)", f"{exos_null:,.0f}",
                 f"{sysc:,.0f}"])
    verdicts = [
        Verdict("Exceptions reach the application at about the cost of a system call",
                "Engler et al. 1995 (§5, Table 4): Aegis dispatches exceptions to user "
                "level in a few microseconds, an order of magnitude faster than Ultrix's "
                "signals",
                f"dispatch {g['exc-dispatch']:,.0f}, round trip {g['exc-roundtrip']:,.0f} "
                f"cycles vs the monolithic null system call {sysc:,.0f}",
                g["exc-roundtrip"] < 2 * sysc,
                "the exokernel saves a few registers and jumps to the library OS's "
                "handler; there is no signal frame, no kernel policy on the way"),
        Verdict("Protected control transfer is much cheaper than the monolithic "
                "kernel's IPC",
                "Engler et al. 1995 (§5): Aegis's protected control transfer is several "
                "times faster than the fastest IPC then reported (L3)",
                f"PCT {g['pct']:,.0f} cycles vs a pipe one way {pipe_one_way:,.0f}",
                g["pct"] < pipe_one_way / 2,
                "a PCT changes the address space and jumps to an agreed entry point; a "
                "pipe is a write, a sleep, a wakeup and a read"),
        Verdict("Library-OS TLB refill is competitive with the kernel's",
                "Engler et al. 1995 (§5): ExOS's application-level virtual memory costs "
                "about as much as Ultrix's in-kernel virtual memory on its benchmarks",
                f"library OS {g['tlb-refill']:,.0f} vs kernel {mono_refill:,} cycles per "
                f"refill ({g['tlb-refill'] / mono_refill:.1f}x; competitive: at most 2x)",
                g["tlb-refill"] <= 2 * mono_refill,
                "the library OS pays an upcall and a resume on top of the walk the "
                "kernel does in its trap handler"),
    ]
    fig = Figure("Engler: exokernel primitives vs the monolithic kernel (cycles)",
                 ["null syscall", "exception RT", "PCT / pipe", "TLB refill"],
                 {"exokernel": [g["null-syscall"], g["exc-roundtrip"], g["pct"],
                                g["tlb-refill"]],
                  "monolithic": [sysc, 0, pipe_one_way, mono_refill]}, "cycles", log=True)
    return ReportResult("exokernel", REPORT.title, ["operation", "exokernel", "monolithic"],
                        rows, verdicts, [fig],
                        ["The monolithic kernel has no user-level exceptions: a fault "
                         "kills the process, so that cell is empty."])


REPORT = Report("exokernel", "exokernel primitives against a monolithic kernel (Engler "
                "et al. 1995)", "Engler, Kaashoek, O'Toole, SOSP 1995",
                ("monolithic", "exokernel"), _run)
