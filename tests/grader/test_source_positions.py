"""Failures that point at source (issue 20, items 5-7): addresses named with the line
table in reasons, transcripts, --trace and boot's notes; the reason quotes the first
BAD line or the last one; every assembly error of a submission is reported; a missing
include path is one error suggesting -I."""
from __future__ import annotations

import json
import subprocess
import sys

from ringvm.emulator import grader
from ringvm.emulator.grader import report
from ringvm.emulator.images import resolve
from ringvm.emulator.images.symbols import Symbolizer, for_guest

from .variants import SUITE, make_variant


def test_symbolizer_names_kernel_and_user_addresses():
    image = resolve("monolithic")
    sym = for_guest(image)
    elf = sym.kernel
    addr = elf.symbols["user_fault"]
    line = f"panic: kernel trap, cause 13 epc 0x{addr:08x} badvaddr 0x00000000"
    out = sym.annotate(line)
    assert f"epc 0x{addr:08x} <user_fault> (trap.s:" in out
    assert out.endswith("badvaddr 0x00000000")          # not an address it can name
    assert ", macro kframe.inc:" in out                 # the prologue is a macro
    sh = sym.program_elf("sh")
    main = sh.symbols["main"]
    named = sym.annotate(f"pid 2 (sh): killed: TLB miss at 0x{main + 8:08x} (cause 11)")
    assert f"0x{main + 8:08x} <main+0x8> (sh.s:" in named
    assert Symbolizer(None).annotate("pc 0x80001000") == "pc 0x80001000"


def test_reason_quotes_the_last_line_and_names_addresses(tmp_path):
    sub = make_variant("fault-halts-machine", tmp_path)
    run = grader.grade(grader.load_suite(SUITE, submission=sub, engine="native"),
                       jobs=2, only=["protection"])
    r = {x.name: x for x in run.results}["protection"]
    assert r.reason.startswith("exit code 99, expected 0; last line 'pid ")
    assert "killed: TLB protection fault at 0x80001000 <" in r.reason
    assert any("0x80001000 <" in text for _tag, text in r.checks)


def test_reason_quotes_the_first_bad_line(write_suite):
    s = write_suite("""
        [[test]]
        name = "panicky"
        kernel = "hello.s"
        exit_code = 3
        reject = ['^second']
        """)
    r = grader.grade(grader.load_suite(s)).results[0]
    assert r.reason == "'second line' (exit code 0, expected 3)"


def test_every_assembly_error_is_reported(write_suite, sub, tmp_path):
    (sub / "many.s").write_text("".join(f"    addi t0, t0, nosuch{i}\n" for i in range(7)))
    s = write_suite("""
        [[test]]
        name = "many"
        kernel = "many.s"
        """)
    run = grader.grade(grader.load_suite(s))
    r = run.results[0]
    assert "(+6 more errors: all in the output)" in r.reason
    assert sum(": error: " in text for _t, text in r.checks) == 7
    for i in range(7):
        assert f"nosuch{i}" in report.annotated_text(r)
        assert f"nosuch{i}" in report.gradescope(run)["tests"][0]["output"]


def test_trace_names_syscalls_and_symbols(tmp_path):
    p = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "boot", "--snapshot",
                        "--trace", "trap", "--input", "echo hi\n"],
                       capture_output=True, timeout=300)
    err = p.stderr.decode()
    assert "trap SYSCALL exec(a7=" in err and "trap SYSCALL write(a7=" in err


def test_boot_repeats_fault_lines_with_source_positions():
    p = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "boot", "--snapshot",
                        "--input", "fault kernel\n"], capture_output=True, timeout=300)
    err = p.stderr.decode()
    assert "ringvm: at: pid " in err and "0x80001000 <" in err, err


def test_missing_include_is_one_error_suggesting_the_path(tmp_path):
    from ringvm.emulator.images import guests_dir
    main = guests_dir() / "monolithic" / "main.s"
    p = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "asm", str(main), "-o",
                        str(tmp_path / "k.elf")], capture_output=True, timeout=300)
    err = p.stderr.decode()
    assert p.returncode == 2
    assert err.count(": error: ") == 1, err
    assert f"add -I {guests_dir().resolve() / 'lib'}" in err or \
        f"add -I {guests_dir() / 'lib'}" in err
    assert err.strip().endswith("1 error")
