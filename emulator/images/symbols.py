"""Addresses as source positions: ``0x80005f70`` → ``<ilock+0x34> (fs.s:212)``.

Every client that shows an address to a person — the grader's reasons and transcripts,
``ringvm boot``'s ``--trace`` and its notes under a panic, the debugger — names it with
the symbols and the line table (``.ringvm.lines``) of the ELF it belongs to: the kernel
for kernel addresses (kseg and above), and, for user addresses, the program a line
names (``pid 6 (sh): killed: ... at 0x00004854``) when that program's ELF is known —
the programs of a guest's ``[disk]`` (assembled with their symbols, through the one
build cache, only when first asked for).

Typical use::

    sym = Symbolizer(kernel_elf_bytes, programs=ProgramSource(Path("guests/user")))
    sym.describe(0x80005f70)            # "<ilock+0x34> (fs.s:212)" or ""
    sym.annotate("panic: kernel trap, cause 13 epc 0x80005f70")
    # "panic: kernel trap, cause 13 epc 0x80005f70 <ilock+0x34> (fs.s:212)"
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from ringvm.isa import ISA

KSEG = ISA.memory["kseg_base"]
_HEX = re.compile(r"\b0x([0-9a-fA-F]{8})\b(?! <)")
_PROGRAM = re.compile(r"\bpid \d+ \(([\w.-]+)\)")


class ProgramSource:
    """The user programs of a ``programs`` folder (a guest's ``[disk] programs``), as
    ELF files with symbols and line table, assembled on first use; ``stubs``: the
    stub library's folder (None: the default)."""

    def __init__(self, directory: Path, stubs: Path | None = None):
        self.directory = Path(directory)
        self.stubs = stubs
        self._elves: dict[str, object] = {}

    def names(self) -> list[str]:
        """The program names (``NAME`` of each ``NAME.s``); [] for a missing folder."""
        try:
            return sorted(p.stem for p in self.directory.glob("*.s") if p.is_file())
        except OSError:
            return []

    def elf(self, name: str):
        """The :class:`~ringvm.assembler.elf.ElfImage` of program ``name``, or None (no
        such program, or it does not assemble)."""
        if name not in self._elves:
            self._elves[name] = None
            src = self.directory / f"{name}.s"
            if src.is_file():
                try:
                    from ringvm.assembler.elf import read_elf

                    from .rootdisk import assemble_program
                    self._elves[name] = read_elf(assemble_program(src, strip=False,
                                                                  stubs=self.stubs))
                except Exception:   # noqa: BLE001 — no symbols is not an error
                    self._elves[name] = None
        return self._elves[name]


def _in_code(elf, addr: int) -> bool:
    return any(s.vaddr <= addr < s.vaddr + s.memsz for s in elf.segments)


def describe_in(elf, addr: int) -> str:
    """``<sym+0xoff> (file.s:line)`` for ``addr`` in ``elf`` (an ElfImage): the symbol
    part when ``addr`` lies in one of its segments, the line part when an instruction
    starts there — the line a person wrote: for an instruction a macro made, the
    invocation, then the macro's line (``(trap.s:257, macro kframe.inc:12)``); "" when
    neither."""
    if elf is None or not _in_code(elf, addr):
        return ""
    out = []
    s = elf.symbolize(addr)
    if s is not None:
        out.append(f"<{s[0]}+0x{s[1]:x}>" if s[1] else f"<{s[0]}>")
    ln = elf.line_of(addr)
    site = elf.site_of(addr) if hasattr(elf, "site_of") else None
    if site is not None and ln is not None:
        out.append(f"({os.path.basename(site[0])}:{site[1]}, macro "
                   f"{os.path.basename(ln[0])}:{ln[1]})")
    elif ln is not None:
        out.append(f"({os.path.basename(ln[0])}:{ln[1]})")
    return " ".join(out)


class Symbolizer:
    """Names addresses with the kernel's ELF (bytes or ElfImage; None: none) and the
    user programs of ``programs`` (a :class:`ProgramSource`, or a dict name ->
    ElfImage/bytes). Never raises for an address it cannot name: it returns ""."""

    def __init__(self, kernel=None, programs=None):
        self.kernel = _as_elf(kernel)
        self.programs = programs

    def program_elf(self, name: str | None):
        if not name or self.programs is None:
            return None
        if isinstance(self.programs, ProgramSource):
            return self.programs.elf(name)
        cache = self.__dict__.setdefault("_parsed", {})
        if name not in cache:
            cache[name] = _as_elf(self.programs.get(name))
        return cache[name]

    def describe(self, addr: int, program: str | None = None) -> str:
        """``<sym+0xoff> (file:line)`` of ``addr``: a kernel address (kseg and above)
        in the kernel, a user address in ``program``'s ELF; "" if unknown."""
        addr &= 0xFFFFFFFF
        if addr >= KSEG or program is None:
            text = describe_in(self.kernel, addr)
            if text or addr >= KSEG:
                return text
        return describe_in(self.program_elf(program), addr)

    def annotate(self, line: str, program: str | None = None) -> str:
        """``line`` with every 32-bit hex address (``0x`` and 8 digits) followed by its
        description; the program of user addresses is ``program`` or the one the line
        names (``pid N (NAME)``)."""
        if "0x" not in line:
            return line
        m = _PROGRAM.search(line)
        prog = program or (m.group(1) if m else None)

        def sub(mo):
            d = self.describe(int(mo.group(1), 16), prog)
            return f"{mo.group(0)} {d}" if d else mo.group(0)
        return _HEX.sub(sub, line)


def _as_elf(x):
    if x is None or not isinstance(x, (bytes, bytearray)):
        return x
    try:
        from ringvm.assembler.elf import read_elf
        return read_elf(bytes(x))
    except Exception:   # noqa: BLE001 — not an ELF with symbols: nothing to name
        return None


def for_guest(image) -> Symbolizer:
    """The Symbolizer of a :class:`~.boot.BootImage`: its kernel, and the programs of its
    first disk built from sources (if any)."""
    programs = None
    g = getattr(image, "guest", None)
    for d in (g.disks if g else []):
        if d.build is not None and d.build.programs is not None:
            programs = ProgramSource(d.build.programs, d.build.stubs)
            break
    return Symbolizer(image.elf, programs)
