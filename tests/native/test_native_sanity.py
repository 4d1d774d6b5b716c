"""Quick checks of the native engine alone: guest input never crashes the host, the
translation cache never serves a stale or bogus mapping, and the run loop's stop
reasons behave as engine.py says."""
from __future__ import annotations

import random

import pytest

from ringvm.emulator.engine import CpuState, MachineConfig, StopReason, TlbEntry
from ringvm.isa import ISA

native = pytest.importorskip("ringvm.emulator.engine.native")

CSR = {name: c.number for name, c in ISA.csrs.items()}
KSEG = ISA.memory["kseg_base"]
V, R, W, X, U, G = (1 << i for i in range(6))
RAM = 1 << 18


def enc(mn, **kw):
    return ISA.instructions[mn].encode(**kw)


def put(ram, addr, words):
    for i, w in enumerate(words):
        ram[addr + 4 * i:addr + 4 * i + 4] = (w & 0xFFFF_FFFF).to_bytes(4, "little")


def engine(ram_size=RAM, **kw):
    ram = bytearray(ram_size)
    return native.NativeEngine(MachineConfig(ram_size=ram_size, **kw), ram), ram


def skip_handler(ram, at=0x1000):
    """ring-0 handler at physical `at`: epc += 4; rfe."""
    put(ram, at, [enc("csrrs", rd=31, imm=CSR["epc"], rs1=0), enc("addi", rd=31, rs1=31, imm=4),
                  enc("csrrw", rd=0, imm=CSR["epc"], rs1=31), enc("rfe")])
    return KSEG + at


@pytest.mark.parametrize("target", [1, 2, 3, 0x801, 0xFFE])
def test_misaligned_pc_traps_and_never_touches_the_cache(target):
    e, ram = engine()
    tvec = skip_handler(ram)
    s = e.get_cpu(0)
    s.csr[CSR["tvec"]] = tvec
    s.pc = target
    s.tlb = [TlbEntry(0, 0, 0, 0, V | R | X | G)]
    e.set_cpu(0, s)
    e.run(1)
    c = e.get_cpu(0)
    assert c.gcsr is not None and c.csr[CSR["cause"]] == ISA.causes["MISALIGNED_FETCH"].value
    assert c.csr[CSR["badvaddr"]] == target and c.pc == tvec


def test_random_memory_never_crashes():
    """Run random RAM contents in every ring and in guests: every fault becomes a trap or
    a stop (a crash here kills the test process)."""
    rng = random.Random(1234)
    for trial in range(40):
        e, ram = engine(ncpus=2, tlb_entries=8, python_device_pages=(0x40003000,))
        ram[:] = rng.randbytes(RAM)
        for cpu in range(2):
            s = CpuState()
            s.regs = [0] + [rng.getrandbits(32) for _ in range(31)]
            s.pc = rng.choice([0x100, KSEG + 0x200, rng.getrandbits(32) & ~3])
            s.ring = rng.choice([-1, 0, 1, 3])
            s.v = 1 if s.ring >= 0 and rng.random() < 0.4 else 0
            s.csr = {n: rng.getrandbits(32) for n in list(range(0x100, 0x10D)) + list(range(0x200, 0x20E))}
            s.csr[CSR["tvec"]] = KSEG + 0x1000
            s.csr[CSR["hvec"]] = KSEG + 0x2000
            s.gcsr = {n: rng.getrandbits(32) for n in range(0x100, 0x10D)}
            s.gcsr[CSR["tvec"]] = KSEG + 0x1000
            s.tlb = [TlbEntry(rng.getrandbits(20) & 0x3F, rng.getrandbits(8) & 3, rng.getrandbits(1),
                              rng.getrandbits(20), rng.getrandbits(6)) for _ in range(8)]
            s.timer = (rng.getrandbits(8), rng.getrandbits(4), rng.getrandbits(1))
            s.mode = "running"
            e.set_cpu(cpu, s)
        e.console_input(b"abc")
        for _ in range(50):
            r = e.run(2000)
            if r.reason is StopReason.MMIO:
                e.complete_mmio(rng.getrandbits(32), bus_error=rng.random() < 0.3)
            elif r.reason is not StopReason.MAX_STEPS:
                break
        e.snapshot()


