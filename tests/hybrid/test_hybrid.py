"""The hybrid kernel (guests/hybrid): the monolithic kernel with only the file system
in a user-level server. It runs the same programs and workload; a crash of the server
costs the file calls in flight (EIO), not the system; the server is restarted; the
file system runs in ring 3 (the kernel image has no file-system code). Both engines."""
from __future__ import annotations

import re

import pytest

from mkboot import boot
from ringvm.emulator.images import resolve
from ringvm.emulator.images.workload import PHASES, parse_phases

ENGINES = ["python", "native"]


@pytest.mark.parametrize("engine", ENGINES)
def test_boots_through_its_file_system_server_and_runs_the_shell(engine):
    r = boot("echo hi\nls\nps\n", engine, guest="hybrid")
    assert r.kind == "halt" and r.exit_code == 0, r.text[-500:]
    assert re.match(r"ringvm hybrid kernel: \d+ KiB RAM, \d+ free pages$", r.lines[0])
    assert "hi" in r.lines
    assert any(re.match(r"README\s+file\s+\d+\s+659$", ln) for ln in r.lines)
    assert any(re.match(r"\s+2\s+1\s+sleeping\s+\d+\s+fsd$", ln) for ln in r.lines)


def test_the_file_system_lives_in_the_server_not_in_the_kernel():
    kernel = resolve("hybrid")
    from ringvm.assembler.elf import read_elf
    ksyms = set(read_elf(kernel.elf).symbols)
    server = set(read_elf(kernel.modules[0].data).symbols)
    for component in ("bread", "bget", "balloc", "bmap", "bfree", "skipelem", "bufs"):
        assert component in server and component not in ksyms, component
    assert {"iget", "readi", "namei", "fuse_call", "sys_fuse_wait"} <= ksyms


def test_both_engines_give_the_same_run():
    py = boot("echo same\n", "python", guest="hybrid")
    nat = boot("echo same\n", "native", guest="hybrid")
    assert py.text == nat.text and py.steps == nat.steps


@pytest.mark.parametrize("engine", ENGINES)
def test_the_portable_workload_runs(engine):
    quick = engine == "python"
    r = boot("workload quick\n" if quick else "workload\n", engine, guest="hybrid",
             max_steps=200_000_000)
    assert tuple(p.name for p in parse_phases(r.text)) == PHASES


def test_usertests_pass_in_full():
    r = boot("usertests\n", "native", guest="hybrid", max_steps=400_000_000)
    assert "usertests: OK" in r.lines, r.text[-2000:]


def test_usertests_on_the_python_engine():
    r = boot("usertests basic badptr files pipe\n", "python", guest="hybrid")
    assert "usertests: OK" in r.lines, r.text[-2000:]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_server_crash_fails_the_call_in_flight_and_the_server_restarts(engine):
    """A program that needs no file (sleep, in the background) runs across the crash;
    the file call in flight fails with EIO; the next ones work."""
    r = boot("sleep 20 &\ncat README\nsleep 30\necho a b | wc\ncat README\n", engine,
             guest="hybrid", defines={"FS_CRASH": 5})      # cat's open of README
    assert r.kind == "halt" and r.exit_code == 0
    i = r.lines.index("$ cat README")
    assert re.match(r"pid 2 \(fsd\): killed: illegal instruction", r.lines[i + 1])
    assert r.lines[i + 2] == ("hybrid: the file-system server (pid 2) died; its requests "
                              "fail with EIO")
    assert re.match(r"hybrid: file-system server restarted as pid \d+$", r.lines[i + 3])
    assert r.lines[i + 4] == "cat: README: I/O error"
    assert re.match(r"\[\d+\] done$", r.lines[r.lines.index("$ sleep 30") + 1])
    assert "1 2 4" in r.lines
    assert r.lines.count("Welcome to ringvm's monolithic kernel.") == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_without_its_server_file_calls_fail_and_the_rest_goes_on(engine):
    r = boot("kill 2\nls\ncd /\nexit 4\n", engine, guest="hybrid", options=["norestart"])
    assert r.kind == "halt" and r.exit_code == 4, r.text[-500:]
    assert "sh: ls: I/O error" in r.lines and "sh: cd: /: I/O error" in r.lines
    assert not [ln for ln in r.lines if "restarted" in ln or "panic" in ln]


def test_info_fuse_shows_the_server_and_its_requests():
    from ringvm.emulator.debugger import Debugger
    d = Debugger.open("hybrid", "native", input=b"cat README\n")
    try:
        d.execute("context off")
        d.command("break sys_fuse_wait")
        d.command("continue")
        d.command("continue")
        out = d.command("info fuse")
        assert out.startswith("file-system server: pid 2; restarts 0; requests so far")
        procs = d.command("info procs")
        assert re.search(r"\s2\s+1\s+\w+\s+\d+\s+fsd", procs)
    finally:
        d.m.close()


SESSION = "ls\ncat README | wc\necho hello > f\ncat f\nrm f\nps\nfault null\necho done\n"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_shell_session_matches_its_golden_transcript(engine):
    from pathlib import Path
    from mkboot import check_golden
    r = boot(SESSION, engine, guest="hybrid")
    assert r.kind == "halt" and r.exit_code == 0
    check_golden(Path(__file__).parent / "golden" / "session.txt", r.text)
