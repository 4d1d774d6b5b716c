"""Issue 19, item 5: crash consistency of the monolithic kernel's file system (the
write-ahead log, guests/lib/fs/log.s). A crash-injection harness stops the machine at
many points of a file-system workload — the disk image then holds exactly the sectors
written so far, as after `kill -9` of the emulator — boots the kernel again (which
recovers the log) and checks that `fsck` is clean and every file is as some whole set of
system calls left it: absent, empty (created, not yet written) or holding whole writes.

RINGVM_CRASH_POINTS=N runs N crash points instead of the default (a longer run for the
benchmark machine); the counts are printed with -s."""
from __future__ import annotations

import os
import random

import pytest

from ringvm.emulator.images import rvfs

from .conftest import boot


WORKLOAD = ("mkdir d\necho one > d/f1\necho two two > d/f2\ncp README d/r\nmkdir d/e\n"
            "echo three > d/e/f3\nrm d/f1\ncp d/r d/r2\nrm d/r\necho old > g\n"
            "echo newer > g\nmkdir d/e/x\nrm d/e/x\nexit\n")


def expected(readme: bytes) -> dict[str, list[bytes]]:
    """Each workload file -> its possible whole contents (after the O_CREATE, then
    after each write system call); absence is always allowed."""
    cp_states = [b"", readme[:512], readme]      # cp writes 512 bytes at a time
    return {"/d/f1": [b"", b"one\n"], "/d/f2": [b"", b"two two\n"], "/d/r": cp_states,
            "/d/r2": cp_states, "/d/e/f3": [b"", b"three\n"],
            "/g": [b"", b"old\n", b"newer\n"]}


def state_problems(img_path, readme: bytes) -> list[str]:
    problems, _summary = rvfs.check(img_path)
    fs = rvfs.FsImage(img_path)
    for path, allowed in expected(readme).items():
        try:
            data = fs.read_file(path)
        except Exception:
            continue                              # absent (or its directory is)
        if data not in allowed:
            problems.append(f"{path}: {data!r} is not a whole state {allowed!r}")
    return problems


def log_pending(img_path) -> bool:
    """A committed transaction is in the log (the crash fell between commit and the
    end of the install)."""
    fs = rvfs.FsImage(img_path)
    if not fs.sb.nlog:
        return False
    return int.from_bytes(fs.block(fs.sb.logstart)[:4], "little") != 0


def crash_runs(kernel_elf, image, tmp_path, engine, points, seed=19, workload=WORKLOAD):
    """The workload once in full on the native engine (its step count: the engines
    agree), then ``points`` crashes at random steps on ``engine``, each followed by a
    recovery boot and the checks. Returns (crash steps, how many left a committed
    transaction to recover)."""
    pristine = image.read_bytes()
    readme = rvfs.FsImage(pristine).read_file("/README")
    out, full = boot(kernel_elf, image, workload, "native")
    assert full.kind == "halt" and full.exit_code == 0, out
    assert state_problems(image, readme) == []
    total = full.steps
    rng = random.Random(seed)
    cuts = sorted(rng.randrange(total // 10, total) for _ in range(points))
    pending = 0
    for k in cuts:
        img = tmp_path / "crash.img"
        img.write_bytes(pristine)
        _out, r = boot(kernel_elf, img, workload, engine, max_steps=k)
        assert r.kind != "halt" or r.exit_code == 0, (k, _out)
        pending += log_pending(img)
        out2, r2 = boot(kernel_elf, img, "exit\n", engine)   # recovery boot
        assert r2.kind == "halt" and r2.exit_code == 0, (k, out2)
        assert "panic" not in out2, (k, out2)
        problems = state_problems(img, readme)
        assert problems == [], f"crash at step {k} of {total}: {problems}"
    return cuts, pending


def test_crashes_anywhere_leave_a_clean_file_system(kernel_elf, image, tmp_path):
    points = int(os.environ.get("RINGVM_CRASH_POINTS", "12"))
    cuts, pending = crash_runs(kernel_elf, image, tmp_path, "native", points)
    print(f"\ncrash points: {len(cuts)}, with a committed transaction not yet "
          f"installed: {pending}; fsck clean after every recovery")
    assert pending > 0, "no crash fell between a commit and its install"


def test_a_crash_on_the_python_engine(kernel_elf, image, tmp_path):
    short = "mkdir d\necho one > d/f1\ncp README d/r\nexit\n"
    crash_runs(kernel_elf, image, tmp_path, "python", 2, seed=7, workload=short)
