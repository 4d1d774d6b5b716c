"""CPU state of the Python reference engine (:mod:`ringvm.emulator.engine.python`):
registers, the two banks of control registers, the hypervisor registers, the TLB and
the per-CPU timer.

Everything numeric comes from the ISA tables (``ringvm.isa.ISA``); nothing here
hard-codes an opcode, a CSR number or a cause code.
"""
from __future__ import annotations

from ringvm.isa import ISA

from ..contract import CpuState, TlbEntry, timeline_key

M32 = 0xFFFF_FFFF
INF = 1 << 80                     # "never" for cycle comparisons

RUNNING, WAITING, STOPPED = 0, 1, 2
MODE_NAMES = ("running", "waiting", "stopped")

# --- names -> numbers, all from the ISA tables
CSR = {name: c.number for name, c in ISA.csrs.items()}
CAUSE = {name: n.value for name, n in ISA.causes.items()}
LINE = {name: n.value for name, n in ISA.interrupts.items()}
HCTL = {name: 1 << n.value for name, n in ISA.exit_controls.items()}
EXIT = {name: n.value for name, n in ISA.exit_reasons.items()}

BANKED = tuple(sorted(c.number for c in ISA.csrs.values() if c.banked))
GALIAS_OFFSET = ISA.csrs["g" + ISA.csr_by_number[BANKED[0]].name].number - BANKED[0]
HYP_CSRS = tuple(sorted(c.number for c in ISA.csrs.values()
                        if c.ring == -1 and not c.guest_alias))
#: CSRs whose value is derived from other state rather than stored
DERIVED = (CSR["cycle"], CSR["cycleh"])

INT_BIT = ISA.cause_interrupt     # set in a cause word for an interrupt

# status field positions
_SF = ISA.status_fields
IE_BIT = 1 << _SF["IE"][1]
PIE_BIT = 1 << _SF["PIE"][1]
PRING_SHIFT = _SF["PRING"][1]
RING_SHIFT = _SF["RING"][1]
PV_BIT = 1 << _SF["PV"][1]
RING_MASK = 0b111                # ring fields are 3-bit two's complement

# the TLB entry (ISA.md §6): flags, and the fields of tlbhi/tlblo
_TLB = ISA.tlb
TLB_V, TLB_R, TLB_W, TLB_X, TLB_U, TLB_G = (_TLB.flag(f) for f in ("V", "R", "W", "X", "U", "G"))
TLB_FLAGS = _TLB.flags_mask       # what an entry keeps of tlblo's flag bits
TLB_NOT_FOUND = _TLB.not_found    # tlbidx after a tlbp that matched nothing
VPN_SHIFT, PFN_SHIFT = _TLB.vpn_shift, _TLB.pfn_shift
ASID_MASK, VMID_MASK = _TLB.asid_mask, _TLB.vmid_mask
TLBHI_VPN = ISA.csrs["tlbhi"].mask("VPN")

KSEG = ISA.memory["kseg_base"]
PAGE = ISA.memory["device_page"]
PAGE_BITS = ISA.page_bits


def ring_field(ring: int) -> int:
    """Encode a ring as a 3-bit two's-complement field."""
    return ring & RING_MASK


def field_ring(bits: int) -> int:
    """Decode a 3-bit two's-complement ring field (may give -4..3)."""
    bits &= RING_MASK
    return bits - 8 if bits & 4 else bits


class Bank:
    """One copy (host or guest) of the banked control registers.

    ``status`` keeps only the writable fields IE, PIE, PRING; RING is added on read.
    """
    __slots__ = ("status", "tvec", "epc", "cause", "badvaddr", "scratch", "ienable",
                 "ipend", "asid", "tlbidx", "tlbhi", "tlblo", "wired", "cpuid")

    def __init__(self, cpuid: int = 0):
        for name in self.__slots__:
            setattr(self, name, 0)
        self.cpuid = cpuid


#: banked CSR number -> Bank attribute
BANK_ATTR = {CSR[name]: name for name in Bank.__slots__}
#: ring -1 CSR number -> Cpu attribute
HYP_ATTR = {CSR[name]: name for name in
            ("hstatus", "hvec", "hepc", "hcause", "hbadvaddr", "hscratch", "hctl",
             "hvmid", "hbase", "hlimit", "hgpa", "hinsn", "hqual", "tlbvmid")}
assert set(BANK_ATTR) == set(BANKED) and set(HYP_ATTR) == set(HYP_CSRS)

#: writable masks (csr ``writable``/``writable_host``) by CSR number: of the host copy
#: of a banked CSR or of a ring -1 CSR, and of the guest copy of a banked CSR
WMASK_HOST = {n: ISA.csr_by_number[n].writable_host for n in (*BANKED, *HYP_CSRS)}
WMASK_GUEST = {n: ISA.csr_by_number[n].writable for n in BANKED}


