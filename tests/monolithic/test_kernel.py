"""The monolithic kernel (guests/monolithic) booted on both engines with test images.

The user programs here are the kernel's own test programs (guests/monolithic/tests/),
assembled at useg 0x1000 and put on an RVFS image built with emulator.images.rvfs; the
golden shell sessions of the real userland live with guests/user's tests.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ringvm.assembler import assemble_file
from ringvm.emulator.images import rvfs

ROOT = Path(__file__).resolve().parents[2]
KERNEL = ROOT / "guests" / "monolithic" / "main.s"
TESTS = ROOT / "guests" / "monolithic" / "tests"
FAULT_LINE = "pid 2 (fault): killed: TLB protection fault at 0x80001000 (cause 15)"


def prog(name: str) -> bytes:
    return assemble_file(str(TESTS / f"{name}.s"), [str(TESTS), str(ROOT / "guests" / "lib")],
                         base=0x1000)


@pytest.fixture(scope="module")
def kt_tree() -> dict:
    return {"init": prog("ktinit"), "fault": prog("fault"), "hello": prog("hello")}


def boot(tmp_path, disk=None, engine="native", input=None, snapshot=False,
         max_steps="50M", extra=()):
    args = [sys.executable, "-m", "ringvm.emulator.cli", "boot", str(KERNEL),
            "--engine", engine, "--max-steps", max_steps, *extra]
    if disk is not None:
        args += ["--disk", str(disk)]
    if snapshot:
        args.append("--snapshot")
    if input is not None:
        args += ["--input", input]
    env = dict(os.environ, RINGVM_CACHE=str(tmp_path / "cache"))
    return subprocess.run(args, capture_output=True, text=True, timeout=600, env=env,
                          cwd=tmp_path)


def image(tmp_path, tree, name="disk.img") -> Path:
    p = tmp_path / name
    p.write_bytes(rvfs.build_image(tree))
    return p


@pytest.fixture(params=["native", "python"])
def engine(request):
    return request.param


def test_banner_and_init(tmp_path, engine):
    disk = image(tmp_path, {"init": prog("hello")})
    r = boot(tmp_path, disk, engine, snapshot=True, max_steps="5M")
    assert r.returncode == 7, r.stdout + r.stderr
    assert r.stdout.startswith("ringvm monolithic kernel: 32768 KiB RAM, ")
    assert "init: hello from user space\n" in r.stdout


def test_missing_init_panics(tmp_path):
    disk = image(tmp_path, {"hello": prog("hello")})
    r = boot(tmp_path, disk, snapshot=True, max_steps="5M")
    assert r.returncode == 99
    assert "panic: cannot exec /init: error 2" in r.stdout


def test_no_disk_panics(tmp_path):
    # a copy of the kernel's sources without its guest.toml: a plain .s file, booted
    # with no disk (guests/monolithic/main.s itself gets the guest's disk)
    import shutil
    src = tmp_path / "k"
    shutil.copytree(KERNEL.parent, src, ignore=shutil.ignore_patterns("guest.toml", "tests"))
    r = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "boot",
                        str(src / "main.s"), "--max-steps", "5M"], capture_output=True,
                       text=True, timeout=600, cwd=tmp_path,
                       env=dict(os.environ, RINGVM_CACHE=str(tmp_path / "cache")))
    assert r.returncode == 99
    assert "panic: disk I/O error" in r.stdout


EXPECTED = """\
kt: init pid 1
{fault}
kt: fault child status -1
kt: pipe got ping
kt: pipe child status 3
{persist}
kt: mkdir 0
kt: read back ping
kt: unlink 0 0
kt: bad pointers -14 -14 -2
kt: sbrk 12345
kt: line hello
kt: line ac
kt: eof 0
"""


def session(first: bool) -> str:
    persist = "kt: created /persist" if first else "kt: found persisted data"
    body = EXPECTED.format(fault=FAULT_LINE, persist=persist)
    if not first:      # the file holds no newline: the next line follows it directly
        body = body.replace("persisted data\n", "persisted data")
    # the console echoes an input line when a reader first asks for input (here the
    # read with a bad buffer, which leaves the line unread)
    return body.replace("kt: bad pointers", "hello\nkt: bad pointers").replace(
        "kt: line ac\n", "ab\b \bc\nkt: line ac\n")


def test_kernel_session(tmp_path, kt_tree, engine):
    disk = image(tmp_path, kt_tree)
    r = boot(tmp_path, disk, engine, input="hello\\nab\\x7fc\\n", snapshot=True)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout.split("\n", 1)[1]
    assert out == session(True)


def test_files_persist_across_boots(tmp_path, kt_tree):
    disk = image(tmp_path, kt_tree)
    r1 = boot(tmp_path, disk, input="hello\\nab\\x7fc\\n")
    assert r1.returncode == 0, r1.stdout + r1.stderr
    assert "kt: created /persist\n" in r1.stdout
    problems, summary = rvfs.check(disk)
    assert problems == []
    r2 = boot(tmp_path, disk, input="hello\\nab\\x7fc\\n")
    assert r2.returncode == 0, r2.stdout + r2.stderr
    assert r2.stdout.split("\n", 1)[1] == session(False)
    problems, _ = rvfs.check(disk)
    assert problems == []


def test_snapshot_leaves_image_alone(tmp_path, kt_tree):
    disk = image(tmp_path, kt_tree)
    before = disk.read_bytes()
    r = boot(tmp_path, disk, input="x\\n", snapshot=True)
    assert r.returncode == 0
    assert disk.read_bytes() == before


STRESS = """\
ks: wait -10
ks: kill -3
ks: procinfo 40 -22
ks: procinfo 31 -3
ks: procinfo 0 pid 1
ks: read bad fd -9
ks: open missing -2
ks: open dir rw -21
ks: exec README -8
ks: open kseg -14
ks: syscall 99 -22
ks: halt by child -1
pid 3 (illegal): killed: illegal instruction at 0x00001004 (cause 4)
ks: illegal status -1
ks: slept short 0
ks: kill spinner 0
ks: wait spinner 0
ks: spinner status -1
ks: big write 40960
ks: big size 40960
ks: past max -27
ks: big read 69632
ks: big unlink 0
ks: dup until -24
ks: dups 13
ks: sbrk net 4096
ks: sbrk below -22
ks: sbrk huge -12
ks: wait kseg -14
ks: wait after 5
ks: done
"""


def test_error_paths_and_preemption(tmp_path):
    """Error returns, an illegal instruction, a spinning child preempted by the timer
    and killed, a file with indirect blocks up to the maximum size, fd exhaustion,
    sbrk both ways; the image stays consistent."""
    tree = {"init": prog("ktstress"), "illegal": prog("illegal"), "spin": prog("spin"),
            "README": b"not a program\n"}
    disk = image(tmp_path, tree)
    r = boot(tmp_path, disk)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.split("\n", 1)[1] == STRESS
    problems, _ = rvfs.check(disk)
    assert problems == []


def test_concurrent_disk_io(tmp_path):
    """Four processes write and read back 24 KiB files at once: queued disk requests,
    sleep-locked buffers and inodes under preemption; the image stays consistent."""
    disk = image(tmp_path, {"init": prog("ktconc")})
    r = boot(tmp_path, disk, max_steps="100M")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.endswith("kc: ok 4\n")
    problems, summary = rvfs.check(disk)
    assert problems == []
    assert summary["files"] == 5


def test_ctrl_d_is_end_of_file(tmp_path, kt_tree):
    disk = image(tmp_path, kt_tree)
    r = boot(tmp_path, disk, input="hello\\nab\\x04zz\\n", snapshot=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.endswith("kt: line hello\nabkt: line abkt: eof 0\n")
    assert "zz" not in r.stdout


@pytest.mark.parametrize("entries", [4, 5, 256])
def test_small_and_large_tlb(tmp_path, kt_tree, entries):
    """The refill handler makes progress with any TLB size (round-robin victims: an
    instruction's fetch and data entries never evict each other)."""
    disk = image(tmp_path, kt_tree)
    r = boot(tmp_path, disk, input="hello\\nab\\x7fc\\n", snapshot=True,
             extra=("--tlb-entries", str(entries)))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.split("\n", 1)[1] == session(True)
