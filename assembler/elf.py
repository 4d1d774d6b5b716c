"""ELF32 little-endian writer (our own, with struct) and reader (pyelftools).

Files written are ET_EXEC with ``e_machine = ISA.elf_machine``; ``e_flags`` may hold
``ISA.raw["elf_flag_boot_hypervisor"]`` (a mask: the loader boots CPU 0 in ring -1).
Layout: ELF header, program headers, then each section's bytes at a file offset
congruent to its address modulo 4096 (p_align = 4096), then the non-loaded sections
(.ringvm.lines, .symtab, .strtab, .shstrtab) and finally the section header table.

``.ringvm.lines`` (SHT_PROGBITS, not allocated) maps instruction addresses to source
lines; all integers little-endian::

    offset  size  field
    0       4     magic b"RVLN"
    4       4     version (1)
    8       4     nfiles
    12      4     nentries
    16      ...   nfiles file names, each UTF-8 and NUL-terminated, concatenated
    ...     0-3   zero padding to a multiple of 4
    ...     12*n  nentries records (u32 address, u32 file index, u32 line), sorted by
                  address; one record per instruction word (address of the word)
"""
from __future__ import annotations

import bisect
import io
import struct
from dataclasses import dataclass, field
from pathlib import Path

from ringvm.errors import UserError
from ringvm.isa import ISA

LINES_SECTION = ".ringvm.lines"
#: same format as .ringvm.lines: for each instruction that a macro expansion made, the
#: line that invoked the macro (the outermost invocation); absent without macros
SITES_SECTION = ".ringvm.sites"
LINES_MAGIC = b"RVLN"
LINES_VERSION = 1
HYPERVISOR_FLAG = ISA.raw["elf_flag_boot_hypervisor"]
KSEG = ISA.memory["kseg_base"]
PAGE = 1 << ISA.page_bits

PF_X, PF_W, PF_R = 1, 2, 4
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 1, 2, 4
SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_NOBITS = 1, 2, 3, 8
SEGMENT_FLAGS = {".text": PF_R | PF_X, ".rodata": PF_R, ".data": PF_R | PF_W,
                 ".bss": PF_R | PF_W}
SECTION_FLAGS = {".text": SHF_ALLOC | SHF_EXECINSTR, ".rodata": SHF_ALLOC,
                 ".data": SHF_ALLOC | SHF_WRITE, ".bss": SHF_ALLOC | SHF_WRITE}


def physical(vaddr: int) -> int:
    """p_paddr for a virtual address: kseg is direct-mapped (minus kseg_base)."""
    return vaddr - KSEG if vaddr >= KSEG else vaddr


@dataclass
class OutSection:
    """A loadable section to write: ``data`` bytes (empty for .bss), ``memsz`` bytes."""
    name: str
    vaddr: int
    data: bytes
    memsz: int


def encode_lines(lines: list[tuple[int, str, int]]) -> bytes:
    """The ``.ringvm.lines`` payload for ``(address, file, line)`` entries."""
    files: dict[str, int] = {}
    recs = []
    for addr, f, ln in sorted(lines, key=lambda t: t[0]):
        recs.append((addr, files.setdefault(f, len(files)), ln))
    names = b"".join(f.encode() + b"\0" for f in files)
    names += bytes(-len(names) % 4)
    body = b"".join(struct.pack("<III", *r) for r in recs)
    return struct.pack("<4sIII", LINES_MAGIC, LINES_VERSION, len(files), len(recs)) + \
        names + body


def decode_lines(blob: bytes) -> list[tuple[int, str, int]]:
    """Inverse of :func:`encode_lines`. Raises ValueError on a malformed payload."""
    magic, version, nfiles, n = struct.unpack_from("<4sIII", blob, 0)
    if magic != LINES_MAGIC or version != LINES_VERSION:
        raise ValueError("bad .ringvm.lines header")
    pos, files = 16, []
    for _ in range(nfiles):
        end = blob.index(b"\0", pos)
        files.append(blob[pos:end].decode())
        pos = end + 1
    pos += -pos % 4
    out = []
    for i in range(n):
        a, f, ln = struct.unpack_from("<III", blob, pos + 12 * i)
        out.append((a, files[f], ln))
    return out


