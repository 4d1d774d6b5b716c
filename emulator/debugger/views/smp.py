"""``info smp`` and ``info locks``: the multiprocessor side of the monolithic kernel
(guests/monolithic/smp.s, spinlock.s) — each CPU's struct cpu (what it runs, its
push_off depth, whether it waits idle, the IPIs and TLB shootdowns it answered) with
the shootdown counters, and the kernel's spinlocks (who holds each, acquisitions,
contended attempts) in the documented lock order."""
from __future__ import annotations

from . import cstr, need, word

#: the spinlocks of guests/monolithic/README.md "Locks", in the lock order
LOCKS = ("fs_lock", "flexsc_lock", "tickslock", "ptable_lock", "shoot_lock")


def _proc(dbg, p: int) -> str:
    if not p:
        return "-"
    p_pid, p_name = need(dbg, "P_PID", "P_NAME")
    return f"pid {word(dbg, p + p_pid)} {cstr(dbg, p + p_name, 16)}"


def cpu_struct(dbg, cpu: int) -> int:
    cpus, shift = need(dbg, "cpus", "CPU_SHIFT")
    return cpus + (cpu << shift)


def cpu_note(dbg, cpu: int) -> str | None:
    """One phrase about what the kernel says ``cpu`` does (for ``info cpus``)."""
    syms = dbg.m.symbols
    if "cpus" not in syms or "C_THREAD" not in syms:
        return None
    c = cpu_struct(dbg, cpu)
    if not word(dbg, c + syms["C_STARTED"]):
        return "kernel: not started"
    t = word(dbg, c + syms["C_THREAD"])
    if t:
        return f"kernel: runs {_proc(dbg, t)}"
    return "kernel: scheduler" + (", idle" if word(dbg, c + syms["C_IDLE"]) else "")


def info_smp(dbg, arg):
    ncpu_addr, c_proc, c_thread, c_noff, c_idle, c_started, c_acks, c_ipis, c_runs = need(
        dbg, "ncpu", "C_PROC", "C_THREAD", "C_NOFF", "C_IDLE", "C_STARTED", "C_ACKS",
        "C_IPIS", "C_RUNS")
    n = word(dbg, ncpu_addr)
    dbg.write(f"{n} CPU(s) started by the kernel (the machine has {dbg.m.config.ncpus})")
    dbg.write(f"  {'CPU':<4} {'STATE':<10} {'NOFF':>4} {'SWITCHES':>8} {'IPIS':>6} "
              f"{'ACKS':>6}  RUNS")
    for i in range(dbg.m.config.ncpus):
        c = cpu_struct(dbg, i) if i < 8 else 0
        if not c or not word(dbg, c + c_started):
            dbg.write(f"  cpu{i:<1} {'stopped':<10}")
            continue
        t, p = word(dbg, c + c_thread), word(dbg, c + c_proc)
        state = "thread" if t else ("idle" if word(dbg, c + c_idle) else "scheduler")
        what = _proc(dbg, t)
        if t and p and p != t:
            what += f" (serving {_proc(dbg, p)})"
        dbg.write(f"{'*' if i == dbg.cur else ' '} cpu{i:<1} {state:<10} "
                  f"{word(dbg, c + c_noff):>4} {word(dbg, c + c_runs):>8} "
                  f"{word(dbg, c + c_ipis):>6} {word(dbg, c + c_acks):>6}  {what}")
    shoots, ipis, acks, pending, asid = need(dbg, "stat_shootdowns", "stat_shoot_ipis",
                                             "stat_shoot_acks", "shoot_pending",
                                             "shoot_asid")
    pend = word(dbg, pending)
    dbg.write(f"TLB shootdowns: {word(dbg, shoots)} (IPIs {word(dbg, ipis)}, "
              f"acknowledgements {word(dbg, acks)})"
              + (f"; in progress: ASID {word(dbg, asid)}, waiting for CPUs "
                 + ",".join(str(b) for b in range(32) if pend >> b & 1) if pend else ""))


def info_locks(dbg, arg):
    l_locked, l_cpu, l_name, l_count, l_spins, c_id = need(
        dbg, "L_LOCKED", "L_CPU", "L_NAME", "L_COUNT", "L_SPINS", "C_ID")
    dbg.write(f"  {'LOCK':<12} {'HOLDER':<8} {'ACQUIRED':>10} {'SPINS':>10}   (lock order)")
    for sym in LOCKS:
        a = dbg.m.symbols.get(sym)
        if a is None:
            continue
        held = word(dbg, a + l_locked)
        holder = f"cpu{word(dbg, word(dbg, a + l_cpu) + c_id)}" if held else "free"
        dbg.write(f"  {cstr(dbg, word(dbg, a + l_name), 16):<12} {holder:<8} "
                  f"{word(dbg, a + l_count):>10} {word(dbg, a + l_spins):>10}")
    k = dbg.m.symbols.get("kmem_lock")
    if k is not None:
        dbg.write(f"  {'kmem':<12} {'held' if word(dbg, k) else 'free':<8} "
                  f"{'':>10} {'':>10}   (leaf lock of mm/kalloc.s)")


INFO = {"smp": (info_smp, "the multiprocessor kernel's CPUs: what each runs, IPIs, "
                "TLB shootdowns"),
        "locks": (info_locks, "the multiprocessor kernel's spinlocks: holders, "
                  "acquisitions, contention")}
