"""Event tracing: ``--trace insn,trap,tlb,mmio,vm,irq`` (or ``all``), one line per event.

Tracing never touches the engines' fast path: while a :class:`Tracer` is attached the
Machine runs the engine one step at a time (``engine.run(1)``) and the tracer diffs the
architectural state and counters of every CPU before and after each step. With no
tracer the Machine runs large batches and this module is not even imported.

Line format (``@N`` is the CPU's cycle counter at the start of the step)::

    cpu0 @17 insn r0  0x80000010  0x10a00001  addi a0, zero, 1
    cpu0 @18 trap SYSCALL epc=0x00001004 badvaddr=0x00000000 -> ring 0 pc=0x80000100
    cpu0 @19 irq  TIMER taken epc=0x00001008 -> ring 0 pc=0x80000100
    cpu0 @19 irq  DISK pending
    cpu0 @20 tlb  [5] <- vpn=0x00001 asid=1 vmid=0 pfn=0x00001 flags=VRWXU
    cpu0 @21 tlb  flush: 3 entries invalidated
    cpu0 @22 mmio write console.DATA <- 0x00000068
    cpu0 @23 vm   exit HYPERCALL hepc=0x00000010 hqual=0x0 hgpa=0x0 -> pc=0x80000200
    cpu0 @24 vm   enter vmid=1 pc=0x00000000 ring 0
"""
from __future__ import annotations

import sys

from ringvm.errors import UserError
from ringvm.isa import ISA

FLAGS = ("insn", "trap", "tlb", "mmio", "vm", "irq")

_C = {name: ISA.csrs[name].number for name in
      ("epc", "cause", "badvaddr", "tvec", "hepc", "hcause", "hbadvaddr", "hvec",
       "hqual", "hgpa", "hinsn", "hvmid")}
_DEV_PAGE = ISA.memory["device_page"]
_DEVICES = {d.base: d for d in ISA.devices.values()}


def parse_flags(text: str) -> set[str]:
    """``"insn,trap"`` -> {"insn", "trap"}; ``"all"`` -> every flag. Raises
    :class:`UserError` for an unknown flag."""
    out = set()
    for part in text.split(","):
        part = part.strip().lower()
        if not part:
            continue
        if part == "all":
            out.update(FLAGS)
        elif part in FLAGS:
            out.add(part)
        else:
            raise UserError(f"unknown trace flag {part!r} (choose from {', '.join(FLAGS)}, all)")
    if not out:
        raise UserError("--trace needs at least one flag")
    return out


def _disassembler():
    try:
        from ringvm.assembler.disasm import disassemble_word
        return disassemble_word
    except ImportError:
        return None


def _fallback_disasm(word: int) -> str:
    d = ISA.decode(word)
    if d is None:
        return f".word 0x{word:08x}"
    ins, fields = d
    return ins.mnemonic + " " + ", ".join(f"{k}={v}" for k, v in fields.items())


def _reg_name(dev, offset: int) -> str:
    for r in dev.registers:
        if r.offset == offset:
            return f"{dev.name}.{r.name}"
    return f"{dev.name}+0x{offset:03x}"


def _flags_str(flags: int) -> str:
    return ISA.tlb.flag_string(flags) or "-"


