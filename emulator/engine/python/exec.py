"""Instruction handlers of the Python engine, one builder per instruction class.

A builder turns a decoded instruction word into a *handler*: a closure ``h(pc) ->
next pc`` bound to one CPU, which performs the instruction or raises a control-flow
signal (:class:`Trap`, :class:`VmExit`, ...) and then has no effect at all. Two signals
mean "retired": :class:`Resync` (the instruction changed state the engine's hot loop
keeps in locals: ring, V, waiting, interrupt masks, translation context) and
:class:`WatchStop` (a watched access). The engine
caches handlers by instruction word (per CPU), so decoding happens once per distinct
word. Privilege checks and guest-mode exit rules (ISA.md §4, §8) are done inside the
handlers of the classes that need them (system, tlb, csr).
"""
from __future__ import annotations

from ringvm.isa import ISA

from .cpu import (ASID_MASK, CAUSE, EXIT, HCTL, M32, PFN_SHIFT, PV_BIT, TLB_FLAGS, TLB_G,
                  TLB_NOT_FOUND, TLB_V, VMID_MASK, VPN_SHIFT, WAITING)
from .csr import RESYNC_CSRS
from .flow import MachineCheck, MmioStop, Resync, Trap, VmExit, WatchStop

LOAD, STORE, FETCH, CAS = 1, 2, 0, 3   # the engine's access kinds (hqual: mmu.QUAL)


C_ILLEGAL = CAUSE["ILLEGAL"]
C_PRIV = CAUSE["PRIVILEGED"]
MIS = {LOAD: CAUSE["MISALIGNED_LOAD"], STORE: CAUSE["MISALIGNED_STORE"],
       CAS: CAUSE["MISALIGNED_STORE"], FETCH: CAUSE["MISALIGNED_FETCH"]}
INT_MIN = 0x8000_0000

#: hctl exit control name -> the exit reason code of the VM exit it causes
EXIT_FOR_CONTROL = ISA.exit_reason_of_control


def s32(x: int) -> int:
    return x - 0x1_0000_0000 if x & INT_MIN else x


# ---------------------------------------------------------------- ALU semantics
def _div(a, b):
    if b == 0:
        return M32
    if a == INT_MIN and b == M32:
        return INT_MIN
    sa, sb = s32(a), s32(b)
    q = abs(sa) // abs(sb)
    return (-q if (sa < 0) != (sb < 0) else q) & M32


def _rem(a, b):
    if b == 0:
        return a
    if a == INT_MIN and b == M32:
        return 0
    sa, sb = s32(a), s32(b)
    r = abs(sa) % abs(sb)
    return (-r if sa < 0 else r) & M32


# Semantics as Python expressions over ``a`` (rs1), ``b`` (rs2, or the decoded imm
# field for alui) with results reduced to 32 bits. :func:`_compile` turns each entry once
# into a handler factory, so a handler is a single closure with the expression inlined.
ALU = {
    "add": "(a + b) & M32",
    "sub": "(a - b) & M32",
    "and": "a & b",
    "or": "a | b",
    "xor": "a ^ b",
    "nor": "~(a | b) & M32",
    "sll": "(a << (b & 31)) & M32",
    "srl": "a >> (b & 31)",
    "sra": "(s32(a) >> (b & 31)) & M32",
    "slt": "1 if (a ^ INT_MIN) < (b ^ INT_MIN) else 0",
    "sltu": "1 if a < b else 0",
    "mul": "(a * b) & M32",
    "mulh": "((s32(a) * s32(b)) >> 32) & M32",
    "mulhu": "(a * b) >> 32",
    "div": "_div(a, b)",            # x/0 = -1; INT_MIN/-1 = INT_MIN
    "divu": "a // b if b else M32",
    "rem": "_rem(a, b)",            # x%0 = x; INT_MIN%-1 = 0
    "remu": "a % b if b else a",
}

ALUI = {                            # b = the decoded imm (sign-extended for simm16)
    "addi": "(a + b) & M32",
    "slti": "1 if s32(a) < b else 0",
    "sltiu": "1 if a < (b & M32) else 0",
    "andi": "a & b",
    "ori": "a | b",
    "xori": "a ^ b",
    "slli": "(a << b) & M32",
    "srli": "a >> b",
    "srai": "(s32(a) >> b) & M32",
}

