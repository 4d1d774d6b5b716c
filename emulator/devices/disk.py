"""The block device of ISA.md §9: DMA transfers of 512-byte sectors between RAM and a
host image file, completion signalled by the DISK interrupt line (CPU 0)."""
from __future__ import annotations

import os
from pathlib import Path

from ringvm.errors import UserError
from ringvm.isa import ISA

from .base import BusError, Device

SECTOR = ISA.machine["disk_sector"]
_DISK = ISA.devices["disk"]
_REG = {r.name: r.offset for r in _DISK.registers}
DISK_LINE = ISA.interrupts[_DISK.irq].value
#: the block devices, in attachment order: disk, disk1, disk2 (ISA.md §11)
DISK_NAMES = tuple(d.name for d in ISA.devices.values() if d.name == "disk" or d.like == "disk")
MAX_DISKS = len(DISK_NAMES)

#: STATUS values and CMD commands, and the CTRL bit IE (ISA.md §9, from the ISA table)
_STATUS, _CMD = _DISK.register("STATUS"), _DISK.register("CMD")
ST_IDLE, ST_BUSY, ST_DONE, ST_ERROR = (_STATUS.value(n) for n in ("IDLE", "BUSY", "DONE", "ERROR"))
CMD_READ, CMD_WRITE = _CMD.value("READ"), _CMD.value("WRITE")
CTRL_IE = _DISK.register("CTRL").mask("IE")


