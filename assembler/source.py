"""Turn source files into a flat list of parsed lines: includes and macros expanded.

``.include "file"`` is searched for in the including file's directory, then in each
include path (``-I``) in order. ``.macro name p1, p2`` … ``.endm`` records the body
lines verbatim; an invocation ``name a, b`` substitutes the argument *text* for
``\\p1``, ``\\p2`` and a unique number for ``\\@`` (one per expansion, for local
labels), ``\\()`` for nothing, then processes the body lines as if written there.
Errors in an expanded line point at the body line in the macro definition, show the
expanded text and name the invocation in a note.

Conditional directives (``.if`` … ``.endif``, :mod:`.conditionals`) are handled here,
as lines are read: a line in a false branch is not parsed, expanded or included. Each
line that is assembled goes to ``on_line`` (pass 1) as soon as it is read, so that a
condition sees every symbol defined before it. ``lines`` also holds, for the listing
only, the conditional directive lines and the skipped lines (``skipped`` set).

Everything here reports mistakes into an :class:`ErrorSink` and carries on.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from ringvm.isa import ISA

from .conditionals import COND_DIRECTIVES, COND_LINE, Conditions
from .errors import AsmError, ErrorSink
from .parse import LineSyntaxError, parse_line

MAX_MACRO_DEPTH = 64

_MACRO_DEF = re.compile(r"^\s*\.macro\b(.*)$")
_ENDM = re.compile(r"^\s*\.endm\b\s*(?:(?:#|//).*)?$")
_ENDM_LOOSE = re.compile(r"^\s*\.endm\b")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.$]*$")
_CALL = re.compile(r"^(\s*(?:(?:[A-Za-z_][\w.$]*|\d+)\s*:\s*)*)([A-Za-z_][\w.$]*)"
                   r"(?=\s|$|#|//)(.*)$")
_PARAM_REF = re.compile(r"\\(\w+|@|\(\))")


class SrcLine:
    """One parsed source line, after include and macro expansion.

    ``file``/``line`` locate it (for a macro body line: the definition), ``text`` is
    the text that was parsed (expanded), ``labels``/``stmt`` as in ParsedLine and
    ``note`` names the macro invocation, if any. ``skipped``: a line of a false
    conditional branch (listed, never assembled). ``origin``: for a line of a macro
    expansion, ``(file, line)`` of the outermost invocation (the line a person wrote:
    the debugger shows it, ``next`` steps over it as one line); else None.
    """
    __slots__ = ("file", "line", "text", "labels", "stmt", "note", "skipped", "origin")

    def __init__(self, file, line, text, labels, stmt, note=None, skipped=False,
                 origin=None):
        self.file, self.line, self.text = file, line, text
        self.labels, self.stmt, self.note = labels, stmt, note
        self.skipped = skipped
        self.origin = origin

    def error(self, col: int, msg: str) -> AsmError:
        """An AsmError at column ``col`` of this line."""
        return AsmError(self.file, self.line, col, msg, self.text, self.note)


class Macro:
    """A macro definition: parameter names and verbatim (line number, text) body."""
    __slots__ = ("name", "params", "body", "file", "line")

    def __init__(self, name, params, file, line):
        self.name, self.params, self.file, self.line = name, params, file, line
        self.body: list[tuple[int, str]] = []   # (line number, text)


def split_args(text: str) -> list[str]:
    """Split macro-call argument text at top-level commas (quotes and parens respected);
    a trailing comment is dropped. Returns stripped argument strings."""
    args, cur, depth, quote, i = [], [], 0, "", 0
    while i < len(text):
        c = text[i]
        if quote:
            cur.append(c)
            if c == "\\" and i + 1 < len(text):
                cur.append(text[i + 1])
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
            cur.append(c)
        elif c == "#" or text.startswith("//", i):
            break
        elif c == "(":
            depth += 1
            cur.append(c)
        elif c == ")":
            depth -= 1
            cur.append(c)
        elif c == "," and depth == 0:
            args.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    last = "".join(cur).strip()
    if last or args:
        args.append(last)
    return args


def read_source_text(path: Path) -> str:
    """The text of a source file (invalid UTF-8 replaced, never an exception)."""
    return path.read_bytes().decode("utf-8", errors="replace")


class Reader:
    """Expands one top-level source into ``lines`` (a list of SrcLine), handing each
    line to be assembled to ``on_line`` as it goes. ``evaluator`` evaluates conditions
    (see :class:`.conditionals.PassOneEvaluator`; default: constants only)."""

    def __init__(self, sink: ErrorSink, include_paths=(), on_line=None, evaluator=None):
        self.sink = sink
        self.include_paths = [Path(p) for p in include_paths]
        self.on_line = on_line
        self.cond = Conditions(sink, evaluator)
        self.lines: list[SrcLine] = []
        self.macros: dict[str, Macro] = {}
        self.expansions = 0
        self.origin: tuple[str, int] | None = None   # the outermost macro invocation
        self.stack: list[Path] = []          # include stack, for cycle detection
        self.files: list[str] = []           # every file read, in order

    # ------------------------------------------------------------------ files
    def read_file(self, path: Path, display: str) -> None:
        """Process an included file (pushed on the include stack meanwhile)."""
        text = read_source_text(path)
        self.stack.append(path.resolve())
        try:
            self.read_text(text, display, path.parent)
        finally:
            self.stack.pop()

    def read_text(self, text: str, display: str, directory: Path) -> None:
        """Process the lines of one file (``display`` is the name used in messages)."""
        self.files.append(display)
        cond = self.cond
        cond.enter("file", display)
        rows = text.split("\n")
        i = 0
        while i < len(rows):
            raw = rows[i].rstrip("\r")
            if not cond.skipping:
                m = _MACRO_DEF.match(raw)
                if m:
                    i = self._define(rows, i, m.group(1), display)
                    continue
            self._line(raw, display, i + 1, directory, None, 0)
            i += 1
        cond.leave()

    def _define(self, rows, i, spec, display) -> int:
        """Record a macro starting at rows[i]; return the index after its .endm."""
        raw = rows[i].rstrip("\r")
        col = raw.index(".macro") + 1
        spec = re.split(r"#|//", spec, maxsplit=1)[0]
        parts = [p for p in re.split(r"[\s,]+", spec.strip()) if p]
        bad = None
        if not parts:
            bad = (col, ".macro needs a name")
        else:
            for p in parts:
                if not _NAME.match(p):
                    bad = (col, f"bad macro name or parameter {p!r}")
                    break
        name, params = (parts[0], parts[1:]) if parts else ("", [])
        if bad is None:
            if name in ISA.instructions or name in ISA.pseudos:
                bad = (col, f"macro name {name!r} is an instruction")
            elif len(set(params)) != len(params):
                bad = (col, f"macro {name!r} repeats a parameter name")
        macro = Macro(name, params, display, i + 1)
        depth, j = 1, i + 1
        while j < len(rows):
            body = rows[j].rstrip("\r")
            if _MACRO_DEF.match(body):
                depth += 1
            elif _ENDM_LOOSE.match(body):
                depth -= 1
                if depth == 0:
                    break
            macro.body.append((j + 1, body))
            j += 1
        if j >= len(rows):
            self.sink.add(AsmError(display, i + 1, col,
                                   f"unterminated macro {name!r}: no .endm before the end "
                                   "of the file", raw))
            return j
        self._check_conditionals(macro)
        if bad is not None:
            self.sink.add(AsmError(display, i + 1, bad[0], bad[1], raw))
        elif name in self.macros:
            old = self.macros[name]
            self.sink.add(AsmError(display, i + 1, col, f"macro {name!r} is already defined "
                                   f"at {old.file}:{old.line}", raw))
        else:
            self.macros[name] = macro
        return j + 1

    def _check_conditionals(self, macro: Macro) -> None:
        """Conditionals must balance within a macro body: check its structure once, at
        the definition (each expansion checks again; the sink drops the duplicates)."""
        cond = Conditions(self.sink, scan_only=True)
        cond.enter("macro", macro.name)
        for lineno, text in macro.body:
            m = COND_LINE.match(text)
            if m:
                cond.handle(m.group(1), m.start(1) + 1,
                            SrcLine(macro.file, lineno, text, (), None), None)
        cond.leave()

    # ------------------------------------------------------------------ lines
    def _line(self, raw, file, lineno, directory, note, depth) -> None:
        if self.cond.skipping:
            self._skipped(raw, file, lineno, note)
            return
        if _ENDM_LOOSE.match(raw):
            self.sink.add(AsmError(file, lineno, raw.index(".endm") + 1,
                                   ".endm without .macro", raw, note))
            return
        if self.macros:
            m = _CALL.match(raw)
            if m and m.group(2) in self.macros:
                self._expand(raw, m, file, lineno, directory, note, depth)
                return
        try:
            parsed = parse_line(raw)
        except LineSyntaxError as e:
            self.sink.add(AsmError(file, lineno, e.col, e.msg, raw, note))
            m = COND_LINE.match(raw)     # keep the nesting of a broken .if line
            if m:
                self._conditional(m.group(1), m.start(1) + 1,
                                  SrcLine(file, lineno, raw, (), None, note), False)
            return
        stmt = parsed.stmt
        if stmt is not None and stmt[0] == "dir":
            name = stmt[2]
            if name in COND_DIRECTIVES:
                self._conditional(name, stmt[1],
                                  SrcLine(file, lineno, raw, parsed.labels, stmt, note), True)
                return
            if name == ".include":
                self._emit(file, lineno, raw, parsed.labels, None, note)
                self._include(stmt, raw, file, lineno, directory, note)
                return
            if name == ".endm":
                self.sink.add(AsmError(file, lineno, stmt[1], ".endm without .macro", raw,
                                       note))
                return
        self._emit(file, lineno, raw, parsed.labels, stmt, note)

    def _emit(self, file, lineno, text, labels, stmt, note):
        if labels or stmt is not None:
            line = SrcLine(file, lineno, text, labels, stmt, note, origin=self.origin)
            self.lines.append(line)
            if self.on_line is not None:
                self.on_line(line)

    def _skipped(self, raw, file, lineno, note) -> None:
        """A line in a false branch: only a conditional directive counts."""
        m = COND_LINE.match(raw)
        if m is None:
            text = raw.strip()
            if text and text[0] != "#" and not text.startswith("//"):
                self.lines.append(SrcLine(file, lineno, raw, (), None, note, True))
            return
        name = m.group(1)
        line = SrcLine(file, lineno, raw, (), None, note)
        parsed = None
        if self.cond.wants_parse(name):       # e.g. the .elseif of an assembled .if
            try:
                p = parse_line(raw)
            except LineSyntaxError as e:
                self.sink.add(AsmError(file, lineno, e.col, e.msg, raw, note))
                parsed = False
            else:
                line.labels, line.stmt = p.labels, p.stmt
                parsed = p.stmt is not None and p.stmt[0] == "dir" and p.stmt[2] == name
        self._conditional(name, m.start(1) + 1, line, parsed)

    def _conditional(self, name, col, line: SrcLine, parsed) -> None:
        """A conditional directive line: update the state; list it (never assembled)."""
        line.skipped = not self.cond.handle(name, col, line, parsed)
        self.lines.append(line)

    def _include(self, stmt, raw, file, lineno, directory, note):
        args = stmt[3]
        if len(args) != 1 or args[0][0] != "str":
            self.sink.add(AsmError(file, lineno, stmt[1], '.include needs one "file name"',
                                   raw, note))
            return
        name = args[0][2].decode("utf-8", errors="replace")
        path = self.find(name, directory)
        if path is None:
            err = AsmError(file, lineno, args[0][1],
                           f"cannot find include file {name!r}" + self._searched()
                           + suggest_include_dir(name, directory), raw, note)
            err.missing_include = True
            self.sink.add(err)
            return
        if path.resolve() in self.stack:
            chain = " -> ".join(p.name for p in self.stack + [path.resolve()])
            self.sink.add(AsmError(file, lineno, args[0][1], f"include cycle: {chain}",
                                   raw, note))
            return
        try:
            self.read_file(path, self.display_name(path, name, directory, file))
        except OSError as e:
            self.sink.add(AsmError(file, lineno, args[0][1],
                                   f"cannot read {name!r}: {e.strerror or e}", raw, note))

    def _searched(self) -> str:
        if not self.include_paths:
            return " (searched the including file's directory)"
        return " (searched the including file's directory and " + ", ".join(
            str(p) for p in self.include_paths) + ")"

    def find(self, name: str, directory: Path) -> Path | None:
        """Resolve an include/incbin name: the including file's directory, then -I."""
        p = Path(name)
        if p.is_absolute():
            return p if p.is_file() else None
        for d in [directory] + self.include_paths:
            cand = d / p
            if cand.is_file():
                return cand
        return None

    @staticmethod
    def display_name(path: Path, name: str, directory: Path, including: str) -> str:
        """How messages name an included file: relative to the including file's name
        when found next to it, else the path as found (absolute or via -I)."""
        if not Path(name).is_absolute() and (directory / name) == path:
            return os.path.normpath(os.path.join(os.path.dirname(including), name))
        return str(path)

    def _expand(self, raw, m, file, lineno, directory, note, depth):
        macro = self.macros[m.group(2)]
        col = m.start(2) + 1
        if m.group(1).strip():
            try:
                labels = parse_line(m.group(1)).labels
            except LineSyntaxError as e:
                self.sink.add(AsmError(file, lineno, e.col, e.msg, raw, note))
                return
            self._emit(file, lineno, raw, labels, None, note)
        if depth >= MAX_MACRO_DEPTH:
            self.sink.add(AsmError(file, lineno, col, f"macro {macro.name!r} nested more than "
                                   f"{MAX_MACRO_DEPTH} deep (recursive macro?)", raw, note))
            return
        args = split_args(m.group(3))
        if len(args) != len(macro.params):
            self.sink.add(AsmError(file, lineno, col, f"macro {macro.name!r} takes "
                                   f"{len(macro.params)} argument(s), got {len(args)}",
                                   raw, note))
            return
        self.expansions += 1
        values = dict(zip(macro.params, args))
        values["@"] = str(self.expansions)
        values["()"] = ""

        def sub(mo):
            key = mo.group(1)
            return values.get(key, mo.group(0))

        inner_note = f"in expansion of macro {macro.name!r} at {file}:{lineno}"
        cond = self.cond
        cond.enter("macro", macro.name)
        outer = self.origin
        if outer is None:
            self.origin = (file, lineno)
        try:
            for body_line, text in macro.body:
                expanded = _PARAM_REF.sub(sub, text) if "\\" in text else text
                if not cond.skipping and _MACRO_DEF.match(expanded):
                    self.sink.add(AsmError(macro.file, body_line, 1, "a macro cannot "
                                           "define another macro", expanded, inner_note))
                    continue
                self._line(expanded, macro.file, body_line, directory, inner_note,
                           depth + 1)
        finally:
            self.origin = outer
        cond.leave()


