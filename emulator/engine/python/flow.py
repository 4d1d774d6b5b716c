"""The control-flow signals of the Python engine: how an instruction handler (or the
translation it calls) leaves without retiring — :class:`Trap`, :class:`VmExit`,
:class:`MachineCheck`, :class:`MmioStop` — or retires with something the run loop must
look at — :class:`Resync`, :class:`WatchStop`. The run loop catches each and takes the
single delivery path of :mod:`.trap` (DESIGN.md principle 5: a trap is a value with one
exit path; no register is written back when one is raised)."""
from __future__ import annotations


class Trap(Exception):
    """A synchronous exception: ``cause`` code and ``bad`` (badvaddr value)."""

    def __init__(self, cause: int, bad: int = 0):
        self.cause = cause
        self.bad = bad


class VmExit(Exception):
    """A VM exit with its exit information (hinsn is filled in by the engine)."""

    def __init__(self, reason: int, bad: int = 0, gpa: int = 0, qual: int = 0,
                 insn: bool = True):
        self.reason = reason
        self.bad = bad
        self.gpa = gpa
        self.qual = qual
        self.insn = insn      # hinsn = the instruction word (False: 0)


class MachineCheck(Exception):
    """The machine stops: duplicate TLB match in the host, or a trap to vector 0."""

    def __init__(self, detail: str):
        self.detail = detail


class Resync(Exception):
    """Raised by a handler that retired after changing state the engine's hot loop
    keeps in locals (ring, V, mode, translation context, interrupt masks); ``npc`` is
    the next pc."""

    def __init__(self, npc: int):
        self.npc = npc


class WatchStop(Exception):
    """A load/store/cas that touched an armed watchpoint retired; ``hit`` is the
    WatchHit, ``npc`` the next pc."""

    def __init__(self, hit, npc: int):
        self.hit = hit
        self.npc = npc


class MmioStop(Exception):
    """An access to a Python device page: the engine stops with MMIO."""

    def __init__(self, paddr: int, is_write: bool, value: int, rd: int, va: int):
        self.paddr = paddr
        self.is_write = is_write
        self.value = value
        self.rd = rd
        self.va = va
