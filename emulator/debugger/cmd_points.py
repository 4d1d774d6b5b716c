"""Breakpoints, watchpoints and catchpoints: ``break``, ``tbreak``, ``watch``,
``rwatch``, ``awatch``, ``catch``, ``delete``, ``disable``, ``enable``, ``condition``."""
from __future__ import annotations

import re

from ringvm.isa import ISA

from .common import resolve_location
from .expr import DebugError, Phys, parse_address
from .model import EVENT_ALIASES, Breakpoint, Catch, Watch


def _split_cond(arg: str) -> tuple[str, str | None]:
    m = re.match(r"^(.*?)\s+if\s+(.+)$", arg)
    if m:
        return m.group(1), m.group(2)
    return arg, None


def _add_break(dbg, arg, temp):
    loc, cond = _split_cond(arg)
    if not loc.strip():
        loc = f"0x{dbg.cpu().pc:x}"
    addr, where = resolve_location(dbg, loc)
    if cond:
        try:
            dbg.view.eval(cond)
        except DebugError as e:
            if "no symbol" in str(e) or "bad expression" in str(e) or "unexpected" in str(e):
                raise
    b = Breakpoint(dbg.new_num(), addr, where, temp=temp, cond=cond)
    dbg.points[b.num] = b
    kind = "Temporary breakpoint" if temp else "Breakpoint"
    dbg.write(f"{kind} {b.num} at {where}" + (f" if {cond}" if cond else ""))


def cmd_break(dbg, arg):
    _add_break(dbg, arg, temp=False)


def cmd_tbreak(dbg, arg):
    _add_break(dbg, arg, temp=True)


def _watch(dbg, arg, kind):
    parts = arg.split()
    if not parts:
        raise DebugError(f"{kind} needs an address or symbol")
    length = 4
    if len(parts) > 1:
        try:
            length = int(parts[-1], 0)
            parts = parts[:-1]
        except ValueError:
            length = 4
    if not 1 <= length <= 4096:
        raise DebugError("watch length must be between 1 and 4096 bytes")
    expr = " ".join(parts)
    if expr.startswith("*"):
        expr = expr[1:]
    v = dbg.view
    addr = parse_address(expr, v.lookup, v.deref)
    physical = isinstance(addr, Phys)
    lo = int(addr)
    where = (f"phys:0x{lo:08x}" if physical else f"0x{lo:08x}{v.sym_suffix(lo)}") + \
        (f" [{length} bytes]" if length != 4 else "")
    w = Watch(dbg.new_num(), lo, lo + length, kind, physical, where)
    label = {"watch": "Watchpoint", "rwatch": "Read watchpoint",
             "awatch": "Access watchpoint"}[kind]
    dbg.points[w.num] = w
    dbg.write(f"{label} {w.num}: {where}")


def cmd_watch(dbg, arg):
    _watch(dbg, arg, "watch")


def cmd_rwatch(dbg, arg):
    _watch(dbg, arg, "rwatch")


def cmd_awatch(dbg, arg):
    _watch(dbg, arg, "awatch")


def _named(table: dict, text: str, what: str) -> int:
    t = text.strip().upper()
    for name, val in table.items():
        if name == t or val == t:
            return name if isinstance(name, int) else val
    try:
        return int(text, 0)
    except ValueError:
        raise DebugError(f"unknown {what} {text!r} (one of: "
                         f"{', '.join(str(x) for x in table.values())})") from None


def _hypercall(text: str) -> int:
    """The number of hypercall ``text``: a name of the hypercall table
    (guests/xen/hypercalls.toml; HYPERVISOR_ and do_ prefixes allowed) or a number."""
    from ..images.hypercalls import hypercall_number, table
    n = hypercall_number(text)
    if n is not None:
        return n
    try:
        return int(text, 0)
    except ValueError:
        try:
            names = ", ".join(table().calls)
        except Exception:                       # no table: say so, never a traceback
            names = "none known"
        raise DebugError(f"unknown hypercall {text!r} (one of: {names})") from None


def cmd_catch(dbg, arg):
    parts = arg.split()
    kinds = ("trap", "syscall", "vmexit", "ring", "interrupt", "event", "hypercall") + \
        tuple(EVENT_ALIASES)
    if not parts:
        raise DebugError(f"catch {'|'.join(kinds)} [ARG]")
    kind, rest = parts[0], " ".join(parts[1:])
    if kind not in kinds:
        raise DebugError(f"cannot catch {kind!r}: {', '.join(kinds)}")
    val = None
    if kind == "hypercall":
        if rest:                                # a name of guests/xen/hypercalls.toml
            val = _hypercall(rest)
    elif kind in EVENT_ALIASES:
        if rest:
            raise DebugError(f"catch {kind} takes no argument")
        kind, val = "event", tuple(ISA.events[n].value for n in EVENT_ALIASES[kind])
    elif kind == "event":
        if rest:
            val = tuple(_named(ISA.event_names, r, "event") for r in rest.split())
    elif rest:
        if kind == "trap":
            val = _named(ISA.cause_names, rest, "trap cause")
        elif kind == "vmexit":
            val = _named(ISA.exit_reason_names, rest, "exit reason")
        elif kind == "interrupt":
            val = _named(ISA.line_names, rest, "interrupt line")
        elif kind == "syscall":
            names = {v: k for k, v in dbg.syscall_names().items()}
            val = names[rest] if rest in names else dbg.view.eval(rest) & 0xFFFFFFFF
        else:
            raise DebugError("catch ring takes no argument")
    c = Catch(dbg.new_num(), kind, val)
    if kind == "syscall" and val is not None:
        c.label = dbg.syscall_names().get(val)
    if kind == "hypercall" and val is not None:
        from ..images.hypercalls import hypercall_name
        c.label = hypercall_name(val)
    dbg.points[c.num] = c
    dbg.write(f"Catchpoint {c.num} ({c.where})")


def _nums(dbg, arg) -> list[int]:
    if not arg:
        return sorted(dbg.points)
    out = []
    for p in arg.replace(",", " ").split():
        try:
            n = int(p)
        except ValueError:
            raise DebugError(f"expected point numbers, got {p!r}") from None
        if n not in dbg.points:
            raise DebugError(f"no breakpoint, watchpoint or catchpoint number {n}")
        out.append(n)
    return out


def cmd_delete(dbg, arg):
    for n in _nums(dbg, arg):
        del dbg.points[n]


def cmd_disable(dbg, arg):
    for n in _nums(dbg, arg):
        dbg.points[n].enabled = False


def cmd_enable(dbg, arg):
    for n in _nums(dbg, arg):
        dbg.points[n].enabled = True


def cmd_condition(dbg, arg):
    parts = arg.split(None, 1)
    if not parts:
        raise DebugError("condition N [EXPR]")
    n = _nums(dbg, parts[0])[0]
    b = dbg.points[n]
    if not isinstance(b, Breakpoint):
        raise DebugError(f"point {n} is not a breakpoint")
    b.cond = parts[1] if len(parts) > 1 else None
    dbg.write(f"Breakpoint {n} " + (f"now stops only if {b.cond}" if b.cond
                                    else "is now unconditional"))
