"""The hypercall ABI table (``guests/xen/hypercalls.toml``) and everything generated from
it — the sibling of :mod:`.abi` (the system-call ABI), written the same way:

==============================  ==========================================================
``guests/lib/hypercall.inc``    ``HC_<NAME>``, ``NHYPERCALLS``, ``XEN_E<NAME>`` errors,
                                ``<PREFIX>_<FIELD>`` struct offsets and ``<STRUCT>_SIZE``,
                                the constants — for the hypervisor and its guests
``guests/lib/pv/hcall.s``       the guests' stub library: ``HYPERVISOR_<name>``
``guests/xen/hctable.s``        the hypervisor's dispatch table (``do_<name>``)
``guests/xen/README.md``        the table between ``<!-- BEGIN GENERATED hypercalls -->``
                                and ``<!-- END GENERATED hypercalls -->``
==============================  ==========================================================

``python -m ringvm.emulator.images.hypercalls [--check]`` (or ``ringvm generate``) rewrites
them. Tests and the debugger (``catch hypercall NAME``) read the table through
:func:`table`, :func:`hypercall_name` and :func:`hypercall_number`.
"""
from __future__ import annotations

import functools
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ringvm.errors import UserError
from ringvm.isa.gen_common import sync

from .abi import Field, Struct, calls_markdown, dispatch_table, markdown_row
from .cache import guests_dir

HEADER = "GENERATED from guests/xen/hypercalls.toml by `ringvm generate`; do not edit."


@dataclass(frozen=True)
class Hypercall:
    """One hypercall: ``number`` (a7), ``name``, ``args`` (descriptions, a0..a5), what
    it ``returns``, the ``errors`` it can give (error names, with a note) and whether
    only Dom0 may make it (``dom0``, from the returns text)."""
    number: int
    name: str
    args: tuple[str, ...]
    returns: str
    errors: tuple[str, ...]

    @property
    def handler(self) -> str:
        """The hypervisor's handler symbol: ``do_<name>`` (Xen's naming)."""
        return f"do_{self.name}"

    @property
    def stub(self) -> str:
        """The guests' stub: ``HYPERVISOR_<name>`` (Linux's naming)."""
        return f"HYPERVISOR_{self.name}"


@dataclass(frozen=True)
class HypercallTable:
    """The parsed table: ``calls`` by name (in number order), ``errno`` name -> (value,
    message), ``structs`` by name, ``constants`` name -> (value, meaning), and the
    calling ``convention``."""
    convention: str
    calls: dict[str, Hypercall]
    errno: dict[str, tuple[int, str]]
    structs: dict[str, Struct]
    constants: dict[str, tuple[int, str]]

    def num(self, name: str) -> int:
        """The number of hypercall ``name``."""
        return self.calls[name].number

    def err(self, name: str) -> int:
        return self.errno[name][0]


def table_path() -> Path:
    return guests_dir() / "xen" / "hypercalls.toml"


def load(path: Path | None = None) -> HypercallTable:
    """Parse and check the table: numbers 1..N without gaps or repeats, error names
    defined, struct fields inside their struct and not overlapping. Raises
    :class:`UserError` naming the problem."""
    path = path or table_path()
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise UserError(f"{path}: {e}") from None
    try:
        calls = sorted((Hypercall(c["number"], c["name"], tuple(c.get("args", [])),
                                  c["returns"], tuple(c.get("errors", [])))
                        for c in data["hypercall"]), key=lambda c: c.number)
        errno = {k: (v[0], v[1]) for k, v in data["errno"].items()}
        raw_structs = data.get("struct", [])
        constants = {k: (v[0], v[1]) for k, v in data.get("constants", {}).items()}
        convention = data["convention"]
    except (KeyError, TypeError, IndexError) as e:
        raise UserError(f"{path}: malformed table ({e})") from None
    if [c.number for c in calls] != list(range(1, len(calls) + 1)):
        raise UserError(f"{path}: hypercall numbers must be 1..{len(calls)}, each once")
    for c in calls:
        for e in c.errors:
            if e.split()[0] not in errno:
                raise UserError(f"{path}: {c.name}: unknown error {e.split()[0]}")
    structs = {}
    for s in raw_structs:
        fields = tuple(Field(f["name"], f["offset"], f["type"], f["meaning"])
                       for f in s["fields"])
        end = 0
        for f in sorted(fields, key=lambda f: f.offset):
            if f.offset < end or f.offset + f.size > s["size"]:
                raise UserError(f"{path}: struct {s['name']}: field {f.name} overlaps "
                                f"or lies outside the struct")
            end = f.offset + f.size
        structs[s["name"]] = Struct(s["name"], s["prefix"], s["size"], s["meaning"], fields)
    return HypercallTable(convention, {c.name: c for c in calls}, errno, structs, constants)


# ---------------------------------------------------------------- emitters

def render_inc(t: HypercallTable) -> str:
    """``guests/lib/hypercall.inc``."""
    out = [f"# {HEADER}", "# The hypercall ABI (guests/xen/hypercalls.toml): numbers, errors, "
           "structs, constants.", ""]
    names: set[str] = set()

    def equ(name, value, comment=""):
        if name in names:
            raise UserError(f"hypercalls.toml: {name} is defined twice")
        names.add(name)
        out.append(f".equ {name}, 0x{value & 0xFFFFFFFF:x}" + (f"    # {comment}" if comment else ""))
    for c in t.calls.values():
        equ(f"HC_{c.name.upper()}", c.number, f"{c.name}({', '.join(c.args)})")
    equ("NHYPERCALLS", len(t.calls), "hypercalls are numbered 1..NHYPERCALLS")
    out.append("")
    for name, (v, msg) in t.errno.items():
        equ(f"XEN_{name}", v, msg)
    out.append("")
    for s in t.structs.values():
        equ(f"{s.name.upper()}_SIZE", s.size, f"struct {s.name}: {s.meaning}")
        for f in s.fields:
            equ(f"{s.prefix}_{f.name}", f.offset, f"{f.type}: {f.meaning}")
        out.append("")
    for name, (v, meaning) in t.constants.items():
        equ(name, v, meaning)
    return "\n".join(out) + "\n"


