"""Every input bound of the assembler (assembler/limits.py) is an ordinary
``file:line:col: error:`` naming the bound, never a traceback, a hang or a runaway
allocation (issue 19, items 7 and 8)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from ringvm.assembler import AsmErrors, assemble_file, assemble_source
from ringvm.assembler.limits import (MAX_INCLUDE_DEPTH, MAX_LITERAL_BITS, MAX_MACRO_LINES,
                                     MAX_OUTPUT)

from .conftest import asm, asm_errors, words


def first_error(text: str, **kw) -> str:
    with pytest.raises(AsmErrors) as ei:
        assemble_source(text, "t.s", **kw)
    return ei.value.errors[0].format()


@pytest.mark.parametrize("literal", ["9" * 5000, "0x" + "f" * 5000, "0b" + "1" * 70,
                                     "18446744073709551616"])
def test_an_integer_literal_past_64_bits_is_an_error_at_its_column(literal):
    text = first_error(f"  .word {literal}\n")
    assert text.startswith("t.s:1:9: error: integer literal ")
    assert f"at most {MAX_LITERAL_BITS} bits" in text
    assert len(text.splitlines()[1]) < 200            # the echoed line is a window


def test_a_64_bit_literal_and_leading_zeros_are_still_fine():
    img = asm("li a0, (0xffffffffffffffff >> 32) & 0x0000000000000000000000000001\n"
              "li a1, 000000000000000000000000000000017\n")
    assert words(img)[:2] == [0x31400001, 0x31600011]


def test_a_huge_local_label_number_is_an_error_not_a_crash():
    assert "out of range" in asm_errors("9" * 5000 + ":\n  j " + "9" * 5000 + "b\n")


def test_an_expression_that_grows_past_256_bits_is_an_error():
    text = first_error("li a0, " + " * ".join(["0xffffffffffffffff"] * 300) + "\n")
    assert "expression value out of range (more than 256 bits)" in text


def test_a_define_wider_than_a_literal_is_refused():
    with pytest.raises(AsmErrors) as ei:
        assemble_source("nop\n", "t.s", defines={"X": 1 << 200})
    assert "X" in str(ei.value)


def test_a_macro_that_invokes_itself_twice_stops_at_the_depth_bound_at_once():
    # each level doubles: without abandoning the expansion this is 2^64 lines
    text = first_error(".macro m\nm\nm\n.endm\nm\n")
    assert "macro 'm' nested more than 64 deep" in text
    assert "m -> m -> m -> m -> ... -> m -> m -> m -> m (65 levels)" in text


def test_mutually_recursive_macros_name_the_chain():
    text = first_error(".macro a1\nb1\n.endm\n.macro b1\na1\n.endm\na1\n")
    assert "a1 -> b1 -> a1 -> b1" in text


def test_a_wide_macro_tree_stops_at_the_expansion_line_bound():
    levels = [".macro m0\n" + "nop\n" * 10 + ".endm\n"]
    for i in range(1, 7):                        # 10^6 lines of nop
        levels.append(f".macro m{i}\n" + f"m{i - 1}\n" * 10 + ".endm\n")
    text = first_error("".join(levels) + "m6\n")
    assert f"more than {MAX_MACRO_LINES} lines expanded" in text
    assert "m6 -> m5 -> m4 -> m3 -> m2 -> m1 -> m0" in text


def test_a_macro_after_a_nesting_error_still_expands():
    # the bound abandons one expansion, not the rest of the file
    report = asm_errors(".macro r\nr\n.endm\n.macro ok\nli a0, 7\n.endm\nr\nok\nli a1, x\n")
    assert "nested more than" in report and "undefined symbol 'x'" in report


def test_include_nesting_is_bounded_and_names_the_files(tmp_path):
    for i in range(MAX_INCLUDE_DEPTH + 5):
        (tmp_path / f"f{i}.inc").write_text(f'.include "f{i + 1}.inc"\n')
    (tmp_path / f"f{MAX_INCLUDE_DEPTH + 5}.inc").write_text("nop\n")
    src = tmp_path / "main.s"
    src.write_text('.include "f0.inc"\n')
    with pytest.raises(AsmErrors) as ei:
        assemble_file(src)
    assert f".include nested more than {MAX_INCLUDE_DEPTH} deep" in str(ei.value)
    assert "f0.inc -> f1.inc" in str(ei.value)


def test_space_in_many_lines_cannot_grow_the_output_past_the_bound():
    report = asm_errors(".data\n" + ".space 0x3000000\n" * 3)
    assert f"would grow past {MAX_OUTPUT} bytes" in report
    assert "t.s:3:1:" in report and "t.s:2:1:" not in report


def test_bss_is_bounded_by_the_largest_ram():
    assert ".bss would grow past 1073741824 bytes" in asm_errors(
        ".bss\n" + ".space 0x4000000\n" * 17)


def test_ringvm_asm_reports_a_huge_literal_with_exit_status_2(tmp_path):
    src = tmp_path / "big.s"
    src.write_text(".word " + "9" * 5000 + "\n")
    p = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "asm", str(src), "-o",
                        str(tmp_path / "big.elf")], capture_output=True, text=True)
    assert p.returncode == 2
    assert "big.s:1:7: error: integer literal" in p.stderr
    assert "Traceback" not in p.stderr
