"""The native engine: the C machine core (``native/core.c``) through cffi (API mode).

The C side owns the CPUs, TLBs, interrupt lines, hot devices and the scheduler; RAM is
the Machine's ``bytearray``, shared zero-copy (``ffi.from_buffer``). This module only
converts between the C structures and the :mod:`ringvm.emulator.engine` data types.

Importing it raises ImportError if the extension ``ringvm.native._core`` is not built
(the engine-selection helper turns that into a clear user error).
"""
from __future__ import annotations

import dataclasses
import struct

from ringvm.isa import ISA
from ringvm.native._core import ffi, lib  # ImportError if the extension is not built

from .contract import (DEVICE_COUNTERS, CpuState, Engine, MachineConfig, MmioRequest, Stop,
                     StopReason, TlbEntry, WatchHit, Watchpoint)

M32 = 0xFFFF_FFFF
MODES = ("running", "waiting", "stopped")
ACCESS = {"fetch": 0, "load": 1, "store": 2}

_STOPS = {
    lib.RV_STOP_BUDGET: StopReason.MAX_STEPS,
    lib.RV_STOP_HALT: StopReason.HALT,
    lib.RV_STOP_BREAKPOINT: StopReason.BREAKPOINT,
    lib.RV_STOP_MMIO: StopReason.MMIO,
    lib.RV_STOP_MACHINE_CHECK: StopReason.MACHINE_CHECK,
    lib.RV_STOP_IDLE: StopReason.IDLE,
    lib.RV_STOP_WATCHPOINT: StopReason.WATCHPOINT,
}

_CSR = {name: c.number for name, c in ISA.csrs.items()}
_BANK = [lib.CSR_BANK_FIRST + i for i in range(lib.CSR_BANK_COUNT)]
_HYP = [lib.CSR_HYP_FIRST + i for i in range(lib.CSR_HYP_COUNT)]
_STATUS, _IPEND, _HSTATUS = _CSR["status"], _CSR["ipend"], _CSR["hstatus"]
_I_STATUS = _STATUS - lib.CSR_BANK_FIRST
_I_IPEND = _IPEND - lib.CSR_BANK_FIRST
_I_HSTATUS = _HSTATUS - lib.CSR_HYP_FIRST
_RING_SHIFT = ISA.status_fields["RING"][1]
# what set_cpu keeps of a state's stored fields: the writable masks of the ISA table
_W_STATUS_HOST = ISA.csrs["status"].writable_host
_W_STATUS_GUEST = ISA.csrs["status"].writable
_W_IPEND_GUEST = ISA.csrs["ipend"].writable
_W_HSTATUS = ISA.csrs["hstatus"].writable
_TLB = ISA.tlb
#: pages of the engine-owned (C) devices; others exist only as Python device pages
_DEVICE_PAGES = frozenset(ISA.devices[n].base for n in ("sysctl", "console", "timer", "ipi"))
_PAGE = ISA.memory["device_page"]
#: struct rv_tlrec (api.h): cycle, a, b, cpu, kind
_TLREC = struct.Struct("<QIIii")
assert _TLREC.size == ffi.sizeof("struct rv_tlrec")


