"""Differential test of the native engine's block path (native/block.c, dcache.c): random
instruction streams run on the Python reference engine and the native engine in
lockstep, in batches of random sizes, comparing the complete ``get_cpu()`` state, the
counters and the stop after every ``run(k)`` call, and RAM at the end.

Where ``test_differential.py`` steps one instruction per call (so a block never runs
whole), these streams are made for the block path:

- they cross a code page (the stream starts just before a page boundary), loop (branches
  and jumps backwards and forwards, ``jalr`` back to the start), and end with a jump
  back to their start, so blocks are entered at every entry and chained;
- stores go to the stream's own code through a writable alias (self-modifying code,
  the next instruction of the same block included);
- batches of 1..100 steps end mid-block, and timers with short intervals put the next
  timed event mid-block;
- two CPUs with a small quantum run the same code while one rewrites it.

``RINGVM_LONG_DIFFERENTIAL=N`` runs N times as many examples, with longer runs (for
the benchmark machine; the default is sized for CI).
"""
from __future__ import annotations

import dataclasses
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ringvm.emulator.engine import CpuState, MachineConfig, StopReason, TlbEntry
from ringvm.isa import ISA

native = pytest.importorskip("ringvm.emulator.engine.native")
python_engine = pytest.importorskip("ringvm.emulator.engine.python")

LONG = int(os.environ.get("RINGVM_LONG_DIFFERENTIAL", "0") or 0)
SCALE = max(LONG, 1)

CSR = {name: c.number for name, c in ISA.csrs.items()}
KSEG = ISA.memory["kseg_base"]
DEV = {d.name: d.base for d in ISA.devices.values()}
SF = ISA.status_fields
IE = 1 << SF["IE"][1]
PRING_SHIFT = SF["PRING"][1]
PV = 1 << SF["PV"][1]
V, R, W, X, U, G = (1 << i for i in range(6))
T6 = 31

RAM = 0x80000
H0 = 0x1000          # ring-0 handler: skip the trapping instruction
HH = 0x2000          # ring -1 handler
CODE = 0x10000       # two code pages, 0x10000 and 0x11000, useg vpn 0x10/0x11 -> same
ALIAS = 0x20000      # useg vpn 0x20/0x21: the code pages again, writable
DATA = 0x30000       # useg data, U RW
NTLB = 16

#: base registers (never destinations of the stream); 9 and 10 point at the stream
BASES = {7: DATA + 0x40, 8: KSEG + DATA + 0x80, 11: KSEG + DEV["console"]}
CODE_BASES = (9, 10)
LINK = 12            # jalr target: the stream's start
DESTS = [1, 2, 3, 4, 5, 6] + list(range(13, 31))
PLAIN_CSRS = ["scratch", "epc", "cause", "badvaddr", "tlbhi", "tlblo", "tlbidx", "wired"]
OTHER_CSRS = ["status", "ienable", "asid", "cycle", "ipend", "hscratch", "hepc", "cpuid"]


def enc(mn: str, **kw) -> int:
    return ISA.instructions[mn].encode(**kw)


def _by_class(cls):
    return [mn for mn, i in ISA.instructions.items() if i.cls == cls]


ALU, ALUI = _by_class("alu"), _by_class("alui")
LOADS, STORES, BRANCHES = _by_class("load"), _by_class("store"), _by_class("branch")
SYSTEM = _by_class("system") + _by_class("tlb")
#: half the operands come from a few registers, so an instruction often reads what the
#: one before it wrote (the native engine forwards that value in a host register)
FEW = [1, 2, 3, 4]
reg = st.one_of(st.sampled_from(FEW), st.integers(0, 31))
dest = st.one_of(st.sampled_from(FEW), st.sampled_from(DESTS))


