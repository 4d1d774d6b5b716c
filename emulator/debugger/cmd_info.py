"""The ``info`` commands of ``ringvm debug``: registers, TLB, traps, points, symbols,
devices, ring -1 state, CPUs, line, frame, checkpoints."""
from __future__ import annotations

import re

from ringvm.assembler.disasm import disassemble_word
from ringvm.isa import ISA

from .cmd_stack import backtrace_frames
from .views import cpu_note, infos
from .common import signed32
from .expr import DebugError
from .model import Breakpoint, Watch
from .view import CSR, PAGE, flags_str, status_field

_TLB = ISA.tlb


def cmd_info(dbg, arg):
    parts = arg.split(None, 1)
    if not parts:
        raise DebugError("info registers|tlb|traps|breakpoints|symbols|devices|vm|cpus|"
                         "line|frame|checkpoints")
    what, rest = parts[0], (parts[1] if len(parts) > 1 else "")
    views = {name: fn for name, (fn, _help) in infos().items()}
    table = {**views, "registers": info_registers, "r": info_registers, "tlb": info_tlb,
             "traps": info_traps, "breakpoints": info_breakpoints, "b": info_breakpoints,
             "watchpoints": info_breakpoints, "symbols": info_symbols,
             "devices": info_devices, "vm": info_vm, "cpus": info_cpus, "line": info_line,
             "frame": info_frame, "checkpoints": info_checkpoints}
    fn = table.get(what)
    if fn is None:
        cands = [k for k in table if k.startswith(what)]
        if len({table[c] for c in cands}) != 1:
            raise DebugError(f"info {what}: unknown (registers tlb traps breakpoints "
                             f"symbols devices vm cpus line frame checkpoints "
                             f"{' '.join(sorted(views))})")
        fn = table[cands[0]]
    fn(dbg, rest)


def info_registers(dbg, rest):
    st = dbg.cpu()
    v = dbg.view
    if rest and rest != "all":
        for name in rest.split():
            val = v.lookup(name if name.startswith("$") else "$" + name)
            dbg.write(f"{name:<10} 0x{val & 0xFFFFFFFF:08x} {signed32(val)}")
        return
    for line in v.regs_lines(st):
        v.emit(line)
    c = v.csr_values(st)
    names = [n for n, x in ISA.csrs.items()
             if rest == "all" or (not x.guest_alias and (x.ring >= 0 or st.ring == -1 or st.v))]
    cells = []
    for n in names:
        x = ISA.csrs[n]
        if x.guest_alias and rest != "all":
            continue
        cells.append(f"{n:>9} {c[n]:08x}")
    for i in range(0, len(cells), 4):
        dbg.write("  ".join(cells[i:i + 4]))
    if rest == "all":
        dbg.write("guest copies: " + "  ".join(
            f"{n} {st.gcsr.get(x.number, 0):08x}" for n, x in ISA.csrs.items() if x.banked))


def _context_ids(st) -> tuple[int, int]:
    if st.v:
        return (st.csr.get(CSR["hvmid"], 0) & _TLB.vmid_mask,
                st.gcsr.get(CSR["asid"], 0) & _TLB.asid_mask)
    return 0, st.csr.get(CSR["asid"], 0) & _TLB.asid_mask


def info_tlb(dbg, rest):
    st = dbg.cpu()
    vmid, asid = _context_ids(st)
    dbg.write(f"cpu{dbg.cur} TLB, {len(st.tlb)} entries; context VMID {vmid} ASID {asid} "
              f"(* = usable now); flags {_TLB.flag_names}")
    shown = 0
    for i, e in enumerate(st.tlb):
        valid = e.flags & _TLB.flag("V")
        if not valid and rest != "all":
            continue
        usable = valid and e.vmid == vmid and (e.flags & _TLB.flag("G") or e.asid == asid)
        va, pa = e.vpn << _TLB.vpn_shift, e.pfn << _TLB.pfn_shift
        if e.vmid == 0:
            to = f"pa 0x{pa:08x}"
        else:                                   # guest-physical: the second stage applies
            to = f"gpa 0x{pa:08x}"
            if e.vmid == st.csr.get(CSR["hvmid"], 0) & _TLB.vmid_mask:
                base, limit = st.csr.get(CSR["hbase"], 0), st.csr.get(CSR["hlimit"], 0)
                if pa < limit:
                    to += f" (hpa 0x{base + pa:08x})"
        dbg.write(f"{'*' if usable else ' '}[{i:3}] vpn=0x{e.vpn:05x} asid={e.asid:<3} "
                  f"vmid={e.vmid:<3} pfn=0x{e.pfn:05x} flags={flags_str(e.flags)}  "
                  f"va 0x{va:08x}-0x{va + PAGE - 1:08x} -> {to}")
        shown += 1
    hidden = len(st.tlb) - shown
    if not shown:
        dbg.write("  (no valid entries)")
    if hidden and rest != "all":
        dbg.write(f"  ({hidden} invalid entries not shown: info tlb all)")


