"""Every instruction's semantics, including the edge cases of ISA.md §3."""
from __future__ import annotations

import pytest

from enginekit import CAUSE, expect_halt, expect_trap, reg, run_program, with_handler

M = 0xFFFF_FFFF
INT_MIN = 0x8000_0000

ALU_CASES = [
    ("add", 5, 7, 12), ("add", M, 1, 0), ("sub", 3, 5, M - 1), ("and", 0xF0F0, 0xFF00, 0xF000),
    ("or", 0xF0, 0x0F, 0xFF), ("xor", 0xFF, 0x0F, 0xF0), ("nor", 0, 0, M),
    ("sll", 1, 31, INT_MIN), ("sll", 1, 33, 2), ("srl", INT_MIN, 31, 1),
    ("sra", INT_MIN, 31, M), ("sra", 0x40000000, 30, 1), ("slt", M, 0, 1), ("slt", 0, M, 0),
    ("sltu", M, 0, 0), ("sltu", 0, M, 1), ("mul", 0x10000, 0x10000, 0),
    ("mul", M, M, 1), ("mulh", M, M, 0), ("mulh", INT_MIN, 2, M), ("mulhu", M, M, M - 1),
    ("div", 7, 2, 3), ("div", (-7) & M, 2, (-3) & M), ("div", 7, 0, M),
    ("div", INT_MIN, M, INT_MIN), ("divu", M, 2, 0x7FFFFFFF), ("divu", 5, 0, M),
    ("rem", (-7) & M, 2, M), ("rem", 7, (-2) & M, 1), ("rem", 9, 0, 9),
    ("rem", INT_MIN, M, 0), ("remu", 7, 0, 7), ("remu", M, 10, 5),
]


@pytest.mark.parametrize("op,a,b,want", ALU_CASES)
def test_register_alu_operations_follow_the_table(engine_kind, op, a, b, want):
    eng, stop = run_program(engine_kind, f"""
        li a1, {a}
        li a2, {b}
        {op} a0, a1, a2
        exit
    """)
    expect_halt(stop, want)


ALUI_CASES = [
    ("addi", 5, -6, M), ("slti", M, 0, 1), ("slti", 5, -1, 0), ("sltiu", 5, -1, 1),
    ("sltiu", M, -1, 0), ("andi", M, 0xFFFF, 0xFFFF), ("ori", 0x10000, 0x8000, 0x18000),
    ("xori", 0xFFFF, 0xFFFF, 0), ("slli", 3, 4, 48), ("srli", INT_MIN, 4, 0x08000000),
    ("srai", INT_MIN, 4, 0xF8000000),
]


@pytest.mark.parametrize("op,a,imm,want", ALUI_CASES)
def test_immediate_alu_operations_extend_their_immediates_as_documented(
        engine_kind, op, a, imm, want):
    eng, stop = run_program(engine_kind, f"""
        li a1, {a}
        {op} a0, a1, {imm}
        exit
    """)
    expect_halt(stop, want)


def test_lui_places_the_immediate_in_the_upper_half(engine_kind):
    eng, stop = run_program(engine_kind, "lui a0, 0xabcd\nexit")
    expect_halt(stop, 0xABCD0000)


def test_register_zero_ignores_writes(engine_kind):
    eng, stop = run_program(engine_kind, """
        li t0, 5
        add zero, t0, t0
        addi zero, zero, 9
        lui zero, 3
        mv a0, zero
        exit
    """)
    expect_halt(stop, 0)


@pytest.mark.parametrize("op,a,b,taken", [
    ("beq", 1, 1, 1), ("beq", 1, 2, 0), ("bne", 1, 2, 1), ("bne", 3, 3, 0),
    ("blt", M, 0, 1), ("blt", 0, M, 0), ("bge", 0, M, 1), ("bge", M, 0, 0),
    ("bge", 4, 4, 1), ("bltu", 0, M, 1), ("bltu", M, 0, 0), ("bgeu", M, 0, 1),
    ("bgeu", 0, 1, 0),
])
def test_branches_compare_signed_or_unsigned(engine_kind, op, a, b, taken):
    eng, stop = run_program(engine_kind, f"""
        li a1, {a}
        li a2, {b}
        li a0, 0
        {op} a1, a2, yes
        exit
    yes:
        li a0, 1
        exit
    """)
    expect_halt(stop, taken)


