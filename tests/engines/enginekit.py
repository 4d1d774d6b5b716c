"""Helpers of the engine suite (imported by the tests; conftest puts this folder on sys.path).

Test programs are ringvm assembly, assembled with the real assembler and placed in RAM
by :func:`boot` (ELF ``PT_LOAD`` segments at their physical addresses). ``PRELUDE``
defines device addresses, CSR-free constants and two macros from the ISA tables:

- ``exit`` stores ``a0`` to sysctl.HALT (the run stops with exit code ``a0``);
- ``trapinfo`` copies cause, epc, badvaddr and status into s0..s3 and exits with 0x77.
"""
from __future__ import annotations


from ringvm.assembler import assemble_source
from ringvm.assembler.elf import read_elf
from ringvm.emulator.engine import MachineConfig, StopReason
from ringvm.emulator.engine import create_engine
from ringvm.isa import ISA

ENGINES = ["python", "native"]
KSEG = ISA.memory["kseg_base"]
RAM = 1 << 20


def _prelude() -> str:
    lines = [f".equ KSEG, {KSEG:#x}"]
    for dev in ISA.devices.values():
        for r in dev.registers:
            lines.append(f".equ {dev.name.upper()}_{r.name}, {dev.base + r.offset + KSEG:#x}")
        lines.append(f".equ {dev.name.upper()}_PAGE, {dev.base + KSEG:#x}")
        lines.append(f".equ {dev.name.upper()}_PHYS, {dev.base:#x}")
    for n in ISA.interrupts.values():
        lines.append(f".equ IRQB_{n.name}, {1 << n.value:#x}")
    for n in ISA.causes.values():
        lines.append(f".equ C_{n.name}, {n.value}")
    for n in ISA.exit_reasons.values():
        lines.append(f".equ X_{n.name}, {n.value}")
    for n in ISA.exit_controls.values():
        lines.append(f".equ H_{n.name}, {1 << n.value:#x}")
    lines += [
        ".macro exit",
        "    li t6, SYSCTL_HALT",
        "    sw a0, 0(t6)",
        ".endm",
        ".macro trapinfo",
        "    csrr s0, cause",
        "    csrr s1, epc",
        "    csrr s2, badvaddr",
        "    csrr s3, status",
        "    li a0, 0x77",
        "    exit",
        ".endm",
    ]
    return "\n".join(lines) + "\n"


PRELUDE = _prelude()
CAUSE = {n.name: n.value for n in ISA.causes.values()}
EXIT = {n.name: n.value for n in ISA.exit_reasons.values()}
REG = ISA.registers
CSR = {name: c.number for name, c in ISA.csrs.items()}


def boot(kind: str, source: str, ncpus: int = 1, ram_size: int = RAM, quantum=None,
         tlb_entries=None, python_device_pages=(), ring=None):
    """Assemble ``source`` (after PRELUDE), load it and return the engine, CPU 0 at
    the entry point in ring 0 (ring -1 with ``.hypervisor``, or ``ring``)."""
    image = read_elf(assemble_source(PRELUDE + source, "test.s"))
    cfg = MachineConfig(ram_size=ram_size, ncpus=ncpus,
                        python_device_pages=tuple(python_device_pages))
    if quantum is not None:
        cfg.quantum = quantum
    if tlb_entries is not None:
        cfg.tlb_entries = tlb_entries
    ram = bytearray(ram_size)
    for seg in image.segments:
        ram[seg.paddr:seg.paddr + len(seg.data)] = seg.data
    eng = create_engine(kind, cfg, ram)
    eng.ram = ram
    eng.symbols = image.symbols
    st = eng.get_cpu(0)
    st.pc = image.entry
    if ring is not None:
        st.ring = ring
    elif image.boot_hypervisor:
        st.ring = -1
    eng.set_cpu(0, st)
    return eng


def run_program(kind: str, source: str, max_steps: int = 100_000, **kw):
    """Boot and run; returns (engine, stop)."""
    eng = boot(kind, source, **kw)
    return eng, eng.run(max_steps)


def reg(eng, name: str, cpu: int = 0) -> int:
    return eng.get_cpu(cpu).regs[REG[name]]


def halted(stop, code=None) -> bool:
    ok = stop.reason == StopReason.HALT
    return ok and (code is None or stop.exit_code == code)


def expect_halt(stop, code=None):
    assert stop.reason == StopReason.HALT, stop
    if code is not None:
        assert stop.exit_code == code, f"exit code {stop.exit_code:#x}, expected {code:#x}"


def expect_trap(eng, stop, cause, epc=None, badvaddr=None):
    """The program's handler (``trapinfo``) ran with these values."""
    expect_halt(stop, 0x77)
    got = reg(eng, "s0")
    assert got == cause, f"cause {ISA.cause_name(got)}, expected {ISA.cause_name(cause)}"
    if epc is not None:
        assert reg(eng, "s1") == epc, f"epc {reg(eng, 's1'):#x}, expected {epc:#x}"
    if badvaddr is not None:
        assert reg(eng, "s2") == badvaddr, f"badvaddr {reg(eng, 's2'):#x}"


#: a ring-0 program skeleton: tvec -> handler (trapinfo), then the body
def with_handler(body: str, handler: str = "trapinfo") -> str:
    return f"""
_start:
    la t0, handler
    csrw tvec, t0
{body}
handler:
    {handler}
"""


def isolated(code: str, timeout: int = 120):
    """Run ``code`` in a fresh interpreter with this folder on sys.path, so that an
    engine that crashes the process (a native bug) fails one test, not the whole run.
    Returns the CompletedProcess; a negative returncode is a signal (-11 = SIGSEGV)."""
    import subprocess
    import sys
    from pathlib import Path
    prefix = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
    return subprocess.run([sys.executable, "-c", prefix + code], capture_output=True,
                          text=True, timeout=timeout)


def expect_clean(proc):
    """``proc`` (from :func:`isolated`) exited 0; otherwise fail with its output."""
    if proc.returncode != 0:
        why = f"crashed with signal {-proc.returncode}" if proc.returncode < 0 else \
            f"exited {proc.returncode}"
        raise AssertionError(f"child {why}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


def boot_elf(kind: str, elf: bytes, ncpus: int = 1, ram_size: int = 32 << 20, **cfg):
    """Boot an ELF image (bytes) the way the loader does (ISA.md §11)."""
    image = read_elf(elf)
    config = MachineConfig(ram_size=ram_size, ncpus=ncpus, **cfg)
    ram = bytearray(ram_size)
    for seg in image.segments:
        ram[seg.paddr:seg.paddr + len(seg.data)] = seg.data
    eng = create_engine(kind, config, ram)
    eng.ram = ram
    eng.symbols = image.symbols
    st = eng.get_cpu(0)
    st.pc = image.entry
    st.ring = -1 if image.boot_hypervisor else 0
    eng.set_cpu(0, st)
    return eng
