"""Memory translation, trap entry, VM exits and interrupt delivery of the Python engine
(ISA.md §5, §7, §8), as a mixin of :class:`~ringvm.emulator.engine_python.PythonEngine`.

Control flow inside an instruction uses exceptions from ``pyexec``: :class:`Trap` (an
exception for the current level), :class:`VmExit`, :class:`MachineCheck` and
:class:`MmioStop`; the engine's run loop catches them and calls the delivery methods
here.
"""
from __future__ import annotations

from ringvm.isa import ISA

from .pycpu import (CAUSE, EXIT, HCTL, IE_BIT, INT_BIT, KSEG, M32, PIE_BIT, PRING_SHIFT,
                    PV_BIT, RING_MASK, STOPPED, TLB_R, TLB_U, TLB_W, TLB_X, WAITING)
from .pydevices import CONSOLE_BIT, DEVICES, NoRegister
from .pycsr import csr_read, csr_write, rfe_target
from .pyexec import CAS, FETCH, LOAD, MIS, STORE, MachineCheck, MmioStop, Trap, VmExit

DEV_BASE = ISA.memory["device_base"]
DEV_PAGE = ISA.memory["device_page"]
DEV_WINDOW_END = DEV_BASE + 16 * DEV_PAGE

MISS = {FETCH: CAUSE["TLB_MISS_FETCH"], LOAD: CAUSE["TLB_MISS_LOAD"],
        STORE: CAUSE["TLB_MISS_STORE"], CAS: CAUSE["TLB_MISS_STORE"]}
PROT = {FETCH: CAUSE["TLB_PROT_FETCH"], LOAD: CAUSE["TLB_PROT_LOAD"],
        STORE: CAUSE["TLB_PROT_STORE"], CAS: CAUSE["TLB_PROT_STORE"]}
NEED = {FETCH: TLB_X, LOAD: TLB_R, STORE: TLB_W, CAS: TLB_R | TLB_W}
QUAL = {FETCH: 0, LOAD: 1, STORE: 2, CAS: 2}
C_BUS = CAUSE["BUS_ERROR"]
C_MIS_FETCH = MIS[FETCH]

EXIT_NAMES = {v: k for k, v in EXIT.items()}