BRANCH = {
    "beq": "a == b",
    "bne": "a != b",
    "blt": "(a ^ INT_MIN) < (b ^ INT_MIN)",
    "bge": "(a ^ INT_MIN) >= (b ^ INT_MIN)",
    "bltu": "a < b",
    "bgeu": "a >= b",
}

_ENV = {"M32": M32, "INT_MIN": INT_MIN, "s32": s32, "_div": _div, "_rem": _rem}

_SHAPES = {
    # register-register ALU: regs[rd] = expr(regs[rs1], regs[rs2])
    "rr": ("def make(regs, rd, x, y):\n"
           "    def h(pc):\n"
           "        a = regs[x]; b = regs[y]\n"
           "        regs[rd] = {expr}\n"
           "        return (pc + 4) & M32\n"
           "    return h\n"),
    # register-immediate ALU: regs[rd] = expr(regs[rs1], imm)
    "ri": ("def make(regs, rd, x, b):\n"
           "    def h(pc):\n"
           "        a = regs[x]\n"
           "        regs[rd] = {expr}\n"
           "        return (pc + 4) & M32\n"
           "    return h\n"),
    # branch: pc + off if expr(regs[rs1], regs[rs2]) else pc + 4
    "br": ("def make(regs, x, y, off):\n"
           "    def h(pc):\n"
           "        a = regs[x]; b = regs[y]\n"
           "        if {expr}:\n"
           "            return (pc + off) & M32\n"
           "        return (pc + 4) & M32\n"
           "    return h\n"),
}


def _compile(shape: str, table: dict[str, str]) -> dict:
    """mnemonic -> handler factory built from the expression table."""
    out = {}
    for mn, expr in table.items():
        ns = dict(_ENV)
        exec(_SHAPES[shape].format(expr=expr), ns)   # noqa: S102 - our own table
        out[mn] = ns["make"]
    return out


MAKE_ALU = _compile("rr", ALU)
MAKE_ALUI = _compile("ri", ALUI)
MAKE_BRANCH = _compile("br", BRANCH)

LOADS = {"lb": (1, True), "lh": (2, True), "lw": (4, False), "lbu": (1, False),
         "lhu": (2, False)}
STORES = {"sb": 1, "sh": 2, "sw": 4}


