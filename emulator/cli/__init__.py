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
    "ringvm.emulator.cli.generate",
)


def build_parser() -> argparse.ArgumentParser:
    """The full ``ringvm`` parser with every available subcommand."""
    import importlib

    parser = argparse.ArgumentParser(
        prog="ringvm",
        description="ringvm: assemble, boot and inspect kernels on a toy ring machine")
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
        print(f"ringvm: error: {e}", file=sys.stderr)
        return e.exit_status
    except KeyboardInterrupt:
        print("ringvm: interrupted", file=sys.stderr)
        return EXIT_QUIT
    except BrokenPipeError:
        return 0
