"""What ``ringvm debug`` shows: the context at every stop and the ``info`` tables.

The context (GEF/pwndbg style, drawn with rich) has sections that ``context off NAME``
hides: ``regs`` (general registers, changed ones marked ``*`` and highlighted), ``code``
(disassembly around the pc with symbols), ``source`` (lines from the ELF line table),
``stack`` (words from sp), ``events`` (pending interrupts, the timer, the last trap
registers and the last traps seen). The header line always shows CPU, ring, guest
mode/VMID, ASID, interrupt enable, step and cycle counters and the pc.

Symbols and source lines for an address: its own if it lies in the loaded image (and
the CPU is not in a guest); otherwise those of the kseg alias of the physical address
it translates to (so a ring-3 program that runs from the kernel image's own pages, like
``guests/hello``'s, gets them too).
"""
from __future__ import annotations

import os

from rich.console import Console as RichConsole
from rich.text import Text

from ringvm.assembler.disasm import disassemble_word
from ringvm.assembler.elf import symbolize
from ringvm.isa import ISA

from .expr import DebugError, Phys, evaluate

KSEG = ISA.memory["kseg_base"]
PAGE = 1 << ISA.page_bits
REG_NAMES = ISA.register_names
CSR = {name: c.number for name, c in ISA.csrs.items()}
BANKED = {name for name, c in ISA.csrs.items() if c.banked}
SECTIONS = ("regs", "code", "source", "stack", "events")
_ALIASES = {"fp": 8, "s0": 8, "r0": 0}
_ST = ISA.status_fields


def _highlight(line: str) -> Text:
    """``line`` of assembly with syntax colours (plain if the lexer cannot load)."""
    try:
        from ringvm.assembler.lexer import highlight_line
        return highlight_line(line)
    except Exception:  # noqa: BLE001 — colours are a nicety, never an error
        return Text(line)


def status_field(value: int, name: str) -> int:
    f = _ST[name]
    lo, hi = (f.lo, f.hi) if hasattr(f, "lo") else (f[1], f[0])
    return (value >> lo) & ((1 << (hi - lo + 1)) - 1)


def flags_str(flags: int) -> str:
    """TLB entry flags as letters in bit order, ``-`` for a clear flag: ``VRW-U-``."""
    return ISA.tlb.flag_string(flags, "-")


