"""The two-pass assembler: symbols, layout, pseudo-instructions and encoding.

Pass 1 takes the expanded source lines one at a time, as :mod:`.source` reads them
(so that conditional directives see the symbols defined so far), defines labels as
(section, offset), sizes every statement, expands pseudo-instructions and checks
operand counts and kinds. Sizes never depend on values unknown in pass 1: ``li``
picks one word only if its value is already known, ``.org``/``.space``/``.align``
need known values. Layout then places the sections (.text, .rodata, .data, .bss,
each on a fresh 4 KiB page after the previous unless a leading ``.org`` fixes it).
Pass 2 evaluates every expression with all addresses known and encodes.

Every instruction encoding comes from ``ringvm.isa.ISA``; nothing is hard-coded.
All mistakes are collected as AsmErrors (see :mod:`.errors`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ringvm.errors import did_you_mean
from ringvm.isa import ISA, REGISTER_FIELDS

from .defines import DEFINE_FILE
from .directives import directive
from .errors import AsmError, ErrorSink
from .expr import ExprError, Unknown, evaluate, substitute
from .limits import DEFAULT_BASE, PAGE, SECTION_ORDER
from .parse import LineSyntaxError, parse_line
from .source import SrcLine

_PLACEHOLDER = "__ringvm_arg_{}__"


class Section:
    """One output section while assembling. ``size`` is in bytes."""

    def __init__(self, name: str, base: int | None):
        self.name, self.base, self.size = name, base, 0
        self.fixed_by: SrcLine | None = None   # the .org line that fixed the base
        self.started = False                  # anything emitted yet
        self.data = bytearray()

    @property
    def is_bss(self) -> bool:
        """.bss keeps only a size: no bytes in the file."""
        return self.name == ".bss"


@dataclass
class Item:
    """A unit of output from pass 1, finished in pass 2.

    kind: "insn" (payload (Instruction, fields, li_expr)), "data" (payload
    (size, exprs)), "bytes" (payload bytes), "set" (payload (name, expr, strict)).
    """
    kind: str
    section: Section
    offset: int
    size: int
    line: SrcLine
    seq: int
    col: int
    payload: tuple


@dataclass
class Program:
    """The result of assembling: sections with data, symbols, entry, flags, lines."""
    sections: list[Section]
    symbols: dict[str, tuple[int, str, str | None]]   # name -> (address, binding, section)
    entry: int
    flags: int
    lines: list[tuple[int, str, int]]                 # (address, file, line), by address
    listing: list[tuple[SrcLine, list[tuple[int, bytes]]]] = field(default_factory=list)


class Assembler:
    """Assemble expanded source lines: :meth:`pass1_line` for each line (or
    :meth:`pass1`), then :meth:`layout`, :meth:`pass2` and :meth:`finish`.

    ``defines`` (name -> int, already checked) are constants made before the first
    line that the source may not redefine (``-D``)."""

    def __init__(self, sink: ErrorSink, base: int | None = None,
                 directory: Path = Path("."), include_paths=(), defines=None):
        self.sink = sink
        self.directory = directory
        self.include_paths = [Path(p) for p in include_paths]
        self.sections = {n: Section(n, None) for n in SECTION_ORDER}
        self.sections[".text"].base = DEFAULT_BASE if base is None else base
        self.cur = self.sections[".text"]
        self.labels: dict[str, tuple[Section, int, SrcLine, int]] = {}
        self.numeric: dict[int, list[tuple[int, Section, int]]] = {}
        self.equs: dict[str, list[tuple[tuple, SrcLine, int, bool]]] = {}
        self.values: dict[str, int] = {}       # .set values so far (this pass)
        self.globals: dict[str, tuple[SrcLine, int]] = {}
        self.entry: tuple | None = None
        self.flags = 0
        self.items: list[Item] = []
        self.pass_no = 1
        self.seq = 0
        self.dot_value: int | None = None
        self.evaluating: set[str] = set()
        self.nlines = 0                        # lines seen by pass 1
        self.defines: dict[str, int] = dict(defines or {})
        for name, v in self.defines.items():   # like .equiv before the first line
            where = SrcLine(DEFINE_FILE, 0, f"-D {name}={v}", (), None)
            self.equs[name] = [(("num", 1, v), where, 1, True, self.cur, 0)]
            self.values[name] = v

    # ------------------------------------------------------------------ env
    def symbol(self, name: str, col: int) -> int:
        """Value of a symbol (expression Env protocol)."""
        lab = self.labels.get(name)
        if lab is not None:
            sec, off = lab[0], lab[1]
            if sec.base is None:
                raise Unknown()
            return sec.base + off
        if name in self.values:
            return self.values[name]
        if name in self.equs:
            if self.pass_no == 1:
                raise Unknown()
            if name in self.evaluating:
                raise ExprError(col, f"symbol {name!r} is defined in terms of itself")
            expr, _, _, _, sec, off = self.equs[name][0]
            self.evaluating.add(name)
            saved_dot, self.dot_value = self.dot_value, (
                None if sec.base is None else sec.base + off)
            try:
                return evaluate(expr, self)
            finally:
                self.dot_value = saved_dot
                self.evaluating.discard(name)
        if name in ISA.registers:
            raise ExprError(col, f"register {name!r} cannot be used as a value here")
        if self.pass_no == 1:
            raise Unknown()
        if name in ISA.csrs:
            raise ExprError(col, f"CSR name {name!r} cannot be used as a value here")
        raise ExprError(col, f"undefined symbol {name!r}")

    def local(self, n: int, direction: str, col: int) -> int:
        """Address of numeric label ``n`` before ("b") or after ("f") this statement."""
        defs = self.numeric.get(n, [])
        if direction == "b":
            cands = [d for d in defs if d[0] < self.seq]
            pick = cands[-1] if cands else None
        else:
            pick = next((d for d in defs if d[0] > self.seq), None)
        if pick is None:
            if self.pass_no == 1:
                raise Unknown()
            where = "before" if direction == "b" else "after"
            raise ExprError(col, f"no local label '{n}:' {where} this line for '{n}{direction}'")
        _, sec, off = pick
        if sec.base is None:
            raise Unknown()
        return sec.base + off

    def dot(self, col: int) -> int:
        """The current address (pass 1: Unknown while the section has no address)."""
        if self.dot_value is None:
            raise Unknown()
        return self.dot_value

    # ------------------------------------------------------------------ helpers
    def err(self, line: SrcLine, col: int, msg: str) -> None:
        """Report an error at column ``col`` of ``line``."""
        self.sink.add(line.error(col, msg))

    def here(self) -> int | None:
        """Current address in the current section, or None if its base is not known."""
        return None if self.cur.base is None else self.cur.base + self.cur.size

    def known(self, e: tuple, line: SrcLine, what: str) -> int | None:
        """Evaluate in pass 1; report an error (and return None) if unknown or bad."""
        try:
            return evaluate(e, self)
        except Unknown:
            self.err(line, e[1], f"{what} must be known on the first pass "
                                 "(no forward references)")
        except ExprError as x:
            self.err(line, x.col, x.msg)
        return None

    def value(self, e: tuple, line: SrcLine) -> int | None:
        """Evaluate in pass 2; report errors and return None."""
        try:
            return evaluate(e, self)
        except ExprError as x:
            self.err(line, x.col, x.msg)
        except Unknown:  # cannot happen once all addresses are known
            self.err(line, e[1], "value could not be determined")
        return None

    def emit(self, kind: str, size: int, line: SrcLine, col: int, payload: tuple) -> None:
        """Append an Item of ``size`` bytes at the current offset and advance it."""
        self.items.append(Item(kind, self.cur, self.cur.size, size, line, self.seq, col,
                               payload))
        self.cur.size += size
        if size:
            self.cur.started = True

    # ------------------------------------------------------------------ pass 1
    def pass1(self, lines: list[SrcLine]) -> None:
        """Pass 1 of every line of ``lines`` in order (see :meth:`pass1_line`)."""
        for line in lines:
            self.pass1_line(line)

    def pass1_line(self, line: SrcLine) -> None:
        """Define the labels of the next source line, size its statement and add its
        ``items``."""
        idx = self.nlines
        self.nlines = idx + 1
        self.seq = 2 * idx
        self.dot_value = self.here()
        for name, col in line.labels:
            self.define_label(name, col, line)
        stmt = line.stmt
        if stmt is None:
            return
        self.seq = 2 * idx + 1
        kind = stmt[0]
        if kind == "instr":
            self.instruction(line, stmt)
        elif kind == "dir":
            directive(self, line, stmt)
        else:  # assign
            self.set_symbol(line, stmt[1], stmt[2], stmt[3], strict=False)

    def define_label(self, name, col, line: SrcLine) -> None:
        """Define a label (str) or numeric local label (int) at the current offset."""
        sec, off = self.cur, self.cur.size
        if isinstance(name, int):
            self.numeric.setdefault(name, []).append((self.seq, sec, off))
            return
        if name in ISA.registers:
            self.err(line, col, f"{name!r} is a register name and cannot be a label")
        elif name in self.labels:
            old = self.labels[name][2]
            self.err(line, col, f"duplicate symbol {name!r} (first defined at "
                                f"{old.file}:{old.line})")
        elif name in self.defines:
            self.err(line, col, f"duplicate symbol {name!r} (predefined with -D {name})")
        elif name in self.equs:
            old = self.equs[name][0][1]
            self.err(line, col, f"duplicate symbol {name!r} (defined with .equ/.set at "
                                f"{old.file}:{old.line})")
        else:
            self.labels[name] = (sec, off, line, col)

    def set_symbol(self, line, col, name, expr, strict: bool) -> None:
        """.equ, .set, NAME = expr (redefinable) and .equiv (strict: no redefinition)."""
        if name in ISA.registers:
            return self.err(line, col, f"{name!r} is a register name and cannot be a symbol")
        if name in self.labels:
            old = self.labels[name][2]
            return self.err(line, col, f"duplicate symbol {name!r} (a label at "
                                       f"{old.file}:{old.line})")
        if name in self.defines:
            return self.err(line, col, f"symbol {name!r} is predefined with -D {name} and "
                                       "cannot be redefined in the source")
        defs = self.equs.setdefault(name, [])
        if defs and (strict or defs[0][3]):
            old = defs[0][1]
            return self.err(line, col, f"duplicate symbol {name!r} (first defined at "
                                       f"{old.file}:{old.line}; .equiv cannot be redefined)")
        # remember where it was defined: '.' in its expression means that address,
        # also when a forward reference makes pass 2 evaluate it at the point of use
        defs.append((expr, line, col, strict, self.cur, self.cur.size))
        try:
            self.values[name] = evaluate(expr, self)
        except Unknown:
            self.values.pop(name, None)
        except ExprError as x:
            self.values.pop(name, None)
            return self.err(line, x.col, x.msg)
        self.emit("set", 0, line, col, (name, expr))

    # ------------------------------------------------------------------ instructions
    def instruction(self, line: SrcLine, stmt) -> None:
        """Pass 1 of one instruction, pseudo-instruction or builtin (li, la)."""
        _, col, mn, ops, _ = stmt
        if self.cur.is_bss:
            return self.err(line, col, "instructions are not allowed in .bss")
        here = self.here()
        misaligned = (here if here is not None else self.cur.size) % 4
        if misaligned:
            where = f"0x{here:08x}" if here is not None else f"offset {self.cur.size}"
            self.err(line, col, f"instruction at {where} is not 4-byte aligned "
                                "(use .align 4)")
        if mn in ISA.instructions:
            self.real(line, col, ISA.instructions[mn], ops)
        elif mn in ISA.pseudos:
            p = ISA.pseudos[mn]
            if p.expand is None:
                self.builtin(line, col, mn, ops)
            else:
                self.pseudo(line, col, p, ops)
        else:
            close = did_you_mean(mn, list(ISA.instructions) + list(ISA.pseudos))
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.err(line, col, f"unknown instruction {mn!r}{hint}")
            self.emit("bytes", 4, line, col, (bytes(4),))

    def real(self, line, col, ins, ops) -> None:
        """Emit one machine instruction (or 4 zero bytes after reporting an error)."""
        fields = self.operands(line, col, ins.mnemonic, ins.operands, ops, ins)
        if fields is None:
            self.emit("bytes", 4, line, col, (bytes(4),))
        else:
            self.emit("insn", 4, line, col, (ins, fields, None))

    def operands(self, line, col, mn, tokens, ops, ins=None) -> dict | None:
        """Check operand count and kinds against ``tokens``; return field values
        (register numbers as ints, immediates as expression tuples) or None."""
        if len(ops) != len(tokens):
            at = ops[len(tokens)][1] if len(ops) > len(tokens) else col
            self.err(line, at, count_message(mn, tokens, len(ops)))
            return None
        fields: dict = {}
        ok = True
        for tok, op in zip(tokens, ops):
            try:
                fields.update(self.operand(tok, op, ins))
            except ExprError as x:
                self.err(line, x.col, x.msg)
                ok = False
        return fields if ok else None

    def operand(self, tok: str, op: tuple, ins) -> dict:
        """Match one operand against a syntax token ("rd", "imm(rs1)", ...); return
        {field: value}. Raises ExprError for the wrong kind of operand."""
        if "(" in tok:
            before, inside = tok.rstrip(")").split("(")
            if op[0] == "mem":
                if not before:
                    if op[2] != ("num", op[2][1], 0):
                        raise ExprError(op[1], "expected (register) with no offset")
                    return {inside: reg_number(op[3], op[4])}
                return {before: self.imm_expr(op[2], ins), inside: reg_number(op[3], op[4])}
            e = op[2]
            if e[0] == "paren" and e[2][0] == "sym":
                out = {inside: reg_number(e[2][2], e[2][1])}
                if before:
                    out[before] = ("num", e[1], 0)
                return out
            shape = f"{before}(register), e.g. 8(sp)" if before else "(register)"
            raise ExprError(op[1], f"expected {shape}")
        if op[0] == "mem":
            want = "a register" if tok in REGISTER_FIELDS else "an expression"
            raise ExprError(op[1], f"expected {want}, not a memory operand")
        e = op[2]
        if tok in REGISTER_FIELDS:
            if e[0] != "sym":
                raise ExprError(op[1], "expected a register")
            return {tok: reg_number(e[2], e[1])}
        return {tok: self.imm_expr(e, ins)}

    @staticmethod
    def imm_expr(e: tuple, ins) -> tuple:
        """The immediate as an expression; CSR names become their numbers."""
        if ins is not None and ins.imm is not None and ins.imm.kind == "csr" and e[0] == "sym":
            c = ISA.csrs.get(e[2])
            if c is not None:
                return ("num", e[1], c.number)
            if e[2] not in ISA.registers:
                return ("csr?", e[1], e)
        return e

    def pseudo(self, line, col, p, ops) -> None:
        """Expand a template pseudo-instruction with the user's operand nodes (so
        errors point at the original source)."""
        if len(ops) != len(p.operands):
            at = ops[len(p.operands)][1] if len(ops) > len(p.operands) else col
            self.err(line, at, count_message(p.mnemonic, p.operands, len(ops)))
            for _ in p.expand:
                self.emit("bytes", 4, line, col, (bytes(4),))
            return
        args = dict(zip(p.operands, ops))
        for mn, tops in pseudo_templates(p.mnemonic):
            ins = ISA.instructions[mn]
            real_ops = tuple(_instantiate(top, args, col) for top in tops)
            if any(o is None for o in real_ops):
                self.err(line, col, f"bad operand for '{p.mnemonic}'")
                self.emit("bytes", 4, line, col, (bytes(4),))
                continue
            self.real(line, col, ins, real_ops)

    def builtin(self, line, col, mn, ops) -> None:
        """li and la: 1 or 2 real instructions, chosen in pass 1 (sizes stay stable)."""
        fields = self.operands(line, col, mn, ISA.pseudos[mn].operands, ops)
        if fields is None:
            for _ in range(2 if mn == "la" else 1):
                self.emit("bytes", 4, line, col, (bytes(4),))
            return
        rd, e = fields["rd"], fields["imm"]
        zero = ISA.registers["zero"]
        v = None
        if mn == "li":
            try:
                v = evaluate(e, self)
            except Unknown:
                v = None
            except ExprError as x:
                self.err(line, x.col, x.msg)
                self.emit("bytes", 4, line, col, (bytes(4),))
                return
            if v is not None and not -(1 << 31) <= v < (1 << 32):
                self.err(line, e[1], f"li value {v} out of range "
                                     f"[-2147483648, 4294967295]")
                self.emit("bytes", 4, line, col, (bytes(4),))
                return
        lo_ins, lo_imm = ISA.instructions["addi"], ISA.instructions["addi"].imm.range()
        or_ins, or_imm = ISA.instructions["ori"], ISA.instructions["ori"].imm.range()
        if v is not None and lo_imm[0] <= v <= lo_imm[1]:
            self.emit("insn", 4, line, col, (lo_ins, {"rd": rd, "rs1": zero,
                                                      "imm": ("num", e[1], v)}, None))
        elif v is not None and or_imm[0] <= v <= or_imm[1]:
            self.emit("insn", 4, line, col, (or_ins, {"rd": rd, "rs1": zero,
                                                      "imm": ("num", e[1], v)}, None))
        else:
            check = ("li" if mn == "li" else "la", e)
            self.emit("insn", 4, line, col, (ISA.instructions["lui"],
                                             {"rd": rd, "imm": ("hi", e[1], e)}, check))
            self.emit("insn", 4, line, col, (lo_ins, {"rd": rd, "rs1": rd,
                                                      "imm": ("lo", e[1], e)}, None))

    # ------------------------------------------------------------------ layout
    def layout(self) -> None:
        """Give every section a base address (see the module doc)."""
        text = self.sections[".text"]
        cursor = text.base
        placed = []
        for name in SECTION_ORDER:
            s = self.sections[name]
            if s.base is None:
                s.base = cursor if s.size == 0 else -(-cursor // PAGE) * PAGE
            if s.size:
                placed.append(s)
                cursor = max(cursor, s.base + s.size)
        for s in placed:
            if s.base + s.size > 1 << 32:
                self.layout_error(s, f"section {s.name} ends beyond the 32-bit address space")
        placed.sort(key=lambda s: s.base)
        for a, b in zip(placed, placed[1:]):
            if a.base + a.size > b.base:
                self.layout_error(b, f"section {b.name} at 0x{b.base:08x} overlaps "
                                     f"{a.name} (0x{a.base:08x}-0x{a.base + a.size - 1:08x})")

    def layout_error(self, s: Section, msg: str) -> None:
        """Report a layout problem at the line that placed or filled section ``s``."""
        line = s.fixed_by or next((it.line for it in self.items if it.section is s), None)
        if line is None:
            self.sink.add(AsmError("<layout>", 1, 1, msg))
        else:
            self.err(line, 1, msg)

    # ------------------------------------------------------------------ pass 2
    def pass2(self) -> list[tuple[int, str, int]]:
        """Evaluate and encode every item; returns the line table entries."""
        self.pass_no = 2
        self.values = dict(self.defines)
        for s in self.sections.values():
            s.data = bytearray(0 if s.is_bss else s.size)
        lines = []
        #: (address, file, line) of the macro invocation each expanded instruction
        #: comes from (the ELF's .ringvm.sites)
        self.sites: list[tuple[int, str, int]] = []
        for it in self.items:
            self.seq = it.seq
            sec = it.section
            addr = sec.base + it.offset
            self.dot_value = addr
            if it.kind == "insn":
                word = self.encode(it, addr)
                sec.data[it.offset:it.offset + 4] = word.to_bytes(4, "little")
                lines.append((addr, it.line.file, it.line.line))
                if it.line.origin is not None:
                    self.sites.append((addr, *it.line.origin))
            elif it.kind == "bytes":
                if not sec.is_bss:
                    sec.data[it.offset:it.offset + it.size] = it.payload[0]
            elif it.kind == "data":
                size, exprs = it.payload
                out = bytearray()
                lo, hi = -(1 << (8 * size - 1)), (1 << (8 * size)) - 1
                for i, e in enumerate(exprs):
                    self.dot_value = addr + i * size      # '.' is this element's address
                    v = self.value(e, it.line)
                    if v is None:
                        v = 0
                    elif not lo <= v <= hi:
                        self.err(it.line, e[1], f"value {v} does not fit in {size} byte"
                                                f"{'s' if size > 1 else ''} [{lo}, {hi}]")
                        v = 0
                    out += (v & hi).to_bytes(size, "little")
                sec.data[it.offset:it.offset + it.size] = out
            elif it.kind == "set":
                name, e = it.payload
                v = self.value(e, it.line)
                if v is not None:
                    self.values[name] = v
        return lines

    def encode(self, it: Item, pc: int) -> int:
        """The 32-bit word of an "insn" item at address ``pc`` (0 after an error)."""
        ins, fields, check = it.payload
        line = it.line
        vals = {}
        for name, v in fields.items():
            if isinstance(v, int):
                vals[name] = v
                continue
            if v[0] == "csr?":   # a name that is no CSR: maybe a .equ constant
                if v[2][2] not in self.labels and v[2][2] not in self.equs:
                    self.err(line, v[1], f"unknown CSR {v[2][2]!r}")
                    return 0
                v = v[2]
            x = self.value(v, line)
            if x is None:
                return 0
            imm = ins.imm
            if imm.kind == "pcrel":
                diff = x - pc
                if diff % 4:
                    self.err(line, v[1], f"branch target 0x{x & 0xFFFFFFFF:08x} is not "
                                         "4-byte aligned")
                    return 0
                x = diff // 4
                lo, hi = imm.range()
                if not lo <= x <= hi:
                    self.err(line, v[1], f"branch target 0x{(x * 4 + pc) & 0xFFFFFFFF:08x} "
                                         f"out of range for '{ins.mnemonic}': {x} words "
                                         f"away, allowed [{lo}, {hi}] words")
                    return 0
            else:
                lo, hi = imm.range()
                if not lo <= x <= hi:
                    what = "CSR number" if imm.kind == "csr" else f"{imm.name} immediate"
                    self.err(line, v[1], f"value {x} out of range for the {what} of "
                                         f"'{ins.mnemonic}' [{lo}, {hi}]")
                    return 0
            vals[name] = x
        if check is not None:
            x = self.value(check[1], line)
            if x is None:
                return 0
            low = -(1 << 31) if check[0] == "li" else 0
            if not low <= x < (1 << 32):
                self.err(line, check[1][1], f"{check[0]} value {x} out of range "
                                            f"[{low}, 4294967295]")
                return 0
        return ins.encode(**vals)

    def finish(self) -> Program:
        """Symbols, entry and the program after pass 2."""
        symbols: dict[str, tuple[int, str, str | None]] = {}
        for name, (sec, off, _line, _col) in self.labels.items():
            symbols[name] = (sec.base + off, "global" if name in self.globals else "local",
                             sec.name)
        for name, (line, col) in self.globals.items():
            if name in self.labels:
                continue
            if name in self.equs:
                v = self.value(("sym", col, name), line)
                if v is not None:
                    symbols[name] = (v & 0xFFFFFFFF, "global", None)
            else:
                self.err(line, col, f"global symbol {name!r} is never defined")
        if self.entry is not None:
            line, e = self.entry
            entry = self.value(e, line) or 0
        elif "_start" in self.labels:
            entry = symbols["_start"][0]
        else:
            entry = self.sections[".text"].base
        return Program([self.sections[n] for n in SECTION_ORDER], symbols,
                       entry & 0xFFFFFFFF, self.flags, [])


def count_message(mn: str, tokens, got: int) -> str:
    """"'add' takes 3 operands (rd, rs1, rs2), got 2"."""
    if not tokens:
        return f"'{mn}' takes no operands, got {got}"
    n = len(tokens)
    return f"'{mn}' takes {n} operand{'s' if n != 1 else ''} ({', '.join(tokens)}), got {got}"


def reg_number(name: str, col: int) -> int:
    """Register number of ``name``; raises ExprError for anything else."""
    n = ISA.registers.get(name)
    if n is None:
        if name in ISA.csrs:
            raise ExprError(col, f"expected a register, got CSR {name!r}")
        raise ExprError(col, f"unknown register {name!r}")
    return n


_templates: dict[str, list[tuple[str, tuple]]] = {}


def pseudo_templates(mn: str) -> list[tuple[str, tuple]]:
    """Parsed expansion of a template pseudo: [(mnemonic, operand tuples)], where
    "{x}" placeholders are NAMEs spelled ``__ringvm_arg_x__``."""
    got = _templates.get(mn)
    if got is None:
        got = []
        for text in ISA.pseudos[mn].expand:
            for arg in ISA.pseudos[mn].operands:
                text = text.replace("{" + arg + "}", _PLACEHOLDER.format(arg))
            try:
                stmt = parse_line(text).stmt
            except LineSyntaxError as e:   # a broken ISA table, not a user mistake
                raise RuntimeError(f"pseudo {mn}: template {text!r}: {e.msg}") from None
            got.append((stmt[2], stmt[3]))
        _templates[mn] = got
    return got


def _instantiate(top: tuple, args: dict, col: int) -> tuple | None:
    """A template operand with placeholders replaced by the user's operands."""
    if top[0] == "expr":
        e = top[2]
        if e[0] == "sym" and e[2].startswith("__ringvm_arg_"):
            return args.get(e[2][len("__ringvm_arg_"):-2])
        mapping = {}
        for name, op in args.items():
            if op[0] == "expr":
                mapping[_PLACEHOLDER.format(name)] = op[2]
        return ("expr", col, substitute(e, mapping))
    _, _c, e, reg, _rc = top
    if reg.startswith("__ringvm_arg_"):
        op = args.get(reg[len("__ringvm_arg_"):-2])
        if op is None or op[0] != "expr" or op[2][0] != "sym":
            return None
        return ("mem", col, e, op[2][2], op[2][1])
    return ("mem", col, e, reg, col)
