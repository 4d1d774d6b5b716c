"""``flexsc`` — Soares & Stumm (OSDI 2010, "FlexSC: Flexible System Call Scheduling with
Exception-Less System Calls", §3 and Figures 9–10): the throughput of system calls
made by trapping against exception-less ones (a request posted on a syscall page,
served by a kernel syscall thread), as the number of outstanding requests (the batch)
grows, on one core and with a core left to the syscall threads.

Measured: guests/flexsc/programs/fxserver.s — THREADS user threads (the batch), each
making REQUESTS requests of 4 system calls (getpid, fstat, a pipe write and read) —
built once with the trapping stubs (guests/user/lib/trap) and once with the FlexSC
stubs and user-level threads (guests/flexsc/stubs), both run on the SMP monolithic
kernel built with FLEXSC = 1, on 1 and 2 CPUs. Per run: completed calls per million
cycles (the program's cycle CSR on its own CPU, from its first thread's start to its
last one's end), cycles per call as one thread sees it, and SYSCALL traps per
completed call (the run minus the same run with no requests: registration, process
start and exit). The machine has no caches, so a trap costs only its direct cost;
the modelled figures add the cost profile's price of each trap (what the paper's
indirect cost — the pollution of caches and TLB — makes of it on real hardware).
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

from ...engine import MachineConfig
from ...images import build_guest, find_guest, guests_dir, rootdisk, rvfs
from ...machine import Console, Machine
from . import Context, Figure, Report, ReportResult, Verdict

SYSCALL_CAUSE = 1
_RESULT = re.compile(r"calls=(\d+) cycles=(\d+)")


def stub_dirs() -> dict[str, Path]:
    """The two stub libraries fxserver is built with: ``{"trap": ..., "flexsc": ...}``."""
    g = guests_dir()
    return {"trap": g / "user" / "lib" / "trap", "flexsc": g / "flexsc" / "stubs"}


def make_disk(folder: Path, kind: str) -> Path:
    """A root-disk image in ``folder`` with the portable programs and fxserver, all
    assembled with the ``kind`` stubs ("trap" or "flexsc"); returns its path. Raises
    UserError if a program does not assemble."""
    g = guests_dir()
    stubs = stub_dirs()[kind]
    spec = rootdisk.DiskSpec("bench", programs=g / "user", files=g / "user" / "rootfs",
                             stubs=stubs)
    tree = rootdisk.build_tree(spec)
    tree["fxserver"] = rootdisk.assemble_program(g / "flexsc" / "programs" / "fxserver.s",
                                                 stubs=stubs)
    path = folder / f"{kind}.img"
    path.write_bytes(rvfs.build_image(tree))
    return path


def boot(kernel: bytes, disk: Path, text: str, ncpus: int, engine: str) -> tuple[str, int]:
    """Boot ``kernel`` on ``ncpus`` CPUs with ``disk`` (kept unchanged), type ``text``
    at the shell: ``(console output, SYSCALL traps on every CPU)``. Raises
    RuntimeError unless the kernel halts."""
    con = Console(input=text.encode(), capture=True)
    with Machine(MachineConfig(ncpus=ncpus), engine, disk=str(disk), disk_snapshot=True,
                 console=con) as m:
        m.load_elf(kernel)
        r = m.run(max_steps=4_000_000_000)
        c = m.counters()
    out = bytes(con.captured).decode("utf-8", "replace")
    if r.kind != "halt":
        raise RuntimeError(f"run stopped: {r.kind}\n{out[-1500:]}")
    return out, sum(x["traps_by_cause"][SYSCALL_CAUSE] for x in c["cpus"])


def fxserver(kernel: bytes, disk: Path, threads: int, requests: int, ncpus: int,
             engine: str) -> dict[str, float]:
    """fxserver with ``threads`` user threads of ``requests`` requests each:
    ``{"calls", "cycles", "traps"}`` (traps net of a run with no requests) and the
    derived ``thr`` (calls per million cycles), ``lat`` (cycles per call of one
    thread) and ``tpc`` (traps per call). Raises RuntimeError if it fails."""
    out, traps = boot(kernel, disk, f"fxserver {threads} {requests}\n", ncpus, engine)
    _, base = boot(kernel, disk, f"fxserver {threads} 0\n", ncpus, engine)
    found = _RESULT.search(out)
    if not found:
        raise RuntimeError(f"fxserver failed:\n{out[-1500:]}")
    calls, cycles = int(found.group(1)), int(found.group(2))
    net = max(0, traps - base)          # (the two runs' shells may differ by a trap)
    return {"calls": calls, "cycles": cycles, "traps": net, "thr": calls * 1e6 / cycles,
            "lat": cycles / (calls / threads), "tpc": net / calls}


def flexsc_kernel() -> bytes:
    """The SMP monolithic kernel built with FLEXSC = 1 (the flexsc guest's kernel)."""
    return build_guest(find_guest("flexsc"))


def _run(ctx: Context) -> ReportResult:
    requests = 10 if ctx.quick else 50
    batches = (1, 4) if ctx.quick else (1, 2, 4, 8)
    trap_cost = ctx.profile.costs["trap"].cycles if "trap" in ctx.profile.costs else 0
    kernel = flexsc_kernel()
    res = {}
    with tempfile.TemporaryDirectory() as tmp:
        disks = {k: make_disk(Path(tmp), k) for k in stub_dirs()}
        for n in (1, 2):
            for b in batches:
                for kind in disks:
                    res[n, b, kind] = fxserver(kernel, disks[kind], b, requests, n,
                                               ctx.engine)

    def modelled(r):                    # calls per million modelled cycles
        return r["calls"] * 1e6 / (r["cycles"] + trap_cost * r["traps"])

    rows = [[str(n), str(b),
             f"{res[n, b, 'trap']['thr']:,.0f}", f"{res[n, b, 'flexsc']['thr']:,.0f}",
             f"{modelled(res[n, b, 'trap']):,.0f}", f"{modelled(res[n, b, 'flexsc']):,.0f}",
             f"{res[n, b, 'trap']['tpc']:.2f}", f"{res[n, b, 'flexsc']['tpc']:.2f}"]
            for n in (1, 2) for b in batches]
    top = batches[-1]
    t2, f2 = res[2, top, "trap"], res[2, top, "flexsc"]
    t1, f1 = res[1, top, "trap"], res[1, top, "flexsc"]
    f2_first = res[2, batches[0], "flexsc"]
    cross = next((b for b in batches if res[2, b, "flexsc"]["thr"] > res[2, b, "trap"]["thr"]),
                 None)
    verdicts = [
        Verdict(
            "Exception-less calls need far fewer traps than calls: about 1 per call by "
            "trapping, well under 1 exception-less",
            "Soares & Stumm 2010, §3: an exception-less call is a write to the syscall "
            "page; the mode switch, and the pollution it brings, is gone from the "
            "call's path",
            f"2 CPUs, batch {top}: {t2['tpc']:.2f} traps per call trapping, "
            f"{f2['tpc']:.2f} exception-less (1 CPU: {f1['tpc']:.2f}, the thread "
            f"library's wait for a batch)",
            t2["tpc"] >= 0.9 and f2["tpc"] < 0.5,
            "with a syscall core the user CPU never enters the kernel for a call; on "
            "one core a trap still hands the CPU to the syscall threads once per batch"),
        Verdict(
            "With a core for the syscall threads, exception-less calls overtake "
            "trapping ones as the batch grows",
            "Soares & Stumm 2010, Figures 9–10 (multicore): FlexSC's throughput passes "
            "the synchronous calls' once a few requests are outstanding and keeps "
            "growing with the batch",
            f"2 CPUs: exception-less {f2_first['thr']:,.0f} calls/Mcycle at batch "
            f"{batches[0]}, {f2['thr']:,.0f} at batch {top}; trapping {t2['thr']:,.0f}; "
            + (f"it passes the trapping calls from batch {cross}" if cross else
               "it never passes the trapping calls"),
            cross is not None and f2["thr"] > f2_first["thr"],
            "the user CPU runs only user threads that post requests, and the syscall "
            "core serves a batch in one pass over the pages; at batch 1 every request "
            "waits for the other core's round trip"),
        Verdict(
            "On a single core, exception-less calls beat trapping ones only once the "
            "trap's indirect cost counts (modelled)",
            "Soares & Stumm 2010, §5 (single core): batching pays for the switch to the "
            "syscall threads because one switch replaces many polluting mode switches",
            f"1 CPU, batch {top}: trapping {t1['thr']:,.0f} calls/Mcycle, "
            f"exception-less {f1['thr']:,.0f} raw; modelled with "
            f"{trap_cost} cycles per trap ({ctx.profile.name}): {modelled(t1):,.0f} and "
            f"{modelled(f1):,.0f}",
            f1["thr"] <= t1["thr"] and modelled(f1) > modelled(t1),
            "ringvm has no caches: a trap here costs only the instructions of its entry "
            "and return, so the switches to the syscall threads and the user-level "
            "thread switches cost more than the traps they save; the profile's price "
            "per trap stands for the pollution the paper measured"
            + ("" if modelled(f1) > modelled(t1) else
               " — and even so the profile's price per trap is too low to make up for "
               "them at this batch size")),
    ]
    figs = [Figure(f"Soares & Stumm's shape: calls per million cycles ({n} CPU"
                   f"{'s' if n > 1 else ''})", [f"batch {b}" for b in batches],
                   {"trapping": [res[n, b, "trap"]["thr"] for b in batches],
                    "exception-less": [res[n, b, "flexsc"]["thr"] for b in batches]},
                   "calls per Mcycle (raw)") for n in (1, 2)]
    return ReportResult(
        "flexsc", REPORT.title,
        ["CPUs", "batch", "trap calls/Mcyc", "flexsc calls/Mcyc",
         f"trap (+{trap_cost}/trap)", f"flexsc (+{trap_cost}/trap)", "trap traps/call",
         "flexsc traps/call"],
        rows, verdicts, figs,
        [f"fxserver: THREADS user threads (the batch) x {requests} requests x 4 calls "
         "(getpid, fstat, pipe write, pipe read); throughput on the program's own CPU. "
         "Modelled columns add the profile's trap cost per net trap. "
         "`python benchmarks/bench_flexsc.py` prints the latencies and the portable "
         "workload with both stub libraries."])


REPORT = Report("flexsc", "trapping against exception-less system calls over the batch "
                "size (Soares & Stumm 2010)", "Soares & Stumm, OSDI 2010", ("flexsc",),
                _run)
