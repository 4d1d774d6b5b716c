"""Interactive console on a pseudo-terminal: raw mode, guest echo, Ctrl-] q, and the
terminal restored afterwards."""
from __future__ import annotations

import os
import subprocess
import sys
import termios

import pytest
from ptyio import read_until as _read_until

from ringvm.errors import EXIT_QUIT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")




def test_interactive_echo_and_escape(guest_file, tmp_path, engine_kind):
    master, slave = os.openpty()
    before = termios.tcgetattr(slave)
    env = dict(os.environ, RINGVM_CACHE=str(tmp_path / "cache"))
    p = subprocess.Popen([sys.executable, "-m", "ringvm.emulator.cli", "boot",
                          str(guest_file("ECHO")), "--engine", engine_kind],
                         stdin=slave, stdout=slave, stderr=slave, cwd=tmp_path, env=env,
                         close_fds=True)
    try:
        out = _read_until(master, b"Ctrl-] then q")
        # raw mode: the terminal does not echo, the guest does
        os.write(master, b"hi there")
        out += _read_until(master, b"hi there")
        os.write(master, b"again!")
        out += _read_until(master, b"again!")
        os.write(master, b"\x1dq")
        rc = p.wait(timeout=30)
        out += _read_until(master, b"left the emulator", timeout=5)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert rc == EXIT_QUIT
    assert out.count(b"hi there") == 1            # no local echo on top of the guest's
    after = termios.tcgetattr(slave)
    assert after[3] == before[3] and after[0] == before[0]   # lflag, iflag restored
    os.close(master)
    os.close(slave)


def test_interactive_sigterm_restores_terminal(guest_file, tmp_path):
    master, slave = os.openpty()
    before = termios.tcgetattr(slave)
    p = subprocess.Popen([sys.executable, "-m", "ringvm.emulator.cli", "boot",
                          str(guest_file("ECHO")), "--engine", "python"],
                         stdin=slave, stdout=slave, stderr=slave, cwd=tmp_path,
                         close_fds=True)
    try:
        _read_until(master, b"Ctrl-] then q")
        p.terminate()
        rc = p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert rc != 0
    after = termios.tcgetattr(slave)
    assert after[3] == before[3]
    os.close(master)
    os.close(slave)
