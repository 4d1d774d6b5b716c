"""Generate ``native/isa_gen.h``, the C view of the ISA tables.

``python -m ringvm.isa`` regenerates it (with the manual's tables and the guests'
``ringvm.inc``) after an edit of ``isa/ringvm.toml``; ``--check`` exits 1 if it is
stale, and ``tests/native/test_generated_header.py`` fails then.

The C engine (``native/*.c``) uses only these names for ISA facts: opcodes and decode
pairs, CSR numbers, fields and writable masks, causes, lines, exit controls with the
exit reason each causes, the TLB entry, device registers with their bits and values,
the memory map. Every number below comes from the TOML.
"""
from __future__ import annotations

from pathlib import Path

from ringvm.isa import ISA, ISATable

from . import gen_common

HEADER_NAME = "isa_gen.h"


def _c(name: str) -> str:
    return name.upper().replace(".", "_").replace("-", "_")


def _hex(v: int) -> str:
    return f"0x{v:X}u" if v >= 0 else str(v)


def _explicit_fields(isa: ISATable) -> dict[str, dict[str, tuple[int, int]]]:
    """CSR name -> the fields its TOML row lists itself (not those it takes from
    status_fields, the interrupt lines or the exit controls, nor tlblo's TLB flags:
    those have their own names below)."""
    out = {}
    for d in isa.raw["csr"]:
        spec = d.get("fields")
        if isinstance(spec, dict):
            out[d["name"]] = {k: isa.csrs[d["name"]].fields[k] for k in spec}
    return out


