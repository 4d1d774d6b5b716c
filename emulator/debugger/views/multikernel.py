"""``info channels``, ``info replicas`` and ``info drivers``: the multikernel's own objects
(guests/multikernel; the disaggregated kernel uses the same channels and core data).

The debugger has the symbols of CPU 0's image only; every other CPU driver is a boot
module with its own copy of everything. So these views start from what every CPU
driver publishes: the shared region (at the boot-info page's FREE) holds one
core-data record per CPU — its state, its memory, and the kseg addresses of its
process table, its replica of the process directory, its counters and its
notification mode (the kernel's debug interface: boot.s ``mk_publish``, the layout
constants ``.global`` in param.inc). ``info channels`` shows every channel between two
CPUs that has carried messages — sent, taken, in flight (with the type of each message
still in the ring), whether the receiver sleeps waiting for an IPI — then each CPU's
counters; ``info replicas`` lists the process directory as each CPU sees it and says
whether the replicas agree; ``info drivers`` the CPU drivers. ``catch message`` (the
events device) stops at each message sent or received.
"""
from __future__ import annotations

from ringvm.isa import ISA

from . import cstr, need, word
from ..expr import DebugError

TYPES = {1: "reply", 2: "prepare", 3: "vote", 4: "commit", 5: "abort", 6: "service",
         7: "kill", 8: "exit", 9: "ping", 10: "mode", 11: "rename", 12: "stat",
         # the disaggregated kernel's (guests/disaggregated/param.inc)
         20: "malloc", 21: "mfree", 22: "mfail", 23: "sfail"}
CD_STATES = {0: "offline", 1: "starting", 2: "up", 3: "failed"}
PD_STATES = {1: "prepared", 2: "committed"}
COUNTERS = ("SENT", "RECV", "POLLS", "EMPTY", "IPI_SENT", "IPI_RECV", "COMMITS", "ABORTS",
            "PREPARES", "REFUSALS", "FULL")
_FREE = next(f.offset for f in ISA.boot_info.header if f.name == "FREE")
_PAGE_MASK = (1 << ISA.page_bits) - 1


def _c(dbg, *names) -> dict:
    return dict(zip(names, need(dbg, *names)))


def shared_base(dbg) -> int:
    """Physical address of the shared region: the boot-info page's FREE, page-aligned."""
    free = word(dbg, ISA.boot_info.base + _FREE)
    return (free + _PAGE_MASK) & ~_PAGE_MASK


def cpus(dbg) -> list[dict]:
    """The core-data record of every CPU that has a CPU driver (also for the tests)."""
    c = _c(dbg, "MAXCPU", "SH_CORE", "CD_SIZE", "CD_STATE", "CD_MEM", "CD_MEMEND",
           "CD_NCPU", "CD_PROCTAB", "CD_PDIR", "CD_STATS", "CD_MODE")
    base = shared_base(dbg) + c["SH_CORE"]
    n = word(dbg, base + c["CD_NCPU"]) or 1
    out = []
    for k in range(min(n, c["MAXCPU"])):
        r = base + k * c["CD_SIZE"]
        mode = word(dbg, r + c["CD_MODE"])
        out.append(dict(cpu=k, state=word(dbg, r + c["CD_STATE"]),
                        mem=word(dbg, r + c["CD_MEM"]), memend=word(dbg, r + c["CD_MEMEND"]),
                        proctab=word(dbg, r + c["CD_PROCTAB"]),
                        pdir=word(dbg, r + c["CD_PDIR"]), stats=word(dbg, r + c["CD_STATS"]),
                        mode=word(dbg, mode) if mode else None))
    return out


def channels(dbg) -> list[dict]:
    """Every channel (i -> j) between CPUs with a CPU driver: sent, taken, in flight
    (the messages still in the ring, decoded), the receiver's WAITING flag."""
    c = _c(dbg, "MAXCPU", "SH_CHAN", "URPC_SIZE", "URPC_LINE", "URPC_SLOTS", "UC_TAIL",
           "UC_HEAD", "UC_WAITING", "UC_SLOTS")
    n = len(cpus(dbg))
    base = shared_base(dbg) + c["SH_CHAN"]
    out = []
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            ch = base + (i * c["MAXCPU"] + j) * c["URPC_SIZE"]
            tail, head = word(dbg, ch + c["UC_TAIL"]), word(dbg, ch + c["UC_HEAD"])
            msgs = []
            for k in range(head, tail):
                m = ch + c["UC_SLOTS"] + (k % c["URPC_SLOTS"]) * c["URPC_LINE"]
                w0 = word(dbg, m)
                msgs.append(dict(type=TYPES.get(w0 & 0xFF, str(w0 & 0xFF)),
                                 slot=word(dbg, m + 4) & 0xFF, a0=word(dbg, m + 8),
                                 a1=word(dbg, m + 12)))
            out.append(dict(src=i, dst=j, sent=tail, taken=head,
                            in_flight=(tail - head) & 0xFFFFFFFF,
                            waiting=word(dbg, ch + c["UC_WAITING"]), messages=msgs))
    return out


