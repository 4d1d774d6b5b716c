"""Generate ``guests/lib/ringvm.inc``: ISA constants for guest assembly.

Guest kernels ``.include "ringvm.inc"`` instead of repeating cause codes, interrupt
lines, exit reasons, status bits, TLB flags and device register addresses, bits and
values — the same rule as ``native/isa_gen.h``: one table, many consumers. ``python -m
ringvm.isa`` rewrites the file (with the other generated files); ``--check`` exits 1
if it is stale.

Names: ``CAUSE_<name>``, ``IRQ_<line name>`` (line number) and ``IRQB_<name>`` (its
bit), ``EXIT_<reason>``, ``HCTL_<control>`` (bit mask), ``HQUAL_<access>``,
``ST_<field>`` (mask) and ``ST_<field>_SHIFT``, ``TLB_<flag>`` (mask), ``TLBP_NOTFOUND``,
``<DEVICE>_BASE`` (physical) and ``<DEVICE>_<REGISTER>`` (kseg virtual address of the
register), ``<DEVICE>_OFF_<REGISTER>`` (its offset in the page, for every instance of
the device), ``<DEVICE>_<REGISTER>_<BIT>`` (mask) and ``<DEVICE>_<REGISTER>_<VALUE>``
(for every instance of the device), ``KSEG``, ``PAGE_SIZE``, ``SECTOR_SIZE``,
``BOOTINFO`` (kseg address of the boot-info page) with ``BI_<field>``,
``BI_DEV_<field>``, ``BI_MOD_<field>`` offsets and ``BI_MODF_<flag>``, ``EV_<event>``
(software event codes for the events device).
"""
from __future__ import annotations

from pathlib import Path

from ringvm.isa import ISA, ISATable

from . import gen_common

OUTPUT = Path(__file__).resolve().parent.parent / "guests" / "lib" / "ringvm.inc"


def render(isa: ISATable = ISA) -> str:
    """The complete text of ringvm.inc."""
    kseg = isa.memory["kseg_base"]
    out = [f"# GENERATED from {gen_common.SOURCE} by `{gen_common.COMMAND}`; do not edit.",
           "# ISA constants for guest code (see isa/ISA.md).", ""]

    defined: set[str] = set()

    def equ(name: str, value: int, comment: str = "") -> None:
        if name in defined:   # the assembler lets .equ redefine; a clash must fail here
            raise ValueError(f"ringvm.inc: {name} would be defined twice")
        defined.add(name)
        out.append(f".equ {name}, 0x{value:x}" + (f"    # {comment}" if comment else ""))

    equ("KSEG", kseg, "unmapped kernel window: physical = virtual - KSEG")
    equ("PAGE_SIZE", 1 << isa.page_bits)
    equ("PAGE_SHIFT", isa.page_bits)
    out.append("")
    for c in isa.causes.values():
        equ(f"CAUSE_{c.name}", c.value, c.meaning)
    equ("CAUSE_INTERRUPT", isa.cause_interrupt, "set in cause for interrupts")
    out.append("")
    for c in isa.interrupts.values():
        equ(f"IRQ_{c.name}", c.value, c.meaning)
        equ(f"IRQB_{c.name}", 1 << c.value)
    out.append("")
    for c in isa.exit_reasons.values():
        equ(f"EXIT_{c.name}", c.value, c.meaning)
    for c in isa.exit_controls.values():
        equ(f"HCTL_{c.name}", 1 << c.value, c.meaning)
    for k, v in isa.exit_access.items():
        equ(f"HQUAL_{k}", v, "hqual of a GPA_FAULT or MMIO exit")
    out.append("")
    for name, (hi, lo) in isa.status_fields.items():
        equ(f"ST_{name}", ((1 << (hi - lo + 1)) - 1) << lo)
        equ(f"ST_{name}_SHIFT", lo)
    for f in isa.tlb.flags:
        equ(f"TLB_{f.name}", 1 << f.value, f.meaning)
    equ("TLBP_NOTFOUND", isa.tlb.not_found, "tlbidx after a tlbp that matched nothing")
    out.append("")
    for d in isa.devices.values():
        up = d.name.upper()
        equ(f"{up}_BASE", d.base, d.meaning + " (physical)")
        for r in d.registers:
            equ(f"{up}_{r.name}", kseg + d.base + r.offset, r.meaning)
        if not d.like:                 # offsets, bits, values: for every instance
            for r in d.registers:
                equ(f"{up}_OFF_{r.name}", r.offset)
            for r in d.registers:
                for b in r.bits.values():
                    equ(f"{up}_{r.name}_{b.name}", 1 << b.value, f"bit {b.value}: {b.meaning}")
                for v in r.values.values():
                    equ(f"{up}_{r.name}_{v.name}", v.value, v.meaning)
        if d.descriptor:               # the structure it DMAs: size, word offsets, values
            ds = d.descriptor
            pre = f"{up}_{ds.name}"
            equ(f"{pre}_SIZE", ds.size, ds.meaning)
            for f in ds.fields.values():
                equ(f"{pre}_{f.name}", f.value, f.meaning)
            for fld, vals in ds.values.items():
                for v in vals.values():
                    equ(f"{pre}_{fld}_{v.name}", v.value, v.meaning)
        out.append("")
    equ("SECTOR_SIZE", isa.machine["disk_sector"], "bytes per disk sector")
    out.append("")
    for e in isa.events.values():
        equ(f"EV_{e.name}", e.value, e.meaning)
    out.append("")
    b = isa.boot_info
    equ("BOOTINFO", kseg + b.base, "the boot-info page (kseg), ISA.md §11")
    equ("BOOTINFO_MAGIC", b.magic, '"RVBI"')
    for f in b.header:
        equ(f"BI_{f.name}", f.offset, f.meaning)
    equ("BI_DEV_SIZE", b.device_entry_size, "bytes per device-table entry")
    for f in b.device_entry:
        equ(f"BI_DEV_{f.name}", f.offset, f.meaning)
    equ("BI_MOD_SIZE", b.module_entry_size, "bytes per module-table entry")
    for f in b.module_entry:
        equ(f"BI_MOD_{f.name}", f.offset, f.meaning)
    for k, v in b.module_flags.items():
        equ(f"BI_MODF_{k}", v)
    return "\n".join(out) + "\n"


def outputs(isa: ISATable = ISA) -> dict[Path, str]:
    return {OUTPUT: render(isa)}


def main(argv: list[str] | None = None) -> int:
    """``[--check]``: rewrite ringvm.inc if it changed, or check it."""
    return gen_common.main(outputs, argv)


if __name__ == "__main__":
    raise SystemExit(main())
