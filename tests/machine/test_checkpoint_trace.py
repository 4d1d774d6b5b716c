"""Checkpoint/restore equivalence and step-diff tracing, on each engine."""
from __future__ import annotations

import io

import pytest

from ringvm.emulator.machine.console import Console
from ringvm.emulator.engine import MachineConfig
from ringvm.emulator.machine import Machine
from ringvm.emulator.machine.trace import Tracer, parse_flags
from ringvm.errors import UserError
from ringvm.isa import ISA

SECTOR = ISA.machine["disk_sector"]


def _image(tmp_path):
    p = tmp_path / "disk.img"
    p.write_bytes(b"".join(f"sector-{i}".encode().ljust(SECTOR, b"\0") for i in range(4)))
    return p


def _final(m, r):
    return (r.kind, r.exit_code, m.counters(), [m.cpu(i) for i in range(m.config.ncpus)],
            bytes(m.ram))


@pytest.mark.parametrize("split", [1, 7, 150, 2300])
def test_checkpoint_restore_equivalence(make_machine, guest_src, engine_kind, tmp_path, split):
    img = _image(tmp_path)
    cfg = MachineConfig(ncpus=2)
    # uninterrupted
    a = make_machine(guest_src.DISK, disk=str(img), disk_snapshot=True, config=cfg)
    ra = a.run(max_steps=1_000_000)
    assert ra.kind == "halt"
    # interrupted at `split`, checkpointed, restored in a fresh Machine
    b = make_machine(guest_src.DISK, disk=str(img), disk_snapshot=True, config=cfg)
    rb = b.run(max_steps=split)
    assert rb.kind == "max_steps"
    ck = tmp_path / "m.ckpt"
    b.checkpoint(ck)
    out_before = b.console.output
    b.close()
    c = Machine.from_checkpoint(ck, engine_kind, console=Console(mode="none", capture=True))
    try:
        rc = c.run(max_steps=1_000_000)
        assert out_before + c.console.output == a.console.output
        assert c.steps == a.steps
        assert _final(c, rc) == _final(a, ra)
    finally:
        c.close()


def test_checkpoint_keeps_scripted_input(make_machine, guest_src, engine_kind, tmp_path):
    a = make_machine(guest_src.ECHO, input=b"some input text")
    ra = a.run()
    b = make_machine(guest_src.ECHO, input=b"some input text")
    b.run(max_steps=40)
    ck = tmp_path / "e.ckpt"
    b.checkpoint(ck)
    c = Machine.from_checkpoint(ck, engine_kind,
                                console=Console(input=b"some input text", capture=True))
    rc = c.run()
    c.close()
    assert b.console.output + c.console.output == a.console.output == b"some input text"
    assert rc.exit_code == ra.exit_code


def test_bad_checkpoint_file(tmp_path, engine_kind):
    p = tmp_path / "x.ckpt"
    p.write_bytes(b"not a checkpoint")
    with pytest.raises(UserError, match="not a ringvm checkpoint"):
        Machine.from_checkpoint(p, engine_kind)
    with pytest.raises(UserError, match="cannot read"):
        Machine.from_checkpoint(tmp_path / "missing", engine_kind)


# ---------------------------------------------------------------- tracing
def test_parse_flags():
    assert parse_flags("insn,trap") == {"insn", "trap"}
    assert parse_flags("all") == {"insn", "trap", "tlb", "mmio", "vm", "irq"}
    with pytest.raises(UserError, match="unknown trace flag"):
        parse_flags("insn,bogus")


def test_trace_lines(make_machine, guest_src):
    m = make_machine(guest_src.TRACE)
    buf = io.StringIO()
    m.tracer = Tracer(m, parse_flags("all"), buf)
    r = m.run(max_steps=1000)
    assert r.exit_code == 7
    lines = buf.getvalue().splitlines()
    insn = [ln for ln in lines if " insn " in ln]
    assert insn[0].startswith("cpu0 @0 insn r0 ")
    assert any("tlbwi" in ln for ln in insn)
    assert any("csrrw" in ln and "tvec" in ln for ln in insn)
    tlb = [ln for ln in lines if " tlb " in ln]
    assert len(tlb) == 1 and "[3] <- vpn=0x00005 asid=1 vmid=0 pfn=0x00005 flags=VRW" in tlb[0]
    trap = [ln for ln in lines if " trap " in ln]
    assert len(trap) == 1 and "SYSCALL" in trap[0] and "-> ring 0" in trap[0]
    mmio = [ln for ln in lines if " mmio " in ln]
    assert mmio == [mmio[0]] and "write sysctl.HALT <- 0x00000007" in mmio[0]
    # one insn line per retired instruction
    assert len(insn) == m.counters()["cpus"][0]["retired"]


