"""Instructions that read what the instruction before them wrote, run whole, give the
values the ISA says, on every engine: the native engine hands such a value to the next
instruction of a block in a host register (native/internal.h, forwarding), so every
producer (ALU, load, CSR read) and every consumer (operand A or B or both of ALU ops,
a load's or store's base, a store's value, a branch, jalr) are chained here, and chains
broken by an instruction that writes nothing (a store, whose value register is not a
result) or by a block start (a branch target)."""
from __future__ import annotations

import pytest

from enginekit import boot, expect_halt
from ringvm.emulator.engine import StopReason

PRODUCERS = {   # each writes X (set up in t4) to t1
    "add": "add t1, t0, t2",       # t0 = X - 7, t2 = 7
    "addi": "addi t1, t3, 3",      # t3 = X - 3
    "lw": "lw t1, 0(s0)",          # data[0] = X
    "csrr": "csrr t1, scratch",    # scratch = X
}
CONSUMERS = {   # X is data + 4, or for jalr the address of `here`
    "alu A": "sub a0, t1, t2",
    "alu B": "sub a0, t2, t1",
    "alu A and B": "mul a0, t1, t1",
    "alu-imm": "xori a0, t1, 0x55",
    "load base": "lw a0, -4(t1)",
    "store base": "sw t2, 0(t1)\n    lw a0, 0(t1)",
    "store value": "sw t1, 8(s0)\n    lw a0, 8(s0)",
    "branch": "li a0, 1\n    bne t1, t2, 1f\n    li a0, 2\n1:",
    "jalr": "jalr a0, t1, 0",
}


def program(producer: str, consumer: str) -> str:
    x = "la t4, here" if consumer.startswith("jalr") else "addi t4, s0, 4"
    return f"""
_start:
    la s0, data
    {x}
    li t2, 7
    addi t0, t4, -7
    addi t3, t4, -3
    sw t4, 0(s0)
    csrw scratch, t4
    {producer}
    {consumer}
here:
    andi a0, a0, 0xFFF
    exit
    .align 4096
data:   # a page of its own: a store to the code's page would end the block
    .word 0x11, 0x22, 0x33, 0x44
"""


def run_both(src: str):
    out = []
    for kind in ("python", "native"):
        eng = boot(kind, src)
        stop = eng.run(100_000)
        assert stop.reason == StopReason.HALT, (kind, stop)
        out.append((stop.exit_code, eng.get_cpu(0), eng.counters()))
    return out


@pytest.mark.parametrize("consumer", sorted(CONSUMERS))
@pytest.mark.parametrize("producer", sorted(PRODUCERS))
def test_a_value_read_right_after_it_is_written(producer, consumer):
    (ca, sa, na), (cb, sb, nb) = run_both(program(PRODUCERS[producer], CONSUMERS[consumer]))
    assert ca == cb and sa == sb and na == nb


@pytest.mark.parametrize("between", ["sw t2, 12(s0)", "sb t1, 12(s0)", "nop", "j 1f\n1:"])
def test_a_chain_broken_by_a_store_or_a_block_start(between):
    """A store writes no register: after it, t2 comes from the register file (the last
    result, t1's 5, must not stand in for the store's value register t2); after a jump
    a new block starts."""
    src = f"""
_start:
    la s0, data
    li t2, 7
    li t1, 5
    {between}
    add a0, t2, t1
    sw t2, 12(s0)
    add a0, a0, t2
    exit
    .align 4096
data:   # a page of its own: a store to the code's page would end the block
    .word 0, 0, 0, 0
"""
    for kind in ("python", "native"):
        expect_halt(boot(kind, src).run(100_000), 5 + 7 + 7)
