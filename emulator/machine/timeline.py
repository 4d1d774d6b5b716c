"""Timelines: ``--timeline FILE.json`` writes a run as Chrome Trace Event Format JSON,
which Perfetto (ui.perfetto.dev) and chrome://tracing open. No viewer here.

Where the events come from (nothing is sampled, nothing is guessed):

- the engine's timeline log (:meth:`Engine.timeline_start`): one record wherever the
  engine counts a trap, an interrupt, a VM exit, a TLB write or an IPI — so the events
  of a complete timeline add up to the ``--stats`` counters of the same run — and one
  whenever a CPU's context (ring, V, mode, ASID, VMID) changes. Both engines log the
  same records; the Machine drains them after every engine batch. Off, the log costs
  one never-taken branch in the engines' slow paths (trap entry, rfe, CSR writes);
  the hot loop is unchanged (``benchmarks/bench_timeline.py`` measures both).
- the events device (ISA.md §9, software events): what only the guest knows — IPC
  sent and received, messages, notifications, requests, hypercalls, upcalls, context
  names — arrives as ``(cpu, cycle, code, arg0, arg1)``.

Time: ``ts`` is the CPU's cycle counter (ISA.md §10), one trace microsecond per cycle
(the format's unit): deterministic, identical on both engines, unrelated to host time.
Each CPU has its own counter; CPUs run round-robin in quanta of ``[machine] quantum``
cycles, so two CPUs' clocks may differ by up to a quantum and an arrow between CPUs can
point slightly backwards.

Layout (one track per CPU, ``tid`` = CPU number):

- process 1, "machine": the host's ring residency per CPU as complete (``X``) slices —
  ``user <name>``, ``kernel <name>``, ``ring 1/2 <name>``, ``hypervisor``, and ``VM
  <name>`` while a guest runs; a waiting or stopped CPU has no slice (a gap is idle).
- process 1000 + VMID, one per virtual machine (when a hypervisor runs one): the
  guest's own ring residency on each CPU (``guest kernel ...``, ``guest user ...``).
- ``<name>`` is what the kernel reported with a CONTEXT event (ARG0 = the ASID or
  thread, ARG1 = the address of its name; a CONTEXT from ring -1 names a VM), else
  ``asid N``. A change of ASID also gets an instant "context switch".
- instant (``i``) events for traps by cause (a system call named by its a7 when the
  caller gives the ABI's names), interrupts by line, TLB writes (refills),
  VM exits by reason and VM entries, IPIs, and every software event; software events
  that pair up (``flow = "begin"``/``"end"`` in the ISA's event table: IPC send and
  receive, messages, requests) and IPIs (send -> the target's IPI interrupt) are
  1-cycle slices joined by flow arrows (``s`` / ``f`` with ``bp: "e"``).

Bounds: ``window=(A, B)`` keeps only cycles A <= ts < B (slices are clipped), and at
most ``max_events`` events are written; when that is reached the log stops and
:attr:`Timeline.truncated` says at which cycle. The output is a pure function of the
run: the same run writes the same bytes, on either engine.

Typical use (the CLI does this for ``--timeline``)::

    tl = Timeline(machine, name="monolithic")
    machine.run(...)
    tl.write("run.json")
"""
from __future__ import annotations

import json

from ringvm.errors import UserError
from ringvm.isa import ISA

from ..engine import TimelineKind, timeline_unkey

#: events written when the caller gives no bound (about 150 bytes each)
DEFAULT_MAX_EVENTS = 200_000
#: engine steps between drains while a timeline is attached; the engine log holds
#: LOG_CAPACITY records (at most 4 per step: wake, interrupt, exit, new context)
BATCH = 50_000
LOG_CAPACITY = 4 * BATCH + 1024

MACHINE_PID = 1
VM_PID_BASE = 1000
_K = TimelineKind
_IPI_LINE = next(k for k, v in ISA.line_names.items() if v == "IPI")
_KSEG = ISA.memory["kseg_base"]
_CONTEXT = next(e.value for e in ISA.events.values() if e.name == "CONTEXT")
_ASID_M, _VMID_M = ISA.tlb.asid_mask, ISA.tlb.vmid_mask
_SYSCALL = next(k for k, v in ISA.cause_names.items() if v == "SYSCALL")