class Tracer:
    """Writes trace lines for ``flags`` (a set from :data:`FLAGS`) to ``out`` (a text
    stream; default stderr). Attach with ``machine.tracer = Tracer(machine, flags)``.

    ``describe(addr) -> str`` names an address (``<sym+0x8> (file.s:12)``, "" when
    unknown; the CLI passes :class:`ringvm.emulator.images.symbols.Symbolizer`'s) for
    the epc of trap and interrupt lines; ``syscall_name(number) -> str | None`` names
    the system call of a SYSCALL trap (a7 before the trap; the ABI table's names)."""

    def __init__(self, machine, flags: set[str], out=None, describe=None,
                 syscall_name=None):
        self.describe = describe
        self.syscall_name = syscall_name
        self.m = machine
        self.flags = set(flags)
        self.out = out if out is not None else sys.stderr
        self._dis = _disassembler()
        self._syms = None
        self._pre = None
        self._pre_counters = None
        self._words: dict[int, int | None] = {}
        self._python_mmio = False
        self.lines = 0

    # -- helpers
    def _emit(self, cpu: int, cycle: int, kind: str, text: str) -> None:
        self.out.write(f"cpu{cpu} @{cycle} {kind:<4} {text}\n")
        self.lines += 1

    def _disasm(self, word: int, pc: int) -> str:
        if self._dis is not None:
            try:
                if self._syms is None:   # labels only: constants name no address
                    self._syms = self.m.image.by_address if self.m.image else []
                return self._dis(word, pc, self._syms)
            except Exception:  # noqa: BLE001 - tracing must never kill the run
                pass
        return _fallback_disasm(word)

    def _fetch_word(self, cpu: int, pc: int) -> int | None:
        paddr, _ = self.m.engine.translate(cpu, pc, "fetch")
        if paddr is None or paddr + 4 > len(self.m.ram):
            return None
        return int.from_bytes(self.m.ram[paddr:paddr + 4], "little")

    # -- hooks called by Machine.run
    def before(self) -> None:
        eng = self.m.engine
        n = self.m.config.ncpus
        self._pre = [eng.get_cpu(i) for i in range(n)]
        self._pre_counters = eng.counters()["cpus"]
        self._python_mmio = False
        self._words = {}
        if self.flags & {"insn", "mmio"}:
            for i, st in enumerate(self._pre):
                if st.mode == "running":
                    self._words[i] = self._fetch_word(i, st.pc)

    def console(self, data: bytes) -> None:
        """Guest output of this step (not traced: mmio shows the register writes)."""

    def mmio(self, req, dev, value: int, bus_error: bool) -> None:
        if "mmio" not in self.flags:
            return
        self._python_mmio = True
        pre = self._pre[req.cpu] if self._pre else None
        cycle = pre.cycle if pre else 0
        name = _reg_name(_DEVICES[dev.base], req.paddr - dev.base) \
            if dev is not None and dev.base in _DEVICES else f"0x{req.paddr:08x}"
        if bus_error:
            self._emit(req.cpu, cycle, "mmio", f"{'write' if req.is_write else 'read'} "
                                               f"{name}: bus error")
        elif req.is_write:
            self._emit(req.cpu, cycle, "mmio", f"write {name} <- 0x{req.value & 0xFFFFFFFF:08x}")
        else:
            self._emit(req.cpu, cycle, "mmio", f"read  {name} -> 0x{value:08x}")

    def after(self, stop) -> None:
        if self._pre is None:
            return
        eng = self.m.engine
        post_counters = eng.counters()["cpus"]
        for i, pre in enumerate(self._pre):
            c0, c1 = self._pre_counters[i], post_counters[i]
            if c1["cycles"] == c0["cycles"]:
                if "irq" in self.flags:        # lines latched by another CPU (IPI)
                    post = eng.get_cpu(i)
                    if post.ipend != pre.ipend:
                        self._ipend_diff(i, pre.cycle, pre, post, [])
                continue
            post = eng.get_cpu(i)
            self._diff_cpu(i, pre, post, c0, c1)
        self._pre = None

    # -- the diff of one CPU's step
    def _diff_cpu(self, i, pre, post, c0, c1) -> None:
        f = self.flags
        cyc = pre.cycle
        retired = c1["retired"] > c0["retired"]
        word = self._words.get(i)
        if retired and "insn" in f:
            ring = f"r{pre.ring}" + ("g" if pre.v else "")
            if word is None:
                self._emit(i, cyc, "insn", f"{ring:<3} 0x{pre.pc:08x}  <unreadable>")
            else:
                self._emit(i, cyc, "insn", f"{ring:<3} 0x{pre.pc:08x}  0x{word:08x}  "
                                           f"{self._disasm(word, pre.pc)}")
        if retired and "mmio" in f and word is not None and not self._python_mmio:
            self._hot_mmio(i, cyc, pre, post, word)
        traps = [k for k, (a, b) in enumerate(zip(c0["traps_by_cause"], c1["traps_by_cause"]))
                 if b > a]
        irqs = [k for k, (a, b) in enumerate(zip(c0["interrupts_by_line"],
                                                 c1["interrupts_by_line"])) if b > a]
        exits = [k for k, (a, b) in enumerate(zip(c0["vmexits_by_reason"],
                                                  c1["vmexits_by_reason"])) if b > a]
        dest = self._dest(post)
        if "trap" in f:
            for k in traps:
                epc, bad = self._trap_regs(post)
                what = ISA.cause_names.get(k, k)
                if what == "SYSCALL":
                    what += self._syscall_text(pre.regs[17])
                self._emit(i, cyc, "trap", f"{what} epc=0x{epc:08x}{self._where(epc)} "
                                           f"badvaddr=0x{bad:08x} -> {dest}")
        if "irq" in f:
            for k in irqs:
                epc, _ = self._trap_regs(post)
                self._emit(i, cyc, "irq", f"{ISA.line_names.get(k, k)} taken epc=0x{epc:08x}"
                                          f"{self._where(epc)} -> {dest}")
            self._ipend_diff(i, cyc, pre, post, irqs)
        if "vm" in f:
            for k in exits:
                c = post.csr
                self._emit(i, cyc, "vm", f"exit {ISA.exit_reason_names.get(k, k)} "
                                         f"hepc=0x{c.get(_C['hepc'], 0):08x} "
                                         f"hqual=0x{c.get(_C['hqual'], 0):x} "
                                         f"hgpa=0x{c.get(_C['hgpa'], 0):x} "
                                         f"hinsn=0x{c.get(_C['hinsn'], 0):08x} "
                                         f"-> pc=0x{post.pc:08x}")
            if not pre.v and post.v:
                self._emit(i, cyc, "vm", f"enter vmid={post.csr.get(_C['hvmid'], 0)} "
                                         f"pc=0x{post.pc:08x} ring {post.ring}")
        if "tlb" in f and pre.tlb != post.tlb:
            changed = [j for j, (a, b) in enumerate(zip(pre.tlb, post.tlb)) if a != b]
            if c1["tlb_flushes"] > c0["tlb_flushes"]:
                self._emit(i, cyc, "tlb", f"flush: {len(changed)} entries invalidated")
            else:
                for j in changed:
                    e = post.tlb[j]
                    self._emit(i, cyc, "tlb", f"[{j}] <- vpn=0x{e.vpn:05x} asid={e.asid} "
                                              f"vmid={e.vmid} pfn=0x{e.pfn:05x} "
                                              f"flags={_flags_str(e.flags)}")

    def _ipend_diff(self, i, cyc, pre, post, irqs) -> None:
        for k in ISA.line_names:
            bit = 1 << k
            if post.ipend & bit and not pre.ipend & bit:
                self._emit(i, cyc, "irq", f"{ISA.line_names.get(k, k)} pending")
            elif pre.ipend & bit and not post.ipend & bit and k not in irqs:
                self._emit(i, cyc, "irq", f"{ISA.line_names.get(k, k)} cleared")

    def _where(self, addr: int) -> str:
        """`` <sym+0x8> (file.s:12)`` for ``addr``, or "" (no describer, unknown)."""
        if self.describe is None:
            return ""
        try:
            d = self.describe(addr)
        except Exception:  # noqa: BLE001 - tracing must never kill the run
            return ""
        return f" {d}" if d else ""

    def _syscall_text(self, number: int) -> str:
        name = None
        if self.syscall_name is not None:
            try:
                name = self.syscall_name(number)
            except Exception:  # noqa: BLE001
                name = None
        return f" {name}(a7={number})" if name else f" (a7={number})"

    @staticmethod
    def _trap_regs(post) -> tuple[int, int]:
        if post.ring == -1:
            return post.csr.get(_C["hepc"], 0), post.csr.get(_C["hbadvaddr"], 0)
        bank = post.gcsr if post.v else post.csr
        return bank.get(_C["epc"], 0), bank.get(_C["badvaddr"], 0)

    @staticmethod
    def _dest(post) -> str:
        where = "ring -1" if post.ring == -1 else (
            f"guest ring {post.ring}" if post.v else f"ring {post.ring}")
        return f"{where} pc=0x{post.pc:08x}"

    def _hot_mmio(self, i, cyc, pre, post, word) -> None:
        """Accesses to engine-owned devices (console, timer, ipi, sysctl): decode the
        retired lw/sw and see whether it reached a device page."""
        d = ISA.decode(word)
        if d is None or d[0].mnemonic not in ("lw", "sw"):
            return
        ins, fl = d
        ea = (pre.regs[fl["rs1"]] + fl["imm"]) & 0xFFFFFFFF
        access = "store" if ins.mnemonic == "sw" else "load"
        paddr, _ = self.m.engine.translate(i, ea, access)
        if paddr is None:
            return
        page = paddr & ~(_DEV_PAGE - 1)
        dev = _DEVICES.get(page)
        if dev is None:
            return
        name = _reg_name(dev, paddr - page)
        if access == "store":
            self._emit(i, cyc, "mmio", f"write {name} <- 0x{pre.regs[fl['rs2']]:08x}")
        else:
            self._emit(i, cyc, "mmio", f"read  {name} -> 0x{post.regs[fl['rd']]:08x}")
