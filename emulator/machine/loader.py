"""The boot loader (ISA.md §11): put a kernel and its modules into RAM, write the
boot-info page, and start CPU 0.

:func:`load_image` places every ``PT_LOAD`` segment of the kernel at its physical
address (``p_paddr``), zero-fills it up to ``p_memsz``, places each :class:`Module`
after it (page-aligned, in order, or at its fixed address), writes the boot-info page
(machine shape, devices, modules), and sets CPU 0's ``pc = e_entry``, ring 0 (or ring -1
when ``e_flags`` has bit ``elf_flag_boot_hypervisor``), and every CPU's ``cpuid`` CSR to
its number. Wrong class/endianness/machine is rejected by
``ringvm.assembler.elf.read_elf`` (as :class:`ringvm.errors.UserError`); a segment or
module that does not fit in RAM or overlaps another raises :class:`UserError` here.
"""
from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field

from ringvm.errors import UserError
from ringvm.isa import ISA

CPUID = ISA.csrs["cpuid"].number
#: e_flags mask (as written by ringvm.assembler.elf)
BOOT_HYPERVISOR = ISA.raw["elf_flag_boot_hypervisor"]
PAGE = ISA.memory["device_page"]
BI = ISA.boot_info
_NAME_MAX = next(f.size for f in BI.module_entry if f.name == "NAME") - 1


@dataclass
class Module:
    """A boot module: ``name`` (1 to 15 bytes of ASCII, no NUL), the file's ``data``
    (an ELF executable, placed as its physical image, or raw bytes, copied as they are)
    and an optional fixed physical ``addr`` (page-aligned; None: after the previous
    one). ``linked``: an ELF placed instead at its own physical addresses (each
    segment at its ``p_paddr``, like the kernel; no ``addr``) — another kernel's image,
    e.g. one CPU driver per CPU. ISA.md §11."""
    name: str
    data: bytes
    addr: int | None = None
    linked: bool = False

    def __post_init__(self):
        raw = self.name.encode("ascii", "replace")
        if not 1 <= len(raw) <= _NAME_MAX or b"\0" in raw or not self.name.isprintable():
            raise UserError(f"module name {self.name!r}: 1 to {_NAME_MAX} printable "
                            f"ASCII characters")
        if self.addr is not None and (self.addr < 0 or self.addr % PAGE):
            raise UserError(f"module {self.name}: address 0x{self.addr:x} is not "
                            f"page-aligned")
        if self.linked and (self.addr is not None or not self.is_elf):
            raise UserError(f"module {self.name}: a linked module is an ELF placed at "
                            f"its own addresses (no fixed address)")

    @property
    def is_elf(self) -> bool:
        return self.data[:4] == b"\x7fELF"


@dataclass
class PlacedModule:
    """Where the loader put a module: physical ``[start, end)``, ``entry`` (0 for a
    raw file) and the boot-info ``flags``."""
    name: str
    start: int
    end: int
    entry: int
    flags: int


@dataclass
class LoadedImage:
    """What the Machine keeps of a loaded ELF: entry, boot ring, symbols (name ->
    address, ``.equ`` constants included), ``by_address`` (labels only, sorted
    ``(address, name)``: what addresses are named by), line table (as given by the ELF
    reader) and the placed segments as ``(paddr, memsz)``."""
    entry: int
    ring: int
    symbols: dict[str, int] = field(default_factory=dict)
    by_address: list[tuple[int, str]] = field(default_factory=list)
    lines: object = None
    segments: list[tuple[int, int]] = field(default_factory=list)
    modules: list[PlacedModule] = field(default_factory=list)


def read_image(source: str | os.PathLike | bytes):
    """Parse an ELF file (path or bytes) with the assembler's reader.

    Raises :class:`UserError` with a clear message for anything that is not a ringvm
    executable (including a missing file).
    """
    from ringvm.assembler.elf import read_elf
    if not isinstance(source, (bytes, bytearray)):
        if not os.path.exists(source):
            raise UserError(f"{os.fspath(source)!r}: no such file")
        if os.path.isdir(source):
            raise UserError(f"{os.fspath(source)!r} is a directory, not an ELF file")
    try:
        return read_elf(source)
    except UserError:
        raise
    except (ValueError, OSError, IndexError, KeyError) as e:
        name = "image" if isinstance(source, (bytes, bytearray)) else repr(os.fspath(source))
        raise UserError(f"{name} is not a ringvm ELF executable: {e}") from None
    except Exception as e:   # pyelftools raises its own ELFError family
        if type(e).__module__.startswith("elftools"):
            name = "image" if isinstance(source, (bytes, bytearray)) else repr(os.fspath(source))
            raise UserError(f"{name} is not a ringvm ELF executable: {e}") from None
        raise


