"""``info flexsc``: FlexSC exception-less system calls (guests/monolithic/flexsc.s, the
FLEXSC build): each registered process's syscall page — its address in the process
and in kseg, the syscall threads serving it and whether they sleep — and every entry
that is not FREE, as the seed's slide draws it (syscall number, number of args, args,
status, return code); then the kernel's FlexSC counters."""
from __future__ import annotations

import tomllib

from . import cstr, need, word

STATUS = {0: "FREE", 1: "SUBMIT", 2: "BUSY", 3: "DONE"}
STATES = {1: "embryo", 2: "sleeping", 3: "runnable", 4: "running", 5: "zombie"}
_NAMES: dict[int, str] | None = None


def _syscall_names() -> dict[int, str]:
    global _NAMES
    if _NAMES is None:
        from ...images import guests_dir
        try:
            abi = tomllib.loads((guests_dir() / "abi.toml").read_text())
            _NAMES = {s["number"]: s["name"] for s in abi.get("syscall", [])}
        except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError):
            _NAMES = {}
    return _NAMES


def info_flexsc(dbg, arg):
    (table, nproc, shift, p_state, p_pid, p_name, p_kind, p_owner, p_scpage, p_scuva,
     p_nkt, fx_entry, fx_nent, e_sysnum, e_nargs, e_args, e_status, e_ret, h_ksleep,
     h_high, h_done) = need(
        dbg, "proc_table", "NPROC", "PROC_SHIFT", "P_STATE", "P_PID", "P_NAME", "P_KIND",
        "P_OWNER", "P_SCPAGE", "P_SCUVA", "P_NKT", "FX_ENTRY", "FX_NENT", "E_SYSNUM",
        "E_NARGS", "E_ARGS", "E_STATUS", "E_RET", "H_KSLEEP", "H_HIGH", "H_DONE")
    names = _syscall_names()
    procs = [table + (i << shift) for i in range(nproc)]
    live = [p for p in procs if word(dbg, p + p_state)]
    shown = 0
    for p in live:
        page = word(dbg, p + p_scpage)
        if not page or word(dbg, p + p_kind):
            continue
        shown += 1
        threads = [t for t in live if word(dbg, t + p_kind) and word(dbg, t + p_owner) == p]
        tdesc = ", ".join(f"{word(dbg, t + p_pid)} "
                          f"{STATES.get(word(dbg, t + p_state), '?')}" for t in threads)
        dbg.write(f"pid {word(dbg, p + p_pid)} ({cstr(dbg, p + p_name, 16)}): syscall page "
                  f"at 0x{word(dbg, p + p_scuva):08x} (kseg 0x{page:08x}), "
                  f"{word(dbg, p + p_nkt)} syscall thread(s) [{tdesc}], "
                  f"{word(dbg, page + h_ksleep)} asleep, {word(dbg, page + h_done)} calls done")
        high = min(word(dbg, page + h_high), fx_nent)
        rows = 0
        for i in range(1, high):
            e = page + i * fx_entry
            st = word(dbg, e + e_status)
            if st == 0:
                continue
            if not rows:
                dbg.write(f"    {'ENTRY':>5} {'SYSCALL':<10} {'NARGS':>5}  {'ARGS':<32} "
                          f"{'STATUS':<7} RETURN")
            rows += 1
            num = word(dbg, e + e_sysnum)
            n = min(word(dbg, e + e_nargs), 7)
            args = ", ".join(f"0x{word(dbg, e + e_args + 4 * k):x}" for k in range(n))
            ret = word(dbg, e + e_ret)
            ret = ret - (1 << 32) if ret >> 31 else ret
            dbg.write(f"    {i:>5} {names.get(num, str(num)):<10} {n:>5}  {args:<32} "
                      f"{STATUS.get(st, st):<7} {ret if st == 3 else '-'}")
        if not rows:
            dbg.write("    (every entry FREE)")
    if not shown:
        dbg.write("no process has a syscall page")
    stats = [(n, dbg.m.symbols.get(n)) for n in
             ("stat_fx_calls", "stat_fx_sleeps", "stat_fx_wakes", "stat_fx_waits")]
    dbg.write("counters: " + ", ".join(f"{n[8:]} {word(dbg, a)}" for n, a in stats
                                       if a is not None))


INFO = {"flexsc": (info_flexsc, "FlexSC syscall pages: entries (number, args, status, "
                   "return code), syscall threads, counters")}
