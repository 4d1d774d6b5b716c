"""Conditional assembly: ``.if``, ``.ifdef``, ``.ifndef``, ``.elseif``, ``.else``, ``.endif``.

The Reader (:mod:`.source`) passes every line through a :class:`Conditions` while it
expands includes and macros, and pass 1 runs on each line as soon as the Reader
produces it, so a condition sees exactly the symbols defined before it. A line in a
false branch is never parsed, expanded, included or assembled; only its conditional
directives are recognised (by :data:`COND_LINE`, a regular expression that agrees with
the grammar's DIRECTIVE token), to keep the nesting.

Each file and each macro expansion is a *frame*: a conditional must end in the frame
where it begins. Every conditional in the frame that is still open at its end is an
"unterminated" error at its ``.if`` line; an ``.else``/``.elseif``/``.endif`` with no
``.if`` open in its frame is "stray". At most :data:`MAX_COND_DEPTH` conditionals are
open at once (across all frames); a deeper one is an error and its lines are skipped.

A condition that cannot be evaluated (a syntax error, an undefined symbol, ...) is
reported, and then *no* branch of that conditional is assembled.
"""
from __future__ import annotations

import re

from ringvm.isa import ISA

from .expr import ExprError, Unknown, evaluate

COND_DIRECTIVES = frozenset({".if", ".ifdef", ".ifndef", ".elseif", ".else", ".endif"})
OPENERS = frozenset({".if", ".ifdef", ".ifndef"})
#: conditionals open at once, over all files and macro expansions
MAX_COND_DEPTH = 256

#: a conditional directive line: optional labels, then the directive (group 1)
COND_LINE = re.compile(r"[ \t\r\f\v]*(?:(?:[A-Za-z_][A-Za-z0-9_.$]*|[0-9]+)[ \t\r\f\v]*:"
                       r"[ \t\r\f\v]*)*(\.(?:if|ifdef|ifndef|elseif|else|endif))"
                       r"(?![A-Za-z0-9_])")


class _Cond:
    """One open conditional. ``outer`` is whether the lines around it are assembled,
    ``active`` whether the current branch is, ``taken`` whether a branch was already
    chosen (or the condition failed), so that no later branch can be."""
    __slots__ = ("name", "line", "col", "outer", "active", "taken", "else_line")

    def __init__(self, name, line, col, outer):
        self.name, self.line, self.col, self.outer = name, line, col, outer
        self.active = self.taken = False
        self.else_line = None


class _Frame:
    """The conditionals of one file ("file") or one macro expansion ("macro")."""
    __slots__ = ("kind", "name", "stack", "dropped")

    def __init__(self, kind, name):
        self.kind, self.name = kind, name
        self.stack: list[_Cond] = []
        self.dropped: _Cond | None = None    # left open by an included file


