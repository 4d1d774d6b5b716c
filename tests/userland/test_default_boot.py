"""`ringvm boot` with no arguments: the default guest (monolithic), its disk built from
guests/user and cached, a persistent working copy, reset when the sources change,
--snapshot and --disk. Runs the real CLI in a subprocess with a private cache and a
private copy of guests/."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from ringvm.emulator.images import rvfs
from ringvm.emulator.images import guests_dir


@pytest.fixture
def env(tmp_path):
    g = tmp_path / "guests"
    shutil.copytree(guests_dir(), g, ignore=shutil.ignore_patterns("tests", "*.img"))
    e = dict(os.environ, RINGVM_GUESTS=str(g), RINGVM_CACHE=str(tmp_path / "cache"))
    return e, g, tmp_path / "cache"


def ringvm(env, *args, input: bytes = b""):
    return subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", *args],
                          input=input, capture_output=True, env=env, timeout=300)


def test_piped_session_persists_and_resets(env):
    e, guests, cache = env
    p = ringvm(e, "boot", input=b"ls\ncat README\necho hi | wc\nexit\n")
    out = p.stdout.decode()
    assert p.returncode == 0, p.stderr.decode()
    assert "Welcome to ringvm" in out and "\n1 1 3\n" in out and "usertests" in out
    [work] = cache.glob("monolithic-*-disk.img")
    assert f"ringvm: disk: {work} (working copy" in p.stderr.decode()
    # a file made in one boot is there at the next
    p = ringvm(e, "boot", input=b"echo remember me > note\n")
    assert p.returncode == 0
    p = ringvm(e, "boot", input=b"cat note\nexit 7\n")
    assert p.returncode == 7 and "remember me" in p.stdout.decode()
    # --snapshot: the session's writes are dropped
    p = ringvm(e, "boot", "--snapshot", input=b"rm note\n")
    assert p.returncode == 0
    assert rvfs.FsImage(work).read_file("/note") == b"remember me\n"
    assert rvfs.check(work)[0] == []
    # a source changes: fresh image, and a note says so
    (guests / "user" / "rootfs" / "README").write_text("changed\n")
    p = ringvm(e, "boot", input=b"cat README\ncat note\n")
    assert "fresh disk image" in p.stderr.decode()
    out = p.stdout.decode()
    assert "changed" in out and "cat: note: no such file or directory" in out


def test_disk_option_overrides(env, tmp_path):
    e, _, cache = env
    src = tmp_path / "src"
    src.mkdir()
    (src / "init").write_bytes(b"not a program")
    img = tmp_path / "other.img"
    assert ringvm(e, "mkfs", str(img), "--from", str(src)).returncode == 0
    p = ringvm(e, "boot", "--disk", str(img), "--max-steps", "50M")
    assert p.returncode != 0          # the kernel cannot exec that /init
    assert not list(cache.glob("monolithic-*-disk.img"))


def test_guests_lists_the_disk(env):
    e, _, _ = env
    p = ringvm(dict(e, COLUMNS="300"), "guests")
    assert "monolithic (default)" in p.stdout.decode()
    assert "disk built from its programs" in p.stdout.decode()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_interactive_terminal(env):
    """On a terminal: the prompt, a pipeline typed with Enter, backspace, exit N."""
    import pty
    import select
    import time
    e, _, _ = env
    pid, fd = pty.fork()
    if pid == 0:                                    # the child: ringvm on the pty
        os.execvpe(sys.executable, [sys.executable, "-m", "ringvm.emulator.cli", "boot",
                                    "--snapshot"], e)
    buf = bytearray()

    def until(pattern: bytes, timeout: float = 120) -> bool:
        end = time.time() + timeout
        while pattern not in buf and time.time() < end:
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    buf.extend(os.read(fd, 4096))
                except OSError:
                    break
        return pattern in buf

    try:
        assert until(b"$ "), buf
        os.write(fd, b"echo hi | wc\r")
        assert until(b"1 1 3"), buf
        os.write(fd, b"echo typx\x7fo\r")
        assert until(b"\r\ntypo\r\n"), buf
        os.write(fd, b"exit 4\r")
        _, status = os.waitpid(pid, 0)
        pid = 0
        assert os.WEXITSTATUS(status) == 4
    finally:
        if pid:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)
