"""Lockstep differential over interrupts and ring -1 (issue 19): random programs that
take timer and IPI interrupts in every context — ring -1, host rings 0-3, guest rings
0 and 3 — with VM entries and exits, guest traps to ring -1, ring -1 CSR accesses and
virtual interrupts, stepped on the python and native engines and compared after every
step (full CpuState of both CPUs, stop, counters).

Each program (two CPUs, CPU 0 booting in ring -1):

- ring -1 sets both trap vectors, maps the random body at useg 0x00400000 (and a data
  page at 0x00410000) for the host (VMID 0) and for the guest (VMID 3, hbase 0, so
  guest kseg is host kseg), starts a periodic timer, starts CPU 1 (which sends CPU 0
  an IPI every few dozen steps), and enters the program's *context*: it stays in
  ring -1, drops to a host ring with ``rfe``, or enters the guest with ``vmenter``
  under random exit controls (always DEVPASS, so the guest acknowledges devices);
- the body is valid random instructions (forward branches only, ending in a jump back
  to its start), so it runs until the step budget; its CSR instructions touch every
  CSR, but only read those that would stop interrupts or lose the body (status,
  ienable, vectors, exception PCs, hstatus, hctl, second stage);
- the ring-0 handler (host and guest share it) acknowledges TIMER, IPI and VIRQ and
  returns to the interrupted instruction, or skips an exception's instruction; the
  ring -1 handler does the same for its own traps, acknowledges IRQ exits (and may
  inject VIRQ), and skips the instruction of any other exit.

Coverage is checked, not assumed: every test asserts that its programs took TIMER and
IPI interrupts in their context, and the guest contexts also VM exits and ring -1
steps, so that a change to the generator cannot silently stop covering them.
``RINGVM_LONG_DIFFERENTIAL=N`` runs N times as many programs (the benchmark machine).
"""
from __future__ import annotations

import collections
import json
import os
import random

import pytest
from enginekit import boot, expect_clean, isolated
from ringvm.emulator.engine import StopReason
from ringvm.isa import ISA

SCALE = max(int(os.environ.get("RINGVM_LONG_DIFFERENTIAL", "0") or 0), 1)
STEPS = 2500
SEEDS = 2 * SCALE                     # programs per context
#: (name, V, ring): the context the body runs in
CONTEXTS = {"hyp": (0, -1), "r0": (0, 0), "r1": (0, 1), "r2": (0, 2), "r3": (0, 3),
            "g0": (1, 0), "g3": (1, 3)}
LINE = {n.name: n.value for n in ISA.interrupts.values()}
EXIT = {n.name: n.value for n in ISA.exit_reasons.values()}
CTL = {n.name: n.value for n in ISA.exit_controls.values()}
SF = ISA.status_fields
PV = 1 << SF["PV"][1]
PRING = SF["PRING"][1]
UBODY, UDATA = 0x00400000, 0x00410000
HVMID = 3
#: CSRs the body only reads: writing them could stop interrupts or lose the body
READ_ONLY_IN_BODY = {"status", "ienable", "tvec", "epc", "hstatus", "hvec", "hepc", "hctl",
                     "hvmid", "hbase", "hlimit", "gstatus", "gtvec", "gepc", "gienable"}
#: body registers: not s10/s11 (the data bases) nor t5/t6 (the handlers')
REGS = list(range(1, 26)) + [28, 29]
SKIP_INSNS = {"jalr", "tlbwi", "tlbwr", "tlbinv", "tlbinvasid", "tlbinvvmid"}


def _body(rng) -> list[str]:
    """Random valid instructions (as .word lines) for the body."""
    csrs = list(ISA.csrs.values())
    names = [n for n in ISA.instructions if n not in SKIP_INSNS]
    lines = []
    for _ in range(200):
        ins = ISA.instructions[rng.choice(names)]
        vals = {}
        for f in ins.operand_fields:
            if f == "imm":
                kind = ins.imm.kind
                if kind == "pcrel":
                    vals[f] = rng.randint(1, 6)              # forward only
                elif kind == "csr":
                    vals[f] = rng.choice(csrs).number
                elif ins.cls in ("load", "store"):
                    vals[f] = rng.choice([0, 1, 2, 4, 8, -4, 0x100, 0x7ffc])
                else:
                    lo, hi = ins.imm.range()
                    vals[f] = rng.choice([0, 1, lo, hi, rng.randint(lo, hi)])
            elif f == "rs1" and ins.cls in ("load", "store", "atomic"):
                vals[f] = rng.choice([26, 27, 26, 27, rng.choice(REGS)])
            elif f == "rd":
                vals[f] = rng.choice(REGS)
            else:
                vals[f] = rng.choice(REGS + [0])
        if ins.imm is not None and ins.imm.kind == "csr" and \
                ISA.csr_name(vals["imm"]) in READ_ONLY_IN_BODY:
            word = ISA.instructions["csrrs"].encode(rd=vals.get("rd", 0), imm=vals["imm"],
                                                    rs1=0)
        else:
            word = ins.encode(**vals)
        lines.append(f"    .word {word:#x}")
    return lines


