"""``ringvm asm`` and ``ringvm disasm`` subcommands (registered by ringvm.emulator.cli)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ringvm.errors import EXIT_USER_ERROR, UserError

from .defines import DefineError, parse_define
from .errors import AsmErrors


def _address(text: str) -> int:
    try:
        v = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an address: {text!r}") from None
    if not 0 <= v < 1 << 32 or v % 4:
        raise argparse.ArgumentTypeError(f"address {text} must be 4-aligned and 32-bit")
    return v


def _define(text: str) -> tuple[str, int]:
    try:
        return parse_define(text)
    except DefineError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def register(subparsers) -> None:
    """Add the ``asm`` and ``disasm`` subcommands."""
    p = subparsers.add_parser("asm", help="assemble a source file into a ringvm ELF",
                              description="Assemble SRC into an ELF32 executable.")
    p.add_argument("source", metavar="SRC.s")
    p.add_argument("-o", "--output", metavar="OUT.elf",
                   help="output file (default: SRC with the suffix .elf)")
    p.add_argument("-I", dest="include", action="append", default=[], metavar="DIR",
                   help="add DIR to the .include/.incbin search path")
    p.add_argument("-D", dest="defines", action="append", default=[], type=_define,
                   metavar="NAME[=VALUE]",
                   help="define the constant NAME (VALUE: an integer literal, default 1) "
                        "before the first line; the source cannot redefine it")
    p.add_argument("--listing", metavar="FILE", help="write a listing file")
    p.add_argument("--base", type=_address, metavar="ADDR",
                   help="address of .text (default 0x80001000)")
    p.set_defaults(func=run_asm)

    d = subparsers.add_parser("disasm", help="disassemble a ringvm ELF",
                              description="Print the executable sections of FILE.elf.")
    d.add_argument("file", metavar="FILE.elf")
    d.set_defaults(func=run_disasm)


def run_asm(args) -> int:
    """Assemble; on errors print the full report to stderr and return 2."""
    from . import assemble

    src = Path(args.source)
    out = Path(args.output) if args.output else src.with_suffix(".elf")
    try:
        text = src.read_bytes().decode("utf-8", errors="replace")
    except OSError as e:
        raise UserError(f"{src}: cannot read: {e.strerror or e}") from None
    defines: dict[str, int] = {}
    for name, value in args.defines:
        if defines.setdefault(name, value) != value:
            raise UserError(f"-D {name} given twice with different values "
                            f"({defines[name]} and {value})")
    try:
        result = assemble(text, str(src), args.include, args.base, path=src,
                          defines=defines)
    except AsmErrors as e:
        print(e.report(), file=sys.stderr)
        return EXIT_USER_ERROR
    try:
        out.write_bytes(result.elf)
        if args.listing:
            Path(args.listing).write_text(result.listing)
    except OSError as e:
        raise UserError(f"cannot write output: {e.strerror or e}") from None
    return 0


def run_disasm(args) -> int:
    """Print the disassembly of every executable segment (UserError if not ringvm)."""
    from .disasm import disassemble_file

    sys.stdout.write(disassemble_file(args.file))
    return 0
