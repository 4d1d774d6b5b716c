"""The engine contract: what the Machine asks of an execution engine.

Two engines implement it — ``python`` (``ringvm.emulator.engine.python``, the readable
reference) and ``native`` (``ringvm.emulator.engine.native``, the C loop in ``native/``
through cffi). Both obey ``isa/ISA.md`` exactly: same registers, same
traps, same cycle counts, same counters, same stop points. The differential test steps
them in lockstep and compares :class:`CpuState` after every step.

Division of labour (DESIGN.md principle 6): an engine owns the CPUs (registers, CSRs,
TLB, ring, V bit, waiting/stopped state, cycle counters), the interrupt lines, and the
*hot* devices — per-CPU timers, the console UART's buffers, the IPI mailbox and sysctl
(halt). Physical RAM is a ``bytearray`` owned by the Machine and shared zero-copy with
the engine. Every other device ("Python device": the block device today) lives in
Python; an access to one of its pages stops the engine with :attr:`StopReason.MMIO`, the
Machine performs it, then calls :meth:`Engine.complete_mmio` — the instruction retires
only then, so the guest sees the access as one instruction.

Engine rules beyond the ISA (both engines, exactly):

- Scheduling: CPUs run round-robin, ``config.quantum`` steps each, starting with CPU 0
  and a full quantum. ``run`` stops mid-quantum when it must; the next ``run``
  continues the same CPU with the steps left. Stopped CPUs take idle steps too.
- A step begins as ISA.md §10 says. A breakpoint is checked only when the step is about
  to execute an instruction (after events, waking and interrupt delivery): if the pc is
  armed and the CPU's ``bp_skip`` flag is clear, ``run`` returns BREAKPOINT without
  consuming the step and sets ``bp_skip``; the flag clears after that CPU's next step.
- IDLE: at the start of a step, if every CPU is waiting (without wake condition) or
  stopped, no CPU has its timer enabled and no line is scheduled, ``run`` returns IDLE
  without consuming the step (only host input can change anything).
- MMIO: the access is found during execution; ``run`` returns MMIO without consuming
  the step; ``complete_mmio`` finishes it (value or BUS_ERROR) and counts the step.
- HALT: the store retires (counted), then ``run`` returns HALT; later calls return
  HALT with 0 steps. MACHINE_CHECK: the step does not complete; later calls return it
  again.
- Counters: ``tlb_hits`` counts useg accesses that matched one entry (``cas`` is one
  access); ``tlb_misses`` counts misses detected (whoever handles them);
  ``traps_by_cause`` counts exceptions by code wherever delivered (ring 0, ring −1, or
  exit EXCEPTION); ``interrupts_by_line`` counts interrupts taken (trap entry or exit
  IRQ); ``vmexits_by_reason`` counts every VM exit; ``timer_fires`` counts TIMER
  latches.
"""
from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from ringvm.isa import ISA

#: counter groups; every engine returns exactly these keys from ``counters()``
N_CAUSES = 16         # exception codes 0..15 (index = code)
N_LINES = 8           # interrupt lines 0..7
N_EXIT_REASONS = 16   # VM exit reasons 0..15
RINGS = (-1, 0, 1, 2, 3)

CPU_COUNTERS = (
    "cycles",          # steps of this CPU (ISA.md §10)
    "retired",         # instructions retired
    "idle",            # idle cycles (waiting or stopped)
    "tlb_hits",        # useg accesses (fetch, load, store) that found their entry
    "tlb_misses",      # TLB-miss traps
    "tlb_writes",      # tlbwi + tlbwr executed
    "tlb_flushes",     # tlbinv + tlbinvasid + tlbinvvmid executed
    "asid_switches",   # writes to asid (either copy) that changed its value
)
#: list-valued per-CPU counters and their lengths
CPU_ARRAY_COUNTERS = {
    "retired_by_ring": len(RINGS),     # index ring + 1
    "traps_by_cause": N_CAUSES,        # exceptions taken (by any level), index = code
    "interrupts_by_line": N_LINES,     # interrupts taken (trap entry or delivered VIRQ)
    "vmexits_by_reason": N_EXIT_REASONS,
}
#: machine-wide device counters kept by the engine
DEVICE_COUNTERS = ("console_tx_bytes", "console_rx_bytes", "ipis_sent", "timer_fires")