def boot_ring(flags: int) -> int:
    """Ring CPU 0 starts in for ELF header flags ``flags``: -1 if the
    ``elf_flag_boot_hypervisor`` mask is set (``.hypervisor``), else 0."""
    return -1 if flags & BOOT_HYPERVISOR else 0


def _page_up(n: int) -> int:
    return (n + PAGE - 1) & ~(PAGE - 1)


def _ram_text(size: int) -> str:
    shown = f"{size >> 20} MiB" if size >= 1 << 20 else f"{size >> 10} KiB"
    return f"0x00000000-0x{size - 1:08x}, {shown}"


def _physical_image(m: Module) -> tuple[bytes, int, int]:
    """(bytes, entry, flags) of a module as it is placed: an ELF's physical image (byte
    i = its physical address i) or the raw file."""
    if not m.is_elf:
        return m.data, 0, 0
    elf = read_image(m.data)
    top = max((seg.paddr + max(seg.memsz, len(seg.data)) for seg in elf.segments),
              default=0)
    img = bytearray(top)
    for seg in elf.segments:
        img[seg.paddr:seg.paddr + len(seg.data)] = bytes(seg.data)
    flags = BI.module_flags["ELF"]
    if elf.flags & BOOT_HYPERVISOR:
        flags |= BI.module_flags["HYPERVISOR"]
    return bytes(img), elf.entry & 0xFFFFFFFF, flags


def place_modules(ram: bytearray, used: list[tuple[int, int, str]],
                  modules) -> list[PlacedModule]:
    """Copy ``modules`` into ``ram`` after everything in ``used`` (``(start, end,
    what)`` physical ranges), page-aligned, in order; a module with ``addr`` goes there.
    Raises :class:`UserError` for an overlap, a module outside RAM, or too many."""
    if len(modules) > BI.max_modules:
        raise UserError(f"at most {BI.max_modules} modules (got {len(modules)})")
    names = [m.name for m in modules]
    for n in names:
        if names.count(n) > 1:
            raise UserError(f"two modules are called {n!r}")
    placed = []
    used = list(used)
    for m in modules:
        if m.linked:
            placed.append(_place_linked(ram, used, m))
            continue
        data, entry, flags = _physical_image(m)
        start = m.addr if m.addr is not None else _page_up(max(e for _, e, _ in used))
        end = start + len(data)
        if end > len(ram):
            raise UserError(f"module {m.name} ({len(data)} bytes at 0x{start:08x}) does "
                            f"not fit in RAM ({_ram_text(len(ram))}); give the machine "
                            f"more memory with --ram")
        for a, b, what in used:
            if start < max(b, a + 1) and a < max(end, start + 1):
                raise UserError(f"module {m.name} at 0x{start:08x}-0x{end:08x} overlaps "
                                f"{what} (0x{a:08x}-0x{b:08x})")
        ram[start:end] = data
        used.append((start, _page_up(end), f"module {m.name}"))
        placed.append(PlacedModule(m.name, start, end, entry, flags))
    return placed


def _place_linked(ram: bytearray, used: list, m: Module) -> PlacedModule:
    """Copy the segments of the ELF module ``m`` to their physical addresses (like the
    kernel's), after checking RAM and ``used``; record the span in ``used``."""
    elf = read_image(m.data)
    segs = [(s.paddr, bytes(s.data), max(s.memsz, len(s.data))) for s in elf.segments
            if max(s.memsz, len(s.data))]
    if not segs:
        raise UserError(f"module {m.name}: an ELF with nothing to load")
    for paddr, _data, memsz in segs:
        if paddr < 0 or paddr + memsz > len(ram):
            raise UserError(f"module {m.name}: segment at physical 0x{paddr:08x} "
                            f"({memsz} bytes) lies outside RAM ({_ram_text(len(ram))}); "
                            f"give the machine more memory with --ram")
        for a, b, what in used:
            if paddr < b and a < paddr + memsz:
                raise UserError(f"module {m.name}: segment at 0x{paddr:08x}-"
                                f"0x{paddr + memsz:08x} overlaps {what} "
                                f"(0x{a:08x}-0x{b:08x})")
    for paddr, data, memsz in segs:
        ram[paddr:paddr + len(data)] = data
        ram[paddr + len(data):paddr + memsz] = bytes(memsz - len(data))
    start = min(p for p, _d, _n in segs) & ~(PAGE - 1)
    end = max(p + n for p, _d, n in segs)
    used.append((start, _page_up(end), f"module {m.name}"))
    flags = BI.module_flags["ELF"] | BI.module_flags["LINKED"]
    if elf.flags & BOOT_HYPERVISOR:
        flags |= BI.module_flags["HYPERVISOR"]
    return PlacedModule(m.name, start, end, elf.entry & 0xFFFFFFFF, flags)


