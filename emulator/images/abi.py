"""The system-call ABI table (``guests/abi.toml``) and everything generated from it.

xv6 keeps its system-call numbers in one Perl script (``usys.pl``) that writes the
user stubs; ringvm keeps the whole ABI — numbers, names, arguments, results, errno
values and messages, open flags, struct layouts, constants — in one TOML table and
writes every copy from it:

==============================  ==========================================================
``guests/lib/abi.inc``          ``SYS_<NAME>``, ``NSYSCALL``, errno values, ``O_*``,
                                ``<PREFIX>_<FIELD>`` struct offsets and ``<STRUCT>_SIZE``,
                                the constants — for kernels and programs alike
``guests/user/lib/trap/usys.s`` the trapping stub library: one leaf stub per call
``guests/user/lib/errstr.s``    ``errstr(err)``: the message of an errno value
``guests/monolithic/systable.s`` the monolithic kernel's dispatch table, in number order
``guests/monolithic/README.md`` the ABI tables between ``<!-- BEGIN GENERATED abi -->``
                                and ``<!-- END GENERATED abi -->``
==============================  ==========================================================

``python -m ringvm.emulator.images.abi [--check]`` (or ``ringvm generate``) rewrites them;
``--check`` exits 1 naming every stale file. Tests read the table through :func:`table`
(never their own copies of the numbers).
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

from .cache import guests_dir

HEADER = "GENERATED from guests/abi.toml by `ringvm generate`; do not edit."


@dataclass(frozen=True)
class Syscall:
    """One system call: ``number`` (a7), ``name``, ``args`` (descriptions, a0..a5),
    what it ``returns`` and the ``errors`` it can give (errno names, with a note)."""
    number: int
    name: str
    args: tuple[str, ...]
    returns: str
    errors: tuple[str, ...]

    @property
    def handler(self) -> str:
        """The kernel's handler symbol: ``sys_<name>``."""
        return f"sys_{self.name}"


@dataclass(frozen=True)
class Field:
    name: str
    offset: int
    type: str
    meaning: str

    @property
    def size(self) -> int:
        m = re.fullmatch(r"(?:u(8|16|32))|char\[(\d+)\]", self.type)
        if not m:
            raise UserError(f"abi.toml: field {self.name}: unknown type {self.type!r}")
        return int(m.group(1)) // 8 if m.group(1) else int(m.group(2))


@dataclass(frozen=True)
class Struct:
    name: str
    prefix: str
    size: int
    meaning: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class AbiTable:
    """The parsed table: ``syscalls`` by name (in number order), ``errno`` name ->
    (value, message), ``open_flags`` name -> value, ``structs`` by name, ``constants``
    name -> (value, meaning), and the calling ``convention`` text."""
    convention: str
    syscalls: dict[str, Syscall]
    errno: dict[str, tuple[int, str]]
    open_flags: dict[str, int]
    structs: dict[str, Struct]
    constants: dict[str, tuple[int, str]]

    def sys(self, name: str) -> int:
        """The number of system call ``name``."""
        return self.syscalls[name].number

    def err(self, name: str) -> int:
        """The value of errno ``name``."""
        return self.errno[name][0]


def table_path() -> Path:
    return guests_dir() / "abi.toml"


def load(path: Path | None = None) -> AbiTable:
    """Parse and check ``guests/abi.toml``: numbers 1..N without gaps or repeats,
    errno names used by the calls defined, fields inside their struct and not
    overlapping. Raises :class:`UserError` naming the problem."""
    path = path or table_path()
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise UserError(f"{path}: {e}") from None
    calls = sorted((Syscall(c["number"], c["name"], tuple(c.get("args", [])), c["returns"],
                            tuple(c.get("errors", []))) for c in data["syscall"]),
                   key=lambda c: c.number)
    if [c.number for c in calls] != list(range(1, len(calls) + 1)):
        raise UserError(f"{path}: system-call numbers must be 1..{len(calls)}, each once")
    errno = {k: (v[0], v[1]) for k, v in data["errno"].items()}
    for c in calls:
        for e in c.errors:
            if e.split()[0] not in errno:
                raise UserError(f"{path}: {c.name}: unknown errno {e.split()[0]}")
    structs = {}
    for s in data["struct"]:
        fields = tuple(Field(f["name"], f["offset"], f["type"], f["meaning"])
                       for f in s["fields"])
        end = 0
        for f in sorted(fields, key=lambda f: f.offset):
            if f.offset < end or f.offset + f.size > s["size"]:
                raise UserError(f"{path}: struct {s['name']}: field {f.name} overlaps "
                                f"or lies outside the struct")
            end = f.offset + f.size
        structs[s["name"]] = Struct(s["name"], s["prefix"], s["size"], s["meaning"], fields)
    return AbiTable(data["convention"], {c.name: c for c in calls}, errno,
                    dict(data["open_flags"]), structs,
                    {k: (v[0], v[1]) for k, v in data["constants"].items()})