class SystemMixin:
    """Translation, devices, traps, exits and interrupts (needs ``self.cpus``,
    ``self.ram_size``, ``self.mv32``, ``self.uart``, ``self.python_pages``)."""

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
                    if t_vmid[i] == vmid and (t_flags[i] & 32 or t_asid[i] == asid):
                        if hit >= 0:
                            self._duplicate(cpu, va, hit, i)
                        hit = i
            if hit < 0:
                cpu.c_tlb_misses += 1
                cpu.bank().tlbhi = (va & 0xFFFFF000) | asid
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

    # ================================================================ CSRs, rfe
    csr_read = staticmethod(csr_read)

    def csr_write(self, cpu, num, value):
        csr_write(cpu, num, value)

    def do_rfe(self, cpu):
        return rfe_target(cpu)

    # ================================================================ traps and exits
    def _exception(self, cpu, cause, bad, pc, word):
        """Deliver a synchronous exception raised by the instruction at ``pc``."""
        if cpu.v:
            # under hctl.EXC, or when the guest kernel has no vector: a guest can never
            # stop the host, so its ring -1 decides (ISA.md §8)
            if cpu.hctl & HCTL["EXC"] or cpu.guest.tvec == 0:
                self._vmexit(cpu, EXIT["EXCEPTION"], pc, bad=bad, insn=word, qual=cause)
            else:
                self._trap_ring0(cpu, cpu.guest, cause, bad, pc)
        elif cpu.ring == -1:
            self._trap_hyp(cpu, cause, bad, pc)
        else:
            self._trap_ring0(cpu, cpu.host, cause, bad, pc)
        cpu.c_traps_by_cause[cause] += 1

    def _trap_ring0(self, cpu, b, cause, bad, epc):
        if b.tvec == 0:
            raise MachineCheck(f"cpu {cpu.index}: trap {ISA.cause_name(cause)} at "
                               f"0x{epc:08x} with no trap vector ("
                               f"{'guest ' if cpu.v else ''}tvec = 0)")
        b.epc = epc
        b.cause = cause
        b.badvaddr = bad & M32
        st = b.status
        pie = PIE_BIT if st & IE_BIT else 0
        b.status = (st & ~(IE_BIT | PIE_BIT | (RING_MASK << PRING_SHIFT))) | pie | \
            ((cpu.ring & RING_MASK) << PRING_SHIFT)
        cpu.ring = 0                     # same context, more privilege: caches stay valid
        cpu.pc = b.tvec

    def _trap_hyp(self, cpu, cause, bad, epc):
        if cpu.hvec == 0:
            raise MachineCheck(f"cpu {cpu.index}: trap {ISA.cause_name(cause)} at "
                               f"0x{epc:08x} in ring -1 with no trap vector (hvec = 0)")
        cpu.hepc = epc
        cpu.hcause = cause
        cpu.hbadvaddr = bad & M32
        hs = cpu.hstatus
        pie = PIE_BIT if hs & IE_BIT else 0
        cpu.hstatus = (hs & ~(IE_BIT | PIE_BIT | PV_BIT | (RING_MASK << PRING_SHIFT))) | \
            pie | ((-1 & RING_MASK) << PRING_SHIFT)
        cpu.pc = cpu.hvec

    def _vmexit(self, cpu, reason, epc, bad=0, gpa=0, insn=0, qual=0):
        if cpu.hvec == 0:
            raise MachineCheck(f"cpu {cpu.index}: VM exit "
                               f"{EXIT_NAMES.get(reason, reason)} at 0x{epc:08x} "
                               f"with no trap vector (hvec = 0)")
        cpu.hepc = epc
        cpu.hcause = reason
        cpu.hbadvaddr = bad & M32
        cpu.hgpa = gpa & M32
        cpu.hinsn = insn & M32
        cpu.hqual = qual & M32
        hs = cpu.hstatus
        pie = PIE_BIT if hs & IE_BIT else 0
        cpu.hstatus = (hs & ~(IE_BIT | PIE_BIT | (RING_MASK << PRING_SHIFT))) | PV_BIT | \
            pie | ((cpu.ring & RING_MASK) << PRING_SHIFT)
        cpu.v = 0
        cpu.ring = -1
        cpu.pc = cpu.hvec
        cpu.flush_xlate()
        cpu.c_vmexits_by_reason[reason] += 1

    # ================================================================ interrupts
    def _deliver(self, cpu) -> bool:
        """Take the lowest deliverable interrupt (ISA.md §7); True if one was taken."""
        if cpu.v:
            g = cpu.guest
            if cpu.hctl & HCTL["IRQ"]:
                phys = cpu.pending & cpu.host.ienable
                if phys:
                    line = (phys & -phys).bit_length() - 1
                    self._vmexit(cpu, EXIT["IRQ"], cpu.pc, qual=line)
                    cpu.c_interrupts_by_line[line] += 1
                    return True
                lines = g.ipend & g.ienable
            else:
                lines = (cpu.pending | g.ipend) & g.ienable
            if lines and g.status & IE_BIT:
                line = (lines & -lines).bit_length() - 1
                if g.tvec == 0:      # no guest vector: exit instead of stopping the host
                    self._vmexit(cpu, EXIT["EXCEPTION"], cpu.pc, qual=INT_BIT | line)
                else:
                    self._trap_ring0(cpu, g, INT_BIT | line, 0, cpu.pc)
                cpu.c_interrupts_by_line[line] += 1
                return True
            return False
        lines = cpu.pending & cpu.host.ienable
        if not lines:
            return False
        line = (lines & -lines).bit_length() - 1
        if cpu.ring == -1:
            if not cpu.hstatus & IE_BIT:
                return False
            self._trap_hyp(cpu, INT_BIT | line, 0, cpu.pc)
        else:
            if not cpu.host.status & IE_BIT:
                return False
            self._trap_ring0(cpu, cpu.host, INT_BIT | line, 0, cpu.pc)
        cpu.c_interrupts_by_line[line] += 1
        return True

    @staticmethod
    def _irq_mask(cpu) -> int:
        """Host lines that, if pending, would be delivered now (given ienable, IE, ring,
        V, hctl, which only change outside the hot loop)."""
        if cpu.v:
            if cpu.hctl & HCTL["IRQ"]:
                return cpu.host.ienable
            return cpu.guest.ienable if cpu.guest.status & IE_BIT else 0
        if cpu.ring == -1:
            return cpu.host.ienable if cpu.hstatus & IE_BIT else 0
        return cpu.host.ienable if cpu.host.status & IE_BIT else 0

    @staticmethod
    def _wake(cpu) -> bool:
        """Wake condition of a waiting CPU: an interrupt pending and enabled in the mask
        that governs it, ignoring IE (ISA.md §10)."""
        if cpu.v:
            g = cpu.guest
            if cpu.hctl & HCTL["IRQ"]:
                return bool(cpu.pending & cpu.host.ienable or g.ipend & g.ienable)
            return bool((cpu.pending | g.ipend) & g.ienable)
        return bool(cpu.pending & cpu.host.ienable)

    def _idle_cpu(self, cpu) -> bool:
        """Stopped, or waiting without a wake condition."""
        return cpu.mode == STOPPED or (cpu.mode == WAITING and not self._wake(cpu))

    def update_console_line(self):
        c0 = self.cpus[0]
        c0.level = CONSOLE_BIT if self.uart.line() else 0
        c0.pending = c0.ipend | c0.level
