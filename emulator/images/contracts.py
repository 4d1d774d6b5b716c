"""The contracts of the shared components in ``guests/lib``: each file's header
(Concept / Provides / Needs / Parameters) and, from its source, the symbols it defines
and uses — checked against each other by ``tests/guests/test_contracts.py``, and
rendered as the index of ``guests/lib/README.md`` (``ringvm generate``), the role xv6's
``defs.h`` plays.

The source scan is deliberately simple (the assembler's syntax is regular): comments and
string/char literals are dropped, the first word of a statement (instruction, pseudo,
directive or macro) is skipped, and every other identifier is a use — minus registers,
CSR names, the generated ISA and ABI constants, macro parameters and local labels."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ringvm.isa import ISA

from .cache import lib_dir

IDENT = re.compile(r"(?<![\w.$\\%'])[A-Za-z_.$][\w.$]*")
LABEL = re.compile(r"^\s*([A-Za-z_.$][\w.$]*|\d+)\s*:")
EQU = re.compile(r"^\s*\.(?:equ|set|equiv)\s+([A-Za-z_.$][\w.$]*)\s*,|^\s*([A-Za-z_.$][\w.$]*)\s*=")
MACRO = re.compile(r"^\s*\.macro\s+([A-Za-z_.$][\w.$]*)")


def _inc_names(name: str) -> set[str]:
    text = (lib_dir() / name).read_text()
    return {m.group(1) for m in re.finditer(r"^\.equ\s+(\w+)", text, re.M)}


def known_constants() -> set[str]:
    """Names every guest may use without listing them: registers, CSRs, and the
    generated ISA (ringvm.inc), ABI (abi.inc) and hypercall ABI (hypercall.inc)
    constants."""
    return (set(ISA.registers) | set(ISA.csrs) | _inc_names("ringvm.inc")
            | _inc_names("abi.inc") | _inc_names("hypercall.inc"))


@dataclass
class Component:
    """One component: its ``path``; the header's ``title`` (first line), ``concept``
    (the Concept paragraph), ``provides``, ``needs`` (symbols and ``.inc`` files) and
    ``parameters`` (names, each with a default the kernel may override by a define);
    from the source, the symbols it ``defined``, the ``macros`` it defines, the
    statement words it ``invoked`` (instructions, directives, macros) and the
    identifiers it ``used``."""
    path: Path
    title: str = ""
    concept: str = ""
    provides: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    parameters: list[str] = field(default_factory=list)
    has_concept: bool = False
    defined: set[str] = field(default_factory=set)
    macros: set[str] = field(default_factory=set)
    invoked: set[str] = field(default_factory=set)
    used: set[str] = field(default_factory=set)


def _header_list(lines: list[str], key: str) -> list[str] | None:
    for i, ln in enumerate(lines):
        if ln.startswith(f"# {key}:"):
            text = ln.split(":", 1)[1]
            for more in lines[i + 1:]:
                if not more.startswith("#   "):
                    break
                text += " " + more[1:]
            text = re.sub(r"\([^)]*\)", "", text)          # drop "(a0 = ...)" notes
            items = [x.strip() for x in re.split(r"[,;]", text)]
            names = [re.match(r"[A-Za-z_.$][\w.$]*", x) for x in items
                     if x and not x.startswith("nothing")]
            return [m.group(0) for m in names if m]
    return None


def read_component(path: Path) -> Component:
    text = path.read_text()
    head = []
    for ln in text.splitlines():
        if not ln.startswith("#"):
            break
        head.append(ln)
    c = Component(path, has_concept=any(ln.startswith("# Concept:") for ln in head))
    if head:
        title = head[0].lstrip("# ").split("—", 1)[-1]
        c.title = re.sub(r"\s*\([^)]*\)\.?\s*$|\.\s*$", "", title.strip())
    for i, ln in enumerate(head):
        if ln.startswith("# Concept:"):
            para = [ln[len("# Concept:"):].strip()]
            for more in head[i + 1:]:
                if more.strip() in ("#", "") or re.match(r"# [A-Z][a-z]+:", more):
                    break
                para.append(more[1:].strip())
            c.concept = " ".join(para)
    c.provides = _header_list(head, "Provides") or []
    c.needs = _header_list(head, "Needs")
    c.parameters = _header_list(head, "Parameters") or []
    body = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    body = re.sub(r"'(?:\\.|[^'\\])'", "0", body)
    mnemonics = set(ISA.instructions) | set(ISA.pseudos)
    in_macro_params: set[str] = set()
    for raw in body.splitlines():
        line = re.split(r"#|//", raw, maxsplit=1)[0]
        m = MACRO.match(line)
        if m:
            c.macros.add(m.group(1))
            in_macro_params = set(re.findall(r"[A-Za-z_]\w*", line[m.end():]))
            continue
        if line.strip().startswith(".endm"):
            in_macro_params = set()
            continue
        m = EQU.match(line)
        if m:
            c.defined.add(m.group(1) or m.group(2))
            line = line[m.end():]
        while True:
            m = LABEL.match(line)
            if not m:
                break
            if not m.group(1).isdigit():
                c.defined.add(m.group(1))
            line = line[m.end():]
        words = line.split(None, 1)
        if not words:
            continue
        first, rest = words[0], (words[1] if len(words) > 1 else "")
        c.invoked.add(first)
        if first in (".include", ".incbin", ".section"):
            continue
        if not (first.startswith(".") or first in mnemonics or first in c.macros
                or first.isupper()):
            rest = line                          # not a statement word: scan it all
        for tok in IDENT.findall(rest):
            if tok not in in_macro_params and not re.fullmatch(r"\d+[fb]", tok):
                c.used.add(tok)
    return c


def components() -> list[Component]:
    """Every shared component (``guests/lib/<subsystem>/*.s`` and ``*.inc``)."""
    return [read_component(p) for p in sorted(lib_dir().glob("*/*"))
            if p.suffix in (".s", ".inc")]


