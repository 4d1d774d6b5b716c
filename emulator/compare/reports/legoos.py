"""``legoos`` — Shan, Huang, Chen and Zhang (OSDI 2018, "LegoOS: A Disseminated,
Distributed OS for Hardware Resource Disaggregation") and the kernel-structures post's
disaggregated kernel: split the kernel into components on separate devices, connected
by messages, and a component can fail without taking the others down.

Measured: the portable workload on the monolithic kernel (``monolithic+nolog``: its
file system does not log either) and on guests/disaggregated
(processes on CPU 0, files on the storage component, pages on memory components),
cycles per operation and messages per operation (events MSG_SEND over each phase);
then a run where the memory component holding one process's pages fails (``mfail``)
and what happens to that process and to the rest.
"""
from __future__ import annotations

import re

from ...images import resolve
from ...images.workload import PHASES
from ..measure import run_console
from ..targets import Target
from . import Context, Figure, Report, ReportResult, Verdict

# the baseline is the monolithic kernel without its write-ahead log: the storage
# component's file system does not log, and the claim is about messages, not the log
MONO, DIS = Target("monolithic", options=("nolog",)), Target("disaggregated")
FAILURE = ("onmem 3 sleep 5000 &\nmemstat\nmfail 3\nsleep 40\necho still here\n"
           "cat README | wc\n")


def _messages(ctx: Context, phase: str) -> float:
    p = ctx.workload(DIS).phase(phase)
    return p.counters.get("event.MSG_SEND", 0) / p.ops


def _run(ctx: Context) -> ReportResult:
    mono = {ph: ctx.per_op(MONO, ph) for ph in PHASES}
    dis = {ph: ctx.per_op(DIS, ph) for ph in PHASES}
    msgs = {ph: _messages(ctx, ph) for ph in PHASES}
    rows = [[ph, f"{mono[ph]:,.0f}", f"{dis[ph]:,.0f}", f"{dis[ph] / mono[ph]:.2f}x",
             f"{msgs[ph]:.1f}"] for ph in PHASES]
    run = run_console(resolve("disaggregated"), FAILURE, engine=ctx.engine,
                      max_steps=200_000_000)
    lines = run.text.splitlines()
    killed = [m[1] for ln in lines
              if (m := re.match(r"disaggregated: pid \d+ \((\w+)\) lost \d+ pages: killed$",
                                ln))]
    survived = "still here" in lines and "16 92 659" in lines
    verdicts = [
        Verdict("A failed memory component takes down only the processes whose memory it "
                "held",
                "Shan et al. 2018: hardware components, each managed by its own monitor, "
                "fail independently; the kernel-structures post: \"a failed memory "
                "component … does not affect the correct functioning of all other "
                "components\"",
                f"killed: {', '.join(killed) or 'nothing'}; the shell, the files and "
                f"the other memory component {'work on' if survived else 'stopped'}",
                killed == ["sleep"] and survived,
                "the process component kills only processes with a page on the failed "
                "component (found in their page tables) and takes new pages from "
                "another one; the storage component never depended on it"),
        Verdict("Computation costs (nearly) nothing more; memory and storage operations "
                "pay messages",
                "Shan et al. 2018: the pComponent runs applications from its local "
                "cache (ExCache) and pays network round trips for memory it does not "
                "hold and for storage",
                f"compute {dis['compute'] / mono['compute']:.2f}x with "
                f"{msgs['compute']:.1f} msg/op; file {dis['file'] / mono['file']:.2f}x "
                f"({msgs['file']:.1f} msg/op), spawn {dis['spawn'] / mono['spawn']:.2f}x "
                f"({msgs['spawn']:.1f} msg/op)",
                dis["compute"] / mono["compute"] < 1.3
                and dis["file"] / mono["file"] > 1.3 and dis["spawn"] / mono["spawn"] > 1.3,
                "a user page is one request to a memory component, a file operation one "
                "or more to the storage component; a computation sends nothing (the "
                "heartbeat's pings and IPIs are its only cost)"),
    ]
    fig = Figure("LegoOS: the workload on the disaggregated kernel (ratio to monolithic)",
                 list(PHASES), {"disaggregated": [dis[p] / mono[p] for p in PHASES]},
                 "cycles per operation / monolithic", ref=1.0)
    return ReportResult("legoos", REPORT.title,
                        ["phase", "monolithic+nolog", "disaggregated", "ratio",
                         "messages/op"],
                        rows, verdicts, [fig],
                        ["Messages are counted on every component (events MSG_SEND): a "
                         "request and its answer are two."])


REPORT = Report("legoos", "the price and the fault independence of disaggregation (Shan "
                "et al. 2018)", "Shan, Huang, Chen, Zhang, OSDI 2018",
                ("monolithic", "disaggregated"), _run)
