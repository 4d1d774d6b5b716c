"""Fixtures for Machine-layer tests: tiny guests written inline, built on the fly.

Test guests do not include ``guests/lib/ringvm.inc``: :data:`PRELUDE` defines the few
constants they need straight from the ISA tables, so the tests depend only on the ISA.
"""
from __future__ import annotations

import pytest

from ringvm.isa import ISA

ENGINES = ["python", "native"]
KSEG = ISA.memory["kseg_base"]


def _prelude() -> str:
    lines = [f".equ KSEG, {KSEG:#x}"]
    for dev in ISA.devices.values():
        for r in dev.registers:
            lines.append(f".equ {dev.name.upper()}_{r.name}, {dev.base + r.offset + KSEG:#x}")
        lines.append(f".equ {dev.name.upper()}_PAGE, {dev.base + KSEG:#x}")
    for n in ISA.interrupts.values():
        lines.append(f".equ IRQB_{n.name}, {1 << n.value:#x}")
    return "\n".join(lines) + "\n"


PRELUDE = _prelude()

#: halts with exit code 42
HALT42 = """
.text
.global _start
_start:
    li   t0, SYSCTL_HALT
    li   t1, 42
    sw   t1, 0(t0)
1:  j    1b
"""

#: interrupt-driven echo: waits (wfi) for console input, echoes it, halts at EOF with
#: the number of bytes echoed
ECHO = """
.text
.global _start
_start:
    li   t0, CONSOLE_CTRL
    li   t1, 1
    sw   t1, 0(t0)            # RXIE
    li   t1, IRQB_CONSOLE
    csrw ienable, t1          # wfi wakes on it; IE stays 0 (no trap)
    li   s0, 0
wait:
    wfi
drain:
    li   t0, CONSOLE_DATA
    lw   t1, 0(t0)
    li   t2, -1
    beq  t1, t2, empty
    sw   t1, 0(t0)
    addi s0, s0, 1
    j    drain
empty:
    li   t0, CONSOLE_STATUS
    lw   t1, 0(t0)
    andi t1, t1, 4
    beqz t1, wait
    li   t0, SYSCTL_HALT
    sw   s0, 0(t0)
1:  j    1b
"""

#: spins forever
SPIN = """
.text
.global _start
_start:
    addi t0, t0, 1
    j    _start
"""

#: waits for an interrupt that can never come
DEADLOCK = """
.text
.global _start
_start:
    wfi
    j    _start
"""

#: a trap with no trap vector: machine check
NO_VECTOR = """
.text
.global _start
_start:
    syscall
"""

#: disk: READ sectors 1-2 into BUF with the interrupt, report status values, print
#: the first 8 bytes of each sector read, WRITE "HELLO!!!" to sector 0 (polled), halt
#: with the final STATUS.
DISK = """
.equ BUF, 0x10000
.text
.global _start
_start:
    li   s1, DISK_PAGE
    li   t1, 1
    sw   t1, 0x1c(s1)          # CTRL.IE
    li   t1, IRQB_DISK
    csrw ienable, t1
    li   t1, 1
    sw   t1, 0x00(s1)          # SECTOR 1
    li   t1, BUF
    sw   t1, 0x04(s1)          # ADDR
    li   t1, 2
    sw   t1, 0x08(s1)          # COUNT 2
    li   t1, 1
    sw   t1, 0x0c(s1)          # CMD READ
    lw   s2, 0x10(s1)          # BUSY
    wfi
    lw   s3, 0x10(s1)          # DONE
    csrr s4, ipend
    andi s4, s4, IRQB_DISK
    sw   zero, 0x18(s1)        # ACK
    csrr s5, ipend
    andi s5, s5, IRQB_DISK
    lw   s6, 0x10(s1)          # IDLE
    li   t0, CONSOLE_DATA
    addi a0, s2, '0'
    sw   a0, 0(t0)
    addi a0, s3, '0'
    sw   a0, 0(t0)
    addi a0, s4, '0'
    sw   a0, 0(t0)
    addi a0, s5, '0'
    sw   a0, 0(t0)
    addi a0, s6, '0'
    sw   a0, 0(t0)
    li   a0, ' '
    sw   a0, 0(t0)
    li   t2, BUF + KSEG
    call print8
    li   t2, BUF + KSEG + 512
    call print8
    # write "HELLO!!!" to sector 0, interrupt off, polling
    sw   zero, 0x1c(s1)
    li   t2, BUF + KSEG
    li   t1, 0x4c4c4548        # "HELL"
    sw   t1, 0(t2)
    li   t1, 0x2121214f        # "O!!!"
    sw   t1, 4(t2)
    sw   zero, 0x00(s1)        # SECTOR 0
    li   t1, 1
    sw   t1, 0x08(s1)          # COUNT 1
    li   t1, 2
    sw   t1, 0x0c(s1)          # CMD WRITE
    li   t3, 1
1:  lw   t1, 0x10(s1)
    beq  t1, t3, 1b
    li   t0, SYSCTL_HALT
    sw   t1, 0(t0)
2:  j    2b

print8:                        # print 8 bytes at t2
    li   t0, CONSOLE_DATA
    li   t3, 8
1:  lbu  t1, 0(t2)
    sw   t1, 0(t0)
    addi t2, t2, 1
    addi t3, t3, -1
    bnez t3, 1b
    ret
"""

#: trace: set the trap vector, write a TLB entry, syscall, handler halts with 7
TRACE = """
.text
.global _start
_start:
    la   t0, handler
    csrw tvec, t0
    li   t0, 0x5001            # VPN 5, ASID 1
    csrw tlbhi, t0
    li   t0, 0x5007            # PFN 5, V R W
    csrw tlblo, t0
    li   t0, 3
    csrw tlbidx, t0
    tlbwi
    syscall
handler:
    li   t0, SYSCTL_HALT
    li   t1, 7
    sw   t1, 0(t0)
1:  j    1b
"""


def assemble(src: str) -> bytes:
    """ELF bytes of ``src`` with :data:`PRELUDE` prepended."""
    from ringvm.assembler import assemble_source
    return assemble_source(PRELUDE + src, "test.s")


@pytest.fixture(params=ENGINES)
def engine_kind(request) -> str:
    return request.param


@pytest.fixture
def make_machine(engine_kind):
    """``make_machine(src, input=None, **machine_kwargs) -> Machine`` (closed at teardown),
    console captured, the guest loaded."""
    from ringvm.emulator.machine.console import Console
    from ringvm.emulator.engine import MachineConfig
    from ringvm.emulator.machine import Machine

    made = []

    def make(src: str, input: bytes | None = None, config: MachineConfig | None = None,
             **kw):
        con = Console(input=input, mode="scripted" if input is not None else "none",
                      capture=True)
        m = Machine(config or MachineConfig(), engine_kind, console=con, **kw)
        made.append(m)
        m.load_elf(assemble(src))
        return m

    yield make
    for m in made:
        m.close()


@pytest.fixture
def guest_src():
    """Namespace of the inline guest sources above (and ``assemble``)."""
    import types
    return types.SimpleNamespace(HALT42=HALT42, ECHO=ECHO, SPIN=SPIN, DEADLOCK=DEADLOCK,
                                 NO_VECTOR=NO_VECTOR, DISK=DISK, TRACE=TRACE,
                                 PRELUDE=PRELUDE, assemble=assemble)
