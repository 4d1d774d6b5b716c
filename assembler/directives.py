"""Assembler directives (pass 1). See assembler/README.md for the list.

Each handler checks its arguments, reports mistakes on the directive's line and
emits Items into the current section. Values that decide sizes or addresses
(``.org``, ``.align``, ``.balign``, ``.space``) must be known on pass 1.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ringvm.isa import ISA

from .conditionals import COND_DIRECTIVES
from .limits import DATA_SIZES, MAX_SPACE, PAGE
from .source import SrcLine

#: every directive the assembler knows (the syntax highlighter's list; a test checks
#: that each one is handled)
DIRECTIVES = tuple(sorted({
    ".text", ".data", ".rodata", ".bss", ".section", ".equ", ".set", ".equiv", ".global",
    ".globl", ".entry", ".hypervisor", ".org", ".align", ".balign", ".p2align", ".space",
    ".skip", ".zero", ".ascii", ".asciz", ".string", ".incbin", ".macro", ".endm",
    ".include", *DATA_SIZES, *COND_DIRECTIVES}))

if TYPE_CHECKING:                      # passes imports this module to run directives
    from .passes import Assembler


def _strings(asm, line, args, name) -> list[bytes] | None:
    if not args:
        asm.err(line, line.stmt[1], f"{name} needs at least one string")
        return None
    out = []
    for a in args:
        if a[0] != "str":
            asm.err(line, a[1], f"{name} takes strings in double quotes")
            return None
        out.append(a[2])
    return out


def _exprs(asm, line, args, name, lo=0, hi=None) -> list | None:
    if not lo <= len(args) <= (hi if hi is not None else 1 << 30):
        want = f"{lo}" if hi == lo else f"{lo} to {hi}" if hi is not None else f"at least {lo}"
        asm.err(line, line.stmt[1], f"{name} takes {want} argument(s), got {len(args)}")
        return None
    for a in args:
        if a[0] in ("str", "secname"):
            asm.err(line, a[1], f"{name} takes expressions, not "
                                f"{'a string' if a[0] == 'str' else a[2]!r}")
            return None
    return list(args)


def _name_arg(asm, line, a, what) -> str | None:
    if a[0] == "sym":
        return a[2]
    asm.err(line, a[1], f"{what} needs a symbol name")
    return None


def _pad(asm: Assembler, line: SrcLine, n: int, fill: int = 0) -> None:
    if n:   # .bss keeps no bytes, only its size
        data = b"" if asm.cur.is_bss else bytes([fill]) * n
        asm.emit("bytes", n, line, line.stmt[1], (data,))


def _switch(asm: Assembler, line: SrcLine, name: str, col: int) -> None:
    if not name.startswith("."):
        name = "." + name
    if name not in asm.sections:
        asm.err(line, col, f"unknown section {name!r} (sections: "
                           f"{', '.join(asm.sections)})")
        return
    asm.cur = asm.sections[name]


def _align(asm: Assembler, line: SrcLine, args, name: str) -> None:
    args = _exprs(asm, line, args, name, 1, 2)
    if args is None:
        return
    n = asm.known(args[0], line, f"{name} argument")
    fill = asm.known(args[1], line, f"{name} fill") if len(args) > 1 else 0
    if n is None or fill is None:
        return
    if name == ".p2align":          # .p2align N: 2^N bytes (.align/.balign N: N bytes)
        if not 0 <= n <= 12:
            return asm.err(line, args[0][1], f".p2align takes 0 to 12 (2^n bytes), got {n}")
        n = 1 << n
    if n <= 0 or n & (n - 1) or n > PAGE:
        return asm.err(line, args[0][1], f"{name} takes a power of two from 1 to {PAGE} "
                                         f"(bytes), got {n}")
    if not 0 <= fill <= 255:
        return asm.err(line, args[1][1], f"fill byte {fill} out of range [0, 255]")
    here = asm.here()
    pos = here if here is not None else asm.cur.size
    _pad(asm, line, -pos % n, fill)


def _org(asm: Assembler, line: SrcLine, args) -> None:
    args = _exprs(asm, line, args, ".org", 1, 1)
    if args is None:
        return
    v = asm.known(args[0], line, ".org address")
    if v is None:
        return
    sec = asm.cur
    if not 0 <= v < 1 << 32:
        return asm.err(line, args[0][1], f".org address {v} out of range [0, 0xffffffff]")
    if sec.size == 0 and not sec.started:
        sec.base, sec.fixed_by = v, line
        return
    if sec.base is None:
        return asm.err(line, args[0][1], f".org in {sec.name} after output needs the "
                                         "section's address: put a .org before its first "
                                         "output")
    here = sec.base + sec.size
    if v < here:
        return asm.err(line, args[0][1], f".org 0x{v:08x} would move backwards (the "
                                         f"current address is 0x{here:08x})")
    if v - here > MAX_SPACE:
        return asm.err(line, args[0][1], f".org 0x{v:08x} is more than {MAX_SPACE} bytes "
                                         "ahead")
    _pad(asm, line, v - here)


def _space(asm: Assembler, line: SrcLine, args) -> None:
    args = _exprs(asm, line, args, ".space", 1, 2)
    if args is None:
        return
    n = asm.known(args[0], line, ".space size")
    fill = asm.known(args[1], line, ".space fill") if len(args) > 1 else 0
    if n is None or fill is None:
        return
    if not 0 <= n <= MAX_SPACE:
        return asm.err(line, args[0][1], f".space size {n} out of range [0, {MAX_SPACE}]")
    if not 0 <= fill <= 255:
        return asm.err(line, args[1][1], f"fill byte {fill} out of range [0, 255]")
    if fill and asm.cur.is_bss:
        return asm.err(line, args[1][1], ".bss holds zeros only: no fill byte")
    _pad(asm, line, n, fill)


def _incbin(asm: Assembler, line: SrcLine, args) -> None:
    if len(args) != 1 or args[0][0] != "str":
        return asm.err(line, line.stmt[1], '.incbin needs one "file name"')
    name = args[0][2].decode("utf-8", errors="replace")
    p = Path(line.file)
    dirs = [p.parent if p.is_file() else asm.directory] + asm.include_paths
    path = Path(name) if Path(name).is_absolute() else next(
        (d / name for d in dirs if (d / name).is_file()), None)
    if path is None or not path.is_file():
        return asm.err(line, args[0][1], f"cannot find .incbin file {name!r}")
    try:
        data = path.read_bytes()
    except OSError as e:
        return asm.err(line, args[0][1], f"cannot read {name!r}: {e.strerror or e}")
    if len(data) > MAX_SPACE:
        return asm.err(line, args[0][1], f".incbin file {name!r} is larger than "
                                         f"{MAX_SPACE} bytes")
    asm.emit("bytes", len(data), line, line.stmt[1], (data,))


def directive(asm: Assembler, line: SrcLine, stmt) -> None:
    """Handle one directive statement ``("dir", col, name, args)`` in pass 1."""
    _, col, name, args = stmt
    if name in (".text", ".data", ".rodata", ".bss"):
        if args:
            return asm.err(line, args[0][1], f"{name} takes no arguments")
        return _switch(asm, line, name, col)
    if name == ".section":
        if len(args) != 1 or args[0][0] not in ("secname", "sym"):
            return asm.err(line, col, ".section needs a section name, e.g. .section .data")
        return _switch(asm, line, args[0][2], args[0][1])
    if name in (".equ", ".set", ".equiv"):
        # as in GNU as: .equ and .set may redefine a symbol, .equiv may not
        if len(args) != 2:
            return asm.err(line, col, f"{name} needs NAME, expression")
        sym = _name_arg(asm, line, args[0], name)
        if sym is None or _exprs(asm, line, args[1:], name, 1, 1) is None:
            return
        return asm.set_symbol(line, args[0][1], sym, args[1], strict=(name == ".equiv"))
    if name in (".global", ".globl"):
        if not args:
            return asm.err(line, col, f"{name} needs a symbol name")
        for a in args:
            sym = _name_arg(asm, line, a, name)
            if sym is not None:
                asm.globals.setdefault(sym, (line, a[1]))
        return
    if name == ".entry":
        if len(args) != 1 or args[0][0] in ("str", "secname"):
            return asm.err(line, col, ".entry needs one symbol or address")
        if asm.entry is not None:
            return asm.err(line, col, f".entry given twice (first at "
                                      f"{asm.entry[0].file}:{asm.entry[0].line})")
        asm.entry = (line, args[0])
        return
    if name == ".hypervisor":
        if args:
            return asm.err(line, args[0][1], ".hypervisor takes no arguments")
        # the TOML gives the flag's value (a bit mask), e.g. 1
        asm.flags |= ISA.raw["elf_flag_boot_hypervisor"]
        return
    if name == ".org":
        return _org(asm, line, args)
    if name in (".align", ".balign", ".p2align"):
        return _align(asm, line, args, name)
    if name == ".space" or name == ".skip" or name == ".zero":
        return _space(asm, line, args)
    if name in DATA_SIZES:
        exprs = _exprs(asm, line, args, name, 1)
        if exprs is None:
            return
        if asm.cur.is_bss:
            return asm.err(line, col, f"{name} in .bss: .bss holds zeros only (use .space)")
        size = DATA_SIZES[name]
        return asm.emit("data", size * len(exprs), line, col, (size, exprs))
    if name in (".ascii", ".asciz", ".string"):
        strs = _strings(asm, line, args, name)
        if strs is None:
            return
        if asm.cur.is_bss:
            return asm.err(line, col, f"{name} in .bss: .bss holds zeros only (use .space)")
        data = b"".join(s + (b"\0" if name != ".ascii" else b"") for s in strs)
        return asm.emit("bytes", len(data), line, col, (data,))
    if name == ".incbin":
        if asm.cur.is_bss:
            return asm.err(line, col, ".incbin in .bss: .bss holds zeros only")
        return _incbin(asm, line, args)
    if name in (".macro", ".endm", ".include"):
        return asm.err(line, col, f"misplaced {name}")
    asm.err(line, col, f"unknown directive {name!r}")
