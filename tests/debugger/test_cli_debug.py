"""``ringvm debug`` as a program: -x/--batch, errors, and the real terminal (pty):
the prompt, tab completion of commands and symbols, Ctrl-C stopping a continue."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from ptyio import read_until as _read_until

SPIN = """
.text
.global _start
_start:
    addi t0, t0, 1
    j    _start
spin_target:
    nop
"""


def _env(tmp_path):
    return dict(os.environ, RINGVM_CACHE=str(tmp_path / "cache"), TERM="xterm",
                RINGVM_DEBUG_HISTORY=str(tmp_path / "history"), COLUMNS="100")


def test_batch_script(tmp_path):
    script = tmp_path / "s.rdb"
    script.write_text("break sys_write\ncontinue\nprint $a1\nbogus command\nquit\n")
    p = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "debug", "hello",
                        "--engine", "python", "-x", str(script), "--batch"],
                       capture_output=True, text=True, cwd=tmp_path, env=_env(tmp_path),
                       timeout=120)
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert "stopped at step 0" in out
    assert "(rdb) break sys_write\nBreakpoint 1 at 0x" in out
    assert "hello: ring 0 kernel up; entering ring 3\nBreakpoint 1, cpu0 at" in out
    assert "$1 = 0x00000013 (19)" in out
    assert "error: unknown command 'bogus'" in out
    assert "Traceback" not in out + p.stderr


def test_commands_from_a_pipe(tmp_path):
    p = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "debug", "vmsmoke",
                        "--engine", "python"], input="catch vmexit\nc\ninfo vm\n",
                       capture_output=True, text=True, cwd=tmp_path, env=_env(tmp_path),
                       timeout=120)
    assert p.returncode == 0, p.stderr
    assert "Catchpoint 1 (vmexit), cpu0: vmexit HYPERCALL" in p.stdout
    assert "hinsn 0x04000002 (hcall)" in p.stdout


def test_bad_guest_is_a_user_error(tmp_path):
    p = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "debug", "nosuchguest",
                        "--batch"], capture_output=True, text=True, cwd=tmp_path,
                       env=_env(tmp_path), timeout=60)
    assert p.returncode == 2
    assert p.stderr.startswith("ringvm: error:") and "Traceback" not in p.stderr




@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_interactive_prompt_completion_and_ctrl_c(tmp_path):
    guest = tmp_path / "spin.s"
    guest.write_text(SPIN)
    master, slave = os.openpty()
    slave_name = os.ttyname(slave)

    def child_setup():                             # the pty becomes the controlling tty
        os.setsid()
        fd = os.open(slave_name, os.O_RDWR)
        os.close(fd)

    p = subprocess.Popen([sys.executable, "-m", "ringvm.emulator.cli", "debug", str(guest),
                          "--engine", "native"],
                         stdin=slave, stdout=slave, stderr=slave, cwd=tmp_path,
                         env=_env(tmp_path), preexec_fn=child_setup, close_fds=True)
    os.close(slave)
    try:
        _read_until(master, b"(rdb)")
        os.write(master, b"brea")
        _read_until(master, b"a")
        os.write(master, b"\t")                     # command completion: "brea" + "k"
        _read_until(master, b"k")
        time.sleep(0.3)
        os.write(master, b" spin_t")
        _read_until(master, b"spin_t")
        time.sleep(0.3)
        os.write(master, b"\t")                     # symbol completion (else: no symbol)
        _read_until(master, b"arget")
        os.write(master, b"\r")
        _read_until(master, b"Breakpoint 1 at 0x80001008 <spin_target>")
        _read_until(master, b"(rdb)")
        os.write(master, b"continue\r")
        time.sleep(1.5)
        assert p.poll() is None
        os.write(master, b"\x03")                   # Ctrl-C stops the running continue
        out = _read_until(master, b"interrupted (Ctrl-C)")
        out += _read_until(master, b"(rdb)")
        os.write(master, b"info cpus\r")
        _read_until(master, b"cpu0  ring 0")
        os.write(master, b"quit\r")
        rc = p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        os.close(master)
    assert rc == 0
    assert b"Traceback" not in out


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_interactive_typing_to_the_guest(tmp_path):
    master, slave = os.openpty()
    slave_name = os.ttyname(slave)

    def child_setup():
        os.setsid()
        os.close(os.open(slave_name, os.O_RDWR))

    p = subprocess.Popen([sys.executable, "-m", "ringvm.emulator.cli", "debug", "monolithic",
                          "--engine", "native", "--no-color"],
                         stdin=slave, stdout=slave, stderr=slave, cwd=tmp_path,
                         env=_env(tmp_path), preexec_fn=child_setup, close_fds=True)
    os.close(slave)
    try:
        _read_until(master, b"(rdb)", timeout=60)
        os.write(master, b"continue\r")
        _read_until(master, b"$ ", timeout=60)     # the guest shell's prompt
        os.write(master, b"echo typed-live\r")
        out = _read_until(master, b"\ntyped-live\r\n", timeout=30)   # its output
        os.write(master, b"\x03")
        out += _read_until(master, b"interrupted (Ctrl-C)")
        _read_until(master, b"(rdb)")
        os.write(master, b"quit\r")
        rc = p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        os.close(master)
    assert rc == 0
    assert b"Traceback" not in out