def info_traps(dbg, rest):
    c = dbg.counters()[dbg.cur]
    parts = [f"{ISA.cause_names.get(i, i)} {n}" for i, n in enumerate(c["traps_by_cause"]) if n]
    dbg.write(f"cpu{dbg.cur} exceptions: {', '.join(parts) or 'none'}")
    parts = [f"{ISA.line_names.get(i, i)} {n}" for i, n in enumerate(c["interrupts_by_line"]) if n]
    dbg.write(f"cpu{dbg.cur} interrupts: {', '.join(parts) or 'none'}")
    parts = [f"{ISA.exit_reason_names.get(i, i)} {n}"
             for i, n in enumerate(c["vmexits_by_reason"]) if n]
    dbg.write(f"cpu{dbg.cur} VM exits:   {', '.join(parts) or 'none'}")
    evs = [e for e in dbg.events if e.t < dbg.now][-16:]
    if evs:
        dbg.write("last events seen while stepping:")
        for e in evs:
            dbg.write(f"  @{e.t} cpu{e.cpu}: {e.text}")
    for line in dbg.view.event_lines(dbg.cpu())[:3]:
        dbg.view.emit(line)


def info_breakpoints(dbg, rest):
    if not dbg.points:
        dbg.write("no breakpoints, watchpoints or catchpoints")
        return
    dbg.write("Num  Type            Enb  What")
    for n in sorted(dbg.points):
        p = dbg.points[n]
        if isinstance(p, Breakpoint):
            typ = "tbreakpoint" if p.temp else "breakpoint"
            what = p.where + (f" if {p.cond}" if p.cond else "")
        elif isinstance(p, Watch):
            typ = p.kind
            what = p.where
        else:
            typ, what = "catchpoint", p.where
        hits = f"  (hit {p.hits} time{'s' if p.hits != 1 else ''})" if p.hits else ""
        dbg.write(f"{n:<4} {typ:<15} {'y' if p.enabled else 'n'}    {what}{hits}")


def info_symbols(dbg, rest):
    try:
        rx = re.compile(rest) if rest else None
    except re.error as e:
        raise DebugError(f"bad regular expression: {e}") from None
    items = sorted((a, n) for n, a in dbg.m.symbols.items() if rx is None or rx.search(n))
    for a, n in items[:300]:
        dbg.write(f"0x{a:08x}  {n}")
    if len(items) > 300:
        dbg.write(f"... {len(items) - 300} more (give a REGEX)")
    if not items:
        dbg.write("no matching symbols")


def info_devices(dbg, rest):
    m = dbg.m
    snap = m.engine.snapshot()
    dbg.write(f"sysctl   RAM {m.config.ram_size} bytes, {m.config.ncpus} CPUs"
              + (f", halted with {snap.get('halted')}" if snap.get("halted") is not None else ""))
    u = snap.get("uart", {})
    dbg.write(f"console  rx queued {len(u.get('rx', b''))} bytes, eof {bool(u.get('eof'))}, "
              f"CTRL 0x{u.get('ctrl', 0):x}")
    for i in range(m.config.ncpus):
        cmp_, interval, en = m.cpu(i).timer
        dbg.write(f"timer    cpu{i}: {'enabled' if en else 'disabled'}, compare {cmp_}, "
                  f"interval {interval}, cycle {m.cpu(i).cycle}")
    dbg.write(f"ipi      START_PC 0x{snap.get('start_pc', 0):08x}")
    for d in m.devices:
        s = d.snapshot()
        if d in m.disks:
            r = s["regs"]
            state = {0: "IDLE", 1: "BUSY", 2: "DONE", 3: "ERROR"}.get(s["state"], s["state"])
            dbg.write(f"{d.name:<8} {s['capacity']} sectors, {state} (done at cycle "
                      f"{s['done_at']}), SECTOR {r['SECTOR']} ADDR 0x{r['ADDR']:08x} COUNT "
                      f"{r['COUNT']} CTRL {r['CTRL']}, " +
                      (f"{len(s['overlay'])} sectors written (kept in memory)"
                       if s["snapshot_mode"] else "writes go to the image file"))
        else:
            dbg.write(f"{d.name:<8} {s}")
    cnt = m.counters()["devices"]
    dbg.write("counters " + ", ".join(f"{k} {v}" for k, v in cnt.items()))


