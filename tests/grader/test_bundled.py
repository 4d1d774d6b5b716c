"""The bundled suites: full marks on the bundled kernel and on both engines; each
deliberately broken kernel variant (variants.py) fails exactly its tests; the pytest
plugin collects suite files."""
from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from ringvm.emulator import grader

from .variants import ROOT, SUITE, VARIANTS, make_variant

ISA_SUITE = ROOT / "guests" / "isa-suite" / "suite.toml"


def failed(run) -> set[str]:
    return {r.name for r in run.results if not r.passed}


def test_monolithic_suite_full_marks_and_deterministic():
    suite = grader.load_suite(SUITE, engine="native")
    run = grader.grade(suite, jobs=2)
    assert len(run.results) >= 15
    assert run.full_marks, {r.name: r.reason for r in run.results if not r.passed}
    assert run.score == run.max_score >= 30
    # a second run, serial and of a part of the suite, gives the same transcripts
    again = grader.grade(suite, jobs=1, only=["persistence", "kill-preempt"])
    first = {r.name: r for r in run.results}
    assert len(again.results) >= 4
    for r in again.results:
        f = first[r.name]
        assert (r.score, r.steps, r.transcript, r.checks) == \
            (f.score, f.steps, f.transcript, f.checks), r.name


@pytest.mark.parametrize("engine", ["python", "native"])
def test_isa_suite_full_marks(engine):
    run = grader.grade(grader.load_suite(ISA_SUITE, engine=engine), jobs=2)
    assert run.full_marks, {r.name: r.reason for r in run.results if not r.passed}
    assert all(r.partial is None or r.partial[0] == r.partial[1] for r in run.results)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_broken_variant_fails_exactly_its_tests(name, tmp_path):
    sub = make_variant(name, tmp_path)
    run = grader.grade(grader.load_suite(SUITE, submission=sub, engine="native"), jobs=2)
    want = VARIANTS[name]["fails"]
    if want == "all":
        want = {r.name for r in run.results}
    got = failed(run)
    assert got == want, {r.name: r.reason for r in run.results if r.name in got ^ want}
    # the originals were not touched
    assert "BUG" not in (ROOT / "guests" / "monolithic" / "trap.s").read_text()


def test_variant_substitutions_apply(tmp_path):
    """Every substitution still matches the current kernel exactly once."""
    for name in VARIANTS:
        make_variant(name, tmp_path / name)


def _pytest(*args, cwd):
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                           "-p", "no:randomly", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def test_pytest_plugin_runs_a_suite(tmp_path):
    xml = tmp_path / "j.xml"
    r = _pytest(str(ISA_SUITE), "-q", "-n", "2", f"--junitxml={xml}", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    n = len(grader.load_suite(ISA_SUITE).tests)
    assert f"{n} passed" in r.stdout
    cases = ET.parse(xml).getroot().iter("testcase")
    assert {c.get("name") for c in cases} >= {"alu", "traps", "tlb", "wfi-deadlock"}


def test_pytest_plugin_reports_failures(write_suite, sub):
    write_suite("""
        [suite]
        name = "plug"
        [[test]]
        name = "good"
        kernel = "hello.s"
        expect = ['hello grader']
        [[test]]
        name = "bad"
        kernel = "hello.s"
        tags = ["mytag"]
        expect = ['^second line$', '^never printed$']
        [[test]]
        name = "after-bad"
        kernel = "hello.s"
        depends = ["bad"]
    """)
    (sub / "other.toml").write_text("[[test]]\nname = 'x'\n")
    (sub / "suite_not_ringvm.toml").write_text("[tool]\nx = 1\n")
    r = _pytest(str(sub), "-q", "-rf", cwd=sub)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "1 failed, 1 passed, 1 skipped" in r.stdout
    assert "GOOD     second line" in r.stdout
    assert "MISSING  /^never printed$/" in r.stdout


def test_bundled_guest_and_its_disk(write_suite):
    p = write_suite("""
        [[test]]
        name = "hello"
        guest = "hello"
        expect = ['hello from ring 3']
        [[test]]
        name = "nosuch"
        guest = "no-such-guest"
        [[test]]
        name = "monolithic"
        guest = "monolithic"
        disk = { guest = "monolithic" }
        input = "ls\\n"
        expect = ['^\\$ ls$', '^README\\s+file']
    """)
    run = grader.grade(grader.load_suite(p), jobs=2)
    assert run.results[0].passed
    assert "no bundled guest called 'no-such-guest'" in run.results[1].reason
    assert run.results[2].passed, run.results[2].reason


def test_isa_suite_catches_an_engine_bug(monkeypatch):
    """A Python engine whose signed division by zero gives 0 (not -1) loses part of the
    ALU test's points, and only those: the test processes fork from this one, so they
    run the patched engine."""
    from ringvm.emulator.engine.python import exec as pyexec
    buggy = pyexec._compile("rr", {"div": "0 if b == 0 else _div(a, b)"})["div"]
    monkeypatch.setitem(pyexec.MAKE_ALU, "div", buggy)
    run = grader.grade(grader.load_suite(ISA_SUITE, engine="python"), jobs=2)
    r = {x.name: x for x in run.results}
    assert failed(run) == {"alu"}
    assert r["alu"].partial[1] - r["alu"].partial[0] == 1
    assert 0 < r["alu"].score < r["alu"].points
    assert ("BAD", "FAIL div by 0: got 0x00000000, expected 0xffffffff") in r["alu"].checks
