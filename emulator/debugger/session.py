"""``ringvm debug``: a single-step debugger for every ring, over the Machine API.

Use from Python (tests, the grader)::

    from ringvm.emulator.debugger import Debugger
    dbg = Debugger.open("hello", engine="native")   # or Debugger(machine, out, elf=...)
    dbg.execute("break syscall")
    dbg.execute("continue")
    text = dbg.command("info registers")     # one command's output as a string

Commands are gdb's where gdb has one (``help`` lists them): ``commands.py`` (the table,
dispatch, help), ``cmd_run.py`` (stepping, continue, reverse), ``cmd_points.py``
(breakpoints, watchpoints, catchpoints), ``cmd_data.py`` (print, x, set, display),
``cmd_stack.py`` (backtrace, frames, disassemble, list), ``cmd_info.py`` (``info ...``),
with helpers in ``common.py`` and the data they share in ``model.py``; the context shown
at every stop is drawn by ``view.py``; expressions are in ``expr.py``; checkpoints,
re-execution and the search for earlier steps in ``timeline.py``.

Running. ``continue`` runs the engine in big batches with the breakpoints (and
watchpoints, where the engine supports them) armed *in the engine*, so an unarmed run
is as fast as ``ringvm boot``. Catchpoints (trap, syscall, vmexit, ring, interrupt)
are found by comparing counters between moderate batches and narrowing a batch that
contains one by re-running it from a checkpoint in small pieces and then single steps.

Time and reverse execution. The debugger's clock is ``Machine.steps`` (all CPUs). A
checkpoint is the engine snapshot, the RAM (64 KiB chunks, compressed, shared with the
previous checkpoint when unchanged), the Python devices' state and the console's. They
are taken periodically while running (at most a few percent of the run time), at stops,
and after every change the user makes to the machine (``set``, ``input``): the machine
being deterministic, any earlier moment is reached again by restoring the nearest
checkpoint and re-executing exactly the missing number of steps. Changes made by the
user are *edits of the timeline*: running forward across the moment of an edit applies
it again (from its checkpoint), and an edit in the past discards the old future.
Memory is bounded: checkpoints are thinned (never the first one or an edit's).
"""
from __future__ import annotations

import io
import time

from ringvm.isa import ISA

from ..engine import StopReason
from .commands import dispatch
from .expr import DebugError, Phys
from .model import Breakpoint, Catch, DebugConsole, Event, StopInfo, Watch
from .timeline import Checkpoint, Timeline, _cpu_work
from .view import View

__all__ = ["Debugger", "DebugError", "DebugConsole"]

SYSCALL = ISA.causes["SYSCALL"].value
#: why a run stopped when the guest idles waiting for console input nobody gave
WAITING_INPUT = ("guest is waiting for console input: type it with 'input TEXT' (or "
                 "'input --eof' to close it)")
HYPERCALL_EXIT = ISA.exit_reasons["HYPERCALL"].value


