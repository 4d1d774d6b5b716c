"""Conditional assembly (.if/.ifdef/.ifndef/.elseif/.else/.endif) and predefined
symbols (defines= / -D): behaviour, every error with its exact location, macros and
includes, the listing, and a property against a reference evaluation."""
from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ringvm.assembler import AsmErrors, assemble, assemble_file, assemble_source
from ringvm.assembler.conditionals import MAX_COND_DEPTH
from ringvm.assembler.elf import read_elf

from .condgen import DEFINES, blocks, keep, render_blocks
from .conftest import GOLDEN, asm, check_golden


def data(src: str, **kw) -> list[int]:
    """The .word values of the .data section of ``src`` (assembled as t.s)."""
    img = asm(".data\n" + src, **kw)
    if not img.segments:
        return []
    seg = img.segments[0].data
    return [int.from_bytes(seg[i:i + 4], "little", signed=True) for i in range(0, len(seg), 4)]


def errors(src: str, **kw) -> list[str]:
    """The first line (file:line:col: error: msg) of each error of ``src``."""
    with pytest.raises(AsmErrors) as ei:
        assemble_source(src, "t.s", **kw)
    return [e.format().splitlines()[0] for e in ei.value.errors]


# ---------------------------------------------------------------------- directives
def test_if_assembles_the_branch_whose_condition_is_non_zero():
    assert data(".if 1\n.word 1\n.else\n.word 2\n.endif") == [1]
    assert data(".if 0\n.word 1\n.else\n.word 2\n.endif") == [2]
    assert data(".if -7\n.word 1\n.endif\n.if 0\n.word 2\n.endif") == [1]


def test_elseif_takes_the_first_true_branch_only():
    src = (".equ N, {}\n.if N == 1\n.word 1\n.elseif N == 2\n.word 2\n.elseif N > 1\n"
           ".word 3\n.else\n.word 4\n.endif")
    assert [data(src.format(n)) for n in (1, 2, 3, 0)] == [[1], [2], [3], [4]]


def test_an_elseif_after_a_taken_branch_is_not_evaluated():
    assert data(".if 1\n.word 1\n.elseif undefined_thing / 0\n.word 2\n.endif") == [1]


def test_conditionals_nest():
    src = """
.equ A, {}
.equ B, {}
.if A
  .word 1
  .if B
    .word 2
  .else
    .word 3
  .endif
.else
  .if B
    .word 4
  .endif
  .word 5
.endif
.word 6
"""
    assert data(src.format(1, 1)) == [1, 2, 6]
    assert data(src.format(1, 0)) == [1, 3, 6]
    assert data(src.format(0, 1)) == [4, 5, 6]
    assert data(src.format(0, 0)) == [5, 6]


def test_ifdef_and_ifndef_see_constants_defines_and_earlier_labels():
    src = """
.equ E, 0
.set S, 0
Q = 0
early: .word 0
.ifdef E
.word 1
.endif
.ifdef S
.word 2
.endif
.ifdef Q
.word 3
.endif
.ifdef DEF
.word 4
.endif
.ifdef early
.word 5
.endif
.ifdef late
.word 6
.endif
.ifndef late
.word 7
.endif
.ifndef nowhere
.word 8
.endif
late: .word 9
"""
    assert data(src, defines={"DEF": 0}) == [0, 1, 2, 3, 4, 5, 7, 8, 9]
    assert data(src) == [0, 1, 2, 3, 5, 7, 8, 9]


def test_a_symbol_defined_in_a_skipped_branch_is_not_defined():
    assert data(".if 0\n.equ X, 1\nX2: .word 1\n.endif\n.ifndef X\n.ifndef X2\n.word 2\n"
                ".endif\n.endif") == [2]


def test_macro_names_are_not_symbols_for_ifdef():
    assert data(".macro m\n.endm\n.ifdef m\n.word 1\n.else\n.word 2\n.endif") == [2]