def test_trace_python_device_mmio_and_irq(make_machine, guest_src, tmp_path):
    p = _image(tmp_path)
    m = make_machine(guest_src.DISK, disk=str(p), disk_snapshot=True)
    buf = io.StringIO()
    m.tracer = Tracer(m, {"mmio", "irq"}, buf)
    r = m.run()
    assert r.kind == "halt"
    text = buf.getvalue()
    assert "write disk.CMD <- 0x00000001" in text
    assert "read  disk.STATUS -> 0x00000001" in text
    assert "write console.DATA <- 0x00000031" in text
    assert "DISK pending" in text and "DISK cleared" in text


def test_trace_matches_untraced_run(make_machine, guest_src):
    a = make_machine(guest_src.ECHO, input=b"xyz")
    ra = a.run()
    b = make_machine(guest_src.ECHO, input=b"xyz")
    b.tracer = Tracer(b, {"insn"}, io.StringIO())
    rb = b.run()
    assert (ra.exit_code, ra.steps, a.counters()) == (rb.exit_code, rb.steps, b.counters())


@pytest.mark.parametrize("split", [500, 2000])
def test_checkpoint_bundled_hello(engine_kind, tmp_path, split):
    """The bundled hello guest (timer interrupts, TLB refills, ring 3) continues
    identically after a checkpoint; the checkpoint may even switch engines."""
    from ringvm.emulator.engine import available_engines
    from ringvm.emulator.images import resolve
    elf = resolve("hello").elf

    def fresh():
        m = Machine(MachineConfig(), engine_kind, console=Console(mode="none", capture=True))
        m.load_elf(elf)
        return m
    a = fresh()
    ra = a.run(max_steps=5_000_000)
    assert ra.kind == "halt" and ra.exit_code == 0
    b = fresh()
    assert b.run(max_steps=split).kind == "max_steps"
    b.checkpoint(tmp_path / "h.ckpt")
    for kind in available_engines():
        c = Machine.from_checkpoint(tmp_path / "h.ckpt", kind,
                                    console=Console(mode="none", capture=True))
        rc = c.run(max_steps=5_000_000)
        assert b.console.output + c.console.output == a.console.output
        assert _final(c, rc) == _final(a, ra)
        c.close()
    a.close()
    b.close()


IPI = """
.text
.global _start
_start:
    la   t0, second
    li   t1, IPI_START_PC
    sw   t0, 0(t1)
    li   t0, 1
    li   t1, IPI_START
    sw   t0, 0(t1)
    li   t1, IPI_SEND
    sw   t0, 0(t1)
1:  j    1b
second:
    li   t0, IPI_ACK
    sw   zero, 0(t0)
    li   t0, SYSCTL_HALT
    li   t1, 5
    sw   t1, 0(t0)
"""


def test_trace_second_cpu_ipi(make_machine):
    m = make_machine(IPI, config=MachineConfig(ncpus=2))
    buf = io.StringIO()
    m.tracer = Tracer(m, {"irq", "mmio"}, buf)
    r = m.run(max_steps=10_000)
    assert r.kind == "halt" and r.exit_code == 5 and r.cpu == 1
    lines = buf.getvalue().splitlines()
    assert "mmio write ipi.SEND <- 0x00000001" in lines[2]
    assert lines[3] == "cpu1 @0 irq  IPI pending"
    assert any(ln.startswith("cpu1 ") and "IPI cleared" in ln for ln in lines)
    assert lines[-1].startswith("cpu1 ") and "sysctl.HALT <- 0x00000005" in lines[-1]
