"""Console host side: escapes, scripted input + EOF, captured output, the escape key
(unit level, stub engine) and end to end through a Machine on each engine."""
from __future__ import annotations

import io

import pytest

from ringvm.emulator.machine.console import Console, QuitRequested, unescape_input


class StubEngine:
    def __init__(self):
        self.rx = b""
        self.eof = False

    def console_input(self, data):
        assert not self.eof
        self.rx += data

    def console_eof(self):
        self.eof = True


def test_unescape_input():
    assert unescape_input(r"a\nb\tc\\d\x41\0") == b"a\nb\tc\\dA\0"
    assert unescape_input(r"no\qescape") == b"no\\qescape"
    assert unescape_input("é") == "é".encode()


def test_scripted_feeds_all_then_eof():
    eng = StubEngine()
    con = Console(input=b"hello\n", capture=True)
    assert con.mode == "scripted" and not con.interactive
    con.start(eng)
    assert eng.rx == b"hello\n" and eng.eof
    assert con.wait_input(eng) is False            # nothing more can come


def test_piped_reads_stream_to_end():
    eng = StubEngine()
    con = Console(mode="piped", stdin=io.BytesIO(b"from pipe"), capture=True)
    con.start(eng)
    assert eng.rx == b"from pipe" and eng.eof


def test_restore_does_not_refeed():
    eng = StubEngine()
    con = Console(input=b"abc", capture=True)
    con.restore({"mode": "scripted", "fed": 3, "eof_sent": True})
    con.start(eng)
    assert eng.rx == b"" and not eng.eof


def test_capture_and_stream_output():
    con = Console(mode="none", capture=True)
    con.write(b"ab")
    con.write(b"c")
    assert con.output == b"abc"
    buf = io.BytesIO()
    con2 = Console(mode="none", output=buf)
    con2.write(b"\x00\xffbinary")
    con2.flush()
    assert buf.getvalue() == b"\x00\xffbinary"


def test_escape_sequence():
    con = Console(mode="none", capture=True)
    assert con._filter(b"ab\x1d\x1dc") == b"ab\x1dc"
    assert con._filter(b"x\x1d") == b"x"           # escape pending across reads
    with pytest.raises(QuitRequested):
        con._filter(b"q")
    assert con._filter(b"\x1dz") == b"\x1dz"


# ---------------------------------------------------------------- on an engine
def test_scripted_input_echo(make_machine, guest_src):
    m = make_machine(guest_src.ECHO, input=b"hello, world\n")
    r = m.run(max_steps=1_000_000)
    assert r.kind == "halt"
    assert m.console.output == b"hello, world\n"
    assert r.exit_code == 13 and r.exit_status == 13


def test_empty_input_is_eof(make_machine, guest_src):
    m = make_machine(guest_src.ECHO, input=b"")
    r = m.run(max_steps=100_000)
    assert (r.kind, r.exit_code, m.console.output) == ("halt", 0, b"")


def test_no_input_source_deadlocks(make_machine, guest_src):
    from ringvm.emulator.machine.console import Console
    m = make_machine(guest_src.DEADLOCK)
    m.console = Console(mode="none", capture=True)
    r = m.run(max_steps=100_000)
    assert r.kind == "deadlock" and r.exit_status == 126
    assert "can never come" in r.message()
