"""The boot loader (ISA.md §11): put an ELF image into RAM and start CPU 0.

:func:`load_image` places every ``PT_LOAD`` segment at its physical address
(``p_paddr``), zero-fills it up to ``p_memsz``, and sets CPU 0's ``pc = e_entry``, ring 0
(or ring -1 when ``e_flags`` has bit ``elf_flag_boot_hypervisor``), and every CPU's
``cpuid`` CSR to its number. Wrong class/endianness/machine is rejected by
``ringvm.assembler.elf.read_elf`` (as :class:`ringvm.errors.UserError`); a segment that
does not fit in RAM raises :class:`UserError` here.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from ringvm.errors import UserError
from ringvm.isa import ISA

CPUID = ISA.csrs["cpuid"].number
#: e_flags mask (as written by ringvm.assembler.elf)
BOOT_HYPERVISOR = ISA.raw["elf_flag_boot_hypervisor"]


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


def load_image(machine, image) -> LoadedImage:
    """Load a parsed ELF ``image`` (a ``ringvm.assembler.elf.ElfImage``) into ``machine``
    and set CPU 0 (and every CPU's cpuid).

    Raises :class:`UserError` if a segment lies outside RAM.
    """
    ram = machine.ram
    placed = []
    size = len(ram)
    shown = f"{size >> 20} MiB" if size >= 1 << 20 else f"{size >> 10} KiB"
    for seg in image.segments:
        paddr = seg.paddr
        data = bytes(seg.data)
        memsz = max(seg.memsz, len(data))
        if memsz == 0:
            continue
        if paddr < 0 or paddr + memsz > len(ram):
            raise UserError(
                f"ELF segment at physical 0x{paddr:08x} ({memsz} bytes) lies outside RAM "
                f"(0x00000000-0x{size - 1:08x}, {shown}); "
                f"use --ram to give the machine more memory")
        ram[paddr:paddr + len(data)] = data
        ram[paddr + len(data):paddr + memsz] = bytes(memsz - len(data))
        placed.append((paddr, memsz))
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
                       segments=placed)
