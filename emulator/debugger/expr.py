"""Expressions of ``ringvm debug`` (``print``, ``x``, ``set``, ``break ... if``).

Syntax, C-like: numbers (``42``, ``0x2a``, ``0b101``, ``'a'``), registers and CSRs
(``$a0``, ``$pc``, ``$status``, ``$gstatus``; also bare ``a0``/``pc`` when no symbol has
that name), symbols (``ticks``, ``user_start``), ``*EXPR`` (the 32-bit word at a virtual
address, translated by the current CPU like a load), ``phys:EXPR`` (marks an address as
physical, so ``*phys:0x1000`` reads RAM directly), parentheses, unary ``- ~ !``, ``&sym``
(the address of a symbol, as gdb; a bare symbol is its address too), binary
``* / % + - << >> < <= > >= == != & ^ | && ||``. Values are Python integers; results
are shown modulo 2^32.
"""
from __future__ import annotations

import re

__all__ = ["DebugError", "Phys", "evaluate", "parse_address"]


class DebugError(Exception):
    """A user mistake in a debugger command: printed as one line, never a traceback."""


class Phys(int):
    """An integer marked as a physical address (``phys:`` prefix)."""

    def __repr__(self) -> str:
        return f"phys:0x{int(self):08x}"


_TOKEN = re.compile(r"""
    \s*(?:
      (?P<num>0[xX][0-9a-fA-F_]+|0[bB][01_]+|\d[\d_]*)
    | (?P<chr>'(?:\\.|[^'\\])')
    | (?P<phys>phys:)
    | (?P<name>\$?[A-Za-z_.][A-Za-z0-9_.$]*)
    | (?P<op><<|>>|<=|>=|==|!=|&&|\|\||[-+*/%()<>&^|~!])
    )""", re.VERBOSE)

_BINARY = [  # lowest precedence first
    ("||",), ("&&",), ("|",), ("^",), ("&",), ("==", "!="), ("<", "<=", ">", ">="),
    ("<<", ">>"), ("+", "-"), ("*", "/", "%"),
]
_ESC = {"n": 10, "t": 9, "r": 13, "0": 0, "\\": 92, "'": 39}


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise DebugError(f"bad expression near {text[pos:].strip()!r}")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str, lookup, deref):
        self.toks = _tokens(text)
        self.i = 0
        self.lookup = lookup
        self.deref = deref
        self.text = text

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self):
        t = self.peek()
        self.i += 1
        return t

    def parse(self) -> int:
        if not self.toks:
            raise DebugError("expected an expression")
        v = self.binary(0)
        if self.i != len(self.toks):
            raise DebugError(f"unexpected {self.peek()[1]!r} in {self.text.strip()!r}")
        return v

    def binary(self, level: int) -> int:
        if level == len(_BINARY):
            return self.unary()
        left = self.binary(level + 1)
        while True:
            kind, val = self.peek()
            if kind != "op" or val not in _BINARY[level]:
                return left
            self.take()
            right = self.binary(level + 1)
            left = _apply(val, left, right)

    def unary(self) -> int:
        kind, val = self.peek()
        if kind == "op" and val == "&":          # &sym: the symbol's address, as gdb
            self.take()                         # (a bare symbol is its address too)
            k2, name = self.peek()
            if k2 != "name" or name.startswith("$"):
                raise DebugError("& takes a symbol name (&sym)")
            self.take()
            return self.lookup(name)
        if kind == "op" and val in ("-", "~", "!", "*", "+"):
            self.take()
            v = self.unary()
            if val == "-":
                return _keep(v, -int(v))
            if val == "~":
                return _keep(v, ~int(v) & 0xFFFFFFFF)
            if val == "!":
                return int(not v)
            if val == "+":
                return v
            return self.deref(v)
        if kind == "phys":
            self.take()
            return Phys(int(self.unary()) & 0xFFFFFFFF)
        return self.primary()

    def primary(self) -> int:
        kind, val = self.take()
        if kind == "num":
            return int(val.replace("_", ""), 0)
        if kind == "chr":
            body = val[1:-1]
            if body.startswith("\\"):
                if body[1] not in _ESC:
                    raise DebugError(f"unknown escape {val}")
                return _ESC[body[1]]
            return ord(body)
        if kind == "name":
            return self.lookup(val)
        if kind == "op" and val == "(":
            v = self.binary(0)
            k2, v2 = self.take()
            if v2 != ")":
                raise DebugError("missing ')'")
            return v
        if kind is None:
            raise DebugError(f"incomplete expression {self.text.strip()!r}")
        raise DebugError(f"unexpected {val!r} in {self.text.strip()!r}")


def _keep(a, result: int) -> int:
    return Phys(result & 0xFFFFFFFF) if isinstance(a, Phys) else result


def _apply(op: str, a: int, b: int) -> int:
    x, y = int(a), int(b)
    if op in ("/", "%") and y == 0:
        raise DebugError("division by zero")
    r = {
        "||": lambda: int(bool(x) or bool(y)), "&&": lambda: int(bool(x) and bool(y)),
        "|": lambda: x | y, "^": lambda: x ^ y, "&": lambda: x & y,
        "==": lambda: int(x == y), "!=": lambda: int(x != y), "<": lambda: int(x < y),
        "<=": lambda: int(x <= y), ">": lambda: int(x > y), ">=": lambda: int(x >= y),
        "<<": lambda: (x << (y & 63)) & 0xFFFFFFFF, ">>": lambda: (x & 0xFFFFFFFF) >> (y & 63),
        "+": lambda: x + y, "-": lambda: x - y, "*": lambda: x * y,
        "/": lambda: int(x / y), "%": lambda: x - int(x / y) * y,
    }[op]()
    if op in ("+", "-", "&", "|", "^") and (isinstance(a, Phys) or isinstance(b, Phys)):
        return Phys(r & 0xFFFFFFFF)
    return r


def evaluate(text: str, lookup, deref) -> int:
    """Value of expression ``text``. ``lookup(name) -> int`` resolves names (raises
    DebugError if unknown); ``deref(addr) -> int`` reads the word at ``addr`` (a
    :class:`Phys` for physical). Raises :class:`DebugError`."""
    return _Parser(text, lookup, deref).parse()


def parse_address(text: str, lookup, deref) -> int:
    """An address expression (``phys:`` prefix allowed): an int or a :class:`Phys`."""
    v = evaluate(text, lookup, deref)
    if isinstance(v, Phys):
        return v
    return int(v) & 0xFFFFFFFF
