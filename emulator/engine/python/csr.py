"""Control-register access and ``rfe`` for the Python engine (ISA.md §4, §7): the
host and guest banks, the g-aliases, the writable masks of the ISA table, and the
return from a trap. No privilege checks here: the CSR handlers in ``exec`` do them
first."""
from __future__ import annotations

from .cpu import (BANK_ATTR, CSR, GALIAS_OFFSET, HYP_ATTR, IE_BIT, M32, PIE_BIT,
                  PRING_SHIFT, PV_BIT, RING_SHIFT, WMASK_GUEST, WMASK_HOST, field_ring,
                  ring_field)


#: CSRs whose writes change what the engine's hot loop keeps in locals: the interrupt
#: masks (status, ienable, ipend, hstatus, hctl) and the translation context
#: (asid, hvmid, hbase, hlimit); a write to them ends the instruction with Resync
RESYNC_CSRS = frozenset(
    [CSR[n] for n in ("status", "ienable", "ipend", "asid", "gstatus", "gienable",
                      "gipend", "gasid", "hstatus", "hctl", "hvmid", "hbase", "hlimit")])
HSTATUS = CSR["hstatus"]
#: hstatus.RING as read: only ring -1 reads hstatus, so it always shows ring -1
HSTATUS_RING = ring_field(-1) << RING_SHIFT
#: CSRs whose writes change translations (flush the translation caches)
XLATE_CSRS = frozenset([CSR[n] for n in ("asid", "gasid", "hvmid", "hbase", "hlimit")])


def csr_read(cpu, num: int) -> int:
    """Value of CSR ``num`` as the current context sees it (no checks)."""
    if num == CSR["cycle"]:
        return cpu.cycle & M32
    if num == CSR["cycleh"]:
        return (cpu.cycle >> 32) & M32
    attr = HYP_ATTR.get(num)
    if attr is not None:
        if num == HSTATUS:      # RING is not stored: the owner's ring, -1 (ISA.md §4)
            return cpu.hstatus | HSTATUS_RING
        return getattr(cpu, attr)
    attr = BANK_ATTR.get(num)
    if attr is not None:
        guest = bool(cpu.v)
    else:
        attr = BANK_ATTR[num - GALIAS_OFFSET]
        guest = True
    b = cpu.guest if guest else cpu.host
    if attr == "status":
        return cpu.status_word(guest)
    if attr == "ipend" and not guest:
        return cpu.pending
    return getattr(b, attr)


def csr_write(cpu, num: int, value: int) -> None:
    """Write CSR ``num`` in the current context (read-only CSRs already excluded): the
    copy keeps ``value & writable``; a copy with nothing writable ignores the write
    (host ipend reads the pending lines, host cpuid is the CPU number)."""
    if num in XLATE_CSRS:
        cpu.flush_xlate()
    attr = HYP_ATTR.get(num)
    if attr is not None:
        setattr(cpu, attr, value & WMASK_HOST[num])
        return
    attr = BANK_ATTR.get(num)
    if attr is not None:
        guest = bool(cpu.v)
    else:
        num -= GALIAS_OFFSET
        attr = BANK_ATTR[num]
        guest = True
    mask = WMASK_GUEST[num] if guest else WMASK_HOST[num]
    if not mask:
        return
    value &= mask
    b = cpu.guest if guest else cpu.host
    if attr == "asid" and value != b.asid:
        cpu.c_asid_switches += 1
    setattr(b, attr, value)


def rfe_target(cpu):
    """Apply ``rfe`` to the CPU's state and return the new pc (ISA.md §7 Return)."""
    old_ring, old_v = cpu.ring, cpu.v
    if cpu.ring == -1 and not cpu.v:
        hs = cpu.hstatus
        pring = field_ring(hs >> PRING_SHIFT)
        ie = 1 if hs & PIE_BIT else 0
        cpu.hstatus = (hs & ~(IE_BIT | PIE_BIT)) | ie | PIE_BIT
        if hs & PV_BIT:
            cpu.v = 1
            cpu.ring = pring if 0 <= pring <= 3 else 0
        else:
            cpu.ring = pring if -1 <= pring <= 3 else 0
        pc = cpu.hepc
    else:
        b = cpu.bank()
        st = b.status
        pring = field_ring(st >> PRING_SHIFT)
        ie = 1 if st & PIE_BIT else 0
        b.status = (st & ~(IE_BIT | PIE_BIT)) | ie | PIE_BIT
        cpu.ring = pring if 0 <= pring <= 3 else 0
        pc = b.epc
    # cached translations stay valid towards more privilege in the same context
    if cpu.v != old_v:
        cpu.flush_xlate()
    elif cpu.ring > old_ring:
        cpu.drop_privileged()
    return pc
