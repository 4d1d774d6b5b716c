"""``info components`` and ``info mempages``: the disaggregated kernel's own objects
(guests/disaggregated; ``info channels`` and ``catch message`` of the multikernel work
on it too: the same channels and core data).

The debugger has the symbols of CPU 0's image — the process component. Each other
component is a boot module with its own memory; what the views show of it comes from
its core-data record in the shared region (its state, its RAM, its published counters:
the message counters of every kernel, then a memory component's frame counters
``MS_*``) and from what the process component knows (``mem_state``: alive or failed,
``mem_lo``/``mem_hi``: the frames each memory component owns; ``s_silent``: whether the
storage component answered the last request). ``info mempages`` walks each process's
page table and says on which memory component each of its user pages lives — what a
component's failure would take away.
"""
from __future__ import annotations

from ringvm.isa import ISA

from . import cstr, need, word
from .multikernel import CD_STATES, counters, cpus
from ..expr import DebugError

MEM = {0: "storage", 1: "alive", 2: "failed"}
_PAGE_MASK = (1 << ISA.page_bits) - 1
_VALID = 1 << next(f.value for f in ISA.tlb.flags if f.name == "V")   # tlblo's V bit


def _mem(dbg):
    lo, hi, st, home = need(dbg, "mem_lo", "mem_hi", "mem_state", "memhome")
    n = len(cpus(dbg))
    return [(k, word(dbg, lo + 4 * k), word(dbg, hi + 4 * k), word(dbg, st + 4 * k))
            for k in range(1, n)]


def components(dbg) -> list[dict]:
    """Every component: CPU, kind, state, RAM, message counters and (memory) frames."""
    free, inuse, allocs, frees, bad = need(dbg, "MS_FREE", "MS_INUSE", "MS_ALLOCS",
                                           "MS_FREES", "MS_BADFREE")
    silent = word(dbg, need(dbg, "s_silent")[0])
    mem = {k: s for k, _, _, s in _mem(dbg)}
    out = []
    for c in cpus(dbg):
        k = c["cpu"]
        d = dict(cpu=k, state=CD_STATES.get(c["state"], str(c["state"])), mem=c["mem"],
                 memend=c["memend"], counters=counters(dbg, c))
        if k == 0:
            d["kind"] = "process"
        elif mem.get(k, 0) == 0:
            d["kind"] = "storage"
            d["answers"] = not silent
        else:
            d["kind"] = "memory"
            d["seen"] = MEM[mem[k]]
            if c["stats"] and c["state"] == 2:
                d.update(free=word(dbg, c["stats"] + free), inuse=word(dbg, c["stats"] + inuse),
                         allocs=word(dbg, c["stats"] + allocs),
                         frees=word(dbg, c["stats"] + frees), badfree=word(dbg, c["stats"] + bad))
        out.append(d)
    return out


def info_components(dbg, arg):
    for d in components(dbg):
        n = d["counters"]
        line = (f"  CPU {d['cpu']}: {d['kind']} component, {d['state']}, RAM "
                f"0x{d['mem']:08x}-0x{d['memend']:08x} ({(d['memend'] - d['mem']) >> 10} KiB)")
        if d["kind"] == "memory":
            line += f"; seen from CPU 0: {d['seen']}"
            if "free" in d:
                line += (f"; frames free {d['free']}, held {d['inuse']}, allocations "
                         f"{d['allocs']}, given back {d['frees']}")
        elif d["kind"] == "storage":
            line += "; answers" if d["answers"] else "; did not answer the last request"
        if n:
            line += f"; messages sent {n['sent']}, received {n['recv']}"
        dbg.write(line)


def mempages(dbg) -> list[tuple]:
    """``(pid, name, {component: pages})`` of every process with user pages."""
    pt, nproc, psize, st, pid, pgdir, name = need(
        dbg, "proc_table", "NPROC", "PROC_SHIFT", "P_STATE", "P_PID", "P_PGDIR", "P_NAME")
    comps = _mem(dbg)
    out = []
    for i in range(nproc):
        p = pt + (i << psize)
        if not word(dbg, p + st) or not word(dbg, p + pgdir):
            continue
        d = word(dbg, p + pgdir)
        where: dict = {}
        for di in range(512):
            t = word(dbg, d + 4 * di)
            if not t:
                continue
            for ti in range(1024):
                e = word(dbg, t + 4 * ti)
                if not e & _VALID:
                    continue
                pa = e & ~_PAGE_MASK
                k = next((k for k, lo, hi, _ in comps if lo <= pa < hi), 0)
                where[k] = where.get(k, 0) + 1
        out.append((word(dbg, p + pid), cstr(dbg, p + name, 16), where))
    return out


def info_mempages(dbg, arg):
    rows = mempages(dbg)
    if not rows:
        raise DebugError("no process has user pages yet")
    for pid, name, where in rows:
        parts = ", ".join(f"{n} on {'CPU %d' % k if k else 'CPU 0 (local!)'}"
                          for k, n in sorted(where.items()))
        dbg.write(f"  pid {pid:>3} {name:<12} {parts or 'no pages'}")


INFO = {"components": (info_components, "disaggregated: each component (process, storage, "
                                        "memory): state, RAM, frames, messages"),
        "mempages": (info_mempages, "disaggregated: on which memory component each "
                                    "process's user pages live")}