def irq_program(rng, context: str) -> str:
    """The source of one program whose body runs in ``context`` (see the module doc)."""
    v, ring = CONTEXTS[context]
    interval = rng.randint(20, 120)
    ipi_delay = rng.randint(8, 40)
    inject = rng.random() < 0.7
    hctl = 1 << CTL["DEVPASS"]
    for name in ("IRQ", "SENS", "TLB", "EXC", "WFI"):
        if rng.random() < 0.5:
            hctl |= 1 << CTL[name]
    lines = (1 << LINE["TIMER"]) | (1 << LINE["IPI"])
    # the guest's state, in every context (a vmenter in a ring -1 body enters it too)
    guest = f"""
    li t0, {lines | (1 << LINE["VIRQ"])}
    csrw gienable, t0
    li t0, 3                # IE and PIE: an rfe in the body keeps interrupts on
    csrw gstatus, t0
    li t0, {hctl}
    csrw hctl, t0
"""
    if v:
        enter = f"""
    li t0, {PV | ((ring & 7) << PRING)}
    csrw hstatus, t0
    li t0, {UBODY}
    csrw hepc, t0
    vmenter
"""
    elif ring == -1:
        enter = f"""
    li t0, {3 | (7 << PRING)}         # IE, PIE, PRING -1: an rfe stays in ring -1
    csrw hstatus, t0
    li t0, {UBODY}
    jr t0
"""
    else:
        enter = f"""
    li t0, 3
    csrw status, t0
    li t0, {(ring & 7) << PRING}
    csrw hstatus, t0
    li t0, {UBODY}
    csrw hepc, t0
    rfe
"""
    ack = """
    andi t6, t6, 0xff
    bnez t6, 1f
    li t5, TIMER_ACK
    sw zero, 0(t5)
    rfe
1:  li t5, {ipi}
    bne t6, t5, 2f
    li t5, IPI_ACK
    sw zero, 0(t5)
    rfe
2:  li t5, {virq}
    csrc ipend, t5
    rfe
""".format(ipi=LINE["IPI"], virq=1 << LINE["VIRQ"])
    inject_virq = f"""
    li t5, {1 << LINE["VIRQ"]}
    csrs gipend, t5""" if inject else ""
    body = "\n".join(_body(rng))
    return f"""
    .hypervisor
_start:
    la t0, handler
    csrw tvec, t0
    csrw gtvec, t0
    la t0, hhandler
    csrw hvec, t0
    li t0, {HVMID}
    csrw hvmid, t0
    li t0, 0x80000
    csrw hlimit, t0
    # the body and data pages, for the host (VMID 0) and the guest (VMID {HVMID})
    la t1, ubody
    li t2, 0x7FFFFFFF
    and t1, t1, t2
    ori t1, t1, 0x3b
    li t3, 0x3003f
    li t4, 0
    li t2, 0
tlbs:
    csrw tlbvmid, t2
    csrw tlbidx, t4
    li t0, {UBODY}
    csrw tlbhi, t0
    csrw tlblo, t1
    tlbwi
    addi t4, t4, 1
    csrw tlbidx, t4
    li t0, {UDATA}
    csrw tlbhi, t0
    csrw tlblo, t3
    tlbwi
    addi t4, t4, 1
    li t0, {HVMID}
    beq t2, t0, 1f
    mv t2, t0
    j tlbs
1:  li t0, TIMER_INTERVAL
    li t1, {interval}
    sw t1, 0(t0)
    li t0, TIMER_CTRL
    li t1, 1
    sw t1, 0(t0)
    li t0, {lines}
    csrw ienable, t0
    li t0, IPI_START_PC
    la t1, cpu1
    sw t1, 0(t0)
    li t0, IPI_START
    li t1, 1
    sw t1, 0(t0)
    li s10, {UDATA}
    li s11, {UDATA + 0x80}
{guest}{enter}
cpu1:                       # CPU 1: an IPI to CPU 0 every few dozen steps
    li t0, IPI_SEND
1:  li t1, {ipi_delay}
2:  addi t1, t1, -1
    bnez t1, 2b
    sw zero, 0(t0)
    j 1b

handler:                    # ring 0, host or guest: acknowledge or skip
    csrr t6, cause
    blt t6, zero, irq
    csrr t6, epc
    addi t6, t6, 4
    csrw epc, t6
    rfe
irq:
{ack}
hhandler:                   # ring -1: its own traps, and VM exits
    csrr t6, hstatus
    andi t6, t6, {PV}
    bnez t6, hexit
    csrr t6, hcause
    blt t6, zero, hirq
hskip:
    csrr t6, hepc
    addi t6, t6, 4
    csrw hepc, t6
    rfe
hirq:
{ack}
hexit:
    csrr t6, hcause
    li t5, {EXIT["IRQ"]}
    bne t6, t5, hskip
    csrr t6, hqual{inject_virq}
{ack}

    .balign 4096
ubody:
{body}
    j ubody
    j ubody
    j ubody
    j ubody
    j ubody
    j ubody
    j ubody
"""


