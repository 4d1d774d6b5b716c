"""Running tests: one test in this process (:func:`run_one`, what a test process does),
many tests in their own processes with dependencies (:func:`run_jobs`), a whole suite
(:func:`grade`), and matching a transcript against ``expect``/``reject``
(:func:`check_transcript`)."""
from __future__ import annotations

import importlib
import multiprocessing
import multiprocessing.connection
import re
import tempfile
import time
from fractions import Fraction
from pathlib import Path

from ringvm.errors import UserError

from ..engine import available_engines, choose_engine
from ..images import BootImage, MachineOptions, machine_for
from ..machine import Console
from .build import Builder, prepare_job
from .suite import (CHUNK, DEFAULT_HOST_TIMEOUT, PARTIAL_RE, Boot, GradeRun, Suite,
                    TestResult, TestSpec, _round, select_tests)


def _lines(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").replace("\r", "").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def check_transcript(text: str, expect: list[str], reject: list[str]
                     ) -> tuple[bool, list[tuple[str, str]]]:
    """Match ``expect`` (in order) and ``reject`` against the lines of ``text``.

    Returns ``(ok, annotated)``: annotated is ``(tag, text)`` per transcript line (tag
    GOOD / BAD / "") with ``("MISSING", regex)`` inserted where an expected line was
    looked for (after the line the previous expectation matched)."""
    lines = _lines(text)
    tags = [""] * len(lines)
    missing_at: dict[int, list[str]] = {}
    pos = 0
    ok = True
    for rx in expect:
        pat = re.compile(rx)
        for j in range(pos, len(lines)):
            if pat.search(lines[j]):
                tags[j] = "GOOD"
                pos = j + 1
                break
        else:
            ok = False
            missing_at.setdefault(pos, []).append(rx)
    rej = [re.compile(r) for r in reject]
    for j, line in enumerate(lines):
        if any(p.search(line) for p in rej):
            tags[j] = "BAD"
            ok = False
    out: list[tuple[str, str]] = []
    for j, line in enumerate(lines):
        for rx in missing_at.get(j, ()):
            out.append(("MISSING", rx))
        out.append((tags[j], line))
    for rx in missing_at.get(len(lines), ()):
        out.append(("MISSING", rx))
    return ok, out


def _stop_text(kind: str, r, boot: Boot, steps: int) -> str:
    if kind == "halt":
        return f"halted with exit code {r.exit_code & 0xFF if r.exit_code is not None else 0}"
    if kind == "max_steps":
        return (f"step limit reached: max_steps = {boot.max_steps:,} "
                f"(pc 0x{r.pc:08x}, ring {r.ring}): a hang or a loop?")
    if kind == "machine_check":
        return f"machine check: {r.detail or f'cpu {r.cpu} pc 0x{r.pc:08x}'}"
    if kind == "deadlock":
        return ("deadlock: every CPU waits for an interrupt that can never come "
                f"(after {steps:,} steps)")
    if kind == "output_limit":
        return f"output limit: more than {boot.output_limit:,} bytes of console output"
    return kind


_ERROR_LINE = re.compile(r":\d+:\d+: error: |^[^:\s]+: error: |^\d+ errors?\b")


def _quote(line: str, limit: int = 100) -> str:
    """A console line for a reason: quoted, shortened to ``limit`` characters."""
    line = line.strip()
    return repr(line if len(line) <= limit else line[:limit - 3] + "...")


def _symbolizer(job: dict, have=None):
    """The Symbolizer of a job's kernel and disk programs (made once per test)."""
    if have is not None:
        return have
    from ..images.symbols import ProgramSource, Symbolizer
    if job.get("program_elves") is not None:        # a cluster task: the ELFs travel
        return Symbolizer(job["elf"], job["program_elves"])
    progs = job.get("programs")
    source = ProgramSource(Path(progs[0]), Path(progs[1]) if progs[1] else None) \
        if progs else None
    return Symbolizer(job["elf"], source)


def machine_options(job: dict, overlays: list | None = None) -> MachineOptions:
    """The :class:`MachineOptions` of a boot of ``job``'s test: its engine and machine
    shape, its disk images in snapshot mode, with ``overlays`` (the sectors the
    previous boots wrote). ``ringvm grade --rerun`` and ``--debug`` use it too, so they
    boot exactly the machine the grader booted."""
    t: TestSpec = job["spec"]
    return MachineOptions(engine=job["engine"], ncpus=t.cpus, ram=t.ram,
                          tlb_entries=t.tlb_entries, disks=job["disks"],
                          snapshot=True, disk_overlays=overlays,
                          nic=job.get("nic") or "none")