def test_backward_branches_loop(engine_kind):
    eng, stop = run_program(engine_kind, """
        li a0, 0
        li t0, 10
    loop:
        addi a0, a0, 3
        addi t0, t0, -1
        bnez t0, loop
        exit
    """)
    expect_halt(stop, 30)


def test_jal_and_jalr_link_the_return_address(engine_kind):
    eng, stop = run_program(engine_kind, """
        li a0, 1
        call f
        addi a0, a0, 100
        la t0, g
        jalr t1, t0, 0
    back:
        exit
    f:  addi a0, a0, 10
        ret
    g:  la t2, back
        bne t1, t2, bad
        jr t1
    bad:
        li a0, 0xbad
        exit
    """)
    expect_halt(stop, 111)


def test_jalr_with_rd_equal_rs1_jumps_to_the_old_value(engine_kind):
    eng, stop = run_program(engine_kind, """
        la t0, target
        jalr t0, t0, 0
        li a0, 1
        exit
    target:
        li a0, 2
        exit
    """)
    expect_halt(stop, 2)


def test_loads_of_every_size_sign_or_zero_extend(engine_kind):
    eng, stop = run_program(engine_kind, """
        la t0, data
        lb s0, 0(t0)
        lbu s1, 0(t0)
        lh s2, 2(t0)
        lhu s3, 2(t0)
        lw s4, 4(t0)
        lb s5, 1(t0)
        li a0, 0
        exit
        .data
    data: .word 0x8001ff80
          .word 0x12345678
    """)
    expect_halt(stop, 0)
    assert reg(eng, "s0") == 0xFFFFFF80
    assert reg(eng, "s1") == 0x80
    assert reg(eng, "s2") == 0xFFFF8001
    assert reg(eng, "s3") == 0x8001
    assert reg(eng, "s4") == 0x12345678
    assert reg(eng, "s5") == 0xFFFFFFFF


def test_stores_of_every_size_write_only_their_bytes(engine_kind):
    eng, stop = run_program(engine_kind, """
        la t0, data
        li t1, 0xaabbccdd
        sb t1, 0(t0)
        sh t1, 2(t0)
        sw t1, 4(t0)
        lw s0, 0(t0)
        lw s1, 4(t0)
        li a0, 0
        exit
        .data
    data: .word 0x11111111
          .word 0
    """)
    expect_halt(stop, 0)
    assert reg(eng, "s0") == 0xCCDD11DD
    assert reg(eng, "s1") == 0xAABBCCDD


def test_negative_offsets_address_below_the_base(engine_kind):
    eng, stop = run_program(engine_kind, """
        la t0, data
        addi t0, t0, 8
        lw a0, -8(t0)
        exit
        .data
    data: .word 99, 0, 0
    """)
    expect_halt(stop, 99)


def test_cas_swaps_only_when_the_old_value_matches(engine_kind):
    eng, stop = run_program(engine_kind, """
        la t0, data
        li s0, 5          # expected
        li t1, 9
        cas s0, t1, (t0)  # matches: mem = 9, s0 = 5
        li s1, 5
        li t2, 7
        cas s1, t2, (t0)  # does not match: mem stays 9, s1 = 9
        lw a0, 0(t0)
        exit
        .data
    data: .word 5
    """)
    expect_halt(stop, 9)
    assert reg(eng, "s0") == 5 and reg(eng, "s1") == 9


@pytest.mark.parametrize("insn,cause", [
    ("lh a0, 1(t0)", "MISALIGNED_LOAD"), ("lhu a0, 3(t0)", "MISALIGNED_LOAD"),
    ("lw a0, 2(t0)", "MISALIGNED_LOAD"), ("sh a0, 1(t0)", "MISALIGNED_STORE"),
    ("sw a0, 2(t0)", "MISALIGNED_STORE"),
])
def test_misaligned_accesses_trap_with_the_address(engine_kind, insn, cause):
    eng, stop = run_program(engine_kind, with_handler(f"""
        la t0, data
        li a0, 0x5555
    fault:
        {insn}
        exit
        .data
    data: .word 0, 0
    """))
    data = eng.symbols["data"]
    off = int(insn.split(",")[1].split("(")[0])
    expect_trap(eng, stop, CAUSE[cause], epc=eng.symbols["fault"], badvaddr=data + off)