class Conditions:
    """The conditional state of one assembly. ``skipping`` is True inside a false
    branch. ``scan_only`` checks the structure alone (never evaluates; used for macro
    bodies at their definition)."""

    def __init__(self, sink, evaluator=None, scan_only: bool = False):
        self.sink = sink
        self.evaluator = evaluator if evaluator is not None else NoSymbols(sink)
        self.scan_only = scan_only
        self.frames: list[_Frame] = []
        self.depth = 0
        self.skipping = False

    # ------------------------------------------------------------------ frames
    def enter(self, kind: str, name: str) -> None:
        """Start a file or a macro expansion (only ever from an assembled line)."""
        self.frames.append(_Frame(kind, name))
        self.skipping = False

    def leave(self) -> None:
        """End the current frame; report every conditional still open in it."""
        frame = self.frames.pop()
        end = (f"the end of {frame.name}" if frame.kind == "file"
               else f"the .endm of macro {frame.name!r}")
        for c in frame.stack:
            self._error(c.line, c.col, f"unterminated {c.name}: no .endif before {end}")
        self.depth -= len(frame.stack)
        if frame.stack and frame.kind == "file" and self.frames:
            self.frames[-1].dropped = frame.stack[0]
        self._update()

    def _update(self) -> None:
        stack = self.frames[-1].stack if self.frames else None
        self.skipping = bool(stack) and not stack[-1].active

    def wants_parse(self, name: str) -> bool:
        """Whether a conditional directive met while skipping must be parsed: an
        .else/.elseif/.endif of a conditional whose surroundings are assembled."""
        stack = self.frames[-1].stack
        return name not in OPENERS and bool(stack) and stack[-1].outer

    # ------------------------------------------------------------------ directives
    def handle(self, name: str, col: int, line, parsed) -> bool:
        """Process conditional directive ``name`` at column ``col`` of ``line`` (a
        SrcLine). ``parsed``: True if ``line.stmt`` holds the parsed directive, False
        after a syntax error (already reported), None if not parsed (structure only).
        Returns whether the directive belongs to assembled surroundings."""
        frame = self.frames[-1]
        stack = frame.stack
        if name in OPENERS:
            c = _Cond(name, line, col, not self.skipping and not self.scan_only)
            self.depth += 1
            if self.depth > MAX_COND_DEPTH:
                if self.depth == MAX_COND_DEPTH + 1:
                    self._error(line, col, f"conditionals nested more than "
                                           f"{MAX_COND_DEPTH} deep")
                c.taken = True
            elif c.outer:
                self._choose(c, self._test(name, col, line, parsed))
            else:
                c.taken = True
            stack.append(c)
            self.skipping = not c.active
            live = c.outer
        elif not stack:
            self._stray(name, col, line, frame)
            live = not self.skipping
        else:
            c = stack[-1]
            live = c.outer
            if name == ".endif":
                stack.pop()
                self.depth -= 1
            elif c.else_line is not None:
                e = c.else_line
                what = "second .else for" if name == ".else" else ".elseif after .else in"
                self._error(line, col, f"{what} the {c.name} at {c.line.file}:{c.line.line} "
                                       f"(its .else is at {e.file}:{e.line})")
                c.active = False
            elif name == ".else":
                c.else_line = line
                c.active = c.outer and not c.taken
                c.taken = True
            elif c.outer and not c.taken:
                self._choose(c, self._test(name, col, line, parsed))
            else:
                c.active = False
            self._update()
        if live and parsed:
            self._check_shape(name, line)
        return live

    @staticmethod
    def _choose(c: _Cond, value: int | None) -> None:
        c.active = bool(value)
        c.taken = c.active or value is None

    def _error(self, line, col: int, msg: str) -> None:
        self.sink.add(line.error(col, msg))

    def _stray(self, name, col, line, frame: _Frame) -> None:
        msg = f"stray {name}: no .if is open"
        if frame.kind == "macro":
            msg += (f" in the body of macro {frame.name!r} (a conditional must begin and "
                    "end within the macro body)")
        else:
            # a likely culprit: left open by a file this one included, else open in (or
            # left open in a file included by) a file that includes this one
            where, other = "an included file", frame.dropped
            if other is None:
                where = "another file"
                for f in reversed(self.frames[:-1]):
                    other = f.stack[-1] if f.stack else f.dropped
                    if other is not None:
                        break
            if other is not None:
                msg += (f" in this file (the {other.name} at {other.line.file}:"
                        f"{other.line.line} is in {where}; a conditional must end in the "
                        "file where it begins)")
        self._error(line, col, msg)

    def _check_shape(self, name: str, line) -> None:
        if line.labels:
            self._error(line, line.labels[0][1], f"a label cannot be on a {name} line: "
                                                 "put it on a line of its own")
        if name in (".else", ".endif") and line.stmt[3]:
            self._error(line, line.stmt[3][0][1], f"{name} takes no arguments")

    def _test(self, name: str, col: int, line, parsed) -> int | None:
        """The value of the condition of an .if/.ifdef/.ifndef/.elseif line, or None
        after reporting why it has none."""
        if not parsed:
            return None
        args = line.stmt[3]
        if name in (".ifdef", ".ifndef"):
            if len(args) != 1 or args[0][0] != "sym":
                at = args[0][1] if args else col
                self._error(line, at, f"{name} needs one symbol name")
                return None
            sym, at = args[0][2], args[0][1]
            if sym in ISA.registers:
                self._error(line, at, f"{sym!r} is a register name: it is never a symbol")
                return None
            return int(self.evaluator.defined(sym) == (name == ".ifdef"))
        if len(args) != 1 or args[0][0] in ("str", "secname"):
            at = args[1][1] if len(args) > 1 else args[0][1] if args else col
            self._error(line, at, f"{name} needs one expression")
            return None
        return self.evaluator.value(args[0], line, name)


