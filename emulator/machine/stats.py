"""Statistics at exit, like sys161's stat161: ``--stats`` (a table) and ``--stats-json``.

:func:`collect` turns the engine's raw counters (``emulator/engine/contract.py``) and the
Python devices' counters into named, JSON-ready data with stable keys::

    {"engine": "python", "ncpus": 1, "ram_size": 33554432, "steps": 1234,
     "result": {"kind": "halt", "exit_code": 0, "exit_status": 0},   # when known
     "totals": {"cycles", "retired", "idle", "tlb_hits", "tlb_misses", "tlb_writes",
                "tlb_flushes", "asid_switches",
                "retired_by_ring": {"-1", "0", "1", "2", "3"},
                "traps_by_cause": {CAUSE_NAME: n, ...},           # every ISA cause
                "interrupts_by_line": {LINE_NAME: n, ...},        # every ISA line
                "vmexits_by_reason": {REASON_NAME: n, ...}},      # every ISA reason
     "cpus": [same keys as totals, per CPU],
     "devices": {"console_tx_bytes", "console_rx_bytes", "ipis_sent", "timer_fires",
                 and for each disk attached, "<disk>_reads", "<disk>_writes",
                 "<disk>_sectors_read", "<disk>_sectors_written", "<disk>_errors" with
                 <disk> = disk, disk1, ...}}

Every name of the ISA appears (zero or not), so keys do not depend on the run.
"""
from __future__ import annotations

import json

from ringvm.isa import ISA

from ..engine import CPU_COUNTERS, RINGS

def _named(values: list[int], names: dict[int, str]) -> dict[str, int]:
    """Counters by number -> by name (in number order); ``#<n>`` for unnamed numbers."""
    out = {name: (values[k] if k < len(values) else 0) for k, name in sorted(names.items())}
    for i, v in enumerate(values):
        if v and i not in names:
            out[f"#{i}"] = v
    return out


def _cpu_stats(raw: dict) -> dict:
    d = {k: raw[k] for k in CPU_COUNTERS}
    d["retired_by_ring"] = {str(r): raw["retired_by_ring"][r + 1] for r in RINGS}
    d["traps_by_cause"] = _named(raw["traps_by_cause"], ISA.cause_names)
    d["interrupts_by_line"] = _named(raw["interrupts_by_line"], ISA.line_names)
    d["vmexits_by_reason"] = _named(raw["vmexits_by_reason"], ISA.exit_reason_names)
    return d


def _add(total: dict, d: dict) -> None:
    for k, v in d.items():
        if isinstance(v, dict):
            sub = total.setdefault(k, {})
            for kk, vv in v.items():
                sub[kk] = sub.get(kk, 0) + vv
        else:
            total[k] = total.get(k, 0) + v


def collect(machine, result=None) -> dict:
    """Named statistics of ``machine`` (see the module docstring); ``result`` is the
    last :class:`RunResult`, recorded under ``"result"`` if given."""
    raw = machine.counters()
    cpus = [_cpu_stats(c) for c in raw["cpus"]]
    totals: dict = {}
    for c in cpus:
        _add(totals, c)
    out = {"engine": machine.engine_kind, "ncpus": machine.config.ncpus,
           "ram_size": machine.config.ram_size, "tlb_entries": machine.config.tlb_entries,
           "steps": machine.steps}
    if result is not None:
        out["result"] = {"kind": result.kind, "exit_code": result.exit_code,
                         "exit_status": result.exit_status}
    out["totals"] = totals
    out["cpus"] = cpus
    out["devices"] = dict(raw["devices"])
    return out


def write_json(stats: dict, path: str) -> None:
    """Write ``stats`` to ``path`` as indented JSON with sorted-stable keys."""
    with open(path, "w") as f:
        json.dump(stats, f, indent=2)
        f.write("\n")


def print_table(stats: dict, file=None) -> None:
    """Print ``stats`` as rich tables (stderr by default): per-CPU and total counters,
    traps by cause, interrupts by line, VM exits by reason (non-zero rows), devices."""
    import sys

    from rich.console import Console as RichConsole
    from rich.table import Table

    out = file or sys.stderr
    try:
        tty = out.isatty()
    except (AttributeError, ValueError):
        tty = False
    # piped or redirected: no terminal width to wrap to (a table per line, as wide as
    # it needs)
    con = RichConsole(file=out, highlight=False, **({} if tty else {"width": 200}))
    cpus = stats["cpus"]
    multi = len(cpus) > 1
    head = [f"cpu{i}" for i in range(len(cpus))] + (["total"] if multi else [])

    def table(title: str) -> Table:
        t = Table(title=title, title_justify="left", show_edge=False, pad_edge=False,
                  min_width=44)
        t.add_column("", min_width=20)
        for h in head:
            t.add_column(h, justify="right")
        return t

    def row(t, label, values):
        t.add_row(label, *[f"{v:,}" for v in values])

    def vals(get):
        v = [get(c) for c in cpus]
        return v + ([get(stats["totals"])] if multi else [])

    res = stats.get("result")
    summary = (f"engine {stats['engine']}, {stats['ncpus']} cpu(s), "
               f"{stats['ram_size'] // (1024 * 1024)} MiB RAM, TLB {stats['tlb_entries']} "
               f"entries, {stats['steps']:,} steps")
    if res:
        summary += f"; stopped: {res['kind']}"
        if res["kind"] == "halt":
            summary += f" (exit code {res['exit_code']})"
    con.print(f"[bold]ringvm statistics[/bold]: {summary}")

    t = table("execution")
    for k in ("cycles", "retired", "idle"):
        row(t, k, vals(lambda c, k=k: c[k]))
    for r in ("-1", "0", "1", "2", "3"):
        row(t, f"retired ring {r}", vals(lambda c, r=r: c["retired_by_ring"][r]))
    con.print(t)

    t = table("TLB")
    for k in ("tlb_hits", "tlb_misses", "tlb_writes", "tlb_flushes", "asid_switches"):
        row(t, k.replace("tlb_", ""), vals(lambda c, k=k: c[k]))
    con.print(t)

    for group, title in (("traps_by_cause", "traps by cause"),
                         ("interrupts_by_line", "interrupts by line"),
                         ("vmexits_by_reason", "VM exits by reason")):
        t = table(title)
        any_row = False
        for name, total in stats["totals"][group].items():
            if total:
                any_row = True
                row(t, name, vals(lambda c, g=group, n=name: c[g].get(n, 0)))
        if any_row:
            con.print(t)
        else:
            con.print(f"{title}: none")

    t = Table(title="devices", title_justify="left", show_edge=False, pad_edge=False,
              min_width=44)
    t.add_column("", min_width=20)
    t.add_column("count", justify="right")
    for k, v in stats["devices"].items():
        t.add_row(k, f"{v:,}")
    con.print(t)
