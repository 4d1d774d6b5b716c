"""Python devices: the narrow interface between the Machine and the devices it serves
(:mod:`.base` documents it — "Writing a device (the whole interface)") and the devices
built on it (:mod:`.disk`, the block devices; :mod:`.events`, the software events;
:mod:`.nic`, the network interface for kernel bypass). The engine owns the hot devices
(sysctl, UART, timers, IPI); every other device lives here, one physical page each."""
from .base import BusError, Device
from .disk import (CMD_READ, CMD_WRITE, DISK_LINE, DISK_NAMES, MAX_DISKS, SECTOR, ST_BUSY,
                   ST_DONE, ST_ERROR, ST_IDLE, DiskDevice)
from .events import EventsDevice
from .nic import NIC_BACKENDS, NicDevice

__all__ = ["BusError", "Device", "DiskDevice", "EventsDevice", "NicDevice", "NIC_BACKENDS",
           "SECTOR", "DISK_LINE", "DISK_NAMES", "MAX_DISKS", "CMD_READ", "CMD_WRITE",
           "ST_IDLE", "ST_BUSY", "ST_DONE", "ST_ERROR"]