def write_elf(sections: list[OutSection], entry: int, flags: int,
              symbols: dict[str, tuple[int, str, str | None]],
              lines: list[tuple[int, str, int]],
              sites: list[tuple[int, str, int]] | None = None) -> bytes:
    """Build an ELF32 LE ET_EXEC image.

    ``symbols``: name -> (address, "local"|"global", section name or None for an
    absolute symbol). Empty sections are left out. Returns the file's bytes.
    """
    secs = [s for s in sections if s.memsz > 0]
    shstr = bytearray(b"\0")

    def shname(n: str) -> int:
        off = len(shstr)
        shstr.extend(n.encode() + b"\0")
        return off

    out = io.BytesIO()
    nph = len(secs)
    pos = 52 + 32 * nph
    placed = []      # (section, file offset)
    for s in secs:
        if s.name == ".bss":   # no file bytes; offset kept congruent to the address
            placed.append((s, pos + (s.vaddr - pos) % PAGE))
            continue
        pos += (s.vaddr - pos) % PAGE
        placed.append((s, pos))
        pos += len(s.data)
    blob = bytearray(pos)
    for s, off in placed:
        blob[off:off + len(s.data)] = s.data

    # section header entries: (name, type, flags, addr, offset, size, link, info, align, entsize)
    shdrs = [(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)]
    index = {}
    for s, off in placed:
        index[s.name] = len(shdrs)
        shdrs.append((shname(s.name), SHT_NOBITS if s.name == ".bss" else SHT_PROGBITS,
                      SECTION_FLAGS.get(s.name, SHF_ALLOC), s.vaddr, off,
                      s.memsz if s.name == ".bss" else len(s.data), 0, 0, 4, 0))

    def add_blob(name, typ, data, link=0, info=0, align=1, entsize=0):
        blob.extend(bytes(-len(blob) % max(align, 1)))
        off = len(blob)
        blob.extend(data)
        shdrs.append((shname(name), typ, 0, 0, off, len(data), link, info, align, entsize))
        return len(shdrs) - 1

    add_blob(LINES_SECTION, SHT_PROGBITS, encode_lines(lines), align=4)
    if sites:
        add_blob(SITES_SECTION, SHT_PROGBITS, encode_lines(sites), align=4)
    strtab = bytearray(b"\0")
    syms = [struct.pack("<IIIBBH", 0, 0, 0, 0, 0, 0)]
    ordered = sorted(symbols.items(), key=lambda kv: (kv[1][1] == "global", kv[1][0], kv[0]))
    nlocal = 1
    for name, (addr, binding, sec) in ordered:
        nameoff = len(strtab)
        strtab.extend(name.encode() + b"\0")
        bind = 1 if binding == "global" else 0
        if bind == 0:
            nlocal += 1
        shndx = index.get(sec, 0xFFF1) if sec is not None else 0xFFF1   # SHN_ABS
        stype = 2 if sec == ".text" else 1 if sec is not None else 0     # FUNC/OBJECT/NOTYPE
        syms.append(struct.pack("<IIIBBH", nameoff, addr & 0xFFFFFFFF, 0,
                                (bind << 4) | stype, 0, shndx))
    symtab_index = len(shdrs)
    add_blob(".symtab", SHT_SYMTAB, b"".join(syms), link=symtab_index + 1, info=nlocal,
             align=4, entsize=16)
    add_blob(".strtab", SHT_STRTAB, bytes(strtab))
    shstrndx = len(shdrs)
    name_off = shname(".shstrtab")
    blob.extend(bytes(-len(blob) % 1))
    shstr_off = len(blob)
    blob.extend(shstr)
    shdrs.append((name_off, SHT_STRTAB, 0, 0, shstr_off, len(shstr), 0, 0, 1, 0))
    blob.extend(bytes(-len(blob) % 4))
    shoff = len(blob)
    for h in shdrs:
        blob.extend(struct.pack("<IIIIIIIIII", *h))

    ident = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8)   # ELFCLASS32, LSB, EV_CURRENT
    phoff = 52 if nph else 0      # readelf warns about a table offset with no entries
    header = ident + struct.pack("<HHIIIIIHHHHHH", 2, ISA.elf_machine, 1, entry, phoff, shoff,
                                 flags, 52, 32, nph, 40, len(shdrs), shstrndx)
    blob[0:52] = header
    for i, (s, off) in enumerate(placed):
        filesz = 0 if s.name == ".bss" else len(s.data)
        ph = struct.pack("<IIIIIIII", 1, off, s.vaddr, physical(s.vaddr), filesz, s.memsz,
                         SEGMENT_FLAGS.get(s.name, PF_R), PAGE)
        blob[52 + 32 * i:52 + 32 * (i + 1)] = ph
    out.write(bytes(blob))
    return out.getvalue()


# ---------------------------------------------------------------------- reader
@dataclass
class Segment:
    """A PT_LOAD segment: ``data`` is filesz bytes; ``memsz`` >= len(data) (rest zero)."""
    vaddr: int
    paddr: int
    data: bytes
    memsz: int
    flags: int       # PF_R | PF_W | PF_X bits

    @property
    def executable(self) -> bool:
        return bool(self.flags & PF_X)