class TimelineKind(enum.IntEnum):
    """Kinds of timeline records (:meth:`Engine.timeline_drain`; native/api.h RV_TL_*).
    A record is ``(cpu, cycle, kind, a, b)``; ``cycle`` is the CPU's cycle counter at
    the start of the step the event happened in, except for CTX."""
    CTX = 0    # the CPU's context changed; cycle = its first cycle, a = packed context
    #            (ring + 1 | v << 3 | mode << 4 | asid << 8 | vmid << 16; mode 0 running,
    #            1 waiting, 2 stopped; asid/vmid of the running context, vmid 0 unless v)
    TRAP = 1   # an exception counted in traps_by_cause; a = cause | a7 << 8 (a7's low
    #            24 bits: the system-call number of the ABI), b = epc
    IRQ = 2    # an interrupt counted in interrupts_by_line; a = line, b = epc
    EXIT = 3   # a VM exit counted in vmexits_by_reason; a = reason, b = hepc
    TLBW = 4   # a TLB write (tlbwi/tlbwr, tlb_writes); a = vpn, b = asid | vmid<<8 | index<<16
    IPI = 5    # an IPI sent (ipis_sent); a = target CPU


_ASID_M, _VMID_M = ISA.tlb.asid_mask, ISA.tlb.vmid_mask   # each fits the key's 8 bits


def timeline_key(ring: int, v: int, mode: int, asid: int, vmid: int) -> int:
    """The packed context of a :attr:`TimelineKind.CTX` record."""
    return (ring + 1) | (v << 3) | (mode << 4) | ((asid & _ASID_M) << 8) | \
        ((vmid & _VMID_M) << 16)


def timeline_unkey(key: int) -> tuple[int, int, int, int, int]:
    """``(ring, v, mode, asid, vmid)`` of a packed context."""
    return ((key & 7) - 1, (key >> 3) & 1, (key >> 4) & 3, (key >> 8) & _ASID_M,
            (key >> 16) & _VMID_M)


class StopReason(enum.Enum):
    """Why :meth:`Engine.run` returned."""
    HALT = "halt"                    # a store to sysctl.HALT retired; Stop.exit_code set
    MAX_STEPS = "max_steps"          # the max_steps given to run() are done
    BREAKPOINT = "breakpoint"        # a CPU is about to execute an armed address
    MMIO = "mmio"                    # access to a Python device page; Stop.mmio set
    MACHINE_CHECK = "machine_check"  # duplicate TLB match (host), or a trap with vector 0
    WATCHPOINT = "watchpoint"        # an armed address range was accessed; Stop.watch set
    IDLE = "idle"                    # every CPU waits/stopped and no timed event is due


@dataclass
class MmioRequest:
    """A pending access to a Python device: the instruction has not retired yet.

    ``paddr`` is the host-physical address (4-aligned), ``size`` is 4 (bytes),
    ``value`` the word to store for writes.
    """
    cpu: int
    paddr: int
    is_write: bool
    value: int = 0
    size: int = 4


@dataclass
class Watchpoint:
    """An address range to watch: bytes ``[lo, hi)``, virtual (as the CPU forms them,
    in any context) unless ``physical`` (host-physical, which also catches DMA-free
    CPU accesses through any mapping). ``on_read``/``on_write`` select the accesses."""
    lo: int
    hi: int
    on_read: bool = False
    on_write: bool = True
    physical: bool = False


@dataclass
class WatchHit:
    """Which watchpoint fired: its index in the armed list, the CPU, the access's
    virtual and host-physical address, size in bytes and direction. The access has
    happened and the instruction has retired when the engine stops."""
    index: int
    cpu: int
    vaddr: int
    paddr: int
    size: int
    is_write: bool


