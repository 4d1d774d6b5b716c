"""The ringvm ISA, loaded from ``isa/ringvm.toml`` and validated on load.

This package is the single source of truth the assembler, the disassembler, the
Python engine's decoder and the generated C header (``native/isa_gen.h``) are built
from. Nothing else in the project may hard-code an opcode, a CSR number, a cause
code or a device address.

Usage::

    from ringvm.isa import ISA
    ins = ISA.instructions["addi"]
    word = ins.encode(rd=10, rs1=0, imm=-1)      # -> int, a 32-bit instruction word
    ins2, fields = ISA.decode(word)               # -> (Instruction, {"rd": 10, ...})

Loading raises :class:`ISAError` if the table is inconsistent: overlapping
encodings, a field outside the 32-bit word, a fixed value too wide for its field,
duplicate names or numbers. The encoding discipline follows riscv-opcodes: every
instruction is a (mask, match) pair and no two pairs may both match one word.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

TOML_PATH = Path(__file__).with_name("ringvm.toml")

#: operand tokens that name a general register field
REGISTER_FIELDS = ("rd", "rs1", "rs2")


class ISAError(ValueError):
    """The ISA table is inconsistent (raised at load time, never at run time)."""


class EncodeError(ValueError):
    """An operand value does not fit its field (message says which and the range)."""


def sign_extend(value: int, bits: int) -> int:
    """Interpret the low ``bits`` bits of ``value`` as a two's-complement integer."""
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


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
    """A control register: number, minimum ring, access ("r" or "rw"), banked."""
    name: str
    number: int
    ring: int
    access: str
    banked: bool
    meaning: str
    guest_alias: bool = False   # True for the g<name> ring -1 views of banked CSRs
    alias_of: int | None = None


@dataclass(frozen=True)
class Named:
    """A numbered name: trap cause, interrupt line, exit control bit or exit reason."""
    name: str
    value: int
    meaning: str


@dataclass(frozen=True)
class DeviceRegister:
    name: str
    offset: int
    access: str
    meaning: str


@dataclass(frozen=True)
class Device:
    """A memory-mapped device: one 4 KiB page of 32-bit registers at ``base``."""
    name: str
    base: int
    irq: str | None
    meaning: str
    registers: tuple[DeviceRegister, ...]
    like: str | None = None          # another instance of this device (same registers)


@dataclass(frozen=True)
class Event:
    """A software event a guest reports through the events device: ``code`` (written to
    EMIT), ``flow`` ("begin", "end" or "": whether ARG0 is a flow id pairing a begin
    with an end) and what it ``meaning``s."""
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


@dataclass
class ISATable:
    """The validated ISA. Build with :func:`load`; the module-level ``ISA`` is one."""
    raw: dict[str, Any]
    formats: dict[str, dict[str, tuple[int, int]]]
    immediates: dict[str, Immediate]
    instructions: dict[str, Instruction]
    pseudos: dict[str, Pseudo]
    registers: dict[str, int]          # every accepted name (r0..r31, ABI, aliases) -> number
    register_names: tuple[str, ...]     # number -> canonical ABI name
    csrs: dict[str, CSR]                # by name, including g<name> aliases
    csr_by_number: dict[int, CSR]
    causes: dict[str, Named]
    interrupts: dict[str, Named]
    exit_controls: dict[str, Named]
    exit_reasons: dict[str, Named]
    status_fields: dict[str, tuple[int, int]]
    devices: dict[str, Device]
    memory: dict[str, int]
    machine: dict[str, int]
    boot_info: BootInfo
    events: dict[str, Event]
    _by_op: dict[int, list[Instruction]] = field(default_factory=dict)

    @property
    def elf_machine(self) -> int:
        return self.raw["elf_machine"]

    @property
    def page_bits(self) -> int:
        return self.raw["page_bits"]

    def decode(self, word: int) -> tuple[Instruction, dict[str, int]] | None:
        """Decode a 32-bit word: ``(instruction, operand fields)`` or None if illegal."""
        for ins in self._by_op.get(word >> 26, ()):
            if word & ins.mask == ins.match:
                return ins, ins.extract(word)
        return None

    def csr_name(self, number: int) -> str:
        """The CSR's name, or ``csr0x...`` for numbers with no register."""
        c = self.csr_by_number.get(number)
        return c.name if c else f"0x{number:03x}"

    def cause_name(self, cause: int) -> str:
        """Readable name of a cause word (interrupts have bit 31 set)."""
        if cause & 0x8000_0000:
            line = cause & 0x7FFF_FFFF
            for n in self.interrupts.values():
                if n.value == line:
                    return f"INT_{n.name}"
            return f"INT_{line}"
        for n in self.causes.values():
            if n.value == cause:
                return n.name
        return f"CAUSE_{cause}"


