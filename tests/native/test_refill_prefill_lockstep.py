"""The native engine's TLB-refill fast paths in block mode, run in lockstep with the Python
reference engine: a load or store that misses the TLB for sure taken as a trap inline
(native/block.c tlb_missed), tlbwi/tlbwr in ring 0 counted in the block and followed by
tlb_write_prefill (native/mmu.c), which puts the new entry's translations in the
translation cache of the ring the handler returns to, and rfe back in block mode. The
complete CPU state, the counters, the stop and the timeline log's records are compared
after every batch, RAM at the end (as tests/native/test_refill_lockstep.py does).

The ring-0 refill handler writes an entry chosen at random (an LCG in the kernel) from
variants that the prefill must not get wrong: every permission missing in turn (no R, no
W, no X, no U), global entries (every entry of one page in eight), an entry of an ASID
the kernel never uses (the retried access misses again), an invalid entry, an entry
whose VPN is a kseg page (never matches), a frame past the end of RAM (bus error), and
the frame of a code page the user calls into, made writable (the user's stores then
rewrite its code: self-modifying code through a mapping filled by a refill). It writes with tlbwr or with tlbwi at a random index. The
user program alternates between ring 3 and ring 1 (every few system calls), where the U
rule differs, and the kernel switches the ASID now and then. Variants: with timer
interrupts enabled in the user rings, and with a watchpoint armed over part of the data
(the prefill must leave loads and stores to the slow path that checks it).
"""
from __future__ import annotations

import dataclasses
import random

import pytest

from ringvm.assembler import assemble_source
from ringvm.assembler.elf import read_elf
from ringvm.emulator.engine import MachineConfig, StopReason, Watchpoint
from ringvm.isa import ISA

native = pytest.importorskip("ringvm.emulator.engine.native")
python_engine = pytest.importorskip("ringvm.emulator.engine.python")

KSEG = ISA.memory["kseg_base"]
TIMER = {r.name: ISA.devices["timer"].base + r.offset + KSEG
         for r in ISA.devices["timer"].registers}
PRING_SHIFT = ISA.status_fields["PRING"][1]
PRING_MASK = 7 << PRING_SHIFT
PIE = 1 << ISA.status_fields["PIE"][1]
C = {n.name: n.value for n in ISA.causes.values()}
V, R, W, X, U, G = (1 << i for i in range(6))
NTLB = 16
RAM = 1 << 20
UMISS_VA = 0x00600000
FRAMES = [0x00080000, 0x00081000, 0x00082000, 0x00083000]
PAST_RAM = 0x00200000


def variants(sub_phys: int) -> list[tuple[int, int]]:
    """(tlblo, xor into tlbhi) of the 16 variants of a data page's refill; sub_phys: the
    code page's frame (a code page's refill has its own four: ftable). The kernel uses
    ASIDs 0 and 1 only, and makes every entry of one page in eight global (never any
    other), so that no two entries ever match one access (a machine check)."""
    ok = V | R | W | U
    out = [(FRAMES[i % 4] | ok, 0) for i in range(6)]
    out += [
        (FRAMES[0] | V | R | U, 0),              # no W: stores fault
        (FRAMES[1] | V | W | U, 0),              # no R: loads fault
        (FRAMES[2] | V | R | W, 0),              # no U: ring 3 faults, ring 1 does not
        (FRAMES[3] | ok | X, 0),                 # executable too
        (FRAMES[0] | ok, 2),                     # an ASID never used: misses again
        (FRAMES[1] | R | W | U, 0),              # invalid
        (FRAMES[2] | ok, 0x80000000),            # a kseg VPN: never matches
        (sub_phys | ok | X, 0),                  # the code page, writable
        (sub_phys | ok, 0),                      # the code page again, not executable
        (PAST_RAM | ok, 0),                      # past the end of RAM: bus error
    ]
    assert len(out) == 16
    return out


