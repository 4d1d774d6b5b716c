"""Everyday conventions (issue 20, item 13): --version, colours only on a terminal and
never with NO_COLOR, a final newline after the guest's last prompt on a terminal,
--stats unwrapped when piped, "did you mean" offering real neighbours, the generators
saying what they wrote, grade-output/ holding one run, .gitignore not hiding tracked
files."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ringvm.errors import did_you_mean

ROOT = Path(__file__).resolve().parents[2]


def _ringvm(*args, env=None, input=b""):
    return subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", *args], input=input,
                          capture_output=True, timeout=300, env=env)


def test_version():
    p = _ringvm("--version")
    assert p.returncode == 0 and p.stdout.decode().startswith("ringvm ")


def test_did_you_mean_ranks_real_neighbours():
    mnemonics = ["add", "addi", "and", "andi", "lw", "lh", "jal", "jalr", "sub"]
    assert did_you_mean("ad", mnemonics) == ["add"]
    assert did_you_mean("lwz", mnemonics) == ["lw"]
    assert set(did_you_mean("adi", mnemonics, n=2)) == {"add", "addi"}
    assert did_you_mean("jmpl", mnemonics) == []
    assert did_you_mean("xyzzy", mnemonics) == []
    assert did_you_mean("helo", ["hello", "monolithic"]) == ["hello"]


def test_errors_uncoloured_when_piped_coloured_on_a_terminal():
    from ringvm.emulator.cli import format_error
    p = _ringvm("boot", "helo")
    err = p.stderr.decode()
    assert "\x1b[" not in err and "did you mean 'hello'?" in err
    colored = format_error("a.s:1:2: error: bad\n    note: x", True)
    assert "\x1b[1;31merror:" in colored and "\x1b[1;36mnote:" in colored
    assert format_error("x", False) == "ringvm: error: x"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_no_color_and_final_newline_on_a_terminal(tmp_path):
    import pty
    import select
    import time

    def run(env):
        pid, fd = pty.fork()
        if pid == 0:
            os.execvpe(sys.executable, [sys.executable, "-m", "ringvm.emulator.cli", "boot",
                                        "hello", "--input", "", "--disk", "nope.img"], env)
        buf = bytearray()
        end = time.time() + 60
        while time.time() < end:
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                buf += chunk
        os.waitpid(pid, 0)
        os.close(fd)
        return buf.decode(errors="replace")
    colored = run(dict(os.environ))
    assert "\x1b[" in colored and "error:" in colored
    plain = run(dict(os.environ, NO_COLOR="1"))
    assert "\x1b[" not in plain and "ringvm: error:" in plain


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_final_newline_after_the_last_prompt(tmp_path):
    import pty
    import time
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(sys.executable, [sys.executable, "-m", "ringvm.emulator.cli", "boot",
                                    "--snapshot", "--input", "echo hi\\n"],
                   dict(os.environ))
    buf = bytearray()
    end = time.time() + 120
    while time.time() < end:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        buf += chunk
    os.waitpid(pid, 0)
    os.close(fd)
    text = buf.decode(errors="replace").replace("\r\n", "\n")
    assert "\n$ \n" in text or text.endswith("$ \n"), text[-200:]


def test_stats_not_wrapped_when_piped():
    p = _ringvm("boot", "hello", "--stats")
    err = p.stderr.decode().splitlines()
    assert any(line.startswith("cycles") and line.rstrip()[-1].isdigit() for line in err)
    assert max(len(x) for x in err) > 0


def test_generate_says_what_it_wrote_or_that_it_is_up_to_date():
    from ringvm.isa import gen_asm_inc
    import io
    import contextlib
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert gen_asm_inc.main([]) == 0
    assert "up to date" in buf.getvalue() or "wrote" in buf.getvalue()


def test_grade_output_holds_one_run(tmp_path):
    from ringvm.emulator.grader import report
    from ringvm.emulator.grader.suite import GradeRun, Suite, TestResult
    out = tmp_path / "grade-output"
    out.mkdir()
    (out / "old-test.txt").write_text("test: old-test\nresult: passed (1/1 points)\n")
    (out / "notes.txt").write_text("mine\n")
    suite = Suite(tmp_path / "s.toml", "s", "", tmp_path, "auto", [])
    run = GradeRun(suite, [TestResult("t", 1, 1, "passed")], "native")
    report.write_transcripts(run, out)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "t.txt"]


def test_gitignore_hides_no_tracked_file():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    p = subprocess.run(["git", "ls-files", "-ci", "--exclude-standard"], cwd=ROOT,
                       capture_output=True, text=True)
    if p.returncode != 0:
        pytest.skip("git not usable here")
    assert p.stdout == ""