class Cpu:
    """Architectural state of one CPU plus the engine's bookkeeping for it."""

    def __init__(self, index: int, tlb_entries: int):
        self.index = index
        self.regs = [0] * 32
        self.pc = 0
        self.ring = 0
        self.v = 0
        self.mode = RUNNING if index == 0 else STOPPED
        self.cycle = 0
        self.host = Bank(index)
        self.guest = Bank(0)
        # ring -1 registers (hstatus keeps IE, PIE, PRING, PV)
        for name in HYP_ATTR.values():
            setattr(self, name, 0)
        self.ipend = 0            # latched host lines (TIMER, DISK, IPI, ...)
        self.level = 0            # level-triggered host lines (CONSOLE on CPU 0)
        self.pending = 0          # ipend | level
        # timer
        self.t_compare = 0
        self.t_interval = 0
        self.t_enabled = 0
        self.events: list[tuple[int, int]] = []   # (at_cycle, line), firing order
        self.next_event = INF
        # TLB as parallel arrays plus an index vpn -> [entry indices]
        self.ntlb = tlb_entries
        self.t_vpn = [0] * tlb_entries
        self.t_asid = [0] * tlb_entries
        self.t_vmid = [0] * tlb_entries
        self.t_pfn = [0] * tlb_entries
        self.t_flags = [0] * tlb_entries
        self.by_vpn: dict[int, list[int]] = {}
        # timeline log (PythonEngine.timeline_start): the shared record list, or None
        self.tl: list | None = None
        self.tl_key = 0
        # translation micro-caches (RAM pages only, valid while the translation context
        # is unchanged; see flush_xlate): fetch page, and useg load/store pages
        self.dr: dict[int, int] = {}     # useg virtual page -> host-physical page base
        self.dw: dict[int, int] = {}
        self.fpages: dict[int, int] = {}  # virtual page -> host-physical page (fetch)
        self.priv: list[tuple[dict, int]] = []   # cached pages ring 3 may not use
        self.f_vpage = -1
        self.f_base = 0
        self.f_useg = 0
        self.icache: dict = {}
        self.bp_skip = False
        self.reset_counters()

    def flush_xlate(self) -> None:
        """Forget cached translations (TLB, context, ring or second stage changed)."""
        self.f_vpage = -1
        self.fpages.clear()
        self.dr.clear()
        self.dw.clear()
        self.priv.clear()

    def drop_privileged(self) -> None:
        """The ring became less privileged (same context): forget the cached pages
        that only rings 0-2 (non-U pages) or rings <= 0 (kseg) may use."""
        for d, key in self.priv:
            d.pop(key, None)
        self.priv.clear()
        self.f_vpage = -1

    # ---------------------------------------------------------------- counters
    def reset_counters(self) -> None:
        self.c_retired = 0
        self.c_idle = 0
        self.c_tlb_hits = 0
        self.c_tlb_misses = 0
        self.c_tlb_writes = 0
        self.c_tlb_flushes = 0
        self.c_asid_switches = 0
        self.c_retired_by_ring = [0] * 5
        self.c_traps_by_cause = [0] * 16
        self.c_interrupts_by_line = [0] * 8
        self.c_vmexits_by_reason = [0] * 16

    def counters(self) -> dict:
        return {
            "cycles": self.cycle, "retired": self.c_retired, "idle": self.c_idle,
            "tlb_hits": self.c_tlb_hits, "tlb_misses": self.c_tlb_misses,
            "tlb_writes": self.c_tlb_writes, "tlb_flushes": self.c_tlb_flushes,
            "asid_switches": self.c_asid_switches,
            "retired_by_ring": list(self.c_retired_by_ring),
            "traps_by_cause": list(self.c_traps_by_cause),
            "interrupts_by_line": list(self.c_interrupts_by_line),
            "vmexits_by_reason": list(self.c_vmexits_by_reason),
        }

    def set_counters(self, c: dict) -> None:
        self.c_retired = c["retired"]
        self.c_idle = c["idle"]
        self.c_tlb_hits = c["tlb_hits"]
        self.c_tlb_misses = c["tlb_misses"]
        self.c_tlb_writes = c["tlb_writes"]
        self.c_tlb_flushes = c["tlb_flushes"]
        self.c_asid_switches = c["asid_switches"]
        self.c_retired_by_ring = list(c["retired_by_ring"])
        self.c_traps_by_cause = list(c["traps_by_cause"])
        self.c_interrupts_by_line = list(c["interrupts_by_line"])
        self.c_vmexits_by_reason = list(c["vmexits_by_reason"])

    # ---------------------------------------------------------------- status words
    def bank(self) -> Bank:
        """The bank of the current V."""
        return self.guest if self.v else self.host

    def status_word(self, guest: bool) -> int:
        """Packed status of one copy. RING is the ring of the level owning the copy:
        the current ring for the copy in use; -1 for the host copy while a guest runs
        (ring -1 is below it); 0 for the guest copy while the host runs."""
        b = self.guest if guest else self.host
        if guest:
            ring = self.ring if self.v else 0
        else:
            ring = -1 if self.v else self.ring
        return b.status | (ring_field(ring) << RING_SHIFT)

    # ---------------------------------------------------------------- TLB
    def tlb_set(self, i: int, vpn: int, asid: int, vmid: int, pfn: int, flags: int) -> None:
        old = self.t_vpn[i]
        if self.t_flags[i] & TLB_V:
            lst = self.by_vpn.get(old)
            if lst is not None and i in lst:
                lst.remove(i)
                if not lst:
                    del self.by_vpn[old]
        self.t_vpn[i] = vpn
        self.t_asid[i] = asid
        self.t_vmid[i] = vmid
        self.t_pfn[i] = pfn
        self.t_flags[i] = flags
        if flags & TLB_V:
            lst = self.by_vpn.setdefault(vpn, [])
            lst.append(i)
            lst.sort()
        self.flush_xlate()

    def tlb_matches(self, vpn: int, vmid: int, asid: int) -> list[int]:
        """Indices of the valid entries matching (vpn, vmid, asid), lowest first."""
        lst = self.by_vpn.get(vpn)
        if not lst:
            return []
        t_vmid, t_asid, t_flags = self.t_vmid, self.t_asid, self.t_flags
        return [i for i in lst if t_vmid[i] == vmid and
                (t_flags[i] & TLB_G or t_asid[i] == asid)]

    def tl_key_now(self) -> int:
        """The packed context of a CTX timeline record (native/api.h RV_TL_CTX)."""
        vmid, asid = self.context()
        return timeline_key(self.ring, self.v, self.mode, asid, vmid)

    def tl_ctx(self, first: int) -> None:
        """Log a CTX record if the context changed (``first``: its first cycle)."""
        k = self.tl_key_now()
        if k != self.tl_key:
            self.tl_key = k
            self.tl.append((self.index, first, 0, k, 0))

    def context(self) -> tuple[int, int]:
        """(VMID, ASID) of the current context."""
        if self.v:
            return self.hvmid, self.guest.asid
        return 0, self.host.asid

    # ---------------------------------------------------------------- timer/events
    def update_next_event(self) -> None:
        n = self.events[0][0] if self.events else INF
        for at, _line in self.events:
            if at < n:
                n = at
        if self.t_enabled and self.t_compare < n:
            n = self.t_compare
        self.next_event = n

    # ---------------------------------------------------------------- CpuState
    def to_state(self) -> CpuState:
        csr = {}
        for num, attr in BANK_ATTR.items():
            csr[num] = getattr(self.host, attr)
        csr[CSR["status"]] = self.status_word(False)
        csr[CSR["ipend"]] = self.ipend          # the latched lines (= CpuState.ipend)
        for num, attr in HYP_ATTR.items():
            csr[num] = getattr(self, attr)
        gcsr = {num: getattr(self.guest, attr) for num, attr in BANK_ATTR.items()}
        gcsr[CSR["status"]] = self.status_word(True)
        tlb = [TlbEntry(self.t_vpn[i], self.t_asid[i], self.t_vmid[i], self.t_pfn[i],
                        self.t_flags[i]) for i in range(self.ntlb)]
        return CpuState(regs=list(self.regs), pc=self.pc, ring=self.ring, v=self.v,
                        mode=MODE_NAMES[self.mode], cycle=self.cycle, csr=csr, gcsr=gcsr,
                        ipend=self.ipend,
                        timer=(self.t_compare, self.t_interval, self.t_enabled), tlb=tlb)

    def from_state(self, s: CpuState) -> None:
        self.regs[:] = [r & M32 for r in s.regs]
        self.regs[0] = 0
        self.pc = s.pc & M32
        self.ring = s.ring
        self.v = 1 if s.v else 0
        self.mode = MODE_NAMES.index(s.mode)
        self.cycle = s.cycle
        for num, attr in BANK_ATTR.items():
            if num in s.csr:
                setattr(self.host, attr, s.csr[num] & M32)
            if num in s.gcsr:
                setattr(self.guest, attr, s.gcsr[num] & M32)
        self.host.status &= WMASK_HOST[CSR["status"]]      # only the stored fields
        self.guest.status &= WMASK_GUEST[CSR["status"]]
        for num, attr in HYP_ATTR.items():
            if num in s.csr:
                setattr(self, attr, s.csr[num] & M32)
        self.hstatus &= WMASK_HOST[CSR["hstatus"]]
        self.host.ipend = 0
        self.ipend = s.ipend
        self.pending = self.ipend | self.level
        self.t_compare, self.t_interval, self.t_enabled = s.timer
        self.by_vpn = {}
        for i in range(self.ntlb):
            self.t_flags[i] = 0
        for i, e in enumerate(s.tlb[:self.ntlb]):
            if isinstance(e, dict):
                e = TlbEntry(**e)
            self.tlb_set(i, e.vpn, e.asid, e.vmid, e.pfn, e.flags)
        self.flush_xlate()
        self.update_next_event()
