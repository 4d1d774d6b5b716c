"""Reports of a ``ringvm grade`` run: terminal table and diffs, transcript files,
Gradescope ``results.json``, a plain JSON dump and JUnit XML.

Everything written here is a function of the results only (no wall-clock time, no host
paths except the suite's), so two runs of one suite give byte-identical reports.

Gradescope (https://gradescope-autograders.readthedocs.io/en/latest/specs/): top level
``score``, ``max_score``, ``output``, ``visibility``, ``stdout_visibility``, ``tests``;
each test ``name``, ``score``, ``max_score``, ``status`` ("passed"/"failed"),
``output``, ``visibility``, ``tags``, ``number``.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from ringvm.errors import UserError

from .suite import GradeRun, TestResult

#: annotated lines shown per failed test in the terminal (the file has them all)
SHOW_LINES = 30
#: last console lines shown under a failure, and lines of context around BAD / MISSING
TAIL_LINES = 3
CONTEXT = 1


def _fmt(x) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def annotated_text(r: TestResult) -> str:
    """The transcript file of one test: header, reason, then every line tagged."""
    out = [f"test: {r.name}",
           f"result: {r.status} ({_fmt(r.score)}/{_fmt(r.points)} points)"]
    if r.description:
        out.append(f"description: {r.description}")
    if r.reason:
        out.append(f"reason: {r.reason}")
    out.append(f"steps: {r.steps}")
    out.append("")
    for tag, text in r.checks:
        if tag == "BOOT":
            out.append(f"===== {text} =====")
        elif tag == "MISSING":
            out.append(f"MISSING  /{text}/")
        else:
            out.append(f"{tag:<7}  {text}" if tag else f"         {text}")
    if not r.checks and r.transcript:
        out.append(r.transcript.rstrip("\n"))
    return "\n".join(out) + "\n"


def diff_lines(r: TestResult, limit: int = SHOW_LINES) -> list[tuple[str, str]]:
    """What to show of a failed test, gradelib style: every GOOD / BAD / MISSING line,
    the console lines around each BAD or MISSING one, and the console's last lines
    (where it stopped), with ``("...", "")`` for skipped stretches; at most ``limit``
    lines, starting a little before the first BAD or MISSING one."""
    checks = r.checks
    if any(t == "ERROR" for t, _ in checks):
        return list(checks)             # a build error: every error, in full
    n = len(checks)
    show = [False] * n
    for i, (t, _) in enumerate(checks):
        if t:
            show[i] = True
        if t in ("BAD", "MISSING", "ERROR"):
            for k in range(max(0, i - CONTEXT), min(n, i + CONTEXT + 1)):
                show[k] = True
    if not r.passed:
        for k in range(max(0, n - TAIL_LINES), n):
            show[k] = True
    out: list[tuple[str, str]] = []
    prev = -1
    for i in range(n):
        if show[i]:
            if prev >= 0 and i > prev + 1:
                out.append(("...", ""))
            out.append(checks[i])
            prev = i
    if prev >= 0 and prev < n - 1:
        out.append(("...", ""))
    if len(out) > limit:
        bad = [i for i, (t, _) in enumerate(out) if t in ("BAD", "MISSING", "ERROR")]
        start = max(0, (bad[0] if bad else 0) - 3)
        cut = out[start:start + limit]
        out = ([("...", "")] if start else []) + cut + (
            [("...", "")] if start + limit < len(out) else [])
    return out


def format_line(tag: str, text: str) -> str:
    """One line of a GOOD / BAD / MISSING listing."""
    if tag == "BOOT":
        return f"===== {text} ====="
    if tag == "MISSING":
        return f"MISSING  /{text}/"
    if tag == "...":
        return "         ..."
    return f"{tag:<7}  {text}" if tag else f"         {text}"


def _is_transcript(p: Path) -> bool:
    """Whether ``p`` is a transcript this module wrote (it starts ``test: NAME``)."""
    try:
        with open(p, encoding="utf-8", errors="replace") as f:
            return f.readline().startswith("test: ") and f.readline().startswith("result: ")
    except OSError:
        return False


def write_transcripts(run: GradeRun, directory: str | Path) -> dict[str, Path]:
    """Write ``<directory>/<test>.txt`` for every test, after removing the transcripts
    an earlier run left there (files that are not transcripts stay); returns name ->
    path."""
    d = Path(directory)
    try:
        d.mkdir(parents=True, exist_ok=True)
        for p in d.glob("*.txt"):           # no transcript of an earlier run, of any
            if _is_transcript(p):           # suite; other files are left alone
                p.unlink(missing_ok=True)
        paths = {}
        for r in run.results:
            p = d / f"{r.name}.txt"
            p.write_text(annotated_text(r))
            paths[r.name] = p
        return paths
    except OSError as e:
        raise UserError(f"cannot write transcripts to {str(d)!r}: {e.strerror}") from None


def print_report(run: GradeRun, paths: dict[str, Path] | None = None, console=None,
                 show_hidden: bool = True, rerun=None) -> None:
    """The final table, then each failure's GOOD/BAD/MISSING lines; ``rerun(name) ->
    str``: the command that reproduces a failed test (printed under it, with
    ``--debug`` for the debugger)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text
    con = console or Console(highlight=False)
    t = Table(title=f"ringvm grade: {run.suite.name} (engine {run.engine})",
              show_edge=False, title_justify="left")
    t.add_column("test", style="bold")
    t.add_column("result")
    t.add_column("points", justify="right")
    t.add_column("steps", justify="right")
    t.add_column("reason", overflow="fold")
    for r in run.results:
        style = {"passed": "green", "failed": "red", "not_run": "yellow"}[r.status]
        label = {"passed": "PASS", "failed": "FAIL", "not_run": "NOT RUN"}[r.status]
        if r.partial and r.score > 0 and not r.passed:
            label = "PARTIAL"
            style = "yellow"
        name = r.name + ("" if r.visibility == "visible" else f" ({r.visibility})")
        hide = r.visibility != "visible" and not show_hidden
        t.add_row(name, Text(label, style=style), f"{_fmt(r.score)}/{_fmt(r.points)}",
                  f"{r.steps:,}", "" if hide else r.reason)
    con.print(t)
    con.print(f"[bold]score: {_fmt(run.score)}/{_fmt(run.max_score)}[/bold]")
    for r in run.results:
        if r.passed or r.status == "not_run":
            continue
        if r.visibility != "visible" and not show_hidden:
            continue
        con.print()
        con.print(Text(f"--- {r.name}: {r.reason}", style="bold red"))
        colours = {"GOOD": "green", "BAD": "red", "MISSING": "magenta", "BOOT": "cyan",
                   "...": "dim", "ERROR": "red"}
        build_error = any(tag == "ERROR" for tag, _ in r.checks)
        for tag, text in diff_lines(r, 10**6 if build_error else SHOW_LINES):
            line = format_line(tag, text)
            if tag in ("GOOD", "BAD", "ERROR"):
                con.print(Text("  ") + Text(line[:9], style=colours[tag]) + Text(line[9:]))
            else:
                con.print(Text("  " + line, style=colours.get(tag, "")))
        if paths and r.name in paths:
            con.print(f"  transcript: {paths[r.name]}")
        if rerun is not None:
            con.print(Text(f"  rerun: {rerun(r.name)} [--debug]"), soft_wrap=True)


