"""Generate ``native/isa_gen.h``, the C view of the ISA tables.

Run ``python -m ringvm.isa.gen_c_header`` after editing ``isa/ringvm.toml``; the test
``tests/native/test_generated_header.py`` fails if the committed header is stale.
``python -m ringvm.isa.gen_c_header --check`` exits 1 if it is stale.

The C engine (``native/core.c``) uses only these names for ISA facts. A few facts live
only in the prose of ``isa/ISA.md`` (TLB flag bits, the device window size, the
interrupt bit of ``cause``, the bit layout of device status registers); they are
emitted in a marked section at the end so the C code still never uses raw numbers.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ringvm.isa import ISA, ISATable

HEADER_NAME = "isa_gen.h"
COMMAND = "python -m ringvm.isa.gen_c_header"


def _c(name: str) -> str:
    return name.upper().replace(".", "_").replace("-", "_")


def _hex(v: int) -> str:
    return f"0x{v:X}u" if v >= 0 else str(v)


def generate(isa: ISATable = ISA) -> str:
    out: list[str] = []
    w = out.append
    w(f"/* GENERATED from isa/ringvm.toml by `{COMMAND}` -- do not edit. */")
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
    w("/* ---- status / hstatus fields: _SHIFT, _WIDTH, _MASK (in place) */")
    for name, (hi, lo) in isa.status_fields.items():
        width = hi - lo + 1
        w(f"#define STATUS_{_c(name)}_SHIFT {lo}")
        w(f"#define STATUS_{_c(name)}_WIDTH {width}")
        w(f"#define STATUS_{_c(name)}_MASK {_hex(((1 << width) - 1) << lo)}")
    w("")
    w("/* ---- exception causes */")
    for c in isa.causes.values():
        w(f"#define CAUSE_{_c(c.name)} {c.value}")
    w(f"#define CAUSE_MAX {max(c.value for c in isa.causes.values())}")
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
    w("/* ---- exit controls (hctl): HCTL_<name> is the mask, HCTL_<name>_BIT the bit */")
    for c in isa.exit_controls.values():
        w(f"#define HCTL_{_c(c.name)}_BIT {c.value}")
        w(f"#define HCTL_{_c(c.name)} (1u << {c.value})")
    w("")
    w("/* ---- exit reasons (hcause with hstatus.PV) */")
    for c in isa.exit_reasons.values():
        w(f"#define EXIT_{_c(c.name)} {c.value}")
    w(f"#define EXIT_MAX {max(c.value for c in isa.exit_reasons.values())}")
    w("#define RV_EXIT_LIST(X) \\")
    for c in isa.exit_reasons.values():
        w(f"    X({_c(c.name)}, {c.value}) \\")
    w("    /* end */")
    w("")
    w("/* ---- memory map */")
    for k, v in isa.memory.items():
        w(f"#define MEM_{_c(k)} {_hex(v)}")
    w("")
    w("/* ---- devices: DEV_<dev>_BASE, DEV_<dev>_<reg> (offset), DEV_<dev>_IRQ */")
    for d in isa.devices.values():
        dn = _c(d.name)
        w(f"#define DEV_{dn}_BASE {_hex(d.base)}")
        if d.irq:
            w(f"#define DEV_{dn}_IRQ IRQ_{_c(d.irq)}")
        for r in d.registers:
            w(f"#define DEV_{dn}_{_c(r.name)} {_hex(r.offset)}")
            w(f"#define DEV_{dn}_{_c(r.name)}_ACCESS_{r.access.upper()} 1")
    w("")
    w("/* ---- machine constants */")
    for k, v in isa.machine.items():
        w(f"#define MACHINE_{_c(k)} {v}")
    w("")
    w("/* ---- facts stated only in the prose of isa/ISA.md (kept here so the C code")
    w("        never spells a raw ISA number) */")
    w("/* ISA.md §6: TLB entry flags, tlbhi/tlblo layout, tlbp miss value */")
    for i, f in enumerate("VRWXUG"):
        w(f"#define TLBF_{f} (1u << {i})")
    w("#define TLBF_ALL 0x3Fu")
    w("#define TLBHI_ASID_MASK 0xFFu")
    w("#define TLBP_NOT_FOUND 0x80000000u")
    w("#define ASID_MASK 0xFFu")
    w("#define VMID_MASK 0xFFu")
    w("#define TLB_VPN_BITS 20")
    w("/* ISA.md §7: interrupt causes are CAUSE_INTERRUPT | line */")
    w("#define CAUSE_INTERRUPT 0x80000000u")
    w("/* ISA.md §8: the guest-physical device window [MEM_DEVICE_BASE, +size) */")
    w("#define DEVICE_WINDOW_SIZE 0x10000u")
    w("/* ISA.md §8 exit qualification of GPA_FAULT/MMIO: the access kind */")
    w("#define HQUAL_FETCH 0")
    w("#define HQUAL_LOAD 1")
    w("#define HQUAL_STORE 2")
    w("/* ringvm.toml device register meanings: bit layouts */")
    w("#define UART_STATUS_RXREADY (1u << 0)")
    w("#define UART_STATUS_TXREADY (1u << 1)")
    w("#define UART_STATUS_EOF (1u << 2)")
    w("#define UART_CTRL_RXIE (1u << 0)")
    w("#define UART_CTRL_TXIE (1u << 1)")
    w("#define UART_DATA_NONE 0xFFFFFFFFu")
    w("#define TIMER_CTRL_ENABLE (1u << 0)")
    w("")
    w("#endif /* RINGVM_ISA_GEN_H */")
    return "\n".join(out) + "\n"


def header_path() -> Path:
    """Where the committed header lives (native/ next to isa/, or the installed copy)."""
    return Path(__file__).resolve().parent.parent / "native" / HEADER_NAME


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = generate()
    path = Path(argv[argv.index("-o") + 1]) if "-o" in argv else header_path()
    if "--check" in argv:
        ok = path.exists() and path.read_text() == text
        print(f"{path}: {'up to date' if ok else 'STALE'}")
        return 0 if ok else 1
    path.write_text(text)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
