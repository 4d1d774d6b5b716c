"""Trap entries and returns in the native engine's block mode that go on without a page
lookup (native/block.c, MEMO_SAVE/MEMO_ENTER: a trap entry enters the vector's page as
the last rfe left it, rfe goes back to the page the trap left), run in lockstep with the
Python reference engine: CPU state, counters, stop and timeline records after every
batch, RAM at the end.

The ring-0 handler changes, between the trap and its rfe, each thing that must make the
return look the page up again: it remaps the user's code page to another frame holding
other code (same virtual page, another host page), returns to ring 3 where the code page
(no U) cannot be fetched (same page, another translation-cache set: the fetch faults and
the handler goes back to ring 1), writes the code page's TLB entry with another page (its
cached translation goes and no other comes: the fetch misses), switches the ASID (the
entry is not global: the same), and now and then runs through more code pages than the
decoded-page cache holds, which empties it (a planted bug that keeps the pages across
that is not caught here: each new page's first fetch leaves block mode, and the kept
pages with it). The user's loads miss the TLB (refills), and its system calls come back.
"""
from __future__ import annotations

import dataclasses
import random

import pytest

from ringvm.assembler import assemble_source
from ringvm.assembler.elf import read_elf
from ringvm.emulator.engine import MachineConfig, StopReason
from ringvm.isa import ISA

native = pytest.importorskip("ringvm.emulator.engine.native")
python_engine = pytest.importorskip("ringvm.emulator.engine.python")

KSEG = ISA.memory["kseg_base"]
TIMER = {r.name: ISA.devices["timer"].base + r.offset + KSEG
         for r in ISA.devices["timer"].registers}
HALT = ISA.devices["sysctl"].base + ISA.devices["sysctl"].registers[0].offset + KSEG
PRING_SHIFT = ISA.status_fields["PRING"][1]
PIE = 1 << ISA.status_fields["PIE"][1]
C = {n.name: n.value for n in ISA.causes.values()}
V, R, W, X, U = (1 << i for i in range(5))
NTLB = 16
RAM = 4 << 20
CHAIN = 260   # code pages the handler runs through (the decoded-page cache holds 256)


def user_code(counter: str) -> str:
    return f"""
        li s0, 0x00600000
        li s5, 0x1F000              # 32 pages, twice the TLB
1:      addi s6, s6, 4096
        and t0, s6, s5
        add t0, t0, s0
        lw t1, 0(t0)
        addi {counter}, {counter}, 1
        syscall
        j 1b
"""


def source(interval: int) -> str:
    chain = "".join(f"        .align 4096\nchain{i}: addi s9, s9, 1\n        j chain{i + 1}\n"
                    for i in range(CHAIN))
    return f"""
        .equ UCODE_VA, 0x00400000
        .equ DATA_PHYS, 0x00300000
        .text
_start:
        la t0, trap
        csrw tvec, t0
        li t0, 1
        csrw wired, t0              # entry 0: the user's code page
        li s4, 0
        jal remap
        li t0, {TIMER['INTERVAL']:#x}
        li t1, {interval}
        sw t1, 0(t0)
        li t0, {TIMER['CTRL']:#x}
        li t1, {1 if interval else 0}
        sw t1, 0(t0)
        li t0, 1
        csrw ienable, t0
        li t0, UCODE_VA
        csrw epc, t0
        li t0, {1 << PRING_SHIFT | (PIE if interval else 0)}
        csrw status, t0
        rfe

        # kernel: t4, t5, t6, s3, s4, s9 (the user does not touch them)
trap:   csrr t6, cause
        blt t6, zero, tick          # the interrupt bit is the sign bit
        li t5, {C['SYSCALL']}
        beq t6, t5, sys
        li t5, {C['TLB_MISS_LOAD']}
        beq t6, t5, refill
        li t5, {C['TLB_PROT_FETCH']}
        beq t6, t5, ring1
        li t5, {C['TLB_MISS_FETCH']}
        beq t6, t5, refetch
        mv a0, t6                   # anything else: halt with the cause
        li t5, {HALT:#x}
        sw a0, 0(t5)
tick:   li t5, {TIMER['ACK']:#x}
        sw zero, 0(t5)
        rfe
refill: li t6, DATA_PHYS | {V | R | W | U}
        csrw tlblo, t6
        tlbwr
        rfe
refetch:                            # the code page's entry again (ASID, or entry 0 reused)
        jal remap
        rfe
ring1:  csrr t6, status             # ring 3 cannot fetch the code page: back to ring 1
        li t5, {~(7 << PRING_SHIFT) & 0xFFFFFFFF:#x}
        and t6, t6, t5
        ori t6, t6, {1 << PRING_SHIFT}
        csrw status, t6
        rfe
sys:    csrr t6, epc
        addi t6, t6, 4
        csrw epc, t6
        addi s3, s3, 1
        li t5, 3
        rem t6, s3, t5
        bne t6, zero, 1f
        xori s4, s4, 1              # every 3rd: the code page to the other frame
        jal remap
1:      andi t6, s3, 3
        bne t6, zero, 2f
        csrr t6, status             # every 4th: return to ring 3
        ori t6, t6, {3 << PRING_SHIFT}
        csrw status, t6
2:      li t5, 5
        rem t6, s3, t5
        bne t6, zero, 3f
        csrr t6, asid               # every 5th: another ASID (the code page's entry is
        xori t6, t6, 1              # not global: its fetch misses)
        csrw asid, t6
3:      li t5, 7
        rem t6, s3, t5
        bne t6, zero, 6f
        li t6, 0x00410000           # every 7th: entry 0 to another page (the code page's
        csrw tlbhi, t6              # cached translation goes, none comes: its fetch misses)
        csrw tlbidx, zero
        tlbwi
6:      andi t6, s3, 15
        li t5, 2
        bne t6, t5, 5f
        j chain0                    # every 16th: through {CHAIN} code pages
chain{CHAIN}:
5:      rfe
remap:  li t6, UCODE_VA             # entry 0: UCODE_VA -> frame a (s4 = 0) or b
        csrr t5, asid
        or t6, t6, t5
        csrw tlbhi, t6
        la t6, ua
        beq s4, zero, 4f
        la t6, ub
4:      li t5, 0x7FFFFFFF
        and t6, t6, t5
        ori t6, t6, {V | R | X}     # no U: ring 1 only
        csrw tlblo, t6
        csrw tlbidx, zero
        tlbwi
        jr ra

        .align 4096
ua:
{user_code("s1")}
        .align 4096
ub:
{user_code("s2")}
{chain}
"""


