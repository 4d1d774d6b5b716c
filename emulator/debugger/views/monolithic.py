"""``info procs``: the monolithic kernel's process table (guests/monolithic/proc.s) —
each slot in use with its pid, parent, state, the CPU it runs on (or last ran on; on a
multiprocessor only),
ASID, name, the channel it sleeps on and whether it was killed; ``*`` marks the
current process of the selected CPU (``cpu N``), ``+`` one running on another CPU. A
FlexSC syscall thread (guests/flexsc) shows as ``[sc]`` with the pid it serves."""
from __future__ import annotations

from ..expr import DebugError
from . import cstr, need, word

STATES = {1: "embryo", 2: "sleeping", 3: "runnable", 4: "running", 5: "zombie"}


def _opt(dbg, name: str, default=None):
    return dbg.m.symbols.get(name, default)


def cpu_proc(dbg, cpu: int) -> int:
    """Kernel address of the process the kernel's struct cpu of ``cpu`` names (its
    C_PROC), or 0. Kernels without per-CPU state: ``curproc`` (CPU 0's)."""
    cpus, shift = _opt(dbg, "cpus"), _opt(dbg, "CPU_SHIFT")
    if cpus is not None and shift is not None:
        return word(dbg, cpus + (cpu << shift) + _opt(dbg, "C_PROC", 0))
    (cur,) = need(dbg, "curproc")
    return word(dbg, cur) if cpu == 0 else 0


def info_procs(dbg, arg):
    table, nproc, shift, p_state, p_pid, p_parent, p_chan, p_killed, p_name, p_slot = \
        need(dbg, "proc_table", "NPROC", "PROC_SHIFT", "P_STATE", "P_PID",
             "P_PARENT", "P_CHAN", "P_KILLED", "P_NAME", "P_SLOT")
    p_cpu, p_kind, p_owner = _opt(dbg, "P_CPU"), _opt(dbg, "P_KIND"), _opt(dbg, "P_OWNER")
    current = cpu_proc(dbg, dbg.cur)
    if dbg.m.config.ncpus < 2:          # one CPU: no CPU column (like ps)
        p_cpu = None
    dbg.write(f"  {'PID':>4} {'PPID':>4} {'STATE':<9} "
              + (f"{'CPU':>3} " if p_cpu is not None else "")
              + f"{'ASID':>4} {'NAME':<16} CHAN")
    for i in range(nproc):
        p = table + (i << shift)
        state = word(dbg, p + p_state)
        if state == 0:
            continue
        parent = word(dbg, p + p_parent)
        ppid = word(dbg, parent + p_pid) if parent else 0
        chan = word(dbg, p + p_chan)
        mark = "*" if p == current else ("+" if state == 4 else " ")
        cpu = "" if p_cpu is None else f"{word(dbg, p + p_cpu):>3} "
        name = cstr(dbg, p + p_name, 16)
        if p_kind is not None and word(dbg, p + p_kind):
            owner = word(dbg, p + p_owner) if p_owner is not None else 0
            name = f"[sc] {word(dbg, owner + p_pid) if owner else '-'}"
        dbg.write(f"{mark} {word(dbg, p + p_pid):>4} {ppid:>4} "
                  f"{STATES.get(state, state):<9} {cpu}{word(dbg, p + p_slot) + 1:>4} "
                  f"{name:<16} "
                  + (f"0x{chan:08x}{dbg.view.sym_suffix(chan)}" if chan else "-")
                  + (" killed" if word(dbg, p + p_killed) else ""))


def current_program(dbg) -> tuple[str, int] | None:
    """``(name, ASID)`` of the process the selected CPU runs (its name is the program
    it exec'd; its ASID is its slot + 1), or None when there is none."""
    p_name, p_slot = need(dbg, "P_NAME", "P_SLOT")
    try:
        p = cpu_proc(dbg, dbg.cur)
    except DebugError:
        raise
    if not p:
        return None
    return cstr(dbg, p + p_name, 16), (word(dbg, p + p_slot) + 1) & 0xFF


INFO = {"procs": (info_procs, "the monolithic kernel's process table (* = current)")}
