"""The commands of ``ringvm debug`` (names as in gdb where gdb has one).

Each command is a function ``cmd_x(dbg, arg)``; :func:`commands` maps names and
aliases to them, :func:`dispatch` runs one line. ``help`` prints :data:`HELP`.
"""
from __future__ import annotations

import os
import re

from ringvm.assembler.disasm import disassemble_word
from ringvm.isa import ISA

from .debug_expr import DebugError, Phys, parse_address
from .debug_view import CAUSE_NAMES, CSR, LINE_NAMES, REASON_NAMES, REG_NAMES, SECTIONS, _field
from .debugger import Breakpoint, Catch, StopInfo, Watch
from .engine import StopReason

HELP = [
    ("Running", [
        ("stepi|si [N]", "execute N instructions of the current CPU (traps and interrupts "
                         "taken count as one)"),
        ("nexti|ni [N]", "like stepi, but step over calls (jal/jalr ra) and syscall/hcall"),
        ("step|s [N]", "run to the next source line (into calls and trap handlers; "
                       "stops where the ring, guest mode or ASID changes)"),
        ("next|n [N]", "like step, but over calls and syscalls"),
        ("finish", "run until the current function returns (frame convention, ISA.md §1)"),
        ("until|u [LOC]", "next, but never back into a loop; with LOC: run to LOC or return"),
        ("advance LOC", "run to LOC (or until the current function returns)"),
        ("continue|c [N]", "run until a breakpoint, watchpoint or catchpoint (Ctrl-C "
                           "stops; N: at most N machine steps)"),
        ("reverse-stepi|rsi [N]", "go back N instructions of the current CPU"),
        ("reverse-step|rs [N]", "go back to the start of the previous source line"),
        ("reverse-next|rn [N]", "the same, over calls, traps and interrupts"),
        ("reverse-continue|rc", "go back to the previous breakpoint or watchpoint hit"),
        ("goto-step N", "travel to machine step N (forward or back)"),
        ("input TEXT|--eof", "queue console input for the guest (\\n escapes), or end it"),
    ]),
    ("Breakpoints", [
        ("break|b LOC [if EXPR]", "LOC: symbol, address, *EXPR or file:line"),
        ("tbreak LOC [if EXPR]", "a breakpoint deleted at its first hit"),
        ("watch|rwatch|awatch ADDR [LEN]", "stop on write / read / any access; "
                                           "ADDR virtual, or phys:ADDR physical"),
        ("catch trap [CAUSE]", "stop when an exception is taken (SYSCALL, TLB_MISS_LOAD, 11...)"),
        ("catch syscall [N]", "stop at a syscall trap (a7 = N)"),
        ("catch vmexit [REASON]", "stop at a VM exit (HYPERCALL, TLB, GPA_FAULT...)"),
        ("catch ring", "stop at any change of ring or guest mode"),
        ("catch interrupt [LINE]", "stop when an interrupt is taken (TIMER, DISK...)"),
        ("delete|d [N...]", "delete points (all without N)"),
        ("disable|enable [N...]", "disable or enable points"),
        ("condition N [EXPR]", "set or clear a breakpoint's condition"),
    ]),
    ("Inspecting", [
        ("info registers|r [all]", "registers and CSRs (all: host and guest copies)"),
        ("info tlb [all]", "TLB entries decoded; * marks entries usable in this context"),
        ("info traps", "trap, interrupt and VM-exit counts and the last events seen"),
        ("info breakpoints|b", "breakpoints, watchpoints, catchpoints"),
        ("info symbols [REGEX]", "symbols by address"),
        ("info devices", "device state (timers, console, disk, ipi)"),
        ("info vm", "ring -1 state: hstatus, hvmid, second stage, exit information"),
        ("info cpus", "every CPU"),
        ("info line | frame | checkpoints", "source line; frame; reverse-execution checkpoints"),
        ("x/NFU [ADDR]", "examine memory: F in x d u o t c a s i, U in b h w; phys: "
                         "prefix; no ADDR: what follows the last x"),
        ("print|p[/F] EXPR", "registers ($a0 $pc $status), symbols, arithmetic, *deref"),
        ("display[/F] EXPR | undisplay [N]", "show EXPR at every stop / stop showing it"),
        ("set LHS = EXPR", "LHS: $reg, $csr, *ADDR, {b|h|w}ADDR (phys: allowed)"),
        ("disassemble [LOC [N]]", "the current function, or N instructions at LOC"),
        ("list [LOC]", "source lines around LOC (or the pc; again: the next ones)"),
        ("backtrace|bt [N]", "call frames (ra at fp-4, caller fp at fp-8)"),
        ("frame|f [N] | up [N] | down [N]", "show a call frame and its source line"),
        ("cpu [N]", "select the CPU that stepping and inspection use"),
        ("stats", "machine counters"),
        ("context [on|off SECTION...]", "show the context; sections: " + " ".join(SECTIONS)),
        ("help [COMMAND]", "this list"),
        ("quit|q", "leave the debugger"),
    ]),
]


