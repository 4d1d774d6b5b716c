"""The shapes a comparison must have, whatever the exact figures: orderings and rough
ratios that follow from each structure's design. They are checked on the bundled
results file (``docs/compare/results.json``, written by
``python benchmarks/bench_compare.py --write``) and on a live run by the tests, so a
change that breaks a structure's defining cost shows up — and an exact number never
has to be kept.

Each shape names the structures it needs and is skipped when one is absent.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Shape:
    """``claim`` holds when ``test(per_op, exits)`` is true; ``per_op[target][phase]``
    is raw cycles per operation and ``exits[target][phase]`` VM exits per operation.
    ``needs``: the target names it reads."""
    claim: str
    needs: tuple[str, ...]
    test: Callable[[dict, dict], bool]


SHAPES = [
    Shape("a getpid over IPC costs more than a system call (µ-kernel)",
          ("microkernel", "monolithic"), lambda c, x: c["microkernel"]["null"] >
          1.5 * c["monolithic"]["null"]),
    Shape("Mach-style IPC costs more than L4-style on every system-call phase",
          ("microkernel", "microkernel+mach"), lambda c, x: all(
              c["microkernel+mach"][p] > c["microkernel"][p] for p in ("null", "pipe"))),
    Shape("the hybrid kernel pays only where the file system is involved",
          ("hybrid", "monolithic"), lambda c, x: c["hybrid"]["file"] >
          1.1 * c["monolithic"]["file"] and abs(c["hybrid"]["null"] /
                                                c["monolithic"]["null"] - 1) < 0.05),
    Shape("a library call is cheaper than a trap (ExOS getpid, the libOS's null call)",
          ("exokernel", "libos", "monolithic"), lambda c, x: c["libos"]["null"] <
          c["exokernel"]["null"] < c["monolithic"]["null"]),
    Shape("no structure changes the cost of pure computation by more than 25%",
          ("monolithic",), lambda c, x: all(
              0.75 < c[t]["compute"] / c["monolithic"]["compute"] < 1.25
              for t in c if "compute" in c[t])),
    Shape("a VM costs at least bare metal in every phase, most where devices are",
          ("monolithic", "monolithic@hypervisor"), lambda c, x: all(
              c["monolithic@hypervisor"][p] >= c["monolithic"][p]
              for p in c["monolithic"]) and x["monolithic@hypervisor"]["file"] ==
          max(x["monolithic@hypervisor"].values())),
]


def check(results: dict) -> list[tuple[str, bool | None]]:
    """``[(claim, holds)]`` for every shape of :data:`SHAPES` on ``results`` (the JSON
    of :func:`~.output.to_json`); ``holds`` is None when a target it needs is absent."""
    per_op, exits = {}, {}
    for t in results["targets"]:
        if t["error"]:
            continue
        per_op[t["name"]] = {p["name"]: p["cycles"] / p["ops"] for p in t["phases"]}
        exits[t["name"]] = {p["name"]: sum(v for k, v in p["counters"].items()
                                           if k.startswith("exit.")) / p["ops"]
                            for p in t["phases"]}
    out = []
    for s in SHAPES:
        if not all(n in per_op for n in s.needs):
            out.append((s.claim, None))
        else:
            out.append((s.claim, bool(s.test(per_op, exits))))
    return out