def info_vm(dbg, rest):
    st = dbg.cpu()
    c = st.csr
    hs = c.get(CSR["hstatus"], 0)
    hctl = c.get(CSR["hctl"], 0)
    ctl = [name for bit, name in ISA.exit_control_names.items() if hctl >> bit & 1]
    dbg.write(f"cpu{dbg.cur}: {dbg.view.level(st)}, V={st.v}")
    dbg.write(f"hstatus 0x{hs:08x} (IE {status_field(hs, 'IE')} PIE {status_field(hs, 'PIE')} "
              f"PRING "
              f"{_signed3(status_field(hs, 'PRING'))} PV {status_field(hs, 'PV')})  hvec "
              f"0x{c.get(CSR['hvec'], 0):08x}")
    dbg.write(f"hvmid {c.get(CSR['hvmid'], 0)}  hbase 0x{c.get(CSR['hbase'], 0):08x}  hlimit "
              f"0x{c.get(CSR['hlimit'], 0):08x}  hctl 0x{hctl:x} ({' '.join(ctl) or '-'})  "
              f"tlbvmid {c.get(CSR['tlbvmid'], 0)}")
    hc = c.get(CSR["hcause"], 0)
    reason = ISA.exit_reason_names.get(hc, str(hc)) if status_field(hs, "PV") else \
        f"trap {ISA.cause_names.get(hc, hc)}"
    hinsn = c.get(CSR["hinsn"], 0)
    dbg.write(f"last exit: hcause {hc} ({reason})  hepc 0x{c.get(CSR['hepc'], 0):08x}  "
              f"hbadvaddr 0x{c.get(CSR['hbadvaddr'], 0):08x}  hgpa "
              f"0x{c.get(CSR['hgpa'], 0):08x}  hqual 0x{c.get(CSR['hqual'], 0):x}")
    dbg.write(f"hinsn 0x{hinsn:08x}" + (f" ({disassemble_word(hinsn)})" if hinsn else ""))
    g = st.gcsr
    dbg.write("guest copies: " + "  ".join(f"{n} 0x{g.get(x.number, 0):x}"
                                          for n, x in ISA.csrs.items() if x.banked))
    c0 = dbg.counters()[dbg.cur]
    parts = [f"{ISA.exit_reason_names.get(i, i)} {n}"
             for i, n in enumerate(c0["vmexits_by_reason"]) if n]
    dbg.write(f"VM exits so far: {', '.join(parts) or 'none'}")
    vms = infos().get("vms")
    if vms is not None and "vm_table" in dbg.m.symbols:   # a hypervisor's own VM table
        dbg.write("the hypervisor's VMs (info vms):")
        vms[0](dbg, "")


def _signed3(v: int) -> int:
    return v - 8 if v & 4 else v


def info_cpus(dbg, rest):
    for i in range(dbg.m.config.ncpus):
        st = dbg.m.cpu(i)
        note = cpu_note(dbg, i)        # the kernel's own view (a structure's views)
        dbg.write(f"{'*' if i == dbg.cur else ' '} cpu{i}  {dbg.view.level(st):<14} "
                  f"{st.mode:<8} pc 0x{st.pc:08x}{dbg.view.sym_suffix(st.pc, st)}  "
                  f"cycle {st.cycle}" + (f"  [{note}]" if note else ""))


def info_line(dbg, rest):
    pc = dbg.cpu().pc
    ln = dbg.view.line_of(pc)
    if ln is None:
        dbg.write(f"no line information for 0x{pc:08x}")
    else:
        dbg.write(f"{ln[0]}:{ln[1]} at {dbg.view.describe(pc)}")


def info_frame(dbg, rest):
    st = dbg.cpu()
    dbg.write(f"frame at sp 0x{st.regs[2]:08x}, fp 0x{st.regs[8]:08x}, pc "
              f"{dbg.view.describe(st.pc)}, ra 0x{st.regs[1]:08x}{dbg.view.sym_suffix(st.regs[1])}")
    frames = backtrace_frames(dbg, 2)
    if len(frames) > 1:
        dbg.write(f"caller: {dbg.view.describe(frames[1][0])}")


def info_checkpoints(dbg, rest):
    total = sum(c.nbytes for c in dbg.checkpoints)
    dbg.write(f"{len(dbg.checkpoints)} checkpoints, {total // 1024} KiB; now at step {dbg.now}")
    for c in dbg.checkpoints:
        dbg.write(f"  step {c.t:>12}  {c.nbytes // 1024:>8} KiB{'  (edit)' if c.edit else ''}")
