"""Running suites: scoring, dependencies, partial credit, step limits, output limits,
machine checks, assembly errors, multi-boot disks, visibility, determinism, reports."""
from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET

import pytest

from ringvm.emulator import grader
from ringvm.emulator.grader import report as grader_report
from ringvm.emulator.cli import main as ringvm_main

SUITE = """
[suite]
name = "tiny"
[defaults]
kernel = "hello.s"
max_steps = "100K"
exit_code = 0
[[test]]
name = "pass"
points = 2
expect = ['^hello grader$', '^second line$']
[[test]]
name = "missing"
expect = ['^second line$', '^hello grader$']
[[test]]
name = "forbidden"
reject = ['second']
[[test]]
name = "after-fail"
depends = ["missing"]
[[test]]
name = "after-pass"
depends = ["pass"]
[[test]]
name = "partial"
points = 8
partial = true
[[test]]
name = "partial-expect"
points = 3
partial = "expect"
expect = ['^hello grader$', '^nope$', '^second line$']
[[test]]
name = "exit-code"
kernel = "exit7.s"
exit_code = 7
[[test]]
name = "wrong-exit"
kernel = "exit7.s"
[[test]]
name = "hang"
kernel = "spin.s"
max_steps = "50K"
[[test]]
name = "flood"
kernel = "flood.s"
max_steps = "10M"
output_limit = "2K"
[[test]]
name = "mcheck"
kernel = "mcheck.s"
[[test]]
name = "mcheck-expected"
kernel = "mcheck.s"
stop = "machine_check"
[[test]]
name = "asm-error"
kernel = "broken.s"
[[test]]
name = "no-source"
kernel = "nothere.s"
[[test]]
name = "echo"
kernel = "echo.s"
input = "typed line\\nanother\\n"
expect = ['^typed line$', '^another$']
[[test]]
name = "secret"
visibility = "hidden"
kernel = "spin.s"
max_steps = "10K"
"""


@pytest.fixture
def run(write_suite):
    return grader.grade(grader.load_suite(write_suite(SUITE)), jobs=2)


def by_name(run):
    return {r.name: r for r in run.results}


def test_scores_and_reasons(run):
    r = by_name(run)
    assert r["pass"].passed and r["pass"].score == 2
    assert [t for t, _ in r["pass"].checks if t] == ["GOOD", "GOOD"]
    m = r["missing"]
    assert not m.passed and m.score == 0
    assert "expected output missing: /^hello grader$/" in m.reason
    assert ("MISSING", "^hello grader$") in m.checks
    f = r["forbidden"]
    assert not f.passed and ("BAD", "second line") in f.checks and "forbidden" in f.reason
    assert r["exit-code"].passed
    assert r["wrong-exit"].reason == "exit code 7, expected 0"
    assert r["echo"].passed
    assert r["mcheck-expected"].passed
    assert run.max_score == sum(t.points for t in run.suite.tests)
    assert run.score == 2 + 1 + 6 + 2 + 1 + 1 + 1
    assert not run.full_marks


def test_dependencies(run):
    r = by_name(run)
    assert r["after-fail"].status == "not_run" and r["after-fail"].score == 0
    assert "depends on missing" in r["after-fail"].reason
    assert r["after-fail"].steps == 0
    assert r["after-pass"].passed


def test_partial_credit(run):
    p = by_name(run)["partial"]
    assert p.partial == (3, 4) and p.score == 6 and p.status == "failed"
    assert p.reason == "partial credit: 3 of 4"


def test_partial_credit_by_expected_lines(run):
    p = by_name(run)["partial-expect"]
    assert p.partial == (2, 3) and p.score == 2 and p.status == "failed"
    assert p.reason == ("expected output missing: /^nope$/ "
                        "(partial credit: 2 of 3 expected lines)")