class NoSymbols:
    """An evaluator that knows no symbols (conditions on constants only); reports
    into ``sink``."""

    def __init__(self, sink):
        self.sink = sink

    def defined(self, name: str) -> bool:
        return False

    def value(self, e: tuple, line, directive: str) -> int | None:
        try:
            return evaluate(e, _Nothing())
        except ExprError as x:
            self.sink.add(line.error(x.col, x.msg))
        return None


class _Nothing:
    def symbol(self, name, col):
        raise ExprError(col, f"undefined symbol {name!r}")

    def local(self, n, direction, col):
        raise ExprError(col, f"no local label '{n}:' for '{n}{direction}'")

    def dot(self, col):
        raise ExprError(col, "'.' has no value here")


class _NotYet(Exception):
    """Internal: a symbol not defined (yet) at a condition."""

    def __init__(self, col: int, name: str):
        super().__init__(name)
        self.col, self.name = col, name


_LATER = "a condition can only use values known at that point"


class PassOneEvaluator:
    """Evaluates conditions against an Assembler's pass-1 state: constants defined
    before the condition (``.equ``/``.set``/``=``/``-D``) and labels whose address is
    already known (.text, or a section placed by ``.org``). A symbol that is not
    defined yet is reported by :meth:`finish`, which knows whether it is defined later
    (a forward reference) or never."""

    def __init__(self, asm):
        self.asm = asm
        self.pending: list[tuple] = []      # (line, col, name, directive)

    def defined(self, name: str) -> bool:
        return name in self.asm.labels or name in self.asm.equs

    def value(self, e: tuple, line, directive: str) -> int | None:
        try:
            return evaluate(e, self)
        except ExprError as x:
            self.asm.err(line, x.col, x.msg)
        except _NotYet as n:
            self.pending.append((line, n.col, n.name, directive))
        except Unknown:                 # not raised by this env; kept as a safety net
            self.asm.err(line, e[1], f"value not known yet: {_LATER}")
        return None

    def finish(self) -> None:
        """Report the symbols conditions used before (or without) their definition."""
        asm = self.asm
        for line, col, name, directive in self.pending:
            if name in asm.labels:
                where = asm.labels[name][2]
            elif name in asm.equs:
                where = asm.equs[name][0][1]
            else:
                asm.err(line, col, f"undefined symbol {name!r} in {directive} (use .ifdef "
                                   f"{name} to test whether a symbol is defined)")
                continue
            asm.err(line, col, f"forward reference to {name!r} in {directive} (it is "
                               f"defined later, at {where.file}:{where.line}): a condition "
                               "can only use symbols defined before it")
        self.pending = []

    # expression environment (see expr.Env)
    def symbol(self, name: str, col: int) -> int:
        asm = self.asm
        lab = asm.labels.get(name)
        if lab is not None:
            sec = lab[0]
            if sec.base is None:
                raise ExprError(col, f"the address of {name!r} is not known yet ({sec.name} "
                                     f"is placed after pass 1): {_LATER}")
            return sec.base + lab[1]
        if name in asm.values:
            return asm.values[name]
        if name in asm.equs:
            raise ExprError(col, f"the value of {name!r} is not known yet (it depends on "
                                 f"a later symbol or an address): {_LATER}")
        if name in ISA.registers:
            raise ExprError(col, f"register {name!r} cannot be used as a value here")
        if name in ISA.csrs:
            raise ExprError(col, f"CSR name {name!r} cannot be used as a value here")
        raise _NotYet(col, name)

    def local(self, n: int, direction: str, col: int) -> int:
        if direction == "f":
            raise ExprError(col, f"'{n}f' is a forward reference: a condition can only use "
                                 "labels defined before it")
        defs = self.asm.numeric.get(n)
        if not defs:
            raise ExprError(col, f"no local label '{n}:' before this line for '{n}b'")
        _, sec, off = defs[-1]
        if sec.base is None:
            raise ExprError(col, f"the address of '{n}b' is not known yet ({sec.name} is "
                                 f"placed after pass 1): {_LATER}")
        return sec.base + off

    def dot(self, col: int) -> int:
        here = self.asm.here()
        if here is None:
            raise ExprError(col, f"'.' is not known yet ({self.asm.cur.name} is placed "
                                 f"after pass 1): {_LATER}")
        return here