def test_conditions_use_the_values_defined_so_far():
    src = ".set N, 1\n.if N == 1\n.word 1\n.endif\n.set N, N + 1\n.if N == 2\n.word 2\n.endif"
    assert data(src) == [1, 2]
    img = asm("nop\nnop\n.if . - 0x80001000 == 8\nhere: nop\n.endif")
    assert img.symbols["here"] == 0x80001008
    img = asm("a: nop\nb: nop\n.if b - a == 4\nyes: nop\n.endif\n1: nop\n.if 1b - a == 12\n"
              "again: nop\n.endif")
    assert {"yes", "again"} <= set(img.symbols)


def test_skipped_lines_are_not_parsed_included_or_expanded():
    src = """
.if 0
    this is not assembly @@@ (
    .include "no_such_file.inc"
    .frobnicate
    undefined_macro 1, 2
    .macro never
    .endm
.endif
.ifdef never
.word 1
.endif
.word 2
"""
    assert data(src) == [2]


def test_skipped_lines_still_count_for_line_numbers():
    img = asm(".if 0\nbogus\n\nbogus\n.endif\nnop\n")
    assert img.lines == [(0x80001000, "t.s", 6)]
    errs = errors(".if 0\nbogus\n.endif\nbogus\n")
    assert len(errs) == 1 and errs[0].startswith("t.s:4:1: error: unknown instruction 'bogus'")


# ---------------------------------------------------------------------- errors
def test_stray_else_elseif_and_endif_are_errors_at_the_directive():
    assert errors("nop\n  .else\n.elseif 1\n\t.endif\n") == [
        "t.s:2:3: error: stray .else: no .if is open",
        "t.s:3:1: error: stray .elseif: no .if is open",
        "t.s:4:2: error: stray .endif: no .if is open"]


def test_a_second_else_and_an_elseif_after_else_are_errors():
    assert errors(".if 1\n.else\n.word 1\n  .else\n.elseif 1\n.endif\n") == [
        "t.s:4:3: error: second .else for the .if at t.s:1 (its .else is at t.s:2)",
        "t.s:5:1: error: .elseif after .else in the .if at t.s:1 (its .else is at t.s:2)"]


def test_an_unterminated_if_is_reported_at_the_if():
    assert errors(".if 1\n.endif\n  .ifdef X\nnop\n  .if 0\n.endif\n") == [
        "t.s:3:3: error: unterminated .ifdef: no .endif before the end of t.s"]
    # also inside a false branch: the nesting is always checked
    assert errors(".if 0\n.if 1\n.else\n.else\n.endif\n") == [
        "t.s:1:1: error: unterminated .if: no .endif before the end of t.s",
        "t.s:4:1: error: second .else for the .if at t.s:2 (its .else is at t.s:3)"]


def test_forward_references_and_undefined_symbols_in_conditions_say_so():
    assert errors(".if LATER + 1\n.endif\n.equ LATER, 1\n") == [
        "t.s:1:5: error: forward reference to 'LATER' in .if (it is defined later, at "
        "t.s:3): a condition can only use symbols defined before it"]
    assert errors(".if 0\n.elseif later\n.endif\nlater: nop\n") == [
        "t.s:2:9: error: forward reference to 'later' in .elseif (it is defined later, "
        "at t.s:4): a condition can only use symbols defined before it"]
    assert errors(".if NOPE\n.endif\n") == [
        "t.s:1:5: error: undefined symbol 'NOPE' in .if (use .ifdef NOPE to test whether "
        "a symbol is defined)"]
    assert errors(".if 1f\n.endif\n1: nop\n") == [
        "t.s:1:5: error: '1f' is a forward reference: a condition can only use labels "
        "defined before it"]
    assert errors(".equ L, later\n.if L\n.endif\nlater: nop\n") == [
        "t.s:2:5: error: the value of 'L' is not known yet (it depends on a later symbol "
        "or an address): a condition can only use values known at that point"]
    assert errors(".data\nd: .word 0\n.if d\n.endif\n") == [
        "t.s:3:5: error: the address of 'd' is not known yet (.data is placed after pass "
        "1): a condition can only use values known at that point"]


