"""Generate the tables of ``isa/ISA.md`` from ``isa/ringvm.toml``.

The manual's prose is hand-written; every table sits between
``<!-- BEGIN GENERATED name -->`` and ``<!-- END GENERATED name -->`` markers and is
rewritten by this module (xv6's ``usys.pl`` idea: derived text says so and is never
edited by hand). ``python -m ringvm.isa`` rewrites the file in place (with the other
generated files); ``--check`` exits 1 if it is stale (the test suite runs the same
check).
"""
from __future__ import annotations

import re
from pathlib import Path

from ringvm.isa import CSR, ISA, ISATable, field_mask

from . import gen_common

MANUAL = Path(__file__).with_name("ISA.md")


def _table(header: list[str], rows: list[list[str]]) -> str:
    def esc(cell: str) -> str:
        return str(cell).replace("|", "\\|")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _ring(r: int) -> str:
    return "−1" if r == -1 else str(r)


def _bits(hi: int, lo: int) -> str:
    return f"[{hi}]" if hi == lo else f"[{hi}:{lo}]"


def _syntax(mnemonic: str, operands: tuple[str, ...]) -> str:
    return f"`{mnemonic} {', '.join(operands)}`".replace(" `", "`") if operands else f"`{mnemonic}`"


def sections(isa: ISATable) -> dict[str, str]:
    """Map of marker name -> generated Markdown for every generated section."""
    out: dict[str, str] = {}
    out["registers"] = _table(
        ["register", "ABI name", "role"],
        [[f"r{i}", n + (" / fp" if n == "s0" else ""), _REG_ROLES.get(n.rstrip("0123456789"), "")]
         for i, n in enumerate(isa.register_names)])
    out["formats"] = _table(
        ["format", "fields (high bit first)"],
        [[f, " · ".join(f"{n}{_bits(*b)}" for n, b in sorted(fs.items(), key=lambda kv: -kv[1][0]))]
         for f, fs in isa.formats.items()])
    rows = []
    for ins in isa.instructions.values():
        fixed = ", ".join(f"{k}=0x{v:x}" for k, v in ins.fixed.items())
        fixed += f" (0x{ins.match:08x} / mask 0x{ins.mask:08x})"
        rows.append([_syntax(ins.mnemonic, ins.operands), ins.format, fixed,
                     ins.imm.name if ins.imm else "", _ring(ins.ring), ins.exit,
                     "S" if ins.sensitive else "", ins.meaning])
    out["instructions"] = _table(
        ["syntax", "fmt", "encoding", "imm", "ring", "exit", "S", "meaning"], rows)
    out["pseudos"] = _table(
        ["syntax", "expands to", "meaning"],
        [[_syntax(p.mnemonic, p.operands),
          "; ".join(f"`{e}`" for e in p.expand) if p.expand else "(see meaning)", p.meaning]
         for p in isa.pseudos.values()])
    out["csrs"] = _table(
        ["number", "name", "ring", "access", "banked", "fields", "writable", "meaning"],
        [[f"0x{c.number:03x}", f"`{c.name}`", _ring(c.ring), c.access,
          "yes" if c.banked else "", _csr_fields(isa, c), _writable(c), c.meaning]
         for c in sorted(isa.csrs.values(), key=lambda c: c.number)])
    out["status"] = _table(["field", "bits"],
                           [[k, _bits(*v)] for k, v in isa.status_fields.items()])
    out["causes"] = _table(["code", "cause", "meaning"],
                           [[str(c.value), c.name, c.meaning] for c in isa.causes.values()])
    out["interrupts"] = _table(["line", "name", "meaning"],
                               [[str(c.value), c.name, c.meaning] for c in isa.interrupts.values()])
    out["exit_controls"] = _table(["bit", "control", "exit reason", "meaning"],
                                  [[str(c.value), c.name, c.reason or "(not an exit)",
                                    c.meaning] for c in isa.exit_controls.values()])
    out["exit_reasons"] = _table(["code", "reason", "meaning"],
                                 [[str(c.value), c.name, c.meaning]
                                  for c in isa.exit_reasons.values()]) + \
        "\n\nThe access in `hqual` (exit_access): " + \
        ", ".join(f"{k} = {v}" for k, v in isa.exit_access.items()) + "."
    out["tlb"] = _tlb(isa)
    parts = []
    for d in isa.devices.values():
        irq = f", interrupt line {d.irq}" if d.irq else ""
        head = f"**{d.name}** at `0x{d.base:08x}` — {d.meaning}{irq}."
        if d.like:
            parts.append(head)
            continue
        parts.append(head + "\n\n" + _table(
            ["offset", "register", "access", "meaning"],
            [[f"0x{r.offset:02x}", r.name, r.access, r.meaning + _names_of(r)]
             for r in d.registers]))
        rows = []
        for r in d.registers:
            rows += [[r.name, f"bit {b.value}", b.name, b.meaning] for b in r.bits.values()]
            rows += [[r.name, f"= {v.value:#x}" if v.value > 9 else f"= {v.value}", v.name,
                      v.meaning] for v in r.values.values()]
        if rows:
            parts.append(_table(["register", "bit / value", "name", "meaning"], rows))
        if d.descriptor:
            ds = d.descriptor
            rows = [[f"0x{f.value:02x}", f.name, f.meaning + (
                " (values: " + ", ".join(f"{v.name} = {v.value}"
                                         for v in ds.values[f.name].values()) + ")"
                if f.name in ds.values else "")] for f in ds.fields.values()]
            parts.append(f"Its descriptor `{ds.name}` ({ds.size} bytes): {ds.meaning}.\n\n"
                         + _table(["offset", "field", "meaning"], rows))
    out["devices"] = "\n\n".join(parts)
    out["boot_info"] = _boot_info(isa)
    out["events"] = _table(["code", "event", "flow", "meaning"],
                           [[str(e.value), e.name, e.flow, e.meaning]
                            for e in isa.events.values()])
    return out


