"""Time in ``ringvm debug``: checkpoints, re-execution, edits, and going back.

The clock is ``Machine.steps`` (all CPUs). A checkpoint is the engine snapshot, the RAM
in 64 KiB chunks (zero chunks left out, the others compressed and shared with the
previous checkpoint when unchanged), the Python devices' and the console's state.
Checkpoints are taken periodically while running (a bounded share of the run time),
at stops (lazily, when the machine next moves), and after every user edit. Any moment
is reached again by restoring the nearest earlier checkpoint and re-executing exactly
the missing steps; running across the moment of an edit applies it again; an edit in
the past discards the old future. Memory stays bounded: checkpoints are thinned (never
the first one or an edit's).

:class:`Timeline` is a mixin of :class:`ringvm.emulator.debugger.Debugger`.
"""
from __future__ import annotations

import bisect
import time
import zlib
from dataclasses import dataclass

from ..engine import StopReason, Watchpoint
from .expr import DebugError

CHUNK = 64 * 1024
_ZERO = bytes(CHUNK)
MAX_CHECKPOINTS = 64
MAX_CHECKPOINT_BYTES = 256 * 1024 * 1024
#: at most this fraction of host time goes to periodic checkpoints while running
CHECKPOINT_SHARE = 0.02


@dataclass
class Checkpoint:
    t: int
    engine: dict
    ram: dict                     # offset -> ((crc32, adler32), compressed bytes)
    devices: dict
    console: dict
    nbytes: int
    edit: bool = False            # taken right after a user edit: never dropped


def _cpu_work(c: dict) -> int:
    return c["cycles"] - c["idle"]