@st.composite
def instruction(draw, length: int) -> int:
    kind = draw(st.sampled_from(["alu"] * 3 + ["alui"] * 3 + ["load"] * 2 + ["store"] * 2 +
                                ["code"] * 2 + ["branch"] * 2 + ["jump", "csr", "csr",
                                                                 "system", "raw"]))
    if kind == "alu":
        return enc(draw(st.sampled_from(ALU)), rd=draw(dest), rs1=draw(reg), rs2=draw(reg))
    if kind == "alui":
        mn = draw(st.sampled_from(ALUI))
        ins = ISA.instructions[mn]
        lo, hi = ins.imm.range()
        kw = {"rd": draw(dest), "imm": draw(st.integers(lo, hi))}
        if "rs1" in ins.operand_fields:
            kw["rs1"] = draw(reg)
        return enc(mn, **kw)
    if kind == "load":
        return enc(draw(st.sampled_from(LOADS)), rd=draw(dest),
                   rs1=draw(st.sampled_from(sorted(BASES) + list(CODE_BASES))),
                   imm=draw(st.integers(-8, 12)))
    if kind == "store":
        return enc(draw(st.sampled_from(STORES)), rs2=draw(reg),
                   rs1=draw(st.sampled_from(sorted(BASES))), imm=draw(st.integers(-8, 12)))
    if kind == "code":   # rewrite a word of the stream with another instruction's word
        return enc(draw(st.sampled_from(["sw", "sw", "sh", "sb"])), rs2=draw(reg),
                   rs1=draw(st.sampled_from(CODE_BASES)), imm=4 * draw(st.integers(0, length)))
    if kind == "branch":
        return enc(draw(st.sampled_from(BRANCHES)), rs1=draw(reg), rs2=draw(reg),
                   imm=draw(st.integers(-6, 6)))
    if kind == "jump":
        mn = draw(st.sampled_from(["j", "jal", "jalr"]))
        if mn == "jalr":
            return enc("jalr", rd=draw(dest), rs1=LINK, imm=4 * draw(st.integers(0, length)))
        return enc(mn, imm=draw(st.integers(-6, 6)))
    if kind == "csr":
        name = draw(st.sampled_from(PLAIN_CSRS * 3 + OTHER_CSRS))
        return enc(draw(st.sampled_from(["csrrw", "csrrs", "csrrc"])), rd=draw(dest),
                   imm=CSR[name], rs1=draw(st.sampled_from([0, 0, 1, 2, 3, 20])))
    if kind == "system":
        mn = draw(st.sampled_from(SYSTEM))
        ins = ISA.instructions[mn]
        kw = {f: draw(dest) if f == "rd" else draw(reg) for f in ins.operand_fields}
        return enc(mn, **kw)
    return draw(st.integers(0, 0xFFFF_FFFF))


@st.composite
def program(draw):
    """(stream start offset in the code pages, stream words, start state)."""
    length = draw(st.integers(6, 40))
    stream = [draw(instruction(length)) for _ in range(length)]
    # start a few words before the page boundary: the stream crosses it
    start = 0x1000 - 4 * draw(st.integers(0, length + 2))
    mode = draw(st.sampled_from(["r3", "r3", "r0", "r0k", "hyp", "guest0"]))
    s = CpuState()
    value = st.one_of(st.sampled_from([0, 1, 2, 3, 0xFFFF_FFFF, 0x8000_0000]),
                      st.integers(0, 0xFFFF_FFFF))
    s.regs = [0] + [draw(value) for _ in range(31)]
    for r, v in BASES.items():
        s.regs[r] = v
    kseg = mode in ("r0k", "hyp", "guest0")
    base = (KSEG + CODE if kseg else CODE) + start
    s.regs[9] = ALIAS + start
    s.regs[10] = KSEG + CODE + start
    s.regs[LINK] = base
    names = ("status", "tvec", "epc", "cause", "badvaddr", "scratch", "ienable", "ipend",
             "asid", "tlbidx", "tlbhi", "tlblo", "wired", "cpuid")
    s.csr = {CSR[n]: 0 for n in names}
    s.gcsr = dict(s.csr)
    s.csr[CSR["tvec"]] = s.gcsr[CSR["tvec"]] = KSEG + H0
    s.csr[CSR["wired"]] = s.gcsr[CSR["wired"]] = 8
    s.csr[CSR["status"]] = IE if draw(st.booleans()) else 0
    s.csr[CSR["ienable"]] = draw(st.sampled_from([0, 1, 0x1F]))
    for n in ("hstatus", "hvec", "hepc", "hcause", "hbadvaddr", "hscratch", "hctl", "hvmid",
              "hbase", "hlimit", "hgpa", "hinsn", "hqual", "tlbvmid"):
        s.csr[CSR[n]] = 0
    s.csr[CSR["hvec"]] = KSEG + HH
    s.csr[CSR["hvmid"]] = 1
    s.csr[CSR["hlimit"]] = RAM
    s.timer = (draw(st.integers(0, 300)), draw(st.sampled_from([0, 0, 9, 31, 97])),
               draw(st.sampled_from([0, 1])))
    tlb = [TlbEntry() for _ in range(NTLB)]
    for vmid, at in ((0, 0), (1, 5)):
        for i in range(2):
            page = (CODE >> 12) + i
            tlb[at + i] = TlbEntry(page, 0, vmid, page, V | R | X | U | G)
            tlb[at + 2 + i] = TlbEntry((ALIAS >> 12) + i, 0, vmid, page, V | R | W | U | G)
        tlb[at + 4] = TlbEntry(DATA >> 12, 0, vmid, DATA >> 12, V | R | W | U | G)
    s.tlb = tlb
    s.pc = base
    s.ring = {"r3": 3, "r0": 0, "r0k": 0, "hyp": -1, "guest0": 0}[mode]
    if mode == "hyp":
        s.csr[CSR["hstatus"]] = 7 << PRING_SHIFT
    if mode == "guest0":
        s.v = 1
        s.csr[CSR["hctl"]] = draw(st.sampled_from([0, 0, 0xFF]))
        s.csr[CSR["hstatus"]] = PV
    return start, stream, s


