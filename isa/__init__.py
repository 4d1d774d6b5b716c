"""The ringvm ISA, loaded from ``isa/ringvm.toml`` and validated on load.

This package is the single source of truth the assembler, the disassembler, both
engines, the debugger and the generated files (``python -m ringvm.isa``: the tables of
``isa/ISA.md``, ``native/isa_gen.h``, ``guests/lib/ringvm.inc``) are built from.
Nothing else in the project may hard-code an opcode, a CSR number or field, a writable
mask, a cause code, a TLB flag or a device address, bit or value.

Usage::

    from ringvm.isa import ISA
    ins = ISA.instructions["addi"]
    word = ins.encode(rd=10, rs1=0, imm=-1)      # -> int, a 32-bit instruction word
    ins2, fields = ISA.decode(word)               # -> (Instruction, {"rd": 10, ...})
    ISA.csrs["asid"].writable                     # -> 0xFF: the bits a write keeps
    ISA.tlb.flag("G"), ISA.tlb.not_found          # -> 0x20, 0x80000000
    ISA.devices["disk"].register("STATUS").value("DONE")        # -> 2
    ISA.exit_reason_of_control["SENS"]            # -> 5 (SENSITIVE)
    ISA.cause_names[1], ISA.line_name(0)          # -> "SYSCALL", "TIMER"

Loading raises :class:`ISAError` if the table is inconsistent: overlapping
encodings, a field outside the 32-bit word, a fixed value too wide for its field,
duplicate names or numbers, an exit control with an unknown reason, a writable mask
naming bits the CSR does not have, a device bit outside its register, TLB fields that
disagree. The encoding discipline follows riscv-opcodes: every instruction is a
(mask, match) pair and no two pairs may both match one word. The row types are in
:mod:`.schema`.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .schema import (CSR, BootInfo, BootInfoField, Descriptor, Device, DeviceRegister, EncodeError,
                     Event, ExitControl, Immediate, Instruction, ISAError, Named, Pseudo, TlbLayout,
                     field_mask, sign_extend)

TOML_PATH = Path(__file__).with_name("ringvm.toml")

#: operand tokens that name a general register field
REGISTER_FIELDS = ("rd", "rs1", "rs2")

__all__ = ["ISA", "ISATable", "ISAError", "EncodeError", "load", "sign_extend", "field_mask",
           "Immediate", "Instruction", "Pseudo", "CSR", "Named", "ExitControl", "TlbLayout",
           "Device", "DeviceRegister", "BootInfo", "BootInfoField", "Event", "REGISTER_FIELDS",
           "TOML_PATH"]


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
    exit_controls: dict[str, ExitControl]
    exit_reasons: dict[str, Named]
    status_fields: dict[str, tuple[int, int]]
    devices: dict[str, Device]
    memory: dict[str, int]
    machine: dict[str, int]
    boot_info: BootInfo
    tlb: TlbLayout
    exit_access: dict[str, int]         # hqual of GPA_FAULT/MMIO exits: FETCH, LOAD, STORE
    events: dict[str, Event]            # software events (ISA.md §9), by name
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

    # ---------------------------------------------------------------- names
    # Number -> name maps, for every client that prints a cause, line, reason or
    # control (debugger, tracer, statistics, machine-check messages).
    @cached_property
    def cause_names(self) -> dict[int, str]:
        """Exception cause code -> name (``{1: "SYSCALL", ...}``)."""
        return {n.value: n.name for n in self.causes.values()}

    @cached_property
    def line_names(self) -> dict[int, str]:
        """Interrupt line -> name (``{0: "TIMER", ...}``)."""
        return {n.value: n.name for n in self.interrupts.values()}

    @cached_property
    def exit_reason_names(self) -> dict[int, str]:
        """Exit reason code (hcause with hstatus.PV) -> name."""
        return {n.value: n.name for n in self.exit_reasons.values()}

    @cached_property
    def event_names(self) -> dict[int, str]:
        """Software event code -> name (ISA.md §9, the events device)."""
        return {e.value: e.name for e in self.events.values()}

    @cached_property
    def exit_control_names(self) -> dict[int, str]:
        """hctl bit number -> exit control name."""
        return {n.value: n.name for n in self.exit_controls.values()}

    @cached_property
    def exit_reason_of_control(self) -> dict[str, int]:
        """Exit control name -> the code of the exit reason it causes (controls that
        cause an exit only)."""
        return {c.name: self.exit_reasons[c.reason].value
                for c in self.exit_controls.values() if c.reason}

    def line_name(self, line: int) -> str:
        """The interrupt line's name, or its number as a string."""
        return self.line_names.get(line, str(line))

    def exit_reason_name(self, code: int) -> str:
        """The exit reason's name, or its code as a string."""
        return self.exit_reason_names.get(code, str(code))

    def exit_control_name(self, bit: int) -> str:
        """The name of hctl bit ``bit``, or the bit number as a string."""
        return self.exit_control_names.get(bit, str(bit))

    def csr_name(self, number: int) -> str:
        """The CSR's name, or ``csr0x...`` for numbers with no register."""
        c = self.csr_by_number.get(number)
        return c.name if c else f"0x{number:03x}"

    @cached_property
    def cause_interrupt(self) -> int:
        """The bit of a cause word that marks an interrupt (cause field INTERRUPT)."""
        return self.csrs["cause"].mask("INTERRUPT")

    def cause_name(self, cause: int) -> str:
        """Readable name of a cause word: ``SYSCALL``, ``INT_TIMER`` for an interrupt
        (the line in the CODE field), ``CAUSE_<n>``/``INT_<n>`` for unknown numbers."""
        if cause & self.cause_interrupt:
            line = cause & self.csrs["cause"].mask("CODE")
            name = self.line_names.get(line)
            return f"INT_{name if name is not None else line}"
        name = self.cause_names.get(cause)
        return name if name is not None else f"CAUSE_{cause}"


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

    def named(key, valkey, cls=Named, **extra):
        out = {d["name"]: cls(d["name"], d[valkey], d["meaning"],
                              **{k: d.get(k, v) for k, v in extra.items()})
               for d in data[key]}
        _check_unique(data[key], lambda d: d["name"], key + " name")
        _check_unique(data[key], lambda d: d[valkey], key + " number")
        return out

    causes = named("cause", "code")
    interrupts = named("interrupt", "line")
    exit_reasons = named("exit_reason", "code")
    exit_controls = named("exit_control", "bit", ExitControl, reason="")
    for c in exit_controls.values():
        if c.reason and c.reason not in exit_reasons:
            raise ISAError(f"exit control {c.name}: unknown exit reason {c.reason!r}")
    for n in [*interrupts.values(), *exit_controls.values()]:
        if not 0 <= n.value < word_bits:     # they are bits of ipend/ienable and hctl
            raise ISAError(f"{n.name}: bit {n.value} is outside a {word_bits}-bit register")
    for mn, ins in instructions.items():
        if ins.exit and ins.exit not in exit_controls:
            raise ISAError(f"{mn}: unknown exit control {ins.exit!r}")
    exit_access = dict(data["exit_access"])
    if set(exit_access) != {"FETCH", "LOAD", "STORE"} or len(set(exit_access.values())) != 3:
        raise ISAError("exit_access: needs three distinct values FETCH, LOAD, STORE")
    status_fields = {k: tuple(v) for k, v in data["status_fields"].items()}
    tlb_flags = tuple(Named(f["name"], f["bit"], f["meaning"]) for f in data["tlb"]["flags"])
    _check_unique(tlb_flags, lambda f: f.name, "TLB flag")
    _check_unique(tlb_flags, lambda f: f.value, "TLB flag bit")

    # the tables a CSR's `fields` may name instead of listing fields
    field_tables = {
        "status_fields": status_fields,
        "interrupt": {n.name: (n.value, n.value) for n in interrupts.values()},
        "exit_control": {n.name: (n.value, n.value) for n in exit_controls.values()},
    }
    csrs: dict[str, CSR] = {}
    csr_by_number: dict[int, CSR] = {}
    for d in data["csr"]:
        c = _csr(d, word_bits, field_tables, tlb_flags)
        if not 0 <= c.number < 0x1000:
            raise ISAError(f"csr {c.name}: number 0x{c.number:x} does not fit 12 bits")
        for obj in ([c] + ([CSR("g" + c.name, 0x200 + c.number, -1, "rw", False,
                                f"ring -1 view of the guest copy of {c.name}",
                                True, c.number, c.fields, c.writable, c.writable)]
                           if c.banked else [])):
            if obj.name in csrs:
                raise ISAError(f"duplicate csr name {obj.name!r}")
            if obj.number in csr_by_number:
                raise ISAError(f"duplicate csr number 0x{obj.number:x}")
            csrs[obj.name] = obj
            csr_by_number[obj.number] = obj
    tlb = _tlb_layout(csrs, tlb_flags, data["page_bits"], word_bits)
    cause = csrs.get("cause")
    if cause is None or not {"INTERRUPT", "CODE"} <= set(cause.fields) \
            or cause.width("INTERRUPT") != 1:
        raise ISAError("csr cause: needs fields INTERRUPT (one bit) and CODE")

    mem = data["memory"]
    devices = _devices(data["device"], mem, interrupts, word_bits)
    boot_info = _boot_info(data["boot_info"], mem)
    events = _events(data["event"])

    table = ISATable(
        raw=data, formats=formats, immediates=immediates, instructions=instructions,
        pseudos=pseudos, registers=registers, register_names=tuple(reg["abi"]), csrs=csrs,
        csr_by_number=csr_by_number, causes=causes, interrupts=interrupts,
        exit_controls=exit_controls, exit_reasons=exit_reasons, status_fields=status_fields,
        devices=devices, memory=dict(mem), machine=dict(data["machine"]),
        boot_info=boot_info, tlb=tlb, exit_access=exit_access, events=events)
    for ins in instructions.values():
        table._by_op.setdefault(ins.match >> 26, []).append(ins)
    return table


