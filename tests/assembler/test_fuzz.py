"""Fuzzing: no input makes the assembler raise anything but AsmErrors (no traceback)."""
from __future__ import annotations

import contextlib
import io
import os
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ringvm.assembler import AsmErrors, assemble_source
from ringvm.emulator.cli import main
from ringvm.isa import ISA

from .condgen import blocks, render_blocks
from .conftest import GOLDEN

SAMPLE_LINES = (GOLDEN / "sample.s").read_text().splitlines() + \
    (GOLDEN / "inc" / "defs.inc").read_text().splitlines() + \
    (GOLDEN / "conditionals.s").read_text().splitlines()
TOKENS = (sorted(ISA.instructions) + sorted(ISA.pseudos) + ["a0", "sp", "zero", "r31",
          "status", "x", "1b", "1f", "0x10", "-", "+", "(", ")", ",", ":", "%hi(", "%lo(",
          "'a'", '"s"', ".", ".word", ".org", ".space", ".macro", ".endm", ".equ", ".set",
          ".text", ".data", ".bss", ".align", "\\a", "\\@", "#", "//", "\n", " ", "1:",
          "<<", "~", "/", "%", "=", "label:", ".include", ".entry", ".global",
          ".if", ".ifdef", ".ifndef", ".elseif", ".else", ".endif", "\n.if 1\n",
          "\n.endif\n", "==", "!=", "<", ">=", "&&", "||", "!"])

#: raise for a longer local fuzzing session, e.g. RINGVM_FUZZ_EXAMPLES=5000
EXAMPLES = int(os.environ.get("RINGVM_FUZZ_EXAMPLES", "150"))

source_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join),
    st.lists(st.sampled_from(SAMPLE_LINES), max_size=40).map("\n".join),
)


@st.composite
def mutated_sample(draw):
    """The sample program with a few characters replaced, inserted or deleted."""
    text = list("\n".join(SAMPLE_LINES))
    for _ in range(draw(st.integers(1, 8))):
        i = draw(st.integers(0, len(text) - 1))
        op = draw(st.sampled_from(["replace", "insert", "delete"]))
        ch = draw(st.sampled_from(list("()+-,:%.'\"\\#0x1aZ \n")))
        if op == "replace":
            text[i] = ch
        elif op == "insert":
            text.insert(i, ch)
        else:
            del text[i]
    return "".join(text)


@st.composite
def broken_conditionals(draw):
    """A random conditional structure with whole lines deleted, repeated or moved
    (so the nesting is often wrong), and sometimes inside a macro body."""
    lines: list[str] = []
    render_blocks(draw(blocks()), lines)
    for _ in range(draw(st.integers(0, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "repeat", "move"]))
        if op == "delete":
            del lines[i]
        elif op == "repeat":
            lines.insert(i, lines[i])
        else:
            lines.insert(draw(st.integers(0, len(lines) - 1)), lines.pop(i))
    if draw(st.booleans()):
        lines = [".macro m n"] + lines + [".endm", "m 1", "m D0"]
    return "\n".join(lines)


def check(text: str, **kw) -> None:
    try:
        assemble_source(text, "fuzz.s", **kw)
    except AsmErrors as e:
        report = str(e)
        assert ": error: " in report and report.splitlines()[-1].endswith(("error", "errors",
                                                                           "50)"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source_text)
def test_random_source_text_only_ever_raises_asm_errors(text):
    check(text)


@settings(max_examples=EXAMPLES * 2 // 3, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(mutated_sample())
def test_mutated_sample_program_only_ever_raises_asm_errors(text):
    check(text)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_conditionals())
def test_broken_conditional_nesting_only_ever_raises_asm_errors(text):
    check(text, defines={"D0": 1, "D2": 0})


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=30).map(" ".join))
def test_the_cli_exits_2_with_error_lines_for_bad_sources(text):
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "f.s")
        with open(src, "w") as f:
            f.write(text + "\nbogus_instruction\n")
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            status = main(["asm", src, "-o", os.path.join(d, "f.elf")])
        assert status == 2
        assert "f.s:" in err.getvalue() and ": error: " in err.getvalue()
        assert "Traceback" not in err.getvalue()