def test_misaligned_cas_traps_as_a_store(engine_kind):
    eng, stop = run_program(engine_kind, with_handler("""
        la t0, data
        addi t0, t0, 2
        cas a0, a1, (t0)
        .data
    data: .word 0, 0
    """))
    expect_trap(eng, stop, CAUSE["MISALIGNED_STORE"], badvaddr=eng.symbols["data"] + 2)


def test_a_jump_to_a_misaligned_address_traps_at_the_fetch(engine_kind):
    eng, stop = run_program(engine_kind, with_handler("""
        la t0, target
        addi t0, t0, 2
        jr t0
    target:
        nop
    """))
    target = eng.symbols["target"] + 2
    expect_trap(eng, stop, CAUSE["MISALIGNED_FETCH"], epc=target, badvaddr=target)


def test_a_faulting_load_leaves_its_destination_unchanged(engine_kind):
    eng, stop = run_program(engine_kind, with_handler("""
        li a1, 1234
        la t0, data
        lw a1, 1(t0)
        .data
    data: .word 0
    """))
    expect_trap(eng, stop, CAUSE["MISALIGNED_LOAD"])
    assert reg(eng, "a1") == 1234


def test_an_undefined_encoding_traps_illegal_with_the_word(engine_kind):
    eng, stop = run_program(engine_kind, with_handler("""
    bad:
        .word 0xffffffff
    """))
    expect_trap(eng, stop, CAUSE["ILLEGAL"], epc=eng.symbols["bad"], badvaddr=0xFFFFFFFF)


@pytest.mark.parametrize("insn,cause", [("syscall", "SYSCALL"), ("break", "BREAKPOINT"),
                                        ("hcall", "HYPERCALL")])
def test_syscall_break_and_hcall_trap_with_epc_at_the_instruction(engine_kind, insn, cause):
    eng, stop = run_program(engine_kind, with_handler(f"""
    here:
        {insn}
    """))
    expect_trap(eng, stop, CAUSE[cause], epc=eng.symbols["here"], badvaddr=0)


def test_a_bus_error_traps_for_unmapped_physical_memory(engine_kind):
    eng, stop = run_program(engine_kind, with_handler("""
        li t0, 0xa0000000      # physical 0x20000000: beyond RAM, not a device
        lw a0, 0(t0)
    """))
    expect_trap(eng, stop, CAUSE["BUS_ERROR"], badvaddr=0xA0000000)


@pytest.mark.parametrize("insn", ["lb a0, 0(t0)", "sh a0, 0(t0)", "cas a0, a1, (t0)",
                                  "lw a0, 0x40(t0)"])
def test_device_accesses_that_are_not_words_or_registers_are_bus_errors(engine_kind, insn):
    eng, stop = run_program(engine_kind, with_handler(f"""
        li t0, SYSCTL_PAGE
        {insn}
    """))
    expect_trap(eng, stop, CAUSE["BUS_ERROR"])


def test_fetching_from_a_device_is_a_bus_error(engine_kind):
    eng, stop = run_program(engine_kind, with_handler("""
        li t0, SYSCTL_PAGE
        jr t0
    """))
    expect_trap(eng, stop, CAUSE["BUS_ERROR"], epc=0xC0000000, badvaddr=0xC0000000)


@pytest.mark.parametrize("insn", ["lw a3, 1(zero)", "sh a3, 1(zero)", "lh a3, 3(zero)"])
def test_a_misaligned_access_in_page_zero_traps_misaligned_before_translation(
        engine_kind, insn):
    # run in a child process: this once crashed an engine
    from enginekit import expect_clean, isolated
    src = with_handler(f"    {insn}\n")
    expect_clean(isolated(f"""
from enginekit import *
eng, stop = run_program({engine_kind!r}, {src!r})
cause = CAUSE["MISALIGNED_STORE" if {insn!r}.startswith("s") else "MISALIGNED_LOAD"]
expect_trap(eng, stop, cause, badvaddr=int({insn!r}.split(",")[1].split("(")[0]))
"""))
