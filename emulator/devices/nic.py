"""The network interface of ISA.md §9 ("Network interface"): queue pairs of TX and RX
descriptor rings in guest memory, per-queue doorbells a user process may ring itself
(kernel bypass, Arrakis-style), an IOMMU-like window that bounds every DMA of a queue,
and a host-side backend — ``loopback``: every packet sent on a queue comes back on the
same queue's RX ring, like a wire to a host that echoes.

Register page (the generated table of ISA.md §9 names each register):

- control registers (0x000-0x0FF): only ring 0 may touch them (a ring-3 access is a
  BUS_ERROR): the kernel selects a queue (QSEL) and sets its rings (Q_RING, Q_SIZE),
  its IOMMU window (Q_DMA_BASE, Q_DMA_SIZE), the ASID allowed to ring its doorbells
  (Q_OWNER) and its control (Q_CTRL: ENABLE, RXIE; writing it resets the indexes);
- doorbells (0x100 + 16 * q): TX_TAIL, RX_TAIL (write), TX_HEAD, RX_HEAD (read). Ring 0
  may use any queue's; ring 3 only those of a queue whose Q_OWNER is the accessing
  CPU's ASID (anything else: BUS_ERROR) — so a process that maps this page with the TLB
  reaches its own queue and no other.

A descriptor is 16 bytes: ADDR (physical), LEN, STATUS (0 pending, 1 done, 2 refused
by the IOMMU window, 3 dropped: no RX buffer), reserved. The TX ring of queue q is at
Q_RING, its RX ring right after it (Q_RING + 16 * Q_SIZE); indexes run freely (ring
slot = index mod Q_SIZE). Writing TX_TAIL sends every descriptor from TX_HEAD up to it
at once (the transfer is instantaneous, as for the disk): each packet (at most
NIC_MTU bytes) goes to the next posted RX buffer of the same queue, whose LEN becomes
the packet's length and STATUS 1; with RXIE the queue's bit in IRQ_STATUS is set and
the NIC line raised on CPU 0. Every DMA — reading or writing a descriptor, reading a
TX buffer, writing an RX buffer — must lie inside the queue's window, else it does not
happen: the descriptor's STATUS becomes 2 (and nothing is read or written). The
window is the IOMMU of the device model: the kernel gives each queue only memory its
owner may use, so a process driving its queue directly can never make the device read
or write memory that is not its own.
"""
from __future__ import annotations

import struct

from ringvm.isa import ISA

from .base import BusError, Device

_DEV = ISA.devices["nic"]
_REG = {r.name: r.offset for r in _DEV.registers}
NIC_LINE = ISA.interrupts[_DEV.irq].value
NIC_ID = 0x4E494331
NQUEUES = 4
NIC_MTU = 2048
MAX_RING = 64
DOORBELLS = _REG["TX_TAIL"]          # queue q's doorbells at DOORBELLS + 16 * q
ASID = ISA.csrs["asid"].number
_DESC = _DEV.descriptor
ST_PENDING, ST_DONE, ST_REFUSED, ST_DROPPED = (
    _DESC.value("STATUS", n) for n in ("PENDING", "DONE", "REFUSED", "DROPPED"))
F_ADDR, F_LEN, F_STATUS = (_DESC.fields[n].value for n in ("ADDR", "LEN", "STATUS"))
_CTRL = _DEV.register("Q_CTRL")
CTRL_ENABLE, CTRL_RXIE = _CTRL.mask("ENABLE"), _CTRL.mask("RXIE")
NIC_BACKENDS = ("loopback",)


class _Queue:
    __slots__ = ("ring", "size", "dma_base", "dma_size", "owner", "ctrl",
                 "tx_head", "tx_tail", "rx_head", "rx_tail")

    def __init__(self):
        self.ring = self.size = self.dma_base = self.dma_size = self.owner = self.ctrl = 0
        self.tx_head = self.tx_tail = self.rx_head = self.rx_tail = 0

    def state(self) -> list[int]:
        return [getattr(self, k) for k in self.__slots__]