class NativeEngine(Engine):
    """The C engine. Construct with ``(config, ram)``; see :class:`Engine`."""

    name = "native"

    def __init__(self, config: MachineConfig, ram: bytearray):
        if len(ram) != config.ram_size:
            raise ValueError("ram size does not match config.ram_size")
        if config.ram_size % _PAGE or config.ram_size > 1 << 30:
            raise ValueError("ram_size must be a multiple of 4 KiB, at most 1 GiB")
        if len(config.python_device_pages) > 16:
            raise ValueError("at most 16 Python device pages")
        self.config = config
        self.ram = ram
        self._ram_buf = ffi.from_buffer("uint8_t[]", ram, require_writable=True)
        m = lib.rv_new(config.ram_size, config.ncpus, config.tlb_entries, config.quantum)
        if m == ffi.NULL:
            raise MemoryError("native engine: cannot allocate the machine")
        self._m = ffi.gc(m, lib.rv_free)
        lib.rv_set_ram(self._m, self._ram_buf)
        pages = [p & M32 for p in config.python_device_pages]
        self._pydev = frozenset(pages)
        if pages:
            lib.rv_set_pydev(self._m, ffi.new("uint32_t[]", pages), len(pages))
        self._stop = ffi.new("struct rv_stop *")
        self._ntlb = self._m.ntlb

    # ---------------------------------------------------------------- running
    def run(self, max_steps: int) -> Stop:
        st = self._stop
        reason = _STOPS[lib.rv_run(self._m, max(0, int(max_steps)), st)]
        stop = Stop(reason, cpu=st.cpu, steps=st.steps)
        if reason is StopReason.HALT:
            stop.exit_code = st.exit_code
        elif reason is StopReason.MMIO:
            stop.mmio = self._mmio_request()
        elif reason is StopReason.WATCHPOINT:
            h = self._m.whit
            stop.watch = WatchHit(h.index, h.cpu, h.vaddr, h.paddr, h.size, bool(h.is_write))
        elif reason in (StopReason.MACHINE_CHECK, StopReason.BREAKPOINT):
            stop.detail = ffi.string(st.detail).decode("utf-8", "replace")
        return stop

    def _mmio_request(self) -> MmioRequest:
        p = self._m.mmio
        return MmioRequest(cpu=p.cpu, paddr=p.paddr, is_write=bool(p.is_write),
                           value=p.value, size=p.size)

    def complete_mmio(self, value: int = 0, bus_error: bool = False) -> None:
        if not self._m.mmio_pending:
            raise RuntimeError("no MMIO access is pending")
        lib.rv_complete_mmio(self._m, value & M32, 1 if bus_error else 0)

    def set_breakpoints(self, addresses: set[int]) -> None:
        addrs = sorted({a & M32 for a in addresses})
        lib.rv_set_breakpoints(self._m, ffi.new("uint32_t[]", addrs) if addrs else ffi.NULL,
                               len(addrs))

    def set_watchpoints(self, watches: list[Watchpoint]) -> None:
        """Arm watchpoints in C (checked on the translation slow path, which loads and
        stores take while any is armed; none armed costs nothing)."""
        arr = ffi.new("struct rv_watch[]", len(watches)) if watches else ffi.NULL
        for i, w in enumerate(watches):
            arr[i].lo, arr[i].hi = max(w.lo, 0), min(w.hi, 1 << 32)
            arr[i].on_read, arr[i].on_write = int(w.on_read), int(w.on_write)
            arr[i].physical = int(w.physical)
        if lib.rv_set_watchpoints(self._m, arr, len(watches)) != 0:
            raise MemoryError("cannot arm watchpoints")

    # ---------------------------------------------------------------- state
    def _cpu(self, cpu: int):
        if not 0 <= cpu < self._m.ncpus:
            raise IndexError(f"no CPU {cpu}")
        return self._m.cpus[cpu]

    def cpu_cycle(self, cpu: int) -> int:
        return int(self._cpu(cpu).cycle)

    def get_cpu(self, cpu: int) -> CpuState:
        c = self._cpu(cpu)
        ring, v = c.ring, c.v
        hring = -1 if v else ring
        gring = ring if v else 0
        hcsr, gcsr_, xcsr = c.hcsr, c.gcsr, c.xcsr
        csr = {num: hcsr[i] for i, num in enumerate(_BANK)}
        csr[_STATUS] = hcsr[_I_STATUS] | ((hring & 7) << _RING_SHIFT)
        csr[_IPEND] = c.ipend
        for i, num in enumerate(_HYP):
            csr[num] = xcsr[i]
        gcsr = {num: gcsr_[i] for i, num in enumerate(_BANK)}
        gcsr[_STATUS] = gcsr_[_I_STATUS] | ((gring & 7) << _RING_SHIFT)
        tlb = [TlbEntry(e.vpn, e.asid, e.vmid, e.pfn, e.flags)
               for e in (c.tlb[i] for i in range(self._ntlb))]
        return CpuState(regs=list(c.r), pc=c.pc, ring=ring, v=v, mode=MODES[c.mode],
                        cycle=c.cycle, csr=csr, gcsr=gcsr, ipend=c.ipend,
                        timer=(c.tcmp, c.tint, c.ten), tlb=tlb)

    def set_cpu(self, cpu: int, state: CpuState) -> None:
        c = self._cpu(cpu)
        s = state
        for i in range(32):
            c.r[i] = s.regs[i] & M32 if i else 0
        c.pc = s.pc & M32
        c.ring = s.ring
        c.v = 1 if s.v else 0
        c.mode = MODES.index(s.mode)
        c.cycle = s.cycle
        for i, num in enumerate(_BANK):
            if num in s.csr:
                c.hcsr[i] = s.csr[num] & M32
            if num in s.gcsr:
                c.gcsr[i] = s.gcsr[num] & M32
        c.hcsr[_I_STATUS] &= _W_STATUS_HOST
        c.gcsr[_I_STATUS] &= _W_STATUS_GUEST
        c.hcsr[_I_IPEND] = 0                  # unused: host ipend reads the latched lines
        c.gcsr[_I_IPEND] &= _W_IPEND_GUEST
        for i, num in enumerate(_HYP):
            if num in s.csr:
                c.xcsr[i] = s.csr[num] & M32
        c.xcsr[_I_HSTATUS] &= _W_HSTATUS
        c.ipend = s.ipend & M32
        c.tcmp, c.tint, c.ten = s.timer[0], s.timer[1] & M32, 1 if s.timer[2] else 0
        for i in range(self._ntlb):
            e = c.tlb[i]
            e.vpn = e.pfn = e.asid = e.vmid = e.flags = 0
        for i, e in enumerate(s.tlb[:self._ntlb]):
            if isinstance(e, dict):
                e = TlbEntry(**e)
            t = c.tlb[i]
            t.vpn, t.asid, t.vmid = e.vpn & _TLB.vpn_mask, e.asid & _TLB.asid_mask, \
                e.vmid & _TLB.vmid_mask
            t.pfn, t.flags = e.pfn & _TLB.pfn_mask, e.flags & _TLB.flags_mask
        lib.rv_cpu_changed(self._m, cpu)

    def counters(self) -> dict:
        m = self._m
        cpus = []
        for i in range(m.ncpus):
            c = m.cpus[i]
            rbr = list(c.c_retired_by_ring)
            cpus.append({
                "cycles": c.cycle, "retired": sum(rbr), "idle": c.c_idle,
                "tlb_hits": c.c_tlb_hits, "tlb_misses": c.c_tlb_misses,
                "tlb_writes": c.c_tlb_writes, "tlb_flushes": c.c_tlb_flushes,
                "asid_switches": c.c_asid_switches,
                "retired_by_ring": rbr,
                "traps_by_cause": list(c.c_traps),
                "interrupts_by_line": list(c.c_ints),
                "vmexits_by_reason": list(c.c_exits),
            })
        devices = {"console_tx_bytes": m.console_tx_bytes,
                   "console_rx_bytes": m.console_rx_bytes,
                   "ipis_sent": m.ipis_sent, "timer_fires": m.timer_fires}
        return {"cpus": cpus, "devices": devices}

    # ---------------------------------------------------------------- devices
    def console_input(self, data: bytes) -> None:
        if data:
            lib.rv_console_input(self._m, ffi.from_buffer(bytes(data)), len(data))

    def console_eof(self) -> None:
        lib.rv_console_eof(self._m)

    def console_output(self) -> bytes:
        n = self._m.tx_len
        if not n:
            return b""
        buf = ffi.new("uint8_t[]", n)
        got = lib.rv_console_take(self._m, buf, n)
        return bytes(ffi.buffer(buf, got))

    def raise_line(self, cpu: int, line: int) -> None:
        self._cpu(cpu)
        lib.rv_raise_line(self._m, cpu, line)

    def clear_line(self, cpu: int, line: int) -> None:
        self._cpu(cpu)
        lib.rv_clear_line(self._m, cpu, line)

    def schedule_line(self, cpu: int, line: int, at_cycle: int) -> None:
        self._cpu(cpu)
        lib.rv_schedule_line(self._m, cpu, line, max(0, int(at_cycle)))

    # ---------------------------------------------------------------- snapshot
    def snapshot(self) -> dict:
        m = self._m
        events = sorted(([m.ev[i].cpu, m.ev[i].line, m.ev[i].at] for i in range(m.nev)),
                        key=lambda e: e[2])
        rx = bytes(ffi.buffer(m.rx + m.rx_head, m.rx_len)) if m.rx_len else b""
        tx = bytes(ffi.buffer(m.tx, m.tx_len)) if m.tx_len else b""
        pending = None
        if m.mmio_pending:
            p = m.mmio
            pending = {"cpu": p.cpu, "paddr": p.paddr, "is_write": bool(p.is_write),
                       "value": p.value, "size": p.size, "rd": p.rd}
        return {
            "cpus": [dataclasses.asdict(self.get_cpu(i)) for i in range(m.ncpus)],
            "sched": {"cpu": m.cur, "left": m.left},
            "events": events,
            "uart": {"rx": rx, "eof": bool(m.eof), "ctrl": m.uart_ctrl, "tx": tx},
            "start_pc": m.start_pc,
            "bp_skip": [bool(m.cpus[i].bp_skip) for i in range(m.ncpus)],
            "pending_mmio": pending,
            "halted": m.exit_code if m.halted else None,
            "machine_check": ffi.string(m.mc_detail).decode("utf-8", "replace") if m.mc else None,
            "counters": self.counters(),
        }

    def restore(self, snap: dict) -> None:
        m = self._m
        lib.rv_clear_events(m)
        for i, s in enumerate(snap["cpus"][:m.ncpus]):
            st = s if isinstance(s, CpuState) else CpuState(**s)
            self.set_cpu(i, st)
        for cpu, line, at in snap["events"]:
            lib.rv_add_event(m, cpu, line, at)
        m.cur = snap["sched"]["cpu"] % m.ncpus
        left = snap["sched"]["left"]
        if left <= 0:
            m.cur = (m.cur + 1) % m.ncpus
            left = m.quantum
        m.left = left
        u = snap["uart"]
        lib.rv_uart_reset(m)
        self.console_input(bytes(u["rx"]))
        m.eof = 1 if u["eof"] else 0
        m.uart_ctrl = u["ctrl"] & M32
        tx = bytes(u["tx"])
        lib.rv_uart_set_tx(m, ffi.from_buffer(tx) if tx else ffi.NULL, len(tx))
        m.start_pc = snap["start_pc"] & M32
        for i, b in enumerate(snap["bp_skip"][:m.ncpus]):
            m.cpus[i].bp_skip = 1 if b else 0
        p = snap.get("pending_mmio")
        m.mmio_pending = 0
        if p is not None:
            m.mmio.cpu, m.mmio.paddr = p["cpu"], p["paddr"] & M32
            m.mmio.is_write, m.mmio.value = 1 if p["is_write"] else 0, p["value"] & M32
            m.mmio.size, m.mmio.rd = p.get("size", 4), p.get("rd", 0)
            m.mmio_pending = 1
            lib.rv_mmio_vaddr(m)
        h = snap.get("halted")
        m.halted, m.exit_code = (0, 0) if h is None else (1, h & M32)
        mc = snap.get("machine_check")
        m.mc = 0
        if mc is not None:
            m.mc = 1
            m.mc_detail = mc.encode("utf-8")[:len(m.mc_detail) - 1]
        cnt = snap["counters"]
        for i, cc in enumerate(cnt["cpus"][:m.ncpus]):
            c = m.cpus[i]
            c.c_idle, c.c_tlb_hits, c.c_tlb_misses = cc["idle"], cc["tlb_hits"], cc["tlb_misses"]
            c.c_tlb_writes, c.c_tlb_flushes = cc["tlb_writes"], cc["tlb_flushes"]
            c.c_asid_switches = cc["asid_switches"]
            for k, name in (("c_retired_by_ring", "retired_by_ring"), ("c_traps", "traps_by_cause"),
                            ("c_ints", "interrupts_by_line"), ("c_exits", "vmexits_by_reason")):
                arr = getattr(c, k)
                for j, val in enumerate(cc[name][:len(arr)]):
                    arr[j] = val
        d = cnt["devices"]
        for k in DEVICE_COUNTERS:
            setattr(m, k, d[k])
        lib.rv_all_changed(m)

    # ---------------------------------------------------------------- timeline log
    def timeline_start(self, capacity: int) -> None:
        self._tlbuf = ffi.new("struct rv_tlrec[]", max(1, capacity))
        lib.rv_tlog_enable(self._m, self._tlbuf, max(1, capacity))

    def timeline_drain(self) -> tuple[list[tuple[int, int, int, int, int]], int]:
        log = self._m.tlog
        n, dropped = log.n, log.dropped
        if not n and not dropped:
            return [], 0
        raw = bytes(ffi.buffer(log.rec, n * _TLREC.size))
        log.n = 0
        log.dropped = 0
        return [(cpu, cyc, kind, a, b) for cyc, a, b, cpu, kind in _TLREC.iter_unpack(raw)], \
            dropped

    def timeline_stop(self) -> None:
        lib.rv_tlog_enable(self._m, ffi.NULL, 0)
        self._tlbuf = None

    # ---------------------------------------------------------------- inspection
    def translate(self, cpu: int, vaddr: int, access: str) -> tuple[int | None, str]:
        c = self._cpu(cpu)
        pa = ffi.new("uint32_t *")
        code = ffi.new("uint32_t *")
        k = lib.rv_translate(self._m, cpu, vaddr & M32, ACCESS[access], pa, code)
        if k == lib.RV_XL_OK:
            p = pa[0]
            if p >= self.config.ram_size:
                page = p & ~(_PAGE - 1)
                if page not in _DEVICE_PAGES and page not in self._pydev:
                    return None, "GPA_FAULT" if c.v else "BUS_ERROR"
            return p, ""
        if k == lib.RV_XL_EXC:
            return None, ISA.cause_name(code[0])
        if k == lib.RV_XL_EXIT:
            return None, ISA.exit_reason_name(code[0])
        return None, "MACHINE_CHECK"


__all__ = ["NativeEngine"]
