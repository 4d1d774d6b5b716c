"""`ringvm grade --rerun TEST [--debug]` (issue 20, item 3): the same machine, input and
disks as the grader, the same result; the debugger stopped where the test failed, with
reverse execution from there; every failure in the report names the command."""
from __future__ import annotations

import subprocess
import sys

import pytest

from ringvm.emulator import grader
from ringvm.emulator.grader.rerun import Rerun
from ringvm.emulator.grader.runner import boot_machine
from ringvm.emulator.machine import Console
from ringvm.errors import UserError

SUITE = """
    [defaults]
    max_steps = "2M"

    [[test]]
    name = "bad-line"
    kernel = "hello.s"
    reject = ['^second']

    [[test]]
    name = "missing"
    kernel = "hello.s"
    expect = ['^hello grader$', '^third line$']

    [[test]]
    name = "hang"
    kernel = "spin.s"
    max_steps = 50000

    [[test]]
    name = "ok"
    kernel = "hello.s"
    expect = ['^hello grader$']

    [[test]]
    name = "twice"
    kernel = "disk.s"
    disk = { image = "disk.img" }
    [[test.boots]]
    expect = ['^sector 1: original$']
    [[test.boots]]
    expect = ['^sector 1: nothing$']
    """


@pytest.fixture
def suite(write_suite):
    return grader.load_suite(write_suite(SUITE), engine="python")


def _output_at(rr, point, steps) -> bytes:
    boot = rr.spec.boots[point.boot]
    con = Console(input=boot.input, mode="scripted", capture=True)
    m = boot_machine(rr.job, point.overlays, con)
    try:
        if steps:
            m.run(max_steps=steps)
        return bytes(con.captured)
    finally:
        m.close()


def test_rerun_gives_the_graders_result(suite):
    run = grader.grade(suite, jobs=2)
    for r in run.results:
        with Rerun(suite, r.name) as rr:
            again = rr.run()
        assert (again.status, again.reason, again.steps, again.transcript, again.checks) \
            == (r.status, r.reason, r.steps, r.transcript, r.checks), r.name


def test_failure_point_is_the_step_that_wrote_the_bad_line(suite):
    with Rerun(suite, "bad-line") as rr:
        p = rr.failure_point(rr.run())
        assert p.boot == 0 and p.line == "second line" and "forbidden" in p.why
        assert _output_at(rr, p, p.step).endswith(b"second line\n")
        assert not _output_at(rr, p, p.step - 1).endswith(b"second line\n")


def test_failure_point_of_a_missing_line_and_a_hang(suite):
    with Rerun(suite, "missing") as rr:
        p = rr.failure_point(rr.run())
        assert p.line == "second line" and "first unexpected line" in p.why
    with Rerun(suite, "hang") as rr:
        p = rr.failure_point(rr.run())
        assert p.step == 50000 and "step limit" in p.why
    with Rerun(suite, "ok") as rr:
        assert rr.failure_point(rr.run()) is None


def test_failure_in_a_later_boot_carries_the_earlier_boots_disk(suite):
    with Rerun(suite, "twice") as rr:
        p = rr.failure_point(rr.run())
        assert p.boot == 1 and p.overlays
        assert b"sector 1: BOOTED!!" in _output_at(rr, p, p.step)


def test_unknown_test_name_suggests_one(suite):
    with pytest.raises(UserError, match="did you mean bad-line"):
        Rerun(suite, "bad-lin")


def _cli(*args, input=b""):
    return subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "grade", *args],
                          input=input, capture_output=True, timeout=300)


def test_cli_rerun_and_debug(write_suite, tmp_path):
    path = write_suite(SUITE)
    p = _cli(str(path), "--engine", "python", "--output-dir", str(tmp_path / "out"),
             "--no-progress")
    out = p.stdout.decode()
    assert p.returncode == 1
    assert f"rerun: ringvm grade {path}" in out and "--rerun bad-line [--debug]" in out
    p = _cli(str(path), "--engine", "python", "--rerun", "bad-line")
    assert p.returncode == 1
    assert p.stdout.decode().startswith("hello grader\nsecond line\n")
    assert "--- bad-line: FAIL" in p.stderr.decode()
    p = _cli(str(path), "--engine", "python", "--rerun", "bad-line", "--debug",
             input=b"print $pc\nreverse-stepi\nprint $step\nquit\n")
    out = p.stdout.decode()
    assert p.returncode == 0, p.stderr.decode()
    assert "where the test failed: the forbidden line 'second line'" in out
    step = int(out.split("stopped at step ")[1].split(",")[0])
    assert f"(rdb) print $step\n0x{step - 1:08x}" in out or \
        f"= {step - 1}" in out or f"({step - 1})" in out
    p = _cli(str(path), "--debug")
    assert p.returncode == 2 and "go with --rerun" in p.stderr.decode()


def test_rerun_writes_one_timeline_per_boot(write_suite, tmp_path):
    import json

    from tracefmt import check_trace
    path = write_suite(SUITE)
    out = tmp_path / "t.json"
    p = _cli(str(path), "--engine", "python", "--rerun", "twice", "--timeline", str(out))
    assert p.returncode == 1, p.stderr.decode()          # the test fails, as designed
    for i in (1, 2):
        f = tmp_path / f"t.boot{i}.json"
        assert f"written to {f}" in p.stderr.decode()
        check_trace(json.loads(f.read_text()))
    p = _cli(str(path), "--engine", "python", "--rerun", "bad-line", "--debug",
             "--timeline", str(out), input=b"stepi 3\nquit\n")
    assert p.returncode == 0 and out.exists(), p.stderr.decode()
    check_trace(json.loads(out.read_text()))
    p = _cli(str(path), "--timeline", str(out))
    assert p.returncode == 2 and "--timeline goes with --rerun" in p.stderr.decode()
