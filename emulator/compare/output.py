"""What ``ringvm compare`` prints and writes: the terminal table (rich), and every
counter of every phase as JSON or CSV.

The table has a row per target and a column per workload phase; a cell is the raw
cycles per operation with its ratio to the baseline (the monolithic kernel when it is
among the targets), and under it the cycles per operation the cost profile models.
The JSON and CSV files hold no host time, so they are the same on every run and on
both engines.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from rich.console import Console as RichConsole
from rich.table import Table

from ringvm.errors import UserError

from .measure import Measurement, counter_names, phase_names
from .profiles import EVENTS, Profile, event_counts
from .targets import REFERENCE


def baseline(runs: list[Measurement]) -> Measurement | None:
    """The run ratios are taken against: the reference structure (the monolithic
    kernel) on bare metal if present, else the first run that finished."""
    ok = [r for r in runs if r.error is None]
    return next((r for r in ok if r.target.name == REFERENCE), ok[0] if ok else None)


def _ratio(value: float, base: float | None) -> str:
    return f"×{value / base:.2f}" if base else ""


def table(runs: list[Measurement], profile: Profile) -> Table:
    """The comparison table (see the module docstring)."""
    base = baseline(runs)
    phases = phase_names(runs)
    t = Table(title=f"cycles per operation of the portable workload "
                    f"({runs[0].engine} engine{', quick' if runs[0].quick else ''}); "
                    f"second line: modelled with the {profile.name} profile",
              title_justify="left")
    t.add_column("structure", style="bold", no_wrap=True)
    for p in phases:
        t.add_column(p, justify="right", no_wrap=True)
    for r in runs:
        if r.error is not None and not r.phases:
            t.add_row(r.target.name, f"[red]{r.error}[/red]", *[""] * (len(phases) - 1))
            continue
        cells = []
        for name in phases:
            p, b = r.phase(name), base.phase(name) if base else None
            if p is None:
                cells.append("[dim]—[/dim]")
                continue
            raw = p.cycles_per_op
            mod = profile.modelled(p.cycles, p.counters) / p.ops
            braw = b.cycles_per_op if b else None
            bmod = profile.modelled(b.cycles, b.counters) / b.ops if b else None
            cells.append(f"{raw:,.0f} {_ratio(raw, braw)}\n"
                         f"[dim]{mod:,.0f} {_ratio(mod, bmod)}[/dim]")
        name = r.target.name + (f"\n[red]{r.error}[/red]" if r.error else "")
        t.add_row(name, *cells)
    return t


def events_table(runs: list[Measurement]) -> Table:
    """Per target and phase, the events the profiles price, per operation."""
    t = Table(title="events per operation (what the cost profiles price)",
              title_justify="left")
    t.add_column("structure", style="bold", no_wrap=True)
    t.add_column("phase")
    for e in EVENTS:
        t.add_column(e.replace("_", " "), justify="right")
    for r in runs:
        for p in r.phases:
            n = event_counts(p.counters)
            t.add_row(r.target.name, p.name, *(f"{n[e] / p.ops:,.2f}" if n[e] else "·"
                                               for e in EVENTS))
    return t


def print_tables(runs: list[Measurement], profile: Profile, *, detail: bool = False,
                 console: RichConsole | None = None) -> None:
    """Print the comparison table (and with ``detail`` the events table) to
    ``console`` (default: stdout)."""
    con = console or RichConsole()
    con.print(table(runs, profile))
    if detail:
        con.print(events_table(runs))
    seconds = sum(r.host_seconds for r in runs)
    con.print(f"[dim]{len(runs)} runs, {sum(r.steps for r in runs):,} steps, "
              f"{seconds:.1f} s of host time[/dim]")


def print_report(result, console: RichConsole | None = None) -> None:
    """Print a :class:`~.reports.ReportResult`: its table, then each verdict (claim,
    what the paper reported, what was measured, why) and its notes."""
    import re
    con = console or RichConsole()
    number = re.compile(r"[\d,.]+x?|—|")
    t = Table(title=result.title, title_justify="left")
    for i, h in enumerate(result.headers):
        numeric = i > 0 and all(number.fullmatch(row[i]) for row in result.rows)
        t.add_column(h, justify="right" if numeric else "left")
    for row in result.rows:
        t.add_row(*row)
    con.print(t)
    for v in result.verdicts:
        mark = "[green]✓ holds[/green]" if v.holds else "[yellow]✗ does not hold[/yellow]"
        con.print(f"\n{mark}  [bold]{v.claim}[/bold]")
        con.print(f"  paper:    {v.paper}")
        con.print(f"  measured: {v.measured}")
        if v.why:
            con.print(f"  why:      {v.why}")
    for note in result.notes:
        con.print(f"\n[dim]{note}[/dim]")


def to_json(runs: list[Measurement], profile: Profile) -> dict:
    """Every figure of ``runs`` as a JSON-ready dict (no host time: deterministic)."""
    return {
        "engine": runs[0].engine if runs else None,
        "quick": runs[0].quick if runs else None,
        "profile": {"name": profile.name, "title": profile.title,
                    "costs": {e: {"cycles": c.cycles, "source": c.source}
                              for e, c in profile.costs.items()}},
        "targets": [{
            "name": r.target.name, "guest": r.target.guest, "host": r.target.host,
            "options": list(r.target.options), "error": r.error, "steps": r.steps,
            "phases": [{"name": p.name, "ops": p.ops, "cycles": p.cycles,
                        "modelled_cycles": profile.modelled(p.cycles, p.counters),
                        "counters": {k: v for k, v in sorted(p.counters.items()) if v}}
                       for p in r.phases],
            "total": {k: v for k, v in sorted(r.total.items()) if v},
        } for r in runs],
    }


def write_json(path: str | Path, runs: list[Measurement], profile: Profile) -> None:
    """Write :func:`to_json` to ``path``. Raises :class:`UserError` if it cannot."""
    _write(path, json.dumps(to_json(runs, profile), indent=1) + "\n")


def write_csv(path: str | Path, runs: list[Measurement], profile: Profile) -> None:
    """One row per target and phase: target, phase, ops, cycles, modelled cycles, then
    every counter (zero where a run did not count it). Raises :class:`UserError` if
    the file cannot be written."""
    import io
    names = counter_names(runs)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["target", "phase", "ops", "cycles", f"modelled_cycles_{profile.name}",
                *names])
    for r in runs:
        for p in r.phases:
            w.writerow([r.target.name, p.name, p.ops, p.cycles,
                        profile.modelled(p.cycles, p.counters),
                        *(p.counters.get(n, 0) for n in names)])
    _write(path, buf.getvalue())


def _write(path, text: str) -> None:
    try:
        Path(path).write_text(text)
    except OSError as e:
        raise UserError(f"cannot write {path}: {e.strerror}") from None


def markdown_table(results: dict, *, phases=("null", "file", "pipe", "spawn")) -> str:
    """A trimmed Markdown table of :func:`to_json` output for the README: cycles per
    operation and the ratio to the reference structure, raw steps, for ``phases``."""
    targets = [t for t in results["targets"] if not t["error"]]
    per_op = {t["name"]: {p["name"]: p["cycles"] / p["ops"] for p in t["phases"]}
              for t in targets}
    base = per_op.get(REFERENCE) or next(iter(per_op.values()), {})
    lines = ["| structure | " + " | ".join(phases) + " |",
             "|---|" + "---:|" * len(phases)]
    for name, row in per_op.items():
        cells = [f"{row[p]:,.0f} ({row[p] / base[p]:.2f}×)" if p in row and p in base
                 else "—" for p in phases]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