def _flow_families() -> dict[int, tuple[str, str]]:
    """event code -> (family, "begin" | "end"): an end pairs with the nearest begin
    above it in the ISA table (IPC_SEND/IPC_RECV, MSG_SEND/MSG_RECV, ...)."""
    out, begin = {}, None
    for e in ISA.events.values():
        if e.flow == "begin":
            begin = e.name
            out[e.value] = (begin, "begin")
        elif e.flow == "end" and begin is not None:
            out[e.value] = (begin, "end")
    return out


_FLOWS = _flow_families()


def parse_window(text: str) -> tuple[int, int | None]:
    """``"A:B"`` (cycles; either side may be empty) -> (A, B or None). Raises
    :class:`UserError` for anything else."""
    lo, sep, hi = text.partition(":")
    try:
        a = int(lo.replace("_", ""), 0) if lo.strip() else 0
        b = int(hi.replace("_", ""), 0) if hi.strip() else None
    except ValueError:
        a = b = -1
    if not sep or a < 0 or (b is not None and b <= a):
        raise UserError(f"--timeline-window {text!r}: give cycles as A:B with A < B "
                        "(either may be left out, e.g. 100000: or :5000000)")
    return a, b


class Timeline:
    """Collects a Machine's timeline (see the module docstring). Constructing one
    attaches it: ``machine.timeline`` is set and the engine log starts.

    ``name`` names the machine's process; ``window`` is ``(A, B | None)`` in cycles;
    ``max_events`` bounds the events written; ``describe(addr) -> str`` (optional)
    names the code address of traps and interrupts; ``syscall_name(number) -> str |
    None`` (optional) names a SYSCALL trap by its a7 (``trap SYSCALL write``)."""

    def __init__(self, machine, name: str = "machine", window=(0, None),
                 max_events: int = DEFAULT_MAX_EVENTS, describe=None, syscall_name=None):
        self.m = machine
        self.syscall_name = syscall_name
        self.name = name
        self.lo, self.hi = window
        self.max_events = max_events
        self.describe = describe
        self.events: list[dict] = []
        self.truncated: int | None = None     # the cycle at which max_events was reached
        self.dropped = 0                       # engine records lost (log overflow)
        self.batch = BATCH
        self._on = True
        n = machine.config.ncpus
        self._ctx = [0] * n                    # current packed context per CPU
        self._open: list[dict] = [{} for _ in range(n)]   # pid -> [name, start, args]
        self._label = [{} for _ in range(n)]   # level (0 host, vmid) -> CONTEXT name
        self._asid_names: dict[tuple[int, int], str] = {}  # (vmid, asid) -> name
        self._vm_names: dict[int, str] = {}
        self._pids: set[tuple[int, int]] = set()           # (pid, tid) tracks used
        self._flows: dict[tuple[str, int], tuple] = {}     # (family, flow id) -> begin
        self._ipi: dict[int, list] = {}        # target cpu -> [(cpu, cycle, pid)] sent
        self._next_flow = 1
        self._where: dict[int, str] = {}
        self._now = [0] * n                    # cycle of the last record per CPU
        self._seen = [0] * n                   # furthest cycle collected per CPU
        self._hw = [0] * n                     # recorded already below this (rewind)
        for i in range(n):
            st = machine.engine.get_cpu(i)
            self._ctx[i] = self._key_of(st)
            self._now[i] = st.cycle
            self._open_views(i, st.cycle)
        machine.engine.timeline_start(LOG_CAPACITY)
        machine.events.listen(self._software_event)
        machine.timeline = self

    # ------------------------------------------------------------ contexts
    @staticmethod
    def _key_of(st) -> int:
        from ..engine import timeline_key
        hvmid = ISA.csrs["hvmid"].number
        asid = ISA.csrs["asid"].number
        if st.v:
            a, vm = st.gcsr.get(asid, 0), st.csr.get(hvmid, 0)
        else:
            a, vm = st.csr.get(asid, 0), 0
        mode = ("running", "waiting", "stopped").index(st.mode)
        return timeline_key(st.ring, st.v, mode, a, vm)

    def _name_for(self, cpu: int, vmid: int, asid: int) -> str:
        return self._asid_names.get((vmid, asid)) or self._label[cpu].get(vmid) or \
            f"asid {asid}"

    def _views(self, cpu: int) -> dict[int, tuple[str, dict]]:
        """pid -> (slice name, args) of what CPU ``cpu`` runs now, per process."""
        ring, v, mode, asid, vmid = timeline_unkey(self._ctx[cpu])
        if mode != 0:
            return {}
        if not v:
            if ring == -1:
                return {MACHINE_PID: ("hypervisor", {"ring": -1})}
            who = self._name_for(cpu, 0, asid)
            what = {0: "kernel", 3: "user"}.get(ring, f"ring {ring}")
            return {MACHINE_PID: (f"{what} {who}", {"ring": ring, "asid": asid})}
        who = self._name_for(cpu, vmid, asid)
        what = {0: "guest kernel", 3: "guest user"}.get(ring, f"guest ring {ring}")
        return {MACHINE_PID: (f"VM {vmid}", {"vmid": vmid}),
                VM_PID_BASE + vmid: (f"{what} {who}",
                                     {"ring": ring, "asid": asid, "vmid": vmid})}

    def _open_views(self, cpu: int, at: int) -> None:
        for pid, (name, args) in self._views(cpu).items():
            self._open[cpu][pid] = [name, at, args]

    def _refresh(self, cpu: int, at: int) -> None:
        """Close the slices whose name changed at cycle ``at`` and open the new ones."""
        views = self._views(cpu)
        opened = self._open[cpu]
        for pid in list(opened):
            if pid not in views or views[pid][0] != opened[pid][0]:
                self._close(cpu, pid, at)
        for pid, (name, args) in views.items():
            if pid not in opened:
                opened[pid] = [name, at, args]

    def _close(self, cpu: int, pid: int, at: int, last: bool = False) -> None:
        name, start, args = self._open[cpu].pop(pid)
        a, b = max(start, self.lo, self._hw[cpu]), at if self.hi is None else min(at, self.hi)
        if b > a:
            self._emit({"ph": "X", "name": name, "cat": "ring", "pid": pid, "tid": cpu,
                        "ts": a, "dur": b - a, "args": args}, closing=last)

    # ------------------------------------------------------------ output
    def _in_window(self, ts: int) -> bool:
        return ts >= self.lo and (self.hi is None or ts < self.hi)

    def _emit(self, ev: dict, closing: bool = False) -> None:
        """Keep ``ev`` unless the bound is reached (``closing``: the end of a slice
        open at the cut, kept so the last contexts show)."""
        if self.truncated is not None and not closing:
            return
        if len(self.events) >= self.max_events and not closing:
            self.truncated = ev["ts"]
            self._stop()
            return
        self._pids.add((ev["pid"], ev["tid"]))
        self.events.append(ev)

    def _pid_now(self, cpu: int) -> int:
        ring, v, mode, asid, vmid = timeline_unkey(self._ctx[cpu])
        return VM_PID_BASE + vmid if v else MACHINE_PID

    def _instant(self, cpu: int, ts: int, name: str, cat: str, args: dict,
                 pid: int | None = None) -> None:
        if self._in_window(ts) and ts >= self._hw[cpu]:
            self._emit({"ph": "i", "s": "t", "name": name, "cat": cat,
                        "pid": self._pid_now(cpu) if pid is None else pid, "tid": cpu,
                        "ts": ts, "args": args})

    def _arrow(self, cat: str, begin: tuple, end: tuple) -> None:
        """A flow arrow between two points ``(cpu, ts, pid, name, args)``: each a
        1-cycle slice, joined by ``s`` -> ``f`` (``bp: "e"``: bound to the slice).
        Written whole or not at all; a point outside the window or past the event
        limit becomes an instant (or nothing)."""
        if end[1] < self._hw[end[0]]:
            return                     # recorded before the machine went back
        inside = [self._in_window(p[1]) for p in (begin, end)]
        if not all(inside) or self.truncated is not None or \
                len(self.events) + 4 > self.max_events:
            for p, ok in zip((begin, end), inside):
                if ok:
                    self._instant(p[0], p[1], p[3], cat, p[4], pid=p[2])
            return
        fid = self._new_flow()
        for (cpu, ts, pid, name, args), ph in ((begin, "s"), (end, "f")):
            self._emit({"ph": "X", "name": name, "cat": cat, "pid": pid, "tid": cpu,
                        "ts": ts, "dur": 1, "args": args})
            ev = {"ph": ph, "name": cat, "cat": cat, "pid": pid, "tid": cpu, "ts": ts,
                  "id": fid}
            if ph == "f":
                ev["bp"] = "e"
            self._emit(ev)

    def _syscall(self, number: int) -> str:
        if self.syscall_name is None:
            return ""
        try:
            return self.syscall_name(number) or ""
        except Exception:  # noqa: BLE001 - a timeline never kills the run
            return ""

    def _addr(self, addr: int) -> dict:
        out = {"pc": f"0x{addr:08x}"}
        if self.describe is not None:
            where = self._where.get(addr)
            if where is None:
                try:
                    where = self.describe(addr) or ""
                except Exception:  # noqa: BLE001 - a timeline never kills the run
                    where = ""
                self._where[addr] = where
            if where:
                out["at"] = where
        return out

    # ------------------------------------------------------------ engine records
    def collect(self) -> None:
        """Drain the engine's log (the Machine calls this after every engine batch)."""
        if not self._on:
            return
        records, dropped = self.m.engine.timeline_drain()
        self.dropped += dropped
        for cpu, cyc, kind, a, b in records:
            self._record(cpu, cyc, kind, a, b)
        eng = self.m.engine
        for i in range(len(self._seen)):
            c = eng.cpu_cycle(i)
            if c > self._seen[i]:
                self._seen[i] = c
        if self.hi is not None and all(t >= self.hi for t in self._seen):
            self._stop()                     # past the window: nothing more to log

    def _record(self, cpu: int, cyc: int, kind: int, a: int, b: int) -> None:
        self._now[cpu] = cyc
        if kind == _K.CTX:
            old = timeline_unkey(self._ctx[cpu])
            self._ctx[cpu] = a
            new = timeline_unkey(a)
            self._refresh(cpu, cyc)
            if new[1] and not (old[1] and old[4] == new[4]) and new[2] == 0:
                self._instant(cpu, cyc, "vm entry", "vm", {"vmid": new[4]})
            elif (old[1], old[4]) == (new[1], new[4]) and old[3] != new[3]:
                self._instant(cpu, cyc, "context switch", "sched",
                              {"from_asid": old[3], "to_asid": new[3]})
        elif kind == _K.TRAP:
            cause, a7 = a & 0xFF, a >> 8
            name, args = f"trap {ISA.cause_names.get(cause, cause)}", self._addr(b)
            if cause == _SYSCALL:
                args["a7"] = a7
                call = self._syscall(a7)
                if call:
                    name += f" {call}"
            self._instant(cpu, cyc, name, "trap", args)
        elif kind == _K.IRQ:
            name = f"irq {ISA.line_names.get(a, a)}"
            if a == _IPI_LINE and self._ipi.get(cpu):
                for scpu, sts, spid in self._ipi.pop(cpu):   # the arrow, both ends now
                    self._arrow("ipi", (scpu, sts, spid, f"ipi -> cpu{cpu}", {"to": cpu}),
                                (cpu, cyc, self._pid_now(cpu), name, self._addr(b)))
            else:
                self._instant(cpu, cyc, name, "irq", self._addr(b))
        elif kind == _K.EXIT:
            self._instant(cpu, cyc, f"vm exit {ISA.exit_reason_names.get(a, a)}", "vm",
                          self._addr(b))
        elif kind == _K.TLBW:
            self._instant(cpu, cyc, "tlb write", "tlb",
                          {"vpn": f"0x{a:05x}", "asid": b & _ASID_M, "vmid": (b >> 8) & _VMID_M,
                           "index": b >> 16})
        elif kind == _K.IPI:
            # drawn when the target takes it (a target that polls never does: an instant)
            self._ipi.setdefault(a, []).append((cpu, cyc, self._pid_now(cpu)))

    def _new_flow(self) -> int:
        fid = self._next_flow
        self._next_flow += 1
        return fid

    # ------------------------------------------------------------ software events
    def _software_event(self, cpu: int, cycle: int, code: int, a0: int, a1: int) -> None:
        if not self._on:
            return
        self.collect()                 # the records before this store come first
        self._now[cpu] = cycle
        name = ISA.event_names.get(code, f"event {code}")
        args = {"arg0": a0, "arg1": a1}
        if code == _CONTEXT:
            self._context(cpu, cycle, a0, a1)
            self._instant(cpu, cycle, f"{name} {self._read_name(cpu, a1) or a0}", "event",
                          args)
            return
        fam = _FLOWS.get(code)
        if fam is None:
            self._instant(cpu, cycle, name, "event", args)
            return
        family, end = fam
        point = (cpu, cycle, self._pid_now(cpu), name, args)
        if end == "begin":             # drawn when its end comes (or an instant at the end)
            old = self._flows.pop((family, a0), None)
            if old is not None:        # a flow id used again before its end
                self._instant(old[0], old[1], old[3], "event", old[4], pid=old[2])
            self._flows[(family, a0)] = point
        else:
            begin = self._flows.pop((family, a0), None)
            if begin is None:          # its begin was not seen (before the timeline)
                self._instant(cpu, cycle, name, "event", args)
            else:
                self._arrow(family.lower(), begin, point)

    def _read_name(self, cpu: int, addr: int) -> str:
        if not addr:
            return ""
        try:
            raw = self.m.read_virtual(cpu, addr, 32)
        except Exception:  # noqa: BLE001 - a bad pointer only loses the name
            try:
                raw = self.m.read_physical((addr - _KSEG) & 0xFFFFFFFF, 32)
            except Exception:  # noqa: BLE001
                return ""
        text = raw.split(b"\0", 1)[0].decode("ascii", "replace")
        return "".join(ch for ch in text if ch.isprintable())

    def _context(self, cpu: int, cycle: int, a0: int, a1: int) -> None:
        """CONTEXT: from ring -1 it names VM ``a0``; otherwise the running thread or
        address space (and the ASID ``a0`` if it is the current one)."""
        name = self._read_name(cpu, a1) or f"#{a0}"
        ring, v, mode, asid, vmid = timeline_unkey(self._ctx[cpu])
        if ring == -1 and not v:
            self._vm_names[a0] = name
            return
        level = vmid if v else 0
        self._label[cpu][level] = name
        if a0 == asid:
            self._asid_names[(level, asid)] = name
        self._refresh(cpu, cycle)

    def mark(self, name: str, args: dict | None = None) -> None:
        """A machine-wide instant at CPU 0's cycle now (``ringvm compare`` marks the
        workload's phases with it)."""
        if self._on:
            self.collect()
        ts = self.m.engine.cpu_cycle(0)
        if self._in_window(ts) and ts >= self._hw[0]:
            self._emit({"ph": "i", "s": "g", "name": name, "cat": "mark",
                        "pid": MACHINE_PID, "tid": 0, "ts": ts, "args": args or {}})

    # ------------------------------------------------------------ going back
    # The debugger (``debug --timeline``) travels in time by restoring checkpoints and
    # re-executing, which is deterministic: what re-execution logs below the furthest
    # cycle each CPU ever reached (``_hw``) is already in the timeline and is not
    # written again. An edit (registers, memory, input) changes the future: what was
    # recorded after it is dropped. So the file shows the history that leads to the
    # machine's present, each moment once.
    def rewind(self) -> None:
        """The machine went back (a checkpoint was restored)."""
        eng = self.m.engine
        n = len(self._ctx)
        if self._on:
            self.collect()
        now = [eng.cpu_cycle(i) for i in range(n)]
        for i in range(n):
            for pid in list(self._open[i]):
                self._close(i, pid, self._seen[i], last=True)
            self._hw[i] = max(self._hw[i], self._seen[i])
        self._forget_pending(now)
        for i in range(n):
            self._ctx[i] = self._key_of(eng.get_cpu(i))
            self._now[i] = now[i]
            self._open_views(i, now[i])
        if self.truncated is None:
            self._on = True
            eng.timeline_start(LOG_CAPACITY)   # the contexts the engine compares to

    def edited(self) -> None:
        """The user changed the machine now: drop what was recorded after now."""
        if self._on:
            self.collect()
        eng = self.m.engine
        now = [eng.cpu_cycle(i) for i in range(len(self._ctx))]
        kept = []
        for e in self.events:
            cut = now[e["tid"]] if e["tid"] < len(now) else 0
            if e["ts"] >= cut:
                continue
            if e["ph"] == "X" and e["ts"] + e["dur"] > cut:
                e = dict(e, dur=cut - e["ts"])
            kept.append(e)
        ends: dict[int, int] = {}
        for e in kept:
            if e["ph"] in "sf":
                ends[e["id"]] = ends.get(e["id"], 0) + 1
        self.events = [e for e in kept if e["ph"] not in "sf" or ends[e["id"]] == 2]
        self._forget_pending(now)
        for i, c in enumerate(now):
            self._hw[i] = min(self._hw[i], c)
            self._seen[i] = c

    def _forget_pending(self, now: list[int]) -> None:
        self._flows = {k: p for k, p in self._flows.items() if p[1] < now[p[0]]}
        self._ipi = {t: [p for p in sends if p[1] < now[p[0]]]
                     for t, sends in self._ipi.items()}

    # ------------------------------------------------------------ the end
    def _stop(self) -> None:
        if self._on:
            self._on = False
            self.m.engine.timeline_stop()

    def finish(self) -> dict:
        """Close the open slices at each CPU's current cycle and return the trace (a
        dict for ``json.dump``). Detaches from the machine."""
        if self._on:
            self.collect()
        for target, sends in sorted(self._ipi.items()):   # IPIs never taken
            for scpu, sts, spid in sends:
                self._instant(scpu, sts, f"ipi -> cpu{target}", "ipi", {"to": target},
                              pid=spid)
        self._ipi = {}
        for (_fam, _fid), p in sorted(self._flows.items()):   # begins without an end
            self._instant(p[0], p[1], p[3], "event", p[4], pid=p[2])
        self._flows = {}
        for i in range(len(self._ctx)):
            end = max(self._now[i], self._seen[i])   # the last cycle looked at
            for pid in list(self._open[i]):
                self._close(i, pid, end, last=True)
        self._stop()
        if getattr(self.m, "timeline", None) is self:
            self.m.timeline = None
        return self.trace()

    def trace(self) -> dict:
        meta = [{"ph": "M", "name": "process_name", "pid": MACHINE_PID, "tid": 0, "ts": 0,
                 "args": {"name": f"machine: {self.name}"}},
                {"ph": "M", "name": "process_sort_index", "pid": MACHINE_PID, "tid": 0,
                 "ts": 0, "args": {"sort_index": 0}}]
        for pid in sorted({p for p, _ in self._pids} - {MACHINE_PID}):
            vmid = pid - VM_PID_BASE
            vm = self._vm_names.get(vmid)
            meta.append({"ph": "M", "name": "process_name", "pid": pid, "tid": 0, "ts": 0,
                         "args": {"name": f"VM {vmid}" + (f": {vm}" if vm else "")}})
            meta.append({"ph": "M", "name": "process_sort_index", "pid": pid, "tid": 0,
                         "ts": 0, "args": {"sort_index": pid}})
        for pid, tid in sorted(self._pids | {(MACHINE_PID, i)
                                             for i in range(len(self._ctx))}):
            meta.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": tid, "ts": 0,
                         "args": {"name": f"cpu{tid}"}})
            meta.append({"ph": "M", "name": "thread_sort_index", "pid": pid, "tid": tid,
                         "ts": 0, "args": {"sort_index": tid}})
        rank = {"X": 0, "s": 1, "f": 2, "i": 3}
        body = sorted(self.events, key=lambda e: (e["pid"], e["tid"], e["ts"],
                                                  -e.get("dur", 0), rank[e["ph"]],
                                                  json.dumps(e, sort_keys=True)))
        other = {"clock": "cycles: one trace microsecond is one machine cycle (each CPU "
                          "its own counter)",
                 "machine": self.name, "cpus": len(self._ctx),
                 "window": [self.lo, self.hi], "events": len(self.events),
                 "max_events": self.max_events}
        if self.truncated is not None:
            other["truncated_at_cycle"] = self.truncated
        if self.dropped:
            other["dropped_records"] = self.dropped
        return {"traceEvents": meta + body, "displayTimeUnit": "ms", "otherData": other}

    def write(self, path) -> dict:
        """:meth:`finish` and write the JSON to ``path`` (deterministic bytes). Returns
        the trace. Raises :class:`UserError` if the file cannot be written."""
        data = self.finish()
        text = json.dumps(data, separators=(",", ":"), sort_keys=True)
        try:
            with open(path, "w", encoding="ascii") as f:
                f.write(text)
                f.write("\n")
        except OSError as e:
            raise UserError(f"cannot write {str(path)!r}: {e.strerror}") from None
        return data

    def summary(self) -> str:
        """One line for the user: how many events, and whether a bound cut the run."""
        s = f"timeline: {len(self.events)} events"
        if self.truncated is not None:
            s += (f"; stopped at cycle {self.truncated}: the limit of {self.max_events} "
                  "events was reached (use --timeline-window A:B or "
                  "--timeline-max-events N)")
        if self.dropped:
            s += f"; {self.dropped} engine records were lost"
        return s
