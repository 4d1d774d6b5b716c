"""The ``ringvm`` command: one argparse parser, subcommands registered by each package.

Each subcommand module exposes ``register(subparsers)``, which adds its parser and sets
``func`` (a callable taking the parsed args and returning the exit status). User
mistakes raise :class:`ringvm.errors.UserError`; this is the single place that turns
them into one line on stderr.
"""
from __future__ import annotations

import argparse
import sys

from ringvm.errors import EXIT_QUIT, UserError

#: modules that contribute subcommands, in help order
SUBCOMMAND_MODULES = (
    "ringvm.assembler.cli",
    "ringvm.emulator.cli.boot",
    "ringvm.emulator.cli.debug",
    "ringvm.emulator.cli.fs",
    "ringvm.emulator.cli.grade",
    "ringvm.emulator.cli.compare",
    "ringvm.emulator.cli.generate",
)


def build_parser() -> argparse.ArgumentParser:
    """The full ``ringvm`` parser with every available subcommand."""
    import importlib

    parser = argparse.ArgumentParser(
        prog="ringvm",
        description="ringvm: assemble, boot and inspect kernels on a toy ring machine")
    parser.add_argument("--version", action="version", version=f"ringvm {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
            continue
        module.register(sub)
    return parser


def version() -> str:
    """The installed package's version (``ringvm --version``)."""
    try:
        from importlib.metadata import version as _v
        return _v("ringvm")
    except Exception:   # noqa: BLE001 — run from a source tree that is not installed
        return "unknown (not installed)"


def color_wanted(stream) -> bool:
    """Colours on ``stream``: a terminal, and ``NO_COLOR`` not set (no-color.org)."""
    import os
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def format_error(text: str, color: bool) -> str:
    """``ringvm: error: TEXT``, with ``error:`` (and every compiler-style ``error:`` and
    ``note:`` in TEXT) coloured when ``color``."""
    line = f"ringvm: error: {text}"
    if not color:
        return line
    red, cyan, bold, off = "\033[1;31m", "\033[1;36m", "\033[1m", "\033[0m"
    import re
    line = re.sub(r"(?m)^(ringvm: )error:", rf"{bold}\1{off}{red}error:{off}", line, count=1)
    line = re.sub(r"(?m)^(\S+:\d+:\d+: )error:", rf"{bold}\1{off}{red}error:{off}", line)
    return re.sub(r"(?m)^(\s+)note:", rf"\1{cyan}note:{off}", line)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as e:
        print(format_error(str(e), color_wanted(sys.stderr)), file=sys.stderr)
        return e.exit_status
    except KeyboardInterrupt:
        print("ringvm: interrupted", file=sys.stderr)
        return EXIT_QUIT
    except BrokenPipeError:
        return 0