# ---------------------------------------------------------------- emitters

def render_inc(t: AbiTable) -> str:
    """``guests/lib/abi.inc``."""
    out = [f"# {HEADER}", "# The system-call ABI (guests/abi.toml): numbers, errno values, "
           "open flags, structs.", ""]
    names: set[str] = set()

    def equ(name, value, comment=""):
        if name in names:
            raise UserError(f"abi.toml: {name} is defined twice")
        names.add(name)
        out.append(f".equ {name}, 0x{value:x}" + (f"    # {comment}" if comment else ""))
    for c in t.syscalls.values():
        equ(f"SYS_{c.name.upper()}", c.number, f"{c.name}({', '.join(c.args)})")
    equ("NSYSCALL", len(t.syscalls), "system calls are numbered 1..NSYSCALL")
    out.append("")
    for name, (v, msg) in t.errno.items():
        equ(name, v, msg)
    out.append("")
    for name, v in t.open_flags.items():
        equ(name, v)
    out.append("")
    for s in t.structs.values():
        equ(f"{s.name.upper()}_SIZE", s.size, f"struct {s.name}: {s.meaning}")
        for f in s.fields:
            equ(f"{s.prefix}_{f.name}", f.offset, f"{f.type}: {f.meaning}")
        out.append("")
    for name, (v, meaning) in t.constants.items():
        equ(name, v, meaning)
    return "\n".join(out) + "\n"


def render_usys(t: AbiTable) -> str:
    """``guests/user/lib/usys.s``: the stubs of a kernel entered by trapping."""
    out = [f"# {HEADER}",
           "# usys.s — the trapping stub library: the number goes in a7, the arguments stay",
           "# in a0-a5 as the caller put them, and the result comes back in a0 (negative =",
           "# -errno). The kernel preserves everything except t0-t6 and a0, so the stubs",
           "# are leaf functions. Other structures provide a usys.s of their own (IPC,",
           "# library calls, a syscall page) found first on the programs' include path.",
           "",
           ".macro USYSCALL name, num",
           ".global \\name",
           "\\name:",
           "    li   a7, \\num",
           "    syscall",
           "    ret",
           ".endm",
           "",
           ".text"]
    out += [f"USYSCALL {c.name}, SYS_{c.name.upper()}" for c in t.syscalls.values()]
    return "\n".join(out) + "\n"


def render_errstr(t: AbiTable) -> str:
    """``guests/user/lib/errstr.s``."""
    out = [f"# {HEADER}",
           "# errstr(a0 = err, may be negative) -> a0 = the message of that errno value.",
           "",
           ".text",
           ".global errstr",
           "errstr:",
           "    bge  a0, zero, 1f",
           "    neg  a0, a0",
           "1:  la   t0, errstr_table",
           "2:  lw   t1, 0(t0)",
           "    beqz t1, 3f                 # end of the table",
           "    beq  t1, a0, 3f",
           "    addi t0, t0, 8",
           "    j    2b",
           "3:  lw   a0, 4(t0)",
           "    ret",
           "",
           ".rodata",
           ".align 4",
           "errstr_table:"]
    out += [f"    .word {name}, es_{name.lower()}" for name in t.errno]
    out += ["    .word 0, es_unknown"]
    out += [f"es_{name.lower()}: .asciz \"{msg}\"" for name, (_v, msg) in t.errno.items()]
    out += ['es_unknown: .asciz "unknown error"']
    return "\n".join(out) + "\n"


def dispatch_table(label: str, comment: list[str], calls) -> list[str]:
    """Lines of an assembly dispatch table ``label`` after the ``comment`` lines (the
    generated-file header first): entry n is the ``handler`` of call n of ``calls``
    (numbered from 1; entry 0 unused). Shared by the system-call and hypercall tables."""
    return ([*comment, "", ".rodata", ".align 4", f"{label}:", "    .word 0"]
            + [f"    .word {c.handler}" for c in calls])


