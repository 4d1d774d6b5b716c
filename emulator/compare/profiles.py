"""Cost profiles: what the events of a run would cost on a real machine.

The machine counts one step per instruction or trap (ISA.md §10), so a trap looks as
cheap as an add. A profile gives host-independent extra cycles per *event* — on top
of the step the machine already counted — and ``ringvm compare`` reports both the raw
steps and the modelled cycles ``cycles + sum(cost[e] * count[e])``. The model is
applied to the counters after the run, never inside the engines: it costs nothing at
run time and is as deterministic as the counters.

A profile is a TOML file (bundled ones in ``profiles/``)::

    name = "r3000"
    title = "one line"
    description = "what machine and why"
    [cost.trap]                 # one table per event of EVENTS
    cycles = 20
    source = "the paper and section the figure comes from, or 'assumed: ...'"

Events, and the counters (see :func:`~.measure.flatten`) that count them:

===============  ============================================================
trap             kernel entry and return: every exception (``trap.*``) and
                 interrupt (``irq.*``) taken
vm_exit          every VM exit (``exit.*``)
vm_entry         every VM entry — one per exit (each exit returns to a guest)
tlb_write        ``tlb_writes`` (tlbwr/tlbwi by any ring, guest or host)
asid_switch      ``asid_switches`` (the CPU's ASID changed)
ipi              ``ipis_sent``
device_access    device operations: console bytes in and out, requests to any
                 disk, NIC packets
===============  ============================================================
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ringvm.errors import UserError

#: the events a profile can price, in the order reports list them
EVENTS = ("trap", "vm_exit", "vm_entry", "tlb_write", "asid_switch", "ipi", "device_access")
#: the profile used when none is named: the machine class ringvm most resembles
DEFAULT_PROFILE = "r3000"
PROFILE_DIR = Path(__file__).parent / "profiles"
_DEVICE_OPS = re.compile(r"console_(tx|rx)_bytes|disk\d*_(reads|writes)|nic_(tx|rx)_packets")


@dataclass(frozen=True)
class Cost:
    """One event's price: extra ``cycles`` per occurrence and where the figure comes
    from (``source``)."""
    cycles: int
    source: str


@dataclass
class Profile:
    """A cost profile (see the module docstring): ``costs`` maps an event of
    :data:`EVENTS` to its :class:`Cost`; events not named cost nothing extra."""
    name: str
    title: str
    description: str = ""
    costs: dict[str, Cost] = field(default_factory=dict)
    path: Path | None = None

    def extra(self, counters: dict[str, int]) -> int:
        """Extra cycles for the events in ``counters`` (flat names)."""
        n = event_counts(counters)
        return sum(c.cycles * n[e] for e, c in self.costs.items())

    def modelled(self, cycles: int, counters: dict[str, int]) -> int:
        """``cycles`` (raw steps) plus :meth:`extra` of ``counters``."""
        return cycles + self.extra(counters)


def event_counts(counters: dict[str, int]) -> dict[str, int]:
    """``{event: count}`` for every event of :data:`EVENTS`, from flat counters."""
    def total(prefix: str) -> int:
        return sum(v for k, v in counters.items() if k.startswith(prefix))
    exits = total("exit.")
    return {"trap": total("trap.") + total("irq."), "vm_exit": exits, "vm_entry": exits,
            "tlb_write": counters.get("tlb_writes", 0),
            "asid_switch": counters.get("asid_switches", 0),
            "ipi": counters.get("ipis_sent", 0),
            "device_access": sum(v for k, v in counters.items() if _DEVICE_OPS.fullmatch(k))}


def bundled_profiles() -> list[str]:
    """Names of the bundled profiles, sorted."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))


def load_profile(spec: str | None = None) -> Profile:
    """The profile named ``spec`` (a bundled name, or a path to a ``.toml`` file;
    None: :data:`DEFAULT_PROFILE`). Raises :class:`UserError` for an unknown name or a
    bad file (unknown keys or events, a cost that is not a non-negative integer, a
    missing source)."""
    spec = spec or DEFAULT_PROFILE
    path = Path(spec)
    if path.suffix != ".toml":
        path = PROFILE_DIR / f"{spec}.toml"
        if not path.is_file():
            raise UserError(f"no cost profile called {spec!r} (bundled: "
                            f"{', '.join(bundled_profiles())}; or give a .toml file)")
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise UserError(f"{path}: {e}") from None
    extra = set(data) - {"name", "title", "description", "cost"}
    if extra:
        raise UserError(f"{path}: unknown key(s): {', '.join(sorted(extra))}")
    costs = {}
    for event, t in data.get("cost", {}).items():
        where = f"{path}: [cost.{event}]"
        if event not in EVENTS:
            raise UserError(f"{where}: unknown event (events: {', '.join(EVENTS)})")
        if not isinstance(t, dict) or set(t) != {"cycles", "source"}:
            raise UserError(f"{where}: needs exactly cycles and source")
        c = t["cycles"]
        if not isinstance(c, int) or isinstance(c, bool) or not 0 <= c <= 10**7:
            raise UserError(f"{where}: cycles must be an integer from 0 to 10000000")
        if not isinstance(t["source"], str) or not t["source"].strip():
            raise UserError(f"{where}: source must say where the figure comes from")
        costs[event] = Cost(c, t["source"].strip())
    return Profile(str(data.get("name", path.stem)), str(data.get("title", "")),
                   str(data.get("description", "")).strip(), costs, path)