def generate(isa: ISATable = ISA) -> str:
    out: list[str] = []
    defined: set[str] = set()

    def w(line: str) -> None:
        if line.startswith("#define "):
            name = line.split()[1].split("(")[0]
            if name in defined:   # a clash of generated names must fail here, not in cc
                raise ValueError(f"{HEADER_NAME}: {name} would be defined twice")
            defined.add(name)
        out.append(line)

    w(f"/* GENERATED from {gen_common.SOURCE} by `{gen_common.COMMAND}` -- do not edit. */")
    w("#ifndef RINGVM_ISA_GEN_H")
    w("#define RINGVM_ISA_GEN_H")
    w("")
    w("/* ---- machine shape */")
    w(f"#define ISA_WORD_BITS {isa.raw['word_bits']}")
    w(f"#define PAGE_BITS {isa.page_bits}")
    w(f"#define PAGE_SIZE {_hex(1 << isa.page_bits)}")
    w(f"#define PAGE_MASK {_hex((1 << isa.page_bits) - 1)}")
    w(f"#define ELF_MACHINE {_hex(isa.elf_machine)}")
    w(f"#define ELF_FLAG_BOOT_HYPERVISOR {isa.raw['elf_flag_boot_hypervisor']}")
    w(f"#define REG_COUNT {isa.raw['registers']['count']}")
    w(f"#define REG_LINK {isa.raw['registers']['link']}")
    levels = isa.raw["rings"]["levels"]
    w(f"#define RING_MOST_PRIVILEGED ({levels[0]})")
    w(f"#define RING_LEAST_PRIVILEGED ({levels[-1]})")
    w(f"#define RING_HYPERVISOR ({levels[0]})")
    w(f"#define RING_KERNEL ({levels[1]})")
    w(f"#define RING_COUNT {len(levels)}")
    w("")
    w("/* ---- instruction formats: FIELD_<format>_<field>_SHIFT / _WIDTH */")
    for fname, fields in isa.formats.items():
        for field, (hi, lo) in fields.items():
            w(f"#define FIELD_{fname}_{_c(field)}_SHIFT {lo}")
            w(f"#define FIELD_{fname}_{_c(field)}_WIDTH {hi - lo + 1}")
    w("")
    w("/* ---- immediates */")
    for name, imm in isa.immediates.items():
        w(f"#define IMM_{_c(name)}_BITS {imm.bits}")
    w("")
    w("/* ---- instructions: OP_/FUNCT_ (fixed fields), MASK_/MATCH_ (decode pair),")
    w("        RING_ (least privileged ring allowed), EXITCTL_ (hctl mask that makes it")
    w("        a VM exit in guest ring 0, 0 = none), SENSITIVE_ */")
    for mn, ins in isa.instructions.items():
        n = _c(mn)
        w(f"/* {mn} ({ins.format}, {ins.cls}): {ins.meaning} */")
        w(f"#define OP_{n} {_hex(ins.fixed.get('op', 0))}")
        if "funct" in ins.fields and "funct" not in ins.operand_fields:
            w(f"#define FUNCT_{n} {_hex(ins.fixed.get('funct', 0))}")
        w(f"#define MASK_{n} {_hex(ins.mask)}")
        w(f"#define MATCH_{n} {_hex(ins.match)}")
        w(f"#define RING_{n} ({ins.ring})")
        if ins.exit:
            w(f"#define EXITCTL_{n} HCTL_{_c(ins.exit)}")
        else:
            w(f"#define EXITCTL_{n} 0u")
        w(f"#define SENSITIVE_{n} {1 if ins.sensitive else 0}")
    w("")
    _csrs(isa, w, levels)
    w("")
    w("/* ---- status / hstatus fields: _SHIFT, _WIDTH, _MASK (in place) */")
    for name, (hi, lo) in isa.status_fields.items():
        width = hi - lo + 1
        w(f"#define STATUS_{_c(name)}_SHIFT {lo}")
        w(f"#define STATUS_{_c(name)}_WIDTH {width}")
        w(f"#define STATUS_{_c(name)}_MASK {_hex(((1 << width) - 1) << lo)}")
    w("")
    _tlb(isa, w)
    w("")
    w("/* ---- exception causes; a cause word with CAUSE_INTERRUPT set is an interrupt,")
    w("        the line in the cause CODE field */")
    for c in isa.causes.values():
        w(f"#define CAUSE_{_c(c.name)} {c.value}")
    w(f"#define CAUSE_MAX {max(c.value for c in isa.causes.values())}")
    w("#define CAUSE_INTERRUPT CSR_CAUSE_INTERRUPT_MASK")
    w("#define RV_CAUSE_LIST(X) \\")
    for c in isa.causes.values():
        w(f"    X({_c(c.name)}, {c.value}) \\")
    w("    /* end */")
    w("")
    w("/* ---- interrupt lines */")
    for c in isa.interrupts.values():
        w(f"#define IRQ_{_c(c.name)} {c.value}")
    w(f"#define IRQ_MAX {max(c.value for c in isa.interrupts.values())}")
    w("#define RV_IRQ_LIST(X) \\")
    for c in isa.interrupts.values():
        w(f"    X({_c(c.name)}, {c.value}) \\")
    w("    /* end */")
    w("")
    w("/* ---- exit reasons (hcause with hstatus.PV) */")
    for c in isa.exit_reasons.values():
        w(f"#define EXIT_{_c(c.name)} {c.value}")
    w(f"#define EXIT_MAX {max(c.value for c in isa.exit_reasons.values())}")
    w("#define RV_EXIT_LIST(X) \\")
    for c in isa.exit_reasons.values():
        w(f"    X({_c(c.name)}, {c.value}) \\")
    w("    /* end */")
    w("/* hqual of a GPA_FAULT or MMIO exit: the access (exit_access) */")
    for k, v in isa.exit_access.items():
        w(f"#define HQUAL_{_c(k)} {v}")
    w("")
    w("/* ---- exit controls (hctl): HCTL_<name> is the mask, HCTL_<name>_BIT the bit,")
    w("        HCTL_<name>_REASON the exit reason of the VM exit it causes (if any) */")
    for c in isa.exit_controls.values():
        w(f"#define HCTL_{_c(c.name)}_BIT {c.value}")
        w(f"#define HCTL_{_c(c.name)} (1u << {c.value})")
        if c.reason:
            w(f"#define HCTL_{_c(c.name)}_REASON EXIT_{_c(c.reason)}")
    w("/* X-macro over the controls that cause an exit: X(NAME, bit, REASON) */")
    w("#define RV_EXIT_CONTROL_LIST(X) \\")
    for c in isa.exit_controls.values():
        if c.reason:
            w(f"    X({_c(c.name)}, {c.value}, {_c(c.reason)}) \\")
    w("    /* end */")
    w("")
    w("/* ---- memory map (the device window: [MEM_DEVICE_BASE, +MEM_DEVICE_WINDOW)) */")
    for k, v in isa.memory.items():
        w(f"#define MEM_{_c(k)} {_hex(v)}")
    w("")
    _devices(isa, w)
    w("")
    w("/* ---- machine constants */")
    for k, v in isa.machine.items():
        w(f"#define MACHINE_{_c(k)} {v}")
    w("")
    w("#endif /* RINGVM_ISA_GEN_H */")
    return "\n".join(out) + "\n"