def _output_text(r: TestResult) -> str:
    head = [f"{r.status}: {r.reason}" if r.reason else r.status]
    if r.description:
        head.insert(0, r.description)
    body = []
    if not r.passed:
        build_error = any(tag == "ERROR" for tag, _ in r.checks)
        for tag, text in diff_lines(r, 10**6 if build_error else 60):
            body.append(format_line(tag, text))
    return "\n".join(head + ([""] + body if body else [])) + "\n"


def gradescope(run: GradeRun) -> dict:
    """The Gradescope ``results.json`` object."""
    tests = []
    for i, r in enumerate(run.results, 1):
        tests.append({
            "name": r.name,
            "number": str(i),
            "score": r.score,
            "max_score": r.points,
            "status": "passed" if r.passed else "failed",
            "output": _output_text(r),
            "visibility": r.visibility,
            "tags": list(r.tags),
        })
    return {
        "score": run.score,
        "max_score": run.max_score,
        "output": f"{run.suite.name}: {_fmt(run.score)}/{_fmt(run.max_score)} points "
                  f"({sum(r.passed for r in run.results)} of {len(run.results)} tests "
                  f"passed)",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def plain(run: GradeRun) -> dict:
    """Everything, as JSON: per test its status, score, reason, checks, transcript."""
    return {"suite": run.suite.name, "engine": run.engine, "score": run.score,
            "max_score": run.max_score, "tests": [r.to_dict() for r in run.results]}


def write_json(run: GradeRun, path: str | Path, fmt: str = "gradescope") -> None:
    data = gradescope(run) if fmt == "gradescope" else plain(run)
    try:
        Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    except OSError as e:
        raise UserError(f"cannot write {str(path)!r}: {e.strerror}") from None


def junit(run: GradeRun) -> ET.Element:
    """A JUnit XML ``<testsuites>`` tree (one ``<testsuite>``)."""
    root = ET.Element("testsuites")
    fails = sum(r.status == "failed" for r in run.results)
    skipped = sum(r.status == "not_run" for r in run.results)
    ts = ET.SubElement(root, "testsuite", name=run.suite.name, tests=str(len(run.results)),
                       failures=str(fails), errors="0", skipped=str(skipped), time="0")
    props = ET.SubElement(ts, "properties")
    for k, v in (("score", run.score), ("max_score", run.max_score),
                 ("engine", run.engine)):
        ET.SubElement(props, "property", name=k, value=str(v))
    for r in run.results:
        tc = ET.SubElement(ts, "testcase", classname=f"ringvm.grade.{run.suite.name}",
                           name=r.name, time="0")
        p = ET.SubElement(tc, "properties")
        for k, v in (("score", r.score), ("max_score", r.points), ("steps", r.steps),
                     ("visibility", r.visibility)):
            ET.SubElement(p, "property", name=k, value=str(v))
        if r.status == "not_run":
            ET.SubElement(tc, "skipped", message=_xml_safe(r.reason))
        elif r.status == "failed":
            f = ET.SubElement(tc, "failure", message=_xml_safe(r.reason or "failed"),
                              type="GradeFailure")
            f.text = _xml_safe(_output_text(r))
        so = ET.SubElement(tc, "system-out")
        so.text = _xml_safe(r.transcript)
    return root


def _xml_safe(s: str) -> str:
    return "".join(c if c in "\t\n\r" or (0x20 <= ord(c) < 0xD800) or
                   (0xE000 <= ord(c) < 0xFFFE) else f"\\x{ord(c):02x}" for c in s)


def write_junit(run: GradeRun, path: str | Path) -> None:
    tree = ET.ElementTree(junit(run))
    ET.indent(tree)
    try:
        tree.write(str(path), encoding="utf-8", xml_declaration=True)
    except OSError as e:
        raise UserError(f"cannot write {str(path)!r}: {e.strerror}") from None