def source(interval: int, sub_phys: int) -> str:
    table = "\n".join(f"        .word {lo:#x}, {hx:#x}" for lo, hx in variants(sub_phys))
    ftable = "\n".join(f"        .word {sub_phys | f:#x}, 0" for f in
                        (V | R | X | U, V | R | W | X | U, V | R | U, V | R | X))
    body = "        addi s5, s5, 1\n" * 1023
    return f"""
        .equ UCODE_VA, 0x00400000
        .equ SUB_VA, 0x00700000
        .equ UMISS_VA, {UMISS_VA:#x}
        .text
_start:
        la t0, trap
        csrw tvec, t0
        li t0, 1
        csrw wired, t0              # entry 0 (the user code) stays
        li t0, UCODE_VA
        csrw tlbhi, t0
        la t1, user
        li t2, 0x7FFFFFFF
        and t1, t1, t2
        ori t1, t1, {V | R | X | U | G}
        csrw tlblo, t1
        csrw tlbidx, zero
        tlbwi
        li t0, {TIMER['INTERVAL']:#x}
        li t1, {interval}
        sw t1, 0(t0)
        li t0, {TIMER['CTRL']:#x}
        li t1, {1 if interval else 0}
        sw t1, 0(t0)
        li t0, 1
        csrw ienable, t0
        li s3, 0                    # system calls so far
        li s6, 12345                # the kernel's random numbers
        li t0, UCODE_VA
        csrw epc, t0
        li t0, {3 << PRING_SHIFT | (PIE if interval else 0)}
        csrw status, t0
        rfe

        # kernel: t4, t5, t6, s3, s6, s8 (the user does not touch them)
trap:   csrr t6, cause
        blt t6, zero, tick          # the interrupt bit is the sign bit
        li t5, {C['SYSCALL']}
        beq t6, t5, sys
        li t5, {C['TLB_MISS_LOAD']}
        beq t6, t5, refill
        li t5, {C['TLB_MISS_STORE']}
        beq t6, t5, refill
        li t5, {C['TLB_MISS_FETCH']}
        beq t6, t5, rfetch
        li t5, {C['TLB_PROT_FETCH']}
        beq t6, t5, fabort
skip:   csrr t6, epc                # protection faults, bus errors: skip the instruction
        addi t6, t6, 4
        csrw epc, t6
        rfe
fabort: csrw epc, ra                # the call into the code page faulted: return from it
        rfe
tick:   li t5, {TIMER['ACK']:#x}
        sw zero, 0(t5)
        rfe
sys:    csrr t6, epc
        addi t6, t6, 4
        csrw epc, t6
        addi s3, s3, 1
        andi t6, s3, 7
        bne t6, zero, 1f
        csrr t6, status             # every 8th: ring 3 <-> ring 1
        li t5, {2 << PRING_SHIFT}
        xor t6, t6, t5
        csrw status, t6
1:      li t5, 11
        rem t6, s3, t5
        bne t6, zero, 2f
        csrr t6, asid               # every 11th: another ASID
        xori t6, t6, 1
        csrw asid, t6
2:      rfe
rfetch: li t5, 1103515245           # SUB_VA -> the code page, one of four variants
        mul s6, s6, t5
        li t5, 12345
        add s6, s6, t5
        srli t4, s6, 16
        andi t4, t4, 3
        slli t4, t4, 3
        la t5, ftable
        add t5, t5, t4
        j fill
refill: li t5, 1103515245           # s6 <- s6 * a + c; variant = bits 16..19
        mul s6, s6, t5
        li t5, 12345
        add s6, s6, t5
        srli t4, s6, 16
        andi t4, t4, 15
        slli t4, t4, 3
        la t5, table
        add t5, t5, t4
fill:        lw t6, 0(t5)
        csrr t4, tlbhi              # every entry of a page with VPN = 5 mod 8 is global
        srli t4, t4, 12
        andi t4, t4, 7
        li s8, 5
        bne t4, s8, 4f
        ori t6, t6, {G}
4:      csrw tlblo, t6
        lw t6, 4(t5)
        csrr t4, tlbhi
        xor t4, t4, t6
        csrw tlbhi, t4
write:  srli t4, s6, 24             # tlbwr, or tlbwi at a random index past the wired one
        andi t4, t4, 3
        bne t4, zero, 3f
        srli t4, s6, 26
        andi t4, t4, {NTLB - 1}
        ori t4, t4, 1
        csrw tlbidx, t4
        tlbwi
        rfe
3:      tlbwr
        rfe
        .align 8
table:
{table}
ftable:
{ftable}

        .align 4096
user:   li s0, UMISS_VA
        li s2, 0x1F000              # 32 pages, twice the TLB
        li s4, SUB_VA + 0xF00
        li s7, RET_WORD             # a `ret` (build() fills the word in)
1:      li t3, 0x1044
        add s1, s1, t3
        and t0, s1, s2
        add t0, t0, s0
        andi t3, s1, 0xFC
        add t0, t0, t3
        lw t1, 0xF00(t0)
        addi t1, t1, 1
        sw s7, 0x2F00(t0)           # a `ret`: in the code page it ends the routine early
        lw t2, 0xF04(t0)
        add a0, a0, t1
        andi t3, s1, 0x3000
        bne t3, zero, 2f
        andi t3, s1, 0xF0
        add t3, t3, s4
        jalr ra, t3, 0              # into the code page, at a varying word
2:      syscall
        j 1b

        .align 4096
sub:
{body}        jalr zero, ra, 0
"""