def render_stubs(t: HypercallTable) -> str:
    """``guests/lib/pv/hcall.s``: a component with one leaf stub per hypercall."""
    provides = ", ".join(c.stub for c in t.calls.values())
    lines = ["# hcall.s — the hypercall stub library of paravirtual guests (shared component).",
             f"# {HEADER}",
             "#",
             "# Concept: hypercalls are to a paravirtualized kernel what system calls are to a",
             "# program (seed: Xen lecture — \"Hypercall: synchronous calls from a domain to Xen,",
             "# analogous to system calls\"): a ported kernel calls HYPERVISOR_<name> where the",
             "# unmodified one would have executed a privileged instruction or touched a device.",
             "# Each stub puts the number in a7 and executes hcall (always a VM exit, ISA.md §8);",
             "# the arguments stay in a0-a5 and the result comes back in a0 (a1, a2 for",
             "# gnttab_map). The hypervisor preserves every other register: leaf functions.",
             "#",
             "# Provides: " + _wrap(provides),
             "# Needs: nothing",
             "",
             ".text"]
    for c in t.calls.values():
        lines += [f"{c.stub}:", f"    li   a7, HC_{c.name.upper()}", "    hcall", "    ret"]
    return "\n".join(lines) + "\n"


def _wrap(text: str, width: int = 86) -> str:
    """A comma list continued on ``#   `` lines (the component-header convention)."""
    out, line = [], ""
    for item in text.split(", "):
        add = (", " if line else "") + item
        if len(line) + len(add) > width and line:
            out.append(line + ",")
            line = item
        else:
            line += add
    out.append(line)
    return "\n#   ".join(out)


def render_table(t: HypercallTable) -> str:
    """``guests/xen/hctable.s``."""
    comment = [f"# {HEADER}", "# The hypercall dispatch table: entry n is the handler of "
               "hypercall n (entry 0", "# unused)."]
    return "\n".join(dispatch_table("hypercall_table", comment, t.calls.values())) + "\n.text\n"


def render_readme(t: HypercallTable) -> str:
    """The hypercall section of ``guests/xen/README.md`` (between the markers)."""
    out = calls_markdown(t.convention, t.calls.values())
    out += ["", "Errors: " + ", ".join(f"`XEN_{k} {v}` ({m})" for k, (v, m) in t.errno.items())
            + "."]
    for s in t.structs.values():
        out += ["", f"`struct {s.name}` ({s.size} bytes, `{s.prefix}_*`): {s.meaning}", "",
                markdown_row(["offset", "field", "type", "meaning"]), "|---|---|---|---|"]
        out += [markdown_row([str(f.offset), f.name.lower(), f.type, f.meaning]) for f in s.fields]
    out += ["", "Constants: " + ", ".join(
        f"`{k} = {v:#x}` ({m})" if v > 255 else f"`{k} = {v}` ({m})"
        for k, (v, m) in t.constants.items()) + "."]
    return "\n".join(out)


_MARK = re.compile(r"(<!-- BEGIN GENERATED hypercalls -->\n).*?"
                   r"(<!-- END GENERATED hypercalls -->)", re.S)


def outputs(t: HypercallTable | None = None) -> dict[Path, str]:
    """Every generated file: path -> its fresh content."""
    t = t or load()
    g = guests_dir()
    readme = g / "xen" / "README.md"
    text = readme.read_text()
    if not _MARK.search(text):
        raise UserError(f"{readme}: no <!-- BEGIN GENERATED hypercalls --> markers")
    fresh = _MARK.sub(lambda m: m.group(1) + f"<!-- {HEADER} -->\n" + render_readme(t)
                      + "\n" + m.group(2), text)
    return {g / "lib" / "hypercall.inc": render_inc(t),
            g / "lib" / "pv" / "hcall.s": render_stubs(t),
            g / "xen" / "hctable.s": render_table(t),
            readme: fresh}


def stale() -> list[Path]:
    """The generated files that differ from a fresh rendering."""
    return [p for p, text in outputs().items()
            if not p.is_file() or p.read_text() != text]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        return sync(outputs(), "--check" in argv, "ringvm generate")
    except UserError as e:
        print(f"ringvm: error: {e}", file=sys.stderr)
        return 2


@functools.cache
def table() -> HypercallTable:
    """The hypercall table of the bundled guests, loaded once."""
    return load()


def hypercall_name(number: int) -> str | None:
    """The name of hypercall ``number``, or None."""
    try:
        for c in table().calls.values():
            if c.number == number:
                return c.name
    except (UserError, OSError):
        return None
    return None


def hypercall_number(name: str) -> int | None:
    """The number of hypercall ``name`` (case-insensitive; ``HYPERVISOR_`` and ``do_``
    prefixes allowed), or None."""
    key = name.lower()
    for prefix in ("hypervisor_", "do_"):
        if key.startswith(prefix):
            key = key[len(prefix):]
    try:
        c = table().calls.get(key)
    except (UserError, OSError):
        return None
    return None if c is None else c.number


if __name__ == "__main__":
    sys.exit(main())
