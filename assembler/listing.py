"""Listing files: address, bytes and source line for every statement.

Format (one row per instruction word, or per 4 data bytes; at most 4 rows of data
per statement, then "..."):

    ADDRESS   HEX       FILE:LINE   SOURCE
    80001000  0c0a0001  kern.s:12   li a0, 1

Lines in a false conditional branch are listed with ``skipped`` in place of the
bytes (blank and comment-only lines are not listed, as elsewhere); a conditional
directive of an assembled region is listed like any directive that emits nothing:

                        kern.s:13   .ifdef DEBUG
              skipped   kern.s:14   li a0, 2
                        kern.s:15   .endif
"""
from __future__ import annotations


def format_listing(lines, items) -> str:
    """Text of the listing for expanded source ``lines`` and pass-1 ``items``."""
    by_line: dict[int, list] = {}
    for it in items:
        if it.size:
            by_line.setdefault(id(it.line), []).append(it)
    out = []
    for line in lines:
        loc = f"{line.file}:{line.line}"
        src = line.text.strip()
        if line.skipped:
            out.append(f"{'':8}  {'skipped':8}  {loc:<16} {src}")
            continue
        its = by_line.get(id(line), [])
        rows = []
        for it in its:
            addr = it.section.base + it.offset
            shown = min(it.size, 16)      # at most 4 rows of 4 bytes, then "..."
            data = bytes(shown) if it.section.is_bss else \
                bytes(it.section.data[it.offset:it.offset + shown])
            if it.kind == "insn":
                data = bytes(it.section.data[it.offset:it.offset + 4])
            if it.kind == "insn" or (it.kind == "bytes" and it.size == 4 and
                                     it.line.stmt and it.line.stmt[0] == "instr"):
                rows.append((addr, f"{int.from_bytes(data, 'little'):08x}"))
                continue
            for k in range(0, len(data), 4):
                rows.append((addr + k, data[k:k + 4].hex()))
            if it.size > shown:
                rows.append((None, "..."))
        if not rows:
            out.append(f"{'':8}  {'':8}  {loc:<16} {src}")
            continue
        for i, (addr, hx) in enumerate(rows):
            a = f"{addr:08x}" if addr is not None else ""
            out.append(f"{a:8}  {hx:8}  {loc:<16} {src}" if i == 0 else f"{a:8}  {hx}")
    return "\n".join(out) + "\n"
