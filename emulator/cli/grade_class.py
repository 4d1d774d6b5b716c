"""``ringvm grade SUITE --submissions DIR [--csv FILE] [--cluster ADDRESS|local]``: a
whole class (:mod:`ringvm.emulator.grader.classroom`, :mod:`ringvm.emulator.grader.cluster`).

Every folder under DIR is a student. A progress bar counts every (student, test) of
the class; then one line per student (score, tests passed), the gradebook
(``--csv FILE``, default ``<output-dir>/gradebook.csv``) and, per student in
``<output-dir>/<student>/``: the annotated transcripts, ``results.json`` (Gradescope)
and ``junit.xml``. Exit status: 0 every student has full marks, 1 otherwise, 2 a bad
suite, folder or option.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path


def cmd_grade_class(args, jobs: int, timeout: float) -> int:
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeElapsedColumn)
    from rich.table import Table

    from ..grader import classroom
    from ..grader import report as grader_report

    err = Console(stderr=True, highlight=False)
    show = not args.no_progress and err.is_terminal
    out_dir = Path(args.output_dir)
    with tempfile.TemporaryDirectory(prefix="ringvm-class-") as tmp:
        progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                            MofNCompleteColumn(), TextColumn("{task.fields[current]}"),
                            TimeElapsedColumn(), console=err, disable=not show,
                            transient=True, auto_refresh=False)
        with progress:
            build = progress.add_task("building submissions", total=None, current="")

            def built(name):
                progress.update(build, advance=1, current=name)
                progress.refresh()
            students, engine = classroom.prepare_class(
                args.suite, args.submissions, Path(tmp), engine=args.engine,
                only=args.only, on_student=built)
            total = sum(len(s.jobs) for s in students)
            progress.update(build, visible=False)
            task = progress.add_task(f"grading {len(students)} submissions", total=total,
                                     current="")

            def done(student, r):
                progress.update(task, advance=1, current=f"{student}: {r.name}")
                progress.refresh()
            run = classroom.grade_class(students, engine, jobs=jobs, cluster=args.cluster,
                                        on_done=done, host_timeout=timeout)
    _clean_students(out_dir, run.runs)
    for student, r in run.runs.items():
        d = out_dir / student
        grader_report.write_transcripts(r, d)
        grader_report.write_json(r, d / "results.json", "gradescope")
        grader_report.write_junit(r, d / "junit.xml")
    book = args.csv or str(out_dir / "gradebook.csv")
    classroom.write_gradebook(run, book)
    t = Table(title=f"ringvm grade: {len(run.runs)} submissions (engine {run.engine}, "
                    f"{run.where})", title_justify="left", show_edge=False)
    for col in ("student", "score", "passed", "failed tests"):
        t.add_column(col, justify="right" if col in ("score", "passed") else "left",
                     overflow="fold")
    for student, r in run.runs.items():
        failed = [x.name for x in r.results if not x.passed]
        t.add_row(student, f"{grader_report._fmt(r.score)}/{grader_report._fmt(r.max_score)}",
                  f"{sum(x.passed for x in r.results)}/{len(r.results)}",
                  ", ".join(failed[:6]) + (", ..." if len(failed) > 6 else ""))
    Console(highlight=False).print(t)
    print(f"gradebook: {book}; per student: {out_dir}/STUDENT/ (transcripts, "
          f"results.json, junit.xml)")
    sys.stdout.flush()
    return 0 if all(r.full_marks for r in run.runs.values()) else 1


def _clean_students(out_dir: Path, runs) -> None:
    """Remove the per-student folders an earlier class run left (only folders holding
    a ringvm ``results.json``), so the output is this run's only."""
    if not out_dir.is_dir():
        return
    for d in out_dir.iterdir():
        if d.is_dir() and (d / "results.json").is_file() and (d / "junit.xml").is_file():
            shutil.rmtree(d, ignore_errors=True)