@dataclass
class Stop:
    """Result of :meth:`Engine.run`: the reason, the CPU it concerns, and details.

    ``steps`` is how many steps (all CPUs together) this call executed.
    """
    reason: StopReason
    cpu: int = 0
    steps: int = 0
    exit_code: int | None = None
    mmio: MmioRequest | None = None
    watch: WatchHit | None = None
    detail: str = ""


@dataclass
class TlbEntry:
    """One TLB entry (ISA.md §6): field values, not shifted; ``flags`` holds the TLB
    flags at their tlblo bits (``ISA.tlb.flag("V")``, ...; ``ISA.tlb.flag_string``)."""
    vpn: int = 0
    asid: int = 0
    vmid: int = 0
    pfn: int = 0
    flags: int = 0


@dataclass
class CpuState:
    """The complete architectural state of one CPU (what the differential test compares).

    ``csr`` maps CSR number -> value for every non-banked CSR that holds state plus the
    host copy of each banked one; ``gcsr`` maps the banked CSR numbers (0x100..) to the
    guest copy. ``cycle`` is the 64-bit cycle counter. ``timer`` is
    ``(compare, interval, enabled)``; ``ipend`` the latched host pending lines.
    ``mode`` is "running", "waiting" or "stopped".
    """
    regs: list[int] = field(default_factory=lambda: [0] * 32)
    pc: int = 0
    ring: int = 0
    v: int = 0
    mode: str = "running"
    cycle: int = 0
    csr: dict[int, int] = field(default_factory=dict)
    gcsr: dict[int, int] = field(default_factory=dict)
    ipend: int = 0
    timer: tuple[int, int, int] = (0, 0, 0)
    tlb: list[TlbEntry] = field(default_factory=list)


@dataclass
class MachineConfig:
    """Machine shape. ``ram_size`` in bytes (multiple of 4 KiB, at most 1 GiB)."""
    ram_size: int = 32 * 1024 * 1024
    ncpus: int = 1
    tlb_entries: int = ISA.machine["tlb_entries_default"]
    quantum: int = ISA.machine["quantum"]
    #: physical page bases served by Python devices (accesses stop with MMIO)
    python_device_pages: tuple[int, ...] = ()


