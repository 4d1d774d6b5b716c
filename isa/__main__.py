"""``python -m ringvm.isa [--check]``: regenerate every file derived from
``isa/ringvm.toml`` — the tables of ``isa/ISA.md`` (:mod:`.gen_docs`), the C engine's
``native/isa_gen.h`` (:mod:`.gen_c_header`) and the guests' ``guests/lib/ringvm.inc``
(:mod:`.gen_asm_inc`). A file is written only when its content changes (``wrote
PATH``). With ``--check`` nothing is written: the exit status is 1 if any of them is
stale, and each stale file is named on stderr (:func:`.gen_common.sync`). The Python
engine, the assembler, the disassembler and the debugger read the table at import time
and need no step."""
from __future__ import annotations

import sys

from . import gen_asm_inc, gen_c_header, gen_common, gen_docs

GENERATORS = (gen_docs, gen_c_header, gen_asm_inc)


def outputs() -> dict:
    """Every generated file: path -> fresh content."""
    out: dict = {}
    for g in GENERATORS:
        out.update(g.outputs())
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    return gen_common.sync(outputs(), "--check" in argv)


if __name__ == "__main__":
    sys.exit(main())
