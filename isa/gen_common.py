"""What the three ISA generators (:mod:`.gen_docs`, :mod:`.gen_c_header`,
:mod:`.gen_asm_inc`) share: the one command that runs them, named in every generated
file's header, and how a generated file is written or checked.

Each generator has ``outputs() -> {path: fresh text}`` and a ``main(argv)`` that
calls :func:`sync`; ``python -m ringvm.isa`` syncs all three at once.
"""
from __future__ import annotations

import sys
from pathlib import Path

#: the command that regenerates every file derived from isa/ringvm.toml
COMMAND = "python -m ringvm.isa"
SOURCE = "isa/ringvm.toml"


def sync(outputs: dict[Path, str], check: bool, command: str = COMMAND) -> int:
    """Write each file of ``outputs`` (path -> fresh content) whose content differs,
    printing ``wrote PATH`` (an unchanged file is not touched; ``up to date: N files``
    when none changed). With ``check``, write nothing and name each stale file on
    stderr with the ``command`` that regenerates it. Returns 1 if ``check`` found a
    stale file, else 0. Every generator of the project (ISA, ABI, component index)
    writes through here."""
    stale = [p for p, text in outputs.items() if not p.is_file() or p.read_text() != text]
    for p in stale:
        if check:
            print(f"{p} is stale: run `{command}`", file=sys.stderr)
        else:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(outputs[p])
            print(f"wrote {p}")
    if not stale and not check:
        print(f"up to date: {len(outputs)} file{'s' if len(outputs) != 1 else ''}")
    return 1 if check and stale else 0


def main(outputs, argv: list[str] | None = None) -> int:
    """The ``main`` of a generator whose files are ``outputs()``: ``[--check]``."""
    argv = sys.argv[1:] if argv is None else argv
    return sync(outputs(), "--check" in argv)
