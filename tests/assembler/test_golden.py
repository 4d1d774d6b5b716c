"""Golden files: the sample program's disassembly and listing, and error reports.

Regenerate with ``RINGVM_UPDATE_GOLDEN=1 pytest tests/assembler`` and review the diff.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ringvm.assembler import AsmErrors, assemble
from ringvm.assembler.disasm import disassemble_image
from ringvm.assembler.elf import read_elf
from ringvm.isa import ISA

from .conftest import GOLDEN, check_golden

ERRORS = sorted((GOLDEN / "errors").glob("*.s"))


def assemble_in(directory: Path, name: str, monkeypatch):
    """Assemble ``name`` with ``directory`` as the working directory (stable names)."""
    monkeypatch.chdir(directory)
    p = Path(name)
    return assemble(p.read_text(), name, (), None, path=p)


def test_sample_program_disassembly_matches_the_golden_file(monkeypatch):
    result = assemble_in(GOLDEN, "sample.s", monkeypatch)
    check_golden(GOLDEN / "sample.disasm", disassemble_image(read_elf(result.elf)))


def test_sample_program_listing_matches_the_golden_file(monkeypatch):
    result = assemble_in(GOLDEN, "sample.s", monkeypatch)
    check_golden(GOLDEN / "sample.lst", result.listing)


def test_sample_program_uses_every_pseudo_instruction_and_directive():
    text = (GOLDEN / "sample.s").read_text() + (GOLDEN / "inc" / "defs.inc").read_text()
    words = {w.strip(",:") for line in text.splitlines() for w in line.split("#")[0].split()}
    assert set(ISA.pseudos) <= words, set(ISA.pseudos) - words
    directives = {".equ", ".set", ".include", ".macro", ".endm", ".text", ".data",
                  ".rodata", ".bss", ".section", ".org", ".align", ".balign", ".word",
                  ".half", ".byte", ".ascii", ".asciz", ".space", ".incbin", ".global",
                  ".globl", ".hypervisor", ".entry"}
    assert directives <= words, directives - words


def test_sample_program_symbols_flags_and_line_table(monkeypatch):
    img = read_elf(assemble_in(GOLDEN, "sample.s", monkeypatch).elf)
    assert img.boot_hypervisor
    assert img.entry == img.symbols["_start"] == 0x80002000
    assert img.line_of(0x80002000) == ("sample.s", 17)
    assert img.line_of(0x80002010) == ("inc/defs.inc", 8)     # a macro body line
    assert img.symbolize(0x80002014) == ("main", 4)


@pytest.mark.parametrize("src", ERRORS, ids=[p.stem for p in ERRORS])
def test_bad_source_gives_the_golden_error_report(src, monkeypatch):
    with pytest.raises(AsmErrors) as ei:
        assemble_in(src.parent, src.name, monkeypatch)
    check_golden(src.with_suffix(".err"), str(ei.value) + "\n")
