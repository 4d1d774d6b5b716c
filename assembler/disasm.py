"""Disassembler: 32-bit words back to assembly text the assembler accepts.

Everything comes from ``ringvm.isa.ISA``: operand syntax, register ABI names, CSR
names. Round-trip property: for every legal word ``w`` at address ``pc``,
assembling ``disassemble_word(w, pc)`` at ``pc`` gives ``w`` back. Illegal words
print as ``.word 0x........`` (which also re-assembles to the same bytes).
"""
from __future__ import annotations

from ringvm.isa import ISA

from .elf import ElfImage, read_elf, symbolize


def _sorted_symbols(symbols):
    """A sorted [(address, name)] for ``symbols``. A list/tuple is used as given (it
    must already be sorted: pass ``ElfImage.by_address`` in loops); a dict is sorted
    on every call."""
    if symbols is None or isinstance(symbols, (list, tuple)):
        return symbols
    return sorted((a, n) for n, a in symbols.items())


def _imm_text(ins, value: int) -> str:
    kind = ins.imm.kind
    if kind == "csr":
        c = ISA.csr_by_number.get(value)
        return c.name if c else f"0x{value:03x}"
    if kind == "uimm" and ins.imm.bits > 8:
        return f"0x{value:x}"
    return str(value)


def _pseudo_patterns() -> dict[str, list]:
    """Real mnemonic -> [(pseudo, {operand position: literal}, {placeholder:
    position})] for every pseudo-instruction of the ISA table that expands to one
    instruction with at least one fixed operand (``mv`` = ``addi {rd}, {rs1}, 0``,
    ``beqz``, ``ret``, ``csrr``...; a pure reordering like ``bgt`` is never shown), most
    fixed operands first (``nop`` before ``mv``)."""
    out: dict[str, list] = {}
    for p in ISA.pseudos.values():
        if not p.expand or len(p.expand) != 1:
            continue
        mn, _, rest = p.expand[0].partition(" ")
        ops = [x.strip() for x in rest.split(",")] if rest.strip() else []
        ins = ISA.instructions.get(mn)
        if ins is None or len(ops) != len(ins.operands) or any("(" in t for t in ins.operands):
            continue
        fixed, holes = {}, {}
        for i, op in enumerate(ops):
            if op.startswith("{") and op.endswith("}"):
                holes[op[1:-1]] = i
            else:
                fixed[i] = op
        if fixed:
            out.setdefault(mn, []).append((p.mnemonic, fixed, holes))
    for v in out.values():
        v.sort(key=lambda e: -len(e[1]))
    return out


_PSEUDO = None


def _operand_texts(ins, fields, pc, symbols) -> tuple[list[str], str]:
    names = ISA.register_names
    parts = []
    comment = ""
    for tok in ins.operands:
        if "(" in tok:
            before, inside = tok.rstrip(")").split("(")
            reg = names[fields[inside]]
            parts.append(f"{_imm_text(ins, fields[before])}({reg})" if before else f"({reg})")
        elif tok in ("rd", "rs1", "rs2"):
            parts.append(names[fields[tok]])
        elif ins.imm is not None and ins.imm.kind == "pcrel":
            delta = fields["imm"] * 4
            if pc is None:
                parts.append(f".{delta:+d}")
            else:
                target = (pc + delta) & 0xFFFFFFFF
                parts.append(f"0x{target:08x}")
                table = _sorted_symbols(symbols)
                hit_sym = symbolize(table, target) if table else None
                if hit_sym is not None:
                    name, off = hit_sym
                    comment = f"  # <{name}{f'+0x{off:x}' if off else ''}>"
        else:
            parts.append(_imm_text(ins, fields[tok]))
    return parts, comment


def _as_pseudo(ins, parts: list[str]) -> str | None:
    """The pseudo-instruction text of a decoded instruction, or None."""
    global _PSEUDO
    if _PSEUDO is None:
        _PSEUDO = _pseudo_patterns()
    if ins.mnemonic in ("addi", "ori") and len(parts) == 3 and parts[1] == "zero" \
            and parts[0] != "zero":
        return f"li {parts[0]}, {parts[2]}"          # li (a builtin of the assembler)
    for name, fixed, holes in _PSEUDO.get(ins.mnemonic, ()):
        if all(parts[i] == lit for i, lit in fixed.items()):
            ops = [parts[holes[h]] for h in ISA.pseudos[name].operands]
            return name + (" " + ", ".join(ops) if ops else "")
    return None


def disassemble_word(word: int, pc: int | None = None, symbols=None,
                     pseudo: bool = False) -> str:
    """One instruction as text.

    ``word``: 32-bit int. ``pc``: the word's address in bytes; branch and jump
    targets print as absolute hex when it is given, else as ``.+N``/``.-N`` (bytes).
    ``symbols``: dict name -> address or a sorted [(address, name)] list (faster; e.g.
    ``ElfImage.by_address``, which leaves out absolute constants); when given, targets
    get a ``# <sym+0xoff>`` comment. ``pseudo``: show the pseudo-instruction an
    instruction is an expansion of (``nop``, ``mv``, ``li``, ``csrr``, ``beqz``,
    ``ret``...; from the ISA table's ``[[pseudo]]``), as a debugger does; the text
    still assembles back to ``word``. Never raises for any 32-bit word.
    """
    word &= 0xFFFFFFFF
    hit = ISA.decode(word)
    if hit is None:
        return f".word 0x{word:08x}"
    ins, fields = hit
    parts, comment = _operand_texts(ins, fields, pc, symbols)
    if pseudo:
        text = _as_pseudo(ins, parts)
        if text is not None:
            return text + comment
    text = ins.mnemonic + (" " + ", ".join(parts) if parts else "")
    return text + comment


def disassemble_image(image: ElfImage) -> str:
    """Text listing of every executable segment: labels, address, word, instruction."""
    out = []
    by_addr: dict[int, list[str]] = {}
    for a, n in image.by_address:
        by_addr.setdefault(a, []).append(n)
    for seg in image.segments:
        if not seg.executable:
            continue
        out.append(f"Disassembly of segment at 0x{seg.vaddr:08x} ({len(seg.data)} bytes):")
        for off in range(0, len(seg.data) - len(seg.data) % 4, 4):
            addr = seg.vaddr + off
            for n in by_addr.get(addr, ()):
                out.append("")
                out.append(f"{addr:08x} <{n}>:")
            word = int.from_bytes(seg.data[off:off + 4], "little")
            out.append(f"  {addr:08x}:  {word:08x}  "
                       f"{disassemble_word(word, addr, image.by_address)}")
        out.append("")
    return "\n".join(out)


def disassemble_file(path) -> str:
    """:func:`disassemble_image` of the ELF file at ``path`` (UserError if not ringvm)."""
    return disassemble_image(read_elf(path))