def _image(start: int, stream: list[int]) -> bytearray:
    ram = bytearray(RAM)

    def put(addr, words):
        for i, w in enumerate(words):
            ram[addr + 4 * i:addr + 4 * i + 4] = (w & 0xFFFF_FFFF).to_bytes(4, "little")

    put(H0, [enc("csrrs", rd=T6, imm=CSR["epc"], rs1=0), enc("addi", rd=T6, rs1=T6, imm=4),
             enc("csrrw", rd=0, imm=CSR["epc"], rs1=T6), enc("rfe")])
    put(HH, [enc("csrrs", rd=T6, imm=CSR["hepc"], rs1=0), enc("addi", rd=T6, rs1=T6, imm=4),
             enc("csrrw", rd=0, imm=CSR["hepc"], rs1=T6), enc("rfe")])
    put(CODE + start, stream + [enc("j", imm=-len(stream))])
    for i in range(0, 0x100, 4):
        put(DATA + i, [(i * 0x01010101 + 0x9E3779B9) & 0xFFFF_FFFF])
    return ram


def _state(e, cpu=0):
    return dataclasses.asdict(e.get_cpu(cpu))


def _diff(a, b) -> str:
    return "; ".join(f"{k}: py={a[k]!r} native={b[k]!r}" for k in a if a[k] != b[k])


def run_batches(start, stream, states, batches, quantum=None, breakpoints=()):
    ncpus = len(states)
    cfg = MachineConfig(ram_size=RAM, ncpus=ncpus, tlb_entries=NTLB)
    if quantum:
        cfg.quantum = quantum
    py = python_engine.PythonEngine(cfg, _image(start, stream))
    nat = native.NativeEngine(cfg, _image(start, stream))
    for cpu, s in enumerate(states):
        py.set_cpu(cpu, s)
        nat.set_cpu(cpu, s)
    py.set_breakpoints(set(breakpoints))
    nat.set_breakpoints(set(breakpoints))
    for call, k in enumerate(batches):
        a, b = py.run(k), nat.run(k)
        ctx = f"call {call} (run({k}))"
        assert (a.reason, a.steps, a.exit_code, a.cpu) == (b.reason, b.steps, b.exit_code, b.cpu), \
            f"{ctx}: stop py={a} native={b}"
        for cpu in range(ncpus):
            sa, sb = _state(py, cpu), _state(nat, cpu)
            assert sa == sb, f"{ctx}: cpu {cpu}: {_diff(sa, sb)}"
        assert py.counters() == nat.counters(), f"{ctx}: counters differ"
        if a.reason in (StopReason.HALT, StopReason.MACHINE_CHECK, StopReason.IDLE):
            break
        assert a.reason in (StopReason.MAX_STEPS, StopReason.BREAKPOINT), \
            f"{ctx}: unexpected stop {a}"
    assert py.console_output() == nat.console_output()
    assert bytes(py.ram) == bytes(nat.ram), "RAM differs"


batch = st.sampled_from([1, 2, 3, 4, 5, 7, 11, 16, 23, 40, 64, 100])
runs = st.lists(batch, min_size=5, max_size=30 * SCALE)
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.data_too_large])


@settings(max_examples=150 * SCALE, **SETTINGS)
@given(prog=program(), batches=runs)
def test_streams_run_in_batches_match_the_reference(prog, batches):
    start, stream, state = prog
    run_batches(start, stream, [state], batches)


@settings(max_examples=50 * SCALE, **SETTINGS)
@given(prog=program(), other=program(), batches=runs, quantum=st.integers(1, 40))
def test_two_cpus_sharing_rewritten_code_match_the_reference(prog, other, batches, quantum):
    """CPU 1 runs the same code pages (its own stream position and state), so each CPU
    rewrites code the other has decoded."""
    start, stream, state = prog
    s1 = other[2]
    s1.csr[CSR["cpuid"]] = 1
    s1.pc = state.pc
    for r in (9, 10, LINK):
        s1.regs[r] = state.regs[r]
    run_batches(start, stream, [state, s1], batches, quantum=quantum)


@settings(max_examples=60 * SCALE, **SETTINGS)
@given(prog=program(), batches=runs, at=st.sets(st.integers(0, 44), min_size=1, max_size=3),
       elsewhere=st.booleans())
def test_breakpoints_stop_blocks_where_the_reference_stops(prog, batches, at, elsewhere):
    """Breakpoints on the stream's page (blocks are searched for them) or only on the
    other code page: every stop, and every resume past one, as the reference does."""
    start, stream, state = prog
    if elsewhere:   # armed on the next page, beyond where the stream runs
        points = {(state.pc | 0xFFF) + 1 + 0x800 + 4 * i for i in at}
    else:
        points = {state.pc + 4 * i for i in at}
    run_batches(start, stream, [state], batches, breakpoints=points)
