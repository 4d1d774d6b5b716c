"""``ringvm debug``: a gdb-like debugger for every ring, a thin command shell over the
Machine API (see :mod:`.session` for how it runs, catches and goes back in time).

Imports go down only (images, machine, engine); it never imports the grader, compare
or the CLI, and they never import it.
"""
from .expr import DebugError
from .model import DebugConsole
from .session import Debugger

__all__ = ["Debugger", "DebugError", "DebugConsole"]
