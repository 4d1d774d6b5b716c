"""Views of a kernel structure's own objects for ``ringvm debug``: ``info NAME``.

One module per kernel structure lives in this package; each defines ``INFO``, a dict
``name -> (function(dbg, arg), one-line help)``. They are found at first use (no list to
edit when a structure adds its views). A view reads the guest only through the Machine
API — memory, registers, symbols — by the names the kernel exports: its labels, and the
layout constants it makes ``.global`` for debuggers (the kernel's debug interface).
"""
from __future__ import annotations

import importlib
import pkgutil

from ..expr import DebugError

_INFO: dict | None = None


def infos() -> dict:
    """``name -> (function, help)`` of every structure's ``info`` views."""
    global _INFO
    if _INFO is None:
        _INFO = {}
        for mod in pkgutil.iter_modules(__path__):
            m = importlib.import_module(f"{__name__}.{mod.name}")
            for name, entry in getattr(m, "INFO", {}).items():
                if name in _INFO:
                    raise RuntimeError(f"two debugger views called info {name}")
                _INFO[name] = entry
    return _INFO


def current_program(dbg) -> tuple[str, int] | None:
    """``(program name, ASID)`` of the current process, from the first structure's
    ``current_program(dbg)`` that knows (a module may define one); None otherwise.
    Raises :class:`DebugError` only for an unreadable guest."""
    import importlib as _il
    for mod in pkgutil.iter_modules(__path__):
        fn = getattr(_il.import_module(f"{__name__}.{mod.name}"), "current_program", None)
        if fn is None:
            continue
        try:
            got = fn(dbg)
        except DebugError:
            continue
        if got is not None:
            return got
    return None


def cpu_note(dbg, cpu: int) -> str | None:
    """What the guest kernel says CPU ``cpu`` is doing (for ``info cpus``), from the
    first structure's ``cpu_note(dbg, cpu)`` that knows; None otherwise."""
    for mod in pkgutil.iter_modules(__path__):
        fn = getattr(importlib.import_module(f"{__name__}.{mod.name}"), "cpu_note", None)
        if fn is None:
            continue
        try:
            got = fn(dbg, cpu)
        except DebugError:
            continue
        if got is not None:
            return got
    return None


def need(dbg, *names: str) -> list[int]:
    """The values of the guest symbols ``names``; :class:`DebugError` naming the first
    missing one (the view does not apply to this guest, or it does not export it)."""
    syms = dbg.m.symbols
    for n in names:
        if n not in syms:
            raise DebugError(f"this guest does not export {n!r} (a view for another "
                             f"kernel structure?)")
    return [syms[n] for n in names]


def word(dbg, addr: int) -> int:
    """The 32-bit word at kernel (kseg) address ``addr``."""
    return int.from_bytes(dbg.m.read_physical(addr & 0x7FFFFFFF, 4), "little")


def cstr(dbg, addr: int, limit: int = 64) -> str:
    """The NUL-terminated string at kernel address ``addr`` (at most ``limit`` bytes)."""
    raw = dbg.m.read_physical(addr & 0x7FFFFFFF, limit)
    return raw.split(b"\0", 1)[0].decode("latin-1")
