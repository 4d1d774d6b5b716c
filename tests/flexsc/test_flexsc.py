"""FlexSC exception-less system calls (guests/monolithic/flexsc.s, FLEXSC = 1; the user
side guests/flexsc: stubs/usys.s, lib/uthread.s, programs/fxserver.s): the portable
programs run unchanged on the FlexSC stubs, a multi-threaded program makes ≪ 1 trap
per system call, the syscall threads sleep when idle, and the layout the user library
and the kernel share agrees."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ringvm.emulator.engine import MachineConfig
from ringvm.emulator.images import build_guest, find_guest, guests_dir, rootdisk, rvfs
from ringvm.emulator.machine import Machine
from ringvm.emulator.machine.console import Console

G = guests_dir()
STUBS = {"trap": G / "user" / "lib" / "trap", "flexsc": G / "flexsc" / "stubs"}
SYSCALL_CAUSE = 1


@pytest.fixture(scope="module")
def kernel() -> bytes:
    return build_guest(find_guest("flexsc"))


@pytest.fixture(scope="module")
def disks(tmp_path_factory) -> dict:
    out = {}
    tmp = tmp_path_factory.mktemp("fx")
    for kind, stubs in STUBS.items():
        spec = rootdisk.DiskSpec("t", programs=G / "user", files=G / "user" / "rootfs",
                                 stubs=stubs)
        tree = rootdisk.build_tree(spec)
        tree["fxserver"] = rootdisk.assemble_program(
            G / "flexsc" / "programs" / "fxserver.s", stubs=stubs)
        p = tmp / f"{kind}.img"
        p.write_bytes(rvfs.build_image(tree))
        out[kind] = p
    return out


def run(kernel, disk, text, ncpus, engine="native", max_steps=3_000_000_000):
    con = Console(input=text.encode(), capture=True)
    with Machine(MachineConfig(ncpus=ncpus), engine, disk=str(disk), disk_snapshot=True,
                 console=con) as m:
        m.load_elf(kernel)
        r = m.run(max_steps=max_steps)
        c = m.counters()
    return bytes(con.captured).decode("utf-8", "replace"), r, c


def traps(c) -> int:
    return sum(x["traps_by_cause"][SYSCALL_CAUSE] for x in c["cpus"])


def test_layout_agrees():
    def consts(path):
        return dict(re.findall(r"^\.equ (\w+), (\w+)", path.read_text(), re.M))
    k = consts(G / "monolithic" / "flexsc.s")
    u = consts(G / "flexsc" / "stubs" / "flexsc.inc")
    assert u and all(k[name] == v for name, v in u.items()), (k, u)


def test_usertests_on_flexsc_stubs_4_cpus(kernel, disks):
    out, r, c = run(kernel, disks["flexsc"], "usertests\nps\n", 4)
    assert r.kind == "halt" and "usertests: OK" in out and "FAILED" not in out, out
    done = c["devices"].get("event_REQ_DONE", 0)
    assert done > traps(c), (done, traps(c))          # most calls never trapped
    out2, r2, c2 = run(kernel, disks["trap"], "usertests\nps\n", 4)
    assert "usertests: OK" in out2
    assert traps(c) < 0.6 * traps(c2), (traps(c), traps(c2))
    assert re.search(r"^\s+\d+\s+0 \w+\s+3\s+0 \[flexsc\]$", out, re.M), out


def test_quick_usertests_python(kernel, disks):
    out, r, c = run(kernel, disks["flexsc"], "usertests basic badfd files pipe dup\n", 1,
                    "python", max_steps=300_000_000)
    assert r.kind == "halt" and "usertests: OK" in out, out
    assert c["devices"].get("event_REQ_DONE", 0) > 100


@pytest.mark.parametrize("ncpus", [1, 2])
def test_workload_runs_unchanged(kernel, disks, ncpus):
    out, r, c = run(kernel, disks["flexsc"], "workload quick\n", ncpus)
    assert r.kind == "halt" and "workload: done" in out, out
    assert c["devices"].get("event_REQ_DONE", 0) > 0


def _fx(kernel, disk, threads, reqs, ncpus):
    out, r, c = run(kernel, disk, f"fxserver {threads} {reqs}\n", ncpus)
    base = traps(run(kernel, disk, f"fxserver {threads} 0\n", ncpus)[2])
    m = re.search(r"calls=(\d+) cycles=(\d+)", out)
    assert r.kind == "halt" and m, out
    return (traps(c) - base) / int(m.group(1))


def test_traps_per_call(kernel, disks):
    assert 0.99 <= _fx(kernel, disks["trap"], 8, 20, 2) <= 1.05
    # one CPU: one FLEXSC_WAIT trap per batch; two: the syscall core polls
    assert _fx(kernel, disks["flexsc"], 8, 20, 1) < 0.3
    assert _fx(kernel, disks["flexsc"], 8, 20, 2) < 0.05


def test_syscall_threads_sleep_when_idle(kernel, disks):
    """After the calls, the syscall core (CPU 1) idles: its threads sleep, they do not
    poll forever."""
    out, r, c = run(kernel, disks["flexsc"], "fxserver 4 20\nsleep 30\n", 2)
    assert r.kind == "halt" and "fxserver threads=4" in out, out
    cpu1 = c["cpus"][1]
    assert cpu1["idle"] > 200_000, cpu1          # most of the 30 ticks (300,000 cycles)


def test_both_engines_agree(kernel, disks):
    a = run(kernel, disks["flexsc"], "echo hi\nfxserver 2 3\n", 2, "python", 100_000_000)
    b = run(kernel, disks["flexsc"], "echo hi\nfxserver 2 3\n", 2, "native", 100_000_000)
    assert a[1].kind == "halt" and "fxserver threads=2" in a[0], a[0]
    assert a[0] == b[0] and a[1].steps == b[1].steps and a[2] == b[2]


def test_usertests_single_core(kernel, disks):
    """One CPU (the seed's single-core case): every usertest passes, with one trap per
    batch."""
    out, r, c = run(kernel, disks["flexsc"], "usertests\n", 1)
    assert r.kind == "halt" and "usertests: OK" in out and "FAILED" not in out, out


@pytest.mark.parametrize("engine", ["native", "python"])
def test_debugger_info_flexsc(engine):
    from ringvm.emulator.debugger import Debugger
    dbg = Debugger.open("flexsc", engine=engine, input=b"cat README\n", ncpus=2)
    try:
        dbg.execute("context off")
        dbg.execute("break sys_read")
        dbg.execute("continue")
        dbg.execute("continue")
        out = dbg.command("info flexsc")
        assert re.search(r"^pid 2 \(sh\): syscall page at 0x[0-9a-f]{8} \(kseg 0x8[0-9a-f]{7}\), "
                         r"2 syscall thread\(s\)", out, re.M), out
        assert re.search(r"^\s+1 read\s+3\s+0x0, 0x[0-9a-f]+, 0x1\s+BUSY\s+-$", out, re.M), out
        assert "counters: calls " in out
        assert "[sc] 2" in dbg.command("info procs")
        assert "serving pid 2 sh" in dbg.command("info smp")
    finally:
        dbg.m.close()
    dbg = Debugger.open("monolithic", engine="native", input=b"")
    try:
        out = dbg.command("info flexsc")
        assert out.startswith("error: ") and "P_SCUVA" in out, out
    finally:
        dbg.m.close()