def _csrs(isa: ISATable, w, levels) -> None:
    w("/* ---- control registers: CSR_<name> number, _RING, _RO (access r), _BANKED */")
    csrs = sorted(isa.csrs.values(), key=lambda c: c.number)
    for c in csrs:
        n = _c(c.name)
        w(f"#define CSR_{n} {_hex(c.number)}")
        w(f"#define CSR_{n}_RING ({c.ring})")
        w(f"#define CSR_{n}_RO {1 if c.access == 'r' else 0}")
        w(f"#define CSR_{n}_BANKED {1 if c.banked else 0}")
    banked = [c for c in csrs if c.banked]
    aliases = [c for c in csrs if c.guest_alias]
    hyper = [c for c in csrs if c.ring == levels[0] and not c.guest_alias]
    if aliases:
        w(f"#define CSR_GUEST_ALIAS_OFFSET {_hex(aliases[0].number - aliases[0].alias_of)}")
    w(f"#define CSR_BANK_FIRST {_hex(banked[0].number)}")
    w(f"#define CSR_BANK_COUNT {len(banked)}")
    w(f"#define CSR_HYP_FIRST {_hex(hyper[0].number)}")
    w(f"#define CSR_HYP_COUNT {len(hyper)}")
    w("/* X-macro over every architectural CSR (no guest aliases):")
    w("   X(NAME, number, ring, read_only, banked) */")
    w("#define RV_CSR_LIST(X) \\")
    for c in csrs:
        if c.guest_alias:
            continue
        w(f"    X({_c(c.name)}, {_hex(c.number)}, ({c.ring}), {1 if c.access == 'r' else 0}, "
          f"{1 if c.banked else 0}) \\")
    w("    /* end */")
    w("")
    w("/* ---- CSR fields (csr `fields`): CSR_<name>_<field>_SHIFT, _WIDTH, _MASK (in place) */")
    for name, fields in _explicit_fields(isa).items():
        for f, (hi, lo) in fields.items():
            p = f"CSR_{_c(name)}_{_c(f)}"
            w(f"#define {p}_SHIFT {lo}")
            w(f"#define {p}_WIDTH {hi - lo + 1}")
            w(f"#define {p}_MASK {_hex(((1 << (hi - lo + 1)) - 1) << lo)}")
    w("")
    w("/* ---- CSR writable masks (csr `writable`, `writable_host`): a write stores")
    w("        value & mask; a copy whose mask is 0 ignores writes. Banked CSRs have one")
    w("        mask per copy (_WMASK_HOST, _WMASK_GUEST; g<name> writes the guest copy),")
    w("        the others one (_WMASK). */")
    arch = [c for c in csrs if not c.guest_alias]
    for c in arch:
        n = _c(c.name)
        if c.banked:
            w(f"#define CSR_{n}_WMASK_HOST {_hex(c.writable_host)}")
            w(f"#define CSR_{n}_WMASK_GUEST {_hex(c.writable)}")
        else:
            w(f"#define CSR_{n}_WMASK {_hex(c.writable)}")
    w("/* initialisers of tables indexed by number - CSR_BANK_FIRST / - CSR_HYP_FIRST */")
    for what, rows, suffix, first in (
            ("CSR_BANK_WMASK_HOST_INIT", banked, "_WMASK_HOST", "CSR_BANK_FIRST"),
            ("CSR_BANK_WMASK_GUEST_INIT", banked, "_WMASK_GUEST", "CSR_BANK_FIRST"),
            ("CSR_HYP_WMASK_INIT", hyper, "_WMASK", "CSR_HYP_FIRST")):
        w(f"#define {what} {{ \\")
        for c in rows:
            n = _c(c.name)
            w(f"    [CSR_{n} - {first}] = CSR_{n}{suffix}, \\")
        w("}")


