"""Memory translation of the Python engine (ISA.md §5 and the second stage of §8): TLB
lookup, kseg, device pages, bus errors and the fetch slow path, as a mixin of
:class:`~ringvm.emulator.engine.python.PythonEngine`.

A failed translation raises an exception from :mod:`.exec` (:class:`Trap`,
:class:`VmExit`, :class:`MachineCheck`, :class:`MmioStop`); the run loop catches it and
hands it to the single delivery path in :mod:`.trap`.
"""
from __future__ import annotations

from ringvm.isa import ISA

from .cpu import CAUSE, EXIT, HCTL, KSEG, TLB_G, TLB_R, TLB_U, TLB_W, TLB_X, TLBHI_VPN
from .devices import DEVICES, NoRegister
from .exec import CAS, FETCH, LOAD, MIS, STORE
from .flow import MachineCheck, MmioStop, Trap, VmExit

DEV_BASE = ISA.memory["device_base"]
DEV_PAGE = ISA.memory["device_page"]
DEV_WINDOW_END = DEV_BASE + ISA.memory["device_window"]

MISS = {FETCH: CAUSE["TLB_MISS_FETCH"], LOAD: CAUSE["TLB_MISS_LOAD"],
        STORE: CAUSE["TLB_MISS_STORE"], CAS: CAUSE["TLB_MISS_STORE"]}
PROT = {FETCH: CAUSE["TLB_PROT_FETCH"], LOAD: CAUSE["TLB_PROT_LOAD"],
        STORE: CAUSE["TLB_PROT_STORE"], CAS: CAUSE["TLB_PROT_STORE"]}
NEED = {FETCH: TLB_X, LOAD: TLB_R, STORE: TLB_W, CAS: TLB_R | TLB_W}
_ACC = ISA.exit_access
QUAL = {FETCH: _ACC["FETCH"], LOAD: _ACC["LOAD"], STORE: _ACC["STORE"], CAS: _ACC["STORE"]}
C_BUS = CAUSE["BUS_ERROR"]
C_MIS_FETCH = MIS[FETCH]


class MmuMixin:
    """Translation and physical access (needs ``self.cpus``, ``self.ram_size``,
    ``self.mv32``, ``self.python_pages``)."""


    # ================================================================ memory
    def xlate(self, cpu, va: int, kind: int) -> int:
        """Translate ``va`` for an access of ``kind`` (ISA.md §5 steps 2-5); alignment is
        checked by the caller. Returns the host-physical address or raises."""
        if va >= KSEG:
            if cpu.ring > 0:
                raise Trap(PROT[kind], va)
            pa = va - KSEG
        else:
            if cpu.v:
                vmid, asid = cpu.hvmid, cpu.guest.asid
            else:
                vmid, asid = 0, cpu.host.asid
            lst = cpu.by_vpn.get(va >> 12)
            hit = -1
            if lst:
                t_vmid, t_asid, t_flags = cpu.t_vmid, cpu.t_asid, cpu.t_flags
                for i in lst:
                    if t_vmid[i] == vmid and (t_flags[i] & TLB_G or t_asid[i] == asid):
                        if hit >= 0:
                            self._duplicate(cpu, va, hit, i)
                        hit = i
            if hit < 0:
                cpu.c_tlb_misses += 1
                cpu.bank().tlbhi = (va & TLBHI_VPN) | asid
                raise Trap(MISS[kind], va)
            cpu.c_tlb_hits += 1
            flags = cpu.t_flags[hit]
            need = NEED[kind]
            if flags & need != need or (cpu.ring == 3 and not flags & TLB_U):
                raise Trap(PROT[kind], va)
            pa = (cpu.t_pfn[hit] << 12) | (va & 0xFFF)
            if cpu.v:
                pa = self._second_stage(cpu, va, pa, kind)
            if pa < self.ram_size and kind != CAS:   # remember the page (RAM only)
                d = cpu.dr if kind == LOAD else cpu.dw if kind == STORE else cpu.fpages
                d[va >> 12] = pa & 0xFFFFF000
                if not flags & TLB_U:                # valid for rings 0-2 only
                    cpu.priv.append((d, va >> 12))
            return pa
        if cpu.v:
            return self._second_stage(cpu, va, pa, kind)
        return pa

    def _duplicate(self, cpu, va, i, j):
        if cpu.v:
            raise VmExit(EXIT["MACHINE_CHECK"], bad=va)
        raise MachineCheck(f"cpu {cpu.index}: duplicate TLB match for 0x{va:08x} "
                           f"(entries {i} and {j})")

    def _second_stage(self, cpu, va, gpa, kind):
        if gpa < cpu.hlimit:
            hpa = cpu.hbase + gpa
            if hpa < self.ram_size:
                return hpa
        elif DEV_BASE <= gpa < DEV_WINDOW_END:
            if cpu.hctl & HCTL["DEVPASS"]:
                return gpa
            raise VmExit(EXIT["MMIO"], gpa=gpa, qual=QUAL[kind], insn=kind != FETCH)
        raise VmExit(EXIT["GPA_FAULT"], bad=va, gpa=gpa, qual=QUAL[kind],
                     insn=kind != FETCH)

    def bus_error(self, cpu, va, pa, kind):
        if cpu.v:
            raise VmExit(EXIT["GPA_FAULT"], bad=va, gpa=pa, qual=QUAL[kind],
                         insn=kind != FETCH)
        raise Trap(C_BUS, va)

    def _device(self, cpu, pa, size, va, kind):
        """(read, write, offset) of the engine-owned device register at ``pa``; raises
        MMIO for Python device pages (after the size check) and bus errors."""
        page = pa & ~(DEV_PAGE - 1)
        dev = DEVICES.get(page)
        if size != 4 or (dev is None and page not in self.python_pages):
            self.bus_error(cpu, va, pa, kind)
        return dev, page

    def phys_read(self, cpu, pa, size, va, rd):
        """A load from a physical address outside RAM."""
        dev, page = self._device(cpu, pa, size, va, LOAD)
        if dev is None:
            raise MmioStop(pa, False, 0, rd, va)
        try:
            return dev[0](self, cpu, pa - page)
        except NoRegister:
            self.bus_error(cpu, va, pa, LOAD)

    def phys_write(self, cpu, pa, size, value, va):
        """A store to a physical address outside RAM."""
        dev, page = self._device(cpu, pa, size, va, STORE)
        if dev is None:
            raise MmioStop(pa, True, value, 0, va)
        try:
            dev[1](self, cpu, pa - page, value)
        except NoRegister:
            self.bus_error(cpu, va, pa, STORE)

    def _fetch_slow(self, cpu, pc):
        """Fetch (aligned ``pc``) when it is not on the current fetch page: from the
        per-CPU page cache, or by a full translation; the page becomes current."""
        vp = pc >> 12
        base = cpu.fpages.get(vp)
        if base is None:
            pa = self.xlate(cpu, pc, FETCH)      # caches useg pages itself
            if pa >= self.ram_size:
                self.bus_error(cpu, pc, pa, FETCH)
            base = pa & 0xFFFFF000
            if pc >= KSEG:                       # kseg: valid for rings <= 0 only
                cpu.fpages[vp] = base
                cpu.priv.append((cpu.fpages, vp))
        elif pc < KSEG:
            cpu.c_tlb_hits += 1
        cpu.f_vpage = vp
        cpu.f_base = base
        cpu.f_useg = 1 if pc < KSEG else 0
        return self.mv32[(base | (pc & 0xFFF)) >> 2]
