"""Grading a class: ``ringvm grade SUITE --submissions DIR``.

Every folder directly under ``DIR`` is one student's submission (its name is the
student's name in the gradebook; hidden folders and files are ignored). A submission
*overlays* the suite's sources: its files replace the suite's, the files it leaves out
are the suite's own. The sources are the folders the suite reaches from its
submission directory — for ``guests/monolithic/suite.toml``, ``monolithic/`` and, through
``include = ["../lib"]`` and ``disk = { programs = "../user" }``, ``lib/`` and
``user/`` — under their common parent, the *source root*. A student's folder mirrors
either that root (``alice/monolithic/proc.s``, ``alice/lib/fs/log.s``) or, when it has
no folder named like the submission directory, the submission directory itself
(``alice/proc.s``).

:func:`prepare_class` materialises each student's sources (the suite's, then the
student's files on top) in a work folder, loads the suite with that submission and
builds every kernel and disk image there (:mod:`.build`), so a student's results are
those of ``ringvm grade SUITE --submission <their merged folder>``, test for test.
:func:`grade_class` runs every (student, test) job: in the local process pool
(:func:`~.runner.run_jobs`, one process per test) or on a Dask cluster
(:mod:`.cluster`), and returns a :class:`ClassRun`; :func:`write_gradebook` writes the
CSV (one row per student: total, then each test's score).
"""
from __future__ import annotations

import csv
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ringvm.errors import UserError

from ..engine import choose_engine
from .build import Builder, prepare_job
from .runner import run_jobs
from .suite import DEFAULT_HOST_TIMEOUT, GradeRun, Suite, TestResult, load_suite, select_tests


@dataclass
class Student:
    """One submission: ``name`` (its folder's name), ``folder`` (as handed in),
    ``submission`` (the merged sources' submission directory), ``suite`` (loaded with
    it) and ``jobs`` (prepared, in suite order)."""
    name: str
    folder: Path
    submission: Path | None = None
    suite: Suite | None = None
    jobs: list = field(default_factory=list)


@dataclass
class ClassRun:
    """The results of a class: ``runs`` student name -> :class:`GradeRun` (sorted by
    name), the ``engine`` and where it ran (``"local"`` or the cluster's address)."""
    runs: dict[str, GradeRun]
    engine: str
    where: str = "local"


def find_submissions(directory: str | os.PathLike) -> list[tuple[str, Path]]:
    """``(student, folder)`` for every folder under ``directory``, sorted by name.
    Raises :class:`UserError` if ``directory`` is missing or holds no folder."""
    d = Path(directory)
    if not d.is_dir():
        raise UserError(f"--submissions {str(d)!r}: no such directory")
    out = [(p.name, p) for p in sorted(d.iterdir())
           if p.is_dir() and not p.name.startswith((".", "_"))]
    if not out:
        raise UserError(f"--submissions {str(d)!r}: no submission folders in it (one "
                        f"folder per student)")
    return out


def source_root(suite: Suite) -> tuple[Path, list[str]]:
    """``(root, top-level folder names)``: the common parent of the suite's submission
    directory and every folder its tests reach from it, and the folders under that
    root to copy for a student."""
    sub = suite.submission
    reached = {sub}
    for t in suite.tests:
        for rel in ([t.kernel] if t.kernel else []) + list(t.include or []):
            reached.add((sub / rel).resolve() if (sub / rel).is_dir()
                        else (sub / rel).resolve().parent)
        for d in t.disks:
            for k in ("programs", "files", "image"):
                if k in d:
                    p = (sub / d[k]).resolve()
                    reached.add(p if p.is_dir() else p.parent)
    root = Path(os.path.commonpath([str(p) for p in reached]))
    tops = sorted({p.relative_to(root).parts[0] for p in reached if p != root})
    return root, tops


def _overlay(student: Path, suite: Suite, dest: Path) -> Path:
    """The merged sources of ``student`` in ``dest``; returns the submission dir."""
    root, tops = source_root(suite)
    rel = suite.submission.relative_to(root)
    ignore = shutil.ignore_patterns("__pycache__", ".git", "*.img.tmp*")
    if not tops:                                   # the submission dir is the root
        shutil.copytree(root, dest, ignore=ignore)
    for top in tops:
        shutil.copytree(root / top, dest / top, ignore=ignore)
    mirrors_root = bool(tops) and rel.parts and (student / rel.parts[0]).is_dir()
    target = dest if mirrors_root or not tops else dest / rel
    shutil.copytree(student, target, dirs_exist_ok=True, ignore=ignore)
    return dest / rel if tops else dest


