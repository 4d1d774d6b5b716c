"""Reading and changing the machine: ``print``, ``x``, ``set``, ``display``,
``undisplay``."""
from __future__ import annotations

import re

from ringvm.assembler.disasm import disassemble_word
from ringvm.isa import ISA

from .common import decimal_arg, fmt_value, show_displays
from .expr import DebugError, Phys, parse_address
from .view import CSR, REG_NAMES


def cmd_display(dbg, arg, fmt=""):
    if not hasattr(dbg, "displays"):
        dbg.displays = {}
    if not arg:
        show_displays(dbg)
        return
    dbg.view.eval(arg)                              # fails now if it can never work
    n = max(dbg.displays, default=0) + 1
    dbg.displays[n] = (arg, fmt)
    dbg.write(f"{n}: {arg}{'/' + fmt if fmt else ''} = "
              f"{fmt_value(dbg, dbg.view.eval(arg), fmt)}")


def cmd_undisplay(dbg, arg):
    d = getattr(dbg, "displays", {})
    if not arg:
        d.clear()
        return
    for p in arg.split():
        if not p.isdecimal() or decimal_arg(p, "display number") not in d:
            raise DebugError(f"no display number {p[:20]}")
        del d[int(p)]


def cmd_print(dbg, arg, fmt=""):
    if not arg:
        raise DebugError("print needs an expression")
    v = dbg.view.eval(arg)
    dbg._print_count = getattr(dbg, "_print_count", 0) + 1
    dbg.write(f"${dbg._print_count} = {fmt_value(dbg, v, fmt)}")


def cmd_x(dbg, arg, fmt=""):
    m = re.match(r"^(\d*)([xduotacsi]?)([bhw]?)([xduotacsi]?)$", fmt or "")
    if not m or (m.group(2) and m.group(4)):
        raise DebugError(f"bad format /{fmt}: /NFU with F in x d u o t a c s i, U in b h w")
    last = getattr(dbg, "_x_last", ("x", "w"))
    count = decimal_arg(m.group(1), "count") if m.group(1) else 1
    f = m.group(2) or m.group(4) or last[0]
    u = m.group(3) or (last[1] if f not in ("c", "s", "i") else "b")
    if f == "c":
        u = "b"
    if f in ("a", "i"):
        u = "w"
    dbg._x_last = (f, u)
    v = dbg.view
    if arg:
        addr = parse_address(arg, v.lookup, v.deref)
    elif getattr(dbg, "_x_next", None) is not None:
        addr = dbg._x_next                          # x again: the units that follow
    else:
        raise DebugError("x needs an address")
    phys = isinstance(addr, Phys)
    base = int(addr)

    def at(a):
        return Phys(a) if phys else a & 0xFFFFFFFF

    def label(a):
        return (f"phys:0x{a:08x}" if phys else f"0x{a:08x}{v.sym_suffix(a)}") + ":"
    if count > 4096:
        raise DebugError("at most 4096 units")
    if f == "s":
        for _ in range(count):
            data = bytearray()
            a = base
            while len(data) < 1024:
                b = v.read(at(a + len(data)), 1)
                if b == b"\0":
                    break
                data += b
            dbg.write(f"{label(base)} {bytes(data).decode('latin-1')!r}")
            base += len(data) + 1
        dbg._x_next = at(base)
        return
    if f == "i":
        for i in range(count):
            a = base + 4 * i
            w = int.from_bytes(v.read(at(a), 4), "little")
            dbg.write(f"{label(a)} {w:08x}  {disassemble_word(w, a, v.by_address, pseudo=True)}")
        dbg._x_next = at(base + 4 * count)
        return
    size = {"b": 1, "h": 2, "w": 4}[u]
    per_line = {1: 8, 2: 8, 4: 4}[size]
    data = v.read(at(base), size * count)
    dbg._x_next = at(base + size * count)
    for i in range(0, count, per_line):
        cells = []
        for j in range(i, min(count, i + per_line)):
            val = int.from_bytes(data[j * size:(j + 1) * size], "little")
            cells.append(_fmt_unit(dbg, val, f, size))
        dbg.write(f"{label(base + i * size)} " + " ".join(cells))


def _fmt_unit(dbg, val, f, size):
    bits = 8 * size
    if f == "x":
        return f"0x{val:0{2 * size}x}"
    if f == "d":
        return str(val - (1 << bits) if val >> (bits - 1) else val)
    if f == "u":
        return str(val)
    if f == "o":
        return f"0{val:o}"
    if f == "t":
        return f"{val:0{bits}b}"
    if f == "c":
        return repr(chr(val))
    if f == "a":
        return f"0x{val:08x}{dbg.view.sym_suffix(val)}"
    return hex(val)


def cmd_set(dbg, arg):
    if arg.startswith("var "):
        arg = arg[4:]
    m = re.match(r"^(.+?)\s*=\s*(.+)$", arg)
    if not m or m.group(1).endswith(("=", "!", "<", ">")):
        raise DebugError("set LHS = EXPR (LHS: $reg, $csr, *ADDR, {b|h|w}ADDR)")
    lhs, rhs = m.group(1).strip(), m.group(2)
    v = dbg.view
    val = v.eval(rhs) & 0xFFFFFFFF
    size = 4
    sm = re.match(r"^\{([bhw])\}\s*(.+)$", lhs)
    if sm:
        size = {"b": 1, "h": 2, "w": 4}[sm.group(1)]
        lhs = "*" + sm.group(2)
    if lhs.startswith("*"):
        addr = parse_address(lhs[1:], v.lookup, v.deref)
        v.write(addr, (val & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))
        dbg.edited()
        dbg.write(f"{'phys:' if isinstance(addr, Phys) else ''}0x{int(addr):08x} <- "
                  f"0x{val & ((1 << (8 * size)) - 1):0{2 * size}x}")
        return
    name = lhs[1:] if lhs.startswith("$") else lhs
    if not lhs.startswith("$") and name in dbg.m.symbols:
        raise DebugError(f"{name} is a symbol (an address): write memory with set *{name} = ...")
    st = dbg.cpu()
    if name == "pc":
        st.pc = val
    elif name in REG_NAMES or name in ("fp",) or re.match(r"^r\d+$", name):
        i = 8 if name == "fp" else (REG_NAMES.index(name) if name in REG_NAMES
                                    else int(name[1:]))
        if not 0 <= i < 32:
            raise DebugError(f"no register {lhs}")
        if i == 0:
            raise DebugError("zero is always 0")
        st.regs[i] = val
    elif name in CSR:
        c = ISA.csrs[name]
        if c.guest_alias:
            st.gcsr[c.alias_of] = val
        elif c.banked and st.v:
            st.gcsr[c.number] = val
        else:
            st.csr[c.number] = val
    else:
        raise DebugError(f"no register {lhs}")
    dbg.m.set_cpu(dbg.cur, st)
    dbg.edited()
    dbg.write(f"{lhs} = 0x{val:08x}")
