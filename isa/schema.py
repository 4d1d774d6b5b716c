"""The row types of the ISA table: what :func:`ringvm.isa.load` builds from
``isa/ringvm.toml`` (instructions, CSRs with their fields and writable masks, named
numbers, the TLB entry, devices with their register bits and values, the boot-info
page). Plain frozen data with small helpers; all checking is done by the loader.

Bit fields are ``(high, low)`` pairs, inclusive, as in the TOML.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


class ISAError(ValueError):
    """The ISA table is inconsistent (raised at load time, never at run time)."""


class EncodeError(ValueError):
    """An operand value does not fit its field (message says which and the range)."""


def sign_extend(value: int, bits: int) -> int:
    """Interpret the low ``bits`` bits of ``value`` as a two's-complement integer."""
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def field_mask(hi: int, lo: int) -> int:
    """The bits of field ``[hi:lo]`` in place: ``field_mask(7, 0) == 0xFF``."""
    return ((1 << (hi - lo + 1)) - 1) << lo


@dataclass(frozen=True)
class Immediate:
    """How an ``imm`` operand is written and stored (simm, uimm, pcrel, csr)."""
    name: str
    kind: str
    bits: int

    def range(self) -> tuple[int, int]:
        """Inclusive range of the *stored* field value, as a signed or unsigned int."""
        if self.kind in ("simm", "pcrel"):
            return -(1 << (self.bits - 1)), (1 << (self.bits - 1)) - 1
        return 0, (1 << self.bits) - 1


@dataclass(frozen=True)
class Instruction:
    """One machine instruction: its encoding, operand syntax, privilege and meaning.

    ``fields`` maps field name -> (high bit, low bit). ``operands`` is the operand
    syntax split into tokens, e.g. ``("rd", "imm(rs1)")``. ``ring`` is the minimum
    ring (3 any, 0 kernel, -1 hypervisor). ``exit`` names the hctl exit control that
    makes it a VM exit in guest mode ("" if none).
    """
    mnemonic: str
    format: str
    fields: Mapping[str, tuple[int, int]]
    fixed: Mapping[str, int]
    operands: tuple[str, ...]
    operand_fields: tuple[str, ...]
    imm: Immediate | None
    ring: int
    cls: str
    sensitive: bool
    exit: str
    meaning: str
    mask: int
    match: int

    def encode(self, **values: int) -> int:
        """Encode operand field values into a 32-bit word.

        ``values`` holds one int per operand field (``rd``, ``rs1``, ``rs2``,
        ``imm``); ``imm`` is the value *stored* in the field (for pcrel kinds the
        word offset, not the target). Raises :class:`EncodeError` if a value is out
        of range or an operand is missing or unknown.
        """
        word = self.match
        missing = set(self.operand_fields) - set(values)
        extra = set(values) - set(self.operand_fields)
        if missing or extra:
            raise EncodeError(f"{self.mnemonic}: expected operands {self.operand_fields}, "
                              f"got {tuple(values)}")
        for name, value in values.items():
            hi, lo = self.fields[name]
            width = hi - lo + 1
            if name == "imm" and self.imm is not None:
                low, high = self.imm.range()
                if not low <= value <= high:
                    raise EncodeError(f"{self.mnemonic}: immediate {value} out of range "
                                      f"[{low}, {high}]")
                value &= (1 << width) - 1
            elif not 0 <= value < (1 << width):
                raise EncodeError(f"{self.mnemonic}: {name} = {value} does not fit "
                                  f"{width} bits")
            word |= value << lo
        return word

    def extract(self, word: int) -> dict[str, int]:
        """Operand field values of ``word`` (imm sign-extended for simm/pcrel kinds)."""
        out = {}
        for name in self.operand_fields:
            hi, lo = self.fields[name]
            v = (word >> lo) & ((1 << (hi - lo + 1)) - 1)
            if name == "imm" and self.imm is not None and self.imm.kind in ("simm", "pcrel"):
                v = sign_extend(v, self.imm.bits)
            out[name] = v
        return out