def build(interval: int):
    """The image, with the `ret` word and the code page's frame filled in."""
    ret = read_elf(assemble_source("jalr zero, ra, 0\n", "ret.s")).segments[0].data[:4]
    word = f"{int.from_bytes(ret, 'little'):#x}"
    probe = read_elf(assemble_source(source(interval, 0).replace("RET_WORD", word), "prefill.s"))
    sub_phys = probe.symbols["sub"] & 0x7FFFFFFF
    return read_elf(assemble_source(source(interval, sub_phys).replace("RET_WORD", word),
                                    "prefill.s"))


def engines(interval: int, watch: bool):
    image = build(interval)
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
        if watch:   # reads and writes of two of the 32 data pages
            eng.set_watchpoints([Watchpoint(UMISS_VA + 0x5000, UMISS_VA + 0x7000,
                                            on_read=True, on_write=True)])
        out.append(eng)
    return out


@pytest.mark.parametrize("interval,watch", [(0, False), (53, False), (0, True)])
@pytest.mark.parametrize("seed", [1, 2])
def test_refills_of_every_kind_filled_into_the_translation_cache_match_the_reference(
        interval, watch, seed):
    py, nat = engines(interval, watch)
    for e in (py, nat):
        e.timeline_start(100_000)
    rnd = random.Random(seed * 1000 + interval + watch)
    total = records = watch_stops = 0
    while total < 30_000:
        k = rnd.choice([1, 2, 3, 5, 8, 13, 29, 64, 150, 400, 1000])
        a, b = py.run(k), nat.run(k)
        assert (a.reason, a.steps, a.cpu, a.watch) == (b.reason, b.steps, b.cpu, b.watch), \
            f"step {total}: py={a} native={b}"
        total += a.steps
        la, lb = py.timeline_drain(), nat.timeline_drain()
        assert la == lb, f"step {total}: timeline records differ: py={la} native={lb}"
        records += len(la[0])
        assert a.reason in (StopReason.MAX_STEPS, StopReason.WATCHPOINT), a
        watch_stops += a.reason is StopReason.WATCHPOINT
        sa, sb = dataclasses.asdict(py.get_cpu(0)), dataclasses.asdict(nat.get_cpu(0))
        assert sa == sb, f"step {total}: " + "; ".join(
            f"{f}: py={sa[f]!r} native={sb[f]!r}" for f in sa if sa[f] != sb[f])
        assert py.counters() == nat.counters(), f"step {total}: counters differ"
    assert bytes(py.ram) == bytes(nat.ram)
    c = nat.counters()["cpus"][0]
    traps = c["traps_by_cause"]
    for cause in ("TLB_MISS_LOAD", "TLB_MISS_STORE", "TLB_MISS_FETCH", "TLB_PROT_LOAD",
                  "TLB_PROT_STORE", "TLB_PROT_FETCH", "BUS_ERROR", "SYSCALL"):
        assert traps[C[cause]] > 5, (cause, traps)
    assert c["retired_by_ring"][3 + 1] > 1000 and c["retired_by_ring"][1 + 1] > 1000
    assert py.get_cpu(0).regs[21] > 100         # s5: the code page's routine ran
    assert records > 1000
    if interval:
        assert sum(c["interrupts_by_line"]) > 10
    if watch:
        assert watch_stops > 10