def engines(interval: int):
    image = read_elf(assemble_source(source(interval), "trapret.s"))
    cfg = MachineConfig(ram_size=RAM, tlb_entries=NTLB)
    out = []
    for make in (python_engine.PythonEngine, native.NativeEngine):
        ram = bytearray(RAM)
        for seg in image.segments:
            ram[seg.paddr:seg.paddr + len(seg.data)] = seg.data
        eng = make(cfg, ram)
        s = eng.get_cpu(0)
        s.pc = image.entry
        eng.set_cpu(0, s)
        out.append(eng)
    return out


@pytest.mark.parametrize("interval", [0, 41])
def test_returns_after_a_remap_a_ring_change_or_a_decoded_cache_flush_match_the_reference(
        interval):
    py, nat = engines(interval)
    for e in (py, nat):
        e.timeline_start(200_000)
    rnd = random.Random(interval)
    total = 0
    while total < 40_000:
        k = rnd.choice([1, 2, 3, 5, 8, 13, 29, 64, 150, 400, 1000, 3000])
        a, b = py.run(k), nat.run(k)
        assert (a.reason, a.steps, a.cpu) == (b.reason, b.steps, b.cpu), \
            f"step {total}: py={a} native={b}"
        assert a.reason is StopReason.MAX_STEPS, a
        total += k
        la, lb = py.timeline_drain(), nat.timeline_drain()
        assert la == lb, f"step {total}: timeline records differ: py={la} native={lb}"
        sa, sb = dataclasses.asdict(py.get_cpu(0)), dataclasses.asdict(nat.get_cpu(0))
        assert sa == sb, f"step {total}: " + "; ".join(
            f"{f}: py={sa[f]!r} native={sb[f]!r}" for f in sa if sa[f] != sb[f])
        assert py.counters() == nat.counters(), f"step {total}: counters differ"
    assert bytes(py.ram) == bytes(nat.ram)
    c = nat.counters()["cpus"][0]
    regs = nat.get_cpu(0).regs
    assert regs[9] > 50 and regs[18] > 50          # s1, s2: both frames' code ran
    assert regs[25] >= 2 * CHAIN                   # s9: the chain ran at least twice
    traps = c["traps_by_cause"]
    assert traps[C["TLB_PROT_FETCH"]] > 20 and traps[C["TLB_MISS_LOAD"]] > 100
    assert traps[C["TLB_MISS_FETCH"]] > 20
    assert c["retired_by_ring"][1 + 1] > 1000
    if interval:
        assert sum(c["interrupts_by_line"]) > 10