@dataclass(frozen=True)
class Pseudo:
    """A pseudo-instruction: templates of real instructions, or ``builtin`` (li, la)."""
    mnemonic: str
    operands: tuple[str, ...]
    expand: tuple[str, ...] | None   # None for builtin expansions
    meaning: str


@dataclass(frozen=True)
class CSR:
    """A control register: number, minimum ring, access ("r" or "rw"), banked.

    ``fields`` names its bit fields (``{"ASID": (7, 0)}``; status-like registers get
    the status fields, ``ienable``/``ipend`` one bit per interrupt line, ``hctl`` one
    per exit control). ``writable`` is the mask of the bits a CSR write changes — of
    the guest copy for a banked CSR — and ``writable_host`` that of the host copy
    (equal to ``writable`` for an unbanked CSR). A write stores ``value & mask``; a
    copy whose mask is 0 ignores writes (ISA.md §4).
    """
    name: str
    number: int
    ring: int
    access: str
    banked: bool
    meaning: str
    guest_alias: bool = False   # True for the g<name> ring -1 views of banked CSRs
    alias_of: int | None = None
    fields: Mapping[str, tuple[int, int]] = field(default_factory=dict, compare=False)
    writable: int = 0
    writable_host: int = 0

    def mask(self, name: str) -> int:
        """The bits of field ``name`` in place (KeyError if there is no such field)."""
        return field_mask(*self.fields[name])

    def shift(self, name: str) -> int:
        """The low bit of field ``name``."""
        return self.fields[name][1]

    def width(self, name: str) -> int:
        """The width in bits of field ``name``."""
        hi, lo = self.fields[name]
        return hi - lo + 1


@dataclass(frozen=True)
class Named:
    """A numbered name: trap cause, interrupt line, exit control bit or exit reason;
    a TLB flag (value = its bit); a device register's bit or value."""
    name: str
    value: int
    meaning: str


@dataclass(frozen=True)
class ExitControl(Named):
    """A bit of hctl (``value``); ``reason`` names the exit reason of the VM exit it
    causes ("" for a control that is not an exit, such as DEVPASS)."""
    reason: str = ""


@dataclass(frozen=True)
class TlbLayout:
    """The TLB entry (ISA.md §6) and where its parts live in the TLB CSRs.

    ``flags``: the flags in bit order (``value`` = the bit in tlblo and in an entry's
    flags). ``vpn``/``asid``: fields of tlbhi; ``pfn``: field of tlblo; ``vmid_bits``:
    the width of a VMID (hvmid, tlbvmid); ``not_found``: the tlbidx value tlbp leaves
    when nothing matches.
    """
    flags: tuple[Named, ...]
    vpn: tuple[int, int]
    asid: tuple[int, int]
    pfn: tuple[int, int]
    vmid_bits: int
    not_found: int

    def flag(self, name: str) -> int:
        """The mask of flag ``name`` (``flag("V") == 1``)."""
        return next(1 << f.value for f in self.flags if f.name == name)

    @property
    def flags_mask(self) -> int:
        """Every flag bit: what an entry keeps of tlblo's low bits."""
        m = 0
        for f in self.flags:
            m |= 1 << f.value
        return m

    @property
    def flag_names(self) -> str:
        """The flag names in bit order, run together (a legend for flag strings)."""
        return "".join(f.name for f in self.flags)

    def flag_string(self, flags: int, absent: str = "") -> str:
        """The names of the flags set in ``flags``, in bit order; ``absent`` stands
        for each flag that is clear (``flag_string(0b10011, "-") == "VR--U-"``)."""
        return "".join(f.name if flags >> f.value & 1 else absent for f in self.flags)

    @property
    def vpn_shift(self) -> int:
        return self.vpn[1]

    @property
    def vpn_mask(self) -> int:
        """The mask of a VPN value (not in place)."""
        return (1 << (self.vpn[0] - self.vpn[1] + 1)) - 1

    @property
    def pfn_shift(self) -> int:
        return self.pfn[1]

    @property
    def pfn_mask(self) -> int:
        """The mask of a PFN value (not in place)."""
        return (1 << (self.pfn[0] - self.pfn[1] + 1)) - 1

    @property
    def asid_mask(self) -> int:
        """The mask of an ASID value (its field of tlbhi starts at bit 0)."""
        return (1 << (self.asid[0] - self.asid[1] + 1)) - 1

    @property
    def vmid_mask(self) -> int:
        return (1 << self.vmid_bits) - 1