def _context(st) -> str:
    for name, (v, ring) in CONTEXTS.items():
        if (st.v, st.ring) == (v, ring):
            return name
    return f"v{st.v}r{st.ring}"


def run_program(seed: int, context: str, make_wrapper=None) -> dict:
    """Step one program in lockstep on both engines; return its coverage: per context
    of CPU 0 the steps, interrupts taken by line and VM exits by reason."""
    from test_differential import lockstep_step
    rng = random.Random(19_000 + seed * 31 + list(CONTEXTS).index(context))
    src = irq_program(rng, context)
    quantum = rng.randint(3, 13)

    def make(kind):
        e = boot(kind, src, ncpus=2, quantum=quantum, tlb_entries=16)
        return make_wrapper(e) if make_wrapper and kind == "native" else e
    a, b = make("python"), make("native")
    cov = collections.defaultdict(lambda: {"steps": 0, "irq": [0] * 8, "exits": [0] * 16})
    prev = a.counters()["cpus"][0]
    for n in range(STEPS):
        before = a.get_cpu(0)
        stop = lockstep_step(a, b, 2, n)
        now = a.counters()["cpus"][0]
        if stop.cpu == 0:
            c = cov[_context(before)]
            c["steps"] += 1
            for key, name in (("irq", "interrupts_by_line"), ("exits", "vmexits_by_reason")):
                for i, (x, y) in enumerate(zip(prev[name], now[name])):
                    c[key][i] += y - x
        prev = now
        if stop.reason in (StopReason.HALT, StopReason.MACHINE_CHECK, StopReason.IDLE):
            break
    return {k: dict(v) for k, v in cov.items()}


def merge(into: dict, cov: dict) -> dict:
    """Add coverage ``cov`` (from :func:`run_program`) into ``into``; returns it."""
    for ctx, c in cov.items():
        d = into.setdefault(ctx, {"steps": 0, "irq": [0] * 8, "exits": [0] * 16})
        d["steps"] += c["steps"]
        d["irq"] = [x + y for x, y in zip(d["irq"], c["irq"])]
        d["exits"] = [x + y for x, y in zip(d["exits"], c["exits"])]
    return into


def run_context(context: str, seeds: int) -> None:
    """(In the child) run ``seeds`` programs of ``context``; print the merged coverage."""
    total: dict = {}
    for seed in range(seeds):
        merge(total, run_program(seed, context))
    print("COVERAGE " + json.dumps(total))


@pytest.mark.parametrize("context", list(CONTEXTS))
def test_engines_agree_step_by_step_taking_interrupts_in_every_ring(context):
    proc = isolated("import test_interrupt_lockstep as t; "
                    f"t.run_context({context!r}, {SEEDS})", timeout=600 * SCALE)
    expect_clean(proc)
    cov = json.loads(proc.stdout.split("COVERAGE ", 1)[1])
    here = cov.get(context)
    assert here and here["steps"] > 0, f"the body never ran in {context}: {cov}"
    irq = here["irq"]
    # taken in the context: a trap entry, or (in a guest under hctl.IRQ) an IRQ exit
    assert irq[LINE["TIMER"]] > 0, f"no TIMER interrupt taken in {context}: {here}"
    assert irq[LINE["IPI"]] > 0, f"no IPI taken in {context}: {here}"
    if CONTEXTS[context][0]:
        assert sum(here["exits"]) > 0, f"no VM exit from {context}: {here}"
        assert cov.get("hyp", {}).get("steps", 0) > 0, "ring -1 never ran"
    print(f"\n{context}: {json.dumps(here)}")