def _tlb(isa: ISATable, w) -> None:
    t = isa.tlb
    w("/* ---- the TLB entry ([tlb], fields of tlbhi/tlblo/tlbidx/asid/hvmid): flags")
    w("        TLBF_<flag> (bits of tlblo and of an entry's flags), VPN/PFN/ASID/VMID */")
    for f in t.flags:
        w(f"#define TLBF_{_c(f.name)} (1u << {f.value})   /* {f.meaning} */")
    w(f"#define TLBF_ALL {_hex(t.flags_mask)}")
    w("#define TLB_VPN_SHIFT CSR_TLBHI_VPN_SHIFT")
    w("#define TLB_VPN_BITS CSR_TLBHI_VPN_WIDTH")
    w("#define TLB_PFN_SHIFT CSR_TLBLO_PFN_SHIFT")
    w("#define TLB_PFN_BITS CSR_TLBLO_PFN_WIDTH")
    w("#define TLBHI_ASID_MASK CSR_TLBHI_ASID_MASK")
    w("#define ASID_MASK CSR_ASID_ASID_MASK")
    w("#define VMID_MASK CSR_HVMID_VMID_MASK")
    w("#define TLBP_NOT_FOUND CSR_TLBIDX_NOT_FOUND_MASK")


def _devices(isa: ISATable, w) -> None:
    w("/* ---- devices: DEV_<dev>_BASE, DEV_<dev>_<reg> (offset), DEV_<dev>_IRQ;")
    w("        register bits DEV_<dev>_<reg>_<bit> (mask) and _<bit>_BIT, and values")
    w("        DEV_<dev>_<reg>_<value> (for the first device of a kind) */")
    for d in isa.devices.values():
        dn = _c(d.name)
        w(f"#define DEV_{dn}_BASE {_hex(d.base)}")
        if d.irq:
            w(f"#define DEV_{dn}_IRQ IRQ_{_c(d.irq)}")
        for r in d.registers:
            rn = f"DEV_{dn}_{_c(r.name)}"
            w(f"#define {rn} {_hex(r.offset)}")
            w(f"#define {rn}_ACCESS_{r.access.upper()} 1")
            if d.like:
                continue
            for b in r.bits.values():
                w(f"#define {rn}_{_c(b.name)} (1u << {b.value})   /* {b.meaning} */")
                w(f"#define {rn}_{_c(b.name)}_BIT {b.value}")
            for v in r.values.values():
                w(f"#define {rn}_{_c(v.name)} {_hex(v.value)}   /* {v.meaning} */")
        if d.descriptor:
            ds = d.descriptor
            pre = f"DEV_{dn}_{_c(ds.name)}"
            w(f"#define {pre}_SIZE {ds.size}   /* {ds.meaning} */")
            for f in ds.fields.values():
                w(f"#define {pre}_{_c(f.name)} {_hex(f.value)}")
            for fld, vals in ds.values.items():
                for v in vals.values():
                    w(f"#define {pre}_{_c(fld)}_{_c(v.name)} {_hex(v.value)}")


def header_path() -> Path:
    """Where the committed header lives (native/ next to isa/, or the installed copy)."""
    return Path(__file__).resolve().parent.parent / "native" / HEADER_NAME


def outputs(isa: ISATable = ISA) -> dict[Path, str]:
    return {header_path(): generate(isa)}


def main(argv: list[str] | None = None) -> int:
    """``[--check]``: write the header if it changed (``wrote PATH``), or check it."""
    return gen_common.main(outputs, argv)


if __name__ == "__main__":
    raise SystemExit(main())
