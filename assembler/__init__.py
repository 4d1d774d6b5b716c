"""The ringvm assembler and disassembler.

Public API::

    assemble_source(text, filename="<input>", include_paths=(), base=None,
                    defines=None) -> bytes
    assemble_file(path, include_paths=(), base=None, defines=None) -> bytes
    assemble(text, filename, include_paths, base, path=None, defines=None) -> Result
                                                          (ELF bytes + listing)

``defines`` (``Mapping[str, int] | None``) predefines constants, like ``-D NAME=VALUE``.

All raise :class:`AsmErrors` (a ``ringvm.errors.UserError``) listing every mistake.
See ``ringvm.assembler.elf.read_elf`` to read the output and
``ringvm.assembler.disasm`` to disassemble.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import AsmError, AsmErrors, ErrorSink, TooManyErrors

__all__ = ["assemble", "assemble_file", "assemble_source", "AsmError", "AsmErrors",
           "Result"]


@dataclass
class Result:
    """ELF bytes plus what the listing and tools need."""
    elf: bytes
    program: object          # assemble.Program
    listing: str


def assemble(text: str, filename: str = "<input>", include_paths=(), base: int | None = None,
             path: Path | None = None, defines: Mapping[str, int] | None = None) -> Result:
    """Assemble source ``text`` (named ``filename`` in messages).

    ``base``: address of .text (bytes; default 0x80001000). Relative ``.include`` and
    ``.incbin`` names are looked up next to ``path`` (or in the current directory), then
    in ``include_paths``. ``defines``: constants defined before the first line, which
    the source may not redefine (``-D``). Raises :class:`AsmErrors`.
    """
    from .conditionals import PassOneEvaluator
    from .defines import check_defines
    from .elf import OutSection, write_elf
    from .listing import format_listing
    from .passes import Assembler
    from .source import read_program

    sink = ErrorSink()
    directory = path.parent if path is not None else Path.cwd()
    defines, bad = check_defines(defines)
    if bad:
        raise AsmErrors(bad)
    try:
        asm = Assembler(sink, base, directory, include_paths, defines)
        if base is not None and not 0 <= base < 1 << 32:
            sink.add(AsmError(filename, 1, 1, f"base address {base:#x} out of range"))
        evaluator = PassOneEvaluator(asm)
        reader = read_program(text, filename, directory, sink, include_paths, path,
                              on_line=asm.pass1_line, evaluator=evaluator)
        evaluator.finish()
        asm.layout()
        lines = asm.pass2()
        prog = asm.finish()
    except TooManyErrors:
        pass
    missing = [e for e in sink.errors if getattr(e, "missing_include", False)]
    if missing:
        # everything after a missing include is a consequence of it (undefined
        # symbols, unknown macros): report only the includes that were not found, one
        # error per -I folder that would fix them
        raise AsmErrors(_group_missing_includes(missing))
    sink.raise_if_any()
    prog.lines = lines
    outs = [OutSection(s.name, s.base, bytes(s.data), s.size) for s in prog.sections]
    elf = write_elf(outs, prog.entry, prog.flags, prog.symbols, lines, asm.sites)
    return Result(elf, prog, format_listing(reader.lines, asm.items))


def _group_missing_includes(errors: list[AsmError]) -> list[AsmError]:
    """One error per suggested ``-I`` folder (the others named in its note); errors
    without a suggestion stay as they are."""
    out, by_hint = [], {}
    for e in errors:
        hint = e.msg.rpartition("; add -I ")[2] if "; add -I " in e.msg else None
        if hint is None:
            out.append(e)
        elif hint in by_hint:
            by_hint[hint].append(e)
        else:
            by_hint[hint] = [e]
            out.append(e)
    for group in by_hint.values():
        if len(group) > 1:
            names = ", ".join(x.msg.split("'")[1] for x in group[1:])
            group[0].note = (f"{len(group) - 1} more include(s) found there too: {names}"
                             + (f"; {group[0].note}" if group[0].note else ""))
    return out


def assemble_source(text: str, filename: str = "<input>", include_paths=(),
                    base: int | None = None,
                    defines: Mapping[str, int] | None = None) -> bytes:
    """Assemble ``text``; returns ELF bytes. Raises :class:`AsmErrors`."""
    return assemble(text, filename, include_paths, base, defines=defines).elf


def assemble_file(path, include_paths=(), base: int | None = None,
                  defines: Mapping[str, int] | None = None) -> bytes:
    """Assemble the file at ``path``; returns ELF bytes. Raises :class:`AsmErrors`
    (a missing file is reported as an AsmErrors with one error too)."""
    p = Path(path)
    try:
        from .source import read_source_text
        text = read_source_text(p)
    except OSError as e:
        raise AsmErrors([AsmError(str(p), 1, 1, f"cannot read: {e.strerror or e}")]) from None
    return assemble(text, str(p), include_paths, base, path=p, defines=defines).elf
