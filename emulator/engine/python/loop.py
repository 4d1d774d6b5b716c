"""The Python reference engine: a readable implementation of ``isa/ISA.md`` and of the
engine rules in ``emulator/engine/contract.py``.

Layout: ``cpu`` holds the CPU state (registers, banks, TLB, timer), ``exec`` the
instruction handlers (one builder per instruction class, cached per instruction word),
``csr`` control registers and rfe, ``devices`` the engine-owned devices, ``mmu``
memory translation, ``trap`` trap entry, VM exits and interrupt delivery; this
module (the loop) has the scheduler (``run``: quanta, idle batches, fast-forward, IDLE), MMIO
completion, watchpoints, state access and snapshots.

Speed: the hot loop keeps pc, ring, cycle and a fetch-page cache in locals; fetch and
useg load/store pages are cached per CPU. The caches are flushed when the TLB, the
context (V, ASID, VMID, second stage) changes (``Cpu.flush_xlate``), and lose their
kseg/non-U pages when the ring becomes less privileged (``Cpu.drop_privileged``);
instructions that change such state leave the hot loop by raising ``Resync``.

Readings of the specification where the text leaves a choice (kept identical in the
native engine; see the report of the engine work):

- status.RING of a copy that is not in use: the host copy reads RING = -1 while a
  guest runs; the guest copy reads RING = 0 while the host runs.
- Writes to the host copy of ``ipend`` are ignored (the CSR is "rw" in the table, the
  lines are acknowledged at the device); the guest copy keeps only the VIRQ bit. A guest
  reading ``ipend`` sees only its VIRQ bit.
- ``hinsn`` is the word of the instruction being executed for every exit caused by one
  (0 for a fetch fault and for IRQ); ``hbadvaddr``, ``hgpa`` and ``hqual`` are set only
  where the exit reason lists them (0 otherwise).
- ``hctl.CSR`` makes guest-ring-0 accesses to *banked* CSRs exit (cycle/cycleh do not).
- ``cas`` reports its faults as a store (MISALIGNED_STORE, TLB_*_STORE, hqual = 2).
- In a guest, every bus error (a host-physical address outside RAM, or a bad device
  access under DEVPASS) is a GPA_FAULT exit; a second-stage address outside RAM
  (``hbase + gpa >= ram_size``) is a GPA_FAULT too, never a device.
- ``rfe`` in ring -1 also sets ``hstatus.PIE`` to 1 (as in ring 0).
- A trap to a guest ring 0 whose ``tvec`` is 0 becomes exit EXCEPTION (ISA.md §8).
- Invalidated TLB entries are cleared to all zeros.
- ``tlb_hits`` counts a match even when the permission check then fails.
- ``timer_fires`` counts latches of the TIMER line (clear -> pending), not every step in
  which a due timer is re-checked.
- ``schedule_line`` with ``at_cycle`` already past latches the line immediately;
  ``at_cycle`` equal to the CPU's cycle fires at the start of its next step.
- A Python device page: the engine checks only the access size (``lw``/``sw``); the
  register offset is the Python device's business (``complete_mmio(bus_error=True)``).
- CSR checks run in the order: unknown number (ILLEGAL, also in a guest under
  ``hctl.CSR``), ring (PRIVILEGED or the §8 exits), write to a read-only CSR (ILLEGAL).
- An exception taken in ring -1 leaves ``hgpa``, ``hinsn`` and ``hqual`` unchanged.
- IPI START of a stopped CPU sets only pc, ring 0, V 0 and host IE 0; a waiting CPU is
  not "stopped" and is left alone. SEND to a missing CPU is not counted in ipis_sent.
- ``CpuState.csr`` has no cycle/cycleh (they are ``CpuState.cycle``); its status values
  include RING; ``csr[ipend]`` is the latched lines (= ``CpuState.ipend``, no CONSOLE).
- A breakpoint stop happens after the step's timed events fired; resuming starts the
  step again, so a timer with INTERVAL = 0 that is due fires (and is counted) again.
"""
from __future__ import annotations

import sys

from ringvm.isa import ISA

from ..contract import (CPU_ARRAY_COUNTERS, CPU_COUNTERS, DEVICE_COUNTERS, CpuState, Engine,
                        MachineConfig, MmioRequest, Stop, StopReason, WatchHit, Watchpoint)