def _names_of(r) -> str:
    """The names a register's meaning refers to: its bits or values, listed below."""
    if r.bits:
        return " (bits: " + ", ".join(r.bits) + ")"
    if r.values:
        return " (values: " + ", ".join(r.values) + ")"
    return ""


#: what a CSR's `fields` may name instead of listing fields
_FIELD_TABLES = {"status_fields": "the status fields", "interrupt": "a bit per line",
                 "exit_control": "a bit per exit control"}


def _csr_fields(isa: ISATable, c: CSR) -> str:
    """The fields column: listed fields with their bits, or the table they come from."""
    base = isa.csr_by_number.get(c.alias_of) if c.guest_alias else c
    spec = next(d.get("fields") for d in isa.raw["csr"] if d["name"] == base.name)
    if isinstance(spec, str):
        return _FIELD_TABLES[spec]
    names = list(spec or ())
    out = " · ".join(f"{n}{_bits(*c.fields[n])}" for n in names)
    if base.name == "tlblo":
        out += " · TLB flags (§6)"
    return out


def _mask_text(c: CSR, mask: int) -> str:
    """A writable mask in words: all, none, the fields it is made of, or hex."""
    if mask == (1 << 32) - 1:
        return "all"
    if mask == 0:
        return "none"
    names = [n for n, f in c.fields.items() if field_mask(*f) & ~mask == 0]
    union = 0
    for n in names:
        union |= field_mask(*c.fields[n])
    return " ".join(names) if names and union == mask else f"0x{mask:08x}"


def _writable(c: CSR) -> str:
    """The writable column: one mask, or the host and guest copies' when they differ."""
    if c.writable_host == c.writable:
        return _mask_text(c, c.writable)
    return f"host: {_mask_text(c, c.writable_host)}; guest: {_mask_text(c, c.writable)}"


def _tlb(isa: ISATable) -> str:
    t, hi, lo = isa.tlb, isa.csrs["tlbhi"], isa.csrs["tlblo"]
    flags = _table(["bit", "flag", "meaning"],
                   [[str(f.value), f.name, f.meaning] for f in t.flags])
    vpn_bits = t.vpn[0] - t.vpn[1] + 1
    pfn_bits = t.pfn[0] - t.pfn[1] + 1
    asid_bits = t.asid[0] - t.asid[1] + 1
    flag_bits = _bits(max(f.value for f in t.flags), min(f.value for f in t.flags))
    return (f"An entry holds VPN ({vpn_bits} bits), ASID ({asid_bits}), VMID "
            f"({t.vmid_bits}), PFN ({pfn_bits}) and flags:\n\n{flags}\n\n"
            f"`tlbhi` = VPN{_bits(*hi.fields['VPN'])} · ASID{_bits(*hi.fields['ASID'])}, "
            f"`tlblo` = PFN{_bits(*lo.fields['PFN'])} · flags{flag_bits}; "
            f"`tlbp` leaves `tlbidx` = `0x{t.not_found:08x}` (its NOT_FOUND bit) when no "
            f"entry matches.")


def _boot_info(isa: ISATable) -> str:
    b = isa.boot_info

    def rows(fields):
        return [[f"0x{f.offset:02x}", f.name, f"{f.size}", f.meaning] for f in fields]
    head = ["offset", "field", "bytes", "meaning"]
    flags = ", ".join(f"{k} = {v:#x}" for k, v in b.module_flags.items())
    return (f"The page at physical `0x{b.base:08x}` (magic `0x{b.magic:08x}`, version "
            f"{b.version}):\n\n" + _table(head, rows(b.header)) +
            f"\n\nThe device table at offset `0x{b.devices_offset:x}`: up to "
            f"{b.max_devices} entries of {b.device_entry_size} bytes, one per device "
            f"present, in address order.\n\n" + _table(head, rows(b.device_entry)) +
            f"\n\nThe module table at offset `0x{b.modules_offset:x}`: up to "
            f"{b.max_modules} entries of {b.module_entry_size} bytes, in the order the "
            f"modules were given (flags: {flags}).\n\n" + _table(head, rows(b.module_entry)))


_REG_ROLES = {
    "zero": "always 0", "ra": "return address", "sp": "stack pointer",
    "gp": "global pointer", "tp": "thread pointer", "t": "temporary (caller-saved)",
    "s": "saved (callee-saved)", "a": "argument / result",
}


def render(text: str, isa: ISATable = ISA) -> str:
    """Return ``text`` with every generated section replaced by a fresh rendering.

    Raises ValueError if a marker names an unknown section.
    """
    gen = sections(isa)

    def repl(m: re.Match) -> str:
        name = m.group(1)
        if name not in gen:
            raise ValueError(f"ISA.md: unknown generated section {name!r}")
        return (f"<!-- BEGIN GENERATED {name} -->\n<!-- generated from {gen_common.SOURCE} "
                f"by `{gen_common.COMMAND}`; do not edit -->\n{gen[name]}\n"
                f"<!-- END GENERATED {name} -->")
    return re.sub(r"<!-- BEGIN GENERATED (\w+) -->.*?<!-- END GENERATED \1 -->", repl,
                  text, flags=re.S)


def outputs(isa: ISATable = ISA) -> dict[Path, str]:
    return {MANUAL: render(MANUAL.read_text(), isa)}


def main(argv: list[str] | None = None) -> int:
    """``[--check]``: rewrite the manual's tables if they changed, or check them."""
    return gen_common.main(outputs, argv)


if __name__ == "__main__":
    raise SystemExit(main())