def counters(dbg, cpu: dict) -> dict:
    """One CPU driver's counters (chan.s, agree.s), by name."""
    if not cpu["stats"]:
        return {}
    offs = need(dbg, *(f"ST_{n}" for n in COUNTERS))
    return {n.lower(): word(dbg, cpu["stats"] + o) for n, o in zip(COUNTERS, offs)}


def replicas(dbg) -> dict[int, list[tuple]]:
    """CPU -> the committed and prepared entries of its replica of the process
    directory, as ``(kind, pid, cpu, ppid, state, name)`` sorted by kind and pid."""
    c = _c(dbg, "NPDIR", "PD_SIZE", "PD_STATE", "PD_PID", "PD_CPU", "PD_PPID", "PD_KIND",
           "PD_NAME")
    out = {}
    for cpu in cpus(dbg):
        if not cpu["pdir"]:
            continue
        rows = []
        for i in range(c["NPDIR"]):
            e = cpu["pdir"] + i * c["PD_SIZE"]
            st = word(dbg, e + c["PD_STATE"])
            if st:
                kind = "chan" if word(dbg, e + c["PD_KIND"]) == 2 else "proc"
                rows.append((kind, word(dbg, e + c["PD_PID"]), word(dbg, e + c["PD_CPU"]),
                             word(dbg, e + c["PD_PPID"]), PD_STATES.get(st, str(st)),
                             cstr(dbg, e + c["PD_NAME"], 16)))
        out[cpu["cpu"]] = sorted(rows)
    return out


def info_drivers(dbg, arg):
    for cpu in cpus(dbg):
        mode = {0: "polls", 1: "sleeps until notified", None: "?"}.get(cpu["mode"],
                                                                       cpu["mode"])
        dbg.write(f"  CPU {cpu['cpu']}: {CD_STATES.get(cpu['state'], cpu['state'])}, "
                  f"memory 0x{cpu['mem']:08x}-0x{cpu['memend']:08x} "
                  f"({(cpu['memend'] - cpu['mem']) >> 10} KiB), monitor {mode}")


def info_channels(dbg, arg):
    chans = [ch for ch in channels(dbg) if ch["sent"]]
    if not chans:
        dbg.write("no message sent yet")
    for ch in chans:
        who = "sleeps (WAITING: notify it)" if ch["waiting"] else "polls"
        dbg.write(f"  CPU {ch['src']} -> CPU {ch['dst']}: sent {ch['sent']}, taken "
                  f"{ch['taken']}, in flight {ch['in_flight']}; the receiver {who}")
        for m in ch["messages"]:
            dbg.write(f"      {m['type']} (slot {m['slot']}, {m['a0']:#x}, {m['a1']:#x})")
    for cpu in cpus(dbg):
        n = counters(dbg, cpu)
        if n:
            dbg.write(f"  CPU {cpu['cpu']}: sent {n['sent']}, received {n['recv']}, polls "
                      f"{n['polls']} ({n['empty']} empty), IPIs sent {n['ipi_sent']} / "
                      f"received {n['ipi_recv']}, agreements {n['commits']} committed "
                      f"{n['aborts']} aborted, votes {n['prepares']} "
                      f"({n['refusals']} refused)")


def info_replicas(dbg, arg):
    reps = replicas(dbg)
    if not reps:
        raise DebugError("no replica published yet (the CPU drivers are not up)")
    first = min(reps)
    dbg.write(f"  {'KIND':<5} {'PID':>5} {'CPU':>3} {'PPID':>5} {'STATE':<9} NAME "
              f"(CPU {first}'s replica)")
    for kind, pid, cpu, ppid, st, name in reps[first]:
        dbg.write(f"  {kind:<5} {pid:>5} {cpu:>3} {ppid:>5} {st:<9} {name}")
    differ = [k for k, rows in reps.items() if rows != reps[first]]
    if not differ:
        dbg.write(f"all {len(reps)} replicas agree")
    for k in differ:
        a, b = set(reps[first]), set(reps[k])
        dbg.write(f"CPU {k}'s replica differs: only there {sorted(b - a)}; missing there "
                  f"{sorted(a - b)}")


INFO = {"channels": (info_channels, "multikernel: messages on every channel between CPUs, "
                                    "and each CPU's counters"),
        "replicas": (info_replicas, "multikernel: the process directory as each CPU "
                                    "driver sees it, and whether the replicas agree"),
        "drivers": (info_drivers, "multikernel: the CPU drivers (core data): state, memory, "
                            "notification mode")}