class View:
    """Formatting and inspection helpers bound to a Debugger."""

    def __init__(self, dbg):
        self.d = dbg
        self.m = dbg.m
        self.sections = {s: True for s in SECTIONS}
        self.code_before, self.code_after = 3, 6
        self.src_before, self.src_after = 2, 3
        self.stack_words = 8
        #: a short terminal: no "context" rule, fewer code/source lines, no stack
        self.compact = bool(dbg.height) and dbg.height < 40
        if self.compact:
            self.code_before, self.code_after = 1, 2
            self.src_before, self.src_after = 1, 1
            self.stack_words = 4
            self.sections["stack"] = False
        #: address -> (file, line) of the macro invocation an instruction came from
        self.sites: dict[int, tuple[str, int]] = {}
        elf = dbg.elf
        if elf is not None:
            self.by_address = list(elf.by_address)
            self.lines = {a: (f, ln) for a, f, ln in elf.lines}
            self.sites = {a: (f, ln) for a, f, ln in getattr(elf, "sites", ())}
            self.ranges = [(s.vaddr, s.vaddr + s.memsz) for s in elf.segments]
        else:
            img = self.m.image
            self.by_address = list(img.by_address) if img else []   # labels only
            self.lines = {a: (f, ln) for a, f, ln in (img.lines or [])} if img else {}
            self.ranges = [(p + KSEG, p + KSEG + n) for p, n in (img.segments if img else [])]
            if not self.ranges and self.by_address:        # restored: no segment list
                self.ranges = [(min(a for a, _ in self.by_address), 1 << 32)]
        self.line_index: dict[tuple[str, int], int] = {}
        for a, (f, ln) in sorted(self.lines.items()) + sorted(self.sites.items()):
            self.line_index.setdefault((f, ln), a)
        self._files: dict[str, list[str] | None] = {}

    # ------------------------------------------------------------ rich output
    def console(self) -> RichConsole:
        key = (self.d.color, self.d.width)
        if getattr(self, "_con_out", None) is not self.d.out or self._con_key != key:
            self._con = RichConsole(file=self.d.out, force_terminal=self.d.color,
                                    no_color=not self.d.color, width=self.d.width,
                                    highlight=False, soft_wrap=True, emoji=False,
                                    markup=False)
            self._con_key, self._con_out = key, self.d.out
        return self._con

    def emit(self, text: Text | str) -> None:
        if self.d._guest_partial:
            self.d.out.write("\n")
            self.d._guest_partial = False
        if isinstance(text, str):
            text = Text(text)
        self.console().print(text)

    # ------------------------------------------------------------ addresses
    def in_image(self, addr: int) -> bool:
        return any(lo <= addr < hi for lo, hi in self.ranges)

    def image_alias(self, addr: int, st=None) -> int | None:
        """The image address whose symbols/lines describe ``addr`` (see module doc)."""
        st = st if st is not None else self.d.cpu()
        if not st.v and self.in_image(addr):
            return addr
        try:
            p, _ = self.m.engine.translate(self.d.cur, addr & 0xFFFFFFFF, "fetch")
        except Exception:  # noqa: BLE001
            p = None
        if p is not None and self.in_image(p + KSEG):
            return p + KSEG
        return None

    def user_image(self, addr: int, st=None):
        """The user program's ElfImage that names user address ``addr`` in the CPU's
        address space (:mod:`.usersyms`), or None."""
        st = st if st is not None else self.d.cpu()
        if st.v or addr >= KSEG:
            return None
        return self.d.user.for_address(addr, self.csr_values(st)["asid"] & ISA.tlb.asid_mask)

    def user_files_changed(self) -> None:
        """A user ELF was loaded: ``break FILE:LINE`` and ``list`` see its lines."""
        for _a, _n, elf in self.d.user.images():
            for a, f, ln in list(elf.lines) + list(getattr(elf, "sites", ())):
                self.line_index.setdefault((f, ln), a)

    def sym(self, addr: int, st=None) -> tuple[str, int] | None:
        a = self.image_alias(addr, st)
        if a is None:
            user = self.user_image(addr, st)
            return symbolize(user.by_address, addr) if user is not None else None
        return symbolize(self.by_address, a)

    def sym_suffix(self, addr: int, st=None) -> str:
        s = self.sym(addr, st)
        if s is None:
            return ""
        return f" <{s[0]}+0x{s[1]:x}>" if s[1] else f" <{s[0]}>"

    def describe(self, addr: int) -> str:
        text = f"0x{addr:08x}{self.sym_suffix(addr)}"
        ln = self.line_of(addr)
        if ln:
            text += f" ({os.path.basename(ln[0])}:{ln[1]})"
        return text

    def line_of(self, addr: int, st=None) -> tuple[str, int] | None:
        """The source line of the instruction at ``addr``: the line a person wrote —
        for an instruction a macro expanded, the invocation (so ``next`` steps over a
        macro as one line); see :meth:`macro_line_of` for the macro's own line."""
        a = self.image_alias(addr, st)
        if a is None:
            user = self.user_image(addr, st)
            if user is None:
                return None
            return user.site_of(addr) or user.line_of(addr)
        return self.sites.get(a) or self.lines.get(a)

    def macro_line_of(self, addr: int, st=None) -> tuple[str, int] | None:
        """The macro body line of an instruction a macro expanded, else None."""
        a = self.image_alias(addr, st)
        if a is None:
            user = self.user_image(addr, st)
            return user.line_of(addr) if user is not None and user.site_of(addr) else None
        if a not in self.sites:
            return None
        return self.lines.get(a)

    def source_lines(self, path: str) -> list[str] | None:
        """The lines of a source file named in the line table; a file that moved (an
        ELF cached from another checkout) is looked for under the guests directory,
        keeping as much of its path as matches."""
        if path not in self._files:
            self._files[path] = None
            for cand in [path] + self._moved(path):
                try:
                    with open(cand, encoding="utf-8", errors="replace") as f:
                        self._files[path] = f.read().splitlines()
                    break
                except OSError:
                    continue
        return self._files[path]

    @staticmethod
    def _moved(path: str) -> list[str]:
        try:
            from ..images import guests_dir
            root = guests_dir()
        except Exception:  # noqa: BLE001
            return []
        parts = path.replace("\\", "/").split("/")
        if "guests" in parts:
            i = len(parts) - 1 - parts[::-1].index("guests")
            return [str(root.joinpath(*parts[i + 1:]))]
        return [str(p) for p in root.rglob(os.path.basename(path))][:1]

    def find_file(self, name: str) -> str | None:
        files = {f for f, _ in self.lines.values()}
        for _a, _n, elf in self.d.user.images():
            files |= {f for _x, f, _ln in elf.lines}
        for f in sorted(files):
            if f == name or os.path.basename(f) == name or f.endswith("/" + name):
                return f
        return None

    # ------------------------------------------------------------ memory
    def translate(self, vaddr: int, access: str = "load") -> int:
        """Host-physical address of ``vaddr`` for the current CPU, like the CPU would
        translate it. Kseg addresses from host rings 1-3 are shown as the kernel sees
        them (``vaddr - kseg``). Raises DebugError with the reason."""
        vaddr &= 0xFFFFFFFF
        k = self.d.cur
        p, why = self.m.engine.translate(k, vaddr, access)
        if p is not None:
            return p
        st = self.d.cpu()
        if vaddr >= KSEG and why.startswith("TLB_PROT") and not st.v:
            return vaddr - KSEG
        raise DebugError(f"cannot access virtual 0x{vaddr:08x} on cpu{k} "
                         f"({self.level(st)}): {why}")

    def read(self, addr: int, n: int) -> bytes:
        """``n`` bytes at ``addr`` (a :class:`Phys` is physical; else virtual)."""
        if isinstance(addr, Phys):
            return self.read_phys(int(addr), n)
        out = bytearray()
        va = int(addr) & 0xFFFFFFFF
        while len(out) < n:
            chunk = min(n - len(out), PAGE - (va & (PAGE - 1)))
            out += self.read_phys(self.translate(va), chunk)
            va = (va + chunk) & 0xFFFFFFFF
        return bytes(out)

    def read_phys(self, p: int, n: int) -> bytes:
        if p < 0 or p + n > len(self.m.ram):
            raise DebugError(f"physical 0x{p:08x} is not RAM (device registers are not "
                             f"read by the debugger: reads have side effects)")
        return bytes(self.m.ram[p:p + n])

    def write(self, addr: int, data: bytes) -> None:
        if isinstance(addr, Phys):
            p = int(addr)
            self.read_phys(p, len(data))
            self.m.ram[p:p + len(data)] = data
            return
        va = int(addr) & 0xFFFFFFFF
        done = 0
        while done < len(data):
            chunk = min(len(data) - done, PAGE - (va & (PAGE - 1)))
            p = self.translate(va, "store")
            self.read_phys(p, chunk)
            self.m.ram[p:p + chunk] = data[done:done + chunk]
            done += chunk
            va = (va + chunk) & 0xFFFFFFFF

    def word(self, addr: int) -> int:
        return int.from_bytes(self.read(addr, 4), "little")

    def peek_bytes(self, p: int, n: int, physical: bool = True) -> str:
        try:
            data = self.read_phys(p, n) if physical else self.read(p, n)
        except DebugError:
            return "?"
        return f"0x{int.from_bytes(data, 'little'):0{2 * n}x}"

    @staticmethod
    def fmt_bytes(data: bytes | None) -> str:
        if data is None:
            return "<unreadable>"
        if len(data) in (1, 2, 4):
            v = int.from_bytes(data, "little")
            return f"0x{v:0{2 * len(data)}x} ({v})"
        return data.hex(" ")

    # ------------------------------------------------------------ expressions
    def lookup(self, name: str) -> int:
        st = self.d.cpu()
        bare = name[1:] if name.startswith("$") else name
        if not name.startswith("$") and name in self.m.symbols:
            return self.m.symbols[name]
        if not name.startswith("$"):
            addr = self.d.user.lookup(name)
            if addr is not None:
                return addr
        if bare == "pc":
            return st.pc
        if bare in _ALIASES:
            return st.regs[_ALIASES[bare]]
        if bare in REG_NAMES:
            return st.regs[REG_NAMES.index(bare)]
        if bare.startswith("r") and bare[1:].isdecimal() and len(bare) <= 3 and int(bare[1:]) < 32:
            return st.regs[int(bare[1:])]
        if bare in CSR:
            return self.csr_values(st)[bare]
        if bare in ("ring", "v", "cpu", "step", "cycle"):
            return {"ring": st.ring, "v": st.v, "cpu": self.d.cur, "step": self.d.now,
                    "cycle": st.cycle}[bare]
        if name.startswith("$"):
            raise DebugError(f"no register {name}")
        raise DebugError(f"no symbol {name!r} in the loaded image")

    def deref(self, addr: int) -> int:
        return self.word(addr if isinstance(addr, Phys) else int(addr) & 0xFFFFFFFF)

    def eval(self, text: str) -> int:
        return evaluate(text, self.lookup, self.deref)

    # ------------------------------------------------------------ CPU state
    def csr_values(self, st) -> dict[str, int]:
        """CSR name -> value as the CPU's current level sees it (guest copies of the
        banked CSRs when V = 1), plus ``g``-names for the guest copies."""
        out = {}
        for name, c in ISA.csrs.items():
            num = c.number
            if c.guest_alias:
                out[name] = st.gcsr.get(c.alias_of, 0)
            elif c.banked and st.v:
                out[name] = st.gcsr.get(num, 0)
            else:
                out[name] = st.csr.get(num, 0)
        if "cycle" in out:
            out["cycle"] = st.cycle & 0xFFFFFFFF
            out["cycleh"] = st.cycle >> 32
        return out

    @staticmethod
    def level(st) -> str:
        if st.ring == -1:
            return "ring -1"
        return f"guest ring {st.ring}" if st.v else f"ring {st.ring}"

    def header(self, st) -> Text:
        c = self.csr_values(st)
        k = self.d.cur
        t = Text()
        t.append(f"cpu{k}", style="bold cyan")
        t.append(f"  {self.level(st)}", style="bold magenta")
        if st.v:
            t.append(f"  V=1 VMID {st.csr.get(CSR['hvmid'], 0)}", style="magenta")
        else:
            t.append("  V=0")
        t.append(f"  ASID {c['asid'] & ISA.tlb.asid_mask}")
        ie = status_field(c["hstatus"] if st.ring == -1 else c["status"], "IE")
        t.append(f"  IE={ie}")
        if st.mode != "running":
            t.append(f"  [{st.mode}]", style="yellow")
        t.append(f"  step {self.d.now}  cycle {st.cycle}")
        return t

    def rule(self, title: str) -> Text:
        t = Text(f"── {title} ", style="dim")
        t.append("─" * max(4, 60 - len(title)), style="dim")
        return t

    # ------------------------------------------------------------ context
    def context(self) -> None:
        st = self.d.cpu()
        s = self.sections
        if not any(s.values()):             # `context off`: gdb's x/i $pc line
            for line in self.pc_lines(st):
                self.emit(line)
            return
        out = ([] if self.compact else [self.rule("context")]) + [self.header(st)]
        if s["regs"]:
            out.append(self.rule("registers"))
            out.extend(self.regs_lines(st))
        if s["code"]:
            out.append(self.rule("code"))
            out.extend(self.code_lines(st.pc, self.code_before, self.code_after, st.pc))
        if s["source"]:
            src = self.source_block(st.pc, self.src_before, self.src_after)
            if src:
                out.append(self.rule("source " + src[0].plain))
                out.extend(src[1:])
        if s["stack"]:
            out.append(self.rule("stack"))
            out.extend(self.stack_lines(st))
        if s["events"]:
            out.append(self.rule("interrupts and traps"))
            out.extend(self.event_lines(st))
        for line in out:
            self.emit(line)

    def pc_lines(self, st) -> list[Text]:
        """The pc, its instruction and its source line (``context off``, like gdb's
        ``x/i $pc`` display)."""
        w, why = self.fetch_word(st.pc)
        insn = f"<cannot fetch: {why}>" if w is None else disassemble_word(w, st.pc, None, pseudo=True)
        out = [Text(f"→ 0x{st.pc:08x}{self.sym_suffix(st.pc)}:  {insn}", style="bold green")]
        ln = self.line_of(st.pc)
        if ln is not None:
            text = self.source_lines(ln[0])
            body = text[ln[1] - 1].strip() if text and 0 < ln[1] <= len(text) else ""
            out.append(Text(f"  {os.path.basename(ln[0])}:{ln[1]}  {body}"))
        return out

    def regs_lines(self, st) -> list[Text]:
        """The registers, as many to a row as the width holds (16 columns each)."""
        prev = self.d._prev_regs.get(self.d.cur)
        lines, t = [], Text()
        vals = list(st.regs) + [st.pc]
        names = list(REG_NAMES) + ["pc"]
        per_row = max(1, min(8, (self.d.width + 2) // 16))
        for i, (n, v) in enumerate(zip(names, vals)):
            changed = prev is not None and prev[i] != v
            cell = f"{n:>4} {v:08x}{'*' if changed else ' '}"
            t.append(cell, style="bold red" if changed else "")
            if i % per_row == per_row - 1:
                lines.append(t)
                t = Text()
            else:
                t.append("  ")
        if t.plain:
            lines.append(t)
        return lines

    def fetch_word(self, addr: int) -> tuple[int | None, str]:
        k = self.d.cur
        p, why = self.m.engine.translate(k, addr & 0xFFFFFFFF, "fetch")
        if p is None:
            st = self.d.cpu()
            if addr >= KSEG and not st.v and why.startswith("TLB_PROT"):
                p = addr - KSEG
            else:
                return None, why
        if p + 4 > len(self.m.ram):
            return None, "not RAM"
        return int.from_bytes(self.m.ram[p:p + 4], "little"), ""

    def code_lines(self, center: int, before: int, after: int, pc: int | None) -> list[Text]:
        out = []
        for i in range(-before, after + 1):
            a = (center + 4 * i) & 0xFFFFFFFF
            w, why = self.fetch_word(a)
            sym = self.sym(a)
            label = (f"<{sym[0]}+0x{sym[1]:x}>" if sym[1] else f"<{sym[0]}>") if sym else ""
            mark = "→ " if a == pc else "  "
            if w is None:
                body = f"<cannot fetch: {why}>"
            else:
                alias = self.image_alias(a)
                delta = (alias - a) if alias is not None else 0
                body = disassemble_word(w, a + delta, self.by_address if alias is not None
                                        else None, pseudo=True)
                if delta:
                    body = disassemble_word(w, a, None, pseudo=True) + \
                        (body[body.index("  #"):] if "  #" in body else "")
                body = f"{w:08x}  {body}"
            bps = self.d.armed_bp_addrs()
            bpmark = "●" if a in bps else " "
            t = Text(f"{bpmark}{mark}0x{a:08x} {label:<24} {body}",
                     style="bold green" if a == pc else "")
            out.append(t)
        return out

    def source_block(self, pc: int, ctx_before: int = 2, ctx_after: int = 3) -> list[Text]:
        ln = self.line_of(pc)
        if ln is None:
            return []
        path, line = ln
        text = self.source_lines(path)
        if text is None:
            return [Text(f"{os.path.basename(path)}:{line} (source not found)")]
        out = [Text(f"{os.path.basename(path)}:{line}", style="dim")]
        for n in range(max(1, line - ctx_before), min(len(text), line + ctx_after) + 1):
            mark = "→" if n == line else " "
            if self.d.color and n != line:          # syntax colours (Pygments)
                out.append(Text(f"{mark}{n:5}  ") + _highlight(text[n - 1]))
                continue
            out.append(Text(f"{mark}{n:5}  {text[n - 1]}",
                            style="bold green" if n == line else ""))
        mac = self.macro_line_of(pc)
        if mac is not None:                 # the macro's own line, as a note
            body = self.source_lines(mac[0])
            body = body[mac[1] - 1].strip() if body and 0 < mac[1] <= len(body) else ""
            out.append(Text(f"        in macro, {os.path.basename(mac[0])}:{mac[1]}: {body}",
                            style="dim"))
        return out

    def stack_lines(self, st) -> list[Text]:
        sp = st.regs[2]
        out = []
        for i in range(self.stack_words):
            a = (sp + 4 * i) & 0xFFFFFFFF
            try:
                v = self.word(a)
                out.append(Text(f"  sp+0x{4 * i:02x}  0x{a:08x}: {v:08x}{self.sym_suffix(v)}"))
            except DebugError as e:
                out.append(Text(f"  sp+0x{4 * i:02x}  0x{a:08x}: {e}"))
                break
        return out

    def event_lines(self, st) -> list[Text]:
        c = self.csr_values(st)
        out = []
        pend = st.ipend
        gpend = st.gcsr.get(CSR["ipend"], 0)
        names = [f"{ISA.line_names.get(i, i)}{'' if c['ienable'] >> i & 1 else ' (masked)'}"
                 for i in ISA.line_names if (pend | (gpend if st.v else 0)) >> i & 1]
        cmp_, interval, enabled = st.timer
        out.append(Text(f"  pending: {', '.join(names) if names else 'none'}   "
                        f"timer: {'on' if enabled else 'off'} compare={cmp_} "
                        f"interval={interval}"))
        cause = c["cause"]
        line = cause & ISA.csrs["cause"].mask("CODE")
        cname = (f"INT {ISA.line_names.get(line, line)}" if cause & ISA.cause_interrupt
                 else ISA.cause_names.get(cause, str(cause)))
        out.append(Text(f"  {'guest ' if st.v else ''}trap regs: cause={cname} "
                        f"epc=0x{c['epc']:08x} badvaddr=0x{c['badvaddr']:08x}"))
        hc = st.csr.get(CSR["hcause"], 0)
        if st.ring == -1 or hc or st.v:
            hs = st.csr.get(CSR["hstatus"], 0)
            what = ISA.exit_reason_names.get(hc, str(hc)) if status_field(hs, "PV") else \
                ISA.cause_names.get(hc, str(hc))
            out.append(Text(f"  ring -1 regs: hcause={what} "
                            f"hepc=0x{st.csr.get(CSR['hepc'], 0):08x} "
                            f"hqual=0x{st.csr.get(CSR['hqual'], 0):x} "
                            f"hgpa=0x{st.csr.get(CSR['hgpa'], 0):x}"))
        evs = [e for e in self.d.events if e.cpu == self.d.cur and e.t < self.d.now][-3:]
        for e in evs:
            out.append(Text(f"  @{e.t}: {e.text}", style="yellow"))
        return out