def test_after_an_error_in_a_condition_no_branch_is_assembled():
    with pytest.raises(AsmErrors) as ei:
        assemble_source(".data\n.if 1 / 0\n.word 1\n.elseif 1\n.word 2\n.else\nbogus\n"
                        ".endif\n.if (1\n.word 3\n.else\n.word 4\n.endif\n", "t.s")
    assert [str(e).splitlines()[0] for e in ei.value.errors] == [
        "t.s:2:9: error: division by zero",
        "t.s:9:7: error: unexpected end of line; expected ')'"]


def test_malformed_conditional_directives_are_errors_at_the_argument():
    assert errors(".if\n.endif\n.ifdef 3\n.endif\n.ifndef a0\n.endif\n.if 1, 2\n.endif 1\n"
                  'x: .if "s"\n.else 2\n.endif\n') == [
        "t.s:1:1: error: .if needs one expression",
        "t.s:3:8: error: .ifdef needs one symbol name",
        "t.s:5:9: error: 'a0' is a register name: it is never a symbol",
        "t.s:7:8: error: .if needs one expression",
        "t.s:8:8: error: .endif takes no arguments",
        "t.s:9:1: error: a label cannot be on a .if line: put it on a line of its own",
        "t.s:9:8: error: .if needs one expression",
        "t.s:10:7: error: .else takes no arguments"]


def test_nesting_deeper_than_the_limit_is_one_error_and_stays_bounded():
    n = MAX_COND_DEPTH + 5000
    t0 = time.perf_counter()
    errs = errors(".if 1\n" * n + ".endif\n" * n)
    assert time.perf_counter() - t0 < 10
    assert errs == [f"t.s:{MAX_COND_DEPTH + 1}:1: error: conditionals nested more than "
                    f"{MAX_COND_DEPTH} deep"]
    # right at the limit is fine
    assert data(".if 1\n" * MAX_COND_DEPTH + ".word 1\n" + ".endif\n" * MAX_COND_DEPTH) == [1]


# ---------------------------------------------------------------------- includes
def test_a_conditional_may_not_end_in_an_included_file(tmp_path):
    (tmp_path / "close.inc").write_text("nop\n.endif\n")
    (tmp_path / "m.s").write_text('.if 1\n.include "close.inc"\n.endif\n')
    with pytest.raises(AsmErrors) as ei:
        assemble_file(tmp_path / "m.s")
    assert [e.format().splitlines()[0] for e in ei.value.errors] == [
        f"{tmp_path / 'close.inc'}:2:1: error: stray .endif: no .if is open in this file "
        f"(the .if at {tmp_path / 'm.s'}:1 is in another file; a conditional must end "
        "in the file where it begins)"]


def test_a_conditional_opened_in_an_included_file_must_end_there(tmp_path):
    (tmp_path / "open.inc").write_text("nop\n.ifdef X\nnop\n")
    (tmp_path / "m.s").write_text('.include "open.inc"\nnop\n.endif\n')
    with pytest.raises(AsmErrors) as ei:
        assemble_file(tmp_path / "m.s", defines={"X": 1})
    inc, main = tmp_path / "open.inc", tmp_path / "m.s"
    assert [e.format().splitlines()[0] for e in ei.value.errors] == [
        f"{inc}:2:1: error: unterminated .ifdef: no .endif before the end of {inc}",
        f"{main}:3:1: error: stray .endif: no .if is open in this file (the .ifdef at "
        f"{inc}:2 is in an included file; a conditional must end in the file where it "
        "begins)"]


