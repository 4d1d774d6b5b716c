"""Helpers shared by the debugger's command modules: counts, stop reports, locations
and value formatting."""
from __future__ import annotations

import os
import re

from ..engine import StopReason
from .expr import DebugError, Phys, parse_address
from .model import StopInfo


#: the largest count any command accepts (stepi, continue N, ...); commands whose work
#: per unit is large pass a smaller ``limit``
MAX_COUNT = 100_000_000


def count_arg(arg: str, default: int = 1, limit: int = MAX_COUNT) -> int:
    """A count argument: a positive decimal (or 0x/0b) number of at most ``limit``;
    anything else is a :class:`DebugError` naming the bound."""
    if not arg:
        return default
    text = arg.strip()
    shown = text if len(text) <= 40 else text[:40] + "..."
    if len(text) > 40 or (len(text) > 1 and text[0] == "0" and text[1].isdigit()):
        raise DebugError(f"expected a count, got {shown!r}")
    try:
        n = int(text, 0)
    except ValueError:
        raise DebugError(f"expected a count, got {shown!r}") from None
    if n < 1:
        raise DebugError("the count must be at least 1")
    if n > limit:
        raise DebugError(f"count {n} too large: at most {limit}")
    return n


def decimal_arg(digits: str, what: str) -> int:
    """A decimal number the command syntax already matched (``\\d+``: a line, a format
    count, a display number): at most 12 digits, else a :class:`DebugError` — Python
    refuses to convert over 4,300 digits, and no line or count is that large."""
    if len(digits) > 12:
        raise DebugError(f"{what} {digits[:20]}... is too large")
    return int(digits)


def signed32(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >> 31 else v


def fmt_value(dbg, v: int, fmt: str = "") -> str:
    phys = isinstance(v, Phys)
    v = int(v) & 0xFFFFFFFF
    if fmt == "x":
        return f"0x{v:x}"
    if fmt == "d":
        return str(signed32(v))
    if fmt == "u":
        return str(v)
    if fmt == "t":
        return f"0b{v:b}"
    if fmt == "o":
        return f"0{v:o}"
    if fmt == "c":
        return repr(chr(v & 0xFF))
    if fmt:
        raise DebugError(f"unknown format /{fmt} (x d u t o c)")
    s = f"0x{v:08x} ({signed32(v)})"
    if phys:
        return "phys:" + s
    sym = dbg.view.sym_suffix(v)
    return s + sym


# ---------------------------------------------------------------- stop reporting
def report(dbg, si: StopInfo | None, show: bool = True) -> None:
    if si is not None and si.text:
        dbg.write(si.text)
    if show:
        dbg.view.context()
        show_displays(dbg)
    dbg._remember_regs()
    dbg.maybe_checkpoint_at_stop()


def show_displays(dbg) -> None:
    for n, (expr, fmt) in sorted(getattr(dbg, "displays", {}).items()):
        try:
            val = fmt_value(dbg, dbg.view.eval(expr), fmt)
        except DebugError as e:
            val = f"<{e}>"
        dbg.write(f"{n}: {expr}{'/' + fmt if fmt else ''} = {val}")


def machine_stopped(stop) -> StopInfo | None:
    if stop is None:
        return None
    if stop.reason is StopReason.HALT:
        return StopInfo("halt", f"the machine halted with exit code {stop.exit_code}")
    if stop.reason is StopReason.MACHINE_CHECK:
        return StopInfo("machine_check", f"machine check: {stop.detail}")
    if stop.reason is StopReason.IDLE:
        return StopInfo("idle", "every CPU is waiting and no event is due: give the guest "
                                "console input with `input TEXT`")
    return None


def check_running(dbg) -> None:
    if dbg.halted():
        raise DebugError(f"the machine has halted (exit code {dbg._halt_code}); go back "
                         f"with reverse-stepi, reverse-continue or goto-step")


# ---------------------------------------------------------------- locations
def resolve_location(dbg, text: str) -> tuple[int, str]:
    """(address, description) of a breakpoint location."""
    text = text.strip()
    v = dbg.view
    if not text:
        raise DebugError("expected a location: symbol, address, *EXPR or file:line")
    m = re.match(r"^([^:*\s]+):(\d+)$", text)
    if m and not text.startswith("phys:"):
        path = v.find_file(m.group(1))
        if path is None:
            raise DebugError(f"no source file {m.group(1)!r} in the line table")
        line = decimal_arg(m.group(2), "line")
        for ln in range(line, line + 20):
            a = v.line_index.get((path, ln))
            if a is not None:
                return a, f"{os.path.basename(path)}:{ln}"
        raise DebugError(f"no code at {os.path.basename(path)}:{line} (or the 20 lines after)")
    if text.startswith("*"):
        text = text[1:]
    addr = parse_address(text, v.lookup, v.deref)
    if isinstance(addr, Phys):
        raise DebugError("breakpoints are on virtual pc values (no phys:)")
    return int(addr), v.describe(int(addr))


def cur_file(dbg) -> str | None:
    ln = dbg.view.line_of(dbg.cpu().pc)
    return ln[0] if ln else None