def prepare_class(suite_path, submissions, workdir: Path, engine: str | None = None,
                  only: list[str] | None = None, on_student=None) -> tuple[list[Student], str]:
    """Merge and build every submission under ``submissions`` in ``workdir`` (see the
    module docstring); ``on_student(name)`` is called as each is built. Returns the
    students (each with its jobs; a job's ``key`` is ``"student/test"``) and the
    engine. Raises :class:`UserError` for a bad suite or folder."""
    base = load_suite(suite_path, engine=engine)
    kind, _note = choose_engine(base.engine)
    students = []
    for name, folder in find_submissions(submissions):
        st = Student(name, folder)
        try:
            st.submission = _overlay(folder, base, workdir / "src" / name)
        except OSError as e:
            raise UserError(f"submission {name}: cannot copy its files: {e}") from None
        st.suite = load_suite(base.path, submission=st.submission, engine=base.engine)
        bdir = workdir / "build" / name
        bdir.mkdir(parents=True, exist_ok=True)
        builder = Builder(st.suite, bdir)
        for t in select_tests(st.suite, only):
            job = prepare_job(st.suite, t, builder, kind)
            job["key"] = f"{name}/{t.name}"
            job["student"] = name
            st.jobs.append(job)
        students.append(st)
        if on_student:
            on_student(name)
    return students, kind


def grade_class(students: list[Student], engine: str, jobs: int = 1, cluster: str | None = None,
                on_done=None, on_start=None,
                host_timeout: float = DEFAULT_HOST_TIMEOUT) -> ClassRun:
    """Run every student's jobs: ``cluster`` None runs them in ``jobs`` local processes;
    ``"local"`` on an embedded Dask ``LocalCluster`` of ``jobs`` workers; an address
    (``tcp://HOST:8786``) on that Dask scheduler. ``on_done(student, result)``."""
    all_jobs = [j for st in students for j in st.jobs]
    depends = {j["key"]: [f"{j['student']}/{d}" for d in j["spec"].depends]
               for j in all_jobs}
    done = (lambda key, r: on_done(key.split("/", 1)[0], r)) if on_done else None
    if cluster is None:
        results = run_jobs(all_jobs, max(1, jobs), on_done=done, on_start=on_start,
                           host_timeout=host_timeout, depends=depends)
        where = "local"
    else:
        from .cluster import run_jobs_on_cluster
        results, where = run_jobs_on_cluster(all_jobs, cluster, depends=depends,
                                             on_done=done, workers=max(1, jobs))
    runs = {}
    for st in students:
        runs[st.name] = GradeRun(st.suite, [results[j["key"]] for j in st.jobs], engine)
    return ClassRun(runs, engine, where)


def gradebook_rows(run: ClassRun) -> list[list[str]]:
    """The gradebook: a header (student, score, max_score, tests passed, then each
    test's name) and one row per student (scores as the reports print them)."""
    names: list[str] = []
    for r in run.runs.values():
        for x in r.results:
            if x.name not in names:
                names.append(x.name)
    rows = [["student", "score", "max_score", "passed", *names]]
    for student, r in run.runs.items():
        by = {x.name: x for x in r.results}
        rows.append([student, str(r.score), str(r.max_score),
                     str(sum(x.passed for x in r.results)),
                     *[str(by[n].score) if n in by else "" for n in names]])
    return rows


def write_gradebook(run: ClassRun, path: str | os.PathLike) -> None:
    """Write :func:`gradebook_rows` as CSV. Raises :class:`UserError`."""
    try:
        with open(path, "w", newline="") as f:
            csv.writer(f).writerows(gradebook_rows(run))
    except OSError as e:
        raise UserError(f"cannot write {str(path)!r}: {e.strerror}") from None


def result_key(r: TestResult) -> tuple:
    """What must be equal between two gradings of one test (tests compare runs)."""
    return (r.name, r.status, r.score, r.reason, r.steps, r.transcript, r.checks)
