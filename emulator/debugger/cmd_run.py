"""Running commands of ``ringvm debug``: stepping (by instruction or source line, into
or over calls), continue/finish/until/advance, and going back (reverse-stepi,
reverse-step, reverse-next, reverse-continue, goto-step); console input."""
from __future__ import annotations

from ringvm.isa import ISA

from .cmd_stack import backtrace_frames
from .common import (check_running, count_arg, machine_stopped, report, resolve_location,
                     signed32)
from .expr import DebugError
from .model import StopInfo


# ---------------------------------------------------------------- stepping
def cmd_stepi(dbg, arg):
    check_running(dbg)
    si = None
    for _ in range(count_arg(arg)):
        stop = dbg.step_cpu(dbg.cur)
        si = machine_stopped(stop)
        if si or dbg.interrupted:
            break
    dbg.interrupted = False
    report(dbg, si)


def _insn_at_pc(dbg):
    st = dbg.cpu()
    w, _ = dbg.view.fetch_word(st.pc)
    if w is None:
        return st, None, None
    d = ISA.decode(w)
    return st, w, d


def _level(dbg, st) -> tuple:
    """Ring, guest mode and address space: a return must come back to the same ones."""
    c = dbg.view.csr_values(st)
    return st.ring, st.v, c["asid"] & ISA.tlb.asid_mask


def _is_call(d) -> bool:
    if d is None:
        return False
    ins, f = d
    if ins.mnemonic == "jal":
        return True
    if ins.mnemonic == "jalr":
        return f.get("rd") == 1
    return ins.mnemonic in ("syscall", "hcall")


def _step_over(dbg) -> StopInfo | None:
    """One instruction; a call or syscall runs until it returns to the next one."""
    st, w, d = _insn_at_pc(dbg)
    if not _is_call(d):
        return machine_stopped(dbg.step_cpu(dbg.cur))
    k, ret, sp0, lvl = dbg.cur, (st.pc + 4) & 0xFFFFFFFF, st.regs[2], _level(dbg, st)

    def ok(cpu, s):
        return cpu == k and _level(dbg, s) == lvl and s.regs[2] >= sp0
    si = dbg.resume(internal={ret}, internal_ok=ok)
    return None if si.kind == "internal" else si


def cmd_nexti(dbg, arg):
    check_running(dbg)
    si = None
    for _ in range(count_arg(arg)):
        si = _step_over(dbg)
        if si:
            break
    report(dbg, si)


STEP_LIMIT = 200_000


def _line_step(dbg, over: bool) -> StopInfo | None:
    v = dbg.view
    st = dbg.cpu()
    start_pc, start, level = st.pc, v.line_of(st.pc), _level(dbg, st)
    bps = dbg.armed_bp_addrs()
    for _ in range(STEP_LIMIT):
        if over:
            si = _step_over(dbg)
        else:
            si = machine_stopped(dbg.step_cpu(dbg.cur))
        if si:
            return si
        if dbg.interrupted:
            dbg.interrupted = False
            return StopInfo("interrupted", "interrupted (Ctrl-C)")
        st = dbg.cpu()
        pc = st.pc
        ln = v.line_of(pc)
        if _level(dbg, st) != level:
            return None                  # a trap, an rfe, a VM entry or exit: stop there
        if pc in bps and pc != start_pc:
            b = next(b for b in dbg.breakpoints() if b.enabled and b.addr == pc)
            b.hits += 1
            return StopInfo("breakpoint", f"Breakpoint {b.num}, cpu{dbg.cur} at "
                                          f"{v.describe(pc)}", dbg.cur, b)
        if start is None or (ln is not None and ln != start):
            return None
    return StopInfo("limit", f"no new source line after {STEP_LIMIT} instructions")


def _line_steps(dbg, arg, one_line, over: bool):
    """``step``/``next`` and their reverse: N source lines (``one_line`` moves by one),
    stopping early at any stop."""
    si = None
    for _ in range(count_arg(arg)):
        si = one_line(dbg, over=over)
        if si:
            break
    report(dbg, si)