def test_tlb_change_invalidates_the_translation_cache():
    """Load through a useg page, remap it with tlbwi, load again: the new frame is read."""
    e, ram = engine()
    put(ram, 0x3000, [0x11111111])
    put(ram, 0x4000, [0x22222222])
    prog = [enc("lw", rd=5, rs1=8, imm=0),
            enc("csrrw", rd=0, imm=CSR["tlblo"], rs1=9),
            enc("tlbwi"),
            enc("lw", rd=6, rs1=8, imm=0),
            enc("j", imm=0)]
    put(ram, 0x100, prog)
    s = e.get_cpu(0)
    s.pc = KSEG + 0x100
    s.regs[8] = 0x7000
    s.regs[9] = 0x4000 | V | R
    s.csr[CSR["tlbhi"]] = 0x7000
    s.tlb = [TlbEntry(7, 0, 0, 3, V | R)]
    e.set_cpu(0, s)
    e.run(5)
    c = e.get_cpu(0)
    assert (c.regs[5], c.regs[6]) == (0x11111111, 0x22222222)
    assert e.counters()["cpus"][0]["tlb_hits"] == 2


def test_halt_max_steps_and_idle():
    e, ram = engine()
    put(ram, 0, [enc("addi", rd=10, rs1=0, imm=42), enc("lui", rd=5, imm=0xC000),
                 enc("sw", rs2=10, rs1=5, imm=0)])
    s = e.get_cpu(0)
    s.pc = KSEG
    e.set_cpu(0, s)
    r = e.run(2)
    assert (r.reason, r.steps) == (StopReason.MAX_STEPS, 2)
    r = e.run(100)
    assert (r.reason, r.steps, r.exit_code) == (StopReason.HALT, 1, 42)
    assert e.run(100).steps == 0
    e2, ram2 = engine()
    put(ram2, 0, [enc("wfi")])
    e2.set_cpu(0, s)
    r = e2.run(1000)
    assert (r.reason, r.steps) == (StopReason.IDLE, 1)


def test_every_fixed_field_bit_is_decoded_like_the_isa_table():
    """Flip each fixed (non-operand) bit of every instruction: the native engine traps
    ILLEGAL exactly when ISA.decode finds no instruction."""
    ill = ISA.causes["ILLEGAL"].value
    words = []
    for ins in ISA.instructions.values():
        for bit in range(32):
            if ins.mask >> bit & 1:
                words.append(ins.match ^ (1 << bit))
    e, ram = engine()
    tvec = skip_handler(ram)
    put(ram, 0x10000, words)
    s = e.get_cpu(0)
    s.csr[CSR["tvec"]] = tvec
    s.ring = -1                      # most privileged: only decoding can trap ILLEGAL
    s.csr[CSR["hvec"]] = tvec
    s.csr[CSR["hvmid"]] = 1          # (vmenter with hvmid 0 is ILLEGAL by definition)
    e.set_cpu(0, s)
    for i, w in enumerate(words):
        s = e.get_cpu(0)
        s.pc = KSEG + 0x10000 + 4 * i
        s.ring, s.v, s.mode = -1, 0, "running"
        s.csr[CSR["hcause"]] = 0
        e.set_cpu(0, s)
        e.run(1)
        c = e.get_cpu(0)
        trapped_illegal = c.csr[CSR["hcause"]] == ill and c.pc == tvec
        d = ISA.decode(w)
        if d is None:
            assert trapped_illegal, f"word 0x{w:08x} is no instruction"
        elif d[0].cls != "csr":      # CSR ops may be ILLEGAL by meaning (read-only, unknown)
            assert not trapped_illegal, f"word 0x{w:08x} is {d[0].mnemonic}"
