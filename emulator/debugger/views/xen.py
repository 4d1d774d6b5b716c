"""``info domains``, ``info evtchn [DOMID]``, ``info grants [DOMID]``: the paravirtual
hypervisor's objects (guests/xen) — Xen's ``xl list``, its event-channel dump (``xl
debug-keys e``) and its grant-table dump (``xl debug-keys g``) as a debugger sees them.

They read the hypervisor's domain table and maptrack by the layout constants
guests/xen/main.s exports (``.global``), and each domain's shared-info page and grant
table in its own memory (machine address = D_MBASE + guest-physical), with the field
offsets of the hypercall table (guests/xen/hypercalls.toml)."""
from __future__ import annotations

from ringvm.isa import ISA

from ...images.hypercalls import hypercall_name, table
from ..expr import DebugError
from . import cstr, need, word

STATES = {1: "running", 2: "runnable", 3: "blocked", 4: "shutdown"}
ECS = {0: "free", 1: "unbound", 2: "interdomain", 3: "virq", 4: "pirq"}
VIRQS = {0: "VIRQ_TIMER", 1: "VIRQ_DOM_EXC", 2: "VIRQ_STORE"}

_DOM = ("dom_table", "cur_dom", "MAX_DOMS", "DOM_SHIFT", "D_DOMID", "D_STATE", "D_FLAGS",
        "D_PAGES", "D_MBASE", "D_NAME", "D_CODE", "D_CYC_LO", "D_CYC_HI", "D_GT_GPA",
        "D_GT_NR", "D_REF_GRANT", "D_REF_MMU", "D_EVENTS", "D_HCALLS", "D_HC", "D_EVTCHN",
        "VC_VMID", "VC_EXITS", "NEXIT_REASONS", "E_STATE", "E_INFO", "EVC_BYTES")


def _c(name: str) -> int:
    """A constant or struct offset of the hypercall table (``XSH_PENDING``, ...)."""
    t = table()
    if name in t.constants:
        return t.constants[name][0]
    for s in t.structs.values():
        for f in s.fields:
            if f"{s.prefix}_{f.name.upper()}" == name:
                return f.offset
    raise DebugError(f"the hypercall table has no {name}")


def _phys(dbg, addr: int, n: int = 4) -> int:
    return int.from_bytes(dbg.m.read_physical(addr, n), "little")


def _domains(dbg) -> list[tuple[int, dict]]:
    """``[(address of the slot, fields)]`` of the domains in use, in slot order."""
    L = dict(zip(_DOM, need(dbg, *_DOM)))
    out = []
    for i in range(L["MAX_DOMS"]):
        d = L["dom_table"] + (i << L["DOM_SHIFT"])
        state = word(dbg, d + L["D_STATE"])
        if state:
            out.append((d, L))
    return out


def _pick(dbg, arg: str) -> list[tuple[int, dict]]:
    doms = _domains(dbg)
    if not arg:
        return doms
    try:
        want = int(arg.removeprefix("dom"), 0)
    except ValueError:
        raise DebugError(f"expected a domain id, got {arg!r}") from None
    sel = [(d, L) for d, L in doms if word(dbg, d + L["D_DOMID"]) == want]
    if not sel:
        raise DebugError(f"no domain {want}")
    return sel


def info_domains(dbg, arg):
    doms = _pick(dbg, arg)
    if not doms:
        dbg.write("no domains (yet)")
        return
    cur = word(dbg, doms[0][1]["cur_dom"])
    dbg.write(f"   {'ID':>3} {'NAME':<8} {'STATE':<12} {'VMID':>4} {'MACHINE RAM':<23} "
              f"{'KCYCLES':>8} {'EXITS':>6} {'HCALLS':>6} {'REFUSED':>7}")
    for d, L in doms:
        def g(off, d=d, L=L):
            return word(dbg, d + L[off])
        state = g("D_STATE")
        st = STATES.get(state, str(state))
        if state == 4:
            st += f"({g('D_CODE')})"
        base, pages = g("D_MBASE"), g("D_PAGES")
        cyc = (g("D_CYC_HI") << 32 | g("D_CYC_LO")) >> 10
        refused = g("D_REF_GRANT") + g("D_REF_MMU")
        flags = g("D_FLAGS")
        mark = "*" if d == cur else " "
        dbg.write(f"{mark}  {g('D_DOMID'):>3} {cstr(dbg, d + L['D_NAME'], 16):<8} {st:<12} "
                  f"{g('VC_VMID'):>4} 0x{base:08x}+{pages * 4:>5} KiB  "
                  f"{cyc:>8} {word(dbg, d + L['VC_EXITS']):>6} {g('D_HCALLS'):>6} "
                  f"{refused:>7}{'  privileged' if flags & 1 else ''}")
        exits = [word(dbg, d + L["VC_EXITS"] + 4 * r) for r in range(1, L["NEXIT_REASONS"])]
        by = ", ".join(f"{ISA.exit_reason_name(r + 1)} {c}" for r, c in enumerate(exits) if c)
        hc = [(n, word(dbg, d + L["D_HC"] + 4 * n)) for n in range(32)]
        calls = ", ".join(f"{hypercall_name(n) or n} {c}" for n, c in hc if c)
        dbg.write(f"         exits: {by or 'none'}")
        dbg.write(f"         hypercalls: {calls or 'none'}")