class NicDevice(Device):
    """The NIC of ISA.md §9 with a host ``backend`` (``"loopback"``). See the module
    docstring for the registers, descriptors and the IOMMU window."""

    name = "nic"

    def __init__(self, backend: str = "loopback"):
        super().__init__(_DEV.base)
        if backend not in NIC_BACKENDS:
            raise ValueError(f"NIC backend {backend!r}: one of {', '.join(NIC_BACKENDS)}")
        self.backend = backend
        self.queues = [_Queue() for _ in range(NQUEUES)]
        self.qsel = 0
        self.irq_status = 0
        self.stats = {k: 0 for k in ("nic_tx_packets", "nic_rx_packets", "nic_rx_dropped",
                                     "nic_dma_refused", "nic_doorbells",
                                     "nic_doorbell_refused")}

    # -- who is accessing
    def _ring3_queue(self, cpu: int, offset: int) -> int:
        """The queue of a doorbell offset, or BusError if the accessing CPU may not use
        it (ring > 0 and its ASID is not the queue's owner)."""
        q = (offset - DOORBELLS) // 16
        if not 0 <= q < NQUEUES:
            raise BusError(offset)
        st = self.machine.engine.get_cpu(cpu)
        if st.ring > 0 or st.v:
            owner = self.queues[q].owner
            if owner == 0 or st.csr.get(ASID, 0) & ISA.tlb.asid_mask != owner:
                self.stats["nic_doorbell_refused"] += 1
                raise BusError(offset)
        return q

    def _ring0(self, cpu: int, offset: int) -> None:
        st = self.machine.engine.get_cpu(cpu)
        if st.ring > 0 or st.v:
            raise BusError(offset)

    # -- registers
    def read(self, cpu: int, offset: int) -> int:
        if offset >= DOORBELLS:
            q = self.queues[self._ring3_queue(cpu, offset)]
            reg = (offset - DOORBELLS) % 16
            if reg == _REG["TX_HEAD"] - DOORBELLS:
                return q.tx_head & 0xFFFFFFFF
            if reg == _REG["RX_HEAD"] - DOORBELLS:
                return q.rx_head & 0xFFFFFFFF
            return 0                                  # the tails are write-only
        self._ring0(cpu, offset)
        q = self.queues[self.qsel]
        regs = {_REG["ID"]: NIC_ID, _REG["NQUEUES"]: NQUEUES,
                _REG["IRQ_STATUS"]: self.irq_status, _REG["IRQ_ACK"]: 0,
                _REG["QSEL"]: self.qsel, _REG["Q_RING"]: q.ring, _REG["Q_SIZE"]: q.size,
                _REG["Q_DMA_BASE"]: q.dma_base, _REG["Q_DMA_SIZE"]: q.dma_size,
                _REG["Q_OWNER"]: q.owner, _REG["Q_CTRL"]: q.ctrl}
        if offset not in regs:
            raise BusError(offset)
        return regs[offset]

    def write(self, cpu: int, offset: int, value: int) -> None:
        value &= 0xFFFFFFFF
        if offset >= DOORBELLS:
            qn = self._ring3_queue(cpu, offset)
            q = self.queues[qn]
            reg = (offset - DOORBELLS) % 16
            self.stats["nic_doorbells"] += 1
            if reg == _REG["TX_TAIL"] - DOORBELLS:
                q.tx_tail = value
                self._send(qn, q)
            elif reg == _REG["RX_TAIL"] - DOORBELLS:
                q.rx_tail = value
            return                                    # the heads are read-only
        self._ring0(cpu, offset)
        q = self.queues[self.qsel]
        if offset == _REG["QSEL"]:
            self.qsel = value % NQUEUES
        elif offset == _REG["IRQ_ACK"]:
            self.irq_status &= ~value
            if not self.irq_status:
                self.machine.engine.clear_line(0, NIC_LINE)
        elif offset == _REG["Q_RING"]:
            q.ring = value
        elif offset == _REG["Q_SIZE"]:
            q.size = value if value in (1, 2, 4, 8, 16, 32, 64) else 0
        elif offset == _REG["Q_DMA_BASE"]:
            q.dma_base = value
        elif offset == _REG["Q_DMA_SIZE"]:
            q.dma_size = value
        elif offset == _REG["Q_OWNER"]:
            q.owner = value & 0xFF
        elif offset == _REG["Q_CTRL"]:
            q.ctrl = value & (CTRL_ENABLE | CTRL_RXIE)
            q.tx_head = q.tx_tail = q.rx_head = q.rx_tail = 0
        elif offset in (_REG["ID"], _REG["NQUEUES"], _REG["IRQ_STATUS"]):
            pass                                      # read-only: ignored
        else:
            raise BusError(offset)

    # -- DMA through the queue's IOMMU window
    def _inside(self, q: _Queue, addr: int, n: int) -> bool:
        return (q.dma_size > 0 and q.dma_base <= addr and addr + n <= q.dma_base + q.dma_size
                and addr + n <= len(self.machine.ram))

    def _desc(self, q: _Queue, ring_base: int, index: int) -> int | None:
        """Physical address of a descriptor, or None if the window refuses it."""
        a = ring_base + _DESC.size * (index % q.size)
        return a if self._inside(q, a, _DESC.size) else None

    def _send(self, qn: int, q: _Queue) -> None:
        if not q.ctrl & CTRL_ENABLE or not q.size:
            return
        ram = self.machine.ram
        rx_ring = q.ring + _DESC.size * q.size
        while (q.tx_tail - q.tx_head) & 0xFFFFFFFF and \
                (q.tx_tail - q.tx_head) & 0xFFFFFFFF <= q.size:
            d = self._desc(q, q.ring, q.tx_head)
            q.tx_head = (q.tx_head + 1) & 0xFFFFFFFF
            if d is None:
                self.stats["nic_dma_refused"] += 1
                continue                              # not even the descriptor: nothing
            addr, n = (struct.unpack_from("<I", ram, d + f)[0] for f in (F_ADDR, F_LEN))
            n = min(n, NIC_MTU)
            if not self._inside(q, addr, n):
                self.stats["nic_dma_refused"] += 1
                struct.pack_into("<I", ram, d + F_STATUS, ST_REFUSED)
                continue
            packet = bytes(ram[addr:addr + n])
            self.stats["nic_tx_packets"] += 1
            struct.pack_into("<I", ram, d + F_STATUS, ST_DONE)
            self._receive(qn, q, rx_ring, packet)     # loopback: the wire echoes

    def _receive(self, qn: int, q: _Queue, rx_ring: int, packet: bytes) -> None:
        ram = self.machine.ram
        if not (q.rx_tail - q.rx_head) & 0xFFFFFFFF:
            self.stats["nic_rx_dropped"] += 1
            return
        d = self._desc(q, rx_ring, q.rx_head)
        q.rx_head = (q.rx_head + 1) & 0xFFFFFFFF
        if d is None:
            self.stats["nic_dma_refused"] += 1
            return
        addr, cap = (struct.unpack_from("<I", ram, d + f)[0] for f in (F_ADDR, F_LEN))
        n = min(len(packet), cap)
        if not self._inside(q, addr, n):
            self.stats["nic_dma_refused"] += 1
            struct.pack_into("<I", ram, d + F_STATUS, ST_REFUSED)
            return
        ram[addr:addr + n] = packet[:n]
        struct.pack_into("<I", ram, d + F_LEN, len(packet))
        struct.pack_into("<I", ram, d + F_STATUS, ST_DONE)
        self.stats["nic_rx_packets"] += 1
        if q.ctrl & CTRL_RXIE:
            self.irq_status |= 1 << qn
            self.machine.engine.raise_line(0, NIC_LINE)

    # -- bookkeeping
    def counters(self) -> dict[str, int]:
        return dict(self.stats)

    def snapshot(self) -> dict:
        return {"backend": self.backend, "qsel": self.qsel, "irq_status": self.irq_status,
                "queues": [q.state() for q in self.queues], "stats": dict(self.stats)}

    def restore(self, snap: dict) -> None:
        self.qsel, self.irq_status = snap["qsel"], snap["irq_status"]
        for q, st in zip(self.queues, snap["queues"]):
            for k, v in zip(_Queue.__slots__, st):
                setattr(q, k, v)
        self.stats = dict(snap["stats"])
