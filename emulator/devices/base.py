"""Python devices: the narrow interface between the Machine and the devices it serves.

The engine owns the *hot* devices (sysctl, console UART, timers, IPI). Every other
device lives here, one physical page each. An access by a guest to one of these pages
stops the engine with ``StopReason.MMIO``; the Machine calls :meth:`Device.read` or
:meth:`Device.write` and then ``engine.complete_mmio`` — so the guest sees one
instruction.

Writing a device (the whole interface)::

    class MyDevice(Device):
        name = "mydev"
        def __init__(self):
            super().__init__(base=0x40005000)
        def read(self, cpu, offset):      # -> 32-bit int; raise BusError for a hole
            ...
        def write(self, cpu, offset, value):
            ...

After :meth:`Device.attach` the device reaches ``self.machine.ram`` (a ``bytearray``,
for DMA) and ``self.machine.engine`` (``raise_line``/``clear_line``/``schedule_line``
for its interrupt, ``self.machine.cpu_cycle(0)`` for time). Devices must be
deterministic: they may look at cycle counters, never at host time.
"""
from __future__ import annotations


class BusError(Exception):
    """Raised by :meth:`Device.read`/:meth:`Device.write` for an offset with no
    register: the Machine completes the access with a BUS_ERROR trap."""


class Device:
    """A Python device occupying the physical page at ``base``.

    ``name`` is the device's name (as in ``ISA.devices``); ``base`` the page's
    physical address (a multiple of 4 KiB in the device window).
    """

    name: str = "device"

    def __init__(self, base: int):
        self.base = base
        self.machine = None

    def attach(self, machine) -> None:
        """Called once by the Machine after its engine exists."""
        self.machine = machine

    def read(self, cpu: int, offset: int) -> int:
        """A 32-bit load by ``cpu`` at byte ``offset`` (0..4095, 4-aligned) of the page.
        Returns the value (0..2**32-1). Raises :class:`BusError` for a hole."""
        raise BusError(offset)

    def write(self, cpu: int, offset: int, value: int) -> None:
        """A 32-bit store of ``value`` by ``cpu`` at ``offset``. Raises
        :class:`BusError` for a hole."""
        raise BusError(offset)

    def counters(self) -> dict[str, int]:
        """Operation counters for ``--stats`` (stable keys, ints)."""
        return {}

    def snapshot(self) -> dict:
        """Device state as picklable plain data (checkpoints)."""
        return {}

    def restore(self, snap: dict) -> None:
        """Restore a :meth:`snapshot`."""

    def close(self) -> None:
        """Release host resources (files)."""