def suggest_include_dir(name: str, directory: Path) -> str:
    """``"; add -I DIR"`` naming a folder near ``directory`` that holds ``name``: the
    folders above it (up to four levels), their ``lib/`` and their direct subfolders
    (``guests/monolithic/main.s`` including ``ringvm.inc`` finds ``guests/lib``).
    "" when none does. Never raises."""
    try:
        seen = set()
        for up in [directory, *list(directory.resolve().parents)[:4]]:
            for d in [up, up / "lib", *sorted(x for x in up.iterdir() if x.is_dir())]:
                if d in seen:
                    continue
                seen.add(d)
                if (d / name).is_file():
                    return f"; add -I {d}"
    except OSError:
        pass
    return ""


def read_program(text: str, display: str, directory: Path, sink: ErrorSink,
                 include_paths=(), path: Path | None = None, on_line=None,
                 evaluator=None) -> Reader:
    """Expand a whole source (``text`` named ``display``); returns the Reader, whose
    ``lines`` is the list of SrcLine in order. Each line to assemble is passed to
    ``on_line`` as soon as it is read. Errors go to ``sink``."""
    r = Reader(sink, include_paths, on_line, evaluator)
    if path is not None:
        r.stack.append(path.resolve())
    r.read_text(text, display, directory)
    return r
