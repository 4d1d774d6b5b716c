"""Reproducing one test exactly as the grader ran it: ``ringvm grade SUITE --rerun TEST
[--debug]``.

The grader boots each test on a fresh machine: the kernel it built, its disk images in
snapshot mode (carrying the sectors written by the test's earlier boots), its scripted
input followed by end of input. :func:`prepare` builds that job the way :func:`grade`
does (:mod:`.build`: the same kernel, the same images); :func:`rerun` runs it in this
process with the guest's output shown as it comes — the same transcript, steps and
result as in the report, since a machine is deterministic. :func:`failure_point` finds
where the test failed, in steps of the failing boot:

- the step limit (``max_steps``), or the output limit, or the machine stopping by itself
  (halt with the wrong code, machine check, deadlock): that moment;
- a forbidden (BAD) line, or the first line where an expected one was missing: the
  step at which the guest finished writing that line (found by re-running the boot
  to ever finer step counts: a million, a thousand, one).

The CLI then opens the debugger on a machine made by :func:`~.runner.boot_machine`
(the same function the grader boots with) and runs it to that step, keeping its
checkpoints, so reverse execution works from there.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from ringvm.errors import UserError

from ..engine import choose_engine
from ..machine import Console
from .build import Builder, prepare_job
from .runner import _lines, boot_machine, check_transcript, run_one
from .suite import Suite, TestResult


@dataclass
class FailurePoint:
    """Where a test failed: ``boot`` (0-based index into the test's boots), ``step``
    (steps since that boot started: run the boot's machine this far), ``why`` (one
    line), ``overlays`` (the disk sectors the earlier boots wrote, for
    :func:`~.runner.boot_machine`) and ``line`` (the console line it stopped after,
    or "")."""
    boot: int
    step: int
    why: str
    overlays: list | None = None
    line: str = ""


class Rerun:
    """A test's job prepared as :func:`~.runner.grade` prepares it (use as a context
    manager: the built files live in a temporary folder until it closes)."""

    def __init__(self, suite: Suite, name: str):
        try:
            self.spec = suite.test(name)
        except KeyError:
            from ringvm.errors import did_you_mean
            names = [t.name for t in suite.tests]
            close = did_you_mean(name, names, n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else \
                f" (tests: {', '.join(names[:12])}{', ...' if len(names) > 12 else ''})"
            raise UserError(f"--rerun {name}: no test of that name in {suite.path}{hint}") \
                from None
        self.suite = suite
        self._tmp = tempfile.TemporaryDirectory(prefix="ringvm-rerun-")
        engine, _note = choose_engine(suite.engine)
        self.job = prepare_job(suite, self.spec, Builder(suite, Path(self._tmp.name)),
                               engine)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._tmp.cleanup()
        return False

    def run(self, echo=None, timeline: dict | None = None) -> TestResult:
        """The test's result, as the grader computes it (``echo(bytes)``: the guest's
        output, live; ``timeline``: write timelines, see :func:`run_one`)."""
        return run_one(self.job, echo=echo, timeline=timeline)

    def failure_point(self, result: TestResult) -> FailurePoint | None:
        """Where ``result`` (of :meth:`run`) failed; None if it passed or never booted
        (a build error: nothing to debug)."""
        if result.passed or self.job.get("error"):
            return None
        t = self.spec
        overlays = None
        for i, boot in enumerate(t.boots):
            console = Console(input=boot.input, mode="scripted", capture=True)
            m = boot_machine(self.job, overlays, console)
            try:
                done, kind = 0, None
                while True:
                    r = m.run(max_steps=min(1_000_000, boot.max_steps - done))
                    done += r.steps
                    if len(console.captured) > boot.output_limit:
                        kind = "output_limit"
                        break
                    if r.kind != "max_steps":
                        kind = r.kind
                        break
                    if done >= boot.max_steps:
                        kind = "max_steps"
                        break
                next_overlays = m.disk_overlays()
            finally:
                m.close()
            text = bytes(console.captured[:boot.output_limit]).decode(
                "utf-8", errors="backslashreplace")
            good, annotated = check_transcript(text, boot.expect, boot.reject)
            stop_ok = boot.stop == "any" or boot.stop == kind
            code_ok = not (kind == "halt" and boot.exit_code is not None
                           and (r.exit_code or 0) & 0xFF != boot.exit_code)
            if good and stop_ok and code_ok:
                overlays = next_overlays
                continue
            return self._point(i, boot, text, annotated, kind, done, overlays, good)
        return None

    def _point(self, i, boot, text, annotated, kind, done, overlays, good) -> FailurePoint:
        lines = _lines(text)
        target = None                 # index of the console line to stop after
        what = ""
        if not good:
            j = 0
            for tag, x in annotated:
                if tag == "BAD":
                    target, what = j, f"the forbidden line {x!r}"
                    break
                if tag == "MISSING":
                    if j < len(lines):
                        target, what = j, (f"the first unexpected line {lines[j]!r} "
                                           f"(expected /{x}/)")
                    break
                j += 1
        if target is None:
            why = {"max_steps": f"the step limit (max_steps = {boot.max_steps:,})",
                   "output_limit": f"the output limit ({boot.output_limit:,} bytes)",
                   "halt": "the halt", "machine_check": "the machine check",
                   "deadlock": "the deadlock"}.get(kind, kind)
            if kind == "output_limit":
                return FailurePoint(i, self._output_step(i, overlays, boot.output_limit + 1,
                                                         done), why, overlays)
            return FailurePoint(i, done, why, overlays)
        nbytes = len("\n".join(lines[:target + 1]).encode("utf-8", "surrogateescape")) + 1
        nbytes = min(nbytes, len(text.encode("utf-8", "surrogateescape")))
        step = self._output_step(i, overlays, nbytes, done)
        return FailurePoint(i, step, what, overlays, lines[target])

    def _output_step(self, i: int, overlays, nbytes: int, limit: int) -> int:
        """The first step count of boot ``i`` at which the guest had written ``nbytes``
        bytes of console output (at most ``limit``): runs of a million, a thousand,
        then single steps, each level on a fresh machine replayed to the start of the
        chunk the previous level found."""
        boot = self.spec.boots[i]
        lo = 0
        for chunk in (1_000_000, 1_000, 1):
            console = Console(input=boot.input, mode="scripted", capture=True)
            m = boot_machine(self.job, overlays, console)
            try:
                t = 0
                if lo:
                    t = m.run(max_steps=lo).steps
                while t < limit:
                    r = m.run(max_steps=min(chunk, limit - t))
                    t0, t = t, t + r.steps
                    if len(console.captured) >= nbytes:
                        lo = t0
                        break
                    if r.kind != "max_steps":
                        return t
                else:
                    return limit
            finally:
                m.close()
        return t