def _fields(spec: dict, where: str, word_bits: int) -> dict[str, tuple[int, int]]:
    """Check a ``{NAME: [high, low]}`` table: inside the word, no two fields overlap."""
    out, used = {}, 0
    for name, (hi, lo) in spec.items():
        if not 0 <= lo <= hi < word_bits:
            raise ISAError(f"{where}: field {name} [{hi}:{lo}] is outside the register")
        if used & field_mask(hi, lo):
            raise ISAError(f"{where}: field {name} overlaps another field")
        used |= field_mask(hi, lo)
        out[name] = (hi, lo)
    return out


def _csr(d: dict, word_bits: int, field_tables: dict, tlb_flags: tuple[Named, ...]) -> CSR:
    """One ``[[csr]]`` row: its fields and writable masks (the rules are in the TOML's
    comment above the CSRs)."""
    name, access, banked = d["name"], d["access"], d.get("banked", False)
    if access not in ("r", "rw"):
        raise ISAError(f"csr {name}: access must be r or rw")
    spec = d.get("fields", {})
    if isinstance(spec, str):
        if spec not in field_tables:
            raise ISAError(f"csr {name}: fields names no table {spec!r} (one of "
                           f"{', '.join(field_tables)})")
        spec = field_tables[spec]
    if name == "tlblo":                  # the TLB flags are bits of tlblo
        spec = {**spec, **{f.name: (f.value, f.value) for f in tlb_flags}}
    fields = _fields(spec, f"csr {name}", word_bits)
    every = (1 << word_bits) - 1

    def mask(key, default):
        v = d.get(key)
        if v is None:
            return default
        if isinstance(v, int):
            if not 0 <= v <= every:
                raise ISAError(f"csr {name}: {key} 0x{v:x} has bits outside the register")
            return v
        m = 0
        for f in v:
            if f not in fields:
                raise ISAError(f"csr {name}: {key} names {f!r}, which is not a field of {name}")
            m |= field_mask(*fields[f])
        return m

    writable = mask("writable", every if access == "rw" else 0)
    if "writable_host" in d and not banked:
        raise ISAError(f"csr {name}: writable_host is for banked CSRs only")
    writable_host = mask("writable_host", writable if access == "rw" else 0)
    if access == "r" and (writable_host or (writable and not banked)):
        raise ISAError(f"csr {name}: read-only, but writable bits are given (only the "
                       f"guest copy of a banked CSR, through g{name}, may have some)")
    return CSR(name, d["number"], d["ring"], access, banked, d["meaning"], fields=fields,
               writable=writable, writable_host=writable_host)


