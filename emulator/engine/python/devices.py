"""The engine-owned ("hot") devices of the Python engine: sysctl, console UART,
per-CPU timer and IPI mailbox (ISA.md §9). Register offsets, bits and values come from
the ISA tables.

Each device is a pair of functions ``read(engine, cpu, offset) -> int`` and
``write(engine, cpu, offset, value)``; an offset with no register raises
:class:`NoRegister` (the caller turns it into a bus error).
"""
from __future__ import annotations

from ringvm.isa import ISA

from .cpu import IE_BIT, LINE, M32, RUNNING, STOPPED

TIMER_BIT = 1 << LINE["TIMER"]
CONSOLE_BIT = 1 << LINE["CONSOLE"]
IPI_BIT = 1 << LINE["IPI"]


def _regs(dev: str) -> dict[str, int]:
    return {r.name: r.offset for r in ISA.devices[dev].registers}


SYS = _regs("sysctl")
CON = _regs("console")
TMR = _regs("timer")
IPI = _regs("ipi")

_CON = ISA.devices["console"]
RXREADY, TXREADY, EOF = (_CON.register("STATUS").mask(b) for b in ("RXREADY", "TXREADY", "EOF"))
RXIE, TXIE = (_CON.register("CTRL").mask(b) for b in ("RXIE", "TXIE"))
DATA_NONE = _CON.register("DATA").value("NONE")
TIMER_ENABLE = ISA.devices["timer"].register("CTRL").mask("ENABLE")


class NoRegister(Exception):
    """The offset names no register of the device."""


