"""``ringvm grade``: run a grading suite (format: :mod:`ringvm.emulator.grader`).

::

    ringvm grade SUITE [--submission DIR] [--jobs N] [--only TAG|NAME ...]
                 [--engine native|python|auto] [--json FILE [--format gradescope|plain]]
                 [--junit FILE] [--output-dir DIR] [--hide-hidden] [--no-progress]
                 [--host-timeout SECONDS] [--list]
    ringvm grade SUITE [--submission DIR] --rerun TEST [--debug [-x FILE] [--batch]]
                 [--timeline FILE.json [--timeline-window A:B] [--timeline-max-events N]]
    ringvm grade SUITE --submissions DIR [--csv FILE] [--cluster ADDRESS|local]

Each test runs in its own process on a copy-on-write disk; a progress bar runs on
stderr, then a table of test / result / points and, for each failure, the expected
and actual lines as GOOD / BAD / MISSING. Every test's annotated console transcript
is saved as ``<output-dir>/<test>.txt`` (default ``grade-output/``). Each failure names
the command that reproduces it: ``--rerun TEST`` runs that one test again exactly as the
grader ran it, ``--debug`` opens the debugger on it stopped where it failed
(:mod:`.rerun`).

Exit status: 0 full marks; 1 points were lost; 2 a bad suite or command line.
"""
from __future__ import annotations

import sys


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "grade", help="run a grading suite against a kernel",
        description="Run a grading suite (TOML): each test boots a kernel with scripted "
                    "input and a step limit (max_steps), and checks its console output.",
        epilog="exit status: 0 full marks; 1 points lost; 2 bad suite or options")
    p.add_argument("suite", metavar="SUITE",
                   help="the suite file (TOML), a directory holding suite.toml, or a "
                        "bundled guest's name (its suite)")
    p.add_argument("--submission", metavar="DIR",
                   help="directory holding the sources to grade (default: the suite's)")
    p.add_argument("--jobs", "-j", metavar="N", default="1",
                   help="tests run in parallel (default 1; 0 = one per core)")
    p.add_argument("--only", metavar="TAG|NAME", action="append",
                   help="run only these tests or tags (repeatable, comma-separated); "
                        "their dependencies run too")
    p.add_argument("--engine", metavar="KIND", help="native, python or auto")
    p.add_argument("--json", metavar="FILE", help="write results as JSON")
    p.add_argument("--format", choices=("gradescope", "plain"), default="gradescope",
                   help="JSON flavour: Gradescope results.json (default) or plain")
    p.add_argument("--junit", metavar="FILE", help="write JUnit XML")
    p.add_argument("--output-dir", metavar="DIR", default="grade-output",
                   help="where the annotated transcripts go (default grade-output)")
    p.add_argument("--hide-hidden", action="store_true",
                   help="do not print the reasons and output of non-visible tests")
    p.add_argument("--list", action="store_true",
                   help="list the tests (points, tags, dependencies) and exit")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--submissions", metavar="DIR",
                   help="grade a class: every folder in DIR is one student's submission, "
                        "overlaying the suite's sources")
    p.add_argument("--csv", metavar="FILE",
                   help="with --submissions: the gradebook (default "
                        "<output-dir>/gradebook.csv)")
    p.add_argument("--cluster", metavar="ADDRESS",
                   help="run the tests on Dask: a scheduler address (tcp://HOST:8786) or "
                        "'local' (an embedded LocalCluster of --jobs workers); needs "
                        "ringvm[cluster]")
    p.add_argument("--rerun", metavar="TEST",
                   help="run one test again exactly as the grader ran it (same kernel, "
                        "disks, input), showing its output")
    p.add_argument("--debug", action="store_true",
                   help="with --rerun: open the debugger on that machine, stopped where "
                        "the test failed (reverse execution available)")
    p.add_argument("-x", dest="script", metavar="FILE",
                   help="with --debug: run the debugger commands in FILE first")
    p.add_argument("--batch", action="store_true",
                   help="with --debug: exit after the -x commands")
    from .options import add_timeline_options
    add_timeline_options(p)
    p.add_argument("--host-timeout", metavar="SECONDS", default=None,
                   help="safety net: stop a test after this much host time (default 600)")
    p.set_defaults(func=cmd_grade)


