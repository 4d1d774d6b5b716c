"""The Machine: RAM, an engine, the Python devices and the host console run as one
computer (:mod:`.machine`), with what it needs around it — the ELF loader
(:mod:`.loader`), the console's host side (:mod:`.console`), checkpoints
(:mod:`.checkpoint`), statistics (:mod:`.stats`) and the event trace (:mod:`.trace`).

Imports go down only: ``engine`` and ``devices`` below, never ``images`` or the clients
(debugger, grader, compare, cli) above.
"""
from ..engine import MachineConfig
from .console import Console, QuitRequested, unescape_input
from .loader import Module
from .machine import DEFAULT_RAM, MAX_CPUS, AccessError, Machine, RunResult
from .units import MAX_RAM, parse_count, parse_size

__all__ = ["Machine", "MachineConfig", "RunResult", "AccessError", "parse_size",
           "parse_count", "Module", "Console", "QuitRequested", "unescape_input",
           "DEFAULT_RAM", "MAX_CPUS", "MAX_RAM"]