# ---------------------------------------------------------------- dispatch
def dispatch(dbg, line: str) -> bool:
    line = line.strip()
    if not line or line.startswith("#"):
        return True
    m = re.match(r"^([A-Za-z][\w-]*)(/\w*)?\s*(.*)$", line)
    if not m:
        raise DebugError(f"not a command: {line!r} (try `help`)")
    name, fmt, arg = m.group(1), m.group(2), m.group(3).strip()
    table = commands()
    fn = table.get(name)
    if fn is None:
        cands = [c for c in table if c.startswith(name)]
        if len(cands) == 1 or (cands and len({table[c] for c in cands}) == 1):
            fn = table[cands[0]]
        elif cands:
            raise DebugError(f"ambiguous command {name!r}: {', '.join(sorted(cands)[:8])}")
        else:
            raise DebugError(f"unknown command {name!r} (try `help`)")
    if fn is cmd_quit:
        return False
    if fmt is not None:
        if fn not in (cmd_x, cmd_print, cmd_display):  # noqa: F821 - defined below
            raise DebugError(f"{name} takes no /FORMAT")
        fn(dbg, arg, fmt[1:])
    else:
        fn(dbg, arg)
    return True


def _count(arg: str, default: int = 1) -> int:
    if not arg:
        return default
    try:
        n = int(arg, 0)
    except ValueError:
        raise DebugError(f"expected a count, got {arg!r}") from None
    if n < 1:
        raise DebugError("the count must be at least 1")
    return n


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
        if not p.isdigit() or int(p) not in d:
            raise DebugError(f"no display number {p}")
        del d[int(p)]


def _machine_stopped(stop) -> StopInfo | None:
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


def _check_running(dbg) -> None:
    if dbg.halted():
        raise DebugError(f"the machine has halted (exit code {dbg._halt_code}); go back "
                         f"with reverse-stepi, reverse-continue or goto-step")


# ---------------------------------------------------------------- locations and points
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
        line = int(m.group(2))
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


def _cur_file(dbg) -> str | None:
    ln = dbg.view.line_of(dbg.cpu().pc)
    return ln[0] if ln else None


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


def cmd_catch(dbg, arg):
    parts = arg.split()
    if not parts:
        raise DebugError("catch trap|syscall|vmexit|ring|interrupt [ARG]")
    kind, rest = parts[0], " ".join(parts[1:])
    if kind not in ("trap", "syscall", "vmexit", "ring", "interrupt"):
        raise DebugError(f"cannot catch {kind!r}: trap, syscall, vmexit, ring or interrupt")
    val = None
    if rest:
        if kind == "trap":
            val = _named(CAUSE_NAMES, rest, "trap cause")
        elif kind == "vmexit":
            val = _named(REASON_NAMES, rest, "exit reason")
        elif kind == "interrupt":
            val = _named(LINE_NAMES, rest, "interrupt line")
        elif kind == "syscall":
            val = dbg.view.eval(rest) & 0xFFFFFFFF
        else:
            raise DebugError("catch ring takes no argument")
    c = Catch(dbg.new_num(), kind, val)
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