def test_a_conditional_may_not_span_two_included_files(tmp_path):
    (tmp_path / "o.inc").write_text(".if 1\n")
    (tmp_path / "c.inc").write_text("nop\n  .endif\n")
    (tmp_path / "m.s").write_text('.include "o.inc"\n.include "c.inc"\n')
    with pytest.raises(AsmErrors) as ei:
        assemble_file(tmp_path / "m.s")
    o, c = tmp_path / "o.inc", tmp_path / "c.inc"
    assert [e.format().splitlines()[0] for e in ei.value.errors] == [
        f"{o}:1:1: error: unterminated .if: no .endif before the end of {o}",
        f"{c}:2:3: error: stray .endif: no .if is open in this file (the .if at {o}:1 is "
        "in another file; a conditional must end in the file where it begins)"]


def test_includes_and_conditionals_combine(tmp_path):
    (tmp_path / "cfg.inc").write_text(".ifndef LEVEL\n.equ LEVEL, 2\n.endif\n")
    (tmp_path / "a.inc").write_text(".word 0xa\n")
    (tmp_path / "m.s").write_text('.include "cfg.inc"\n.data\n.if LEVEL > 1\n'
                                  '.include "a.inc"\n.else\n.include "missing.inc"\n'
                                  ".endif\n.word LEVEL\n")
    for defines, want in ((None, [0xa, 2]), ({"LEVEL": 5}, [0xa, 5])):
        seg = read_elf(assemble_file(tmp_path / "m.s", defines=defines)).segments[0].data
        assert [int.from_bytes(seg[i:i + 4], "little") for i in (0, 4)] == want
    with pytest.raises(AsmErrors, match="cannot find include file 'missing.inc'"):
        assemble_file(tmp_path / "m.s", defines={"LEVEL": 1})


# ---------------------------------------------------------------------- macros
def test_conditionals_in_a_macro_body_are_evaluated_per_expansion():
    src = """
.macro pick n
.if \\n > 1
  .word 100 + \\n
.elseif \\n == 1
  .word 1
.else
  .word -1
.endif
.endm
pick 3
pick 1
pick 0
"""
    assert data(src) == [103, 1, -1]


def test_a_macro_can_recurse_inside_a_conditional():
    src = ".macro down n\n.if \\n\n.word \\n\ndown \\n-1\n.endif\n.endm\ndown 4\n"
    assert data(src) == [4, 3, 2, 1]


def test_conditionals_must_balance_within_a_macro_body():
    assert errors(".macro m\n.if 1\nnop\n.endm\nm\nm\n") == [
        "t.s:2:1: error: unterminated .if: no .endif before the .endm of macro 'm'"]
    assert errors(".macro m\nnop\n  .endif\n.endm\n.if 1\nm\n.endif\n") == [
        "t.s:3:3: error: stray .endif: no .if is open in the body of macro 'm' (a "
        "conditional must begin and end within the macro body)"]
    # reported at the definition even if the macro is never used
    assert errors(".macro m\n.else\n.endm\n") == [
        "t.s:2:1: error: stray .else: no .if is open in the body of macro 'm' (a "
        "conditional must begin and end within the macro body)"]


def test_an_error_in_a_macro_condition_names_the_expansion():
    with pytest.raises(AsmErrors) as ei:
        assemble_source(".macro m x\n.if \\x\n.endif\n.endm\nm 1/0\n", "t.s")
    assert str(ei.value).splitlines()[:4] == [
        "t.s:2:7: error: division by zero", "    .if 1/0", "          ^",
        "    note: in expansion of macro 'm' at t.s:5"]


def test_a_macro_defined_in_a_true_branch_exists_and_in_a_false_one_does_not():
    src = ".if {}\n.macro w\n.word 7\n.endm\n.endif\n.word 1\n"
    assert data(src.format(1) + "w\n") == [1, 7]
    last = errors(src.format(0) + "w\n")[-1]
    assert last.startswith("t.s:7:1: error: unknown instruction 'w'")