def _tlb_layout(csrs: dict[str, CSR], flags: tuple[Named, ...], page_bits: int,
                word_bits: int) -> TlbLayout:
    """The TLB entry from the fields of tlbhi, tlblo, tlbidx, asid, hvmid and tlbvmid;
    checks that they agree (VPN and PFN are the page-number bits, ASID and VMID have
    one width everywhere)."""
    def need(csr, name):
        c = csrs.get(csr)
        if c is None or name not in c.fields:
            raise ISAError(f"[tlb]: csr {csr} needs a field {name}")
        return c.fields[name]

    vpn, pfn = need("tlbhi", "VPN"), need("tlblo", "PFN")
    for what, f in (("tlbhi VPN", vpn), ("tlblo PFN", pfn)):
        if f != (word_bits - 1, page_bits):
            raise ISAError(f"[tlb]: {what} must be the page number bits "
                           f"[{word_bits - 1}:{page_bits}]")
    asid = need("tlbhi", "ASID")
    if asid[1] != 0 or need("asid", "ASID") != asid:
        raise ISAError("[tlb]: the ASID fields of tlbhi and asid must agree, from bit 0")
    vmid = need("hvmid", "VMID")
    if vmid[1] != 0 or need("tlbvmid", "VMID") != vmid:
        raise ISAError("[tlb]: the VMID fields of hvmid and tlbvmid must agree, from bit 0")
    hi, lo = need("tlbidx", "NOT_FOUND")
    if hi != lo:
        raise ISAError("[tlb]: tlbidx NOT_FOUND must be one bit")
    return TlbLayout(tuple(sorted(flags, key=lambda f: f.value)), vpn, asid, pfn,
                     vmid[0] + 1, 1 << lo)


