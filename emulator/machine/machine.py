"""The Machine: RAM, an engine, Python devices and the console, run as one computer.

Division of labour (see ``emulator/engine/contract.py``): the engine owns the CPUs and the hot
devices; the Machine owns RAM (one ``bytearray``, shared zero-copy with the engine),
the Python devices (``emulator/devices/``), the host side of the console
(``machine/console.py``), loading (``machine/loader.py``), tracing, statistics and
checkpoints. It never uses host time: everything is counted in engine steps.

Typical use::

    from ringvm.emulator.machine import Machine, MachineConfig
    m = Machine(MachineConfig(ram_size=parse_size("64M"), ncpus=2), engine="python",
                disk="disk.img", disk_snapshot=True, console=Console(input=b"ls\\n"))
    m.load_elf("kernel.elf")
    result = m.run(max_steps=10_000_000)      # -> RunResult
    print(result.kind, result.exit_status)
    m.close()

API summary: :meth:`Machine.load_elf`, :meth:`Machine.run`, :meth:`Machine.step`,
:meth:`Machine.cpu`, :meth:`Machine.set_cpu`, :meth:`Machine.cpu_cycle`,
:meth:`Machine.read_physical`, :meth:`Machine.write_physical`,
:meth:`Machine.read_virtual`, :meth:`Machine.write_virtual`, :meth:`Machine.read_word`,
:meth:`Machine.translate`, :attr:`Machine.symbols`,
:meth:`Machine.symbol_at`, :meth:`Machine.counters`, :meth:`Machine.stats`,
:meth:`Machine.set_breakpoints`, :meth:`Machine.checkpoint`,
:meth:`Machine.from_checkpoint`, :meth:`Machine.close`.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from ringvm.assembler.elf import symbolize
from ringvm.errors import (EXIT_DEADLOCK, EXIT_MACHINE_CHECK, EXIT_MAX_STEPS, EXIT_QUIT,
                           UserError)
from ringvm.isa import ISA

from ..devices import MAX_DISKS, BusError, Device, DiskDevice, EventsDevice
from ..engine import (CpuState, Engine, MachineConfig, StopReason, Watchpoint, choose_engine,
                      create_engine)
from .checkpoint import config_of as checkpoint_config
from .checkpoint import disks_of as checkpoint_disks
from .checkpoint import read as read_checkpoint
from .checkpoint import restore as restore_checkpoint
from .checkpoint import save as save_checkpoint
from .console import Console, QuitRequested
from .loader import LoadedImage, load_image, read_image
from .units import MAX_RAM, parse_size

__all__ = ["Machine", "MachineConfig", "RunResult", "parse_size", "AccessError",
           "MAX_RAM", "DEFAULT_RAM", "MAX_CPUS"]

DEFAULT_RAM = 32 * 1024 * 1024
PAGE = ISA.memory["device_page"]
MAX_CPUS = 64
#: interactive console: seconds to wait for a key after an all-idle batch
IDLE_WAIT = 0.02
#: the console UART's DATA register (host-physical): what ``run(stop_on_line=True)`` watches
_UART_DATA = ISA.devices["console"].base + \
    {r.name: r.offset for r in ISA.devices["console"].registers}["DATA"]

class AccessError(UserError):
    """An inspection access (debugger) that cannot be done: the address is not RAM or
    does not translate. ``str(e)`` says why."""


@dataclass
class RunResult:
    """Why :meth:`Machine.run` returned.

    ``kind``: ``"halt"`` (``exit_code`` set), ``"max_steps"`` (``max_steps`` steps were
    done),
    ``"machine_check"`` (``detail`` set), ``"deadlock"`` (every CPU waits and no input
    can come), ``"breakpoint"`` (``cpu`` is about to execute ``pc``), ``"line"`` (a
    console newline, with ``run(stop_on_line=True)``) or ``"quit"`` (the interactive
    user typed Ctrl-] q). ``steps``: steps executed by this call. ``cpu``,
    ``pc``, ``ring``: the CPU the stop concerns and where it is.
    """
    kind: str
    steps: int
    exit_code: int | None = None
    cpu: int = 0
    pc: int = 0
    ring: int = 0
    detail: str = ""
    max_steps: int | None = None

    @property
    def exit_status(self) -> int:
        """The ``ringvm boot`` exit status for this result (README "Exit status")."""
        if self.kind == "halt":
            return (self.exit_code or 0) & 0xFF
        if self.kind == "max_steps":
            return EXIT_MAX_STEPS
        if self.kind == "machine_check":
            return EXIT_MACHINE_CHECK
        if self.kind == "deadlock":
            return EXIT_DEADLOCK
        if self.kind == "quit":
            return EXIT_QUIT
        return 0

    def message(self) -> str | None:
        """One line for stderr (``None`` for a halt)."""
        where = f"pc 0x{self.pc:08x}, ring {self.ring}"
        if self.kind == "max_steps":
            return (f"ringvm: stopped: the step limit was reached (--max-steps "
                    f"{self.max_steps}; {where})")
        if self.kind == "machine_check":
            if self.detail:
                return f"ringvm: machine check: {self.detail}"
            return f"ringvm: machine check on cpu {self.cpu} ({where})"
        if self.kind == "deadlock":
            return ("ringvm: deadlock: every CPU waits for an interrupt that can never "
                    f"come (cpu 0 {where})")
        if self.kind == "quit":
            return "ringvm: left the emulator (Ctrl-] q)"
        if self.kind == "breakpoint":
            return f"ringvm: breakpoint on cpu {self.cpu} at 0x{self.pc:08x}"
        return None


class Machine:
    """A whole ringvm computer.

    ``config``: a :class:`MachineConfig` (its ``python_device_pages`` is filled in from
    the devices). ``engine``: ``"native"``, ``"python"`` or ``"auto"`` (native if
    available). ``disk``: path of a disk image to attach, or a list of up to three
    (``disk``, ``disk1``, ... in that order; ISA.md §11). ``disk_snapshot=True``: writes
    stay in memory, for every disk; ``disk_overlays``: sectors written by an earlier
    snapshot-mode run, one dict per disk, from :meth:`disk_overlays`. ``devices``: extra
    :class:`Device` objects. ``console``: the host
    side of the UART (default: no input, output captured in ``console.captured``).

    Raises :class:`UserError` for a bad configuration, a bad disk image or an
    unavailable engine.
    """

    def __init__(self, config: MachineConfig | None = None, engine: str | None = "auto", *,
                 disk: str | os.PathLike | list | None = None, disk_snapshot: bool = False,
                 devices: tuple[Device, ...] | list[Device] = (),
                 console: Console | None = None, disk_overlays: list | None = None):
        config = config or MachineConfig()
        self._validate(config)
        self.engine_kind, self.engine_note = choose_engine(engine)
        devs = list(devices)
        paths = [] if disk is None else list(disk) if isinstance(disk, (list, tuple)) \
            else [disk]
        if len(paths) > MAX_DISKS:
            raise UserError(f"at most {MAX_DISKS} disks can be attached (got {len(paths)})")
        if disk_overlays and (not disk_snapshot or len(disk_overlays) != len(paths)):
            raise UserError("disk overlays need snapshot mode and one overlay per disk")
        self.disks: list[DiskDevice] = []
        for i, path in enumerate(paths):
            d = DiskDevice(path, snapshot=disk_snapshot, index=i)
            if disk_overlays:
                d.overlay = dict(disk_overlays[i])
            self.disks.append(d)
        devs.extend(self.disks)
        self.events = EventsDevice()     # every machine has one (ISA.md §9)
        devs.append(self.events)
        bases = [d.base for d in devs]
        if len(set(bases)) != len(bases):
            raise UserError("two devices on one page")
        self.config = dataclasses.replace(config, python_device_pages=tuple(bases))
        self.ram = bytearray(self.config.ram_size)
        self.engine: Engine = create_engine(self.engine_kind, self.config, self.ram)
        self.devices = devs
        self._dev_by_page = {d.base: d for d in devs}
        for d in devs:
            d.attach(self)
        self.console = console if console is not None else Console(mode="none", capture=True)
        self.image: LoadedImage | None = None
        self.steps = 0                 # steps executed through this Machine (all CPUs)
        self.tracer = None             # a ringvm.emulator.trace.Tracer, or None
        self.timeline = None           # a machine.timeline.Timeline, or None
        self._started = False
        self._idle_seen = None
        if self.console.interactive:
            self.batch = 200_000 if self.engine_kind == "native" else 10_000
        else:
            self.batch = 2_000_000 if self.engine_kind == "native" else 100_000

    @staticmethod
    def _validate(config: MachineConfig) -> None:
        parse_size(config.ram_size)
        if not 1 <= config.ncpus <= MAX_CPUS:
            raise UserError(f"--cpus {config.ncpus}: between 1 and {MAX_CPUS}")
        lo, hi = ISA.machine["tlb_entries_min"], ISA.machine["tlb_entries_max"]
        if not lo <= config.tlb_entries <= hi:
            raise UserError(f"--tlb-entries {config.tlb_entries}: between {lo} and {hi}")
        if config.quantum < 1:
            raise UserError("quantum must be at least 1")

    # ------------------------------------------------------------ loading
    def load_elf(self, source: str | os.PathLike | bytes, modules=()) -> LoadedImage:
        """Load an ELF executable (path or bytes) and its boot ``modules``
        (:class:`~ringvm.emulator.machine.loader.Module` list), write the boot-info page
        and set CPU 0 to its entry (ISA.md §11).

        Raises :class:`UserError` for a file that is not a ringvm executable, or a
        kernel or module that does not fit in RAM."""
        self.image = load_image(self, read_image(source), modules)
        return self.image

    @property
    def symbols(self) -> dict[str, int]:
        """Symbols of the loaded image, name -> address ({} before loading)."""
        return self.image.symbols if self.image else {}

    def symbol_at(self, addr: int) -> tuple[str, int] | None:
        """``(name, offset)`` of the closest label at or below ``addr``, or None
        (``.equ`` constants never name an address)."""
        return symbolize(self.image.by_address, addr) if self.image else None

    # ------------------------------------------------------------ running
    def _start(self) -> None:
        if not self._started:
            self._started = True
            self.console.start(self.engine)

    def run(self, max_steps: int | None = None, *, stop_on_line: bool = False) -> RunResult:
        """Run until the machine halts, ``max_steps`` steps (all CPUs together; None:
        no limit) have been executed, a breakpoint, a machine check, a deadlock, or
        the interactive user leaves. Returns a :class:`RunResult`. May be called again
        to continue (after a max_steps, breakpoint or line stop).

        ``stop_on_line``: also stop (kind ``"line"``) right after the instruction that
        transmits a newline on the console UART retires, its output already written to
        the console — so counters read then belong exactly to the output so far
        (``ringvm compare`` reads them at each line of the workload). It arms a
        watchpoint on the UART's DATA register for the call (the fast path is slower
        while it is armed)."""
        self._start()
        eng, con, tr, tl = self.engine, self.console, self.tracer, self.timeline
        done = 0
        last_cpu = 0                   # the CPU the last engine stop concerned
        if stop_on_line:
            eng.set_watchpoints([Watchpoint(_UART_DATA, _UART_DATA + 4, physical=True)])
        try:
            while True:
                n = 1 if tr is not None else self.batch
                if tl is not None:
                    n = min(n, tl.batch)      # the engine's timeline log never fills
                if max_steps is not None:
                    n = min(n, max_steps - done)
                    if n <= 0:
                        return self._result("max_steps", done, last_cpu, max_steps=max_steps)
                if tr is not None:
                    tr.before()
                stop = eng.run(n)
                last_cpu = stop.cpu
                done += stop.steps
                self.steps += stop.steps
                reason = stop.reason
                if tl is not None:
                    tl.collect()
                if reason is StopReason.MMIO:
                    self._mmio(stop.mmio)
                    done += 1
                    self.steps += 1
                if tr is not None:
                    tr.after(stop)
                out = eng.console_output()
                if out:
                    con.write(out)
                    if tr is not None:
                        tr.console(out)
                        con.flush()
                if reason is StopReason.MAX_STEPS or reason is StopReason.MMIO:
                    if out:
                        con.flush()
                    if con.interactive:
                        con.poll(eng, self._idle_wait(stop.steps))
                    continue
                con.flush()
                if reason is StopReason.HALT:
                    return self._result("halt", done, stop.cpu, exit_code=stop.exit_code)
                if reason is StopReason.MACHINE_CHECK:
                    return self._result("machine_check", done, stop.cpu, detail=stop.detail)
                if reason is StopReason.BREAKPOINT:
                    return self._result("breakpoint", done, stop.cpu)
                if reason is StopReason.IDLE:
                    if con.wait_input(eng):
                        continue
                    return self._result("deadlock", done, 0)
                if reason is StopReason.WATCHPOINT and stop_on_line:
                    if b"\n" in out:
                        return self._result("line", done, stop.cpu)
                    continue
                raise RuntimeError(f"engine returned unknown stop {stop!r}")
        except QuitRequested:
            con.flush()
            return self._result("quit", done, 0)
        finally:
            con.flush()
            if stop_on_line:
                eng.set_watchpoints([])

    def _idle_wait(self, steps: int) -> float:
        """Interactive only: seconds to wait for input after a batch of ``steps``. A
        batch spent (almost) entirely in idle cycles — every CPU waiting, a timer
        still ticking — waits up to IDLE_WAIT for a key instead of spinning the host
        CPU. (Interactive input timing is not reproducible anyway; scripted and piped
        runs never wait.)"""
        idle = sum(c["idle"] for c in self.engine.counters()["cpus"])
        was, self._idle_seen = self._idle_seen, idle
        if was is None or steps < 1000 or self.tracer is not None:
            return 0                    # single steps (tracing, debugger) never wait
        return IDLE_WAIT if idle - was >= steps * 0.9 else 0

    def step(self, n: int = 1) -> RunResult:
        """Execute ``n`` steps (all CPUs together; MMIO handled). Same result kinds as
        :meth:`run` — ``"max_steps"`` means the n steps were done."""
        return self.run(max_steps=n)

    def _result(self, kind: str, steps: int, cpu: int, **kw) -> RunResult:
        st = self.engine.get_cpu(cpu)
        return RunResult(kind=kind, steps=steps, cpu=cpu, pc=st.pc, ring=st.ring, **kw)

    def _mmio(self, req) -> None:
        page = req.paddr & ~(PAGE - 1)
        dev = self._dev_by_page.get(page)
        value, bus_error = 0, False
        if dev is None or req.size != 4:
            bus_error = True
        else:
            try:
                if req.is_write:
                    dev.write(req.cpu, req.paddr - page, req.value & 0xFFFFFFFF)
                else:
                    value = dev.read(req.cpu, req.paddr - page) & 0xFFFFFFFF
            except BusError:
                bus_error = True
        if self.tracer is not None:
            self.tracer.mmio(req, dev, value, bus_error)
        self.engine.complete_mmio(value, bus_error)

    @property
    def has_disk(self) -> bool:
        """Whether a disk image is attached."""
        return bool(self.disks)

    def disk_overlays(self) -> list[dict[int, bytes]]:
        """The sectors written to each disk in snapshot mode (sector -> 512 bytes;
        copies): pass them as ``disk_overlays`` to a new Machine to boot the same disks
        again. Raises :class:`UserError` unless the disks are in snapshot mode."""
        if any(not d.snapshot_mode for d in self.disks):
            raise UserError("the disks are not in snapshot mode")
        return [dict(d.overlay) for d in self.disks]

    def set_breakpoints(self, addresses) -> None:
        """Arm breakpoints on virtual pc values (any CPU); an empty set clears them."""
        self.engine.set_breakpoints(set(addresses))

    # ------------------------------------------------------------ inspection
    def cpu(self, i: int = 0) -> CpuState:
        """A copy of CPU ``i``'s architectural state."""
        self._check_cpu(i)
        return self.engine.get_cpu(i)

    def set_cpu(self, i: int, state: CpuState) -> None:
        """Replace CPU ``i``'s state."""
        self._check_cpu(i)
        self.engine.set_cpu(i, state)

    def _check_cpu(self, i: int) -> None:
        if not 0 <= i < self.config.ncpus:
            raise AccessError(f"no CPU {i} (the machine has {self.config.ncpus})")

    def cpu_cycle(self, i: int = 0) -> int:
        """CPU ``i``'s cycle counter (steps of that CPU)."""
        self._check_cpu(i)
        return self.engine.cpu_cycle(i)

    def read_physical(self, paddr: int, size: int) -> bytes:
        """``size`` bytes of RAM at physical ``paddr``. Device pages are not readable
        this way (reads have side effects). Raises :class:`AccessError`."""
        if paddr < 0 or size < 0 or paddr + size > len(self.ram):
            raise AccessError(f"physical 0x{paddr:08x}+{size} is not RAM")
        return bytes(self.ram[paddr:paddr + size])

    def write_physical(self, paddr: int, data: bytes) -> None:
        """Write ``data`` to RAM at physical ``paddr``. Raises :class:`AccessError`."""
        if paddr < 0 or paddr + len(data) > len(self.ram):
            raise AccessError(f"physical 0x{paddr:08x}+{len(data)} is not RAM")
        self.ram[paddr:paddr + len(data)] = data

    def translate(self, cpu: int, vaddr: int, access: str = "load") -> int:
        """Host-physical address of ``vaddr`` for CPU ``cpu`` in its current context
        (no trap, no counting). Raises :class:`AccessError` with the reason."""
        self._check_cpu(cpu)
        paddr, why = self.engine.translate(cpu, vaddr & 0xFFFFFFFF, access)
        if paddr is None:
            raise AccessError(f"virtual 0x{vaddr & 0xFFFFFFFF:08x} does not translate "
                              f"on cpu {cpu}: {why}")
        return paddr

    def read_virtual(self, cpu: int, vaddr: int, size: int, access: str = "load") -> bytes:
        """``size`` bytes at virtual ``vaddr`` as CPU ``cpu`` would see them (page by
        page through :meth:`translate`). Raises :class:`AccessError`."""
        out = bytearray()
        va = vaddr
        while len(out) < size:
            chunk = min(size - len(out), PAGE - (va & (PAGE - 1)))
            pa = self.translate(cpu, va, access)
            out += self.read_physical(pa, chunk)
            va += chunk
        return bytes(out)

    def write_virtual(self, cpu: int, vaddr: int, data: bytes) -> None:
        """Write ``data`` at virtual ``vaddr`` as CPU ``cpu`` would store it (translated
        for "store", page by page; RAM only). Raises :class:`AccessError`."""
        done = 0
        va = vaddr
        while done < len(data):
            chunk = min(len(data) - done, PAGE - (va & (PAGE - 1)))
            pa = self.translate(cpu, va, "store")
            self.write_physical(pa, data[done:done + chunk])
            done += chunk
            va += chunk

    def read_word(self, cpu: int, vaddr: int) -> int:
        """The little-endian 32-bit word at virtual ``vaddr`` (see read_virtual)."""
        return int.from_bytes(self.read_virtual(cpu, vaddr, 4), "little")

    def counters(self) -> dict:
        """Engine counters plus Python device counters:
        ``{"cpus": [...], "devices": {name: int}}`` (see ``engine.CPU_COUNTERS``)."""
        c = self.engine.counters()
        devices = dict(c["devices"])
        for d in self.devices:
            devices.update(d.counters())
        return {"cpus": c["cpus"], "devices": devices}

    def stats(self) -> dict:
        """Named statistics (``ringvm.emulator.stats.collect``), JSON-ready."""
        from .stats import collect
        return collect(self)

    # ------------------------------------------------------------ checkpoints
    def checkpoint(self, path: str | os.PathLike) -> None:
        """Save the whole machine to ``path`` (see ``machine/checkpoint.py``)."""
        save_checkpoint(self, path)

    @classmethod
    def from_checkpoint(cls, path: str | os.PathLike, engine: str | None = "auto", *,
                        console: Console | None = None, disk: str | None = None) -> "Machine":
        """A new Machine in the state saved by :meth:`checkpoint`. ``disk`` overrides
        the image path recorded for the first disk. Raises :class:`UserError`."""
        data = read_checkpoint(path)
        images, snap = checkpoint_disks(data)
        if disk is not None:
            images = [disk] + images[1:]
        devices = []
        if "nic" in data["devices"]:
            from ..devices import NicDevice
            devices.append(NicDevice(data["devices"]["nic"].get("backend", "loopback")))
        m = cls(checkpoint_config(data), engine, disk=images, disk_snapshot=snap,
                console=console, devices=devices)
        try:
            restore_checkpoint(m, data)
        except BaseException:
            m.close()
            raise
        return m

    def close(self) -> None:
        """Release devices and restore the terminal. Idempotent."""
        for d in self.devices:
            d.close()
        self.console.close()
        close = getattr(self.engine, "close", None)
        if close:
            close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
