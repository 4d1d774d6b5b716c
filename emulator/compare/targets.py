"""What ``ringvm compare`` compares: one :class:`Target` per way a bundled kernel
structure runs the portable workload — on bare metal, and as the guest of each bundled
hypervisor that can host it.

Nothing here names a structure. A guest takes part by its ``guest.toml``:
``[workload] command`` says how its console starts the workload; a hypervisor's
``[workload] hosts``/``module`` say which guests it runs (their ``runs_as``) and in
which boot module; ``runs_as`` of the guest says where it can run. A structure that
lands later adds itself with those lines, with no change here.
"""
from __future__ import annotations

from dataclasses import dataclass

from ringvm.errors import UserError, did_you_mean

from ..images import Guest, list_guests

#: the structure every other is compared with (ratios, plots): the reference kernel
REFERENCE = "monolithic"


@dataclass(frozen=True)
class Target:
    """One row of the comparison: the workload on ``guest`` (a bundled guest's name)
    built with ``options``, on bare metal (``host`` None) or inside the hypervisor
    guest ``host``. ``name``: ``GUEST``, ``GUEST+OPTION`` or ``GUEST@HOST``."""
    guest: str
    host: str | None = None
    options: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        base = "+".join((self.guest, *self.options))
        return f"{base}@{self.host}" if self.host else base


def targets(guests: list[Guest] | None = None) -> list[Target]:
    """Every target the bundled guests declare: the :data:`REFERENCE` structure, the
    other bare-metal ones and their ``variants`` (sorted by name), then hosted ones. Raises
    :class:`UserError` for a bad ``guest.toml``."""
    gs = [g for g in (guests if guests is not None else list_guests()) if g.workload]
    bare = [Target(g.name, None, opts) for g in gs if g.workload.hosts is None
            for opts in [(), *((v,) for v in g.workload.variants)]]
    hosted = [Target(g.name, h.name) for h in gs if h.workload.hosts
              for g in gs if g.workload.hosts is None and h.workload.hosts in g.runs_as]
    return sorted(bare, key=lambda t: (t.name != REFERENCE, t.name)) + hosted


def select(names: list[str], available: list[Target]) -> list[Target]:
    """The targets ``names`` ask for, in the order of ``available``: a name matches a
    target's full name, its guest (bare and hosted runs of it) or its host (every
    guest it runs). ``GUEST+OPTION`` asks for a build option of a guest (e.g.
    ``microkernel+mach``). No names: all. Raises :class:`UserError` for a name that
    matches nothing."""
    if not names:
        return list(available)
    out: list[Target] = []
    for n in names:
        guest, *options = n.split("@")[0].split("+")
        if options and "@" not in n:
            t = Target(guest, None, tuple(options))
            if not any(a.guest == guest and a.host is None for a in available):
                raise UserError(f"compare: {guest!r} does not run the workload")
            hits = [t]
        else:
            hits = [a for a in available if n in (a.name, a.guest, a.host)]
        if not hits:
            known = sorted({a.guest for a in available} | {a.host for a in available
                                                           if a.host})
            close = did_you_mean(n, known)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UserError(f"compare: no structure called {n!r}{hint}; structures that "
                            f"run the workload: {', '.join(known)}")
        out += [h for h in hits if h not in out]
    return out
