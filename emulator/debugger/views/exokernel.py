"""``info bindings``, ``info envs``, ``info nic``: the exokernel's secure bindings and environments
(guests/exokernel) — which domain (library OS) owns which physical pages and disk
blocks, its image window and upcall entry, a pending revocation and what the abort
protocol took; and each environment's state, ASID, upcall counters and whether it is
in its upcall handler; the NIC queues handed to library OSes (kernel bypass,
guests/bypass). ``catch upcall`` (the EV_UPCALL events the kernel emits when it
dispatches to a library OS) stops at each dispatch.

Read through the Machine API only: the kernel exports its tables (``owner_table``,
``bowner_table``, ``env_table``, ``dom_table``) and their layouts (param.inc's
``.global`` constants)."""
from __future__ import annotations

from . import cstr, need, word

ENV_STATES = {1: "notrun", 2: "runnable", 3: "running", 4: "sleeping", 5: "pct-wait",
              6: "dying"}


def _bytes(dbg, kseg: int, n: int) -> bytes:
    return dbg.m.read_physical(kseg & 0x7FFFFFFF, n)


def _runs(table: bytes, name_of) -> list[tuple[int, int, str]]:
    """(first, last, label) for each run of equal entries, free runs left out."""
    out, start = [], 0
    for i in range(1, len(table) + 1):
        if i == len(table) or table[i] != table[start]:
            label = name_of(table[start])
            if label:
                out.append((start, i - 1, label))
            start = i
    return out


def _domains(dbg) -> dict[int, dict]:
    table, maxdom, shift, used, npages, revpfn, revdead, nrev, nab, dname, lo, hi, off = \
        need(dbg, "dom_table", "MAXDOM", "DOM_SHIFT", "D_USED", "D_NPAGES", "D_REVPFN",
             "D_REVDEAD", "D_NREVOKED", "D_NABORTED", "D_NAME", "D_IMGLO", "D_IMGHI",
             "D_IMGOFF")
    doms = {}
    for d in range(1, maxdom + 1):
        base = table + (d << shift)
        if not word(dbg, base + used):
            continue
        doms[d] = {"name": cstr(dbg, base + dname, 16), "pages": word(dbg, base + npages),
                   "revpfn": word(dbg, base + revpfn), "revdead": word(dbg, base + revdead),
                   "revoked": word(dbg, base + nrev), "aborted": word(dbg, base + nab),
                   "lo": word(dbg, base + lo), "hi": word(dbg, base + hi),
                   "off": word(dbg, base + off), "upcall": word(dbg, base + 4)}
    return doms


def info_bindings(dbg, arg):
    owner_p, npages_p, bowner_p, nblocks_p, mask, pinned, kernel, ticks_p, cons_p = need(
        dbg, "owner_table", "ram_pages", "bowner_table", "nblocks", "OWN_MASK",
        "OWN_PINNED", "OWN_KERNEL", "ticks", "console_owner")
    doms = _domains(dbg)
    ticks = word(dbg, ticks_p)
    console = word(dbg, cons_p)
    dbg.write(f"domains (tick {ticks}):")
    for d, v in doms.items():
        rev = (f"revoking page 0x{v['revpfn']:05x} (deadline tick {v['revdead']})"
               if v["revpfn"] else "no revocation pending")
        dbg.write(f"  {d} {v['name']:<10} {v['pages']:>5} pages  image "
                  f"0x{v['lo']:08x}-0x{v['hi']:08x} at pa 0x{v['off'] + v['lo']:08x}  "
                  f"upcall 0x{v['upcall']:08x}" + ("  console" if d == console else ""))
        dbg.write(f"    {rev}; given back {v['revoked']}, repossessed {v['aborted']}")

    def who(b):
        if b == 0:
            return ""
        if b == kernel:
            return "kernel"
        d = b & mask
        name = doms.get(d, {}).get("name", f"domain {d}")
        return f"{name} (domain {d})" + (" pinned" if b & pinned else "")

    n = word(dbg, npages_p)
    table = _bytes(dbg, word(dbg, owner_p), n)
    dbg.write(f"physical pages ({n}, runs of one owner; the rest is free):")
    for a, b, label in _runs(table, who):
        count = b - a + 1
        dbg.write(f"  0x{a:05x}-0x{b:05x} {count:>6} {label}")
    nb = word(dbg, nblocks_p)
    if nb:
        blocks = _bytes(dbg, word(dbg, bowner_p), nb)
        dbg.write(f"disk blocks ({nb}):")
        runs = _runs(blocks, lambda b: who(b) if b else "")
        for a, b, label in runs:
            dbg.write(f"  {a}-{b} {label}")
        if not runs:
            dbg.write("  none bound")


def info_envs(dbg, arg):
    table, nenv, shift, cur_p, st, dom, eid, inup, pend, nup, nref, ninst, nsys, ename = need(
        dbg, "env_table", "NENV", "ENV_SHIFT", "curenv", "E_STATE", "E_DOM", "E_ID",
        "E_INUP", "E_PEND", "E_NUPCALLS", "E_NREFILLS", "E_NINSTALLS", "E_NSYSCALLS",
        "E_NAME")
    cur = word(dbg, cur_p)
    dbg.write(f"  {'ENV':>3} {'DOMAIN':<12} {'STATE':<9} {'UPCALLS':>7} {'KREFILLS':>8} "
              f"{'INSTALLS':>8} {'SYSCALLS':>8}")
    for i in range(nenv):
        e = table + (i << shift)
        s = word(dbg, e + st)
        if s == 0:
            continue
        flags = []
        if word(dbg, e + inup):
            flags.append("in-upcall")
        if word(dbg, e + pend):
            flags.append("upcall-pending")
        mark = "*" if e == cur else " "
        dbg.write(f"{mark} {word(dbg, e + eid):>3} "
                  f"{cstr(dbg, e + ename, 16) + ' (' + str(word(dbg, e + dom)) + ')':<12} "
                  f"{ENV_STATES.get(s, s):<9} {word(dbg, e + nup):>7} "
                  f"{word(dbg, e + nref):>8} {word(dbg, e + ninst):>8} "
                  f"{word(dbg, e + nsys):>8}" + (" " + " ".join(flags) if flags else ""))


def info_nic(dbg, arg):
    present, kq, qdom, qpfn = need(dbg, "nic_present", "nic_kq", "nic_q_dom", "nic_q_pfn")
    if not word(dbg, present):
        dbg.write("no NIC (boot with --nic loopback)")
        return
    doms = _domains(dbg)
    dbg.write(f"  queue 0: the kernel's (its path: NIC_SEND/NIC_RECV), window at pa "
              f"0x{word(dbg, kq):08x}")
    for q in range(1, 4):
        d = word(dbg, qdom + 4 * q)
        if d:
            name = doms.get(d, {}).get("name", "?")
            dbg.write(f"  queue {q}: {name} (domain {d}), window from page "
                      f"0x{word(dbg, qpfn + 4 * q):05x}, doorbells for its ASID only")
        else:
            dbg.write(f"  queue {q}: free")


INFO = {"bindings": (info_bindings, "the exokernel's secure bindings: who owns which "
                     "physical page and disk block, per domain"),
        "envs": (info_envs, "the exokernel's environments (* = running)"),
        "nic": (info_nic, "the exokernel's NIC queues and who holds them (kernel bypass)")}