@dataclass(frozen=True)
class DeviceRegister:
    """A 32-bit device register. ``bits``: its single-bit flags (``value`` = the bit
    number); ``values``: its named values (``value`` = the value)."""
    name: str
    offset: int
    access: str
    meaning: str
    bits: Mapping[str, Named] = field(default_factory=dict, compare=False)
    values: Mapping[str, Named] = field(default_factory=dict, compare=False)

    def mask(self, bit: str) -> int:
        """The mask of bit ``bit``: ``register("STATUS").mask("RXREADY") == 1``."""
        return 1 << self.bits[bit].value

    def value(self, name: str) -> int:
        """The named value ``name``: ``register("STATUS").value("DONE") == 2``."""
        return self.values[name].value


@dataclass(frozen=True)
class Descriptor:
    """A structure a device reads and writes in guest memory by DMA (a ring
    descriptor): ``size`` in bytes, ``fields`` (name -> byte offset of a 32-bit word)
    and the named ``values`` of some fields (field -> {name -> Named})."""
    name: str
    size: int
    meaning: str
    fields: Mapping[str, Named] = field(default_factory=dict, compare=False)
    values: Mapping[str, Mapping[str, Named]] = field(default_factory=dict, compare=False)

    def value(self, fld: str, name: str) -> int:
        """The named value ``name`` of field ``fld``."""
        return self.values[fld][name].value


@dataclass(frozen=True)
class Device:
    """A memory-mapped device: one 4 KiB page of 32-bit registers at ``base``, and the
    ``descriptor`` it reads in memory (or None)."""
    name: str
    base: int
    irq: str | None
    meaning: str
    registers: tuple[DeviceRegister, ...]
    like: str | None = None          # another instance of this device (same registers)
    descriptor: Descriptor | None = None

    def register(self, name: str) -> DeviceRegister:
        """The register called ``name`` (KeyError if there is none)."""
        for r in self.registers:
            if r.name == name:
                return r
        raise KeyError(f"device {self.name} has no register {name!r}")


@dataclass(frozen=True)
class Event:
    """A software event a guest reports through the events device (ISA.md §9):
    ``value`` is its code (written to EMIT), ``flow`` is "begin", "end" or "" (whether
    ARG0 is a flow id pairing a begin with an end), ``meaning`` says what it reports."""
    name: str
    value: int
    meaning: str
    flow: str = ""


@dataclass(frozen=True)
class BootInfoField:
    """A word (or, with ``size`` > 4, a NUL-padded byte string) of the boot-info page."""
    name: str
    offset: int
    meaning: str
    size: int = 4


@dataclass(frozen=True)
class BootInfo:
    """The layout of the boot-info page (ISA.md §11): where it is (``base``, physical),
    its ``magic`` and ``version``, the header fields, and the device and module tables
    (at ``devices_offset`` / ``modules_offset`` in the page, at most ``max_devices`` /
    ``max_modules`` entries of ``device_entry_size`` / ``module_entry_size`` bytes)."""
    base: int
    magic: int
    version: int
    header: tuple[BootInfoField, ...]
    devices_offset: int
    max_devices: int
    device_entry_size: int
    device_entry: tuple[BootInfoField, ...]
    modules_offset: int
    max_modules: int
    module_entry_size: int
    module_entry: tuple[BootInfoField, ...]
    module_flags: dict[str, int]

    def offset(self, name: str) -> int:
        """Offset of header field ``name`` in the page."""
        return next(f.offset for f in self.header if f.name == name)