def cmd_step(dbg, arg):
    check_running(dbg)
    _line_steps(dbg, arg, _line_step, over=False)


def cmd_next(dbg, arg):
    check_running(dbg)
    _line_steps(dbg, arg, _line_step, over=True)


def cmd_continue(dbg, arg):
    check_running(dbg)
    n = None
    if arg:
        n = count_arg(arg)
    si = dbg.resume(max_steps=n)
    report(dbg, si)


def _run_to(dbg, addrs: set[int], text: str) -> None:
    check_running(dbg)
    st = dbg.cpu()
    k, lvl = dbg.cur, _level(dbg, st)

    def ok(cpu, s):
        return cpu == k and _level(dbg, s) == lvl
    if text:
        dbg.write(text)
    si = dbg.resume(internal=addrs, internal_ok=ok)
    report(dbg, None if si.kind == "internal" else si)


def cmd_finish(dbg, arg):
    frames = backtrace_frames(dbg, 2)
    if len(frames) < 2:
        raise DebugError("finish: no caller frame (outermost frame, or no frame information)")
    st = dbg.cpu()
    ret, sp0, k, lvl = frames[1][0], st.regs[2], dbg.cur, _level(dbg, st)
    check_running(dbg)
    dbg.write(f"Run till exit from #0 {dbg.view.describe(st.pc)}")

    def ok(cpu, s):
        return cpu == k and _level(dbg, s) == lvl and s.regs[2] >= sp0
    si = dbg.resume(internal={ret}, internal_ok=ok)
    if si.kind == "internal":
        a0 = dbg.cpu().regs[10]
        dbg.write(f"Value returned: a0 = 0x{a0:08x} ({signed32(a0)})")
        si = None
    report(dbg, si)


def cmd_until(dbg, arg):
    if arg:
        return cmd_advance(dbg, arg)
    check_running(dbg)
    st = dbg.cpu()
    start_pc = st.pc
    sym0 = dbg.view.sym(start_pc)
    si = None
    for _ in range(10_000):
        si = _line_step(dbg, over=True)
        if si:
            break
        pc = dbg.cpu().pc
        s = dbg.view.sym(pc)
        if pc > start_pc or (s and sym0 and s[0] != sym0[0]):
            break
    report(dbg, si)


def cmd_advance(dbg, arg):
    if not arg:
        raise DebugError("advance needs a location")
    addr, where = resolve_location(dbg, arg)
    addrs = {addr}
    frames = backtrace_frames(dbg, 2)
    if len(frames) >= 2:
        addrs.add(frames[1][0])
    _run_to(dbg, addrs, "")


# ---------------------------------------------------------------- reverse
def cmd_reverse_stepi(dbg, arg):
    for _ in range(count_arg(arg)):
        t = dbg.prev_step_time(dbg.cur)
        if t is None:
            report(dbg, StopInfo("start", "no earlier instruction: this is the beginning of "
                                          "the recorded history"))
            return
        dbg.goto(t)
    report(dbg, None)


def _reverse_line(dbg, over: bool) -> StopInfo | None:
    """Back to the first instruction of the previous source line. ``over``: positions
    in deeper frames (sp below the starting one) or at another level (a trap handler,
    another address space) do not count, so calls and interrupts are stepped over."""
    v = dbg.view
    st = dbg.cpu()
    start, lvl, sp0 = v.line_of(st.pc), _level(dbg, st), st.regs[2]

    def func(pc):
        f = v.sym(pc)
        return None if f is None else pc - f[1]
    f0 = func(st.pc)

    def counts(s):
        if not over:
            return True
        if _level(dbg, s) != lvl:
            return False
        return s.regs[2] >= sp0 or (f0 is not None and func(s.pc) == f0)

    line = None
    for _ in range(STEP_LIMIT):
        t = dbg.prev_step_time(dbg.cur)
        if t is None:
            return StopInfo("start", "beginning of the recorded history")
        dbg.goto(t)
        s = dbg.cpu()
        if not counts(s):
            continue
        ln = v.line_of(s.pc)
        if start is None or (ln is not None and ln != start):
            line = ln
            break
    if line is None:
        return None
    best = dbg.now
    for _ in range(STEP_LIMIT):
        t = dbg.prev_step_time(dbg.cur)
        if t is None:
            break
        dbg.goto(t)
        s = dbg.cpu()
        if not counts(s):
            continue
        if v.line_of(s.pc) != line:
            break
        best = dbg.now
    dbg.goto(best)
    return None