# ---------------------------------------------------------------- inspection
def _signed(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >> 31 else v


def fmt_value(dbg, v: int, fmt: str = "") -> str:
    phys = isinstance(v, Phys)
    v = int(v) & 0xFFFFFFFF
    if fmt == "x":
        return f"0x{v:x}"
    if fmt == "d":
        return str(_signed(v))
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
    s = f"0x{v:08x} ({_signed(v)})"
    if phys:
        return "phys:" + s
    sym = dbg.view.sym_suffix(v)
    return s + sym


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
    count = int(m.group(1)) if m.group(1) else 1
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
            dbg.write(f"{label(a)} {w:08x}  {disassemble_word(w, a, v.by_address)}")
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


def backtrace_frames(dbg, limit: int = 32) -> list[tuple[int, int]]:
    """[(pc, fp)] from the innermost frame: frame 0 from the prologue executed so far
    (``sw ra, N(sp)``, ``addi fp, sp, N``), then the fp chain (ra at fp-4, caller fp
    at fp-8)."""
    v = dbg.view
    st = dbg.cpu()
    pc, sp, fp, ra = st.pc, st.regs[2], st.regs[8], st.regs[1]
    frames = [(pc, fp)]
    sym = v.sym(pc)
    ra_slot, fp_set = None, False
    if sym is not None:
        start = pc - sym[1]
        for a in range(start, pc, 4):
            w, _ = v.fetch_word(a)
            d = ISA.decode(w) if w is not None else None
            if d is None:
                continue
            ins, f = d
            if ins.mnemonic == "sw" and f.get("rs2") == 1 and f.get("rs1") == 2:
                ra_slot = f["imm"]
            elif ins.mnemonic == "addi" and f.get("rd") == 8 and f.get("rs1") == 2:
                fp_set = True
    try:
        if fp_set:
            ret, cfp = v.word(fp - 4), v.word(fp - 8)
        elif ra_slot is not None:
            ret, cfp = v.word(sp + ra_slot), fp
        else:
            ret, cfp = ra, fp
            if sym is not None and not _calls(v, ret, pc - sym[1]):
                return frames          # ra is stale: it does not return from a call here
    except DebugError:
        return frames
    seen = set()
    while len(frames) < limit and ret and v.sym(ret) is not None and ret not in seen:
        seen.add(ret)
        frames.append((ret, cfp))
        if not cfp or cfp & 3 or cfp <= sp:
            break
        try:
            ret, nfp = v.word(cfp - 4), v.word(cfp - 8)
        except DebugError:
            break
        if nfp and nfp <= cfp:
            frames.append((ret, nfp)) if v.sym(ret) is not None and ret not in seen else None
            break
        cfp = nfp
    return frames


def _handler_entry(dbg) -> str | None:
    """If the current function is the trap or exit vector: where it was entered from."""
    st = dbg.cpu()
    s = dbg.view.sym(st.pc)
    if s is None:
        return None
    start = st.pc - s[1]
    c = dbg.view.csr_values(st)
    if st.ring == -1 and start == c["hvec"]:
        how = "VM exit" if _field(st.csr.get(CSR["hstatus"], 0), "PV") else "trap"
        return f"ring -1 entered from 0x{c['hepc']:08x} ({how})"
    if st.ring == 0 and start == c["tvec"]:
        return f"trap handler entered from epc 0x{c['epc']:08x}"
    return None


def _calls(v, ret: int, func: int) -> bool:
    """Whether the instruction before ``ret`` is a call that may have entered ``func``
    (a ``jal`` to it, or any ``jalr ra``)."""
    w, _ = v.fetch_word(ret - 4)
    d = ISA.decode(w) if w is not None else None
    if d is None:
        return False
    ins, f = d
    if ins.mnemonic == "jal":
        return ((ret - 4 + 4 * f["imm"]) & 0xFFFFFFFF) == func
    return ins.mnemonic == "jalr" and f.get("rd") == 1


def cmd_backtrace(dbg, arg):
    n = _count(arg, 32)
    entry = _handler_entry(dbg)
    frames = backtrace_frames(dbg, 1 if entry else n)
    for i, (pc, fp) in enumerate(frames):
        dbg.write(f"#{i}  {dbg.view.describe(pc)}")
    if entry:
        dbg.write(f"    ({entry})")


def cmd_frame(dbg, arg):
    """Select and show call frame N (0 = innermost)."""
    n = getattr(dbg, "_frame", (0, -1))
    n = n[0] if n[1] == dbg.now else 0
    if arg:
        try:
            n = int(arg, 0)
        except ValueError:
            raise DebugError("frame N") from None
    _show_frame(dbg, n)


def _show_frame(dbg, n: int) -> None:
    frames = backtrace_frames(dbg, max(n + 1, 1))
    if not 0 <= n < len(frames):
        raise DebugError(f"no frame {n} (the backtrace has {len(frames)})")
    dbg._frame = (n, dbg.now)
    pc = frames[n][0]
    dbg.write(f"#{n}  {dbg.view.describe(pc)}")
    for line in dbg.view.source_block(pc, 1, 1)[1:]:
        dbg.view.emit(line)


def cmd_up(dbg, arg):
    cur = getattr(dbg, "_frame", (0, -1))
    cur = cur[0] if cur[1] == dbg.now else 0
    _show_frame(dbg, cur + _count(arg))


def cmd_down(dbg, arg):
    cur = getattr(dbg, "_frame", (0, -1))
    cur = cur[0] if cur[1] == dbg.now else 0
    if cur - _count(arg) < 0:
        raise DebugError("already at the innermost frame")
    _show_frame(dbg, cur - _count(arg))


def cmd_disassemble(dbg, arg):
    v = dbg.view
    pc = dbg.cpu().pc
    parts = arg.split()
    if parts:
        count = 16
        if len(parts) > 1:
            count = _count(parts[-1])
            parts = parts[:-1]
        start, _ = resolve_location(dbg, " ".join(parts))
    else:
        s = v.sym(pc)
        if s is None:
            start, count = pc - 16, 12
        else:
            start = pc - s[1]
            alias = v.image_alias(pc)
            delta = (alias - pc) if alias is not None else 0
            fstart = start + delta
            seg_end = min((hi for lo, hi in v.ranges if lo <= fstart < hi), default=fstart + 64)
            nxt = min([a for a, n in v.by_address if a > fstart] + [seg_end])
            count = max(1, min(128, (nxt - fstart) // 4))
    for line in v.code_lines(start, 0, count - 1, pc):
        v.emit(line)


def cmd_list(dbg, arg):
    v = dbg.view
    if arg:
        m = re.match(r"^(?:(.+):)?(\d+)$", arg.strip())
        if m:
            path = v.find_file(m.group(1)) if m.group(1) else \
                (dbg._list_pos[0] if getattr(dbg, "_list_pos", None) else _cur_file(dbg))
            if path is None:
                raise DebugError(f"no source file {m.group(1) or '(current)'!r}")
            center = int(m.group(2))
        else:
            addr, _ = resolve_location(dbg, arg)
            ln = v.line_of(addr)
            if ln is None:
                raise DebugError(f"no line information for {arg}")
            path, center = ln
        first = max(1, center - 5)
    elif getattr(dbg, "_list_pos", None) and dbg._list_pos[2] == dbg.now:
        path, first = dbg._list_pos[0], dbg._list_pos[1]
    else:
        ln = v.line_of(dbg.cpu().pc)
        if ln is None:
            raise DebugError("no line information for the pc")
        path, first = ln[0], max(1, ln[1] - 5)
    text = v.source_lines(path)
    if text is None:
        raise DebugError(f"cannot read {path}")
    cur = v.line_of(dbg.cpu().pc)
    if first > len(text):
        raise DebugError(f"line {first} is past the end of {os.path.basename(path)} "
                         f"({len(text)} lines)")
    for n in range(first, min(len(text), first + 9) + 1):
        mark = "→" if cur == (path, n) else " "
        dbg.write(f"{mark}{n:5}  {text[n - 1]}")
    dbg._list_pos = (path, first + 10, dbg.now)


def cmd_cpu(dbg, arg):
    if not arg:
        dbg.write(f"current cpu: {dbg.cur} (of {dbg.m.config.ncpus})")
        return
    try:
        n = int(arg, 0)
    except ValueError:
        raise DebugError("cpu N") from None
    if not 0 <= n < dbg.m.config.ncpus:
        raise DebugError(f"no cpu {n} (the machine has {dbg.m.config.ncpus})")
    dbg.cur = n
    dbg.view.context()


def cmd_stats(dbg, arg):
    m = dbg.m
    dbg.write(f"engine {m.engine_kind}, {m.config.ncpus} CPUs, step {dbg.now}")
    for i, c in enumerate(dbg.counters()):
        dbg.write(f"cpu{i}: cycles {c['cycles']} retired {c['retired']} idle {c['idle']} "
                  f"tlb hits {c['tlb_hits']} misses {c['tlb_misses']} writes "
                  f"{c['tlb_writes']} flushes {c['tlb_flushes']}; traps "
                  f"{sum(c['traps_by_cause'])} interrupts {sum(c['interrupts_by_line'])} "
                  f"VM exits {sum(c['vmexits_by_reason'])}")
        rings = ", ".join(f"{r}: {n}" for r, n in zip((-1, 0, 1, 2, 3), c["retired_by_ring"])
                          if n)
        dbg.write(f"      retired by ring: {rings or 'none'}")
    cnt = m.counters()["devices"]
    dbg.write("devices: " + ", ".join(f"{k} {v}" for k, v in cnt.items()))


def cmd_context(dbg, arg):
    parts = arg.split()
    if not parts or parts[0] == "show":
        dbg.view.context()
        return
    if parts[0] not in ("on", "off"):
        raise DebugError(f"context [on|off SECTION...]: sections {' '.join(SECTIONS)}")
    names = parts[1:] or list(SECTIONS)
    for n in names:
        if n not in SECTIONS:
            raise DebugError(f"no context section {n!r} ({' '.join(SECTIONS)})")
        dbg.view.sections[n] = parts[0] == "on"
    dbg.write("context: " + " ".join(f"{n}={'on' if s else 'off'}"
                                     for n, s in dbg.view.sections.items()))


def cmd_help(dbg, arg):
    for title, rows in HELP:
        if arg:
            rows = [r for r in rows if re.search(rf"(^|[|\s]){re.escape(arg)}([|\s/]|$)", r[0])]
            if not rows:
                continue
        else:
            dbg.write(title + ":")
        for syn, text in rows:
            dbg.write(f"  {syn:<32} {text}")
    if arg and not any(re.search(rf"(^|[|\s]){re.escape(arg)}([|\s/]|$)", r[0])
                       for _, rows in HELP for r in rows):
        raise DebugError(f"no help for {arg!r}")


def cmd_quit(dbg, arg):
    return False


def cmd_echo(dbg, arg):
    dbg.write(arg)


_COMMANDS: dict | None = None


def commands() -> dict:
    """Command name (and alias) -> function ``f(dbg, arg[, fmt])``."""
    global _COMMANDS
    if _COMMANDS is None:
        from .debug_info import cmd_info
        from .debug_run import (cmd_advance, cmd_continue, cmd_finish, cmd_goto_step,
                                cmd_input, cmd_next, cmd_nexti, cmd_reverse_continue,
                                cmd_reverse_next, cmd_reverse_step, cmd_reverse_stepi,
                                cmd_step, cmd_stepi, cmd_until)
        table = {
            "stepi": cmd_stepi, "si": cmd_stepi, "nexti": cmd_nexti, "ni": cmd_nexti,
            "step": cmd_step, "s": cmd_step, "next": cmd_next, "n": cmd_next,
            "continue": cmd_continue, "c": cmd_continue, "finish": cmd_finish,
            "until": cmd_until, "u": cmd_until, "advance": cmd_advance,
            "reverse-stepi": cmd_reverse_stepi, "rsi": cmd_reverse_stepi,
            "reverse-step": cmd_reverse_step, "rs": cmd_reverse_step,
            "reverse-next": cmd_reverse_next, "rn": cmd_reverse_next,
            "reverse-continue": cmd_reverse_continue, "rc": cmd_reverse_continue,
            "goto-step": cmd_goto_step, "input": cmd_input,
            "break": cmd_break, "b": cmd_break, "tbreak": cmd_tbreak, "watch": cmd_watch,
            "rwatch": cmd_rwatch, "awatch": cmd_awatch, "catch": cmd_catch,
            "delete": cmd_delete, "d": cmd_delete, "disable": cmd_disable, "enable": cmd_enable,
            "condition": cmd_condition, "info": cmd_info, "i": cmd_info, "x": cmd_x,
            "print": cmd_print, "p": cmd_print, "set": cmd_set, "disassemble": cmd_disassemble,
            "list": cmd_list, "l": cmd_list, "backtrace": cmd_backtrace, "bt": cmd_backtrace,
            "where": cmd_backtrace, "cpu": cmd_cpu, "stats": cmd_stats, "context": cmd_context,
            "help": cmd_help, "h": cmd_help, "quit": cmd_quit, "q": cmd_quit, "exit": cmd_quit,
            "echo": cmd_echo, "display": cmd_display, "undisplay": cmd_undisplay,
            "frame": cmd_frame, "f": cmd_frame, "up": cmd_up, "down": cmd_down,
        }
        _COMMANDS = table
    return _COMMANDS


__all__ = ["dispatch", "commands", "HELP", "backtrace_frames", "resolve_location"]