def info_evtchn(dbg, arg):
    pend_off, mask_off, shinfo = _c("XSH_PENDING"), _c("XSH_MASK"), _c("XSH_ADDR")
    nports = _c("NR_EVTCHN")
    any_dom = False
    for d, L in _pick(dbg, arg):
        any_dom = True
        base = word(dbg, d + L["D_MBASE"])
        pending = _phys(dbg, base + shinfo + pend_off)
        mask = _phys(dbg, base + shinfo + mask_off)
        dbg.write(f"dom{word(dbg, d + L['D_DOMID'])} ({cstr(dbg, d + L['D_NAME'], 16)}): "
                  f"pending 0x{pending:08x}  mask 0x{mask:08x}  "
                  f"{word(dbg, d + L['D_EVENTS'])} events delivered")
        for p in range(nports):
            e = d + L["D_EVTCHN"] + p * L["EVC_BYTES"]
            state = word(dbg, e + L["E_STATE"])
            if not state:
                continue
            info = word(dbg, e + L["E_INFO"])
            kind = ECS.get(state, str(state))
            if state == 1:
                what = f"waiting for dom{info}"
            elif state == 2:
                what = f"-> dom{info >> 16} port {info & 0xFFFF}"
            elif state == 3:
                what = VIRQS.get(info, f"virq {info}")
            elif state == 4:
                what = f"line {ISA.line_name(info)}"
            else:
                what = f"0x{info:x}"
            bits = ("P" if pending >> p & 1 else "-") + ("M" if mask >> p & 1 else "-")
            dbg.write(f"   port {p:>2}  {bits}  {kind:<11} {what}")
    if not any_dom:
        dbg.write("no domains (yet)")


def info_grants(dbg, arg):
    f_flags, f_dom, f_frame = _c("XGE_FLAGS"), _c("XGE_DOMID"), _c("XGE_FRAME")
    size = table().structs["grant_entry"].size
    permit, ro = _c("GTF_PERMIT_ACCESS"), _c("GTF_READONLY")
    reading, writing = _c("GTF_READING"), _c("GTF_WRITING")
    doms = _pick(dbg, arg)
    for d, L in doms:
        gpa, nr = word(dbg, d + L["D_GT_GPA"]), word(dbg, d + L["D_GT_NR"])
        base = word(dbg, d + L["D_MBASE"])
        head = (f"dom{word(dbg, d + L['D_DOMID'])} ({cstr(dbg, d + L['D_NAME'], 16)}): ")
        if not nr:
            dbg.write(head + "no grant table")
            continue
        dbg.write(head + f"grant table at guest-physical 0x{gpa:08x}, {nr} entries, "
                         f"{word(dbg, d + L['D_REF_GRANT'])} mappings of its grants refused")
        for ref in range(min(nr, 512)):
            e = base + gpa + ref * size
            flags = _phys(dbg, e + f_flags, 2)
            if not flags & permit:
                continue
            state = ("mapped writable" if flags & writing else
                     "mapped read-only" if flags & reading else "not mapped")
            dbg.write(f"   gref {ref:>3}  to dom{_phys(dbg, e + f_dom, 2)}  frame "
                      f"0x{_phys(dbg, e + f_frame):05x}  "
                      f"{'read-only ' if flags & ro else 'read-write'}  {state}")
    mt, mmax, flags_o, mapper_o, granter_o, gref_o, frame_o, mbytes = need(
        dbg, "maptrack", "MAPTRACK_MAX", "MT_FLAGS", "MT_MAPPER", "MT_GRANTER", "MT_GREF",
        "MT_FRAME", "MT_BYTES")
    rows = []
    for h in range(mmax):
        e = mt + h * mbytes
        fl = word(dbg, e + flags_o)
        if fl:
            rows.append(f"   handle {h:>2}  dom{word(dbg, e + mapper_o)} maps dom"
                        f"{word(dbg, e + granter_o)}'s gref {word(dbg, e + gref_o)} (frame "
                        f"0x{word(dbg, e + frame_o):05x}) {'read-write' if fl & 2 else 'read-only'}")
    dbg.write(f"maptrack: {len(rows)} mapping(s) made by gnttab_map")
    for r in rows:
        dbg.write(r)


INFO = {"domains": (info_domains, "the PV hypervisor's domains (guests/xen): state, VMID, "
                                  "machine RAM, cycles, exits and hypercalls by kind "
                                  "(* = on the CPU)"),
        "evtchn": (info_evtchn, "event channels of every domain (or DOMID): state, remote "
                                "end, pending (P) and masked (M) bits"),
        "grants": (info_grants, "grant tables of every domain (or DOMID) and the mappings "
                                "the hypervisor made (maptrack)")}