class Timeline:
    """Checkpoints, the engine runner, re-execution and the search for earlier steps
    (state lives on the Debugger: ``m``, ``eng``, ``checkpoints``, ...)."""

    #: True while searching the past (reverse-continue): guest output is dropped
    quiet_runs = False

    # ------------------------------------------------------------ checkpoints
    def _pack_ram(self, prev: dict | None) -> tuple[dict, int]:
        ram = self.m.ram
        out, nbytes = {}, 0
        for off in range(0, len(ram), CHUNK):
            chunk = ram[off:off + CHUNK]          # a copy, but the fastest zero test
            if chunk == _ZERO[:len(chunk)]:
                continue
            crc = (zlib.crc32(chunk), zlib.adler32(chunk))    # 64 bits: reuse is safe
            old = prev.get(off) if prev else None
            if old is not None and old[0] == crc:
                out[off] = old
            else:
                blob = zlib.compress(chunk, 1)
                out[off] = (crc, blob)
                nbytes += len(blob)
        return out, nbytes

    def _checkpoint(self, edit: bool = False) -> Checkpoint:
        """Save the machine now. ``edit``: the user just changed it — the old future
        (checkpoints later than now, or at now) is discarded."""
        t0 = time.monotonic()
        now = self.now
        if edit:
            if self.m.timeline is not None:     # debug --timeline: a new future
                self.m.timeline.edited()
            self._stop_ckpt_due = False
            self.checkpoints = [c for c in self.checkpoints if c.t < now]
            self._hist = None
        else:
            for c in self.checkpoints:
                if c.t == now:
                    return c
        prev = self.checkpoints[-1].ram if self.checkpoints else None
        ram, nbytes = self._pack_ram(prev)
        ck = Checkpoint(now, self.eng.snapshot(), ram,
                        {d.name: d.snapshot() for d in self.m.devices},
                        self.m.console.snapshot(), nbytes + 4096, edit)
        i = bisect.bisect_right([c.t for c in self.checkpoints], now)
        self.checkpoints.insert(i, ck)
        self._thin()
        self._ckpt_cost = time.monotonic() - t0
        self._last_ckpt_wall = time.monotonic()
        return ck

    def _thin(self) -> None:
        cks = self.checkpoints
        while len(cks) > MAX_CHECKPOINTS or \
                sum(c.nbytes for c in cks) > MAX_CHECKPOINT_BYTES:
            best, gap = None, None
            for i in range(1, len(cks) - 1):
                if cks[i].edit:
                    continue
                g = cks[i + 1].t - cks[i - 1].t
                if gap is None or g < gap:
                    best, gap = i, g
            if best is None:
                return
            del cks[best]

    def _restore(self, ck: Checkpoint) -> None:
        self._flush_stop_checkpoint()
        ram = self.m.ram
        mv = memoryview(ram)
        for off in range(0, len(ram), CHUNK):
            item = ck.ram.get(off)
            if item is None:
                n = min(CHUNK, len(ram) - off)
                if ram[off:off + n] != _ZERO[:n]:
                    mv[off:off + n] = _ZERO[:n]
            else:
                data = zlib.decompress(item[1])
                mv[off:off + len(data)] = data
        self.eng.restore(ck.engine)
        for d in self.m.devices:
            if d.name in ck.devices:
                d.restore(ck.devices[d.name])
        self.m.console.restore(ck.console)
        self.m.steps = ck.t
        if self.m.timeline is not None:         # debug --timeline: went back
            self.m.timeline.rewind()
        self._armed_bps = None
        self._armed_watches = None
        self._halt_code = None

    def _checkpoint_at_or_before(self, t: int) -> Checkpoint:
        ts = [c.t for c in self.checkpoints]
        i = bisect.bisect_right(ts, t) - 1
        return self.checkpoints[max(i, 0)]

    def _next_edit_after(self, t: int) -> Checkpoint | None:
        for c in self.checkpoints:
            if c.edit and c.t > t:
                return c
        return None

    def maybe_checkpoint_at_stop(self) -> None:
        """Remember to checkpoint this stop (far from the last checkpoint) before the
        machine next moves: going back near a stop is then cheap, and a stop followed
        by ``quit`` costs nothing."""
        last = self._checkpoint_at_or_before(self.now)
        self._stop_ckpt_due = self.now - last.t >= self.stop_ckpt_gap

    def _flush_stop_checkpoint(self) -> None:
        if self._stop_ckpt_due:
            self._stop_ckpt_due = False
            self._checkpoint()

    def _maybe_periodic_checkpoint(self) -> None:
        wall = time.monotonic()
        if self._ckpt_cost <= 0 or \
                wall - self._last_ckpt_wall > self._ckpt_cost / CHECKPOINT_SHARE:
            last = self._checkpoint_at_or_before(self.now)
            if self.now - last.t >= self.stop_ckpt_gap:
                self._checkpoint()

    def feed_input(self, data: bytes) -> None:
        """Queue console input for the guest now (an edit of the timeline)."""
        self.eng.console_input(data)
        self.m.console.fed += len(data)
        self.edited()

    def _poll_live_input(self, stop, idle0) -> None:
        """Between batches of an interactive run: pass typed keys to the guest; after a
        batch spent (almost) all idle, wait up to 20 ms for one instead of spinning."""
        timeout = 0.0
        if idle0 is not None and stop.steps >= 1000:
            idle = sum(c["idle"] for c in self.counters())
            if idle - idle0 >= stop.steps * 0.9:
                timeout = 0.02
        data = self.input_poll(timeout)
        if data:
            self.feed_input(data)

    def edited(self) -> None:
        """The user changed the machine (registers, memory, input): record the edit."""
        self._checkpoint(edit=True)

    # ------------------------------------------------------------ low-level running
    def _arm(self, bps: set[int], watches: list) -> None:
        self._want = (bps, watches)
        if bps != self._armed_bps:
            self.m.set_breakpoints(bps)
            self._armed_bps = set(bps)
        ws = [Watchpoint(w.lo, w.hi, w.kind in ("rwatch", "awatch"),
                         w.kind in ("watch", "awatch"), w.physical) for w in watches]
        key = [(w.lo, w.hi, w.on_read, w.on_write, w.physical) for w in ws]
        if key != self._armed_watches:
            self.eng.set_watchpoints(ws)
            self._armed_watches = key

    def _run_engine(self, steps: int, quiet: bool = False):
        """One engine call of at most ``steps`` steps, never across the moment of a
        user edit (arriving there applies the edit). MMIO completed, console output
        passed on (dropped when ``quiet``)."""
        self._flush_stop_checkpoint()
        now = self.now
        edit = self._next_edit_after(now)
        if edit is not None and steps > edit.t - now:
            steps = edit.t - now
        stop = self.eng.run(steps)
        self.m.steps += stop.steps
        if self.m.timeline is not None:         # debug --timeline: drain the engine log
            self.m.timeline.collect()
        if stop.reason is StopReason.MMIO:
            self.m._mmio(stop.mmio)
            self.m.steps += 1
            stop.steps += 1
        out = self.eng.console_output()
        if out and not quiet and not self.quiet_runs:
            if self._capture is not None:
                self._capture += out
            else:
                self.m.console.write(out)
        if edit is not None and self.now == edit.t:
            self._restore(edit)
            self._arm(*self._want)
        if stop.reason is StopReason.HALT:
            self._halt_code = stop.exit_code
        return stop

    def _run_batch(self, steps: int, quiet: bool = False):
        """Like :meth:`_run_engine`, but goes on after MMIO stops (Python devices) until
        ``steps`` steps are done or the engine stops for another reason."""
        end = self.now + steps
        while True:
            stop = self._run_engine(end - self.now, quiet)
            if stop.reason is not StopReason.MMIO or self.now >= end:
                return stop

    def advance(self, n: int, quiet: bool = True):
        """Run exactly ``n`` steps with nothing armed (or until the machine cannot go
        on: halt, machine check, idle). Returns the last Stop."""
        self._arm(set(), [])
        target = self.now + n
        stop = None
        while self.now < target:
            if self.interrupted:
                self.interrupted = False
                raise DebugError(f"interrupted at step {self.now}")
            stop = self._run_engine(min(self.batch, target - self.now), quiet=quiet)
            if stop.reason in (StopReason.HALT, StopReason.MACHINE_CHECK, StopReason.IDLE):
                break
        return stop

    def goto(self, t: int) -> None:
        """Put the machine in its state at time ``t`` (restore + re-execute)."""
        if t == self.now:
            return
        ck = self._checkpoint_at_or_before(t)
        self._restore(ck)
        if t > ck.t:
            self.advance(t - ck.t, quiet=True)
        if self.now != t:
            raise DebugError(f"cannot reach step {t} again (the machine stopped at {self.now})")
        if t - ck.t >= self.stop_ckpt_gap:
            self._stop_ckpt_due = True     # coming back here again will be cheap

    # ------------------------------------------------------------ reverse
    def _scan_insn_times(self, k: int, a: int, b: int) -> list[int]:
        """Times t in [a, b) at which CPU ``k`` takes a non-idle step; leaves the
        machine at time b."""
        self.goto(a)
        self._arm(set(), [])
        times = []
        c0 = self.counters()
        while self.now < b:
            t = self.now
            stop = self._run_engine(1, quiet=True)
            c1 = self.counters()
            if _cpu_work(c1[k]) > _cpu_work(c0[k]):
                times.append(t)
            c0 = c1
            if stop.reason in (StopReason.HALT, StopReason.MACHINE_CHECK, StopReason.IDLE):
                break
        return times

    def prev_step_time(self, k: int, before: int | None = None) -> int | None:
        """The latest time < ``before`` (default now) at which CPU ``k`` took a
        non-idle step, or None at the beginning of the recorded history. Scans
        backwards in growing windows; what it learns is cached until the next edit."""
        before = self.now if before is None else before
        h = self._hist
        if h is not None and h[0] == k and h[1] <= before <= h[3]:
            earlier = [x for x in h[2] if x < before]
            if earlier:
                return earlier[-1]
            known, known_lo, known_hi = h[2], h[1], h[3]
        else:
            known, known_lo, known_hi = [], before, before
        first = self.checkpoints[0].t
        width = 128 * self.m.config.ncpus
        here = self.now
        result = None
        try:
            while known_lo > first:
                lo = max(first, known_lo - width)
                found = self._scan_insn_times(k, lo, known_lo)
                known, known_lo = found + known, lo
                if found:
                    result = found[-1]
                    break
                width *= 4
            self._hist = (k, known_lo, known, known_hi)
        finally:
            self.goto(here)
        return result