def boot_machine(job: dict, overlays: list | None, console):
    """A new Machine for a boot of ``job`` (see :func:`machine_options`) with
    ``console`` attached. Raises :class:`UserError`."""
    return machine_for(BootImage(job["spec"].name, job["elf"],
                                 modules=job.get("modules") or []),
                       machine_options(job, overlays), console)


def _tee(console, echo) -> None:
    """Pass every byte of guest output to ``echo(bytes)`` too (``--rerun``)."""
    write = console.write

    def tee(data: bytes) -> None:
        write(data)
        if data:
            echo(data)
    console.write = tee


def timeline_path(path: str, i: int, n: int) -> str:
    """The timeline file of boot ``i`` (1-based) of ``n``: ``path`` itself for a
    single boot, else ``run.json`` -> ``run.boot2.json``."""
    if n <= 1:
        return path
    stem, dot, ext = path.rpartition(".")
    return f"{stem}.boot{i}.{ext}" if dot and "/" not in ext else f"{path}.boot{i}"


def run_one(job: dict, echo=None, timeline: dict | None = None) -> TestResult:
    """Run the test of ``job`` (from :func:`prepare_job`) in this process; ``echo``:
    called with the guest's output as it comes (``--rerun`` shows it live);
    ``timeline``: ``--timeline`` options (cli.options.timeline_options) — each boot
    writes one (:func:`timeline_path`), and ``timeline["written"]`` lists
    ``(path, summary)``."""
    t: TestSpec = job["spec"]
    res = TestResult(t.name, t.points, 0, "failed", visibility=t.visibility,
                     tags=list(t.tags), description=t.description)
    if job.get("error"):
        res.reason = job["error"]
        detail = job.get("error_detail") or ""
        if detail:
            res.transcript = detail if detail.endswith("\n") else detail + "\n"
            res.checks = [("ERROR" if _ERROR_LINE.search(x) else "", x)
                          for x in detail.splitlines()]
        return res
    transcript: list[str] = []
    checks: list[tuple[str, str]] = []
    ok = True
    overlays: list | None = None
    sym = None
    for i, boot in enumerate(t.boots, 1):
        if len(t.boots) > 1:
            checks.append(("BOOT", f"boot {i} of {len(t.boots)}"))
        console = Console(input=boot.input, mode="scripted", capture=True)
        if echo is not None:
            _tee(console, echo)
        try:
            m = boot_machine(job, overlays, console)
        except UserError as e:
            res.reason = f"cannot boot the kernel: {e}"
            return res
        tl = None
        if timeline is not None:
            from ..images.abi import syscall_names_for
            from ..machine.timeline import Timeline
            tl = Timeline(m, name=f"{t.name}" + (f" boot {i}" if len(t.boots) > 1 else ""),
                          window=timeline["window"], max_events=timeline["max_events"],
                          syscall_name=syscall_names_for(m.symbols).get)
        try:
            done = 0
            while True:
                r = m.run(max_steps=min(CHUNK, boot.max_steps - done))
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
            res.steps += done
            overlays = m.disk_overlays()
            if tl is not None:
                path = timeline_path(timeline["path"], i, len(t.boots))
                tl.write(path)
                timeline.setdefault("written", []).append((path, tl.summary()))
        finally:
            m.close()
        out = bytes(console.captured)
        if kind == "output_limit":
            out = out[:boot.output_limit]
        text = out.decode("utf-8", errors="backslashreplace")
        transcript.append(text)
        good, annotated = check_transcript(text, boot.expect, boot.reject)
        sym = _symbolizer(job, sym)
        annotated = [(tag, sym.annotate(x)) if tag != "MISSING" and "0x" in x else (tag, x)
                     for tag, x in annotated]
        checks += annotated
        prefix = f"boot {i}: " if len(t.boots) > 1 else ""
        bad = next((x for tag, x in annotated if tag == "BAD"), None)
        last = next((x for tag, x in reversed(annotated) if tag != "MISSING" and x.strip()),
                    None)
        stop_ok = boot.stop == "any" or boot.stop == kind
        why = None
        if not stop_ok:
            why = sym.annotate(_stop_text(kind, r, boot, done))
            if boot.stop != "halt":
                why += f" (expected: {boot.stop.replace('_', ' ')})"
        elif kind == "halt" and boot.exit_code is not None and \
                (r.exit_code or 0) & 0xFF != boot.exit_code:
            why = f"exit code {(r.exit_code or 0) & 0xFF}, expected {boot.exit_code}"
        if why is not None:
            ok = False
            if bad is not None:
                why = f"{_quote(bad)} ({why})"
            elif last is not None:
                why += f"; last line {_quote(last)}"
            res.reason = res.reason or prefix + why
        if not good:
            ok = False
            if not res.reason:
                miss = [x for tag, x in annotated if tag == "MISSING"]
                if bad is not None:
                    res.reason = prefix + f"forbidden output: {_quote(bad)}" + (
                        f" ({len(miss)} expected line{'s' if len(miss) > 1 else ''} "
                        f"missing)" if miss else "")
                else:
                    res.reason = prefix + f"expected output missing: /{miss[0]}/" + (
                        f" (+{len(miss) - 1} more)" if len(miss) > 1 else "")
        if not ok:
            if i < len(t.boots):
                checks.append(("BOOT", f"boots {i + 1}-{len(t.boots)} not run"))
            break
    res.transcript = "".join(
        (f"===== boot {i} =====\n" if len(transcript) > 1 else "") + x
        + ("" if x.endswith("\n") or not x else "\n")
        for i, x in enumerate(transcript, 1))
    res.checks = checks
    score = Fraction(t.points).limit_denominator(10**6) if ok else Fraction(0)
    if t.partial == "expect":
        n = sum(len(b.expect) for b in t.boots)
        x = sum(1 for tag, _ in checks if tag == "GOOD")
        res.partial = (x, n)
        score = Fraction(t.points).limit_denominator(10**6) * x / n
        if not ok:
            res.reason = res.reason + f" (partial credit: {x} of {n} expected lines)"
    elif t.partial:
        found = PARTIAL_RE.findall("".join(transcript))
        if found:
            x, n = (int(v) for v in found[-1])
            n = max(n, 1)
            x = min(x, n)
            res.partial = (x, n)
            score = Fraction(t.points).limit_denominator(10**6) * x / n
            if x < n:
                ok = False
                res.reason = res.reason or f"partial credit: {x} of {n}"
        elif ok:
            ok = False
            res.reason = "no PARTIAL CREDIT line in the output"
            score = Fraction(0)
    res.score = _round(score)
    res.status = "passed" if ok else "failed"
    return res


