"""The multiprocessor monolithic kernel (guests/monolithic: smp.s, spinlock.s, proc.s):
all CPUs booted through the IPI device, usertests (with the smp* tests) on 1, 2 and 4
CPUs, deterministic runs, ps's CPU column, TLB shootdowns counted, a recursive acquire
panics, and the debugger's info smp / info locks / info cpus.

Heavy runs (full usertests) on the native engine; the Python engine runs the quick set.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ringvm.emulator.engine import MachineConfig
from ringvm.emulator.images import build_guest, find_guest, rootdisk, rvfs
from ringvm.emulator.machine import Machine
from ringvm.emulator.machine.console import Console

ROOT = Path(__file__).resolve().parents[2]
USER = ROOT / "guests" / "user"
SMP_TESTS = "smpfork smppipe smpkill smptlb"


@pytest.fixture(scope="module")
def kernel() -> bytes:
    return build_guest(find_guest("monolithic"))


@pytest.fixture(scope="module")
def root_image(tmp_path_factory) -> Path:
    spec = rootdisk.DiskSpec("test", programs=USER, files=USER / "rootfs")
    p = tmp_path_factory.mktemp("smproot") / "root.img"
    p.write_bytes(rvfs.build_image(rootdisk.build_tree(spec)))
    return p


def run(kernel: bytes, disk: Path, text: str, ncpus: int, engine: str = "native",
        max_steps: int = 3_000_000_000):
    """Boot on ``ncpus`` CPUs with ``text`` as console input (snapshot disk); returns
    (transcript, RunResult, engine counters)."""
    con = Console(input=text.encode(), capture=True)
    with Machine(MachineConfig(ncpus=ncpus), engine, disk=str(disk), disk_snapshot=True,
                 console=con) as m:
        m.load_elf(kernel)
        r = m.run(max_steps=max_steps)
        counters = m.counters()
    return bytes(con.captured).decode("utf-8", "replace"), r, counters


def event(counters, name: str) -> int:
    return counters["devices"].get(f"event_{name}", 0)


@pytest.mark.parametrize("ncpus", [1, 2, 4])
def test_usertests_native(kernel, root_image, ncpus):
    out, r, c = run(kernel, root_image, "usertests\nps\n", ncpus)
    assert r.kind == "halt" and r.exit_code == 0, (r, out)
    assert "usertests: OK" in out and "FAILED" not in out, out
    for t in SMP_TESTS.split():
        assert f"test {t}: OK" in out
    if ncpus > 1:
        assert f"smp: {ncpus} CPUs\n" in out
        # every CPU ran processes; shootdowns were sent, and each was acknowledged
        assert all(cpu["retired"] > 0 for cpu in c["cpus"])
        assert event(c, "SHOOTDOWN") > 0 and event(c, "SHOOTDOWN_ACK") > 0
        assert c["devices"]["ipis_sent"] > 0
    else:
        assert "smp:" not in out
        assert event(c, "SHOOTDOWN") == 0 and c["devices"]["ipis_sent"] == 0
    # ps: the CPU column (procinfo's cpu field); on one CPU the kernel does not
    # report it, and ps keeps its single-CPU layout (the goldens of guests/user)
    ps = out.split("$ ps\n", 1)[1]
    if ncpus == 1:
        assert re.search(r"^\s+PID\s+PPID STATE\s+SIZE NAME$", ps, re.M), ps
        return
    assert re.search(r"^\s+PID\s+PPID STATE\s+CPU\s+SIZE NAME$", ps, re.M), ps
    cpus = {int(m.group(1)) for m in
            re.finditer(r"^\s+\d+\s+\d+ \w+\s+(\d+)\s+\d+ \w+$", ps, re.M)}
    assert cpus and cpus <= set(range(ncpus)), ps


def test_usertests_quick_python(kernel, root_image):
    out, r, c = run(kernel, root_image, f"usertests quick {SMP_TESTS}\n", 2, "python",
                    max_steps=300_000_000)
    assert r.kind == "halt" and r.exit_code == 0, (r, out)
    assert "smp: 2 CPUs" in out and "usertests: OK" in out, out
    assert event(c, "SHOOTDOWN") > 0


@pytest.mark.parametrize("engine,ncpus,text", [
    ("native", 4, "usertests\n"),
    ("python", 2, "usertests smpfork smppipe\n"),
])
def test_same_run_twice_same_transcript_and_counters(kernel, root_image, engine, ncpus,
                                                     text):
    a = run(kernel, root_image, text, ncpus, engine, max_steps=300_000_000)
    b = run(kernel, root_image, text, ncpus, engine, max_steps=300_000_000)
    assert a[1].kind == "halt" and "usertests: OK" in a[0], a[0]
    assert a[0] == b[0]
    assert a[1].steps == b[1].steps
    assert a[2] == b[2]


@pytest.mark.parametrize("ncpus", [1, 3, 8])
def test_boots_every_cpu_native(kernel, root_image, ncpus):
    out, r, c = run(kernel, root_image, "usertests smpfork\n", ncpus)
    assert r.kind == "halt" and "usertests: OK" in out, out
    if ncpus > 1:
        assert f"smp: {ncpus} CPUs\n" in out
    # each CPU left its reset state: it executed instructions
    assert all(cpu["retired"] > 0 for cpu in c["cpus"]), c["cpus"]


def test_boot_on_two_cpus_both_engines_agree(kernel, root_image):
    """A short run gives the same transcript and step count on both engines."""
    a = run(kernel, root_image, "echo hi\nps\n", 2, "python", max_steps=60_000_000)
    b = run(kernel, root_image, "echo hi\nps\n", 2, "native", max_steps=60_000_000)
    assert a[1].kind == "halt" and "smp: 2 CPUs" in a[0] and "\nhi\n" in a[0], a[0]
    assert a[0] == b[0] and a[1].steps == b[1].steps
    assert a[2] == b[2]


def test_recursive_acquire_panics(tmp_path):
    """A CPU acquiring a spinlock it already holds panics (it could never succeed)."""
    src = tmp_path / "g"
    shutil.copytree(ROOT / "guests" / "monolithic", src / "monolithic",
                    ignore=shutil.ignore_patterns("guest.toml", "tests"))
    p = src / "monolithic" / "proc.s"
    text = p.read_text()
    old = "initstart:\n    la   a0, ptable_lock"
    assert text.count(old) == 1
    p.write_text(text.replace(old, "initstart:\n    la   a0, fs_lock\n    call acquire\n"
                              "    la   a0, fs_lock\n    call acquire\n"
                              "    la   a0, ptable_lock"))
    r = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "boot",
                        str(src / "monolithic" / "main.s"),
                        "--cpus", "2", "--max-steps", "5M"], capture_output=True,
                       text=True, timeout=600, cwd=tmp_path,
                       env=dict(os.environ, RINGVM_CACHE=str(tmp_path / "cache")))
    assert r.returncode == 99, r.stdout + r.stderr
    assert "panic: acquire: already held by this CPU: fs\n" in r.stdout


@pytest.mark.parametrize("engine", ["native", "python"])
def test_debugger_info_smp_locks_cpus(engine):
    from ringvm.emulator.debugger import Debugger
    dbg = Debugger.open("monolithic", engine=engine, input=b"sleep 3\n", ncpus=2)
    try:
        dbg.execute("context off")
        dbg.execute("break sys_sleep")
        dbg.execute("continue")
        out = dbg.command("info smp")
        assert "Traceback" not in out and "error" not in out, out
        assert "sleep" in out, out
        locks = dbg.command("info locks")
        for name in ("fs", "ticks", "ptable", "shoot"):
            assert re.search(rf"\b{name}\b", locks), locks
        cpus = dbg.command("info cpus")
        assert "kernel:" in cpus, cpus
        assert "error" not in dbg.command("cpu 1")
        procs = dbg.command("info procs")
        assert "CPU" in procs or "cpu" in procs, procs
    finally:
        dbg.m.close()
