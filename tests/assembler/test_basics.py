"""Encoding, expressions, pseudo-instructions, directives and layout."""
from __future__ import annotations

import pytest

from ringvm.assembler import AsmErrors, assemble_source
from ringvm.assembler.expr import hi, lo
from ringvm.isa import ISA

from .conftest import asm, asm_errors, words

I = ISA.instructions
R = ISA.registers


def test_an_instruction_encodes_from_the_isa_table():
    assert words(asm("addi a0, zero, -1")) == [I["addi"].encode(rd=R["a0"], rs1=0, imm=-1)]


def test_text_starts_at_the_default_kseg_base_and_entry_is_start():
    img = asm("nop\n_start: nop")
    assert img.segments[0].vaddr == 0x80001000
    assert img.segments[0].paddr == 0x1000
    assert img.entry == 0x80001004


def test_base_option_and_leading_org_move_text():
    assert asm("nop", base=0x2000).segments[0].vaddr == 0x2000
    img = asm(".org 0x80010000\nnop")
    assert img.segments[0].vaddr == 0x80010000


def test_expressions_follow_c_precedence():
    img = asm(".data\n.word 1 + 2 * 3, (1 + 2) * 3, 1 | 2 ^ 3 & 4, -7 / 2, -7 % 2, ~0 & 0xff,"
              " 1 << 4 >> 2, 'a', '\\n', 0b101")
    seg = img.segments[0].data
    vals = [int.from_bytes(seg[i:i + 4], "little", signed=True) for i in range(0, 40, 4)]
    assert vals == [7, 9, 1 | (2 ^ (3 & 4)), -3, -1, 255, 4, 97, 10, 5]


@pytest.mark.parametrize("x", [0, 1, 0x7FFF, 0x8000, 0xFFFF, 0x12345678, 0x80000000,
                               0xFFFFFFFF, 0x8000_8000, 0x7FFF_8000])
def test_hi_and_lo_rebuild_any_32_bit_value(x):
    assert ((hi(x) << 16) + lo(x)) & 0xFFFFFFFF == x


def test_li_picks_addi_ori_or_lui_addi():
    w = words(asm("li a0, -5\nli a0, 0xffff\nli a0, 0x12345678\nli a0, later\nlater:"))
    assert len(w) == 6
    assert ISA.decode(w[0])[0].mnemonic == "addi"
    assert ISA.decode(w[1])[0].mnemonic == "ori"
    assert [ISA.decode(x)[0].mnemonic for x in w[2:]] == ["lui", "addi", "lui", "addi"]


def test_la_is_always_two_words_and_builds_the_address():
    img = asm("la a0, x\n.data\nx: .word 0")
    w = words(img)
    lui, addi = ISA.decode(w[0])[1], ISA.decode(w[1])[1]
    assert ((lui["imm"] << 16) + addi["imm"]) & 0xFFFFFFFF == img.symbols["x"]


def test_numeric_local_labels_resolve_backward_and_forward():
    w = words(asm("1: nop\nbeq a0, a0, 1b\nbeq a0, a0, 1f\n1: nop"))
    assert ISA.decode(w[1])[1]["imm"] == -1
    assert ISA.decode(w[2])[1]["imm"] == 1


def test_sections_are_placed_on_separate_pages_in_order():
    img = asm(".data\nd: .word 1\n.rodata\nr: .byte 1\n.text\nt: nop\n.bss\nb: .space 8")
    assert [hex(s.vaddr) for s in img.segments] == ["0x80001000", "0x80002000",
                                                    "0x80003000", "0x80004000"]
    assert img.segments[3].memsz == 8 and img.segments[3].data == b""
    assert img.symbols["r"] == 0x80002000 and img.symbols["d"] == 0x80003000


def test_hypervisor_directive_sets_the_boot_flag():
    assert asm(".hypervisor\nnop").boot_hypervisor
    assert not asm("nop").boot_hypervisor


def test_entry_directive_names_the_entry_point():
    assert asm(".entry go\nnop\ngo: nop\n_start: nop").entry == 0x80001004


def test_undefined_symbol_is_reported_with_a_caret():
    report = asm_errors("    j nowhere")
    assert report.splitlines()[:3] == ["t.s:1:7: error: undefined symbol 'nowhere'",
                                       "        j nowhere", "          ^"]


def test_all_errors_of_a_file_are_reported():
    report = asm_errors("add a0\nfoo\nli a0, 1, 2")
    assert report.count("error:") == 3
    assert report.endswith("3 errors")


def test_errors_are_a_user_error_with_exit_status_2():
    with pytest.raises(AsmErrors) as ei:
        assemble_source("bogus", "t.s")
    assert ei.value.exit_status == 2
