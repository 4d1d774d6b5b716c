"""``ringvm grade SUITE --rerun TEST [--debug]``: one test again, exactly as the grader
ran it (see :mod:`ringvm.emulator.grader.rerun`), and with ``--debug`` the debugger on
that same machine, input and disks, stopped where the test failed.

Without ``--debug`` the guest's output is shown as it comes, then the result line and,
for a failure, its GOOD / BAD / MISSING lines — the same as in the report. Exit status:
0 the test passed, 1 it failed, 2 a bad suite or test name.

With ``--debug`` the test runs first (to find where it failed: a forbidden line, the
first unexpected line, the step limit, the halt), then a debugger session starts on a
fresh machine of the failing boot, run to that step with its checkpoints kept (so
``reverse-stepi``, ``reverse-continue`` and ``goto-step`` work), and reads commands
from the terminal — or stdin, or ``-x FILE`` (``--batch``: only those).
"""
from __future__ import annotations

import os
import shlex
import sys


def rerun_command(run, name: str, debug: bool = False) -> str:
    """The one command that reproduces test ``name`` of ``run`` (a GradeRun)."""
    parts = ["ringvm", "grade", str(run.suite.path), "--submission", str(run.suite.submission),
             "--engine", run.engine, "--rerun", name] + (["--debug"] if debug else [])
    return " ".join(shlex.quote(p) for p in parts)


def cmd_rerun(args, suite) -> int:
    """``--rerun TEST [--debug]`` of ``ringvm grade`` (``suite`` already loaded)."""
    from ..grader import report as grader_report
    from ..grader.rerun import Rerun

    from .options import timeline_options
    tl_opts = timeline_options(args)
    out = sys.stdout
    with Rerun(suite, args.rerun) as rr:
        if not args.debug:
            def echo(data: bytes) -> None:
                out.buffer.write(data) if hasattr(out, "buffer") else \
                    out.write(data.decode("utf-8", "replace"))
                out.flush()
            r = rr.run(echo=echo, timeline=tl_opts)
            if r.transcript and not r.transcript.endswith("\n"):
                out.write("\n")
            _print_result(r, grader_report)
            for path, summary in (tl_opts or {}).get("written", []):
                print(f"ringvm: {summary} written to {path}", file=sys.stderr)
            return 0 if r.passed else 1
        r = rr.run()
        _print_result(r, grader_report)
        point = rr.failure_point(r)
        return _debug(args, rr, point)


def _print_result(r, grader_report) -> None:
    label = {"passed": "PASS", "failed": "FAIL", "not_run": "NOT RUN"}[r.status]
    print(f"--- {r.name}: {label} {grader_report._fmt(r.score)}/{grader_report._fmt(r.points)}"
          f"{': ' + r.reason if r.reason else ''} ({r.steps:,} steps)", file=sys.stderr)
    if not r.passed:
        for tag, text in grader_report.diff_lines(r):
            print("  " + grader_report.format_line(tag, text), file=sys.stderr)


def _debug(args, rr, point) -> int:
    from ringvm.assembler.elf import read_elf
    from ringvm.errors import UserError

    from ..debugger import Debugger
    from ..grader.runner import boot_machine
    from .debug import run_session, terminal_size

    if rr.job.get("error"):
        raise UserError(f"test {rr.spec.name} did not build: nothing to debug "
                        f"({rr.job['error']})")
    i = point.boot if point else 0
    boot = rr.spec.boots[i]
    console = Debugger.make_console(input=boot.input, eof=True)
    m = boot_machine(rr.job, point.overlays if point else None, console)
    color = not getattr(args, "no_color", False) and sys.stdout.isatty() \
        and os.environ.get("NO_COLOR") is None
    width, height = terminal_size(sys.stdout)
    from .options import finish_timeline, start_timeline, timeline_options
    tl_opts = timeline_options(args)
    with m:
        dbg = Debugger(m, sys.stdout, elf=read_elf(rr.job["elf"]), color=color, width=width,
                       height=height)
        tl = start_timeline(m, tl_opts, rr.spec.name)
        progs = rr.job.get("programs")
        if progs:
            from pathlib import Path

            from ..images.symbols import ProgramSource
            dbg.user.source = ProgramSource(Path(progs[0]),
                                            Path(progs[1]) if progs[1] else None).elf
        boots = f" (boot {i + 1} of {len(rr.spec.boots)})" if len(rr.spec.boots) > 1 else ""
        dbg.write(f"ringvm grade --rerun {rr.spec.name} --debug: the machine the grader "
                  f"ran{boots}, on the {m.engine_kind} engine")
        if point is None:
            dbg.write("the test passed: nothing failed; stopped at the reset vector")
            dbg.view.context()
        else:
            si = dbg.resume(max_steps=point.step) if point.step > 0 else None
            if si is not None and si.kind not in ("max_steps",):
                dbg.write(si.text)
            dbg.write(f"stopped at step {dbg.now}, where the test failed: {point.why}. "
                      f"reverse-stepi, reverse-continue and goto-step go back from here.")
            dbg.view.context()
        dbg._remember_regs()
        try:
            return run_session(dbg, getattr(args, "script", None),
                               getattr(args, "batch", False))
        finally:
            finish_timeline(tl, tl_opts)
