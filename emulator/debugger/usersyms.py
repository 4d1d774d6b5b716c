"""User programs' symbols in ``ringvm debug``: ``add-symbol-file FILE [ASID]`` and the
program the current process runs.

The kernel's ELF names kernel addresses. A user address (below kseg) is named by a
program's ELF (symbols and line table), found in this order:

1. a file added with ``add-symbol-file FILE [ASID]`` — an ELF, a ``.s`` user program
   (assembled at the user base with its folder's stub library, like the disk's
   programs), or the name of a program on the guest's disk (``add-symbol-file sh``);
   with ASID it names addresses of that address space only, else of every one;
2. automatically, the program the current process runs, when the kernel says which
   (a debugger view's ``current_program``: the monolithic kernel's ``curproc`` name and
   ASID) and the guest's disk holds it (:attr:`UserSymbols.source`, set by the CLI from
   the guest's ``[disk] programs``).

So ``bt``, the code and source panes, ``break sh.s:88`` / ``break main`` and ``list``
work in ring 3 code. A breakpoint at a user address stops in any process whose pc
reaches it (add ``if $asid == N`` for one address space).
"""
from __future__ import annotations

from pathlib import Path

from ringvm.isa import ISA

from .expr import DebugError

KSEG = ISA.memory["kseg_base"]


def _holds(elf, addr: int) -> bool:
    return any(s.vaddr <= addr < s.vaddr + s.memsz for s in elf.segments)


class UserSymbols:
    """The user programs' ELF images of a Debugger (see the module docstring).
    ``source(name) -> ElfImage | None``: the guest's disk programs (None: none)."""

    def __init__(self, dbg):
        self.d = dbg
        self.files: list[tuple[int | None, str, object]] = []    # (asid, name, elf)
        self.source = None
        self._auto: dict[int, tuple[str, object]] = {}           # asid -> (name, elf)
        self._current_at = None

    # ------------------------------------------------------------ loading
    def add(self, elf, name: str, asid: int | None = None) -> None:
        """Name user addresses (of ``asid``, or all) with ``elf``; a later file for the
        same ASID and name replaces the earlier one."""
        self.files = [f for f in self.files if not (f[0] == asid and f[1] == name)]
        self.files.insert(0, (asid, name, elf))
        self.d.view.user_files_changed()

    def load(self, what: str):
        """``(elf, name)`` for ``add-symbol-file``'s FILE: an ELF, a ``.s`` user
        program, or a program of the guest's disk. Raises :class:`DebugError`."""
        from ringvm.assembler.elf import read_elf
        from ringvm.errors import UserError
        p = Path(what)
        try:
            if p.is_file():
                if p.suffix.lower() == ".s":
                    from ..images.rootdisk import assemble_program
                    return read_elf(assemble_program(p, strip=False)), p.stem
                return read_elf(p.read_bytes()), p.name
        except (UserError, OSError) as e:
            raise DebugError(f"add-symbol-file {what}: {e}") from None
        elf = self.source(what) if self.source is not None else None
        if elf is None:
            raise DebugError(f"add-symbol-file: {what!r} is neither a file nor a program "
                             f"of the guest's disk")
        return elf, what

    # ------------------------------------------------------------ lookups
    def current(self) -> tuple[str, int] | None:
        """``(program name, ASID)`` of the current process, from the kernel's view (once
        per machine step); None when the kernel does not say."""
        now = (self.d.now, self.d.cur)
        if self._current_at is None or self._current_at[0] != now:
            from .views import current_program
            try:
                cur = current_program(self.d)
            except DebugError:
                cur = None
            self._current_at = (now, cur)
        return self._current_at[1]

    def for_address(self, addr: int, asid: int) -> object | None:
        """The ElfImage naming user address ``addr`` in address space ``asid``."""
        if addr >= KSEG:
            return None
        for a, _name, elf in self.files:
            if (a is None or a == asid) and _holds(elf, addr):
                return elf
        elf = self.auto(asid)
        return elf if elf is not None and _holds(elf, addr) else None

    def auto(self, asid: int) -> object | None:
        """The ELF of the program the current process runs, if it runs in ``asid``."""
        if self.source is None:
            return None
        cur = self.current()
        if cur is None or cur[1] != asid:
            return self._auto.get(asid, (None, None))[1] if cur is None else None
        name = cur[0]
        have = self._auto.get(asid)
        if have is None or have[0] != name:
            try:
                elf = self.source(name)
            except Exception:   # noqa: BLE001 — a program with no symbols: no names
                elf = None
            self._auto[asid] = (name, elf)
            self.d.view.user_files_changed()
        return self._auto[asid][1]

    def images(self) -> list[tuple[int | None, str, object]]:
        """Every loaded user ELF: the added files, then the automatically loaded ones."""
        out = list(self.files)
        out += [(a, n, e) for a, (n, e) in self._auto.items() if e is not None]
        return out

    def lookup(self, name: str) -> int | None:
        """The address of symbol ``name`` in a user program (the current process's
        first), or None."""
        st = self.d.cpu()
        asid = self.d.view.csr_values(st)["asid"] & ISA.tlb.asid_mask
        self.auto(asid)
        order = sorted(self.images(), key=lambda f: f[0] != asid)
        for _a, _n, elf in order:
            if name in elf.symbols:
                return elf.symbols[name]
        return None

    def names(self) -> list[str]:
        """Every user symbol name (for completion)."""
        return sorted({n for _a, _p, e in self.images() for n in e.symbols})


def cmd_add_symbol_file(dbg, arg):
    """``add-symbol-file FILE [ASID]``; without arguments: list the user symbol files."""
    parts = arg.split()
    us = dbg.user
    if not parts:
        imgs = us.images()
        if not imgs:
            dbg.write("no user symbol files (add-symbol-file FILE [ASID])")
        for a, name, elf in imgs:
            auto = "" if any(f[2] is elf for f in us.files) else "  (current process)"
            dbg.write(f"  {name:<16} ASID {'any' if a is None else a:<4} "
                      f"{len(elf.symbols)} symbols, {len(elf.lines)} lines{auto}")
        return
    if len(parts) > 2:
        raise DebugError("add-symbol-file FILE [ASID]")
    asid = None
    if len(parts) == 2:
        try:
            asid = int(parts[1], 0)
        except ValueError:
            raise DebugError(f"ASID must be a number, not {parts[1]!r}") from None
        if not 0 <= asid <= 255:
            raise DebugError("ASID must be 0..255")
    elf, name = us.load(parts[0])
    us.add(elf, name, asid)
    dbg.write(f"symbols of {name}: {len(elf.symbols)} symbols, {len(elf.lines)} source "
              f"lines, for {'every address space' if asid is None else f'ASID {asid}'}")
