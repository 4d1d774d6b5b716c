"""``info threads`` and ``info spaces``: the microkernel's own objects (guests/microkernel).

``info threads`` lists every thread control block in use: its id, state (running,
ready, sending to / receiving from whom, inactive), address space, pager, name, where
its user pc is, and the interrupt lines it has pending; ``*`` marks the thread on the
CPU. ``info spaces [ASID]`` lists the address spaces — which threads run in each, who
created it, its rights and IPC allow-mask — and what each maps: runs of pages with
their physical frames, rights, and the space each mapping was derived from (the
mapping database: sigma0 at the root, then root or a pager). ``catch ipc`` (the events
device) shows the messages themselves.
"""
from __future__ import annotations

from ringvm.isa import ISA

from . import cstr, need, word

STATES = {1: "inactive", 2: "ready", 3: "sending", 4: "receiving"}
SPACE_FLAGS = ((1, "create"), (2, "irq"), (4, "halt"), (8, "kprint"), (16, "allow-all"))
TID_ANY = 0xFFFFFFFF
_T = ISA.tlb                          # tlblo layout: the page-table entries' format
_PAGE_MASK = (1 << ISA.page_bits) - 1
IRQ_TID_BASE = 0x40
SIGMA0_WINDOW = 0x20000000


def _tid(t: int) -> str:
    if t == TID_ANY:
        return "any"
    if t == 0:
        return "nobody"
    if IRQ_TID_BASE <= t < IRQ_TID_BASE + 8:
        return f"irq{t - IRQ_TID_BASE}"
    return f"0x{t:x}"


def _layout(dbg):
    (tcbs, nthread, shift, t_state, t_tid, t_space, t_pager, t_partner, t_flags, t_name,
     t_epc, t_irq) = need(dbg, "tcb_table", "NTHREAD", "TCB_SHIFT", "T_STATE", "T_TID",
                          "T_SPACE", "T_PAGER", "T_PARTNER", "T_FLAGS", "T_NAME", "T_EPC",
                          "T_IRQPEND")
    return dict(tcbs=tcbs, n=nthread, shift=shift, state=t_state, tid=t_tid, space=t_space,
                pager=t_pager, partner=t_partner, flags=t_flags, name=t_name, epc=t_epc,
                irq=t_irq)


def threads(dbg) -> list[dict]:
    """Every thread in use: a dict per TCB (also used by the tests)."""
    L = _layout(dbg)
    cur = word(dbg, need(dbg, "cur_tcb")[0])
    out = []
    for i in range(1, L["n"]):
        t = L["tcbs"] + (i << L["shift"])
        state = word(dbg, t + L["state"])
        if state == 0:
            continue
        out.append(dict(slot=i, tcb=t, tid=word(dbg, t + L["tid"]), state=state,
                        space=word(dbg, t + L["space"]), pager=word(dbg, t + L["pager"]),
                        partner=word(dbg, t + L["partner"]), flags=word(dbg, t + L["flags"]),
                        name=cstr(dbg, t + L["name"], 16), pc=word(dbg, t + L["epc"]),
                        irq=word(dbg, t + L["irq"]), current=(t == cur and state == 2)))
    return out


def info_threads(dbg, arg):
    dbg.write(f"  {'TID':>6} {'STATE':<22} {'ASID':>4} {'PAGER':>6} {'NAME':<8} PC")
    for t in threads(dbg):
        st = STATES.get(t["state"], str(t["state"]))
        if t["state"] == 2 and t["current"]:
            st = "running"
        elif t["state"] == 3:
            st = f"sending to {_tid(t['partner'])}"
        elif t["state"] == 4:
            st = f"receiving from {_tid(t['partner'])}"
        if t["flags"] & 2:
            st += " (fault)"
        elif t["flags"] & 1:
            st += " (call)"
        extra = f" irq pending 0x{t['irq']:x}" if t["irq"] else ""
        dbg.write(f"{'*' if t['current'] else ' '} {t['tid']:>#6x} {st:<22} {t['space']:>4} "
                  f"{_tid(t['pager']):>6} {t['name']:<8} 0x{t['pc']:08x}{extra}")


def _flags(f: int) -> str:
    return ",".join(n for b, n in SPACE_FLAGS if f & b) or "-"


