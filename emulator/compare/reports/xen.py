"""``xen`` — Barham et al. (SOSP 2003, "Xen and the Art of Virtualization"): a
paravirtualized kernel avoids most of the exits of trap-and-emulate — it batches its
page-table (here: TLB) updates into hypercalls, and its devices are split drivers over
shared rings instead of emulated registers — and so runs close to native speed.

Measured: the portable workload on the monolithic kernel on bare metal, unmodified as
vm1 of guests/hypervisor (trap-and-emulate, type-1a), and ported as a DomU of
guests/xen (target ``xen``: the PV build, its disk and console served by Dom0's
backends). The PV exits are the whole machine's: the DomU's and Dom0's.
"""
from __future__ import annotations

from ...images.workload import PHASES
from ..targets import Target
from . import Context, Figure, Report, ReportResult, Verdict

BARE, TE, PV = Target("monolithic"), Target("monolithic", "hypervisor"), Target("xen")


def exits(c: dict, *reasons: str) -> int:
    """The VM exits in the flat counters ``c`` (see :func:`~..measure.flatten`): of
    ``reasons`` (e.g. ``"MMIO"``), or of every reason if none is given."""
    if not reasons:
        return sum(v for k, v in c.items() if k.startswith("exit."))
    return sum(c.get(f"exit.{r}", 0) for r in reasons)


def by_reason(c: dict) -> dict[str, int]:
    """The VM exits in the flat counters ``c`` per reason, the most frequent first
    (reasons with none left out)."""
    ex = {k[5:]: v for k, v in c.items() if k.startswith("exit.") and v}
    return dict(sorted(ex.items(), key=lambda kv: -kv[1]))


def _run(ctx: Context) -> ReportResult:
    runs = {t: ctx.workload(t) for t in (BARE, TE, PV)}
    rows, ex, over = [], {}, {}
    for p in PHASES:
        b, te, pv = (runs[t].phase(p) for t in (BARE, TE, PV))
        ex[p] = (exits(te.counters), exits(pv.counters))
        over[p] = (te.cycles / b.cycles, pv.cycles / b.cycles)
        rows.append([p, f"{over[p][0]:.2f}x", f"{over[p][1]:.2f}x", f"{ex[p][0]:,}",
                     f"{ex[p][1]:,}", f"{exits(te.counters, 'MMIO', 'TLB'):,}",
                     f"{exits(pv.counters, 'MMIO', 'TLB'):,}",
                     f"{exits(pv.counters, 'HYPERCALL'):,}"])
    te_dev = sum(exits(runs[TE].phase(p).counters, "MMIO", "TLB") for p in PHASES)
    pv_dev = sum(exits(runs[PV].phase(p).counters, "MMIO", "TLB") for p in PHASES)
    fewer = [p for p in PHASES if ex[p][1] < ex[p][0]]
    ratios = ", ".join(f"{p} {ex[p][0] / max(ex[p][1], 1):.1f}x" for p in PHASES)
    near = [p for p in PHASES if over[p][1] <= 1.25]
    verdicts = [
        Verdict("Paravirtualization removes the exits of emulated devices and of TLB "
                "(page-table) writes: batched, validated mmu_update hypercalls and split "
                "drivers instead",
                "Barham et al. 2003 §3.3.1 (updates batched and validated), §3.2 (I/O rings)",
                f"MMIO + TLB exits over the workload: trap-and-emulate {te_dev:,}, PV {pv_dev:,}",
                pv_dev * 10 < te_dev,
                "a PV kernel never touches a device register (its console and disk are "
                "frontends); its TLB refill hands the hypervisor 8 entries per exit"),
        Verdict("A paravirtualized kernel takes fewer VM exits than trap-and-emulate for "
                "the same work",
                "Barham et al. 2003 §2, §4 (XenoLinux against VMware Workstation)",
                f"trap-and-emulate exits / PV exits: {ratios}",
                len(fewer) == len(PHASES),
                "by far where the kernel computes, switches and makes system calls; barely "
                "in the file phase: every block request is a round trip to Dom0 (notify, "
                "backend, the real disk's interrupt as an event, the response), so both "
                "domains block and wake per request"),
        Verdict("PV runs close to native speed",
                "Barham et al. 2003 §4.1, Figure 3: XenoLinux within a few percent of "
                "native Linux",
                "within 1.25x of bare metal: " + (", ".join(near) or "none")
                + f"; file {over['file'][1]:.2f}x (trap-and-emulate {over['file'][0]:.2f}x)",
                len(near) == len(PHASES),
                "the file phase's one-sector synchronous requests give the I/O rings "
                "nothing to batch: Xen's rings pay off with many requests in flight, as in "
                "the paper's disk and network benchmarks"),
    ]
    fig = Figure("cycles per phase relative to bare metal", list(PHASES),
                 {"trap-and-emulate": [over[p][0] for p in PHASES],
                  "paravirtual": [over[p][1] for p in PHASES]}, "× bare metal", ref=1.0)
    return ReportResult("xen", REPORT.title,
                        ["phase", "T&E cycles", "PV cycles", "T&E exits", "PV exits",
                         "T&E MMIO+TLB", "PV MMIO+TLB", "PV hypercalls"],
                        rows, verdicts, [fig],
                        ["PV exits are the whole machine's: the DomU's and Dom0's "
                         "(its backends do the DomU's I/O)."])


REPORT = Report("xen", "paravirtualization against trap-and-emulate (Barham et al. "
                "2003, Xen)", "Barham et al., SOSP 2003", ("hypervisor", "xen"), _run)
