"""Call frames and code: ``backtrace``, ``frame``, ``up``, ``down``, ``disassemble``,
``list`` (frame convention: ISA.md §1, ra at fp-4, caller fp at fp-8)."""
from __future__ import annotations

import os
import re

from ringvm.isa import ISA

from .common import count_arg, cur_file, decimal_arg, resolve_location
from .expr import DebugError
from .view import CSR, status_field


def backtrace_frames(dbg, limit: int = 32) -> list[tuple[int, int]]:
    """[(pc, fp)] from the innermost frame: frame 0 from the prologue executed so far
    (``sw ra, N(sp)``, ``addi fp, sp, N``), then the fp chain (ra at fp-4, caller fp
    at fp-8)."""
    v = dbg.view
    st = dbg.cpu()
    pc, sp, fp, ra = st.pc, st.regs[2], st.regs[8], st.regs[1]
    frames = [(pc, fp)]
    sym = v.sym(pc)
    ra_slot, fp_set = None, False
    if sym is not None:
        start = pc - sym[1]
        for a in range(start, pc, 4):
            w, _ = v.fetch_word(a)
            d = ISA.decode(w) if w is not None else None
            if d is None:
                continue
            ins, f = d
            if ins.mnemonic == "sw" and f.get("rs2") == 1 and f.get("rs1") == 2:
                ra_slot = f["imm"]
            elif ins.mnemonic == "addi" and f.get("rd") == 8 and f.get("rs1") == 2:
                fp_set = True
    try:
        if fp_set:
            ret, cfp = v.word(fp - 4), v.word(fp - 8)
        elif ra_slot is not None:
            ret, cfp = v.word(sp + ra_slot), fp
        else:
            ret, cfp = ra, fp
            if sym is not None and not _calls(v, ret, pc - sym[1]):
                return frames          # ra is stale: it does not return from a call here
    except DebugError:
        return frames
    seen = set()
    while len(frames) < limit and ret and v.sym(ret) is not None and ret not in seen:
        seen.add(ret)
        frames.append((ret, cfp))
        if not cfp or cfp & 3 or cfp <= sp:
            break
        try:
            ret, nfp = v.word(cfp - 4), v.word(cfp - 8)
        except DebugError:
            break
        if nfp and nfp <= cfp:
            frames.append((ret, nfp)) if v.sym(ret) is not None and ret not in seen else None
            break
        cfp = nfp
    return frames


def _handler_entry(dbg) -> str | None:
    """If the current function is the trap or exit vector: where it was entered from."""
    st = dbg.cpu()
    s = dbg.view.sym(st.pc)
    if s is None:
        return None
    start = st.pc - s[1]
    c = dbg.view.csr_values(st)
    if st.ring == -1 and start == c["hvec"]:
        how = "VM exit" if status_field(st.csr.get(CSR["hstatus"], 0), "PV") else "trap"
        return f"ring -1 entered from 0x{c['hepc']:08x} ({how})"
    if st.ring == 0 and start == c["tvec"]:
        return f"trap handler entered from epc 0x{c['epc']:08x}"
    return None


def _calls(v, ret: int, func: int) -> bool:
    """Whether the instruction before ``ret`` is a call that may have entered ``func``
    (a ``jal`` to it, or any ``jalr ra``)."""
    w, _ = v.fetch_word(ret - 4)
    d = ISA.decode(w) if w is not None else None
    if d is None:
        return False
    ins, f = d
    if ins.mnemonic == "jal":
        return ((ret - 4 + 4 * f["imm"]) & 0xFFFFFFFF) == func
    return ins.mnemonic == "jalr" and f.get("rd") == 1


def cmd_backtrace(dbg, arg):
    n = count_arg(arg, 32)
    entry = _handler_entry(dbg)
    frames = backtrace_frames(dbg, 1 if entry else n)
    for i, (pc, fp) in enumerate(frames):
        dbg.write(f"#{i}  {dbg.view.describe(pc)}")
    if entry:
        dbg.write(f"    ({entry})")