def spaces(dbg) -> list[dict]:
    """Every address space in use, with its threads' names and its mappings."""
    table, nspace, sshift, s_pgdir, s_chief, s_flags, s_allow = need(
        dbg, "space_table", "NSPACE", "SPACE_SHIFT", "S_PGDIR", "S_CHIEF", "S_FLAGS",
        "S_ALLOW")
    ths = threads(dbg)
    out = []
    for i in range(1, nspace):
        s = table + (i << sshift)
        pgdir = word(dbg, s + s_pgdir)
        if pgdir == 0:
            continue
        out.append(dict(asid=i, pgdir=pgdir, chief=word(dbg, s + s_chief),
                        flags=word(dbg, s + s_flags), allow=word(dbg, s + s_allow),
                        threads=[t["name"] or _tid(t["tid"]) for t in ths if t["space"] == i]))
    return out


def _frame_root(dbg, pfn: int) -> int:
    nframes, ftab, devroots = need(dbg, "nframes", "frame_table", "dev_roots")
    if pfn < word(dbg, nframes):
        return word(dbg, ftab) + pfn * 16
    if 0x40000 <= pfn < 0x40010:
        return devroots + (pfn - 0x40000) * 16
    return 0


def mapping_source(dbg, asid: int, va: int, pte: int) -> int | None:
    """The address space the mapping of ``va`` in ``asid`` was derived from (its parent
    node's), 0 for sigma0's own (a root), None for a boot mapping (no node)."""
    n_key, n_parent, n_child, n_next = need(dbg, "N_KEY", "N_PARENT", "N_CHILD", "N_NEXT")
    root = _frame_root(dbg, pte >> _T.pfn_shift)
    if not root:
        return None
    key = (va & ~_PAGE_MASK) | asid
    n, steps = root, 0
    while steps < 100000:
        steps += 1
        if word(dbg, n + n_key) == key:
            parent = word(dbg, n + n_parent)
            return word(dbg, parent + n_key) & 0xFF if parent else 0
        child = word(dbg, n + n_child)
        if child:
            n = child
            continue
        while n != root and not word(dbg, n + n_next):
            n = word(dbg, n + n_parent)
        if n == root:
            return None
        n = word(dbg, n + n_next)
    return None


def mappings(dbg, asid: int, pgdir: int) -> list[tuple[int, int, int, int, int | None]]:
    """``(va, pa, pages, flags, source space)`` runs of the space's page table."""
    runs: list[list] = []
    for d in range(512):
        pt = word(dbg, pgdir + 4 * d)
        if not pt:
            continue
        raw = dbg.m.read_physical(pt & 0x7FFFFFFF, 4096)
        for e in range(1024):
            pte = int.from_bytes(raw[4 * e:4 * e + 4], "little")
            if not pte & 1:
                continue
            va = (d << (_T.vpn_shift + 10)) | (e << _T.vpn_shift)   # 1024 per level
            pa, flags = pte & ~_PAGE_MASK, pte & _T.flags_mask
            src = mapping_source(dbg, asid, va, pte)
            if runs:
                r = runs[-1]
                if (r[0] + r[2] * 4096 == va and r[1] + r[2] * 4096 == pa and r[3] == flags
                        and r[4] == src):
                    r[2] += 1
                    continue
            runs.append([va, pa, 1, flags, src])
    return [tuple(r) for r in runs]


def _rights(flags: int) -> str:
    return "".join(c if flags & b else "-" for b, c in ((2, "r"), (4, "w"), (8, "x")))


def info_spaces(dbg, arg):
    only = None
    if arg.strip():
        try:
            only = int(arg.strip(), 0)
        except ValueError:
            dbg.write("usage: info spaces [ASID]")
            return
    names = {s["asid"]: ",".join(s["threads"]) or "-" for s in spaces(dbg)}
    for s in spaces(dbg):
        if only is not None and s["asid"] != only:
            continue
        allow = "all" if s["flags"] & 16 else (
            ",".join(str(b) for b in range(32) if s["allow"] >> b & 1) or "-")
        dbg.write(f"space {s['asid']} ({names[s['asid']]}): chief {s['chief'] or '-'}, "
                  f"rights {_flags(s['flags'])}, may send to slots {allow}")
        for va, pa, pages, flags, src in mappings(dbg, s["asid"], s["pgdir"]):
            if src is None:
                frm = "boot mapping"
            elif src == 0:
                frm = "sigma0's own (root of the tree)"
            else:
                frm = f"from space {src} ({names.get(src, '?')})"
            dbg.write(f"  0x{va:08x}-0x{va + pages * 4096 - 1:08x} -> 0x{pa:08x} "
                      f"{_rights(flags)} {pages:>5} page{'s' if pages > 1 else ' '} {frm}")


INFO = {"threads": (info_threads, "the microkernel's threads (* = running): state, "
                                  "space, pager"),
        "spaces": (info_spaces, "the microkernel's address spaces and what each maps "
                                "[ASID]")}
