"""The debugger's data: its console, its points (breakpoints, watchpoints,
catchpoints), the events it records and why a run stopped. Plain data, no behaviour
beyond formatting, so every command module can use it without importing the session."""
from __future__ import annotations

from dataclasses import dataclass, field

from ringvm.isa import ISA

from ..machine import Console

#: `catch NAME` shorthands for software events (ISA.md §9)
EVENT_ALIASES = {"ipc": ("IPC_SEND", "IPC_RECV"), "upcall": ("UPCALL",),
                 "message": ("MSG_SEND", "MSG_RECV"), "notify": ("NOTIFY",)}


class DebugConsole(Console):
    """The guest console while debugging: output goes to ``sink(bytes)`` (the debugger
    interleaves it with its own output), input is queued by ``--input`` or the
    ``input`` command; end of input only if asked (``eof=True``)."""

    def __init__(self, sink, input: bytes | None = None, eof: bool = False):
        super().__init__(input=input or b"", mode="scripted", capture=False)
        self._sink = sink
        self._eof_at_start = eof

    def start(self, engine) -> None:
        rest = self._script[self.fed:]
        if rest:
            engine.console_input(rest)
            self.fed += len(rest)
        if self._eof_at_start and not self.eof_sent:
            engine.console_eof()
            self.eof_sent = True

    def write(self, data: bytes) -> None:
        if data:
            self.last_byte = data[-1]
            self._sink(data)

    def flush(self) -> None:
        pass


# ------------------------------------------------------------------ points
@dataclass
class Breakpoint:
    num: int
    addr: int
    where: str
    temp: bool = False
    cond: str | None = None
    enabled: bool = True
    hits: int = 0
    kind: str = "breakpoint"


@dataclass
class Watch:
    num: int
    lo: int
    hi: int
    kind: str                     # "watch", "rwatch", "awatch"
    physical: bool
    where: str
    enabled: bool = True
    hits: int = 0
    old: bytes | None = None      # the value when the run started (for "old = ...")


@dataclass
class Catch:
    num: int
    kind: str                     # "trap", "syscall", "vmexit", "ring", "interrupt",
    arg: int | tuple | None       # "event" (arg: event codes), "hypercall"
    enabled: bool = True
    hits: int = 0
    label: str | None = None      # the system call's (hypercall's) name

    @property
    def where(self) -> str:
        if self.arg is None:
            return self.kind
        if self.kind == "trap":
            return f"trap {ISA.cause_names.get(self.arg, self.arg)}"
        if self.kind == "vmexit":
            return f"vmexit {ISA.exit_reason_names.get(self.arg, self.arg)}"
        if self.kind == "interrupt":
            return f"interrupt {ISA.line_names.get(self.arg, self.arg)}"
        if self.kind == "event":
            return "event " + " ".join(ISA.event_names.get(c, str(c)) for c in self.arg)
        if self.kind in ("syscall", "hypercall") and self.label:
            return f"{self.kind} {self.label} ({self.arg})"
        return f"{self.kind} {self.arg}"


@dataclass
class Event:
    """Something that happened at a step (trap, interrupt, VM exit, ring change)."""
    t: int
    cpu: int
    text: str


@dataclass
class StopInfo:
    """Why the last run stopped (shown above the context)."""
    kind: str
    text: str = ""
    cpu: int = 0
    point: object = None
    extra: list = field(default_factory=list)