class Debugger(Timeline):
    """A command shell over a :class:`Machine`. ``out``: text stream for everything
    (debugger and guest console output); ``elf``: the ``ElfImage`` (for the line table
    and section symbols; optional); ``color``: ANSI styles; ``width``: columns.

    The machine's console should be a :class:`DebugConsole` (``make_console``) so that
    guest output reaches ``out`` in order; any other console keeps working on its own.
    """

    def __init__(self, machine, out=None, *, elf=None, color: bool = False, width: int = 100,
                 source_root=None, height: int | None = None):
        import sys
        self.m = machine
        self.eng = machine.engine
        self.out = out if out is not None else sys.stdout
        self.elf = elf
        self.color = color
        self.width = width
        #: terminal rows (None: unknown); below 40 the context is drawn compact so
        #: that it fits with the stop line and the prompt (80x24 fits)
        self.height = height
        self.cur = 0
        self.points: dict[int, object] = {}
        self._next_num = 1
        self.checkpoints: list[Checkpoint] = []
        self._ckpt_cost = 0.0
        self._last_ckpt_wall = time.monotonic()
        self.events: list[Event] = []
        self.stop: StopInfo | None = None
        self.interrupted = False
        self._guest_partial = False
        self._prev_regs: dict[int, list[int]] = {}
        self._hist: tuple[int, int, list[int], int] | None = None   # cpu, lo, times, hi
        self._armed_bps: set[int] | None = None
        self._armed_watches: list | None = None
        self._want = (set(), [])
        self._capture: bytearray | None = None
        self._halt_code = None
        #: interactive use: ``input_poll(timeout) -> bytes | None`` gives keys typed
        #: while the guest runs (sent to its console); None: no live input
        self.input_poll = None
        self._stop_ckpt_due = False
        self._decoder = None
        self.native = machine.engine_kind == "native"
        #: steps in a row idle with nothing to read after which a run stops with
        #: "guest is waiting for console input" (a sleeping guest wakes far sooner)
        self.idle_input_steps = 20_000_000 if self.native else 2_000_000
        #: set when a run stopped for that (``ringvm debug --batch`` then fails)
        self.waiting_for_input = False
        self.batch = 2_000_000 if self.native else 100_000
        self.catch_batch = 200_000 if self.native else 20_000
        self.stop_ckpt_gap = 100_000 if self.native else 10_000
        self._symbols_sorted = None
        from .usersyms import UserSymbols
        #: user programs' symbols (add-symbol-file; the current process's program)
        self.user = UserSymbols(self)
        self.view = View(self)
        if isinstance(machine.console, DebugConsole):
            machine.console._sink = self._guest_output
        machine._start()
        self._remember_regs()
        self._checkpoint(edit=True)

    @classmethod
    def open(cls, guest: str | None = None, engine: str = "auto", out=None, *,
             input: bytes | None = None, ncpus: int | None = None, ram: str | None = None,
             disks: list | None = None, **kw) -> "Debugger":
        """A Debugger over a fresh Machine running ``guest`` (a bundled guest name, a
        ``.s`` or an ELF file; None: the default guest), with the guest's defaults (CPUs,
        RAM, disk; a disk's writes are kept in memory). ``input``: console input, then
        end of input. Close with ``dbg.m.close()``. Raises ``UserError``."""
        from ringvm.assembler.elf import read_elf

        from ..images import MachineOptions, machine_for, resolve
        image = resolve(guest)
        opts = MachineOptions(engine=engine, ncpus=ncpus, ram=ram, disks=disks, snapshot=True)
        m = machine_for(image, opts, cls.make_console(input=input, eof=input is not None))
        try:
            dbg = cls(m, out if out is not None else io.StringIO(), elf=read_elf(image.elf),
                      **kw)
            dbg.use_programs_of(image)
            return dbg
        except BaseException:
            m.close()
            raise

    def use_programs_of(self, image) -> None:
        """Name user addresses with the programs of ``image``'s disk (a
        :class:`~ringvm.emulator.images.BootImage`; its ``[disk] programs``)."""
        from ..images.symbols import for_guest
        sym = for_guest(image)
        if sym.programs is not None:
            self.user.source = sym.program_elf

    @staticmethod
    def make_console(input: bytes | None = None, eof: bool = False) -> DebugConsole:
        """A console for a Machine that a Debugger will drive (output rerouted later)."""
        return DebugConsole(lambda data: None, input=input, eof=eof)

    # ------------------------------------------------------------ output
    def _guest_output(self, data: bytes) -> None:
        if self._decoder is None:
            import codecs
            self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        text = self._decoder.decode(data)
        if not text:
            return
        self.out.write(text)
        self._guest_partial = not text.endswith("\n")
        try:
            self.out.flush()
        except (AttributeError, ValueError, OSError):
            pass

    def write(self, text: str = "") -> None:
        """One block of debugger output (a newline first if the guest left a partial
        line)."""
        if self._guest_partial:
            self.out.write("\n")
            self._guest_partial = False
        self.out.write(text if text.endswith("\n") else text + "\n")
        try:
            self.out.flush()
        except (AttributeError, ValueError, OSError):
            pass

    def error(self, text: str) -> None:
        self.write(f"error: {text}")

    # ------------------------------------------------------------ commands
    def execute(self, line: str) -> bool:
        """Run one command line; False when the user asked to quit. Never raises for
        user input: errors print one line."""
        try:
            return dispatch(self, line)
        except DebugError as e:
            self.error(str(e))
        except KeyboardInterrupt:
            self.interrupted = False
            self.write("interrupted")
        except Exception as e:  # noqa: BLE001 - the debugger never dies on user input
            from ringvm.errors import UserError
            if isinstance(e, UserError):
                self.error(str(e))
            else:
                self.error(f"internal error: {type(e).__name__}: {e}")
        return True

    def command(self, line: str) -> str:
        """Run one command and return what it printed (guest output included)."""
        saved, buf = self.out, io.StringIO()
        self.out = buf
        try:
            self.execute(line)
        finally:
            self.out = saved
        return buf.getvalue()

    def run_script(self, lines) -> bool:
        """Run command lines (``-x FILE``); echo each as ``(rdb) line``. False if one
        was ``quit``."""
        for raw in lines:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            self.write(f"(rdb) {line}")
            if not self.execute(line):
                return False
        return True

    # ------------------------------------------------------------ state helpers
    @property
    def now(self) -> int:
        return self.m.steps

    def cpu(self, i: int | None = None):
        return self.m.cpu(self.cur if i is None else i)

    def counters(self) -> list[dict]:
        """The engine's per-CPU counters, each with the software events that CPU
        emitted (``"events"``: code -> count) for the event catchpoints."""
        cpus = self.eng.counters()["cpus"]
        for (cpu, code), n in self.m.events.counts.items():
            cpus[cpu].setdefault("events", {})[code] = n
        return cpus

    def user_symbol_names(self) -> list[str]:
        """The symbols of the loaded user programs (completion)."""
        return self.user.names()

    def syscall_names(self) -> dict[int, str]:
        """``number -> name`` of the system calls the kernel implements from the ABI
        table (guests/abi.toml; {} for a guest with calls of its own)."""
        if getattr(self, "_sysnames", None) is None:
            from ..images.abi import syscall_names_for
            self._sysnames = syscall_names_for(self.m.symbols)
        return self._sysnames

    def halted(self) -> bool:
        return self._halt_code is not None

    def _remember_regs(self) -> None:
        self._prev_regs = {i: list(self.m.cpu(i).regs) + [self.m.cpu(i).pc]
                           for i in range(self.m.config.ncpus)}

    # ------------------------------------------------------------ stepping
    def step_cpu(self, k: int, record: bool = True):
        """One non-idle step of CPU ``k`` (an instruction, a trap or an interrupt
        taken); other CPUs run their steps in between. Returns the last Stop, or None
        if CPU ``k`` cannot step."""
        self._arm(set(), [])
        st = self.m.cpu(k)
        if st.mode == "stopped":
            raise DebugError(f"cpu {k} is stopped (not started yet, or halted)")
        c0 = self.counters()
        w0 = _cpu_work(c0[k])
        pre = {k: st} if record else {}
        limit = 50_000_000
        stop = None
        for _ in range(limit):
            t = self.now
            stop = self._run_engine(1)
            c1 = self.counters()
            if record:
                self._record_events(t, c0, c1, pre)
            if _cpu_work(c1[k]) > w0:
                return stop
            if stop.reason in (StopReason.HALT, StopReason.MACHINE_CHECK, StopReason.IDLE):
                return stop
            if self.interrupted:
                return stop
            c0 = c1
            pre = {k: self.m.cpu(k)} if record else {}
        return stop

    def _record_events(self, t, c0, c1, pre) -> list[Event]:
        """Events of one step (counter diffs): traps, interrupts, exits, ring changes."""
        new = []
        for i, (a, b) in enumerate(zip(c0, c1)):
            if a["cycles"] == b["cycles"]:
                continue
            for code, (x, y) in enumerate(zip(a["traps_by_cause"], b["traps_by_cause"])):
                if y > x:
                    new.append(self._trap_event(t, i, "trap", ISA.cause_names.get(code, code)))
            for line, (x, y) in enumerate(zip(a["interrupts_by_line"], b["interrupts_by_line"])):
                if y > x:
                    new.append(self._trap_event(t, i, "interrupt", ISA.line_names.get(line, line)))
            for r, (x, y) in enumerate(zip(a["vmexits_by_reason"], b["vmexits_by_reason"])):
                if y > x:
                    new.append(self._trap_event(t, i, "vmexit", ISA.exit_reason_names.get(r, r)))
            ev_a = a.get("events", {})
            for code, y in b.get("events", {}).items():
                if y > ev_a.get(code, 0):
                    a0, a1 = self.m.events.args.get(i, [0, 0])
                    new.append(Event(t, i, f"event {ISA.event_names.get(code, code)} (arg0 "
                                           f"0x{a0:x}, arg1 0x{a1:x}) at pc "
                                           f"0x{self.m.cpu(i).pc:08x}"))
            if i in pre and not new:
                post = self.m.cpu(i)
                if (post.ring, post.v) != (pre[i].ring, pre[i].v):
                    new.append(Event(t, i, f"{self.view.level(pre[i])} -> "
                                           f"{self.view.level(post)} at pc 0x{post.pc:08x} "
                                           f"(from 0x{pre[i].pc:08x})"))
        if new:
            self.events = [e for e in self.events if e.t < t] + new
            del self.events[:-64]
        return new

    def _trap_event(self, t, i, kind, name) -> Event:
        post = self.m.cpu(i)
        c = self.view.csr_values(post)
        if post.ring == -1:
            where = (f"hepc=0x{c['hepc']:08x} hbadvaddr=0x{c['hbadvaddr']:08x} "
                     f"hqual=0x{c['hqual']:x}")
        else:
            where = f"epc=0x{c['epc']:08x} badvaddr=0x{c['badvaddr']:08x}"
        if name == "SYSCALL":                # a7 still holds the number at entry
            n = post.regs[17]
            call = self.syscall_names().get(n)
            name = f"SYSCALL {call}(a7={n})" if call else f"SYSCALL (a7={n})"
        return Event(t, i, f"{kind} {name} {where} -> {self.view.level(post)} "
                           f"pc=0x{post.pc:08x}{self.view.sym_suffix(post.pc)}")

    # ------------------------------------------------------------ points
    def new_num(self) -> int:
        n = self._next_num
        self._next_num += 1
        return n

    def breakpoints(self) -> list[Breakpoint]:
        return [p for p in self.points.values() if isinstance(p, Breakpoint)]

    def watches(self) -> list[Watch]:
        return [p for p in self.points.values() if isinstance(p, Watch)]

    def catches(self) -> list[Catch]:
        return [p for p in self.points.values() if isinstance(p, Catch) and p.enabled]

    def armed_bp_addrs(self) -> set[int]:
        return {b.addr for b in self.breakpoints() if b.enabled}

    def engine_watches(self) -> list[Watch]:
        """The enabled watchpoints, in the order they are armed in the engine."""
        return [w for w in self.watches() if w.enabled]

    def eval_cond(self, cond: str | None) -> bool:
        if not cond:
            return True
        try:
            return bool(self.view.eval(cond))
        except DebugError as e:
            self.write(f"error in condition {cond!r}: {e} (stopping)")
            return True

    # ------------------------------------------------------------ forward running
    def resume(self, max_steps: int | None = None, internal: set[int] | None = None,
               internal_ok=None) -> StopInfo:
        """Run until a breakpoint, watchpoint or catchpoint hit, the machine stops,
        Ctrl-C, ``max_steps``, or an ``internal`` address is reached with
        ``internal_ok(cpu)`` true (next/finish/until). Returns the StopInfo."""
        self.interrupted = False
        start = self.now
        internal = internal or set()
        catches = self.catches()
        for w in self.engine_watches():
            try:
                w.old = self.view.read(Phys(w.lo) if w.physical else w.lo, w.hi - w.lo)
            except DebugError:
                w.old = None
        batch = self.catch_batch if catches else self.batch
        limit = None if max_steps is None else start + max_steps
        idle_run = 0                # steps in a row spent idle with no input queued
        hinted = False
        want_bps, want_ws = self.armed_bp_addrs() | internal, self.engine_watches()
        rings = any(c.kind == "ring" for c in catches)
        self._arm(want_bps, want_ws)
        while True:
            if self.interrupted:
                self.interrupted = False
                return StopInfo("interrupted", "interrupted (Ctrl-C)", self.cur)
            n = batch if limit is None else min(batch, limit - self.now)
            if n <= 0:
                return StopInfo("max_steps", f"stopped after {max_steps} steps", self.cur)
            if self._armed_bps is None:          # a checkpoint was restored meanwhile
                self._arm(want_bps, want_ws)
            t0 = self.now
            c0 = self.counters() if catches else None
            idle0 = sum(c["idle"] for c in (c0 or self.counters()))
            r0 = [(s.ring, s.v) for s in (self.m.cpu(i) for i in range(self.m.config.ncpus))] \
                if rings else None
            if catches:
                self._capture = bytearray()
                try:
                    stop = self._run_batch(n)
                finally:
                    buf, self._capture = self._capture, None
                hit = self._check_batch(t0, c0, r0, catches, bytes(buf))
                if hit is not None:
                    return hit
            else:
                stop = self._run_batch(n)
            self._maybe_periodic_checkpoint()
            reason = stop.reason
            if reason is StopReason.MAX_STEPS:
                idle_run = self._idle_waiting(stop, idle0, idle_run)
                if idle_run >= self.idle_input_steps:
                    if self.input_poll is None:
                        self.waiting_for_input = True
                        return StopInfo("waiting_input", WAITING_INPUT, self.cur)
                    if not hinted:          # at a terminal: keys go to the guest
                        hinted = True
                        self.write("(the guest is waiting for console input: type it "
                                   "here, or Ctrl-C to stop)")
                if self.input_poll is not None:
                    self._poll_live_input(stop, idle0)
                continue
            if reason is StopReason.BREAKPOINT:
                if self.now == start:
                    continue            # the breakpoint we are sitting on: go past it
                st = self.m.cpu(stop.cpu)
                pc = st.pc
                if pc in internal and (internal_ok is None or internal_ok(stop.cpu, st)):
                    self.cur = stop.cpu
                    return StopInfo("internal", "", stop.cpu)
                hits = [b for b in self.breakpoints()
                        if b.enabled and b.addr == pc]
                old_cur, self.cur = self.cur, stop.cpu
                hits = [b for b in hits if self.eval_cond(b.cond)]
                if not hits:
                    self.cur = old_cur
                    continue
                for b in hits:
                    b.hits += 1
                    if b.temp:
                        del self.points[b.num]
                b = hits[0]
                kind = "Temporary breakpoint" if b.temp else "Breakpoint"
                return StopInfo("breakpoint", f"{kind} {b.num}, cpu{stop.cpu} at "
                                              f"{self.view.describe(pc)}", stop.cpu, b)
            if reason is StopReason.WATCHPOINT:
                return self._watch_stop(stop)
            if reason is StopReason.HALT:
                return StopInfo("halt", f"the machine halted with exit code {stop.exit_code}",
                                stop.cpu)
            if reason is StopReason.MACHINE_CHECK:
                return StopInfo("machine_check", f"machine check: {stop.detail}", stop.cpu)
            if reason is StopReason.IDLE:
                if self.input_poll is not None:
                    data = self.input_poll(0.05)
                    if data:
                        self.feed_input(data)
                    if data or not self.interrupted:
                        continue
                return StopInfo("idle", "every CPU is waiting and no event is due: "
                                        "give the guest console input with `input TEXT`",
                                self.cur)
            if reason is StopReason.MMIO:
                continue
            raise DebugError(f"unexpected engine stop {reason}")

    def input_queued(self) -> int | None:
        """Bytes of console input queued and not yet read by the guest; None once the
        input is closed (EOF: the guest is not left waiting)."""
        con = self.m.console
        if con.eof_sent:
            return None
        return max(0, con.fed - self.m.counters()["devices"].get("console_rx_bytes", 0))

    def _idle_waiting(self, stop, idle0, run: int) -> int:
        """The length of the stretch of steps spent idle (at least 90% of a batch in
        idle cycles: every CPU in wfi, the timer still ticking) with no console input
        queued, after the batch that ``stop`` ended; 0 when the guest did work."""
        if stop.steps < 1000 or self.input_queued() != 0:
            return 0
        idle = sum(c["idle"] for c in self.counters())
        return run + stop.steps if idle - idle0 >= stop.steps * 0.9 else 0

    def _watch_stop(self, stop) -> StopInfo:
        hit = stop.watch
        ws = self.engine_watches()
        w = ws[hit.index] if hit is not None and 0 <= hit.index < len(ws) else None
        self.cur = stop.cpu if hit is None else hit.cpu
        if w is None:
            return StopInfo("watchpoint", "watchpoint hit", self.cur)
        w.hits += 1
        try:
            new = self.view.read(Phys(w.lo) if w.physical else w.lo, w.hi - w.lo)
        except DebugError:
            new = None
        if hit.is_write:
            old, w.old = w.old, new
            text = (f"Watchpoint {w.num}: {w.where}\n  old = {self.view.fmt_bytes(old)}\n"
                    f"  new = {self.view.fmt_bytes(new)}")
        else:
            text = (f"Watchpoint {w.num}: {w.where}: read by cpu{hit.cpu} at "
                    f"0x{hit.vaddr:08x}, value = {self.view.fmt_bytes(new)}")
        return StopInfo("watchpoint", text, self.cur, w)

    # -- catchpoints: batch check, then narrowing
    def _coarse(self, c0, c1, r0, catches) -> bool:
        for i, (a, b) in enumerate(zip(c0 or [], c1 or [])):
            if a["cycles"] == b["cycles"]:
                continue
            for c in catches:
                if self._catch_counts(c, a, b):
                    return True
                if c.kind == "ring":
                    rings = [x for x in range(5) if b["retired_by_ring"][x] >
                             a["retired_by_ring"][x]]
                    if any(x - 1 != r0[i][0] for x in rings) or \
                            sum(b["traps_by_cause"]) > sum(a["traps_by_cause"]) or \
                            sum(b["interrupts_by_line"]) > sum(a["interrupts_by_line"]) or \
                            sum(b["vmexits_by_reason"]) > sum(a["vmexits_by_reason"]):
                        return True
                    st = self.m.cpu(i)
                    if (st.ring, st.v) != r0[i]:
                        return True
        return False

    @staticmethod
    def _catch_counts(c: Catch, a, b) -> bool:
        def grew(key, idx=None):
            if idx is None:
                return sum(b[key]) > sum(a[key])
            return 0 <= idx < len(b[key]) and b[key][idx] > a[key][idx]
        if c.kind == "trap":
            return grew("traps_by_cause", c.arg)
        if c.kind == "syscall":
            return grew("traps_by_cause", SYSCALL)
        if c.kind == "vmexit":
            return grew("vmexits_by_reason", c.arg)
        if c.kind == "interrupt":
            return grew("interrupts_by_line", c.arg)
        if c.kind == "hypercall" and c.arg is not None:     # one hypercall: its exit
            return grew("vmexits_by_reason", HYPERCALL_EXIT)
        if c.kind in ("event", "hypercall"):
            codes = c.arg if c.kind == "event" else (ISA.events["HYPERCALL"].value,)
            ev_a, ev_b = a.get("events", {}), b.get("events", {})
            if c.kind == "hypercall" and grew("vmexits_by_reason", HYPERCALL_EXIT):
                return True
            if codes is None:
                return sum(ev_b.values()) > sum(ev_a.values())
            return any(ev_b.get(k, 0) > ev_a.get(k, 0) for k in codes)
        return False

    def _emit(self, data: bytes) -> None:
        if data and not self.quiet_runs:
            self.m.console.write(data)

    def _check_batch(self, t0, c0, r0, catches, output: bytes) -> StopInfo | None:
        """After a batch [t0, now): if a catchpoint may have fired, find the first step
        where it did and stop there (the guest output of the batch is shown only up to
        that step)."""
        t1 = self.now
        if t1 == t0 or not self._coarse(c0, self.counters(), r0, catches):
            self._emit(output)
            return None
        # narrow: back to t0 (one re-execution), then pieces of 1024 steps, then steps
        self.goto(t0)
        self._checkpoint()
        piece = 1024
        while self.now < t1:
            a = self.now
            ca = self.counters()
            ra = [(s.ring, s.v) for s in (self.m.cpu(i) for i in range(self.m.config.ncpus))]
            self._capture = bytearray()
            try:
                self.advance(min(piece, t1 - a), quiet=False)
            finally:
                buf, self._capture = self._capture, None
            if not self._coarse(ca, self.counters(), ra, catches):
                self._emit(bytes(buf))
                continue
            b = self.now
            self.goto(a)
            while self.now < b:
                hit = self._exact_step(catches)
                if hit is not None:
                    return hit
        return None

    def _exact_step(self, catches) -> StopInfo | None:
        n = self.m.config.ncpus
        pre = [self.m.cpu(i) for i in range(n)]
        c0 = self.counters()
        t = self.now
        self.advance(1, quiet=False)
        c1 = self.counters()
        for i in range(n):
            a, b = c0[i], c1[i]
            if a["cycles"] == b["cycles"]:
                continue
            post = self.m.cpu(i)
            for c in catches:
                ok = False
                if c.kind == "ring":
                    ok = (post.ring, post.v) != (pre[i].ring, pre[i].v)
                elif self._catch_counts(c, a, b):
                    ok = True
                    if c.kind in ("syscall", "hypercall") and c.arg is not None:
                        ok = post.regs[17] == c.arg     # a7 (the exit leaves it as is)
                if ok:
                    c.hits += 1
                    self.cur = i
                    evs = self._record_events(t, c0, c1, {i: pre[i]})
                    detail = evs[0].text if evs else ""
                    return StopInfo("catch", f"Catchpoint {c.num} ({c.where}), cpu{i}: "
                                             f"{detail}", i, c)
        return None
