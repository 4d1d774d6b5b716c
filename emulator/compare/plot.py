"""Figures for ``ringvm compare --plot FILE`` (matplotlib, the optional ``ringvm[plot]``
extra): grouped bars per workload phase, and one panel per figure of a report. The
file type follows the suffix (``.svg``, ``.png``, ``.pdf``).
"""
from __future__ import annotations

from pathlib import Path

from ringvm.errors import UserError

from .measure import Measurement, phase_names
from .output import baseline
from .profiles import Profile
from .reports import Figure, ReportResult

INSTALL_HINT = ("--plot needs matplotlib, the optional plot extra: "
                "pip install 'ringvm[plot]' (or pip install matplotlib)")


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise UserError(INSTALL_HINT) from None
    matplotlib.use("Agg")                     # files only: no display needed
    matplotlib.rcParams["svg.fonttype"] = "none"        # text stays text: small files
    matplotlib.rcParams["svg.hashsalt"] = "ringvm"      # stable ids: same file each run
    import matplotlib.pyplot as plt
    return plt


def workload_figure(runs: list[Measurement], profile: Profile) -> list[Figure]:
    """Two figures: cycles per operation relative to the baseline, raw and modelled."""
    base = baseline(runs)
    phases = [p for p in phase_names(runs) if base is None or base.phase(p)]
    ok = [r for r in runs if r.error is None or r.phases]
    out = []
    for label, model in (("raw steps", False), (f"modelled, {profile.name} profile", True)):
        def per_op(r, name):
            p = r.phase(name)
            if p is None:
                return 0.0
            return (profile.modelled(p.cycles, p.counters) if model else p.cycles) / p.ops
        series = {r.target.name: [per_op(r, p) / per_op(base, p) if base else per_op(r, p)
                                  for p in phases] for r in ok}
        out.append(Figure(f"portable workload, cycles per operation ({label})", phases,
                          series, f"× {base.target.name}" if base else "cycles per op",
                          log=True, ref=1.0 if base else None))
    return out


def draw(figures: list[Figure], path: str | Path, title: str = "") -> None:
    """Draw ``figures`` one panel each, stacked, into ``path``. Raises
    :class:`UserError` if matplotlib is missing or the file cannot be written."""
    plt = _pyplot()
    fig, axes = plt.subplots(len(figures), 1, figsize=(10, 4.2 * len(figures)),
                             squeeze=False)
    for ax, f in zip(axes[:, 0], figures):
        n = len(f.series)
        width = 0.8 / max(n, 1)
        for i, (name, values) in enumerate(f.series.items()):
            xs = [g + (i - (n - 1) / 2) * width for g in range(len(f.groups))]
            bars = ax.bar(xs, values, width, label=name)
            ax.bar_label(bars, labels=[_short(v) if v else "" for v in values],
                         fontsize=7, rotation=90, padding=2)
        ax.set_xticks(range(len(f.groups)), f.groups)
        ax.set_ylabel(f.ylabel)
        ax.set_title(f.title, fontsize=10)
        if f.log:
            ax.set_yscale("log")
        if f.ref is not None:
            ax.axhline(f.ref, color="black", linewidth=0.8, alpha=0.6)
        ax.margins(y=0.25)
        ax.legend(fontsize=8, ncols=min(n, 4), loc="upper left")
        ax.grid(axis="y", alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    stable = {"Date": None} if str(path).lower().endswith((".svg", ".pdf")) else {}
    try:
        fig.savefig(path, metadata=stable)
    except (OSError, ValueError) as e:
        raise UserError(f"cannot write {path}: {e}") from None
    finally:
        plt.close(fig)


def draw_report(result: ReportResult, path: str | Path) -> None:
    """The figures of a report in one file (see :func:`draw`)."""
    if not result.figures:
        raise UserError(f"report {result.name} has no figure to plot")
    draw(result.figures, path, result.title)


def _short(v: float) -> str:
    if v >= 100:
        return f"{v:,.0f}"
    return f"{v:.2f}" if v < 10 else f"{v:.1f}"