class Builder:
    """Builds handlers for one CPU of one engine."""

    def __init__(self, eng, cpu):
        self.eng = eng
        self.cpu = cpu
        self.regs = cpu.regs
        self.by_class = {
            "alu": self.alu, "alui": self.alui, "load": self.load, "store": self.store,
            "atomic": self.atomic, "branch": self.branch, "jump": self.jump,
            "system": self.system, "tlb": self.tlb, "csr": self.csr,
        }

    def build(self, word: int):
        d = ISA.decode(word)
        if d is None:
            def illegal(pc):
                raise Trap(C_ILLEGAL, word)
            return illegal
        ins, f = d
        return self.by_class[ins.cls](ins, f, word)

    # ------------------------------------------------------------ alu / alui
    def alu(self, ins, f, word):
        if f["rd"] == 0:                       # no effect, cannot trap
            return lambda pc: (pc + 4) & M32
        return MAKE_ALU[ins.mnemonic](self.regs, f["rd"], f["rs1"], f["rs2"])

    def alui(self, ins, f, word):
        regs, rd = self.regs, f["rd"]
        if rd == 0:
            return lambda pc: (pc + 4) & M32
        if ins.mnemonic == "lui":
            value = (f["imm"] << 16) & M32

            def lui(pc):
                regs[rd] = value
                return (pc + 4) & M32
            return lui
        return MAKE_ALUI[ins.mnemonic](regs, rd, f["rs1"], f["imm"])

    # ------------------------------------------------------------ branches and jumps
    def branch(self, ins, f, word):
        return MAKE_BRANCH[ins.mnemonic](self.regs, f["rs1"], f["rs2"], f["imm"] * 4)

    def jump(self, ins, f, word):
        regs = self.regs
        mn = ins.mnemonic
        if mn == "j":
            off = f["imm"] * 4
            return lambda pc: (pc + off) & M32
        if mn == "jal":
            off = f["imm"] * 4

            def h(pc):
                regs[1] = (pc + 4) & M32
                return (pc + off) & M32
            return h
        rd, rs1, imm = f["rd"], f["rs1"], f["imm"]

        def jalr(pc):
            t = (regs[rs1] + imm) & M32
            if rd:
                regs[rd] = (pc + 4) & M32
            return t
        return jalr

    # ------------------------------------------------------------ memory
    def load(self, ins, f, word):
        if self.eng.watches:
            return self.watched(ins, f, word)
        eng, cpu, regs = self.eng, self.cpu, self.regs
        rd, rs1, imm = f["rd"], f["rs1"], f["imm"]
        size, signed = LOADS[ins.mnemonic]
        xlate, phys_read = eng.xlate, eng.phys_read
        dr = cpu.dr
        ram_size = eng.ram_size
        if size == 4:
            mv32 = eng.mv32

            def h(pc):
                va = (regs[rs1] + imm) & M32
                if va & 3:
                    raise Trap(MIS[LOAD], va)
                base = dr.get(va >> 12)
                if base is not None:                # cached useg page: a TLB hit
                    cpu.c_tlb_hits += 1
                    v = mv32[(base | (va & 0xFFF)) >> 2]
                else:
                    pa = xlate(cpu, va, LOAD)
                    if pa < ram_size:
                        v = mv32[pa >> 2]
                    else:
                        v = phys_read(cpu, pa, 4, va, rd)
                if rd:
                    regs[rd] = v
                return (pc + 4) & M32
            return h
        if size == 2:
            mv16 = eng.mv16
            sign = 0x8000 if signed else 0

            def h(pc):
                va = (regs[rs1] + imm) & M32
                if va & 1:
                    raise Trap(MIS[LOAD], va)
                base = dr.get(va >> 12)
                if base is not None:
                    cpu.c_tlb_hits += 1
                    v = mv16[(base | (va & 0xFFF)) >> 1]
                else:
                    pa = xlate(cpu, va, LOAD)
                    if pa < ram_size:
                        v = mv16[pa >> 1]
                    else:
                        v = phys_read(cpu, pa, 2, va, rd)
                if rd:
                    regs[rd] = (v - 0x10000) & M32 if v & sign else v
                return (pc + 4) & M32
            return h
        ram = eng.ram
        sign = 0x80 if signed else 0

        def h(pc):
            va = (regs[rs1] + imm) & M32
            base = dr.get(va >> 12)
            if base is not None:
                cpu.c_tlb_hits += 1
                v = ram[base | (va & 0xFFF)]
            else:
                pa = xlate(cpu, va, LOAD)
                if pa < ram_size:
                    v = ram[pa]
                else:
                    v = phys_read(cpu, pa, 1, va, rd)
            if rd:
                regs[rd] = (v - 0x100) & M32 if v & sign else v
            return (pc + 4) & M32
        return h

    def store(self, ins, f, word):
        if self.eng.watches:
            return self.watched(ins, f, word)
        eng, cpu, regs = self.eng, self.cpu, self.regs
        rs2, rs1, imm = f["rs2"], f["rs1"], f["imm"]
        size = STORES[ins.mnemonic]
        xlate, phys_write = eng.xlate, eng.phys_write
        dw = cpu.dw
        ram_size = eng.ram_size
        if size == 4:
            mv32 = eng.mv32

            def h(pc):
                va = (regs[rs1] + imm) & M32
                if va & 3:
                    raise Trap(MIS[STORE], va)
                base = dw.get(va >> 12)
                if base is not None:                # cached useg page: a TLB hit
                    cpu.c_tlb_hits += 1
                    mv32[(base | (va & 0xFFF)) >> 2] = regs[rs2]
                    return (pc + 4) & M32
                pa = xlate(cpu, va, STORE)
                if pa < ram_size:
                    mv32[pa >> 2] = regs[rs2]
                else:
                    phys_write(cpu, pa, 4, regs[rs2], va)
                return (pc + 4) & M32
            return h
        if size == 2:
            mv16 = eng.mv16

            def h(pc):
                va = (regs[rs1] + imm) & M32
                if va & 1:
                    raise Trap(MIS[STORE], va)
                base = dw.get(va >> 12)
                if base is not None:
                    cpu.c_tlb_hits += 1
                    mv16[(base | (va & 0xFFF)) >> 1] = regs[rs2] & 0xFFFF
                    return (pc + 4) & M32
                pa = xlate(cpu, va, STORE)
                if pa < ram_size:
                    mv16[pa >> 1] = regs[rs2] & 0xFFFF
                else:
                    phys_write(cpu, pa, 2, regs[rs2], va)
                return (pc + 4) & M32
            return h
        ram = eng.ram

        def h(pc):
            va = (regs[rs1] + imm) & M32
            base = dw.get(va >> 12)
            if base is not None:
                cpu.c_tlb_hits += 1
                ram[base | (va & 0xFFF)] = regs[rs2] & 0xFF
                return (pc + 4) & M32
            pa = xlate(cpu, va, STORE)
            if pa < ram_size:
                ram[pa] = regs[rs2] & 0xFF
            else:
                phys_write(cpu, pa, 1, regs[rs2], va)
            return (pc + 4) & M32
        return h

    def atomic(self, ins, f, word):
        if self.eng.watches:
            return self.watched(ins, f, word)
        eng, cpu, regs = self.eng, self.cpu, self.regs
        rd, rs1, rs2 = f["rd"], f["rs1"], f["rs2"]
        mv32, ram_size = eng.mv32, eng.ram_size

        def cas(pc):
            va = regs[rs1]
            if va & 3:
                raise Trap(MIS[CAS], va)
            pa = eng.xlate(cpu, va, CAS)
            if pa >= ram_size:
                eng.bus_error(cpu, va, pa, CAS)   # devices: no cas
            old = mv32[pa >> 2]
            if old == regs[rd]:
                mv32[pa >> 2] = regs[rs2]
            if rd:
                regs[rd] = old
            return (pc + 4) & M32
        return cas

    def watched(self, ins, f, word):
        """Load/store/cas while watchpoints are armed: the same access (through the
        full translation, which counts TLB hits exactly like the page caches), then
        the watchpoint check, which may end the retired instruction with WatchStop."""
        eng, cpu, regs = self.eng, self.cpu, self.regs
        mv32, mv16, ram, ram_size = eng.mv32, eng.mv16, eng.ram, eng.ram_size
        xlate, phys_read, phys_write = eng.xlate, eng.phys_read, eng.phys_write
        check = eng.watch_check
        rs1 = f["rs1"]
        if ins.cls == "atomic":
            rd, rs2 = f["rd"], f["rs2"]

            def cas(pc):
                va = regs[rs1]
                if va & 3:
                    raise Trap(MIS[CAS], va)
                pa = xlate(cpu, va, CAS)
                if pa >= ram_size:
                    eng.bus_error(cpu, va, pa, CAS)
                old = mv32[pa >> 2]
                if old == regs[rd]:
                    mv32[pa >> 2] = regs[rs2]
                if rd:
                    regs[rd] = old
                check(cpu, va, pa, 4, CAS, (pc + 4) & M32)
                return (pc + 4) & M32
            return cas
        imm = f["imm"]
        if ins.cls == "load":
            rd = f["rd"]
            size, signed = LOADS[ins.mnemonic]
            sign = (1 << (8 * size - 1)) if signed else 0

            def load(pc):
                va = (regs[rs1] + imm) & M32
                if va & (size - 1):
                    raise Trap(MIS[LOAD], va)
                pa = xlate(cpu, va, LOAD)
                if pa >= ram_size:
                    v = phys_read(cpu, pa, size, va, rd)
                elif size == 4:
                    v = mv32[pa >> 2]
                elif size == 2:
                    v = mv16[pa >> 1]
                else:
                    v = ram[pa]
                if v & sign:
                    v = (v - (sign << 1)) & M32
                if rd:
                    regs[rd] = v
                check(cpu, va, pa, size, LOAD, (pc + 4) & M32)
                return (pc + 4) & M32
            return load
        rs2 = f["rs2"]
        size = STORES[ins.mnemonic]

        def store(pc):
            va = (regs[rs1] + imm) & M32
            if va & (size - 1):
                raise Trap(MIS[STORE], va)
            pa = xlate(cpu, va, STORE)
            v = regs[rs2]
            if pa >= ram_size:
                phys_write(cpu, pa, size, v, va)
            elif size == 4:
                mv32[pa >> 2] = v
            elif size == 2:
                mv16[pa >> 1] = v & 0xFFFF
            else:
                ram[pa] = v & 0xFF
            check(cpu, va, pa, size, STORE, (pc + 4) & M32)
            return (pc + 4) & M32
        return store

    # ------------------------------------------------------------ privilege
    def _check(self, ins, word):
        """Privilege check and guest exit rules (ISA.md §8, rules 1-4) for a
        non-CSR instruction. Raises; returns nothing when it may execute."""
        cpu = self.cpu
        if cpu.v:
            if ins.mnemonic == "hcall":
                raise VmExit(EXIT["HYPERCALL"])
            if ins.ring == -1:
                raise VmExit(EXIT["PRIV"])
            if ins.ring == 0 and cpu.ring > 0:
                raise Trap(C_PRIV, word)
            if ins.exit and cpu.hctl & HCTL[ins.exit]:
                raise VmExit(EXIT_FOR_CONTROL[ins.exit])
        elif ins.ring < cpu.ring:
            raise Trap(C_PRIV, word)

    # ------------------------------------------------------------ system
    def system(self, ins, f, word):
        eng, cpu, regs = self.eng, self.cpu, self.regs
        check = self._check
        mn = ins.mnemonic
        if mn == "syscall":
            def h(pc):
                raise Trap(CAUSE["SYSCALL"], 0)
        elif mn == "break":
            def h(pc):
                raise Trap(CAUSE["BREAKPOINT"], 0)
        elif mn == "hcall":
            def h(pc):
                check(ins, word)
                raise Trap(CAUSE["HYPERCALL"], 0)
        elif mn == "rfe":
            def h(pc):
                check(ins, word)
                raise Resync(eng.do_rfe(cpu))
        elif mn == "wfi":
            def h(pc):
                check(ins, word)
                cpu.mode = WAITING
                raise Resync((pc + 4) & M32)
        elif mn == "vmenter":
            def h(pc):
                check(ins, word)
                if cpu.hvmid == 0:
                    raise Trap(C_ILLEGAL, word)
                cpu.hstatus |= PV_BIT
                raise Resync(eng.do_rfe(cpu))
        elif mn == "getst":
            rd = f["rd"]

            def h(pc):
                check(ins, word)
                v = cpu.status_word(bool(cpu.v))
                if rd:
                    regs[rd] = v
                return (pc + 4) & M32
        else:  # pragma: no cover - the ISA table has no other system instruction
            raise AssertionError(mn)
        return h

    # ------------------------------------------------------------ TLB
    def tlb(self, ins, f, word):
        cpu = self.cpu
        check = self._check
        op = getattr(self, "_" + ins.mnemonic)
        rs1 = f.get("rs1", 0)
        regs = self.regs

        def h(pc):
            check(ins, word)
            op(regs[rs1])
            cpu.flush_xlate()
            raise Resync((pc + 4) & M32)
        return h

    def _writer_vmid(self):
        cpu = self.cpu
        if cpu.v:
            return cpu.hvmid
        return cpu.tlbvmid if cpu.ring == -1 else 0

    def _context_vmid(self):
        cpu = self.cpu
        return cpu.hvmid if cpu.v else 0

    def _write_entry(self, i):
        cpu = self.cpu
        b = cpu.bank()
        cpu.tlb_set(i, b.tlbhi >> VPN_SHIFT, b.tlbhi & ASID_MASK, self._writer_vmid(),
                    b.tlblo >> PFN_SHIFT, b.tlblo & TLB_FLAGS)
        cpu.c_tlb_writes += 1
        if cpu.tl is not None:      # timeline: TLBW record (native/api.h RV_TL_TLBW)
            cpu.tl.append((cpu.index, cpu.cycle, 4, cpu.t_vpn[i],
                           cpu.t_asid[i] | cpu.t_vmid[i] << 8 | i << 16))

    def _tlbwi(self, _):
        cpu = self.cpu
        self._write_entry(cpu.bank().tlbidx % cpu.ntlb)

    def _tlbwr(self, _):
        cpu = self.cpu
        n = cpu.ntlb
        wired = min(cpu.bank().wired, n - 1)
        self._write_entry(wired + cpu.cycle % (n - wired))

    def _tlbr(self, _):
        cpu = self.cpu
        b = cpu.bank()
        i = b.tlbidx % cpu.ntlb
        if cpu.v and cpu.t_vmid[i] != cpu.hvmid:
            b.tlbhi = b.tlblo = 0
            return
        b.tlbhi = (cpu.t_vpn[i] << VPN_SHIFT) | cpu.t_asid[i]
        b.tlblo = (cpu.t_pfn[i] << PFN_SHIFT) | cpu.t_flags[i]
        if cpu.ring == -1:
            cpu.tlbvmid = cpu.t_vmid[i]

    def _tlbp(self, _):
        cpu = self.cpu
        b = cpu.bank()
        m = cpu.tlb_matches(b.tlbhi >> VPN_SHIFT, self._context_vmid(), b.tlbhi & ASID_MASK)
        b.tlbidx = m[0] if m else TLB_NOT_FOUND

    def _invalidate(self, pred):
        cpu = self.cpu
        for i in range(cpu.ntlb):
            if cpu.t_flags[i] & TLB_V and pred(i):
                cpu.tlb_set(i, 0, 0, 0, 0, 0)
        cpu.c_tlb_flushes += 1

    def _tlbinv(self, _):
        cpu = self.cpu
        if cpu.ring == -1 and not cpu.v:
            self._invalidate(lambda i: True)
        else:
            vmid = self._context_vmid()
            self._invalidate(lambda i: cpu.t_vmid[i] == vmid)

    def _tlbinvasid(self, value):
        cpu = self.cpu
        vmid, asid = self._context_vmid(), value & ASID_MASK
        self._invalidate(lambda i: cpu.t_vmid[i] == vmid and cpu.t_asid[i] == asid
                         and not cpu.t_flags[i] & TLB_G)

    def _tlbinvvmid(self, value):
        cpu = self.cpu
        vmid = value & VMID_MASK
        self._invalidate(lambda i: cpu.t_vmid[i] == vmid)

    # ------------------------------------------------------------ CSR
    def csr(self, ins, f, word):
        eng, cpu, regs = self.eng, self.cpu, self.regs
        rd, rs1, num = f["rd"], f["rs1"], f["imm"]
        c = ISA.csr_by_number.get(num)
        mn = ins.mnemonic
        if c is None:
            def unknown(pc):
                raise Trap(C_ILLEGAL, word)
            return unknown
        writes = mn == "csrrw" or rs1 != 0
        csr_exit = HCTL["CSR"]
        resync = num in RESYNC_CSRS

        def h(pc):
            # privilege and guest rules
            if cpu.v:
                if c.ring == -1:
                    raise VmExit(EXIT["CSR"], qual=num)
                if c.ring == 0 and cpu.ring > 0:
                    raise Trap(C_PRIV, word)
                if c.banked and cpu.hctl & csr_exit:
                    raise VmExit(EXIT["CSR"], qual=num)
            elif c.ring < cpu.ring:
                raise Trap(C_PRIV, word)
            if writes and c.access == "r":
                raise Trap(C_ILLEGAL, word)
            old = eng.csr_read(cpu, num)
            if writes:
                src = regs[rs1]
                if mn == "csrrw":
                    new = src
                elif mn == "csrrs":
                    new = old | src
                else:
                    new = old & ~src & M32
                eng.csr_write(cpu, num, new)
                if resync:
                    if rd:
                        regs[rd] = old
                    raise Resync((pc + 4) & M32)
            if rd:
                regs[rd] = old
            return (pc + 4) & M32
        return h


__all__ = ["Builder", "Trap", "VmExit", "MachineCheck", "MmioStop", "Resync", "WatchStop",
           "LOAD", "STORE", "FETCH", "CAS"]