def cmd_reverse_step(dbg, arg):
    _line_steps(dbg, arg, _reverse_line, over=False)


def cmd_reverse_next(dbg, arg):
    _line_steps(dbg, arg, _reverse_line, over=True)


def cmd_reverse_continue(dbg, arg):
    """Back to the latest breakpoint, watchpoint or catchpoint hit before now: from
    each earlier checkpoint (latest first) the machine runs forward to the next one
    with every point armed, quietly, noting each hit; the last hit found wins. Hit
    counts, temporary breakpoints and guest output are as before the search."""
    now0 = dbg.now
    cks = [c for c in dbg.checkpoints if c.t < now0]
    if not cks:
        report(dbg, StopInfo("start", "beginning of the recorded history"))
        return
    armed = dbg.armed_bp_addrs() or dbg.engine_watches() or dbg.catches()
    saved = dict(dbg.points)
    hits0 = {n: p.hits for n, p in saved.items()}
    found: list[tuple[int, int, str]] = []
    end = now0
    dbg.quiet_runs = True
    try:
        for ck in reversed(cks) if armed else ():
            dbg._restore(ck)
            while dbg.now < end:
                si = dbg.resume(max_steps=end - dbg.now)
                if si.kind in ("breakpoint", "watchpoint", "catch"):
                    if dbg.now < now0:
                        found.append((dbg.now, dbg.cur, si.text))
                    continue
                break               # the end of the stretch, or the machine stopped
            if found:
                break
            end = ck.t
    finally:
        dbg.quiet_runs = False
        dbg.points = saved
        for n, p in saved.items():
            p.hits = hits0[n]
    if found:
        t, cpu, text = found[-1]
        dbg.goto(t)
        dbg.cur = cpu
        for p in saved.values():                    # the hit we went back to counts
            if text.startswith((f"Breakpoint {p.num},", f"Temporary breakpoint {p.num},",
                                f"Watchpoint {p.num}:", f"Catchpoint {p.num} ")):
                p.hits += 1
        report(dbg, StopInfo("breakpoint", text + " (reverse)", cpu))
        return
    dbg.goto(cks[0].t)
    report(dbg, StopInfo("start", "no earlier breakpoint, watchpoint or catchpoint hit: "
                                  f"at the beginning of the recorded history (step "
                                  f"{dbg.now})"))


def cmd_goto_step(dbg, arg):
    try:
        t = int(arg, 0)
    except ValueError:
        raise DebugError("goto-step needs a step number") from None
    if t < dbg.checkpoints[0].t:
        raise DebugError(f"step {t} is before the recorded history (step "
                         f"{dbg.checkpoints[0].t})")
    dbg.goto(t)
    report(dbg, None)


def cmd_input(dbg, arg):
    from ..machine import unescape_input
    if arg == "--eof":
        if not dbg.m.console.eof_sent:
            dbg.eng.console_eof()
            dbg.m.console.eof_sent = True
        dbg.write("console input closed (EOF)")
    else:
        data = unescape_input(arg)
        if not data:
            raise DebugError("input needs TEXT (escapes like \\n allowed) or --eof")
        dbg.feed_input(data)
        dbg.write(f"queued {len(data)} bytes of console input")
        return
    dbg.edited()
