"""Trap entry, VM exits and interrupt delivery of the Python engine (ISA.md §7, §8), as
a mixin of :class:`~ringvm.emulator.engine.python.PythonEngine`: the one exit path that
every :class:`~.exec.Trap`, :class:`~.exec.VmExit` and interrupt takes.
"""
from __future__ import annotations

from ringvm.isa import ISA

from .cpu import (EXIT, HCTL, IE_BIT, INT_BIT, M32, PIE_BIT, PRING_SHIFT, PV_BIT,
                  RING_MASK, STOPPED, WAITING)
from .csr import csr_read, csr_write, rfe_target
from .devices import CONSOLE_BIT
from .flow import MachineCheck

# timeline record kinds (native/api.h RV_TL_*)
TL_CTX, TL_TRAP, TL_IRQ, TL_EXIT, TL_TLBW, TL_IPI = range(6)
TL_TRAP_REG = 17        # a7, the system-call number register (guests/abi.toml)

class TrapMixin:
    """CSR access, rfe, exceptions, exits and interrupts (needs ``self.cpus`` and
    ``self.uart``)."""

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
        if cpu.tl is not None:
            cpu.tl.append((cpu.index, cpu.cycle, TL_TRAP,
                           cause | (cpu.regs[TL_TRAP_REG] & 0xFFFFFF) << 8, pc))

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
                               f"{ISA.exit_reason_name(reason)} at 0x{epc:08x} "
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
        if cpu.tl is not None:
            cpu.tl.append((cpu.index, cpu.cycle, TL_EXIT, reason, epc))

    # ================================================================ interrupts
    def _deliver(self, cpu) -> bool:
        """Take the lowest deliverable interrupt (ISA.md §7); True if one was taken."""
        taken = self._deliver_line(cpu)
        if taken is not None and cpu.tl is not None:
            cpu.tl.append((cpu.index, cpu.cycle, TL_IRQ, taken[0], taken[1]))
        return taken is not None

    def _deliver_line(self, cpu):
        """:meth:`_deliver`'s work: ``(line, epc)`` of the interrupt taken, or None."""
        epc = cpu.pc
        if cpu.v:
            g = cpu.guest
            if cpu.hctl & HCTL["IRQ"]:
                phys = cpu.pending & cpu.host.ienable
                if phys:
                    line = (phys & -phys).bit_length() - 1
                    self._vmexit(cpu, EXIT["IRQ"], cpu.pc, qual=line)
                    cpu.c_interrupts_by_line[line] += 1
                    return line, epc
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
                return line, epc
            return None
        lines = cpu.pending & cpu.host.ienable
        if not lines:
            return None
        line = (lines & -lines).bit_length() - 1
        if cpu.ring == -1:
            if not cpu.hstatus & IE_BIT:
                return None
            self._trap_hyp(cpu, INT_BIT | line, 0, cpu.pc)
        else:
            if not cpu.host.status & IE_BIT:
                return None
            self._trap_ring0(cpu, cpu.host, INT_BIT | line, 0, cpu.pc)
        cpu.c_interrupts_by_line[line] += 1
        return line, epc

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
