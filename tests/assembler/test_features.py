"""Macros, includes, data directives, the line table, error collection, disassembly."""
from __future__ import annotations

import pytest

from ringvm.assembler import AsmErrors, assemble_file, assemble_source
from ringvm.assembler.disasm import disassemble_word
from ringvm.assembler.elf import decode_lines, encode_lines, read_elf
from ringvm.assembler.errors import MAX_ERRORS
from ringvm.isa import ISA

from .conftest import asm, asm_errors, words


def test_macro_arguments_and_unique_labels_expand_per_invocation():
    src = """
    .macro countdown reg, n
    li \\reg, \\n
loop_\\@: addi \\reg, \\reg, -1
    bnez \\reg, loop_\\@
    .endm
    countdown a0, 3
    countdown a1, 4
"""
    img = asm(src)
    assert len(words(img)) == 6
    assert {"loop_1", "loop_2"} <= set(img.symbols)


def test_an_error_inside_a_macro_names_the_invocation():
    report = asm_errors(".macro m r\nadd \\r, \\r, \\r\n.endm\nm bogus\n")
    assert "t.s:2:5: error: unknown register 'bogus'" in report
    assert "note: in expansion of macro 'm' at t.s:4" in report


def test_recursive_macros_are_stopped():
    assert "nested more than" in asm_errors(".macro r\nr\n.endm\nr\n")


def test_includes_are_found_next_to_the_file_then_in_include_paths(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "lib").mkdir()
    (tmp_path / "a" / "near.inc").write_text(".equ NEAR, 1\n")
    (tmp_path / "lib" / "far.inc").write_text(".equ FAR, 2\n")
    main = tmp_path / "a" / "main.s"
    main.write_text('.include "near.inc"\n.include "far.inc"\n.data\n.word NEAR, FAR\n')
    img = read_elf(assemble_file(main, include_paths=[tmp_path / "lib"]))
    assert img.segments[0].data == bytes([1, 0, 0, 0, 2, 0, 0, 0])


def test_incbin_includes_file_bytes(tmp_path):
    (tmp_path / "b.bin").write_bytes(b"\x01\x02\x03")
    (tmp_path / "m.s").write_text('.data\n.incbin "b.bin"\n.byte 4\n')
    assert read_elf(assemble_file(tmp_path / "m.s")).segments[0].data == b"\x01\x02\x03\x04"


def test_strings_align_and_space_lay_out_bytes():
    img = asm('.data\n.ascii "a\\tb"\n.asciz "c"\n.balign 4, 0xee\n.half -1\n.space 2, 7\n'
              '.align 8\n.byte 9')
    assert img.segments[0].data == b"a\tbc\0\xee\xee\xee\xff\xff\x07\x07\0\0\0\0\x09"


def test_dot_is_the_address_of_the_current_statement():
    img = asm("nop\nhere: .word . - here, .")
    seg = img.segments[0].data
    assert seg[4:8] == bytes(4)
    assert int.from_bytes(seg[8:12], "little") == 0x80001008


def test_lo_works_as_a_load_offset_after_lui():
    w = words(asm("lui t0, %hi(v)\nlw t1, %lo(v)(t0)\n.org 0x80009ffc\nv: .word 0"))
    hi, lo = ISA.decode(w[0])[1]["imm"], ISA.decode(w[1])[1]["imm"]
    assert ((hi << 16) + lo) & 0xFFFFFFFF == 0x80009FFC


def test_org_later_in_text_pads_forward_and_never_backwards():
    img = asm("nop\n.org 0x80001010\nx: nop")
    assert img.symbols["x"] == 0x80001010
    assert "move backwards" in asm_errors("nop\nnop\n.org 0x80001004\n")


def test_the_line_table_maps_every_instruction_word():
    img = asm("nop\nli a0, 0x12345678\n")
    assert img.lines == [(0x80001000, "t.s", 1), (0x80001004, "t.s", 2),
                         (0x80001008, "t.s", 2)]
    assert decode_lines(encode_lines(img.lines)) == img.lines


def test_globals_are_global_and_undefined_globals_are_errors():
    src = ".global _start\n_start: nop\nlocal: nop"
    img = read_elf(assemble_source(src))
    assert img.symbols["_start"] == 0x80001000 and img.symbols["local"] == 0x80001004
    assert "global symbol 'ghost' is never defined" in asm_errors(".global ghost\nnop")


def test_error_collection_stops_at_the_cap():
    with pytest.raises(AsmErrors) as ei:
        assemble_source("bogus\n" * (MAX_ERRORS + 20))
    assert len(ei.value.errors) == MAX_ERRORS
    assert str(ei.value).endswith(f"{MAX_ERRORS} errors (stopped after {MAX_ERRORS})")


def test_disassembly_uses_abi_names_csr_names_and_symbols():
    ins = ISA.instructions
    assert disassemble_word(ins["csrrs"].encode(rd=10, imm=ISA.csrs["status"].number,
                                                rs1=0)) == "csrrs a0, status, zero"
    j = ins["jal"].encode(imm=2)
    assert disassemble_word(j, 0x1000, {"f": 0x1000}) == "jal 0x00001008  # <f+0x8>"
    assert disassemble_word(j) == "jal .+8"
    assert disassemble_word(0xFFFFFFFF) == ".word 0xffffffff"


def test_absurdly_nested_expressions_are_an_error_not_a_crash():
    assert "nested too deeply" in asm_errors(".data\n.word " + "-" * 5000 + "1")


def test_an_empty_source_gives_a_valid_elf_with_no_segments():
    img = read_elf(assemble_source(""))
    assert img.segments == [] and img.entry == 0x80001000


def test_p2align_aligns_to_a_power_of_two_bytes():
    img = asm(".data\n.byte 1\n.p2align 3\n.byte 2")
    assert img.segments[0].data == b"\x01" + bytes(7) + b"\x02"


def test_a_forward_referenced_equ_evaluates_dot_where_it_is_defined():
    from ringvm.assembler import assemble_source
    from ringvm.assembler.elf import read_elf
    from ringvm.isa import ISA
    src = ("_start:\n    li a1, len\nmsg: .ascii \"hello\"\n.equ len, . - msg\n"
           "    .balign 4\n    li a2, len\n")
    seg = read_elf(assemble_source(src)).segments[0]
    words = [int.from_bytes(seg.data[i:i + 4], "little") for i in range(0, len(seg.data), 4)]
    decoded = [ISA.decode(w) for w in words]
    addis = [f["imm"] for d in decoded if d and d[0].mnemonic == "addi" for f in [d[1]]]
    assert addis == [5, 5]   # lui+addi for the forward use, one addi for the backward one
