"""Evaluate parsed expressions (see :mod:`ringvm.assembler.parse` for node shapes).

Arithmetic is on unbounded Python ints with C semantics where they differ from
Python: ``/`` truncates toward zero and ``%`` takes the sign of the dividend.
Comparisons (``== != < <= > >=``), ``&&``, ``||`` and ``!`` give 1 or 0 and compare
the exact values (no 32-bit wrap-around); ``&&`` and ``||`` do not evaluate their
right side when the left side decides (as in C).
The field an expression lands in checks its range afterwards; a value wider than
``MAX_VALUE_BITS`` at any point is an error (so no expression can grow without bound).

``%hi(x) = ((x + 0x8000) >> 16) & 0xFFFF`` and ``%lo(x) = sext16(x & 0xFFFF)``, so
``lui r, %hi(x); addi r, r, %lo(x)`` builds x (mod 2^32), and so does
``lui r, %hi(x); lw d, %lo(x)(r)`` for the address.
"""
from __future__ import annotations

import operator
from typing import Protocol

from ringvm.isa import sign_extend

from .limits import MAX_VALUE_BITS


class ExprError(Exception):
    """A problem in an expression at 1-based column ``col`` (message for the user)."""

    def __init__(self, col: int, msg: str):
        super().__init__(msg)
        self.col, self.msg = col, msg


class Unknown(Exception):
    """Internal: the value depends on something not known yet (first pass)."""


class Env(Protocol):
    """What evaluation needs from the assembler's symbol state."""

    def symbol(self, name: str, col: int) -> int: ...      # raises ExprError / Unknown
    def local(self, n: int, direction: str, col: int) -> int: ...
    def dot(self, col: int) -> int: ...


def hi(x: int) -> int:
    """Upper half for lui, rounded so that adding sext(%lo(x)) gives back x."""
    return ((x + 0x8000) >> 16) & 0xFFFF


def lo(x: int) -> int:
    """Low 16 bits of x, sign-extended (for addi / load and store offsets)."""
    return sign_extend(x & 0xFFFF, 16)


def _cdiv(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


_LOGIC = ("&&", "||")
_COMPARE = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
            ">": operator.gt, ">=": operator.ge}


def evaluate(e: tuple, env: Env) -> int:
    """The integer value of expression ``e``. Raises ExprError or Unknown."""
    try:
        return _eval(e, env)
    except RecursionError:
        raise ExprError(e[1], "expression nested too deeply") from None


def _eval(e: tuple, env: Env) -> int:
    k = e[0]
    if k == "num":
        return e[2]
    if k == "sym":
        return env.symbol(e[2], e[1])
    if k == "bin":
        v = _binary(e, env)
        if v.bit_length() > MAX_VALUE_BITS:
            raise ExprError(e[1], f"expression value out of range (more than "
                                  f"{MAX_VALUE_BITS} bits)")
        return v
    if k == "paren":
        return _eval(e[2], env)
    if k == "un":
        v = _eval(e[3], env)
        op = e[2]
        return -v if op == "-" else ~v if op == "~" else int(v == 0) if op == "!" else v
    if k == "hi":
        return hi(_eval(e[2], env))
    if k == "lo":
        return lo(_eval(e[2], env))
    if k == "dot":
        return env.dot(e[1])
    if k == "lref":
        return env.local(e[2], e[3], e[1])
    raise ExprError(e[1], f"not an expression: {k}")


def _binary(e: tuple, env: Env) -> int:
    """The value of a binary node ``("bin", col, op, a, b)`` (C semantics)."""
    op = e[2]
    a = _eval(e[3], env)
    if op in _LOGIC:
        if (op == "&&") == (a == 0):      # 0 && x, nonzero || x: x is not evaluated
            return int(op == "||")
        return int(_eval(e[4], env) != 0)
    b = _eval(e[4], env)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "&":
        return a & b
    if op == "|":
        return a | b
    if op == "^":
        return a ^ b
    if op in ("/", "%"):
        if b == 0:
            raise ExprError(e[4][1], "division by zero")
        q = _cdiv(a, b)
        return q if op == "/" else a - q * b
    if op in _COMPARE:
        return int(_COMPARE[op](a, b))
    if op in ("<<", ">>"):
        if not 0 <= b < 64:
            raise ExprError(e[4][1], f"shift count {b} out of range [0, 63]")
        return a << b if op == "<<" else a >> b
    raise ExprError(e[1], f"unknown operator {op!r}")


def substitute(e: tuple, mapping: dict[str, tuple]) -> tuple:
    """``e`` with every ("sym", _, name) whose name is in ``mapping`` replaced."""
    k = e[0]
    if k == "sym":
        return mapping.get(e[2], e)
    if k == "bin":
        return ("bin", e[1], e[2], substitute(e[3], mapping), substitute(e[4], mapping))
    if k == "un":
        return ("un", e[1], e[2], substitute(e[3], mapping))
    if k in ("hi", "lo", "paren"):
        return (k, e[1], substitute(e[2], mapping))
    return e
