"""The Python reference engine (see :mod:`.loop` for its layout and the readings of the
specification it pins). Slow (a few MIPS) but written to be read next to ISA.md."""
from .loop import PythonEngine

__all__ = ["PythonEngine"]
