"""Generate the tables of ``isa/ISA.md`` from ``isa/ringvm.toml``.

The manual's prose is hand-written; every table sits between
``<!-- BEGIN GENERATED name -->`` and ``<!-- END GENERATED name -->`` markers and is
rewritten by this module (xv6's ``usys.pl`` idea: derived text says so and is never
edited by hand). ``python -m ringvm.isa.gen_docs`` rewrites the file in place;
``--check`` exits 1 if it is stale (the test suite runs the same check).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from ringvm.isa import ISA, ISATable

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
        ["number", "name", "ring", "access", "banked", "meaning"],
        [[f"0x{c.number:03x}", f"`{c.name}`", _ring(c.ring), c.access,
          "yes" if c.banked else "", c.meaning]
         for c in sorted(isa.csrs.values(), key=lambda c: c.number)])
    out["status"] = _table(["field", "bits"],
                           [[k, _bits(*v)] for k, v in isa.status_fields.items()])
    out["causes"] = _table(["code", "cause", "meaning"],
                           [[str(c.value), c.name, c.meaning] for c in isa.causes.values()])
    out["interrupts"] = _table(["line", "name", "meaning"],
                               [[str(c.value), c.name, c.meaning] for c in isa.interrupts.values()])
    out["exit_controls"] = _table(["bit", "control", "meaning"],
                                  [[str(c.value), c.name, c.meaning]
                                   for c in isa.exit_controls.values()])
    out["exit_reasons"] = _table(["code", "reason", "meaning"],
                                 [[str(c.value), c.name, c.meaning]
                                  for c in isa.exit_reasons.values()])
    parts = []
    for d in isa.devices.values():
        irq = f", interrupt line {d.irq}" if d.irq else ""
        head = f"**{d.name}** at `0x{d.base:08x}` — {d.meaning}{irq}."
        if d.like:
            parts.append(head)
            continue
        parts.append(head + "\n\n" + _table(
            ["offset", "register", "access", "meaning"],
            [[f"0x{r.offset:02x}", r.name, r.access, r.meaning] for r in d.registers]))
    out["devices"] = "\n\n".join(parts)
    out["boot_info"] = _boot_info(isa)
    out["events"] = _table(["code", "event", "flow", "meaning"],
                           [[str(e.value), e.name, e.flow, e.meaning]
                            for e in isa.events.values()])
    return out


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
        return (f"<!-- BEGIN GENERATED {name} -->\n<!-- generated from isa/ringvm.toml by "
                f"`python -m ringvm.isa.gen_docs`; do not edit -->\n{gen[name]}\n"
                f"<!-- END GENERATED {name} -->")
    return re.sub(r"<!-- BEGIN GENERATED (\w+) -->.*?<!-- END GENERATED \1 -->", repl,
                  text, flags=re.S)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    current = MANUAL.read_text()
    fresh = render(current)
    if "--check" in argv:
        if fresh != current:
            print("isa/ISA.md is stale: run `python -m ringvm.isa.gen_docs`", file=sys.stderr)
            return 1
        return 0
    if fresh == current:
        print(f"{MANUAL}: up to date")
        return 0
    MANUAL.write_text(fresh)
    print(f"wrote {MANUAL}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