def markdown_row(cells: list[str]) -> str:
    """One Markdown table row of ``cells`` (a ``|`` inside a cell escaped)."""
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def calls_markdown(convention: str, calls) -> list[str]:
    """Markdown lines: the calling ``convention``, then a table of ``calls`` (number,
    name, arguments, result, errors). Shared by the system-call and hypercall tables."""
    out = [convention, "", markdown_row(["no.", "name", "arguments", "result", "errors"]),
           "|---|---|---|---|---|"]
    for c in calls:
        out.append(markdown_row([str(c.number), f"`{c.name}`", ", ".join(c.args) or "—", c.returns,
                        ", ".join(c.errors) or "—"]))
    return out


def render_systable(t: AbiTable) -> str:
    """``guests/monolithic/systable.s``."""
    comment = [f"# {HEADER}", "# The system-call dispatch table: entry n is the handler of "
               "call n (entry 0 unused)."]
    return "\n".join(dispatch_table("syscall_table", comment, t.syscalls.values())) + "\n"


def render_readme(t: AbiTable) -> str:
    """The ABI section of ``guests/monolithic/README.md`` (between the markers)."""
    out = calls_markdown(t.convention, t.syscalls.values())
    out += ["", "`open` flags: " + ", ".join(f"`{k} 0x{v:03x}`"
                                            for k, v in t.open_flags.items()) + ".", "",
            "Errors: " + ", ".join(f"`{k} {v}` ({m})" for k, (v, m) in t.errno.items()) + "."]
    for s in t.structs.values():
        out += ["", f"`struct {s.name}` ({s.size} bytes): {s.meaning}", "",
                markdown_row(["offset", "field", "type", "meaning"]), "|---|---|---|---|"]
        out += [markdown_row([str(f.offset), f.name.lower(), f.type, f.meaning]) for f in s.fields]
    out += ["", "Constants: " + ", ".join(f"`{k} = {v:#x}` ({m})" if v > 255 else
                                          f"`{k} = {v}` ({m})"
                                          for k, (v, m) in t.constants.items()) + "."]
    return "\n".join(out)


_MARK = re.compile(r"(<!-- BEGIN GENERATED abi -->\n).*?(<!-- END GENERATED abi -->)", re.S)


def outputs(t: AbiTable | None = None) -> dict[Path, str]:
    """Every generated file: path -> its fresh content."""
    t = t or load()
    g = guests_dir()
    readme = g / "monolithic" / "README.md"
    text = readme.read_text()
    if not _MARK.search(text):
        raise UserError(f"{readme}: no <!-- BEGIN GENERATED abi --> markers")
    fresh_readme = _MARK.sub(lambda m: m.group(1) + f"<!-- {HEADER} -->\n"
                             + render_readme(t) + "\n" + m.group(2), text)
    return {g / "lib" / "abi.inc": render_inc(t),
            g / "user" / "lib" / "trap" / "usys.s": render_usys(t),
            g / "user" / "lib" / "errstr.s": render_errstr(t),
            g / "monolithic" / "systable.s": render_systable(t),
            readme: fresh_readme}


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


if __name__ == "__main__":
    sys.exit(main())

@functools.cache
def table() -> AbiTable:
    """The ABI table of the bundled guests, loaded once."""
    return load()


def syscall_name(number: int) -> str | None:
    """The name of system call ``number`` in the bundled ABI table, or None (no such
    call, or no table: a guest with another ABI)."""
    try:
        for sc in table().syscalls.values():
            if sc.number == number:
                return sc.name
    except (UserError, OSError):
        return None
    return None


def syscall_number(name: str) -> int | None:
    """The number of system call ``name`` (case-insensitive), or None."""
    try:
        sc = table().syscalls.get(name.lower())
    except (UserError, OSError):
        return None
    return None if sc is None else sc.number


def syscall_names_for(symbols: dict) -> dict[int, str]:
    """``number -> name`` of the ABI's system calls that a kernel implements: those
    whose handler (``sys_<name>``) is among its ``symbols``. A guest with its own calls
    (``guests/hello``) gets {} — its numbers mean something else."""
    try:
        calls = table().syscalls.values()
    except (UserError, OSError):
        return {}
    return {sc.number: sc.name for sc in calls if sc.handler in symbols}

