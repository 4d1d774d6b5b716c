"""Issue 19, item 10: every debugger command validates its arguments and bounds its
work. Exact integer expressions (no floating point), bounded nesting, literals and
counts; a script file that is not UTF-8; and a mutation fuzz of command lines that
asserts one `error:` line or a normal answer, never a traceback or "internal error",
within a time bound. RINGVM_FUZZ_COUNT=N runs N fuzzed commands instead of 300."""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time

import pytest

from ringvm.emulator.debugger.expr import DebugError, evaluate


def ev(text):
    def look(n):
        raise DebugError(f"no symbol {n!r}")
    return evaluate(text, look, lambda a: 0)


def test_division_is_exact_integer_arithmetic():
    assert ev("0x20000000000001 / 1") == 0x20000000000001     # was 0 (float)
    assert ev("0x20000000000001 % 2") == 1
    assert ev("-7 / 2") == -3 and ev("-7 % 2") == -1 and ev("7 % -2") == 1
    assert ev("(1 << 62) * 4") == 0                           # wraps at 64 bits
    assert ev("99999999999 / 3") == 33333333333


@pytest.mark.parametrize("text,message", [
    ("010", "leading zero"),
    ("9" * 5000, "too long"),
    ("9" * 70, "number too long"),
    ("(" * 200 + "1" + ")" * 200, "nested too deeply"),
    ("-" * 500 + "1", "nested too deeply"),
    ("1 / 0", "division by zero"),
])
def test_bad_expressions_are_one_clear_error(text, message):
    with pytest.raises(DebugError, match=message):
        ev(text)


BAD = ["p 010", "p " + "9" * 5000, "p " + "(" * 300 + "1", "disassemble 0 5000",
       "stepi 1000000000000", "stepi 010", "reverse-stepi 99999999", "reverse-step 5000",
       "x/4x " + "-" * 400 + "1", "continue " + "9" * 4400]


def test_bounded_arguments_are_errors(debugger):
    dbg = debugger("hello", "native")
    for cmd in BAD:
        out = dbg.command(cmd)
        lines = out.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (cmd[:50], out[:300])
        assert "internal error" not in out and "Traceback" not in out
    assert dbg.now == 0


def test_reverse_stepi_goes_back_in_one_move(debugger):
    dbg = debugger("hello", "native")
    dbg.execute("stepi 6000")
    here = dbg.now
    t = time.process_time()
    dbg.execute("reverse-stepi 4097")
    assert dbg.now < here
    dbg.execute("stepi 4097")
    assert dbg.now == here
    print(f"\nreverse-stepi 4097 + stepi 4097: {time.process_time() - t:.2f} s of CPU")


def test_a_script_that_is_not_utf8(tmp_path):
    script = tmp_path / "bad.rdb"
    script.write_bytes(b"stepi\n\xff\xfe print 1\n")
    r = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "debug", "hello",
                        "--batch", "-x", str(script)], capture_output=True, text=True,
                       timeout=300, env=dict(os.environ,
                                             RINGVM_CACHE=str(tmp_path / "cache")))
    assert r.returncode == 2, r.stderr
    assert "not a UTF-8 text file" in r.stderr and "Traceback" not in r.stderr


WORDS = ["stepi", "si", "nexti", "step", "next", "finish", "until", "advance", "continue",
         "reverse-stepi", "reverse-step", "reverse-next", "goto-step", "break", "tbreak",
         "watch", "rwatch", "catch", "delete", "disable", "enable", "condition", "info",
         "x/4x", "x/s", "x/2i", "print", "p", "display", "set", "disassemble", "list",
         "backtrace", "frame", "cpu", "stats", "context", "help", "input"]
ARGS = ["", "0", "1", "010", "-1", "0x", "$pc", "*$sp", "main", "syscall", "(1", "1)",
        "1/0", "phys:0x1000", "'a'", "$a0 = 3", "9" * 50, "0x7fffffff", "4097", "ticks",
        "if 1", "registers", "procs", "hello.s:3", "syscall 5", "&", "~", "!!1", "-",
        "1 << 99", "$nosuch", "\x00", "é", "  ", ";", "200"]


def fuzz_lines(n, seed):
    rng = random.Random(seed)
    for _ in range(n):
        words = [rng.choice(WORDS)] + [rng.choice(ARGS) for _ in range(rng.randrange(3))]
        line = " ".join(words)
        if rng.random() < 0.2:                          # a mutation: drop or repeat
            i = rng.randrange(len(line) + 1)
            line = line[:i] + line[i:][rng.randrange(3):] if rng.random() < 0.5 \
                else line[:i] * 2
        yield line


def test_fuzzed_commands_never_crash_the_debugger(debugger):
    n = int(os.environ.get("RINGVM_FUZZ_COUNT", "300"))
    dbg = debugger("hello", "native")
    worst = 0.0
    for line in fuzz_lines(n, seed=19):
        t = time.monotonic()
        out = dbg.command(line)
        worst = max(worst, time.monotonic() - t)
        assert "Traceback" not in out and "internal error" not in out, (line, out[-500:])
    print(f"\n{n} fuzzed debugger commands; slowest {worst:.2f} s")
