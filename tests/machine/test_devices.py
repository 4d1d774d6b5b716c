"""The block device against a stub machine (no engine): registers, DMA, latency,
interrupt scheduling, errors, snapshot mode, image errors."""
from __future__ import annotations

import pytest

from ringvm.emulator.devices.disk import (CMD_READ, CMD_WRITE, DISK_LINE, SECTOR, ST_BUSY,
                                     ST_DONE, ST_ERROR, ST_IDLE, BusError, DiskDevice)
from ringvm.errors import UserError
from ringvm.isa import ISA

REG = {r.name: r.offset for r in ISA.devices["disk"].registers}
LAT = ISA.machine["disk_latency"]
PER = ISA.machine["disk_latency_per_sector"]


class StubEngine:
    def __init__(self):
        self.scheduled, self.cleared = [], []

    def schedule_line(self, cpu, line, at):
        self.scheduled.append((cpu, line, at))

    def clear_line(self, cpu, line):
        self.cleared.append((cpu, line))


class StubMachine:
    def __init__(self, ram_size=1 << 20):
        self.ram = bytearray(ram_size)
        self.engine = StubEngine()
        self.cycle = 1000

    def cpu_cycle(self, i=0):
        return self.cycle


def image(tmp_path, nsectors=8):
    p = tmp_path / "disk.img"
    p.write_bytes(b"".join(bytes([i]) * SECTOR for i in range(nsectors)))
    return p


def attached(path, snapshot=False, ram_size=1 << 20):
    d = DiskDevice(path, snapshot=snapshot)
    m = StubMachine(ram_size)
    d.attach(m)
    return d, m


def request(d, sector, addr, count, cmd, ie=True):
    d.write(0, REG["CTRL"], int(ie))
    d.write(0, REG["SECTOR"], sector)
    d.write(0, REG["ADDR"], addr)
    d.write(0, REG["COUNT"], count)
    d.write(0, REG["CMD"], cmd)


def test_read_dma_latency_and_interrupt(tmp_path):
    d, m = attached(image(tmp_path))
    assert d.read(0, REG["CAPACITY"]) == 8
    assert d.read(0, REG["STATUS"]) == ST_IDLE
    request(d, 2, 0x1000, 3, CMD_READ)
    assert m.ram[0x1000:0x1000 + 3 * SECTOR] == bytes([2]) * SECTOR + bytes([3]) * SECTOR \
        + bytes([4]) * SECTOR
    due = 1000 + LAT + PER * 3
    assert m.engine.scheduled == [(0, DISK_LINE, due)]
    m.cycle = due - 1
    assert d.read(0, REG["STATUS"]) == ST_BUSY
    m.cycle = due
    assert d.read(0, REG["STATUS"]) == ST_DONE
    d.write(0, REG["ACK"], 0)
    assert (0, DISK_LINE) in m.engine.cleared
    assert d.read(0, REG["STATUS"]) == ST_IDLE
    assert d.counters()["disk_reads"] == 1 and d.counters()["disk_sectors_read"] == 3


def test_no_interrupt_without_ie_and_cmd_while_busy_ignored(tmp_path):
    d, m = attached(image(tmp_path))
    request(d, 0, 0, 1, CMD_READ, ie=False)
    assert m.engine.scheduled == []
    d.write(0, REG["SECTOR"], 5)
    d.write(0, REG["CMD"], CMD_READ)          # ignored: still BUSY
    assert d.counters()["disk_reads"] == 1
    assert m.ram[:SECTOR] == bytes([0]) * SECTOR


def test_write_through_modifies_image(tmp_path):
    p = image(tmp_path)
    d, m = attached(p)
    m.ram[0:SECTOR] = b"x" * SECTOR
    request(d, 5, 0, 1, CMD_WRITE)
    d.close()
    assert p.read_bytes()[5 * SECTOR:6 * SECTOR] == b"x" * SECTOR


def test_snapshot_mode_keeps_file_and_reads_back_overlay(tmp_path):
    p = image(tmp_path)
    before = p.read_bytes()
    d, m = attached(p, snapshot=True)
    m.ram[0:SECTOR] = b"y" * SECTOR
    request(d, 1, 0, 1, CMD_WRITE)
    m.cycle += 10**6
    d.write(0, REG["ACK"], 0)
    request(d, 0, 0x2000, 2, CMD_READ)
    assert m.ram[0x2000:0x2000 + 2 * SECTOR] == bytes([0]) * SECTOR + b"y" * SECTOR
    d.close()
    assert p.read_bytes() == before


@pytest.mark.parametrize("sector,addr,count,cmd", [
    (7, 0, 2, CMD_READ),             # beyond capacity
    (0, (1 << 20) - 100, 1, CMD_READ),  # DMA beyond RAM
    (0, 0, 0, CMD_READ),             # COUNT 0
    (0, 0, 1, 9),                    # unknown command
])
def test_errors_transfer_nothing(tmp_path, sector, addr, count, cmd):
    d, m = attached(image(tmp_path))
    request(d, sector, addr, count, cmd)
    assert not any(m.ram)
    m.cycle += LAT
    assert d.read(0, REG["STATUS"]) == ST_ERROR
    assert d.counters()["disk_errors"] == 1


def test_register_holes_and_write_only(tmp_path):
    d, _ = attached(image(tmp_path))
    with pytest.raises(BusError):
        d.read(0, 0x20)
    with pytest.raises(BusError):
        d.write(0, 0x100, 1)
    assert d.read(0, REG["CMD"]) == 0
    d.write(0, REG["CAPACITY"], 99)          # read-only: ignored
    assert d.read(0, REG["CAPACITY"]) == 8


def test_snapshot_restore_roundtrip(tmp_path):
    d, m = attached(image(tmp_path), snapshot=True)
    m.ram[0:SECTOR] = b"z" * SECTOR
    request(d, 3, 0, 1, CMD_WRITE)
    snap = d.snapshot()
    d2, _ = attached(d.path, snapshot=True)
    d2.restore(snap)
    assert d2.overlay == d.overlay and d2.state == ST_BUSY and d2.done_at == d.done_at


def test_image_errors(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        DiskDevice(tmp_path / "missing.img")
    bad = tmp_path / "bad.img"
    bad.write_bytes(b"x" * 700)
    with pytest.raises(UserError, match="multiple of 512"):
        DiskDevice(bad)
    empty = tmp_path / "empty.img"
    empty.write_bytes(b"")
    with pytest.raises(UserError, match="multiple of 512"):
        DiskDevice(empty)
    with pytest.raises(UserError, match="directory"):
        DiskDevice(tmp_path)
