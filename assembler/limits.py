"""Layout constants and input bounds shared by the assembler's passes and directives."""
from __future__ import annotations

from ringvm.isa import ISA

PAGE = 1 << ISA.page_bits
KSEG = ISA.memory["kseg_base"]
DEFAULT_BASE = KSEG + PAGE            # 0x80001000: the first kseg page after page 0
SECTION_ORDER = (".text", ".rodata", ".data", ".bss")
MAX_SPACE = 64 << 20                  # refuse absurd .space / .org padding (bytes)
DATA_SIZES = {".byte": 1, ".half": 2, ".word": 4}
