"""Property: assemble -> disassemble -> assemble gives identical bytes, for every
instruction in the ISA table with random valid operands, and for any 32-bit word."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ringvm.assembler import assemble_source
from ringvm.assembler.disasm import disassemble_word
from ringvm.assembler.elf import read_elf
from ringvm.isa import ISA

BASE = 0x80001000 + 0x100000     # leaves room for backward branches and jumps
MNEMONICS = sorted(ISA.instructions)


def assemble_words(text: str, base: int) -> list[int]:
    seg = read_elf(assemble_source(text, "rt.s", base=base)).segments[0]
    return [int.from_bytes(seg.data[i:i + 4], "little") for i in range(0, len(seg.data), 4)]


@st.composite
def encoded(draw):
    """(mnemonic, word) for a random instruction with random valid operands."""
    ins = ISA.instructions[draw(st.sampled_from(MNEMONICS))]
    fields = {}
    for f in ins.operand_fields:
        if f == "imm":
            lo, hi = ins.imm.range()
            if ins.imm.kind == "pcrel":      # keep the target inside the address space
                lo, hi = max(lo, -(BASE >> 2)), min(hi, ((1 << 32) - BASE) // 4 - 1)
            fields[f] = draw(st.integers(lo, hi))
        else:
            hi_bit, lo_bit = ins.fields[f]
            fields[f] = draw(st.integers(0, (1 << (hi_bit - lo_bit + 1)) - 1))
    return ins.mnemonic, ins.encode(**fields)


@settings(max_examples=300, deadline=None)
@given(encoded())
def test_every_instruction_round_trips_through_the_disassembler(case):
    mnemonic, word = case
    text = disassemble_word(word, BASE)
    assert text.split()[0] == mnemonic
    assert assemble_words(text, BASE) == [word], text
    # and once more: the second assembly disassembles to the same text
    assert disassemble_word(assemble_words(text, BASE)[0], BASE) == text


def test_each_mnemonic_round_trips_at_least_once():
    for mn in MNEMONICS:
        ins = ISA.instructions[mn]
        fields = {f: 1 for f in ins.operand_fields}
        word = ins.encode(**fields)
        assert assemble_words(disassemble_word(word, BASE), BASE) == [word], mn


@settings(max_examples=200, deadline=None)
@given(st.integers(0, (1 << 32) - 1))
def test_any_word_disassembles_to_text_that_reassembles_to_it(word):
    text = disassemble_word(word, BASE)
    assert assemble_words(text, BASE) == [word], text


@settings(max_examples=100, deadline=None)
@given(st.integers(0, (1 << 32) - 1))
def test_without_a_pc_targets_are_dot_relative_and_still_round_trip(word):
    text = disassemble_word(word)
    assert assemble_words(text, BASE) == [word], text


REG_NAMES = sorted(ISA.registers)          # r0..r31, ABI names and aliases


@st.composite
def source_line(draw):
    """A source line for a random instruction, written the way a person might: any
    register spelling, decimal or hex immediates, CSR names or numbers."""
    ins = ISA.instructions[draw(st.sampled_from(MNEMONICS))]
    values = {}
    for f in ins.operand_fields:
        if f != "imm":
            values[f] = draw(st.sampled_from(REG_NAMES))
            continue
        lo, hi = ins.imm.range()
        if ins.imm.kind == "pcrel":
            lo, hi = max(lo, -(BASE >> 2)), min(hi, ((1 << 32) - BASE) // 4 - 1)
            values[f] = hex(BASE + 4 * draw(st.integers(lo, hi)))
        elif ins.imm.kind == "csr" and draw(st.booleans()):
            values[f] = draw(st.sampled_from(sorted(ISA.csrs)))
        else:
            v = draw(st.integers(lo, hi))
            values[f] = hex(v) if v >= 0 and draw(st.booleans()) else str(v)
    parts = []
    for tok in ins.operands:
        if "(" in tok:
            before, inside = tok.rstrip(")").split("(")
            parts.append(f"{values[before] if before else ''}({values[inside]})")
        else:
            parts.append(values[tok])
    return ins.mnemonic + " " + ", ".join(parts)


@settings(max_examples=300, deadline=None)
@given(source_line())
def test_assemble_disassemble_assemble_gives_identical_bytes(line):
    first = assemble_words(line, BASE)
    text = disassemble_word(first[0], BASE)
    assert assemble_words(text, BASE) == first, (line, text)
