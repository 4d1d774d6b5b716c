"""Hypothesis generator of constant expressions with a reference evaluator, written
independently of the assembler (C precedence; rendered with as few parentheses as the
precedence allows)."""
from __future__ import annotations

import functools
import operator

from hypothesis import strategies as st

#: C precedence of the binary operators (higher binds tighter); all left-associative
PREC = {"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6, "<": 7, "<=": 7,
        ">": 7, ">=": 7, "<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10}
UNARY_PREC = 11

#: names given to the assembler as defines (always defined, usable in expressions)
DEFINES = ("D0", "D1", "D2", "D3")


# ---------------------------------------------------------------------- expressions
def literal():
    """(("lit", value, text)): a non-negative literal in one of the assembler's forms."""
    def form(v, how):
        if how == "hex":
            return hex(v)
        if how == "bin":
            return bin(v)
        if how == "char" and 32 <= v < 127 and chr(v) not in "'\\":
            return f"'{chr(v)}'"
        return str(v)
    return st.builds(lambda v, how: ("lit", v, form(v, how)), st.integers(0, 300),
                     st.sampled_from(["dec", "hex", "bin", "char"]))


@functools.lru_cache(maxsize=None)
def expressions(names=DEFINES, max_leaves=8):
    """Expression trees over literals and ``names``; never divide by zero and only
    shift by a small literal, so every tree has a value."""
    leaf = literal() | st.sampled_from(names).map(lambda n: ("sym", n))
    small = st.integers(1, 9).map(lambda v: ("lit", v, str(v)))
    shift = st.integers(0, 7).map(lambda v: ("lit", v, str(v)))

    def extend(children):
        plain = st.sampled_from([op for op in PREC if op not in ("/", "%", "<<", ">>")])
        return st.one_of(
            st.tuples(st.just("un"), st.sampled_from(["-", "~", "!", "+"]), children),
            st.tuples(st.just("bin"), plain, children, children),
            st.tuples(st.just("bin"), st.sampled_from(["/", "%"]), children, small),
            st.tuples(st.just("bin"), st.sampled_from(["<<", ">>"]), children, shift),
            st.tuples(st.just("paren"), children),
        )
    return st.recursive(leaf, extend, max_leaves=max_leaves)


def _cdiv(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def value(t, env) -> int:
    """Reference value with C semantics (``/`` truncates, ``%`` has the dividend's
    sign, comparisons and logic give 1/0, && and || short-circuit)."""
    k = t[0]
    if k == "lit":
        return t[1]
    if k == "sym":
        return env[t[1]]
    if k == "paren":
        return value(t[1], env)
    if k == "un":
        v = value(t[2], env)
        return {"-": -v, "~": ~v, "!": int(v == 0), "+": v}[t[1]]
    op, a = t[1], value(t[2], env)
    if op == "&&":
        return int(a != 0 and value(t[3], env) != 0)
    if op == "||":
        return int(a != 0 or value(t[3], env) != 0)
    b = value(t[3], env)
    if op == "/":
        return _cdiv(a, b)
    if op == "%":
        return a - _cdiv(a, b) * b
    return int(_BINARY[op](a, b))


_BINARY = {"|": operator.or_, "^": operator.xor, "&": operator.and_, "==": operator.eq,
           "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
           ">=": operator.ge, "<<": operator.lshift, ">>": operator.rshift,
           "+": operator.add, "-": operator.sub, "*": operator.mul}


def render(t, outer: int = 0, right: bool = False) -> str:
    """Source text: parentheses only where precedence needs them (and "paren")."""
    k = t[0]
    if k == "lit":
        return t[2]
    if k == "sym":
        return t[1]
    if k == "paren":
        return "(" + render(t[1]) + ")"
    if k == "un":
        return t[1] + render(t[2], UNARY_PREC)
    p = PREC[t[1]]
    text = f"{render(t[2], p)} {t[1]} {render(t[3], p, True)}"
    return f"({text})" if p < outer or (right and p == outer) else text
