"""``info procs``: the monolithic kernel's process table (guests/monolithic/proc.s) —
each slot in use with its pid, parent, state, ASID, name, the channel it sleeps on and
whether it was killed; ``*`` marks the current process."""
from __future__ import annotations

from . import cstr, need, word

STATES = {1: "embryo", 2: "sleeping", 3: "runnable", 4: "running", 5: "zombie"}


def info_procs(dbg, arg):
    table, cur, nproc, shift, p_state, p_pid, p_parent, p_chan, p_killed, p_name, p_slot = \
        need(dbg, "proc_table", "curproc", "NPROC", "PROC_SHIFT", "P_STATE", "P_PID",
             "P_PARENT", "P_CHAN", "P_KILLED", "P_NAME", "P_SLOT")
    current = word(dbg, cur)
    dbg.write(f"  {'PID':>4} {'PPID':>4} {'STATE':<9} {'ASID':>4} {'NAME':<16} CHAN")
    for i in range(nproc):
        p = table + (i << shift)
        state = word(dbg, p + p_state)
        if state == 0:
            continue
        parent = word(dbg, p + p_parent)
        ppid = word(dbg, parent + p_pid) if parent else 0
        chan = word(dbg, p + p_chan)
        mark = "*" if p == current else " "
        dbg.write(f"{mark} {word(dbg, p + p_pid):>4} {ppid:>4} "
                  f"{STATES.get(state, state):<9} {word(dbg, p + p_slot) + 1:>4} "
                  f"{cstr(dbg, p + p_name, 16):<16} "
                  + (f"0x{chan:08x}{dbg.view.sym_suffix(chan)}" if chan else "-")
                  + (" killed" if word(dbg, p + p_killed) else ""))


def current_program(dbg) -> tuple[str, int] | None:
    """``(name, ASID)`` of the process ``curproc`` points at (its name is the program it
    exec'd; its ASID is its slot + 1), or None when there is none."""
    cur, p_name, p_slot = need(dbg, "curproc", "P_NAME", "P_SLOT")
    p = word(dbg, cur)
    if not p:
        return None
    return cstr(dbg, p + p_name, 16), (word(dbg, p + p_slot) + 1) & 0xFF


INFO = {"procs": (info_procs, "the monolithic kernel's process table (* = current)")}