def write_boot_info(machine, placed: list[PlacedModule], free: int) -> None:
    """Write the boot-info page of ISA.md §11 into ``machine``'s RAM."""
    page = bytearray(PAGE)

    def put(fields, base, **values):
        for f in fields:
            v = values.get(f.name, 0)
            if f.size == 4:
                struct.pack_into("<I", page, base + f.offset, v & 0xFFFFFFFF)
            else:
                raw = v.encode("ascii")[:f.size - 1]
                page[base + f.offset:base + f.offset + len(raw)] = raw

    present = {d.base for d in machine.devices}
    devices = [d for d in sorted(ISA.devices.values(), key=lambda d: d.base)
               if not (d.name in ("disk", "nic") or d.like == "disk") or d.base in present]
    for i, d in enumerate(devices[:BI.max_devices]):
        put(BI.device_entry, BI.devices_offset + i * BI.device_entry_size, NAME=d.name,
            BASE=d.base, IRQ=ISA.interrupts[d.irq].value if d.irq else 0xFFFFFFFF)
    for i, p in enumerate(placed):
        put(BI.module_entry, BI.modules_offset + i * BI.module_entry_size, NAME=p.name,
            START=p.start, END=p.end, ENTRY=p.entry, FLAGS=p.flags)
    put(BI.header, 0, MAGIC=BI.magic, VERSION=BI.version, NCPUS=machine.config.ncpus,
        RAMSIZE=len(machine.ram), FREE=free, NDEVICES=min(len(devices), BI.max_devices),
        DEVICES=BI.devices_offset, NMODULES=len(placed), MODULES=BI.modules_offset,
        NDISKS=len(machine.disks))
    machine.ram[BI.base:BI.base + PAGE] = page


def load_image(machine, image, modules=()) -> LoadedImage:
    """Load a parsed ELF ``image`` (a ``ringvm.assembler.elf.ElfImage``) and the boot
    ``modules`` (:class:`Module` list) into ``machine``, write the boot-info page, and
    set CPU 0 (and every CPU's cpuid).

    Raises :class:`UserError` if a segment lies outside RAM or on the boot-info page,
    or a module cannot be placed.
    """
    ram = machine.ram
    placed = []
    size = len(ram)
    used = [(BI.base, BI.base + PAGE, "the boot-info page")]
    for seg in image.segments:
        paddr = seg.paddr
        data = bytes(seg.data)
        memsz = max(seg.memsz, len(data))
        if memsz == 0:
            continue
        if paddr < 0 or paddr + memsz > len(ram):
            raise UserError(
                f"ELF segment at physical 0x{paddr:08x} ({memsz} bytes) lies outside RAM "
                f"({_ram_text(size)}); use --ram to give the machine more memory")
        if paddr < BI.base + PAGE and BI.base < paddr + memsz:
            raise UserError(f"ELF segment at physical 0x{paddr:08x} ({memsz} bytes) "
                            f"overlaps the boot-info page (physical 0x{BI.base:08x}, "
                            f"ISA.md §11)")
        ram[paddr:paddr + len(data)] = data
        ram[paddr + len(data):paddr + memsz] = bytes(memsz - len(data))
        placed.append((paddr, memsz))
        used.append((paddr, paddr + memsz, "the kernel image"))
    mods = place_modules(ram, used, list(modules))
    free = _page_up(max([e for _, e, _ in used] + [p.end for p in mods]))
    write_boot_info(machine, mods, free)
    ring = boot_ring(image.flags)
    engine = machine.engine
    for i in range(machine.config.ncpus):
        st = engine.get_cpu(i)
        st.csr[CPUID] = i
        if i == 0:
            st.pc = image.entry & 0xFFFFFFFF
            st.ring = ring
        engine.set_cpu(i, st)
    return LoadedImage(entry=image.entry, ring=ring, symbols=dict(image.symbols),
                       by_address=list(image.by_address), lines=image.lines,
                       segments=placed, modules=mods)
