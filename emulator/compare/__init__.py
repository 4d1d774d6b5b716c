"""``ringvm compare``: the portable workload across every kernel structure, with cost
profiles, tables, plots and the papers' shapes as named reports.

- :mod:`.targets` — which structures (bare metal and under each hypervisor), from
  their ``guest.toml``;
- :mod:`.measure` — one run: the workload's phases and the machine's counters per
  phase;
- :mod:`.profiles` — cost profiles: host-independent cycle costs of events applied to
  the counters after the run;
- :mod:`.output` — the terminal table, JSON and CSV;
- :mod:`.plot` — figures (matplotlib, the optional ``ringvm[plot]`` extra);
- :mod:`.reports` — the papers' shapes (``--report NAME``).

A client of the Machine API like the debugger and the grader: it builds machines only
through :mod:`ringvm.emulator.images`.
"""
from .measure import Measurement, PhaseResult, flatten, measure
from .targets import Target, select, targets

__all__ = ["Measurement", "PhaseResult", "Target", "flatten", "measure", "select",
           "targets"]
