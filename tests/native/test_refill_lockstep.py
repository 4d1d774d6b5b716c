"""The paths the native engine takes inside block mode for system calls, TLB refills,
TLB remaps and interrupts (native/block.c; the inline trap entry of internal.h
take_trap; tlb_write dropping only the pages it changes, mmu.c), run in lockstep with
the Python reference engine: the complete CPU state, the counters, the stop and the
timeline log's records after every batch, and RAM at the end.

The guest is a ring-3 loop with paging on that touches more pages than the TLB holds
(the ring-0 handler refills with ``tlbwr``), makes a system call every iteration (every
fourth one remaps the data page it keeps storing to with ``tlbwi``, over a cached
translation, and every ninth one switches the ASID), and takes a timer interrupt every
few dozen cycles while interrupts are enabled in ring 3. Batches of random sizes (a
fixed seed) end anywhere in blocks, handlers and refills.
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
V, R, W, X, U, G = (1 << i for i in range(6))
NTLB = 16
RAM = 1 << 20


def source(interval: int) -> str:
    return f"""
        .equ UCODE_VA, 0x00400000
        .equ UDATA_VA, 0x00500000
        .equ UMISS_VA, 0x00600000
        .equ DATA_PHYS, 0x00080000
        .equ DATA2_PHYS, 0x00081000
        .text
_start:
        la t0, trap
        csrw tvec, t0
        li t0, 2
        csrw wired, t0              # entries 0 (code) and 1 (data) stay
        li t0, UCODE_VA
        csrw tlbhi, t0
        la t1, user
        li t2, 0x7FFFFFFF
        and t1, t1, t2
        ori t1, t1, {V | R | X | U | G}   # global: kept across ASIDs
        csrw tlblo, t1
        csrw tlbidx, zero
        tlbwi
        li t0, UDATA_VA
        csrw tlbhi, t0
        li t1, DATA_PHYS | {V | R | W | U | G}
        csrw tlblo, t1
        li t0, 1
        csrw tlbidx, t0
        tlbwi
        li t0, {TIMER['INTERVAL']:#x}
        li t1, {interval}
        sw t1, 0(t0)
        li t0, {TIMER['CTRL']:#x}
        li t1, {1 if interval else 0}
        sw t1, 0(t0)
        li t0, 1
        csrw ienable, t0
        li s3, 0                    # system calls so far (ring 0 only)
        li t0, UCODE_VA
        csrw epc, t0
        li t0, {3 << PRING_SHIFT | PIE}
        csrw status, t0
        rfe

trap:   csrr t6, cause
        blt t6, zero, tick          # the interrupt bit is the sign bit
        li t5, {C['SYSCALL']}
        beq t6, t5, sys
        li t5, {C['TLB_MISS_LOAD']}
        beq t6, t5, refill
        li t5, {C['TLB_MISS_STORE']}
        beq t6, t5, refill
        mv a0, t6
        li t5, {HALT:#x}
        sw a0, 0(t5)
tick:   li t5, {TIMER['ACK']:#x}
        sw zero, 0(t5)
        rfe
sys:    csrr t6, epc
        addi t6, t6, 4
        csrw epc, t6
        addi s3, s3, 1
        andi t6, s3, 3
        bne t6, zero, 1f
        li t6, UDATA_VA             # remap the data page to the other frame
        csrw tlbhi, t6
        andi t6, s3, 4
        li t5, DATA_PHYS | {V | R | W | U | G}
        beq t6, zero, 2f
        li t5, DATA2_PHYS | {V | R | W | U | G}
2:      csrw tlblo, t5
        li t6, 1
        csrw tlbidx, t6
        tlbwi
1:      li t5, 9
        rem t6, s3, t5
        bne t6, zero, 3f
        csrr t6, asid               # a new ASID: the cached translations go
        xori t6, t6, 1
        csrw asid, t6
3:      rfe
refill: li t6, DATA_PHYS | {V | R | W | U}   # tlbhi holds the missing VPN and ASID
        csrw tlblo, t6
        tlbwr
        rfe

        .align 4096
user:   li s0, UMISS_VA
        li s2, 0x1F000              # 32 pages, twice the TLB
        li s4, UDATA_VA
1:      addi s1, s1, 4096
        and t0, s1, s2
        add t0, t0, s0
        lw t1, 0(t0)
        addi t1, t1, 1
        sw t1, 4(t0)
        lw t2, 8(s4)
        add t2, t2, t1
        sw t2, 8(s4)
        syscall
        j 1b
"""


def engines(interval: int):
    image = read_elf(assemble_source(source(interval), "refill.s"))
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


@pytest.mark.parametrize("interval", [0, 37, 101])
@pytest.mark.parametrize("seed", [1, 2])
def test_refills_syscalls_remaps_and_interrupts_match_the_reference(interval, seed):
    py, nat = engines(interval)
    for e in (py, nat):                       # the timeline log too (emulator/machine/timeline.py)
        e.timeline_start(100_000)
    rnd = random.Random(seed * 1000 + interval)
    total = records = 0
    while total < 6000:
        k = rnd.choice([1, 2, 3, 5, 8, 13, 29, 64, 150, 400])
        a, b = py.run(k), nat.run(k)
        total += k
        assert (a.reason, a.steps, a.cpu) == (b.reason, b.steps, b.cpu), f"step {total}"
        la, lb = py.timeline_drain(), nat.timeline_drain()
        assert la == lb, f"step {total}: timeline records differ: py={la} native={lb}"
        records += len(la[0])
        assert a.reason is StopReason.MAX_STEPS, a
        sa, sb = dataclasses.asdict(py.get_cpu(0)), dataclasses.asdict(nat.get_cpu(0))
        assert sa == sb, f"step {total}: " + "; ".join(
            f"{f}: py={sa[f]!r} native={sb[f]!r}" for f in sa if sa[f] != sb[f])
        assert py.counters() == nat.counters(), f"step {total}: counters differ"
    c = nat.counters()["cpus"][0]
    assert c["tlb_misses"] > 50 and c["retired_by_ring"][4] > 1000
    assert sum(c["traps_by_cause"]) > 100 and records > 300
    if interval:
        assert sum(c["interrupts_by_line"]) > 10
    assert bytes(py.ram) == bytes(nat.ram)