from .cpu import INF, M32, RUNNING, WAITING, Cpu, field_ring
from .devices import DEVICES, TIMER_BIT, Halt, Uart
from .exec import CAS, FETCH, LOAD, MIS, STORE, Builder
from .flow import MachineCheck, MmioStop, Resync, Trap, VmExit, WatchStop
from .mmu import DEV_PAGE, MmuMixin
from .trap import TrapMixin

if sys.byteorder != "little":   # pragma: no cover
    raise ImportError("the Python engine needs a little-endian host")

C_MIS_FETCH = MIS[FETCH]
ICACHE_LIMIT = 1 << 16   # decoded handlers kept per CPU

_ALL_IDLE = object()     # _run_cpu: this CPU is idle; the caller decides IDLE / fast-forward


class PythonEngine(MmuMixin, TrapMixin, Engine):
    """The reference engine. See the module docstring and ``engine.py``."""

    name = "python"

    def __init__(self, config: MachineConfig, ram: bytearray):
        if len(ram) != config.ram_size:
            raise ValueError("ram size does not match config.ram_size")
        if config.quantum < 1 or config.ncpus < 1 or config.tlb_entries < 1:
            raise ValueError("quantum, ncpus and tlb_entries must be at least 1")
        self.config = config
        self.ram = ram
        self.ram_size = config.ram_size
        mv = memoryview(ram)
        self.mv32 = mv.cast("I")
        self.mv16 = mv.cast("H")
        self.quantum = config.quantum
        self.cpus = [Cpu(i, config.tlb_entries) for i in range(config.ncpus)]
        self.builders = [Builder(self, c) for c in self.cpus]
        self.python_pages = frozenset(config.python_device_pages)
        self.uart = Uart()
        self.start_pc = 0
        self.dev_counters = {k: 0 for k in DEVICE_COUNTERS}
        self.cur = 0
        self.left = self.quantum
        self.breakpoints: frozenset[int] = frozenset()
        self.watches: list[Watchpoint] = []
        self.pending_watch: WatchHit | None = None
        self.pending_mmio: dict | None = None
        self.halted: int | None = None
        self.halt_cpu = 0
        self.machine_check: str | None = None
        self.mcheck_cpu = 0

    # ================================================================ timed events
    def _fire(self, cpu, c):
        """Timed events due at cycle ``c`` (start of a step)."""
        if cpu.t_enabled and c >= cpu.t_compare:
            if not cpu.ipend & TIMER_BIT:      # count latches, not re-checks of a due timer
                self.dev_counters["timer_fires"] += 1
            cpu.ipend |= TIMER_BIT
            if cpu.t_interval > 0:
                cpu.t_compare += cpu.t_interval
                if cpu.t_compare <= c:
                    cpu.t_compare = c + cpu.t_interval
        if cpu.events:
            keep = []
            for at, line in cpu.events:
                if at <= c:
                    cpu.ipend |= 1 << line
                else:
                    keep.append((at, line))
            cpu.events = keep
        cpu.pending = cpu.ipend | cpu.level
        cpu.update_next_event()

    def _horizon(self, cpu) -> tuple[int, bool]:
        """For an idle CPU: (cycle at which its next state-changing timed event is due,
        or INF; whether its timer fires every step without changing anything)."""
        n = INF
        for at, _line in cpu.events:
            n = min(n, at)
        noop = False
        if cpu.t_enabled:
            if cpu.t_interval == 0 and cpu.t_compare <= cpu.cycle and cpu.ipend & TIMER_BIT:
                noop = True
            else:
                n = min(n, cpu.t_compare)
        return n, noop

    # ================================================================ running
    def run(self, max_steps: int) -> Stop:
        if self.halted is not None:
            return Stop(StopReason.HALT, cpu=self.halt_cpu, steps=0, exit_code=self.halted)
        if self.machine_check is not None:
            return Stop(StopReason.MACHINE_CHECK, cpu=self.mcheck_cpu, steps=0,
                        detail=self.machine_check)
        if self.pending_mmio is not None:
            return Stop(StopReason.MMIO, cpu=self.pending_mmio["cpu"], steps=0,
                        mmio=self._mmio_request())
        if self.pending_watch is not None:      # a watched MMIO access completed
            hit, self.pending_watch = self.pending_watch, None
            return Stop(StopReason.WATCHPOINT, cpu=hit.cpu, steps=0, watch=hit)
        steps = 0
        cpus = self.cpus
        while steps < max_steps:
            cpu = cpus[self.cur]
            done, stop = self._run_cpu(cpu, min(self.left, max_steps - steps))
            steps += done
            self._consume(done)
            if stop is None:
                continue
            if stop is _ALL_IDLE:
                if not any(c.t_enabled or c.events for c in cpus):
                    return Stop(StopReason.IDLE, cpu=cpu.index, steps=steps)
                # the current step of this CPU is an idle cycle; then skip ahead
                cpu.cycle += 1
                cpu.c_idle += 1
                cpu.bp_skip = False
                steps += 1
                self._consume(1)
                steps += self._fast_forward(max_steps - steps)
                continue
            stop.steps = steps
            return stop
        return Stop(StopReason.MAX_STEPS, cpu=self.cur, steps=steps)

    def _consume(self, n):
        self.left -= n
        if self.left <= 0:
            self.cur = (self.cur + 1) % len(self.cpus)
            self.left = self.quantum

    def _fast_forward(self, room: int) -> int:
        """Every CPU is idle and some timed event is pending: advance all CPUs by whole
        idle steps, in scheduling order, up to the step at which the first event is due
        (or ``room`` steps). Equal to stepping them one by one."""
        cpus, n, q = self.cpus, len(self.cpus), self.quantum
        best = INF
        for i, c in enumerate(cpus):
            at, _noop = self._horizon(c)
            if at >= INF:
                continue
            k = max(0, at - c.cycle)            # steps of CPU i before the event step
            d = (i - self.cur) % n
            if d == 0:
                if k < self.left:
                    g = k
                else:
                    k2 = k - self.left
                    g = self.left + (n - 1) * q + (k2 // q) * n * q + k2 % q
            else:
                g = self.left + (d - 1) * q + (k // q) * n * q + k % q
            best = min(best, g)
        s = min(best, room)
        if s <= 0:
            return 0
        # distribute s steps over the CPUs in scheduling order
        per = [0] * n
        left = s
        t = min(left, self.left)
        per[self.cur] += t
        left -= t
        cur, cleft = self.cur, self.left - t
        if cleft == 0:
            cur, cleft = (cur + 1) % n, q
        if left:
            rounds = left // (n * q)
            for i in range(n):
                per[i] += rounds * q
            left -= rounds * n * q
            while left:
                t = min(left, cleft)
                per[cur] += t
                left -= t
                cleft -= t
                if cleft == 0:
                    cur, cleft = (cur + 1) % n, q
        for i, c in enumerate(cpus):
            if per[i]:
                c.cycle += per[i]
                c.c_idle += per[i]
                c.bp_skip = False
        self.cur, self.left = cur, cleft
        return s

    def _run_cpu(self, cpu, n):
        """Run up to ``n`` steps of one CPU (within its quantum). Returns (steps done,
        None | Stop | _ALL_IDLE).

        The hot loop keeps pc, ring, cycle, the fetch micro-cache and the retired count
        in locals. Anything that may change them (a trap, an interrupt, an instruction
        of class system/tlb/csr that raises :class:`Resync`) leaves the inner loop
        through ``sync`` and reloads them; device side effects reach the loop through
        ``cpu.pending`` and ``cpu.next_event``, read every step.
        """
        done = 0
        icache = cpu.icache
        build = self.builders[cpu.index].build
        mv32 = self.mv32
        bps = self.breakpoints
        rbr = cpu.c_retired_by_ring
        fetch_slow = self._fetch_slow
        while done < n:
            # ---- slow prologue: events, waiting/stopped, interrupts (state from cpu)
            c = cpu.cycle
            if c >= cpu.next_event:
                self._fire(cpu, c)
            if cpu.mode:
                if cpu.mode == WAITING and self._wake(cpu):
                    cpu.mode = RUNNING
                    if cpu.tl is not None:
                        cpu.tl_ctx(c)
                else:
                    if all(self._idle_cpu(o) for o in self.cpus):
                        return done, _ALL_IDLE
                    # only this CPU's own events can change anything during its quantum
                    at, _noop = self._horizon(cpu)
                    k = min(n - done, max(1, at - c))
                    cpu.cycle = c + k
                    cpu.c_idle += k
                    cpu.bp_skip = False
                    done += k
                    continue
            if (cpu.pending or cpu.guest.ipend) and self._deliver(cpu):
                cpu.cycle = c + 1
                if cpu.tl is not None:
                    cpu.tl_ctx(c + 1)
                cpu.bp_skip = False
                done += 1
                continue
            pc = cpu.pc
            ring = cpu.ring
            skip = cpu.bp_skip
            imask = self._irq_mask(cpu)
            fkey, fbase, fuseg = cpu.f_vpage << 12, cpu.f_base, cpu.f_useg
            retired = 0
            fhits = 0
            word = 0
            stop = None
            try:
                # ---- hot loop: one instruction per iteration
                while done < n:
                    if bps and pc in bps and not skip:
                        skip = True
                        stop = Stop(StopReason.BREAKPOINT, cpu=cpu.index,
                                    detail=f"0x{pc:08x}")
                        break
                    cpu.cycle = c
                    if pc & 0xFFFFF003 == fkey:
                        word = mv32[(fbase | (pc & 0xFFF)) >> 2]
                        fhits += fuseg
                    else:
                        word = 0
                        if pc & 3:
                            raise Trap(C_MIS_FETCH, pc)
                        word = fetch_slow(cpu, pc)
                        fkey, fbase, fuseg = cpu.f_vpage << 12, cpu.f_base, cpu.f_useg
                    h = icache.get(word)
                    if h is None:
                        if len(icache) >= ICACHE_LIMIT:   # bounded, whatever the guest runs
                            icache.clear()
                        h = icache[word] = build(word)
                    pc = h(pc)
                    retired += 1
                    c += 1
                    done += 1
                    skip = False
                    if c >= cpu.next_event or cpu.pending & imask:
                        break                       # the prologue fires / delivers
            except Resync as r:             # system/tlb/csr instruction retired
                pc = r.npc
                retired += 1
                c += 1
                done += 1
                skip = False
            except Trap as t:
                stop = self._sync_trap(cpu, pc, c, lambda: self._exception(
                    cpu, t.cause, t.bad, pc, word))
                if stop is None:
                    c += 1
                    done += 1
                    skip = False
                pc = cpu.pc
            except VmExit as e:
                stop = self._sync_trap(cpu, pc, c, lambda: self._vmexit(
                    cpu, e.reason, pc, bad=e.bad, gpa=e.gpa,
                    insn=word if e.insn else 0, qual=e.qual))
                if stop is None:
                    c += 1
                    done += 1
                    skip = False
                pc = cpu.pc
            except WatchStop as ws:         # a watched access retired
                pc = ws.npc
                retired += 1
                c += 1
                done += 1
                skip = False
                stop = Stop(StopReason.WATCHPOINT, cpu=cpu.index, watch=ws.hit)
            except MachineCheck as m:
                stop = self._mcheck(cpu, m)
            except MmioStop as ms:
                self.pending_mmio = {"cpu": cpu.index, "paddr": ms.paddr,
                                     "is_write": ms.is_write, "value": ms.value & M32,
                                     "size": 4, "rd": ms.rd, "va": ms.va, "word": word}
                stop = Stop(StopReason.MMIO, cpu=cpu.index, mmio=self._mmio_request())
            except Halt as hl:
                pc = (pc + 4) & M32
                retired += 1
                c += 1
                done += 1
                skip = False
                self.halted = hl.code & M32
                self.halt_cpu = cpu.index
                stop = Stop(StopReason.HALT, cpu=cpu.index, exit_code=self.halted)
            # ---- sync the locals back (a machine check leaves pc and cycle as they were)
            cpu.c_retired += retired
            rbr[ring + 1] += retired
            cpu.c_tlb_hits += fhits
            cpu.pc = pc
            cpu.cycle = c
            cpu.bp_skip = skip
            if cpu.tl is not None:           # rfe, wfi, a csr write, a trap: new context?
                cpu.tl_ctx(c)
            if stop is not None:
                return done, stop
        return done, None

    def _sync_trap(self, cpu, pc, c, deliver):
        """Run a trap entry / VM exit for the step at ``pc``; a machine check stops."""
        cpu.pc = pc
        cpu.cycle = c
        try:
            deliver()
        except MachineCheck as m:
            return self._mcheck(cpu, m)
        return None

    def _mcheck(self, cpu, m: MachineCheck) -> Stop:
        self.machine_check = m.detail
        self.mcheck_cpu = cpu.index
        return Stop(StopReason.MACHINE_CHECK, cpu=cpu.index, detail=m.detail)

    def _mmio_request(self) -> MmioRequest:
        p = self.pending_mmio
        return MmioRequest(cpu=p["cpu"], paddr=p["paddr"], is_write=p["is_write"],
                           value=p["value"], size=p.get("size", 4))

    def complete_mmio(self, value: int = 0, bus_error: bool = False) -> None:
        p = self.pending_mmio
        if p is None:
            raise RuntimeError("no MMIO access is pending")
        self.pending_mmio = None
        cpu = self.cpus[p["cpu"]]
        pc = cpu.pc
        ring = cpu.ring
        va, word = p.get("va"), p.get("word")
        if va is None or word is None:      # restored from a snapshot: recompute
            word = self._peek_word(cpu, pc)
            d = ISA.decode(word)
            f = d[1] if d else {}
            va = (cpu.regs[f.get("rs1", 0)] + f.get("imm", 0)) & M32
        try:
            if bus_error:
                self.bus_error(cpu, va, p["paddr"], STORE if p["is_write"] else LOAD)
            if not p["is_write"] and p["rd"]:
                cpu.regs[p["rd"]] = value & M32
            if self.watches:
                try:
                    self.watch_check(cpu, va, p["paddr"], 4, STORE if p["is_write"] else LOAD,
                                     0)
                except WatchStop as ws:
                    self.pending_watch = ws.hit
            cpu.pc = (pc + 4) & M32
            cpu.c_retired += 1
            cpu.c_retired_by_ring[ring + 1] += 1
        except Trap as t:
            try:
                self._exception(cpu, t.cause, t.bad, pc, word)
            except MachineCheck as m:
                self._mcheck(cpu, m)
                return
        except VmExit as e:
            try:
                self._vmexit(cpu, e.reason, pc, bad=e.bad, gpa=e.gpa, insn=word,
                             qual=e.qual)
            except MachineCheck as m:
                self._mcheck(cpu, m)
                return
        cpu.cycle += 1
        cpu.bp_skip = False
        if cpu.tl is not None:
            cpu.tl_ctx(cpu.cycle)
        if self.cur == cpu.index:
            self._consume(1)

    def _peek_word(self, cpu, pc) -> int:
        pa, _ = self.translate(cpu.index, pc, "fetch")
        if pa is None or pa >= self.ram_size:
            return 0
        return self.mv32[pa >> 2]

    def set_breakpoints(self, addresses: set[int]) -> None:
        self.breakpoints = frozenset(a & M32 for a in addresses)

    def set_watchpoints(self, watches: list[Watchpoint]) -> None:
        """Arm watchpoints. While any is armed, loads/stores/cas are built as checked
        handlers (``Builder.watched``); with none the fast handlers come back."""
        self.watches = list(watches)
        for c in self.cpus:
            c.icache.clear()

    def watch_check(self, cpu, va, pa, size, kind, npc):
        """After a retired access: raise WatchStop for the lowest-numbered watchpoint it
        touches. ``cas`` is a read and a write (reported as a write if the watchpoint
        watches writes)."""
        for i, w in enumerate(self.watches):
            if kind == LOAD:
                if not w.on_read:
                    continue
            elif kind == STORE:
                if not w.on_write:
                    continue
            elif not (w.on_read or w.on_write):
                continue
            a = pa if w.physical else va
            if a < w.hi and a + size > w.lo:
                is_write = kind == STORE or (kind == CAS and w.on_write)
                raise WatchStop(WatchHit(i, cpu.index, va, pa, size, is_write), npc)

    # ================================================================ state
    def get_cpu(self, cpu: int) -> CpuState:
        return self.cpus[cpu].to_state()

    # ================================================================ timeline log
    def timeline_start(self, capacity: int) -> None:
        self._tl = []
        self._tl_cap = max(1, capacity)
        for c in self.cpus:
            c.tl = self._tl
            c.tl_key = c.tl_key_now()

    def timeline_drain(self):
        log = getattr(self, "_tl", None)
        if not log:
            return [], 0
        keep = log[:self._tl_cap]          # the capacity, as the native log has one
        dropped = len(log) - len(keep)
        log.clear()
        return keep, dropped

    def timeline_stop(self) -> None:
        self._tl = None
        for c in self.cpus:
            c.tl = None

    def cpu_cycle(self, cpu: int) -> int:
        return self.cpus[cpu].cycle

    def set_cpu(self, cpu: int, state: CpuState) -> None:
        c = self.cpus[cpu]
        c.from_state(state)
        if cpu == 0:
            self.update_console_line()

    def counters(self) -> dict:
        return {"cpus": [c.counters() for c in self.cpus], "devices": dict(self.dev_counters)}

    # ================================================================ devices
    def console_input(self, data: bytes) -> None:
        self.uart.rx += data
        self.update_console_line()

    def console_eof(self) -> None:
        self.uart.eof = True
        self.update_console_line()

    def console_output(self) -> bytes:
        out = bytes(self.uart.tx)
        self.uart.tx.clear()
        return out

    def raise_line(self, cpu: int, line: int) -> None:
        c = self.cpus[cpu]
        c.ipend |= 1 << line
        c.pending = c.ipend | c.level

    def clear_line(self, cpu: int, line: int) -> None:
        c = self.cpus[cpu]
        c.ipend &= ~(1 << line)
        c.pending = c.ipend | c.level

    def schedule_line(self, cpu: int, line: int, at_cycle: int) -> None:
        c = self.cpus[cpu]
        if at_cycle < c.cycle:
            self.raise_line(cpu, line)
            return
        c.events.append((at_cycle, line))
        c.update_next_event()

    # ================================================================ snapshot
    def snapshot(self) -> dict:
        import dataclasses
        events = []
        for c in self.cpus:
            for at, line in c.events:
                events.append([c.index, line, at])
        events.sort(key=lambda e: e[2])     # stable: same-cycle order kept per CPU
        p = self.pending_mmio
        return {
            "cpus": [dataclasses.asdict(c.to_state()) for c in self.cpus],
            "sched": {"cpu": self.cur, "left": self.left},
            "events": events,
            "uart": {"rx": self.uart.pending_bytes(), "eof": self.uart.eof,
                     "ctrl": self.uart.ctrl, "tx": bytes(self.uart.tx)},
            "start_pc": self.start_pc,
            "bp_skip": [c.bp_skip for c in self.cpus],
            "pending_mmio": None if p is None else {
                "cpu": p["cpu"], "paddr": p["paddr"], "is_write": p["is_write"],
                "value": p["value"], "size": p.get("size", 4), "rd": p["rd"]},
            "halted": self.halted,
            "machine_check": self.machine_check,
            "counters": self.counters(),
        }

    def restore(self, snap: dict) -> None:
        for c, s in zip(self.cpus, snap["cpus"]):
            st = s if isinstance(s, CpuState) else CpuState(**s)
            c.events = []
            c.from_state(st)
            c.icache.clear()
        for cpu, line, at in snap["events"]:
            self.cpus[cpu].events.append((at, line))
        for c in self.cpus:
            c.update_next_event()
        self.cur = snap["sched"]["cpu"]
        self.left = snap["sched"]["left"]
        if self.left <= 0:
            self._consume(0)
        u = snap["uart"]
        self.uart.set_rx(u["rx"])
        self.uart.eof = bool(u["eof"])
        self.uart.ctrl = u["ctrl"]
        self.uart.tx = bytearray(u["tx"])
        self.update_console_line()
        self.start_pc = snap["start_pc"]
        for c, b in zip(self.cpus, snap["bp_skip"]):
            c.bp_skip = bool(b)
        p = snap.get("pending_mmio")
        self.pending_mmio = None if p is None else dict(p)
        self.halted = snap.get("halted")
        self.machine_check = snap.get("machine_check")
        cnt = snap["counters"]
        for c, cc in zip(self.cpus, cnt["cpus"]):
            c.set_counters(cc)
        self.dev_counters = {k: cnt["devices"][k] for k in DEVICE_COUNTERS}

    # ================================================================ inspection
    def translate(self, cpu: int, vaddr: int, access: str) -> tuple[int | None, str]:
        c = self.cpus[cpu]
        kind = {"fetch": FETCH, "load": LOAD, "store": STORE}[access]
        vaddr &= M32
        if kind == FETCH and vaddr & 3:
            return None, ISA.cause_name(MIS[FETCH])
        saved = (c.c_tlb_hits, c.c_tlb_misses, c.bank().tlbhi)
        try:
            pa = self.xlate(c, vaddr, kind)
        except Trap as t:
            return None, ISA.cause_name(t.cause)
        except VmExit as e:
            return None, ISA.exit_reason_name(e.reason)
        except MachineCheck:
            return None, "MACHINE_CHECK"
        finally:
            c.c_tlb_hits, c.c_tlb_misses, c.bank().tlbhi = saved
        if pa >= self.ram_size:
            page = pa & ~(DEV_PAGE - 1)
            if page not in DEVICES and page not in self.python_pages:
                return None, "GPA_FAULT" if c.v else "BUS_ERROR"
        return pa, ""



# sanity: the counter layout this engine produces is the contract's
assert set(Cpu(0, 4).counters()) == set(CPU_COUNTERS) | set(CPU_ARRAY_COUNTERS)
assert field_ring(0b111) == -1 and INF > 1 << 64

__all__ = ["PythonEngine"]
