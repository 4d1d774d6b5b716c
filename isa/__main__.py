"""``python -m ringvm.isa [--check]``: regenerate every file derived from
``isa/ringvm.toml`` — the tables of ``isa/ISA.md`` (:mod:`.gen_docs`), the C engine's
``native/isa_gen.h`` (:mod:`.gen_c_header`) and the guests' ``guests/lib/ringvm.inc``
(:mod:`.gen_asm_inc`). With ``--check`` nothing is written: the exit status is 1 if any
of them is stale (each stale file is named on stderr). The Python engine, the assembler,
the disassembler and the debugger read the table at import time and need no step."""
from __future__ import annotations

import sys

from . import gen_asm_inc, gen_c_header, gen_docs

GENERATORS = (gen_docs, gen_c_header, gen_asm_inc)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    check = ["--check"] if "--check" in argv else []
    return max(g.main(check) for g in GENERATORS)


if __name__ == "__main__":
    sys.exit(main())