def test_failures_are_contained(run):
    r = by_name(run)
    assert r["hang"].reason.startswith("step limit reached: max_steps = 50,000")
    assert r["hang"].steps == 50_000
    assert r["flood"].reason.startswith("output limit: more than 2,000 bytes of console "
                                        "output; last line 'xxxx")
    assert len(r["flood"].transcript) <= 2_001
    assert r["flood"].steps < 10_000_000
    assert r["mcheck"].reason.startswith("machine check:") and "duplicate" in r["mcheck"].reason
    a = r["asm-error"]
    assert a.reason.startswith("assembly error:") and "broken.s:4" in a.reason
    assert "nosuchsymbol" in a.reason
    assert "not found in the submission" in r["no-source"].reason


def test_deterministic_and_parallel_equals_serial(write_suite):
    suite = grader.load_suite(write_suite(SUITE))
    a = grader_report.plain(grader.grade(suite, jobs=1))
    b = grader_report.plain(grader.grade(suite, jobs=2))
    c = grader_report.plain(grader.grade(suite, jobs=3))
    assert a == b == c


def test_gradescope_shape(run):
    g = grader_report.gradescope(run)
    assert set(g) >= {"score", "max_score", "tests", "output", "visibility"}
    assert g["score"] == run.score and g["max_score"] == run.max_score
    for t, r in zip(g["tests"], run.results):
        assert set(t) >= {"name", "score", "max_score", "status", "output", "visibility"}
        assert t["name"] == r.name and t["status"] in ("passed", "failed")
        assert isinstance(t["score"], (int, float)) and isinstance(t["output"], str)
    secret = [t for t in g["tests"] if t["name"] == "secret"][0]
    assert secret["visibility"] == "hidden"
    assert sum(t["score"] for t in g["tests"]) == g["score"]
    json.dumps(g)


def test_junit_parses(run, tmp_path):
    p = tmp_path / "j.xml"
    grader_report.write_junit(run, p)
    root = ET.parse(p).getroot()
    ts = root.find("testsuite")
    assert ts.get("tests") == str(len(run.results))
    cases = {c.get("name"): c for c in ts.findall("testcase")}
    assert cases["pass"].find("failure") is None
    assert cases["missing"].find("failure").get("message").startswith("expected output")
    assert cases["after-fail"].find("skipped") is not None
    assert int(ts.get("failures")) + int(ts.get("skipped")) == \
        sum(not r.passed for r in run.results)


def test_multiboot_disk_is_copy_on_write(write_suite, sub):
    img = sub / "disk.img"
    before = hashlib.sha256(img.read_bytes()).hexdigest()
    p = write_suite("""
        [[test]]
        name = "twice"
        kernel = "disk.s"
        disk = { image = "disk.img" }
        [[test.boots]]
        expect = ['^sector 1: original$']
        [[test.boots]]
        expect = ['^sector 1: BOOTED!!$']
        [[test]]
        name = "fresh"
        kernel = "disk.s"
        disk = { image = "disk.img" }
        expect = ['^sector 1: original$']
    """)
    run = grader.grade(grader.load_suite(p), jobs=2)
    assert all(r.passed for r in run.results), [r.reason for r in run.results]
    assert "===== boot 2 =====" in run.results[0].transcript
    assert hashlib.sha256(img.read_bytes()).hexdigest() == before


def test_two_disks_are_both_copy_on_write_and_carried_across_boots(write_suite, sub):
    """The bundled bootinfo guest copies sector 0 of disk to disk1; a second boot of the
    same test sees disk1 as the first boot left it (the overlays of every disk travel),
    and neither image file changes."""
    (sub / "a.img").write_bytes(b"A" * 512 + bytes(512))
    (sub / "b.img").write_bytes(bytes(1024))
    before = (sub / "b.img").read_bytes()
    p = write_suite("""
        [[test]]
        name = "copy"
        guest = "bootinfo"
        disk = [{ image = "a.img" }, { image = "b.img" }]
        [[test.boots]]
        expect = ['^device disk1 0x40005000 irq 5$', 'read back: OK']
        [[test.boots]]
        expect = ['read back: OK']
    """)
    run = grader.grade(grader.load_suite(p))
    assert run.results[0].passed, run.results[0].reason
    assert (sub / "b.img").read_bytes() == before