# ------------------------------------------------------------------ running a suite

def _child(job: dict, conn) -> None:
    try:
        res = run_one(job)
        conn.send(("ok", res))
    except BaseException as e:   # noqa: BLE001 — report, never hang the parent
        import traceback
        try:
            conn.send(("error", f"{type(e).__name__}: {e}\n{traceback.format_exc()}"))
        except Exception:        # noqa: BLE001
            pass
    finally:
        conn.close()


_CTX = None


def _context():
    """The multiprocessing context for test processes: ``fork`` where the platform has
    it (a test process starts in milliseconds and imports nothing: everything it needs
    is imported here first), else ``spawn``. The grader itself runs no threads (its
    progress bar is refreshed by hand), so forking is safe."""
    global _CTX
    if _CTX is None:
        for kind in available_engines():     # imported before forking
            importlib.import_module(f"ringvm.emulator.engine.{kind}")
        methods = multiprocessing.get_all_start_methods()
        _CTX = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return _CTX


def _crash_result(t: TestSpec, reason: str) -> TestResult:
    return TestResult(t.name, t.points, 0, "failed", reason=reason,
                      visibility=t.visibility, tags=list(t.tags), description=t.description)


def _key(job: dict) -> str:
    return job.get("key", job["spec"].name)


def run_jobs(jobs: list[dict], nproc: int = 1, on_done=None, on_start=None,
             host_timeout: float = DEFAULT_HOST_TIMEOUT, depends=None) -> dict[str, TestResult]:
    """Run each job in its own process, at most ``nproc`` at a time, honouring
    dependencies (``depends``: key -> list of keys; a test runs only after its
    dependencies passed, else it is marked not run). A job's key is its ``"key"``
    (class grading: ``"student/test"``), else its test's name. Returns key -> result;
    ``on_done(result)`` (or ``on_done(key, result)`` for keyed jobs)."""
    ctx = _context()
    depends = depends or {}
    # start the biggest tests (by max_steps) first among those that are
    # ready, so a long test does not end up alone at the end of a parallel run; the
    # order changes only the wall time, never a result
    order = {id(j): i for i, j in enumerate(jobs)}
    pending = sorted(jobs, key=lambda j: (-sum(b.max_steps for b in j["spec"].boots),
                                          order[id(j)]))
    running: dict = {}          # conn -> (proc, job, deadline)
    results: dict[str, TestResult] = {}

    def finish(job, res):
        results[_key(job)] = res
        if on_done:
            if "key" in job:
                on_done(job["key"], res)
            else:
                on_done(res)

    try:
        while pending or running:
            # start what can start
            progress = True
            while progress:
                progress = False
                for job in list(pending):
                    t = job["spec"]
                    deps = depends.get(_key(job), [])
                    failed = [d for d in deps if d in results and not results[d].passed]
                    if failed:
                        pending.remove(job)
                        names = [d.rsplit("/", 1)[-1] for d in failed]   # no student
                        r = _crash_result(t, f"not run: depends on {', '.join(names)}, "
                                             f"which did not pass")
                        r.status = "not_run"
                        finish(job, r)
                        progress = True
                        continue
                    if any(d not in results for d in deps):
                        continue
                    if len(running) >= nproc:
                        break
                    pending.remove(job)
                    if job.get("error"):
                        finish(job, run_one(job))
                        progress = True
                        continue
                    recv, send = ctx.Pipe(duplex=False)
                    p = ctx.Process(target=_child, args=(job, send), daemon=True)
                    p.start()
                    send.close()
                    if on_start:
                        on_start(t)
                    running[recv] = (p, job, time.monotonic() + host_timeout)
                    progress = True
            if not running:
                if pending:     # only jobs waiting on deps that can never finish
                    for job in pending:
                        finish(job, _crash_result(job["spec"], "not run: dependencies"))
                    pending.clear()
                break
            ready = multiprocessing.connection.wait(list(running), timeout=1.0)
            now = time.monotonic()
            for conn in list(running):
                p, job, deadline = running[conn]
                t = job["spec"]
                if conn in ready:
                    try:
                        kind, payload = conn.recv()
                    except (EOFError, OSError):
                        p.join(5)
                        code = p.exitcode
                        why = (f"signal {-code}" if code is not None and code < 0
                               else f"exit status {code}")
                        kind, payload = "crash", f"the test process crashed ({why})"
                    conn.close()
                    p.join(10)
                    del running[conn]
                    if kind == "ok":
                        finish(job, payload)
                    elif kind == "error":
                        finish(job, _crash_result(
                            t, "internal error: " + payload.splitlines()[0]))
                    else:
                        finish(job, _crash_result(t, payload))
                elif now > deadline:
                    p.kill()
                    p.join(5)
                    conn.close()
                    del running[conn]
                    finish(job, _crash_result(
                        t, f"host timeout: still running after {host_timeout:.0f} s"))
    finally:
        for conn, (p, _job, _d) in running.items():
            p.kill()
            p.join(5)
            conn.close()
    return results


def grade(suite: Suite, jobs: int = 1, only: list[str] | None = None, on_done=None,
          on_start=None, host_timeout: float = DEFAULT_HOST_TIMEOUT,
          execute=None) -> GradeRun:
    """Run ``suite`` (optionally the ``only`` selection) with ``jobs`` processes, or with
    ``execute(jobs, depends, on_done) -> key -> result`` (a Dask cluster:
    :func:`.cluster.grade_on_cluster`)."""
    engine, _note = choose_engine(suite.engine)
    tests = select_tests(suite, only)
    with tempfile.TemporaryDirectory(prefix="ringvm-grade-") as tmp:
        builder = Builder(suite, Path(tmp))
        job_list = [prepare_job(suite, t, builder, engine) for t in tests]
        depends = {t.name: t.depends for t in tests}
        if execute is not None:
            results = execute(job_list, depends, on_done)
        else:
            results = run_jobs(job_list, max(1, jobs), on_done=on_done, on_start=on_start,
                               host_timeout=host_timeout, depends=depends)
    return GradeRun(suite, [results[t.name] for t in tests], engine)
