"""Predefined symbols: ``ringvm asm -D NAME[=VALUE]`` and the ``defines=`` parameter.

A define behaves like an ``.equ NAME, VALUE`` made before the first source line that
may not be redefined (like ``.equiv``): the source cannot silently override a build
option. NAME is a symbol name (not a register); VALUE is an integer literal in any
form the assembler accepts (``42``, ``0x2a``, ``0b101``, ``'a'``, ``017`` is 17),
optionally with a leading ``-`` or ``+``; ``-D NAME`` alone means 1.

Mistakes in a ``defines`` mapping are reported as :class:`AsmError` at
``<command line>`` (no line or column).
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from ringvm.isa import ISA

from .errors import AsmError
from .limits import MAX_LITERAL_BITS
from .parse import LineSyntaxError, parse_line

#: the "file" named by errors about defines
DEFINE_FILE = "<command line>"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.$]*\Z")


class DefineError(ValueError):
    """A bad ``-D`` argument; ``str()`` is the message for the user."""


def name_problem(name) -> str | None:
    """Why ``name`` cannot be predefined, or None if it can."""
    if not isinstance(name, str) or not _NAME.match(name):
        return (f"{name!r} is not a symbol name (a letter or '_', then letters, digits, "
                "'_', '.' or '$')")
    if name in ISA.registers:
        return f"{name!r} is a register name and cannot be a symbol"
    return None


def parse_value(text: str) -> int:
    """The integer of a ``-D`` VALUE: one literal, optionally signed. Raises DefineError."""
    body = text.strip()
    if not body:
        raise DefineError("missing VALUE after '='")
    bad = DefineError(f"{text!r} is not an integer literal (such as 42, 0x2a, 0b101, 'a' "
                      "or -1)")
    if "#" in body.replace("'#'", "") or "//" in body:
        raise bad
    try:
        stmt = parse_line(".word " + body).stmt
    except LineSyntaxError:
        raise bad from None
    args = stmt[3] if stmt is not None and stmt[0] == "dir" else ()
    if len(args) != 1:
        raise bad
    e, sign = args[0], 1
    if e[0] == "un" and e[2] in "-+":
        sign, e = (-1 if e[2] == "-" else 1), e[3]
    if e[0] != "num":
        raise bad
    return sign * e[2]


def parse_define(arg: str) -> tuple[str, int]:
    """``NAME`` or ``NAME=VALUE`` (a ``-D`` argument) as (name, value). Raises
    DefineError with a message naming the problem."""
    name, eq, value = arg.partition("=")
    problem = name_problem(name)
    if problem is not None:
        raise DefineError(problem)
    if not eq:
        return name, 1
    try:
        return name, parse_value(value)
    except DefineError as e:
        raise DefineError(f"{arg!r}: {e}") from None


def check_defines(defines: Mapping | None) -> tuple[dict[str, int], list[AsmError]]:
    """Validate a ``defines`` mapping: (clean dict, errors at ``<command line>``)."""
    if defines is None:
        return {}, []
    if not isinstance(defines, Mapping):
        return {}, [AsmError(DEFINE_FILE, 0, 0, "defines must be a mapping of symbol "
                             f"names to integers, not {type(defines).__name__}")]
    out, errors = {}, []
    for name, value in defines.items():
        problem = name_problem(name)
        if problem is None and not isinstance(value, int):   # bool is an int: 1 or 0
            problem = f"the value of {name!r} must be an integer, not {value!r:.60}"
        elif problem is None and int(value).bit_length() > MAX_LITERAL_BITS:
            problem = (f"the value of {name!r} is out of range: at most "
                       f"{MAX_LITERAL_BITS} bits, like a literal")
        if problem is not None:
            errors.append(AsmError(DEFINE_FILE, 0, 0, f"bad define: {problem}"))
        else:
            out[name] = int(value)
    return out, errors