@dataclass
class ElfImage:
    """A ringvm executable as read by :func:`read_elf`."""
    entry: int
    flags: int
    segments: list[Segment]
    symbols: dict[str, int]
    lines: list[tuple[int, str, int]]
    by_address: list[tuple[int, str]] = field(default_factory=list)
    # ^ (address, name) of every symbol defined in a section (labels), sorted
    sites: list[tuple[int, str, int]] = field(default_factory=list)
    # ^ (address, file, line) of the macro invocation of expanded instructions, sorted

    @property
    def boot_hypervisor(self) -> bool:
        """True if the loader must start CPU 0 in ring -1 (``.hypervisor``)."""
        return bool(self.flags & HYPERVISOR_FLAG)

    def symbolize(self, addr: int) -> tuple[str, int] | None:
        """(symbol, offset) of the closest symbol at or below ``addr``, or None."""
        return symbolize(self.by_address, addr)

    def line_of(self, addr: int) -> tuple[str, int] | None:
        """(file, line) of the instruction at ``addr``, or None."""
        i = bisect.bisect_left(self.lines, (addr, "", -1))
        if i < len(self.lines) and self.lines[i][0] == addr:
            return self.lines[i][1], self.lines[i][2]
        return None

    def site_of(self, addr: int) -> tuple[str, int] | None:
        """(file, line) of the macro invocation the instruction at ``addr`` was expanded
        from (the outermost one), or None when it was written as it is."""
        i = bisect.bisect_left(self.sites, (addr, "", -1))
        if i < len(self.sites) and self.sites[i][0] == addr:
            return self.sites[i][1], self.sites[i][2]
        return None


def symbolize(by_address: list[tuple[int, str]], addr: int) -> tuple[str, int] | None:
    """Nearest symbol at or below ``addr`` in a sorted [(address, name)] list."""
    i = bisect.bisect_right(by_address, (addr, "\U0010ffff")) - 1
    if i < 0:
        return None
    a, name = by_address[i]
    return name, addr - a


def read_elf(source: str | Path | bytes, name: str | None = None) -> ElfImage:
    """Read a ringvm ELF32 executable from a path or bytes.

    Raises :class:`ringvm.errors.UserError` (one clear line) if the file is missing,
    not ELF, not 32-bit little-endian, or not for ringvm (wrong e_machine).
    """
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile

    if isinstance(source, (bytes, bytearray)):
        data, label = bytes(source), name or "<bytes>"
    else:
        label = name or str(source)
        try:
            data = Path(source).read_bytes()
        except OSError as e:
            raise UserError(f"{label}: cannot read: {e.strerror or e}") from None
    if data[:4] != b"\x7fELF":
        raise UserError(f"{label}: not an ELF file")
    if len(data) < 52 or data[4] != 1 or data[5] != 1:
        raise UserError(f"{label}: not a ringvm ELF32 file (need 32-bit little-endian)")
    machine = struct.unpack_from("<H", data, 18)[0]
    if machine != ISA.elf_machine:
        raise UserError(f"{label}: not a ringvm ELF32 file (e_machine 0x{machine:x}, "
                        f"expected 0x{ISA.elf_machine:x})")
    try:
        elf = ELFFile(io.BytesIO(data))
        entry, flags = elf.header["e_entry"], elf.header["e_flags"]
        segments = []
        for seg in elf.iter_segments():
            if seg["p_type"] != "PT_LOAD":
                continue
            segments.append(Segment(seg["p_vaddr"], seg["p_paddr"], seg.data(),
                                    seg["p_memsz"], seg["p_flags"]))
        symbols: dict[str, int] = {}
        located: list[tuple[int, str]] = []     # symbols in a section (not absolute)
        symtab = elf.get_section_by_name(".symtab")
        if symtab is not None and hasattr(symtab, "iter_symbols"):
            for s in symtab.iter_symbols():
                if s.name:
                    symbols[s.name] = s["st_value"]
                    if s["st_shndx"] not in ("SHN_ABS", "SHN_UNDEF"):
                        located.append((s["st_value"], s.name))
        lines = []
        ls = elf.get_section_by_name(LINES_SECTION)
        if ls is not None:
            lines = decode_lines(ls.data())
        sites = []
        ss = elf.get_section_by_name(SITES_SECTION)
        if ss is not None:
            sites = decode_lines(ss.data())
    except (ELFError, ValueError, struct.error, IndexError, UnicodeDecodeError) as e:
        raise UserError(f"{label}: malformed ELF file ({e})") from None
    except Exception as e:  # noqa: BLE001 - a corrupt file must never give a traceback
        raise UserError(f"{label}: malformed ELF file ({type(e).__name__}: {e})") from None
    return ElfImage(entry, flags, segments, symbols, sorted(lines), sorted(located),
                    sorted(sites))
