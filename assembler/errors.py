"""Assembly errors: one typed error per user mistake, reported like a compiler.

An :class:`AsmError` names a source position (file, 1-based line, 1-based column)
and a message. :class:`AsmErrors` carries every error found in one assembly; its
``str()`` is the full report that ``ringvm asm`` prints to stderr::

    kernel.s:12:9: error: unknown register 'a9'
        add a0, a9, a1
                ^

It subclasses :class:`ringvm.errors.UserError`, so it exits with status 2.
"""
from __future__ import annotations

from ringvm.errors import EXIT_USER_ERROR, UserError

#: stop collecting after this many errors (the report says so)
MAX_ERRORS = 50


#: a source line longer than this is shown as a window around the error's column
SHOWN_LINE = 160


def _window(src: str, col: int) -> tuple[str, int]:
    """``(text, col)``: ``src`` itself, or for a very long line the part around
    ``col`` with ``...`` marking what was cut (the column adjusted to match)."""
    if len(src) <= SHOWN_LINE:
        return src, col
    start = max(0, min(col - 1 - SHOWN_LINE // 2, len(src) - SHOWN_LINE))
    text = src[start:start + SHOWN_LINE]
    if start > 0:
        text, col = "..." + text, col - start + 3
    if start + SHOWN_LINE < len(src):
        text += "..."
    return text, col


class AsmError(Exception):
    """One mistake at ``file:line:col``. ``source`` is the line's text (may be None).

    ``note`` is an optional extra line, e.g. "in expansion of macro 'm' at f.s:3".
    """

    def __init__(self, file: str, line: int, col: int, msg: str,
                 source: str | None = None, note: str | None = None):
        super().__init__(msg)
        self.file, self.line, self.col, self.msg = file, line, max(col, 1), msg
        self.source, self.note = source, note

    def format(self) -> str:
        """``file:line:col: error: msg``, then the source line and a caret line.
        An error with no position in a file (``line`` 0, e.g. a bad ``-D``) is
        ``where: error: msg``."""
        if self.line <= 0:
            return f"{self.file}: error: {self.msg}"
        out = [f"{self.file}:{self.line}:{self.col}: error: {self.msg}"]
        if self.source is not None:
            src, col = _window(self.source.rstrip("\r\n"), self.col)
            # keep tabs in the caret line so the caret lines up under tabs too
            pad = "".join(c if c == "\t" else " " for c in src[: col - 1])
            out.append("    " + src)
            out.append("    " + pad + "^")
        if self.note:
            out.append(f"    note: {self.note}")
        return "\n".join(out)

    def __str__(self) -> str:
        return self.format()


class AsmErrors(UserError):
    """All errors of one assembly (at least one). ``errors`` is the list in order."""

    def __init__(self, errors: list[AsmError], truncated: bool = False):
        self.errors = list(errors)
        self.truncated = truncated
        super().__init__(self.report(), EXIT_USER_ERROR)

    def report(self) -> str:
        """The formatted report: every error, then a count line."""
        parts = [e.format() for e in self.errors]
        n = len(self.errors)
        tail = f"{n} error{'s' if n != 1 else ''}"
        if self.truncated:
            tail += f" (stopped after {MAX_ERRORS})"
        parts.append(tail)
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.report()


class TooManyErrors(Exception):
    """Internal: raised by :class:`ErrorSink` once MAX_ERRORS have been collected."""


class ErrorSink:
    """Collects AsmErrors; raises TooManyErrors at the cap so passes stop early."""

    def __init__(self):
        self.errors: list[AsmError] = []
        self.truncated = False
        self._seen: set[tuple] = set()

    def add(self, err: AsmError) -> None:
        """Collect ``err`` (exact duplicates are dropped)."""
        key = (err.file, err.line, err.col, err.msg)
        if key in self._seen:      # e.g. both words of a la report one bad symbol
            return
        self._seen.add(key)
        self.errors.append(err)
        if len(self.errors) >= MAX_ERRORS:
            self.truncated = True
            raise TooManyErrors()

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        """Raise :class:`AsmErrors` if anything was collected, sorted by position
        (files in order of their first error, then line, then column)."""
        if self.errors:
            order: dict[str, int] = {}
            for e in self.errors:
                order.setdefault(e.file, len(order))
            errs = sorted(self.errors, key=lambda e: (order[e.file], e.line, e.col))
            raise AsmErrors(errs, self.truncated)