def test_multiboot_stops_at_the_first_failed_boot(write_suite):
    p = write_suite("""
        [[test]]
        name = "t"
        kernel = "hello.s"
        [[test.boots]]
        expect = ['nope']
        [[test.boots]]
        expect = ['hello']
    """)
    r = grader.grade(grader.load_suite(p)).results[0]
    assert r.reason.startswith("boot 1: expected output missing")
    assert ("BOOT", "boots 2-2 not run") in r.checks


def test_cli(write_suite, sub, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    p = write_suite(SUITE)
    js, ju = tmp_path / "r.json", tmp_path / "r.xml"
    rc = ringvm_main(["grade", str(p), "-j", "2", "--json", str(js), "--junit", str(ju),
                      "--no-progress"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "MISSING" in out and "GOOD" in out and "BAD" in out
    assert (tmp_path / "grade-output" / "missing.txt").is_file()
    text = (tmp_path / "grade-output" / "missing.txt").read_text()
    assert "MISSING  /^hello grader$/" in text and "GOOD     second line" in text
    data = json.loads(js.read_text())
    assert data["score"] == 14
    ET.parse(ju)
    rc = ringvm_main(["grade", str(p), "--only", "pass", "--json", str(js), "--format",
                      "plain", "--no-progress"])
    assert rc == 0
    assert json.loads(js.read_text())["tests"][0]["name"] == "pass"
    rc = ringvm_main(["grade", str(p), "--only", "nothing"])
    assert rc == 2
    assert "--only nothing" in capsys.readouterr().err


def test_cli_list(write_suite, capsys):
    p = write_suite(SUITE)
    assert ringvm_main(["grade", str(p), "--list", "--only", "after-pass"]) == 0
    out = capsys.readouterr().out
    assert "2 tests, 3 points" in out and "after-pass" in out and "pass" in out


def test_cli_hide_hidden(write_suite, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    p = write_suite(SUITE)
    ringvm_main(["grade", str(p), "--only", "secret", "--hide-hidden", "--no-progress"])
    out = capsys.readouterr().out
    assert "secret (hidden)" in out and "step limit reached" not in out
    ringvm_main(["grade", str(p), "--only", "secret", "--no-progress"])
    assert "step limit reached" in capsys.readouterr().out


def test_python_engine(write_suite):
    p = write_suite(SUITE)
    s = grader.load_suite(p, engine="python")
    run = grader.grade(s, jobs=2, only=["pass", "echo", "hang"])
    r = by_name(run)
    assert run.engine == "python"
    assert r["pass"].passed and r["echo"].passed and not r["hang"].passed


def test_unwritable_cache(write_suite, sub, monkeypatch):
    """Kernels and disk images are built for the run when the cache cannot be written."""
    (sub / "files").mkdir()
    (sub / "files" / "a.txt").write_text("a\n")
    monkeypatch.setenv("RINGVM_CACHE", "/dev/null/cache")
    p = write_suite("""
        [[test]]
        name = "t"
        kernel = "hello.s"
        disk = { files = "files" }
        expect = ['hello grader']
    """)
    r = grader.grade(grader.load_suite(p)).results[0]
    assert r.passed, r.reason


def test_defines_build_the_kernel_a_test_asks_for(write_suite, sub):
    (sub / "cfg.s").write_text('.include "ringvm.inc"\n.text\n_start:\n'
                               '    li t0, SYSCTL_HALT\n    li t1, CODE\n'
                               '    sw t1, 0(t0)\n1:  j 1b\n')
    p = write_suite("""
        [[test]]
        name = "five"
        kernel = "cfg.s"
        defines = { CODE = 5 }
        exit_code = 5
        [[test]]
        name = "six"
        kernel = "cfg.s"
        defines = { CODE = 6 }
        exit_code = 6
        [[test]]
        name = "nbuf"
        guest = "bootinfo"
        defines = { UNUSED_HERE = 1 }
        expect = ['^boot info v1']
    """)
    run = grader.grade(grader.load_suite(p))
    assert [r.passed for r in run.results] == [True, True, True], \
        [r.reason for r in run.results]
