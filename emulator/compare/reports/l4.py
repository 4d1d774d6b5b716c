"""``l4`` — Liedtke (SOSP 1995, "On µ-Kernel Construction") and Härtig et al. (SOSP
1997, "The Performance of µ-Kernel-Based Systems"): IPC against system calls and
pipes, the µ-kernel and the hybrid against the monolithic kernel on a whole
workload, and L4-style against Mach-style IPC.

Measured: the raw IPC round trip (guests/microkernel/tests/ipcbench.s: K_CALL to the
process server, which answers with K_REPLY_WAIT — no POSIX stub) with L4-style and
Mach-style IPC; the portable workload on monolithic, hybrid, microkernel and
microkernel+mach (its null phase is getpid: one system call, or one IPC call and
reply to the process server).
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

from ringvm.errors import UserError

from ...images import cache, guests_dir, resolve
from ...images.rootdisk import build_tree, strip_elf
from ...images.rvfs import build_image
from ...images.workload import PHASES
from ..measure import run_console
from ..targets import Target
from . import Context, Figure, Report, ReportResult, Verdict, geomean, ratio

MONO, HYBRID = Target("monolithic"), Target("hybrid")
L4, MACH = Target("microkernel"), Target("microkernel", options=("mach",))
_ROUND_TRIP = re.compile(r"ipc round trip: (\d+) calls, (\d+) cycles")


def raw_ipc(ctx: Context, options: tuple[str, ...]) -> float:
    """Cycles of one null IPC call and reply on the microkernel built with
    ``options`` (ipcbench on a disk of its own)."""
    image = resolve("microkernel", options=options)
    tree = build_tree(image.guest.disks[0].build)
    g = guests_dir()
    src = g / "microkernel" / "tests" / "ipcbench.s"
    tree["ipcbench"] = strip_elf(cache.assemble(
        src, [src.parent, g / "microkernel" / "ulib", g / "user", g / "microkernel",
              g / "lib"], base=0x1000))
    n = 100 if ctx.quick else 1000
    with tempfile.TemporaryDirectory() as tmp:
        disk = Path(tmp) / "ipcbench.img"
        disk.write_bytes(build_image(tree))
        run = run_console(image, f"ipcbench {n}\n", engine=ctx.engine, disks=[str(disk)])
    found = _ROUND_TRIP.search(run.text)
    if not found:
        raise UserError(f"ipcbench did not report its round trip: {run.text[-300:]!r}")
    return int(found.group(2)) / int(found.group(1))


def _run(ctx: Context) -> ReportResult:
    sysc = ctx.per_op(MONO, "null")
    pipe = ctx.per_op(MONO, "pipe")
    ipc, ipc_mach = raw_ipc(ctx, ()), raw_ipc(ctx, ("mach",))
    getpid_ipc = ctx.per_op(L4, "null")
    rows = [["null system call (monolithic getpid)", f"{sysc:,.0f}", "1.00x"],
            ["IPC round trip, L4-style (raw call + reply)", f"{ipc:,.0f}", ratio(ipc, sysc)],
            ["IPC round trip, Mach-style (raw)", f"{ipc_mach:,.0f}", ratio(ipc_mach, sysc)],
            ["getpid over IPC (microkernel, POSIX stub)", f"{getpid_ipc:,.0f}",
             ratio(getpid_ipc, sysc)],
            ["pipe round trip (monolithic, two processes)", f"{pipe:,.0f}", ratio(pipe, sysc)]]
    slow = {}
    for t in (HYBRID, L4, MACH):
        per = [ctx.per_op(t, p) / ctx.per_op(MONO, p) for p in PHASES]
        slow[t.name] = geomean(per)
        rows.append([f"workload on {t.name} vs monolithic (geometric mean of phases)",
                     "", f"{slow[t.name]:.2f}x"])
    pen_l4, pen_mach = slow[L4.name] - 1, slow[MACH.name] - 1
    verdicts = [
        Verdict("An IPC round trip costs a small multiple of a null system call",
                "Liedtke 1995 (§4): a well-built µ-kernel's IPC is close to the hardware "
                "minimum of two kernel entries; L3's kernel entry and exit took 123 "
                "cycles against a 107-cycle minimum on the 486",
                f"raw L4-style round trip {ipc:,.0f} cycles = {ipc / sysc:.1f}x the null "
                f"system call ({sysc:,.0f})", ipc <= 3 * sysc,
                "two kernel entries, two address-space switches and the server's "
                "dispatch: each costs instructions here, none costs a cache miss"),
        Verdict("A null IPC round trip is cheaper than a pipe round trip",
                "Härtig et al. 1997 (§5): L4's IPC round trip is several times faster "
                "than the pipe latency of Linux itself",
                f"IPC {ipc:,.0f} vs pipe {pipe:,.0f} cycles ({pipe / ipc:.1f}x)",
                ipc < pipe,
                "a pipe round trip is two writes, two reads and two context switches, "
                "each a full system call path"),
        Verdict("Mach-style IPC multiplies the µ-kernel's cost",
                "Härtig et al. 1997 (abstract): L4Linux's AIM throughput is 5% below "
                "native Linux; the penalty is 5 times higher for in-kernel MkLinux and 7 "
                "times higher for user-level MkLinux",
                f"workload slowdown L4-style {slow[L4.name]:.2f}x, Mach-style "
                f"{slow[MACH.name]:.2f}x (penalty ratio "
                f"{pen_mach / pen_l4 if pen_l4 > 0 else float('inf'):.1f})",
                pen_mach > pen_l4,
                "Mach-style IPC copies messages through kernel buffers, always goes "
                "through the scheduler and flushes the TLB at each switch"),
        Verdict("A µ-kernel personality runs a whole workload within a few percent",
                "Härtig et al. 1997: 5% lower AIM throughput for L4Linux",
                f"{slow[L4.name]:.2f}x on the portable workload",
                slow[L4.name] < 1.25,
                "the portable workload is almost all system calls (AIM spends most of "
                "its time computing in user space), every POSIX call here is an IPC to a "
                "separate server task (L4Linux ran Linux as one server, as here, but on "
                "a machine whose caches and TLB made the in-kernel path slower too), "
                "and a trap costs one step on this machine: see the cost profiles"),
    ]
    fig = Figure("Liedtke / Härtig: crossing costs (cycles per operation)",
                 ["null syscall", "IPC L4", "IPC Mach", "getpid/IPC", "pipe RT"],
                 {"cycles": [sysc, ipc, ipc_mach, getpid_ipc, pipe]}, "cycles", log=True)
    fig2 = Figure("workload per phase, relative to monolithic", list(PHASES),
                  {t.name: [ctx.per_op(t, p) / ctx.per_op(MONO, p) for p in PHASES]
                   for t in (HYBRID, L4, MACH)}, "× monolithic", ref=1.0)
    return ReportResult("l4", REPORT.title, ["operation", "cycles", "vs null syscall"],
                        rows, verdicts, [fig, fig2])


REPORT = Report("l4", "µ-kernel IPC and its price on a workload (Liedtke 1995, Härtig "
                "et al. 1997)", "Liedtke, SOSP 1995; Härtig et al., SOSP 1997",
                ("monolithic", "hybrid", "microkernel"), _run)