def _parse_operands(syntax: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split an operand syntax string; return (tokens, field names in order)."""
    tokens = tuple(t.strip() for t in syntax.split(",")) if syntax.strip() else ()
    names = []
    for t in tokens:
        if "(" in t:  # "imm(rs1)" or "(rs1)"
            before, inside = t.rstrip(")").split("(")
            if before:
                names.append(before)
            names.append(inside)
        else:
            names.append(t)
    return tokens, tuple(names)


def _check_unique(items, key, what):
    seen = {}
    for it in items:
        k = key(it)
        if k in seen:
            raise ISAError(f"duplicate {what} {k!r}")
        seen[k] = it


def load(data: dict[str, Any] | None = None) -> ISATable:
    """Load and validate an ISA table (the bundled TOML when ``data`` is None).

    Raises :class:`ISAError` naming the first inconsistency found.
    """
    if data is None:
        data = tomllib.loads(TOML_PATH.read_text())
    word_bits = data["word_bits"]

    formats: dict[str, dict[str, tuple[int, int]]] = {}
    for fname, fdef in data["formats"].items():
        used = 0
        fields = {}
        for name, (hi, lo) in fdef["fields"].items():
            if not (0 <= lo <= hi < word_bits):
                raise ISAError(f"format {fname}: field {name} [{hi}:{lo}] outside the word")
            bits = ((1 << (hi - lo + 1)) - 1) << lo
            if used & bits:
                raise ISAError(f"format {fname}: field {name} overlaps another field")
            used |= bits
            fields[name] = (hi, lo)
        if used != (1 << word_bits) - 1:
            raise ISAError(f"format {fname}: fields do not cover all {word_bits} bits")
        formats[fname] = fields

    immediates = {n: Immediate(n, d["kind"], d["bits"]) for n, d in data["immediates"].items()}

    instructions: dict[str, Instruction] = {}
    for d in data["instruction"]:
        mn = d["mnemonic"]
        if mn in instructions:
            raise ISAError(f"duplicate mnemonic {mn!r}")
        if d["format"] not in formats:
            raise ISAError(f"{mn}: unknown format {d['format']!r}")
        fields = formats[d["format"]]
        tokens, opfields = _parse_operands(d.get("operands", ""))
        for f in opfields:
            if f not in fields:
                raise ISAError(f"{mn}: operand {f!r} is not a field of format {d['format']}")
        imm = None
        if "imm" in opfields:
            if d.get("imm") not in immediates:
                raise ISAError(f"{mn}: imm operand needs a known immediate kind")
            imm = immediates[d["imm"]]
            hi, lo = fields["imm"]
            if imm.bits != hi - lo + 1:
                raise ISAError(f"{mn}: immediate {imm.name} is {imm.bits} bits, field is "
                               f"{hi - lo + 1}")
        fixed = dict(d.get("fixed", {}))
        mask = match = 0
        for fname_, (hi, lo) in fields.items():
            if fname_ in opfields:
                if fname_ in fixed:
                    raise ISAError(f"{mn}: field {fname_} is both operand and fixed")
                continue
            value = fixed.get(fname_, 0)
            width = hi - lo + 1
            if not 0 <= value < (1 << width):
                raise ISAError(f"{mn}: fixed {fname_} = {value} does not fit {width} bits")
            mask |= ((1 << width) - 1) << lo
            match |= value << lo
        for k in fixed:
            if k not in fields:
                raise ISAError(f"{mn}: fixed field {k!r} is not in format {d['format']}")
        ring = d.get("ring", 3)
        if ring not in data["rings"]["levels"]:
            raise ISAError(f"{mn}: ring {ring} is not a ring")
        instructions[mn] = Instruction(
            mnemonic=mn, format=d["format"], fields=fields, fixed=fixed, operands=tokens,
            operand_fields=opfields, imm=imm, ring=ring, cls=d["class"],
            sensitive=d.get("sensitive", False), exit=d.get("exit", ""),
            meaning=d["meaning"], mask=mask, match=match)

    ins_list = list(instructions.values())
    for i, a in enumerate(ins_list):
        for b in ins_list[i + 1:]:
            common = a.mask & b.mask
            if a.match & common == b.match & common:
                raise ISAError(f"encodings of {a.mnemonic!r} and {b.mnemonic!r} overlap")

    pseudos: dict[str, Pseudo] = {}
    for d in data.get("pseudo", []):
        mn = d["mnemonic"]
        if mn in pseudos or mn in instructions:
            raise ISAError(f"duplicate mnemonic {mn!r}")
        exp = d["expand"]
        tokens, _ = _parse_operands(d.get("operands", ""))
        pseudos[mn] = Pseudo(mn, tokens, None if exp == "builtin" else tuple(exp), d["meaning"])
        if exp != "builtin":
            for line in exp:
                if line.split()[0] not in instructions:
                    raise ISAError(f"pseudo {mn}: expands to unknown {line.split()[0]!r}")

    reg = data["registers"]
    if len(reg["abi"]) != reg["count"]:
        raise ISAError("registers: abi names do not match the count")
    registers = {f"r{i}": i for i in range(reg["count"])}
    for i, n in enumerate(reg["abi"]):
        registers[n] = i
    for n, i in reg.get("aliases", {}).items():
        registers[n] = i
    _check_unique(reg["abi"], lambda x: x, "register name")

    csrs: dict[str, CSR] = {}
    csr_by_number: dict[int, CSR] = {}
    for d in data["csr"]:
        c = CSR(d["name"], d["number"], d["ring"], d["access"], d.get("banked", False),
                d["meaning"])
        if c.access not in ("r", "rw"):
            raise ISAError(f"csr {c.name}: access must be r or rw")
        if not 0 <= c.number < 0x1000:
            raise ISAError(f"csr {c.name}: number 0x{c.number:x} does not fit 12 bits")
        for obj in ([c] + ([CSR("g" + c.name, 0x200 + c.number, -1, "rw", False,
                                f"ring -1 view of the guest copy of {c.name}",
                                True, c.number)] if c.banked else [])):
            if obj.name in csrs:
                raise ISAError(f"duplicate csr name {obj.name!r}")
            if obj.number in csr_by_number:
                raise ISAError(f"duplicate csr number 0x{obj.number:x}")
            csrs[obj.name] = obj
            csr_by_number[obj.number] = obj

    def named(key, valkey):
        out = {}
        for d in data[key]:
            out[d["name"]] = Named(d["name"], d[valkey], d["meaning"])
        _check_unique(data[key], lambda d: d["name"], key + " name")
        _check_unique(data[key], lambda d: d[valkey], key + " number")
        return out

    causes = named("cause", "code")
    interrupts = named("interrupt", "line")
    exit_controls = named("exit_control", "bit")
    exit_reasons = named("exit_reason", "code")
    events = {}
    for d in data["event"]:
        if d.get("flow", "") not in ("", "begin", "end") or not 0 < d["code"] < 1 << 16:
            raise ISAError(f"event {d['name']}: flow must be begin, end or absent, and "
                           f"the code 1..65535")
        events[d["name"]] = Event(d["name"], d["code"], d["meaning"], d.get("flow", ""))
    _check_unique(data["event"], lambda d: d["name"], "event name")
    _check_unique(data["event"], lambda d: d["code"], "event code")
    for mn, ins in instructions.items():
        if ins.exit and ins.exit not in exit_controls:
            raise ISAError(f"{mn}: unknown exit control {ins.exit!r}")

    devices = {}
    mem = data["memory"]
    for d in data["device"]:
        if "registers_of" in d:          # another instance of a device already listed
            like = devices.get(d["registers_of"])
            if like is None or "registers" in d:
                raise ISAError(f"device {d['name']}: registers_of names no earlier device "
                               f"(or registers are given too)")
            d = {**d, "registers": [vars(r) for r in like.registers]}
        regs = tuple(DeviceRegister(r["name"], r["offset"], r["access"], r["meaning"])
                     for r in d["registers"])
        _check_unique(regs, lambda r: r.name, f"{d['name']} register")
        _check_unique(regs, lambda r: r.offset, f"{d['name']} register offset")
        for r in regs:
            if r.offset % 4 or not 0 <= r.offset < mem["device_page"]:
                raise ISAError(f"device {d['name']}: register {r.name} offset 0x{r.offset:x}")
        if d.get("irq") and d["irq"] not in interrupts:
            raise ISAError(f"device {d['name']}: unknown irq {d['irq']!r}")
        if (d["base"] - mem["device_base"]) % mem["device_page"] or d["base"] < mem["device_base"]:
            raise ISAError(f"device {d['name']}: base 0x{d['base']:x} is not a device page")
        devices[d["name"]] = Device(d["name"], d["base"], d.get("irq"), d["meaning"], regs,
                                    d.get("registers_of"))
    _check_unique(devices.values(), lambda d: d.base, "device base")
    boot_info = _boot_info(data["boot_info"], mem)

    table = ISATable(
        raw=data, formats=formats, immediates=immediates, instructions=instructions,
        pseudos=pseudos, registers=registers, register_names=tuple(reg["abi"]), csrs=csrs,
        csr_by_number=csr_by_number, causes=causes, interrupts=interrupts,
        exit_controls=exit_controls, exit_reasons=exit_reasons,
        status_fields={k: tuple(v) for k, v in data["status_fields"].items()},
        devices=devices, memory=dict(mem), machine=dict(data["machine"]),
        boot_info=boot_info, events=events)
    for ins in instructions.values():
        table._by_op.setdefault(ins.match >> 26, []).append(ins)
    return table


def _boot_info(b: dict, mem: dict) -> BootInfo:
    """Parse and check the ``[boot_info]`` table: fields inside the page, word-aligned,
    not overlapping one another or the tables."""
    def fields(rows, limit, what):
        out = tuple(BootInfoField(r["name"], r["offset"], r["meaning"], r.get("size", 4))
                    for r in rows)
        _check_unique(out, lambda f: f.name, what + " field")
        spans = sorted((f.offset, f.offset + f.size, f.name) for f in out)
        for (a0, a1, an), (b0, _b1, bn) in zip(spans, spans[1:]):
            if a1 > b0:
                raise ISAError(f"boot_info {what}: {an} overlaps {bn}")
        for f in out:
            if f.offset % 4 or f.size % 4 or f.offset + f.size > limit:
                raise ISAError(f"boot_info {what}: {f.name} at {f.offset:#x} (+{f.size})")
        return out
    page = mem["device_page"]
    header = fields(b["header"], b["devices_offset"], "header")
    dev = fields(b["device_entry"], b["device_entry_size"], "device entry")
    mod = fields(b["module_entry"], b["module_entry_size"], "module entry")
    if b["devices_offset"] + b["max_devices"] * b["device_entry_size"] > b["modules_offset"] \
            or b["modules_offset"] + b["max_modules"] * b["module_entry_size"] > page:
        raise ISAError("boot_info: the device and module tables do not fit the page")
    if b["base"] % page:
        raise ISAError("boot_info: base is not page-aligned")
    return BootInfo(b["base"], b["magic"], b["version"], header, b["devices_offset"],
                    b["max_devices"], b["device_entry_size"], dev, b["modules_offset"],
                    b["max_modules"], b["module_entry_size"], mod, dict(b["module_flags"]))


ISA = load()
