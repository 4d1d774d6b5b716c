"""The portable workload (``guests/user/workload.s``): what it prints and how to read it.

Every kernel structure runs the same program. It prints ``workload: start``; each of
its phases ends with one line ``phase NAME ops=N cycles=C`` (C read from the cycle CSR,
so deterministic: the same on both engines and every run); then ``workload: done``.
The benchmarks, the tests and ``ringvm compare`` read those lines with
:func:`parse_phases`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ringvm.errors import UserError

#: the phases, in the order the workload runs them
PHASES = ("null", "file", "pipe", "spawn", "compute")
LINE = re.compile(r"^phase (\w+) ops=(\d+) cycles=(\d+)$", re.M)
START = "workload: start"
DONE = "workload: done"
FAILED = re.compile(r"workload: FAILED (\w+)")


@dataclass(frozen=True)
class Phase:
    """One phase: its ``name``, how many operations it did (``ops``) and the cycles
    (steps of the CPU it ran on) it took."""
    name: str
    ops: int
    cycles: int

    @property
    def cycles_per_op(self) -> float:
        return self.cycles / self.ops


def parse_phases(console: str) -> list[Phase]:
    """The phases of a workload run from its console output. Raises
    :class:`UserError` if the run did not finish (``workload: done`` missing) or a
    phase is missing or out of order."""
    phases = [Phase(m.group(1), int(m.group(2)), int(m.group(3)))
              for m in LINE.finditer(console)]
    if DONE not in console:
        failed = FAILED.search(console)
        raise UserError("the workload did not finish" +
                        (f": phase {failed.group(1)} failed" if failed else ""))
    if tuple(p.name for p in phases) != PHASES:
        raise UserError(f"workload phases {[p.name for p in phases]}, expected {PHASES}")
    return phases
