"""Every ISA fact is written once, in isa/ringvm.toml: the engines, their clients and
the generators read it from the table (``ringvm.isa.ISA``) or from the generated C
header, and never spell it again. This test greps the hand-written code for the
spellings those facts used to have (DESIGN.md principle 1), and proves that the grep
is not vacuous.

Scanned: ``emulator/**/*.py``, ``native/*.c``, ``native/internal.h``,
``native/api.h`` and the generators ``isa/gen_*.py``. Not scanned: the TOML and the
loader (where the facts live), the generated files, tests and guests.
"""
from __future__ import annotations

import fnmatch
import io
import re
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def scanned_files() -> list[Path]:
    files = sorted((ROOT / "emulator").rglob("*.py"))
    files += sorted((ROOT / "native").glob("*.c"))
    files += [ROOT / "native" / "internal.h", ROOT / "native" / "api.h"]
    files += sorted((ROOT / "isa").glob("gen_*.py"))
    return [f for f in files if "__pycache__" not in f.parts]


#: (regex, the fact it spells, glob of the files it applies to)
RULES: list[tuple[str, str, str]] = [
    # the TLB entry
    (r"VRWXUG", "the TLB flag order (ISA.tlb.flag_names)", "*"),
    (r"\b0x3[fF]u?\b", "the TLB flags mask (ISA.tlb.flags_mask, TLBF_ALL)", "*"),
    (r"\b0x[fF]{5}\b", "a 20-bit VPN/PFN mask (ISA.tlb.vpn_mask, pfn_mask)", "*"),
    (r"(?i)(asid|vmid)\w*\W.*&\s*0xff\b|&\s*0xff\b.*(asid|vmid)",
     "an 8-bit ASID/VMID mask (ISA.tlb.asid_mask, vmid_mask, ASID_MASK)", "*"),
    (r"(?i)(TLB_?P?_?NOT_?FOUND|INT_BIT|CAUSE_INTERRUPT)\W+0x8000_?0000",
     "bit 31 of tlbidx / cause (ISA.tlb.not_found, ISA.cause_interrupt)", "*"),
    (r"0x8000_?0000", "bit 31 of tlbidx / cause in a generator", "isa/gen_*.py"),
    (r"(?i)tlb(hi|lo)\W.*(>>|<<)\s*12\b|(>>|<<)\s*12\b.*tlb(hi|lo)",
     "the VPN/PFN position in tlbhi/tlblo (TLB_VPN_SHIFT, ISA.tlb.vpn_shift)", "*"),
    (r"t_flags\[\w+\]\s*&\s*\d", "a TLB flag as a number (TLB_G, TLB_V, ...)", "*"),
    # CSR writable masks
    (r"~0xFFF\b|WRITABLE_H?STATUS\s*=", "a CSR writable mask (csr `writable`)", "*"),
    (r"\b(v|value)\s*&=(?!\s*(mask|hyp_wmask\[\w+\(n\)\])\s*;?$)",
     "a CSR write masked by hand, not by the writable table", "*csr.*"),
    # exit controls -> exit reasons
    (r"EXIT_FOR_CONTROL\s*=\s*\{", "the exit reason of each exit control", "*"),
    (r"case\s+HCTL_\w+\s*:\s*return", "the exit reason of an exit control", "*"),
    # name maps rebuilt from the table
    (r"\{\s*\w+\.value\s*:\s*\w+\.name\s+for\s+\w+\s+in\s+ISA\.",
     "a number -> name map (ISA.cause_names, line_names, exit_reason_names, ...)", "*"),
    # device register bits and values
    (r"\b(ST_\w+|CMD_\w+)(\s*,\s*\w+)*\s*=\s*\d", "a disk STATUS/CMD value", "*"),
    (r"\b(UART_(STATUS|CTRL|DATA)_\w+|TIMER_CTRL_ENABLE)\b",
     "a hand-written device bit (DEV_<dev>_<reg>_<bit> from the table)", "*"),
    (r"ctrl\s*&\s*[1-7]\b|\bvalue\s*&\s*[1-7]\b|return\s*\(1 if \w+ else 0\)\s*\|\s*2",
     "a device register bit as a number", "emulator/*"),
    # generators: every value comes from the table
    (r"""w\(\s*["']#define\s+\w+\s+(\(?[0-9]|0x)""",
     "a #define with a literal value in the C header generator", "isa/gen_*.py"),
    (r"""equ\(\s*["']\w+["']\s*,\s*(0x[0-9a-fA-F_]+|\d+)\s*[,)]""",
     "a literal value in the guest include generator", "isa/gen_*.py"),
    (r"""[(\[]\s*(["'][A-Z_]+["']\s*,\s*){2,}|enumerate\(\s*["']""",
     "a list of ISA names spelled in a generator", "isa/gen_*.py"),
]