class Engine(ABC):
    """An execution engine. Construct with ``(config, ram)`` where ``ram`` is the
    Machine's ``bytearray`` of ``config.ram_size`` bytes (shared, never copied)."""

    name: str

    # ---- running
    @abstractmethod
    def run(self, max_steps: int) -> Stop:
        """Run up to ``max_steps`` steps (all CPUs together), round-robin in quanta.

        Returns early at a halt, MMIO request, breakpoint, machine check, or when every
        CPU is idle with no timed event pending (IDLE). While every CPU is idle but some
        timed event is pending, the engine fast-forwards cycle counters (counting them
        as idle steps) exactly as if it had stepped. Resuming continues the
        interrupted quantum where it stopped.
        """

    @abstractmethod
    def complete_mmio(self, value: int = 0, bus_error: bool = False) -> None:
        """Finish the pending MMIO instruction: write ``value`` to its destination
        register if it was a load, advance its pc and count it as one retired step —
        or, if ``bus_error``, take the BUS_ERROR trap instead (also one step)."""

    @abstractmethod
    def set_breakpoints(self, addresses: set[int]) -> None:
        """Arm breakpoints on virtual pc values (any CPU). Empty set: none, zero cost.
        A CPU stopped at a breakpoint executes that instruction when run resumes."""

    @abstractmethod
    def set_watchpoints(self, watches: list[Watchpoint]) -> None:
        """Arm watchpoints (empty list: none, zero cost on the fast path). A load, store
        or ``cas`` touching an armed range stops ``run`` with WATCHPOINT right after
        that instruction retires (so memory already holds the new value); instruction
        fetches never trigger. Checked in the engine, not by single-stepping."""

    # ---- architectural state
    @abstractmethod
    def get_cpu(self, cpu: int) -> CpuState:
        """A copy of the CPU's complete architectural state."""

    @abstractmethod
    def cpu_cycle(self, cpu: int) -> int:
        """The CPU's cycle counter (devices read time this way: cheap, no state copy)."""

    @abstractmethod
    def set_cpu(self, cpu: int, state: CpuState) -> None:
        """Replace the CPU's state (debugger ``set``, restore, tests)."""

    @abstractmethod
    def counters(self) -> dict:
        """``{"cpus": [{name: int | list[int]} per CPU], "devices": {name: int}}``,
        keys exactly CPU_COUNTERS + CPU_ARRAY_COUNTERS and DEVICE_COUNTERS."""

    # ---- devices (Machine side)
    @abstractmethod
    def console_input(self, data: bytes) -> None:
        """Append host bytes to the UART receive queue."""

    @abstractmethod
    def console_eof(self) -> None:
        """Mark the host input as closed (STATUS.EOF once the queue drains)."""

    @abstractmethod
    def console_output(self) -> bytes:
        """Take (and clear) the bytes the guest transmitted since the last call."""

    @abstractmethod
    def raise_line(self, cpu: int, line: int) -> None:
        """Latch interrupt ``line`` pending on ``cpu`` (Python devices)."""

    @abstractmethod
    def clear_line(self, cpu: int, line: int) -> None:
        """Clear a latched interrupt line (device acknowledge)."""

    @abstractmethod
    def schedule_line(self, cpu: int, line: int, at_cycle: int) -> None:
        """Latch ``line`` on ``cpu`` at the start of the step in which that CPU's cycle
        counter reaches ``at_cycle`` (immediately if already past). Events due at the
        same cycle fire in the order they were scheduled."""

    # ---- whole-engine state (checkpoint/restore; RAM is saved by the Machine)
    @abstractmethod
    def snapshot(self) -> dict:
        """Every piece of engine state as plain Python data (picklable), in the one
        format both engines read and write::

            {"cpus": [dataclasses.asdict(CpuState) per CPU],   # tlb as list of dicts
             "sched": {"cpu": int, "left": int},   # CPU whose quantum runs, steps left
             "events": [[cpu, line, at_cycle], ...],   # scheduled lines, firing order
             "uart": {"rx": bytes, "eof": bool, "ctrl": int, "tx": bytes},
             "start_pc": int,                      # IPI START_PC register
             "bp_skip": [bool per CPU],            # resume past a breakpoint stop
             "pending_mmio": dict | None,          # asdict(MmioRequest) + "rd": int
             "halted": int | None,                 # exit code once HALT retired
             "machine_check": str | None,          # detail once a machine check stopped it
             "counters": counters()}
        """

    @abstractmethod
    def restore(self, snap: dict) -> None:
        """Restore a :meth:`snapshot` taken from an engine of either kind."""

    # ---- timeline log (emulator/machine/timeline.py)
    @abstractmethod
    def timeline_start(self, capacity: int) -> None:
        """Start logging timeline records (see :class:`TimelineKind`): one wherever a
        trap, interrupt, VM exit, TLB write or IPI is counted, one whenever a CPU's
        context changes. At most ``capacity`` records wait between drains; more are
        dropped and counted. Off by default, and then free on the fast path."""

    @abstractmethod
    def timeline_drain(self) -> tuple[list[tuple[int, int, int, int, int]], int]:
        """``(records, dropped)`` since the last drain (records in the order logged,
        each ``(cpu, cycle, kind, a, b)``), and empty the log."""

    @abstractmethod
    def timeline_stop(self) -> None:
        """Stop logging (records not drained are lost)."""

    # ---- inspection without side effects (debugger)
    @abstractmethod
    def translate(self, cpu: int, vaddr: int, access: str) -> tuple[int | None, str]:
        """Translate like the CPU would for ``access`` in "fetch"/"load"/"store", in the
        CPU's current context, without trapping or counting. Returns ``(paddr, "")``
        (host-physical) or ``(None, reason)`` such as ``"TLB_MISS_LOAD"``."""
