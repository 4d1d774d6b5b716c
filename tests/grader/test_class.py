"""Grading a class (issue 20, items 14-15): every folder of --submissions DIR is a
student overlaying the suite's sources; the same scores as grading each alone; a
gradebook and per-student reports; the same results on a 2-worker Dask LocalCluster
as in the local process pool."""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import pytest

from ringvm.emulator import grader
from ringvm.emulator.grader import classroom, cluster
from ringvm.errors import UserError

from .variants import GUESTS, SUITE, make_variant

ONLY = ["pipe-bulk"]           # and the tests it depends on: boot, fork-wait, exec, pipes


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """alice: the reference kernel, one file handed in (mirrors the source root);
    bob: the pipe-loses-data variant (all three folders); carol: one kernel file at
    the top (mirrors the submission directory)."""
    d = tmp_path_factory.mktemp("class")
    (d / "alice" / "monolithic").mkdir(parents=True)
    shutil.copy(GUESTS / "monolithic" / "pipe.s", d / "alice" / "monolithic")
    make_variant("pipe-loses-data", d / "bob")
    (d / "carol").mkdir()
    shutil.copy(GUESTS / "monolithic" / "proc.s", d / "carol")
    (d / ".hidden").mkdir()
    return d


@pytest.fixture(scope="module")
def local_run(klass, tmp_path_factory):
    work = tmp_path_factory.mktemp("work")
    students, engine = classroom.prepare_class(SUITE, klass, work, engine="native",
                                               only=ONLY)
    return students, classroom.grade_class(students, engine, jobs=2)


def test_every_folder_is_a_student_with_the_scores_of_grading_alone(klass, local_run):
    students, run = local_run
    assert list(run.runs) == ["alice", "bob", "carol"]
    assert [x.name for x in run.runs["alice"].results] == \
        ["boot", "fork-wait", "exec", "pipes", "pipe-bulk"]
    assert run.runs["alice"].full_marks and run.runs["carol"].full_marks
    assert {x.name for x in run.runs["bob"].results if not x.passed} == {"pipe-bulk"}
    alone = grader.grade(grader.load_suite(SUITE, submission=klass / "bob" / "monolithic",
                                           engine="native"), jobs=2, only=ONLY)
    assert [classroom.result_key(r) for r in alone.results] == \
        [classroom.result_key(r) for r in run.runs["bob"].results]
    # carol's proc.s was used (mirrors the submission directory)
    carol = next(s for s in students if s.name == "carol")
    assert (carol.submission / "proc.s").read_bytes() == \
        (klass / "carol" / "proc.s").read_bytes()
    rows = classroom.gradebook_rows(run)
    assert rows[0][:4] == ["student", "score", "max_score", "passed"]
    assert rows[2][0] == "bob" and rows[2][-1] == "0"


@pytest.mark.skipif(not cluster.dask_available(),
                    reason="Dask is not installed (pip install 'ringvm[cluster]')")
def test_local_dask_cluster_gives_the_process_pools_results(local_run):
    students, run = local_run
    on_dask = classroom.grade_class(students, run.engine, jobs=2, cluster="local")
    assert on_dask.where == "a local Dask cluster of 2 workers"
    for name, r in run.runs.items():
        assert [classroom.result_key(x) for x in on_dask.runs[name].results] == \
            [classroom.result_key(x) for x in r.results], name


def test_cluster_without_dask_says_what_to_install(monkeypatch, local_run):
    monkeypatch.setattr(cluster, "dask_available", lambda: False)
    students, run = local_run
    with pytest.raises(UserError, match=r"pip install 'ringvm\[cluster\]'"):
        classroom.grade_class(students, run.engine, cluster="local")


def test_bad_submissions_folder(tmp_path):
    with pytest.raises(UserError, match="no such directory"):
        classroom.find_submissions(tmp_path / "nope")
    with pytest.raises(UserError, match="no submission folders"):
        classroom.find_submissions(tmp_path)


def test_cli_writes_gradebook_and_per_student_reports(klass, tmp_path):
    out = tmp_path / "out"
    p = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "grade", str(SUITE),
                        "--submissions", str(klass), "--only", "pipe-bulk", "--jobs", "2",
                        "--engine", "native", "--output-dir", str(out)],
                       capture_output=True, timeout=600)
    assert p.returncode == 1, p.stderr.decode()
    with open(out / "gradebook.csv") as f:
        rows = list(csv.reader(f))
    assert [r[0] for r in rows] == ["student", "alice", "bob", "carol"]
    gs = json.loads((out / "bob" / "results.json").read_text())
    assert gs["score"] < gs["max_score"]
    assert (out / "carol" / "junit.xml").is_file() and (out / "alice" / "pipes.txt").is_file()
    p = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "grade", str(SUITE),
                        "--submissions", str(klass), "--json", "x.json"],
                       capture_output=True, timeout=60)
    assert p.returncode == 2 and "cannot be given with it" in p.stderr.decode()
