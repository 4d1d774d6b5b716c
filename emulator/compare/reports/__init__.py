"""The papers' shapes as named reports: ``ringvm compare --report NAME``.

Each report measures what one paper measured, on this machine, and states for each of
the paper's claims what the paper reported, what ringvm measured and whether the shape
holds. It is fine — and instructive — when a shape does not hold; the verdict then
says why. A report never asserts exact numbers: shapes are orderings and rough
ratios, so they survive changes to the kernels that do not change their structure.

One module per report (``l4``, ``exokernel``, ``popek_goldberg``, ...), each defining
``REPORT``, a :class:`Report`. Reports share workload runs through a
:class:`Context`.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

from ringvm.errors import UserError

from ..measure import Measurement, measure
from ..profiles import Profile
from ..targets import Target


@dataclass
class Verdict:
    """One claim of a paper: what the paper reported (``paper``), what ringvm measured
    (``measured``), whether the shape ``holds``, and ``why`` (always worth reading
    when it does not)."""
    claim: str
    paper: str
    measured: str
    holds: bool
    why: str = ""


@dataclass
class Figure:
    """Data for one plot: grouped bars, one group per entry of ``groups``, one bar per
    series (``{series name: [value per group]}``), on ``ylabel``; ``log``: log scale;
    ``ref``: a reference line (1.0 for ratios)."""
    title: str
    groups: list[str]
    series: dict[str, list[float]]
    ylabel: str
    log: bool = False
    ref: float | None = None


@dataclass
class ReportResult:
    """A finished report: a table (``headers`` and ``rows`` of strings), the
    verdicts, the figures, and notes (one paragraph each)."""
    name: str
    title: str
    headers: list[str]
    rows: list[list[str]]
    verdicts: list[Verdict]
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Context:
    """What a report runs with: the engine, ``quick`` (short workloads), the cost
    profile, and a cache of workload measurements shared by the reports of one
    command."""
    engine: str
    quick: bool
    profile: Profile
    runs: dict[Target, Measurement] = field(default_factory=dict)

    def workload(self, target: Target) -> Measurement:
        """The workload on ``target`` (measured once per context). Raises
        :class:`UserError` if it did not finish."""
        if target not in self.runs:
            self.runs[target] = measure(target, engine=self.engine, quick=self.quick)
        m = self.runs[target]
        if m.error is not None:
            raise UserError(f"{target.name}: {m.error}")
        return m

    def per_op(self, target: Target, phase: str, *, modelled: bool = False) -> float:
        """Cycles per operation of ``phase`` on ``target`` (``modelled``: with the
        context's cost profile)."""
        p = self.workload(target).phase(phase)
        if p is None:
            raise UserError(f"{target.name} does not run the {phase} phase")
        cycles = self.profile.modelled(p.cycles, p.counters) if modelled else p.cycles
        return cycles / p.ops


@dataclass(frozen=True)
class Report:
    """A named report: ``run(context) -> ReportResult``; ``paper`` the work whose
    shape it checks; ``needs`` the bundled guests it boots."""
    name: str
    title: str
    paper: str
    needs: tuple[str, ...]
    run: Callable[[Context], ReportResult]


def reports() -> dict[str, Report]:
    """Every report, by name (the ``REPORT`` of each module of this package)."""
    out = {}
    for info in pkgutil.iter_modules(__path__):
        r = importlib.import_module(f"{__name__}.{info.name}").REPORT
        out[r.name] = r
    return dict(sorted(out.items()))


def run_report(name: str, ctx: Context) -> ReportResult:
    """Run the report called ``name``. Raises :class:`UserError` for an unknown name
    or a guest it needs that is not bundled."""
    from ...images import find_guest
    known = reports()
    if name not in known:
        raise UserError(f"no report called {name!r} (reports: {', '.join(known)})")
    r = known[name]
    missing = [g for g in r.needs if find_guest(g) is None]
    if missing:
        raise UserError(f"report {name}: needs the guest(s) {', '.join(missing)}, which "
                        f"are not bundled")
    return r.run(ctx)


def ratio(a: float, b: float) -> str:
    """``a / b`` as ``"1.23x"``."""
    return f"{a / b:.2f}x"


def geomean(values: list[float]) -> float:
    """The geometric mean of positive ``values``."""
    import math
    return math.exp(sum(math.log(v) for v in values) / len(values))