def _register_names(spec: dict, where: str, key: str, word_bits: int) -> dict[str, Named]:
    """The ``bits`` or ``values`` of one device register, checked to fit it."""
    out = {}
    for name, d in spec.items():
        v = d["bit" if key == "bits" else "value"]
        if key == "bits" and not 0 <= v < word_bits:
            raise ISAError(f"{where}: bit {name} = {v} is outside the {word_bits}-bit register")
        if key == "values" and not 0 <= v < 1 << word_bits:
            raise ISAError(f"{where}: value {name} = {v:#x} does not fit the register")
        out[name] = Named(name, v, d["meaning"])
    _check_unique(out.values(), lambda n: n.value, f"{where} {key[:-1]}")
    return out


def _devices(rows: list[dict], mem: dict, interrupts: dict, word_bits: int) -> dict[str, Device]:
    """The ``[[device]]`` rows: registers inside the page, their bits and values."""
    devices: dict[str, Device] = {}
    for d in rows:
        name = d["name"]
        if "registers_of" in d:          # another instance of a device already listed
            like = devices.get(d["registers_of"])
            if like is None or {"registers", "bits", "values"} & set(d):
                raise ISAError(f"device {name}: registers_of names no earlier device "
                               f"(or registers, bits or values are given too)")
            regs = like.registers
        else:
            extra = {key: d.get(key, {}) for key in ("bits", "values")}
            names = {r["name"] for r in d["registers"]}
            for key, by_reg in extra.items():
                for reg in by_reg:
                    if reg not in names:
                        raise ISAError(f"device {name}: {key} of {reg}, which is not a register")
            regs = tuple(DeviceRegister(
                r["name"], r["offset"], r["access"], r["meaning"],
                _register_names(extra["bits"].get(r["name"], {}), f"{name}.{r['name']}",
                                "bits", word_bits),
                _register_names(extra["values"].get(r["name"], {}), f"{name}.{r['name']}",
                                "values", word_bits)) for r in d["registers"])
            for r in regs:
                if set(r.bits) & set(r.values):
                    raise ISAError(f"device {name}: {r.name} has a bit and a value of one name")
        _check_unique(regs, lambda r: r.name, f"{name} register")
        _check_unique(regs, lambda r: r.offset, f"{name} register offset")
        for r in regs:
            if r.offset % 4 or not 0 <= r.offset < mem["device_page"]:
                raise ISAError(f"device {name}: register {r.name} offset 0x{r.offset:x}")
        if d.get("irq") and d["irq"] not in interrupts:
            raise ISAError(f"device {name}: unknown irq {d['irq']!r}")
        if (d["base"] - mem["device_base"]) % mem["device_page"] or d["base"] < mem["device_base"]:
            raise ISAError(f"device {name}: base 0x{d['base']:x} is not a device page")
        if d["base"] + mem["device_page"] > mem["device_base"] + mem["device_window"]:
            raise ISAError(f"device {name}: base 0x{d['base']:x} is outside the device window")
        devices[name] = Device(name, d["base"], d.get("irq"), d["meaning"], regs,
                               d.get("registers_of"),
                               _descriptor(d["descriptor"], name, word_bits)
                               if "descriptor" in d else None)
    _check_unique(devices.values(), lambda d: d.base, "device base")
    return devices


def _descriptor(d: dict, device: str, word_bits: int) -> Descriptor:
    """A device's ``[device.descriptor]``: word fields inside ``size``, their values."""
    where = f"device {device}: descriptor {d['name']}"
    fields = {n: Named(n, f["offset"], f["meaning"]) for n, f in d["fields"].items()}
    for f in fields.values():
        if f.value % 4 or not 0 <= f.value <= d["size"] - 4:
            raise ISAError(f"{where}: field {f.name} at {f.value:#x} is not a word inside it")
    _check_unique(fields.values(), lambda f: f.value, f"{where} field offset")
    values = {}
    for fld, spec in d.get("values", {}).items():
        if fld not in fields:
            raise ISAError(f"{where}: values of {fld}, which is not a field")
        values[fld] = _register_names(spec, f"{where}.{fld}", "values", word_bits)
    return Descriptor(d["name"], d["size"], d["meaning"], fields, values)


def _events(rows: list[dict]) -> dict[str, Event]:
    """Parse and check the ``[[event]]`` table: codes 1..65535, flow begin/end/absent,
    names and codes unique."""
    out = {}
    for d in rows:
        if d.get("flow", "") not in ("", "begin", "end") or not 0 < d["code"] < 1 << 16:
            raise ISAError(f"event {d['name']}: flow must be begin, end or absent, and "
                           f"the code 1..65535")
        out[d["name"]] = Event(d["name"], d["code"], d["meaning"], d.get("flow", ""))
    _check_unique(rows, lambda d: d["name"], "event name")
    _check_unique(rows, lambda d: d["code"], "event code")
    return out


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