# ---------------------------------------------------------------------- defines
def test_defines_are_constants_before_the_first_line():
    assert data(".word A, B, C", defines={"A": 1, "B": -2, "C": True}) == [1, -2, 1]
    assert data(".if MODE == 2\n.word 2\n.else\n.word 0\n.endif", defines={"MODE": 2}) == [2]


def test_the_source_cannot_redefine_a_define():
    for line, col in ((".equ DEBUG, 0", 6), (".set DEBUG, 0", 6), ("DEBUG = 0", 1),
                      (".equiv DEBUG, 0", 8)):
        assert errors(line + "\n", defines={"DEBUG": 1}) == [
            f"t.s:1:{col}: error: symbol 'DEBUG' is predefined with -D DEBUG and cannot be "
            "redefined in the source"]
    assert errors("DEBUG: nop\n", defines={"DEBUG": 1}) == [
        "t.s:1:1: error: duplicate symbol 'DEBUG' (predefined with -D DEBUG)"]
    # the idiom for a default value
    assert data(".ifndef DEBUG\n.equ DEBUG, 0\n.endif\n.word DEBUG", defines={"DEBUG": 3}) \
        == [3]


def test_bad_defines_are_reported_at_the_command_line():
    with pytest.raises(AsmErrors) as ei:
        assemble_source("nop", defines={"1x": 1, "a0": 2, "ok": "3", "fine": 4})
    assert str(ei.value).splitlines() == [
        "<command line>: error: bad define: '1x' is not a symbol name (a letter or '_', "
        "then letters, digits, '_', '.' or '$')",
        "<command line>: error: bad define: 'a0' is a register name and cannot be a symbol",
        "<command line>: error: bad define: the value of 'ok' must be an integer, not '3'",
        "3 errors"]
    assert ei.value.exit_status == 2


def test_defines_are_in_the_symbol_table_only_when_global_like_equ():
    img = read_elf(assemble_source(".global G, E\n.equ E, 5\nnop\n",
                                   defines={"G": 0x1234, "L": 1}))
    assert img.symbols["G"] == 0x1234 and img.symbols["E"] == 5
    assert "L" not in img.symbols


# ---------------------------------------------------------------------- listing
def test_the_listing_marks_skipped_lines(monkeypatch):
    monkeypatch.chdir(GOLDEN)
    result = assemble((GOLDEN / "conditionals.s").read_text(), "conditionals.s", (), None,
                      defines={"BOARD": 2})
    check_golden(GOLDEN / "conditionals.lst", result.listing)
    assert "  skipped   conditionals.s:" in result.listing


# ---------------------------------------------------------------------- property
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks(), st.dictionaries(st.sampled_from(DEFINES), st.integers(-3, 3)))
def test_random_conditionals_keep_exactly_the_lines_a_reference_keeps(items, given_defines):
    defines = {name: given_defines.get(name, 0) for name in DEFINES}
    lines = [".data"]
    render_blocks(items, lines)
    text = "\n".join(lines) + "\n"
    kept: list = []
    keep(items, dict(defines), kept)
    junk_lines = {n for kind, n in kept if kind == "junk"}
    where = {int(line.split()[1]): i + 1 for i, line in enumerate(lines)
             if line.strip().startswith("junk ")}
    if junk_lines:
        with pytest.raises(AsmErrors) as ei:
            assemble_source(text, "p.s", defines=defines)
        assert {e.line for e in ei.value.errors} == {where[n] for n in junk_lines}, text
        assert all("unexpected character '@'" in e.msg for e in ei.value.errors)
        return
    img = read_elf(assemble_source(text, "p.s", defines=defines))
    seg = img.segments[0].data if img.segments else b""
    got = [int.from_bytes(seg[i:i + 4], "little") for i in range(0, len(seg), 4)]
    assert got == [n for kind, n in kept if kind == "payload"], text
