"""Expressions: C precedence of every operator, comparisons and logic, and a property
against an independent reference evaluator."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ringvm.assembler import assemble_source
from ringvm.assembler.elf import read_elf

from .exprgen import DEFINES, expressions, render, value
from .conftest import asm, asm_errors


def data_words(img) -> list[int]:
    seg = img.segments[0].data
    return [int.from_bytes(seg[i:i + 4], "little", signed=True) for i in range(0, len(seg), 4)]


def test_comparisons_and_logic_give_one_or_zero_with_c_precedence():
    img = asm(".data\n.word 1 < 2, 2 <= 1, 3 == 3, 3 != 3, 5 > 4 > 0, 5 >= 6, !0, !7,"
              " 1 && 0, 0 || 7, 1 | 2 == 2, 1 << 2 < 5, -1 < 0, 0xffffffff > 0,"
              " 1 == 1 && 2 < 1 || 3, 4 & 1 != 0")
    assert data_words(img) == [1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0]


def test_binary_operators_group_left_to_right_at_each_level():
    img = asm(".data\n.word 10 - 3 - 2, 100 / 10 / 5, 1 << 2 + 1, 2 * 3 % 4, 1 + 2 * 3 - 4,"
              " 8 >> 1 >> 1, 6 & 3 ^ 1 | 8")
    assert data_words(img) == [5, 2, 8, 2, 3, 2, 11]


def test_and_and_or_do_not_evaluate_the_side_that_cannot_matter():
    assert data_words(asm(".data\n.word 0 && 1 / 0, 1 || nowhere, 1 && 2")) == [0, 1, 1]
    assert "division by zero" in asm_errors(".data\n.word 1 && 1 / 0")


def test_a_bang_is_a_syntax_error_where_no_expression_may_start():
    assert "unexpected '!'" in asm_errors(".data\n.word 1 !")


@settings(max_examples=300, deadline=None)
@given(expressions(max_leaves=12), st.tuples(*[st.integers(-5, 300)] * len(DEFINES)))
def test_expressions_evaluate_like_the_reference_with_minimal_parentheses(tree, values):
    env = dict(zip(DEFINES, values))
    text = render(tree)
    consts = "".join(f"{k} = {v}\n" for k, v in env.items())
    img = read_elf(assemble_source(f"{consts}.data\n.word ({text}) & 0xffffffff\n", "e.s"))
    got = int.from_bytes(img.segments[0].data, "little")
    assert got == value(tree, env) & 0xFFFFFFFF, text
