"""Shared helpers for assembler tests."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from ringvm.assembler import AsmErrors, assemble_source
from ringvm.assembler.elf import read_elf

GOLDEN = Path(__file__).with_name("golden")
UPDATE = os.environ.get("RINGVM_UPDATE_GOLDEN") == "1"


def asm(text: str, **kw):
    """Assemble text and read the ELF back: an ElfImage."""
    return read_elf(assemble_source(text, "t.s", **kw))


def asm_errors(text: str) -> str:
    """The error report of text (which must fail)."""
    with pytest.raises(AsmErrors) as ei:
        assemble_source(text, "t.s")
    return str(ei.value)


def words(image) -> list[int]:
    """The 32-bit words of the first executable segment."""
    seg = next(s for s in image.segments if s.executable)
    return [int.from_bytes(seg.data[i:i + 4], "little") for i in range(0, len(seg.data), 4)]


def check_golden(path: Path, actual: str) -> None:
    """Compare with a golden file; RINGVM_UPDATE_GOLDEN=1 rewrites it instead."""
    if UPDATE or not path.exists():
        path.write_text(actual)
        if not UPDATE:
            pytest.fail(f"golden file {path.name} was missing and has been created")
        return
    assert actual == path.read_text(), f"{path.name} differs (RINGVM_UPDATE_GOLDEN=1 to update)"
