"""Differential test: random instruction streams run on the Python reference engine and
the native engine in lockstep (``run(1)``), comparing the complete ``get_cpu()`` state
and the counters after every step.

The streams cover ALU ops, loads/stores (misaligned, unmapped useg, kseg from ring > 0,
device pages, bus errors), branches and jumps, CSR ops (some privileged, unknown or
read-only), TLB instructions, syscall/hcall/break/rfe/wfi/getst, raw random words, and
start in ring -1, 0, 1 or 3 or in a guest (V = 1) with random ``hctl`` bits, with a
random timer and interrupt enables. Trap handlers (ring 0 and ring -1) skip the trapping
instruction so a stream keeps going.
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
H0 = 0x1000          # ring-0 handler (host and guest: hbase = 0)
HH = 0x2000          # ring -1 handler
CODE = 0x10000       # stream (useg vpn 0x10, kseg 0x80010000)
DATA = 0x30000       # useg data, U RW
KDATA = 0x50000      # useg, R only, no U
DEVMAP = 0x60000     # useg page mapped to the console device
NTLB = 16
STEPS = 60
#: RINGVM_LONG_DIFFERENTIAL=N: N times the examples and steps (the benchmark machine)
SCALE = max(int(os.environ.get("RINGVM_LONG_DIFFERENTIAL", "0") or 0), 1)

#: base registers for memory operands (never destinations of the stream)
BASES = {7: KSEG + DEV["ipi"], 8: DATA + 0x40, 9: KSEG + DATA + 0x80, 10: 0x40000,
         11: KSEG + DEV["console"], 12: KSEG + RAM, 13: KDATA, 14: DEVMAP,
         15: KSEG + DEV["timer"]}
DESTS = [0, 1, 2, 3, 4, 5, 6] + list(range(16, 31))
CSRS = ["status", "scratch", "epc", "cause", "badvaddr", "ienable", "ipend", "asid",
        "tlbidx", "tlbhi", "tlblo", "wired", "cpuid", "cycle", "cycleh", "tvec", "hstatus",
        "hscratch", "hctl", "hgpa", "gstatus", "gipend", "gasid", "tlbvmid"]
CSR_NUMS = [CSR[n] for n in CSRS] + [0x7F0, 0x020, 0x3FF]


def enc(mn: str, **kw) -> int:
    return ISA.instructions[mn].encode(**kw)


def _by_class(cls):
    return [mn for mn, i in ISA.instructions.items() if i.cls == cls]


ALU, ALUI, LOADS, STORES = _by_class("alu"), _by_class("alui"), _by_class("load"), _by_class("store")
BRANCHES = _by_class("branch")
SYSTEM = _by_class("system") + _by_class("tlb")

reg = st.integers(0, 31)
dest = st.sampled_from(DESTS)
base = st.sampled_from(sorted(BASES))


@st.composite
def instruction(draw) -> int:
    kind = draw(st.sampled_from(["alu", "alu", "alui", "alui", "load", "load", "store",
                                 "store", "branch", "jump", "csr", "csr", "system", "system", "system",
                                 "system", "cas", "raw"]))
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
    if kind in ("load", "store"):
        mn = draw(st.sampled_from(LOADS if kind == "load" else STORES))
        off = draw(st.integers(-8, 12))
        if kind == "load":
            return enc(mn, rd=draw(dest), rs1=draw(base), imm=off)
        return enc(mn, rs2=draw(reg), rs1=draw(base), imm=off)
    if kind == "cas":
        return enc("cas", rd=draw(dest), rs2=draw(reg), rs1=draw(base))
    if kind == "branch":
        return enc(draw(st.sampled_from(BRANCHES)), rs1=draw(reg), rs2=draw(reg),
                   imm=draw(st.integers(-3, 6)))
    if kind == "jump":
        mn = draw(st.sampled_from(["j", "jal", "jalr"]))
        if mn == "jalr":
            return enc("jalr", rd=draw(dest), rs1=draw(st.sampled_from([0, 8, 9, 1])),
                       imm=draw(st.integers(-4, 8)))
        return enc(mn, imm=draw(st.integers(1, 6)))
    if kind == "csr":
        mn = draw(st.sampled_from(["csrrw", "csrrs", "csrrc"]))
        return enc(mn, rd=draw(dest), imm=draw(st.sampled_from(CSR_NUMS)), rs1=draw(reg))
    if kind == "system":
        mn = draw(st.sampled_from(SYSTEM))
        ins = ISA.instructions[mn]
        kw = {}
        if "rd" in ins.operand_fields:
            kw["rd"] = draw(dest)
        if "rs1" in ins.operand_fields:
            kw["rs1"] = draw(reg)
        return enc(mn, **kw)
    return draw(st.integers(0, 0xFFFF_FFFF))


def _image(stream: list[int]) -> bytearray:
    ram = bytearray(RAM)

    def put(addr, words):
        for i, w in enumerate(words):
            ram[addr + 4 * i:addr + 4 * i + 4] = w.to_bytes(4, "little")

    put(H0, [enc("csrrs", rd=T6, imm=CSR["epc"], rs1=0), enc("addi", rd=T6, rs1=T6, imm=4),
             enc("csrrw", rd=0, imm=CSR["epc"], rs1=T6), enc("rfe")])
    put(HH, [enc("csrrs", rd=T6, imm=CSR["hepc"], rs1=0), enc("addi", rd=T6, rs1=T6, imm=4),
             enc("csrrw", rd=0, imm=CSR["hepc"], rs1=T6), enc("rfe")])
    put(CODE, stream + [enc("j", imm=0)])
    for i in range(0, 0x100, 4):
        put(DATA + i, [(i * 0x01010101 + 0x9E3779B9) & 0xFFFF_FFFF])
        put(KDATA + i, [i])
    return ram


@st.composite
def start_state(draw):
    """(mode name, CpuState) for the first CPU."""
    mode = draw(st.sampled_from(["r0", "r0k", "r1", "r3", "r3", "hyp", "guest0", "guest3",
                                 "guest0"]))
    s = CpuState()
    value = st.one_of(st.sampled_from([0, 1, 0xFFFF_FFFF, 0x8000_0000, 4, 0x7FFF_FFFF]),
                      st.integers(0, 0xFFFF_FFFF))
    s.regs = [0] + [draw(value) for _ in range(31)]
    for r, v in BASES.items():
        s.regs[r] = v
    s.csr = {CSR[n]: 0 for n in ("status", "tvec", "epc", "cause", "badvaddr", "scratch",
                                 "ienable", "ipend", "asid", "tlbidx", "tlbhi", "tlblo",
                                 "wired", "cpuid")}
    s.gcsr = dict(s.csr)
    lines = draw(st.integers(0, 0x1F))
    s.csr[CSR["tvec"]] = KSEG + H0
    s.csr[CSR["wired"]] = 8
    s.csr[CSR["status"]] = IE if draw(st.booleans()) else 0
    s.csr[CSR["ienable"]] = lines
    s.csr[CSR["asid"]] = draw(st.integers(0, 3))
    s.csr[CSR["tlbhi"]] = 0x70000 | draw(st.integers(0, 3))
    s.csr[CSR["tlblo"]] = draw(st.sampled_from([DATA, KDATA, 0x40001000, 0x7F000000])) | \
        draw(st.integers(0, 0x3F))
    s.csr[CSR["tlbidx"]] = draw(st.integers(0, 40))
    for n in ("hstatus", "hvec", "hepc", "hcause", "hbadvaddr", "hscratch", "hctl", "hvmid",
              "hbase", "hlimit", "hgpa", "hinsn", "hqual", "tlbvmid"):
        s.csr[CSR[n]] = 0
    s.csr[CSR["hvec"]] = KSEG + HH
    s.csr[CSR["hvmid"]] = 1
    s.csr[CSR["hlimit"]] = draw(st.sampled_from([RAM, 0x40000]))
    s.csr[CSR["tlbvmid"]] = draw(st.sampled_from([0, 1, 2]))
    s.gcsr[CSR["tvec"]] = KSEG + H0
    s.gcsr[CSR["wired"]] = 8
    s.gcsr[CSR["status"]] = IE if draw(st.booleans()) else 0
    s.gcsr[CSR["ienable"]] = draw(st.integers(0, 0x1F))
    s.gcsr[CSR["ipend"]] = draw(st.sampled_from([0, 0x10]))
    s.gcsr[CSR["asid"]] = draw(st.integers(0, 3))
    s.gcsr[CSR["tlbhi"]] = s.csr[CSR["tlbhi"]]
    s.gcsr[CSR["tlblo"]] = s.csr[CSR["tlblo"]]
    s.ipend = draw(st.sampled_from([0, 0, 0x8, 0x4, 0x1]))
    s.timer = (draw(st.integers(0, 80)), draw(st.sampled_from([0, 0, 7, 25])),
               draw(st.sampled_from([0, 0, 1])))
    tlb = [TlbEntry() for _ in range(NTLB)]
    for vmid, at in ((0, 0), (1, 4)):
        tlb[at + 0] = TlbEntry(CODE >> 12, 0, vmid, CODE >> 12, V | R | X | U | G)
        tlb[at + 1] = TlbEntry(DATA >> 12, 0, vmid, DATA >> 12, V | R | W | U | G)
        tlb[at + 2] = TlbEntry(KDATA >> 12, 0, vmid, KDATA >> 12, V | R | G)
        tlb[at + 3] = TlbEntry(DEVMAP >> 12, 0, vmid, DEV["console"] >> 12, V | R | W | U | G)
    if draw(st.booleans()):   # a duplicate-prone extra entry
        tlb[9] = TlbEntry(DATA >> 12, draw(st.integers(0, 3)), draw(st.integers(0, 1)),
                          KDATA >> 12, draw(st.integers(0, 0x3F)))
    s.tlb = tlb
    s.pc = CODE
    if mode == "r0":
        s.ring = 0
    elif mode == "r0k":
        s.ring, s.pc = 0, KSEG + CODE
    elif mode == "r1":
        s.ring = 1
    elif mode == "r3":
        s.ring = 3
    elif mode == "hyp":
        s.ring = -1
        s.pc = draw(st.sampled_from([CODE, KSEG + CODE]))
        s.csr[CSR["hstatus"]] = (7 << PRING_SHIFT) | (IE if draw(st.booleans()) else 0)
    else:
        s.v = 1
        s.ring = 0 if mode == "guest0" else 3
        s.csr[CSR["hctl"]] = draw(st.integers(0, 0xFF))
        s.csr[CSR["hstatus"]] = PV | (s.ring << PRING_SHIFT)
    return mode, s


def _engines(stream, ncpus=1, quantum=None):
    cfg = MachineConfig(ram_size=RAM, ncpus=ncpus, tlb_entries=NTLB)
    if quantum:
        cfg.quantum = quantum
    return (python_engine.PythonEngine(cfg, _image(stream)),
            native.NativeEngine(cfg, _image(stream)))


def _state(e, cpu=0):
    return dataclasses.asdict(e.get_cpu(cpu))


def _diff(a: dict, b: dict) -> str:
    out = []
    for k in a:
        if a[k] != b[k]:
            if isinstance(a[k], dict):
                ks = sorted(set(a[k]) | set(b[k]))
                out.append(f"{k}: " + ", ".join(
                    f"{ISA.csr_name(n) if isinstance(n, int) else n}: "
                    f"py={a[k].get(n)!r} native={b[k].get(n)!r}"
                    for n in ks if a[k].get(n) != b[k].get(n)))
            elif isinstance(a[k], list) and len(a[k]) == len(b[k]):
                out.append(f"{k}: " + ", ".join(f"[{i}] py={x!r} native={y!r}"
                                                for i, (x, y) in enumerate(zip(a[k], b[k]))
                                                if x != y))
            else:
                out.append(f"{k}: py={a[k]!r} native={b[k]!r}")
    return "; ".join(out)


def run_lockstep(stream, mode, state, steps=STEPS * SCALE, second=None, quantum=None):
    ncpus = 2 if second is not None else 1
    py, nat = _engines(stream, ncpus, quantum)
    for cpu, st_ in enumerate([state, second][:ncpus]):
        py.set_cpu(cpu, st_)
        nat.set_cpu(cpu, st_)
        assert _state(py, cpu) == _state(nat, cpu), \
            "set_cpu round trip: " + _diff(_state(py, cpu), _state(nat, cpu))
    for step in range(steps):
        before = _state(py)
        a, b = py.run(1), nat.run(1)
        ctx = (f"mode {mode}, step {step}, cpu0 pc 0x{before['pc']:08x} ring {before['ring']} "
               f"v {before['v']}")
        assert (a.reason, a.steps, a.exit_code, a.cpu) == (b.reason, b.steps, b.exit_code, b.cpu), \
            f"{ctx}: stop py={a} native={b}"
        for cpu in range(ncpus):
            sa, sb = _state(py, cpu), _state(nat, cpu)
            assert sa == sb, f"{ctx}: cpu {cpu}: {_diff(sa, sb)}"
        ca, cb = py.counters(), nat.counters()
        assert ca == cb, f"{ctx}: counters " + " ".join(
            _diff(x, y) for x, y in zip(ca['cpus'], cb['cpus'])) + \
            f" {_diff(ca['devices'], cb['devices'])}"
        if a.reason in (StopReason.HALT, StopReason.MACHINE_CHECK, StopReason.IDLE):
            break
        if a.reason is StopReason.MMIO:    # no Python devices here: cannot happen
            pytest.fail(f"{ctx}: unexpected MMIO stop")
    assert py.console_output() == nat.console_output()
    assert bytes(py.ram) == bytes(nat.ram), "RAM differs"


@settings(max_examples=300 * SCALE, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(stream=st.lists(instruction(), min_size=8, max_size=40), start=start_state())
def test_random_streams_match_reference(stream, start):
    mode, state = start
    run_lockstep(stream, mode, state)


@settings(max_examples=120 * SCALE, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(stream=st.lists(instruction(), min_size=8, max_size=40), start=start_state(),
       second=start_state(), quantum=st.integers(1, 9),
       mode1=st.sampled_from(["running", "running", "waiting", "stopped"]))
def test_two_cpus_match_reference(stream, start, second, quantum, mode1):
    """Two CPUs round-robin with a small quantum: scheduling, IPIs (SEND/START through
    the IPI device in the base registers), waiting and stopped CPUs."""
    mode, state = start
    s1 = second[1]
    s1.mode = mode1
    s1.csr[CSR["cpuid"]] = 1
    run_lockstep(stream, mode, state, steps=STEPS * SCALE, second=s1, quantum=quantum)


def test_snapshot_crosses_engines():
    """A snapshot taken from one engine restores into the other and both continue alike."""
    stream = [enc("addi", rd=5, rs1=5, imm=3), enc("sw", rs2=5, rs1=8, imm=0),
              enc("syscall"), enc("lw", rd=6, rs1=10, imm=0), enc("j", imm=-4)]
    mode, state = "r3", None
    py, nat = _engines(stream)
    s = CpuState(pc=CODE, ring=3)
    s.regs = [0] * 32
    for r, v in BASES.items():
        s.regs[r] = v
    s.csr = {CSR["tvec"]: KSEG + H0}
    s.tlb = [TlbEntry(CODE >> 12, 0, 0, CODE >> 12, V | R | X | U | G),
             TlbEntry(DATA >> 12, 0, 0, DATA >> 12, V | R | W | U | G)]
    s.timer = (30, 20, 1)
    s.csr[CSR["ienable"]] = 1
    py.set_cpu(0, s)
    py.schedule_line(0, 2, 45)
    py.console_input(b"hi")
    py.run(37)
    snap = py.snapshot()
    nat.restore(snap)
    nat.ram[:] = py.ram
    assert nat.snapshot() == snap
    for _ in range(5):
        a, b = py.run(17), nat.run(17)
        assert (a.reason, a.steps) == (b.reason, b.steps)
        assert _state(py) == _state(nat)
    assert py.snapshot() == nat.snapshot()
    py.restore(nat.snapshot())
    assert py.snapshot() == nat.snapshot()
    del mode, state