def cmd_grade(args) -> int:
    import os

    from ringvm.errors import UserError
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeElapsedColumn)

    from .. import grader
    from ..grader import report as grader_report
    from ..machine import parse_count

    jobs = parse_count(args.jobs, "--jobs", 0, 1024)
    if jobs == 0:
        jobs = os.cpu_count() or 1
    if args.engine is not None and args.engine not in ("auto", "native", "python"):
        raise UserError(f"--engine {args.engine!r}: choose native, python or auto")
    timeout = grader.suite.DEFAULT_HOST_TIMEOUT
    if args.host_timeout is not None:
        try:
            timeout = float(args.host_timeout)
            if timeout <= 0:
                raise ValueError
        except ValueError:
            raise UserError(f"--host-timeout {args.host_timeout!r}: a positive number "
                            f"of seconds") from None
    if (args.debug or args.script or args.batch) and not args.rerun:
        raise UserError("--debug, -x and --batch go with --rerun TEST")
    if (args.timeline or args.timeline_window or args.timeline_max_events) \
            and not args.rerun:
        raise UserError("--timeline goes with --rerun TEST (one test, one machine)")
    if args.submissions:
        clash = [o for o, v in (("--submission", args.submission), ("--rerun", args.rerun),
                                ("--json", args.json), ("--junit", args.junit),
                                ("--list", args.list)) if v]
        if clash:
            raise UserError(f"--submissions grades a class; {', '.join(clash)} cannot be "
                            f"given with it (each student's results.json and junit.xml "
                            f"are in --output-dir)")
        from .grade_class import cmd_grade_class
        return cmd_grade_class(args, jobs, timeout)
    if args.csv:
        raise UserError("--csv is the gradebook of --submissions DIR")
    suite = grader.load_suite(args.suite, args.submission, args.engine)
    if args.rerun:
        from .rerun import cmd_rerun
        return cmd_rerun(args, suite)
    tests = grader.select_tests(suite, args.only)
    if args.list:
        return _list(suite, tests)
    err = Console(stderr=True, highlight=False)
    show = not args.no_progress and err.is_terminal
    progress = Progress(TextColumn("[bold]grading {task.fields[suite]}"), BarColumn(),
                        MofNCompleteColumn(), TextColumn("{task.fields[current]}"),
                        TimeElapsedColumn(), console=err, disable=not show, transient=True,
                        auto_refresh=False)     # no refresh thread: test processes fork
    running: list[str] = []
    with progress:
        task = progress.add_task("grade", total=len(tests), suite=suite.name, current="")

        def started(t):
            running.append(t.name)
            progress.update(task, current=", ".join(running[-3:]))
            progress.refresh()

        def done(r):
            if r.name in running:
                running.remove(r.name)
            progress.update(task, advance=1, current=", ".join(running[-3:]))
            progress.refresh()

        if args.cluster:
            from ..grader.cluster import grade_on_cluster
            run = grade_on_cluster(suite, args.cluster, jobs=jobs, only=args.only,
                                   on_done=done)
        else:
            run = grader.grade(suite, jobs=jobs, only=args.only, on_done=done,
                               on_start=started, host_timeout=timeout)
    paths = grader_report.write_transcripts(run, args.output_dir)
    from .rerun import rerun_command
    grader_report.print_report(run, paths, show_hidden=not args.hide_hidden,
                               rerun=lambda name: rerun_command(run, name))
    if args.json:
        grader_report.write_json(run, args.json, args.format)
    if args.junit:
        grader_report.write_junit(run, args.junit)
    sys.stdout.flush()
    return 0 if run.full_marks else 1


def _list(suite, tests) -> int:
    """``--list``: a table of the selected tests."""
    from rich.console import Console
    from rich.table import Table
    t = Table(title=f"{suite.name}: {len(tests)} tests, "
                    f"{sum(x.points for x in tests):g} points", title_justify="left",
              show_edge=False)
    for col in ("test", "points", "tags", "depends on", "description"):
        t.add_column(col, justify="right" if col == "points" else "left",
                     overflow="fold")
    for x in tests:
        name = x.name + ("" if x.visibility == "visible" else f" ({x.visibility})")
        t.add_row(name, f"{x.points:g}", ", ".join(x.tags), ", ".join(x.depends),
                  x.description)
    Console(highlight=False).print(t)
    return 0