class DiskDevice(Device):
    """The block device of ISA.md §9, backed by a host image file of 512-byte sectors.

    ``path``: the image (its size must be a non-zero multiple of 512; it is opened
    read-write unless ``snapshot``). ``snapshot=True``: writes go to an in-memory
    copy-on-write overlay (a dict sector -> 512 bytes) and the file is never modified.
    ``index``: which block device it is (0 ``disk``, 1 ``disk1``, ...): its register page
    and interrupt line; its counters are named after it (``disk_reads``,
    ``disk1_reads``, ...).

    A request (CMD write) transfers all its data at once, then completes
    ``disk_latency + disk_latency_per_sector * COUNT`` cycles of CPU 0 later: STATUS
    reads BUSY until CPU 0's cycle counter reaches the completion cycle, then DONE (or
    ERROR). If CTRL.IE is set *when the request starts*, the engine is told to latch
    the DISK line on CPU 0 at the completion cycle. Raises :class:`UserError` at
    construction for a missing/unreadable image or a bad size.
    """

    def __init__(self, path: str | os.PathLike, snapshot: bool = False, index: int = 0):
        if not 0 <= index < MAX_DISKS:
            raise UserError(f"at most {MAX_DISKS} disks can be attached")
        dev = ISA.devices[DISK_NAMES[index]]
        super().__init__(dev.base)
        self.name = dev.name
        self.line = ISA.interrupts[dev.irq].value
        self.path = Path(path)
        self.snapshot_mode = snapshot
        try:
            size = self.path.stat().st_size
            if self.path.is_dir():
                raise UserError(f"disk image {str(self.path)!r} is a directory")
            self._file = open(self.path, "rb" if snapshot else "r+b")
        except UserError:
            raise
        except FileNotFoundError:
            raise UserError(f"disk image {str(self.path)!r} does not exist") from None
        except OSError as e:
            raise UserError(f"cannot open disk image {str(self.path)!r}: {e.strerror}") from None
        if size == 0 or size % SECTOR:
            self._file.close()
            raise UserError(f"disk image {str(self.path)!r} is {size} bytes: the size must be "
                            f"a non-zero multiple of {SECTOR}")
        self.capacity = size // SECTOR
        self.overlay: dict[int, bytes] = {}
        self.regs = {"SECTOR": 0, "ADDR": 0, "COUNT": 0, "CTRL": 0}
        self.state = ST_IDLE          # ST_IDLE, or ST_BUSY while a request is outstanding
        self.result = ST_DONE         # what STATUS becomes at completion
        self.done_at = 0              # completion cycle of CPU 0
        self.stats = {f"{self.name}_{k}": 0 for k in
                      ("reads", "writes", "sectors_read", "sectors_written", "errors")}

    # -- sector I/O (overlay-aware)
    def _read_sectors(self, first: int, count: int) -> bytes:
        out = bytearray()
        for s in range(first, first + count):
            data = self.overlay.get(s)
            if data is None:
                self._file.seek(s * SECTOR)
                data = self._file.read(SECTOR)
                data = data + bytes(SECTOR - len(data))
            out += data
        return bytes(out)

    def _write_sectors(self, first: int, data: bytes) -> None:
        if self.snapshot_mode:
            for i in range(len(data) // SECTOR):
                self.overlay[first + i] = bytes(data[i * SECTOR:(i + 1) * SECTOR])
        else:
            self._file.seek(first * SECTOR)
            self._file.write(data)
            self._file.flush()

    # -- registers
    def _status(self) -> int:
        if self.state == ST_BUSY:
            if self.machine.cpu_cycle(0) >= self.done_at:
                self.state = self.result
            else:
                return ST_BUSY
        return self.state

    def read(self, cpu: int, offset: int) -> int:
        if offset == _REG["STATUS"]:
            return self._status()
        if offset == _REG["CAPACITY"]:
            return self.capacity & 0xFFFFFFFF
        if offset in (_REG["CMD"], _REG["ACK"]):
            return 0                                  # write-only
        for name in ("SECTOR", "ADDR", "COUNT", "CTRL"):
            if offset == _REG[name]:
                return self.regs[name]
        raise BusError(offset)

    def write(self, cpu: int, offset: int, value: int) -> None:
        value &= 0xFFFFFFFF
        if offset == _REG["CMD"]:
            self._command(value)
        elif offset == _REG["ACK"]:
            status = self._status()
            if status in (ST_DONE, ST_ERROR):
                self.state = ST_IDLE
            self.machine.engine.clear_line(0, self.line)
        elif offset in (_REG["STATUS"], _REG["CAPACITY"]):
            pass                                      # read-only: ignored
        else:
            for name in ("SECTOR", "ADDR", "COUNT", "CTRL"):
                if offset == _REG[name]:
                    self.regs[name] = value if name != "CTRL" else value & CTRL_IE
                    return
            raise BusError(offset)

    def _command(self, cmd: int) -> None:
        if self._status() == ST_BUSY:
            return                                    # a CMD while BUSY is ignored
        sector, addr, count = self.regs["SECTOR"], self.regs["ADDR"], self.regs["COUNT"]
        ram = self.machine.ram
        nbytes = count * SECTOR
        ok = (cmd in (CMD_READ, CMD_WRITE) and count > 0
              and sector + count <= self.capacity
              and addr + nbytes <= len(ram))
        if ok and cmd == CMD_READ:
            ram[addr:addr + nbytes] = self._read_sectors(sector, count)
            self.stats[f"{self.name}_reads"] += 1
            self.stats[f"{self.name}_sectors_read"] += count
        elif ok:
            self._write_sectors(sector, bytes(ram[addr:addr + nbytes]))
            self.stats[f"{self.name}_writes"] += 1
            self.stats[f"{self.name}_sectors_written"] += count
        else:
            self.stats[f"{self.name}_errors"] += 1
        latency = (ISA.machine["disk_latency"]
                   + ISA.machine["disk_latency_per_sector"] * (count if ok else 0))
        self.result = ST_DONE if ok else ST_ERROR
        self.state = ST_BUSY
        self.done_at = self.machine.cpu_cycle(0) + latency
        if self.regs["CTRL"] & CTRL_IE:
            self.machine.engine.schedule_line(0, self.line, self.done_at)

    # -- bookkeeping
    def counters(self) -> dict[str, int]:
        return dict(self.stats)

    def snapshot(self) -> dict:
        return {"path": str(self.path), "snapshot_mode": self.snapshot_mode,
                "capacity": self.capacity,
                "overlay": dict(self.overlay), "regs": dict(self.regs),
                "state": self.state, "result": self.result, "done_at": self.done_at,
                "stats": dict(self.stats)}

    def restore(self, snap: dict) -> None:
        """Restore registers, timing and the COW overlay. Raises :class:`UserError` if
        the image attached now has another capacity than the checkpointed one."""
        if snap.get("capacity", self.capacity) != self.capacity:
            raise UserError(f"disk image {str(self.path)!r} has {self.capacity} sectors; "
                            f"the checkpoint was taken with {snap['capacity']}")
        self.overlay = dict(snap["overlay"])
        self.regs = dict(snap["regs"])
        self.state, self.result, self.done_at = snap["state"], snap["result"], snap["done_at"]
        self.stats = dict(snap["stats"])

    def close(self) -> None:
        try:
            self._file.close()
        except OSError:
            pass
