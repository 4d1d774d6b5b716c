"""Layout constants and input bounds shared by the assembler's passes and directives.

Every bound here exists so that no source, however malformed or hostile, can make the
assembler hang, exhaust memory or trace back: going past one is an ordinary
``file:line:col: error:`` (exit status 2) that names the bound and what exceeded it.
"""
from __future__ import annotations

from ringvm.isa import ISA

PAGE = 1 << ISA.page_bits
KSEG = ISA.memory["kseg_base"]
DEFAULT_BASE = KSEG + PAGE            # 0x80001000: the first kseg page after page 0
SECTION_ORDER = (".text", ".rodata", ".data", ".bss")
MAX_SPACE = 64 << 20                  # refuse absurd .space / .org padding (bytes)
#: bytes of output (every section but .bss) one assembly may produce: RAM is at most
#: 1 GiB and a kernel image of more than this is a runaway .space or macro
MAX_OUTPUT = 64 << 20
#: bytes .bss may reserve (the largest RAM the machine has: ISA.md §5)
MAX_BSS = 1 << 30
DATA_SIZES = {".byte": 1, ".half": 2, ".word": 4}
#: an integer literal may have at most this many bits (a value wider than any field
#: is certainly a typo; Python's int/str conversion of a 4,300-digit literal fails)
MAX_LITERAL_BITS = 64
#: an expression's value may have at most this many bits at any point of evaluation
#: (a chain of multiplications or shifts of 64-bit values stays far below)
MAX_VALUE_BITS = 256
#: macro invocations nested deeper than this are an error (a recursive macro)
MAX_MACRO_DEPTH = 64
#: lines produced by macro expansion in one assembly (the bundled guests need about
#: 3,000; a macro that invokes itself twice per level doubles at each level, so the
#: depth bound alone would allow 2^64)
MAX_MACRO_LINES = 100_000
#: .include nested deeper than this is an error (a cycle is reported as one sooner)
MAX_INCLUDE_DEPTH = 32