#: subsystem folders of guests/lib, in the order the index lists them
SUBSYSTEMS = {"base": "boot and printing, the C string library",
              "mm": "memory: physical pages, TLB refill",
              "trap": "trap frames and context switch",
              "dev": "device drivers",
              "fs": "file system",
              "ring": "descriptor rings",
              "hv": "hypervisor helpers"}


def render_index() -> str:
    """The component index of ``guests/lib/README.md``: one table per subsystem, one
    row per component with what it provides and what it needs."""
    out = []
    by_dir: dict[str, list[Component]] = {}
    for c in components():
        by_dir.setdefault(c.path.parent.name, []).append(c)
    for d in sorted(by_dir, key=lambda d: list(SUBSYSTEMS).index(d)
                    if d in SUBSYSTEMS else 99):
        out += [f"### `{d}/` — {SUBSYSTEMS.get(d, d)}", "",
                "| component | what it is | provides | needs |", "|---|---|---|---|"]
        for c in by_dir[d]:
            params = "; parameters: " + ", ".join(c.parameters) if c.parameters else ""
            out.append(f"| `{d}/{c.path.name}` | {c.title} | {', '.join(c.provides)} | "
                       f"{', '.join(c.needs or []) or 'nothing'}{params} |")
        out.append("")
    return "\n".join(out).rstrip()


def unresolved(c: Component, known: set[str]) -> set[str]:
    """Symbols ``c`` uses that it neither defines nor may take for granted."""
    return {u for u in c.used - c.defined - known
            if not u.startswith(("%hi", "%lo")) and u not in ("hi", "lo")}


_MARK = re.compile(r"(<!-- BEGIN GENERATED index -->\n).*?(<!-- END GENERATED index -->)",
                   re.S)


def outputs() -> dict[Path, str]:
    """``guests/lib/README.md`` with a fresh index between its markers."""
    readme = lib_dir() / "README.md"
    text = readme.read_text()
    fresh = _MARK.sub(lambda m: m.group(1) + "<!-- GENERATED from the component headers by "
                      "`ringvm generate`; do not edit -->\n" + render_index() + "\n"
                      + m.group(2), text)
    return {readme: fresh}