class Halt(Exception):
    """A store to sysctl.HALT: the store retires, then the machine stops."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


class Uart:
    """Console UART state: receive queue, EOF flag, control bits, transmit buffer."""

    def __init__(self):
        self.rx = bytearray()
        self.rx_pos = 0
        self.eof = False
        self.ctrl = 0
        self.tx = bytearray()

    def rx_ready(self) -> bool:
        return self.rx_pos < len(self.rx)

    def status(self) -> int:
        ready = self.rx_ready()
        return (RXREADY if ready else 0) | TXREADY | (EOF if self.eof and not ready else 0)

    def line(self) -> bool:
        """RXIE & (RXREADY | EOF) | TXIE & TXREADY (TXREADY is always 1)."""
        rx = self.rx_ready() or (self.eof and not self.rx_ready())
        return bool((self.ctrl & RXIE and rx) or self.ctrl & TXIE)

    def pending_bytes(self) -> bytes:
        return bytes(self.rx[self.rx_pos:])

    def set_rx(self, data: bytes) -> None:
        self.rx = bytearray(data)
        self.rx_pos = 0


# ---------------------------------------------------------------- sysctl
def sysctl_read(eng, cpu, off: int) -> int:
    if off == SYS["HALT"]:
        return 0
    if off == SYS["RAMSIZE"]:
        return eng.ram_size & M32
    if off == SYS["NCPUS"]:
        return len(eng.cpus)
    raise NoRegister


def sysctl_write(eng, cpu, off: int, value: int) -> None:
    if off == SYS["HALT"]:
        raise Halt(value)
    if off in (SYS["RAMSIZE"], SYS["NCPUS"]):
        return
    raise NoRegister


# ---------------------------------------------------------------- console
def console_read(eng, cpu, off: int) -> int:
    u = eng.uart
    if off == CON["DATA"]:
        if u.rx_ready():
            b = u.rx[u.rx_pos]
            u.rx_pos += 1
            if u.rx_pos > 4096 and u.rx_pos * 2 > len(u.rx):
                del u.rx[:u.rx_pos]
                u.rx_pos = 0
            eng.dev_counters["console_rx_bytes"] += 1
            eng.update_console_line()
            return b
        return DATA_NONE
    if off == CON["STATUS"]:
        return u.status()
    if off == CON["CTRL"]:
        return u.ctrl
    raise NoRegister


def console_write(eng, cpu, off: int, value: int) -> None:
    u = eng.uart
    if off == CON["DATA"]:
        u.tx.append(value & 0xFF)
        eng.dev_counters["console_tx_bytes"] += 1
    elif off == CON["STATUS"]:
        pass
    elif off == CON["CTRL"]:
        u.ctrl = value & (RXIE | TXIE)
        eng.update_console_line()
    else:
        raise NoRegister


# ---------------------------------------------------------------- timer (per CPU)
def timer_read(eng, cpu, off: int) -> int:
    if off == TMR["TIMELO"]:
        return cpu.cycle & M32
    if off == TMR["TIMEHI"]:
        return (cpu.cycle >> 32) & M32
    if off == TMR["CMPLO"]:
        return cpu.t_compare & M32
    if off == TMR["CMPHI"]:
        return (cpu.t_compare >> 32) & M32
    if off == TMR["INTERVAL"]:
        return cpu.t_interval
    if off == TMR["CTRL"]:
        return TIMER_ENABLE if cpu.t_enabled else 0
    if off == TMR["ACK"]:
        return 0
    raise NoRegister


def timer_write(eng, cpu, off: int, value: int) -> None:
    if off == TMR["CMPLO"]:
        cpu.t_compare = (cpu.t_compare & ~M32) | value
    elif off == TMR["CMPHI"]:
        cpu.t_compare = (cpu.t_compare & M32) | (value << 32)
    elif off == TMR["INTERVAL"]:
        cpu.t_interval = value
        if value > 0:
            cpu.t_compare = cpu.cycle + value
    elif off == TMR["CTRL"]:
        cpu.t_enabled = 1 if value & TIMER_ENABLE else 0
    elif off == TMR["ACK"]:
        cpu.ipend &= ~TIMER_BIT
        cpu.pending = cpu.ipend | cpu.level
    elif off in (TMR["TIMELO"], TMR["TIMEHI"]):
        pass
    else:
        raise NoRegister
    cpu.update_next_event()


# ---------------------------------------------------------------- IPI mailbox
def ipi_read(eng, cpu, off: int) -> int:
    if off == IPI["START_PC"]:
        return eng.start_pc
    if off == IPI["SELF"]:
        return cpu.index
    if off in (IPI["SEND"], IPI["ACK"], IPI["START"]):
        return 0
    raise NoRegister


def ipi_write(eng, cpu, off: int, value: int) -> None:
    cpus = eng.cpus
    if off == IPI["SEND"]:
        if value < len(cpus):
            t = cpus[value]
            t.ipend |= IPI_BIT
            t.pending = t.ipend | t.level
            eng.dev_counters["ipis_sent"] += 1
            if cpu.tl is not None:  # timeline: IPI record (native/api.h RV_TL_IPI)
                cpu.tl.append((cpu.index, cpu.cycle, 5, value, 0))
    elif off == IPI["ACK"]:
        cpu.ipend &= ~IPI_BIT
        cpu.pending = cpu.ipend | cpu.level
    elif off == IPI["START_PC"]:
        eng.start_pc = value
    elif off == IPI["START"]:
        if value < len(cpus) and cpus[value].mode == STOPPED:
            t = cpus[value]
            t.mode = RUNNING
            t.pc = eng.start_pc
            t.ring = 0
            t.v = 0
            t.host.status &= ~IE_BIT
            t.flush_xlate()
            if t.tl is not None:
                t.tl_ctx(t.cycle)
    elif off == IPI["SELF"]:
        pass
    else:
        raise NoRegister


#: device base -> (read, write), engine-owned devices only
DEVICES = {
    ISA.devices["sysctl"].base: (sysctl_read, sysctl_write),
    ISA.devices["console"].base: (console_read, console_write),
    ISA.devices["timer"].base: (timer_read, timer_write),
    ISA.devices["ipi"].base: (ipi_read, ipi_write),
}

__all__ = ["DEVICES", "Halt", "NoRegister", "Uart", "TIMER_BIT", "CONSOLE_BIT"]