def test_the_guest_contexts_reach_every_kind_of_exit_they_can():
    """Across the guest programs: hypercalls, ring -1 CSRs (always exit CSR), IRQ exits
    and virtual interrupts delivered to the guest."""
    proc = isolated("import test_interrupt_lockstep as t, json\n"
                    "tot = {}\n"
                    "for s in range(3):\n"
                    "    for c in ('g0', 'g3'):\n"
                    "        t.merge(tot, t.run_program(s, c))\n"
                    "print('COVERAGE ' + json.dumps(tot))", timeout=600)
    expect_clean(proc)
    cov = json.loads(proc.stdout.split("COVERAGE ", 1)[1])
    exits = [sum(c["exits"][i] for c in cov.values()) for i in range(16)]
    virq = sum(cov[c]["irq"][LINE["VIRQ"]] for c in ("g0", "g3") if c in cov)
    for reason in ("HYPERCALL", "CSR", "IRQ"):
        assert exits[EXIT[reason]] > 0, f"no {reason} exit: {exits}"
    assert virq > 0, "no virtual interrupt delivered to a guest"


class _PlantedBug:
    """A native engine with a planted bug: after an interrupt is taken, epc is off by 4."""

    def __init__(self, eng):
        self._e = eng

    def __getattr__(self, name):
        return getattr(self._e, name)

    def run(self, n):
        before = sum(self._e.counters()["cpus"][0]["interrupts_by_line"])
        stop = self._e.run(n)
        if sum(self._e.counters()["cpus"][0]["interrupts_by_line"]) > before:
            st = self._e.get_cpu(0)
            epc = ISA.csrs["epc"].number
            if st.csr.get(epc) is not None:
                st.csr[epc] = (st.csr[epc] + 4) & 0xFFFF_FFFF
                self._e.set_cpu(0, st)
        return stop


def test_a_planted_interrupt_bug_is_caught():
    """The lockstep must fail when one engine mishandles interrupt entry."""
    with pytest.raises(pytest.fail.Exception, match="cpu 0 differs"):
        run_program(0, "r3", make_wrapper=_PlantedBug)


# ---------------------------------------------------------------- the long mode

#: instructions retired (both CPUs) by the million-instruction run; the long mode
#: (RINGVM_LONG_DIFFERENTIAL=N) retires N million
MILLION = 1_000_000 * SCALE


def run_long(total: int, seed: int = 0) -> dict:
    """(In the child) one long program per context, ``total`` retired instructions in
    all, compared at checkpoints every 1-64 steps (random, so that the native engine's
    blocks end at varied places), then RAM and console at the end of each program."""
    from test_differential import lockstep_step
    rng = random.Random(seed)
    per = -(-total // len(CONTEXTS))
    out = {"retired": 0, "steps": 0, "checkpoints": 0, "divergences": 0,
           "interrupts": [0] * 8, "vmexits": 0, "by_context": {}}
    for context in CONTEXTS:
        src = irq_program(random.Random(rng.getrandbits(32)), context)
        quantum = rng.randint(3, 13)
        a, b = (boot(kind, src, ncpus=2, quantum=quantum, tlb_entries=16)
                for kind in ("python", "native"))
        retired = 0
        n = 0
        while retired < per:
            stop = lockstep_step(a, b, 2, n, chunk=rng.randint(1, 64))
            out["steps"] += stop.steps
            n += 1
            assert stop.reason is StopReason.MAX_STEPS, f"{context}: {stop}"
            retired = sum(c["retired"] for c in a.counters()["cpus"])
        assert bytes(a.ram) == bytes(b.ram), f"{context}: RAM differs"
        assert a.console_output() == b.console_output()
        c0 = a.counters()["cpus"][0]
        out["retired"] += retired
        out["checkpoints"] += n
        out["interrupts"] = [x + y for x, y in zip(out["interrupts"], c0["interrupts_by_line"])]
        out["vmexits"] += sum(c0["vmexits_by_reason"])
        out["by_context"][context] = {"retired": retired, "irq": c0["interrupts_by_line"],
                                      "vmexits": sum(c0["vmexits_by_reason"])}
    print("LONG " + json.dumps(out))
    return out


@pytest.mark.long
def test_a_million_instructions_agree_at_checkpoints():
    """≥ 10⁶ instructions (N × 10⁶ in the long mode) over the seven contexts, both
    engines compared (state of both CPUs, counters, stops) at about 3 × 10⁴ checkpoints."""
    proc = isolated(f"import test_interrupt_lockstep as t; t.run_long({MILLION})",
                    timeout=600 * SCALE)
    expect_clean(proc)
    out = json.loads(proc.stdout.split("LONG ", 1)[1])
    assert out["retired"] >= MILLION
    assert out["interrupts"][LINE["TIMER"]] > 0 and out["interrupts"][LINE["IPI"]] > 0
    assert out["vmexits"] > 0
    for context, c in out["by_context"].items():
        assert c["irq"][LINE["TIMER"]] > 0, f"{context}: no TIMER interrupt in the long run"
    print(f"\n{out['retired']} instructions ({out['steps']} steps), {out['checkpoints']} "
          f"checkpoints, 0 divergences; interrupts by line {out['interrupts']}, "
          f"{out['vmexits']} VM exits")