def cmd_frame(dbg, arg):
    """Select and show call frame N (0 = innermost)."""
    n = getattr(dbg, "_frame", (0, -1))
    n = n[0] if n[1] == dbg.now else 0
    if arg:
        try:
            n = int(arg, 0)
        except ValueError:
            raise DebugError("frame N") from None
    _show_frame(dbg, n)


def _show_frame(dbg, n: int) -> None:
    frames = backtrace_frames(dbg, max(n + 1, 1))
    if not 0 <= n < len(frames):
        raise DebugError(f"no frame {n} (the backtrace has {len(frames)})")
    dbg._frame = (n, dbg.now)
    pc = frames[n][0]
    dbg.write(f"#{n}  {dbg.view.describe(pc)}")
    for line in dbg.view.source_block(pc, 1, 1)[1:]:
        dbg.view.emit(line)


def cmd_up(dbg, arg):
    cur = getattr(dbg, "_frame", (0, -1))
    cur = cur[0] if cur[1] == dbg.now else 0
    _show_frame(dbg, cur + count_arg(arg))


def cmd_down(dbg, arg):
    cur = getattr(dbg, "_frame", (0, -1))
    cur = cur[0] if cur[1] == dbg.now else 0
    if cur - count_arg(arg) < 0:
        raise DebugError("already at the innermost frame")
    _show_frame(dbg, cur - count_arg(arg))


def cmd_disassemble(dbg, arg):
    v = dbg.view
    pc = dbg.cpu().pc
    parts = arg.split()
    if parts:
        count = 16
        if len(parts) > 1:
            count = count_arg(parts[-1], limit=4096)      # as x
            parts = parts[:-1]
        start, _ = resolve_location(dbg, " ".join(parts))
    else:
        s = v.sym(pc)
        if s is None:
            start, count = pc - 16, 12
        else:
            start = pc - s[1]
            alias = v.image_alias(pc)
            delta = (alias - pc) if alias is not None else 0
            fstart = start + delta
            seg_end = min((hi for lo, hi in v.ranges if lo <= fstart < hi), default=fstart + 64)
            nxt = min([a for a, n in v.by_address if a > fstart] + [seg_end])
            count = max(1, min(128, (nxt - fstart) // 4))
    for line in v.code_lines(start, 0, count - 1, pc):
        v.emit(line)


def cmd_list(dbg, arg):
    v = dbg.view
    if arg:
        m = re.match(r"^(?:(.+):)?(\d+)$", arg.strip())
        if m:
            path = v.find_file(m.group(1)) if m.group(1) else \
                (dbg._list_pos[0] if getattr(dbg, "_list_pos", None) else cur_file(dbg))
            if path is None:
                raise DebugError(f"no source file {m.group(1) or '(current)'!r}")
            center = decimal_arg(m.group(2), "line")
        else:
            addr, _ = resolve_location(dbg, arg)
            ln = v.line_of(addr)
            if ln is None:
                raise DebugError(f"no line information for {arg}")
            path, center = ln
        first = max(1, center - 5)
    elif getattr(dbg, "_list_pos", None) and dbg._list_pos[2] == dbg.now:
        path, first = dbg._list_pos[0], dbg._list_pos[1]
    else:
        ln = v.line_of(dbg.cpu().pc)
        if ln is None:
            raise DebugError("no line information for the pc")
        path, first = ln[0], max(1, ln[1] - 5)
    text = v.source_lines(path)
    if text is None:
        raise DebugError(f"cannot read {path}")
    cur = v.line_of(dbg.cpu().pc)
    if first > len(text):
        raise DebugError(f"line {first} is past the end of {os.path.basename(path)} "
                         f"({len(text)} lines)")
    for n in range(first, min(len(text), first + 9) + 1):
        mark = "→" if cur == (path, n) else " "
        dbg.write(f"{mark}{n:5}  {text[n - 1]}")
    dbg._list_pos = (path, first + 10, dbg.now)
