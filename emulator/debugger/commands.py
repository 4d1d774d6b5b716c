"""The commands of ``ringvm debug`` (names as in gdb where gdb has one).

Each command is a function ``cmd_x(dbg, arg)``; :func:`commands` maps names and
aliases to them, :func:`dispatch` runs one line. ``help`` prints :data:`HELP`.
"""
from __future__ import annotations

import re

# the command modules by their own names (not `from . import`, which goes through this
# package's __init__, which imports the session, which imports this module)
import ringvm.emulator.debugger.cmd_data as cmd_data
import ringvm.emulator.debugger.cmd_info as cmd_info
import ringvm.emulator.debugger.cmd_points as cmd_points
import ringvm.emulator.debugger.cmd_run as cmd_run
import ringvm.emulator.debugger.cmd_stack as cmd_stack
from .expr import DebugError
from .usersyms import cmd_add_symbol_file
from .view import SECTIONS
from .views import infos

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
        ("reverse-continue|rc", "go back to the previous breakpoint, watchpoint or "
                                "catchpoint hit"),
        ("goto-step N", "travel to machine step N (forward or back)"),
        ("input TEXT|--eof", "queue console input for the guest (\\n escapes), or end it"),
    ]),
    ("Breakpoints", [
        ("break|b LOC [if EXPR]", "LOC: symbol, address, *EXPR or file:line"),
        ("tbreak LOC [if EXPR]", "a breakpoint deleted at its first hit"),
        ("watch|rwatch|awatch ADDR [LEN]", "stop on write / read / any access; "
                                           "ADDR virtual, or phys:ADDR physical"),
        ("catch trap [CAUSE]", "stop when an exception is taken (SYSCALL, TLB_MISS_LOAD, 11...)"),
        ("catch syscall [N|NAME]", "stop at a syscall trap (a7 = N, or the ABI's name: "
                                   "write, fork...)"),
        ("catch vmexit [REASON]", "stop at a VM exit (HYPERCALL, TLB, GPA_FAULT...)"),
        ("catch ring", "stop at any change of ring or guest mode"),
        ("catch interrupt [LINE]", "stop when an interrupt is taken (TIMER, DISK...)"),
        ("catch event [NAME...]", "stop when the guest reports a software event "
                                  "(IPC_SEND, UPCALL...; ISA.md §9)"),
        ("catch ipc|upcall|message|notify", "shorthands for the events of each kind"),
        ("catch hypercall [NAME]", "stop at a hypercall (VM exit HYPERCALL or the event); "
                                   "NAME: only that one (guests/xen/hypercalls.toml)"),
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
        ("print|p[/F] EXPR", "registers ($a0 $pc $status), symbols, &sym, arithmetic, "
                             "*deref"),
        ("display[/F] EXPR | undisplay [N]", "show EXPR at every stop / stop showing it"),
        ("set LHS = EXPR", "LHS: $reg, $csr, *ADDR, {b|h|w}ADDR (phys: allowed)"),
        ("disassemble [LOC [N]]", "the current function, or N instructions at LOC (with "
                                  "pseudo-instructions: nop, mv, li, ret...)"),
        ("add-symbol-file FILE [ASID]", "name user addresses with a program's symbols: an "
                                        "ELF, a .s program or a program of the guest's disk "
                                        "(the current process's is loaded by itself)"),
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
            from ringvm.errors import did_you_mean
            close = did_you_mean(name, [c for c in table if len(c) > 2])
            hint = f"did you mean `{close[0]}`? " if close else ""
            raise DebugError(f"unknown command {name!r} ({hint}try `help`)")
    if fn is cmd_quit:
        return False
    if fmt is not None:
        if fn not in _FORMATTED:
            raise DebugError(f"{name} takes no /FORMAT")
        fn(dbg, arg, fmt[1:])
    else:
        fn(dbg, arg)
    return True


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
    sections = HELP + [("Kernel views (emulator/debugger/views)",
                        [(f"info {n}", h) for n, (_fn, h) in sorted(infos().items())])]
    for title, rows in sections:
        if arg:
            rows = [r for r in rows if re.search(rf"(^|[|\s]){re.escape(arg)}([|\s/]|$)", r[0])]
            if not rows:
                continue
        else:
            dbg.write(title + ":")
        for syn, text in rows:
            dbg.write(f"  {syn:<32} {text}")
    if arg and not any(re.search(rf"(^|[|\s]){re.escape(arg)}([|\s/]|$)", r[0])
                       for _, rows in sections for r in rows):
        raise DebugError(f"no help for {arg!r}")


def cmd_quit(dbg, arg):
    return False


def cmd_echo(dbg, arg):
    dbg.write(arg)


def _table() -> dict:
    r, pt, d, st, info = cmd_run, cmd_points, cmd_data, cmd_stack, cmd_info
    return {
        "stepi": r.cmd_stepi, "si": r.cmd_stepi, "nexti": r.cmd_nexti, "ni": r.cmd_nexti,
        "step": r.cmd_step, "s": r.cmd_step, "next": r.cmd_next, "n": r.cmd_next,
        "continue": r.cmd_continue, "c": r.cmd_continue, "finish": r.cmd_finish,
        "until": r.cmd_until, "u": r.cmd_until, "advance": r.cmd_advance,
        "reverse-stepi": r.cmd_reverse_stepi, "rsi": r.cmd_reverse_stepi,
        "reverse-step": r.cmd_reverse_step, "rs": r.cmd_reverse_step,
        "reverse-next": r.cmd_reverse_next, "rn": r.cmd_reverse_next,
        "reverse-continue": r.cmd_reverse_continue, "rc": r.cmd_reverse_continue,
        "goto-step": r.cmd_goto_step, "input": r.cmd_input,
        "break": pt.cmd_break, "b": pt.cmd_break, "tbreak": pt.cmd_tbreak,
        "watch": pt.cmd_watch, "rwatch": pt.cmd_rwatch, "awatch": pt.cmd_awatch,
        "catch": pt.cmd_catch, "delete": pt.cmd_delete, "d": pt.cmd_delete,
        "disable": pt.cmd_disable, "enable": pt.cmd_enable, "condition": pt.cmd_condition,
        "info": info.cmd_info, "i": info.cmd_info,
        "x": d.cmd_x, "print": d.cmd_print, "p": d.cmd_print, "set": d.cmd_set,
        "display": d.cmd_display, "undisplay": d.cmd_undisplay,
        "disassemble": st.cmd_disassemble, "list": st.cmd_list, "l": st.cmd_list,
        "backtrace": st.cmd_backtrace, "bt": st.cmd_backtrace, "where": st.cmd_backtrace,
        "frame": st.cmd_frame, "f": st.cmd_frame, "up": st.cmd_up, "down": st.cmd_down,
        "cpu": cmd_cpu, "stats": cmd_stats, "context": cmd_context,
        "help": cmd_help, "h": cmd_help, "quit": cmd_quit, "q": cmd_quit, "exit": cmd_quit,
        "echo": cmd_echo, "add-symbol-file": cmd_add_symbol_file,
    }


_COMMANDS: dict | None = None
#: commands that take a /FORMAT suffix
_FORMATTED = {cmd_data.cmd_x, cmd_data.cmd_print, cmd_data.cmd_display}


def commands() -> dict:
    """Command name (and alias) -> function ``f(dbg, arg[, fmt])``."""
    global _COMMANDS
    if _COMMANDS is None:
        _COMMANDS = _table()
    return _COMMANDS


__all__ = ["dispatch", "commands", "HELP"]