def _applies(path: Path, pattern: str) -> bool:
    """Whether a rule's file pattern (fnmatch: ``*`` spans folders) covers ``path``."""
    return fnmatch.fnmatch(path.relative_to(ROOT).as_posix(), pattern)


def _without_comments(text: str) -> list[str]:
    """The lines of Python source ``text`` with their comments blanked out."""
    lines = text.splitlines()
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.COMMENT:
            (row, col), _ = tok.start, tok.end
            lines[row - 1] = lines[row - 1][:col]
    return lines


def violations(files: list[Path] | None = None) -> list[str]:
    """``file:line: text -- the fact`` for every hand-written spelling of an ISA fact."""
    out = []
    for path in files if files is not None else scanned_files():
        rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
        text = path.read_text()
        codes = _without_comments(text) if path.suffix == ".py" else \
            [re.sub(r"/\*.*?\*/|//.*$", "", line) for line in text.splitlines()]
        for n, (line, code) in enumerate(zip(text.splitlines(), codes), 1):
            for regex, fact, scope in RULES:
                if not _applies(path, scope) or not re.search(regex, code):
                    continue
                out.append(f"{rel}:{n}: {line.strip()}  -- {fact}")
    return out


def test_no_isa_fact_is_spelled_outside_the_table():
    bad = violations()
    assert not bad, ("ISA facts written outside isa/ringvm.toml (read them from ISA or "
                     "isa_gen.h):\n" + "\n".join(bad))


def test_the_scan_covers_the_engines_the_clients_and_the_generators():
    names = {p.relative_to(ROOT).as_posix() for p in scanned_files()}
    for must in ("emulator/engine/python/exec.py", "emulator/engine/native.py",
                 "emulator/debugger/view.py", "emulator/machine/trace.py",
                 "emulator/devices/disk.py", "native/csr.c", "native/internal.h",
                 "native/api.h", "isa/gen_c_header.py", "isa/gen_asm_inc.py"):
        assert must in names


def test_the_grep_sees_planted_spellings(tmp_path, monkeypatch):
    """The check is not vacuous: each old spelling, planted in a scanned place, fails."""
    planted = {
        "emulator/engine/python/exec.py": [
            "        cpu.tlb_set(i, b.tlbhi >> 12, b.tlbhi & 0xFF, v, b.tlblo >> 12, b.tlblo & 0x3F)",
            "TLB_NOT_FOUND = 0x8000_0000",
            'EXIT_FOR_CONTROL = {"CSR": EXIT["CSR"]}',
        ],
        "emulator/debugger/view.py": ['TLB_FLAGS = "VRWXUG"',
                                      "CAUSE_NAMES = {n.value: n.name for n in ISA.causes.values()}"],
        "emulator/devices/disk.py": ["ST_IDLE, ST_BUSY, ST_DONE, ST_ERROR = 0, 1, 2, 3"],
        "emulator/engine/python/csr.py": ["        value &= 0xFF"],
        "emulator/engine/python/devices.py": ["        u.ctrl = value & 3"],
        "emulator/engine/python/mmu.py": ["    if t_vmid[i] == vmid and (t_flags[i] & 32 or ok):"],
        "native/csr.c": ["    v &= STATUS_IE_MASK | STATUS_PIE_MASK;",
                         "    case HCTL_SENS: return EXIT_SENSITIVE;"],
        "isa/gen_c_header.py": ['    w("#define TLBP_NOT_FOUND 0x80000000u")'],
        "isa/gen_asm_inc.py": ['TLB_FLAGS = ("V", "R", "W", "X", "U", "G")',
                               '    for i, f in enumerate("VRWXUG"):',
                               '    equ("TLBP_NOTFOUND", 0x8000_0000)'],
    }
    fakes = []
    for rel, lines in planted.items():
        fake = tmp_path / rel
        fake.parent.mkdir(parents=True, exist_ok=True)
        fake.write_text("\n".join(lines) + "\n")
        fakes.append(fake)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    found = violations(fakes)
    flagged = {(f.split(":")[0], int(f.split(":")[1])) for f in found}
    for rel, lines in planted.items():
        for n in range(1, len(lines) + 1):
            assert (rel, n) in flagged, f"not caught: {rel}: {lines[n - 1]}"
