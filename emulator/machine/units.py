"""Parsing the quantities users type: memory sizes (bytes) and counts (steps, CPUs,
jobs) with K/M/G suffixes. Errors are :class:`UserError` naming what was wrong."""
from __future__ import annotations

import re

from ringvm.errors import UserError
from ringvm.isa import ISA

PAGE = ISA.memory["device_page"]
MAX_RAM = 1024 * 1024 * 1024                   # RAM ends where the device window starts
_COUNT_RE = re.compile(r"^\s*(0x[0-9a-f_]+|[0-9_]+)\s*([kmg]?)\s*$", re.IGNORECASE)


def parse_count(text: str, option: str, lo: int = 1, hi: int | None = None) -> int:
    """Parse an integer (decimal, 0x hex, ``_`` separators, K/M/G = 10^3/6/9).
    Raises :class:`UserError` naming ``option`` if malformed or outside [lo, hi]."""
    m = _COUNT_RE.match(text) if isinstance(text, str) else None
    if not m:
        raise UserError(f"{option} {text!r:.40}: expected a number")
    if len(m.group(1)) > 40:        # no count has 40 digits; int() of 4,300 raises
        raise UserError(f"{option} {text[:20]}...: out of range ({len(text)} characters)")
    n = int(m.group(1).replace("_", ""), 0) * {"": 1, "k": 10**3, "m": 10**6, "g": 10**9}[
        m.group(2).lower()]
    if n < lo or (hi is not None and n > hi):
        rng = f"at least {lo}" if hi is None else f"between {lo} and {hi}"
        raise UserError(f"{option} {text}: must be {rng}")
    return n


_SIZE_RE = re.compile(r"^\s*(\d+)\s*([kmg]?)(i?b)?\s*$", re.IGNORECASE)


def parse_size(text: str | int) -> int:
    """Parse a RAM size: ``"33554432"``, ``"64K"``, ``"64M"``, ``"1G"`` (also ``64MiB``,
    ``64mb``). Returns bytes. Raises :class:`UserError` unless the result is a multiple
    of 4 KiB between 4 KiB and 1 GiB."""
    if isinstance(text, int):
        n = text
        shown = str(text)
    else:
        m = _SIZE_RE.match(text) if isinstance(text, str) else None
        if not m or len(m.group(1)) > 40:
            raise UserError(f"bad memory size {text!r:.40} (examples: 32M, 64M, 1G, 65536)")
        n = int(m.group(1)) * {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[
            m.group(2).lower()]
        shown = text.strip()
    if n < PAGE or n > MAX_RAM:
        raise UserError(f"memory size {shown} is out of range: between 4K and 1G")
    if n % PAGE:
        raise UserError(f"memory size {shown} is not a multiple of 4 KiB")
    return n
