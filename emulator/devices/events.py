"""The software-event device of ISA.md §9 ("Software events"): how a guest reports what
only it knows — an IPC message sent, a hypercall, an upcall — to the host's statistics,
``ringvm compare`` and timelines, without the host ever reading kernel memory.

A guest writes ARG0, ARG1 (per CPU), then an event code to EMIT. Each EMIT is counted
by code and by CPU and handed, as ``(cpu, cycle, code, arg0, arg1)``, to every
listener attached with :meth:`EventsDevice.listen` (a tracer or timeline). The device
never changes the guest's view of the machine beyond the stores themselves, so a run
is the same with or without listeners.
"""
from __future__ import annotations

from ringvm.isa import ISA

from .base import BusError, Device

_DEV = ISA.devices["events"]
_REG = {r.name: r.offset for r in _DEV.registers}


class EventsDevice(Device):
    """Counts the software events each CPU emits (see the module docstring).

    ``counts``: ``{(cpu, code): n}``. :meth:`counters` gives ``event_<NAME>`` totals for
    ``--stats``; :meth:`per_cpu` the counts by CPU.
    """

    name = "events"

    def __init__(self):
        super().__init__(_DEV.base)
        self.args: dict[int, list[int]] = {}
        self.counts: dict[tuple[int, int], int] = {}
        self._listeners = []

    def listen(self, fn) -> None:
        """Call ``fn(cpu, cycle, code, arg0, arg1)`` at every EMIT from now on."""
        self._listeners.append(fn)

    def read(self, cpu: int, offset: int) -> int:
        if offset == _REG["EMIT"]:
            return 0                                   # write-only
        if offset in (_REG["ARG0"], _REG["ARG1"]):
            return self.args.get(cpu, [0, 0])[offset == _REG["ARG1"]]
        raise BusError(offset)

    def write(self, cpu: int, offset: int, value: int) -> None:
        if offset in (_REG["ARG0"], _REG["ARG1"]):
            self.args.setdefault(cpu, [0, 0])[offset == _REG["ARG1"]] = value
        elif offset == _REG["EMIT"]:
            code = value & 0xFFFF
            self.counts[(cpu, code)] = self.counts.get((cpu, code), 0) + 1
            if self._listeners:
                a0, a1 = self.args.get(cpu, [0, 0])
                cycle = self.machine.cpu_cycle(cpu)
                for fn in self._listeners:
                    fn(cpu, cycle, code, a0, a1)
        else:
            raise BusError(offset)

    def per_cpu(self) -> dict[str, list[int]]:
        """``{event name: [count on cpu 0, cpu 1, ...]}`` for the events seen."""
        n = self.machine.config.ncpus if self.machine else 1
        out: dict[str, list[int]] = {}
        for (cpu, code), k in sorted(self.counts.items()):
            name = ISA.event_names.get(code, f"unknown_{code}")   # not in the table
            out.setdefault(name, [0] * n)[cpu] += k
        return out

    def counters(self) -> dict[str, int]:
        return {f"event_{name}": sum(v) for name, v in self.per_cpu().items()}

    def snapshot(self) -> dict:
        return {"args": {c: list(a) for c, a in self.args.items()},
                "counts": dict(self.counts)}

    def restore(self, snap: dict) -> None:
        self.args = {c: list(a) for c, a in snap["args"].items()}
        self.counts = dict(snap["counts"])
