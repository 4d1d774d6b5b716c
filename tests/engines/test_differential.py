"""Differential test: the python and native engines stepped in lockstep must have equal
CpuState after every step (and equal counters and stops).

``RINGVM_LONG_DIFFERENTIAL=N`` runs N times as many random programs (the benchmark
machine's long mode; the default is sized for CI)."""
from __future__ import annotations

import os
import random

import pytest

from enginekit import boot, expect_clean, isolated
from ringvm.emulator.engine import StopReason

import test_hypervisor as hv
import test_machine_behaviour as mb
import test_privilege_tlb as pt

SCALE = max(int(os.environ.get("RINGVM_LONG_DIFFERENTIAL", "0") or 0), 1)


def lockstep_step(a, b, ncpus: int, n: int, chunk: int = 1):
    """Run engines ``a`` (python) and ``b`` (native) ``chunk`` steps and compare the
    stops, every CPU's state and the counters (call ``n`` names the place in a failure);
    completes an MMIO stop on both. Returns ``a``'s stop."""
    sa, sb = a.run(chunk), b.run(chunk)
    where = f"after call {n} ({sa})"
    assert (sa.reason, sa.steps, sa.cpu, sa.exit_code) == \
        (sb.reason, sb.steps, sb.cpu, sb.exit_code), where
    for i in range(ncpus):
        ca, cb = a.get_cpu(i), b.get_cpu(i)
        if ca != cb:
            diff = {k: (getattr(ca, k), getattr(cb, k)) for k in ca.__dataclass_fields__
                    if getattr(ca, k) != getattr(cb, k)}
            if "csr" in diff:
                diff["csr"] = {hex(k): (v, cb.csr.get(k)) for k, v in ca.csr.items()
                               if cb.csr.get(k) != v}
            if "gcsr" in diff:
                diff["gcsr"] = {hex(k): (v, cb.gcsr.get(k)) for k, v in ca.gcsr.items()
                                if cb.gcsr.get(k) != v}
            if "tlb" in diff:
                diff["tlb"] = [(j, x, y) for j, (x, y) in enumerate(zip(ca.tlb, cb.tlb))
                               if x != y][:3]
            pytest.fail(f"cpu {i} differs {where}: {diff}")
    assert a.counters() == b.counters(), where
    if sa.reason == StopReason.MMIO:
        assert sa.mmio == sb.mmio, where
        a.complete_mmio(7)
        b.complete_mmio(7)
    return sa


def lockstep(make, steps: int, ncpus: int, chunk: int = 1, feed=None):
    """Run two engines made by ``make(kind)`` ``chunk`` steps at a time, comparing."""
    a, b = make("python"), make("native")
    for n in range(steps):
        sa = lockstep_step(a, b, ncpus, n, chunk)
        if sa.reason in (StopReason.HALT, StopReason.MACHINE_CHECK):
            return a, b
        elif sa.reason == StopReason.IDLE:
            if feed is None:
                return a, b
            feed(a)
            feed(b)
            feed = None
    return a, b


PROGRAMS = {
    "timer": (mb.TIMER_LOOP.format(interval=57, count=6), 1, {}),
    "smp": (mb.SMP, 2, {"quantum": 5}),
    "user": (pt.user_program(f"tlbmap 0, 0x00400000, {0x10000 | 0x1b}",
                             "    nop\n    getst a1\n    syscall\n"), 1, {}),
    "guest_irq": (hv.hv_program(hv.GUEST_HANDLER + """
        li t0, IRQB_TIMER
        csrw ienable, t0
        li t0, 1
        csrw status, t0
    spin: j spin
    """, setup="""
        li t0, TIMER_INTERVAL
        li t1, 40
        sw t1, 0(t0)
        li t0, TIMER_CTRL
        li t1, 1
        sw t1, 0(t0)
    """), 1, {}),
    "guest_tlb": (hv.hv_program(f"""
        li t0, 0x00400000
        csrw tlbhi, t0
        li t0, {0x2000 | 0x7}
        csrw tlblo, t0
        tlbwr
        tlbp
        tlbr
        li t0, 0x00400008
        sw t0, 0(t0)
        lw t1, 0(t0)
        li t0, 0x40000004
        lw t1, 0(t0)
    """, hctl=0x80), 1, {}),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_engines_agree_step_by_step_on_sample_programs(name):
    src, ncpus, kw = PROGRAMS[name]
    lockstep(lambda kind: boot(kind, src, ncpus=ncpus, **kw), 3000, ncpus)


def test_engines_agree_on_console_driven_wakeups():
    src = mb.TIMER_LOOP.format(interval=10**6, count=2)
    lockstep(lambda kind: boot(kind, src), 400, 1, chunk=3,
             feed=lambda e: e.console_input(b"q"))


@pytest.mark.parametrize("seed", range(10 * SCALE))
def test_engines_agree_step_by_step_on_random_words(seed):
    expect_clean(isolated(f"import test_differential as t; t.random_words({seed})"))


def random_words(seed):
    rng = random.Random(seed)
    ring = rng.choice([-1, 0, 0, 3])
    words = [rng.getrandbits(32) for _ in range(0x800)]
    # bias towards valid instructions: re-encode some words from the ISA table
    from ringvm.isa import ISA
    names = list(ISA.instructions)
    for i in range(0, len(words), 2):
        ins = ISA.instructions[rng.choice(names)]
        words[i] = ins.match | (words[i] & ~ins.mask & 0xFFFFFFFF)
    regs = [rng.getrandbits(32) for _ in range(32)]
    regs[0] = 0
    for i in rng.sample(range(1, 32), 8):
        regs[i] = 0x80001000 + 4 * rng.randrange(0x800)
    tvec = 0x80001000 + 4 * rng.randrange(0x800)
    hvec = 0x80001000 + 4 * rng.randrange(0x800)

    def make(kind):
        e = boot(kind, "nop\n", ncpus=2, quantum=17, tlb_entries=8,
                 python_device_pages=[0x40003000])
        for j, w in enumerate(words):
            e.ram[0x1000 + 4 * j:0x1004 + 4 * j] = w.to_bytes(4, "little")
        st = e.get_cpu(0)
        st.ring = ring
        st.regs = list(regs)
        st.csr[0x101] = tvec
        st.csr[0x201] = hvec
        st.csr[0x207] = 3            # hvmid
        st.csr[0x209] = 0x80000      # hlimit
        e.set_cpu(0, st)
        return e
    lockstep(make, 1500, 2, chunk=1)


def _random_program(rng, irqs: bool = False) -> str:
    """Valid random instructions with a skip-the-instruction trap handler in ring 0
    and ring -1, so that execution keeps going through traps, exits and ring changes."""
    from ringvm.isa import ISA
    safe_csrs = [c.number for c in ISA.csrs.values()
                 if c.name not in ("tvec", "hvec", "gtvec")]
    lines = []
    names = [n for n, i in ISA.instructions.items() if n not in ("jalr",)]
    regs = list(range(1, 26)) + [28, 29]           # not s10 (26), s11 (27), t5, t6
    for _ in range(300):
        ins = ISA.instructions[rng.choice(names)]
        vals = {}
        for f in ins.operand_fields:
            if f == "imm":
                kind = ins.imm.kind
                if kind == "pcrel":
                    vals[f] = rng.randint(1, 6)          # forward only: no endless loops
                elif kind == "csr":
                    vals[f] = rng.choice(safe_csrs)
                elif ins.cls in ("load", "store"):
                    vals[f] = rng.choice([0, 1, 2, 4, 8, -4, 0x100, 0x7ffc])
                else:
                    lo, hi = ins.imm.range()
                    vals[f] = rng.choice([0, 1, lo, hi, rng.randint(lo, hi)])
            elif f == "rs1" and ins.cls in ("load", "store", "atomic"):
                vals[f] = rng.choice([26, 27, 26, 27, rng.choice(regs)])
            elif f == "rd":
                vals[f] = rng.choice(regs)
            else:
                vals[f] = rng.choice(regs + [0])
        lines.append(f"    .word {ins.encode(**vals):#x}")
    body = "\n".join(lines)
    irq_setup = ""
    if irqs:
        irq_setup = f"""
    li t0, TIMER_INTERVAL
    li t1, {rng.randint(5, 120)}
    sw t1, 0(t0)
    li t0, TIMER_CTRL
    li t1, 1
    sw t1, 0(t0)
    li t0, CONSOLE_CTRL
    li t1, {rng.randint(0, 3)}
    sw t1, 0(t0)
    li t0, {rng.getrandbits(5)}
    csrw ienable, t0
    li t0, {rng.getrandbits(5)}
    csrw gienable, t0
    li t0, {rng.getrandbits(1) * 0x10}
    csrw gipend, t0
    li t0, {rng.getrandbits(2)}
    csrw gstatus, t0
    li t0, {rng.getrandbits(2)}
    csrw hstatus, t0
    li t0, {rng.getrandbits(1)}
    csrw status, t0
"""
    return f"""
_start:
    la t0, handler
    csrw tvec, t0
    la t0, hhandler
    csrw hvec, t0
    li s11, 0x80010000
    li s10, 0x00400000
    li t0, 0x00400001
    csrw tlbhi, t0
    li t0, 0x0001003f
    csrw tlblo, t0
    tlbwi
    la t0, handler
    csrw gtvec, t0
{irq_setup}
    la t0, body
    addi t0, t0, {4 * rng.randrange(200)}
    csrw hepc, t0
body:
{body}
    li a0, 0
    exit
handler:
    csrr t6, epc
    addi t6, t6, 4
    csrw epc, t6
    rfe
hhandler:
    csrr t6, hepc
    addi t6, t6, 4
    csrw hepc, t6
    rfe
"""


@pytest.mark.parametrize("seed", range(16 * SCALE))
def test_engines_agree_step_by_step_on_random_valid_programs(seed):
    # in a child process: a crash of an engine must fail this test only
    expect_clean(isolated(f"import test_differential as t; t.random_valid_program({seed})"))


@pytest.mark.parametrize("seed", range(12 * SCALE))
def test_engines_agree_step_by_step_on_random_programs_with_interrupts(seed):
    expect_clean(isolated(f"import test_differential as t; "
                          f"t.random_valid_program({seed}, irqs=True)"))


@pytest.mark.parametrize("chunk", [7, 64])
@pytest.mark.parametrize("seed", range(8 * SCALE))
def test_engines_agree_in_batches_that_end_mid_block(seed, chunk):
    """The same programs (seeds after the step-by-step ones) compared every `chunk`
    steps: the native engine runs whole blocks between the comparisons."""
    expect_clean(isolated(f"import test_differential as t; "
                          f"t.random_valid_program({100 + seed}, irqs={seed % 2 == 1}, "
                          f"chunk={chunk})"))


def random_valid_program(seed, irqs=False, chunk=1):
    rng = random.Random(1000 + seed + (5000 if irqs else 0))
    src = _random_program(rng, irqs)
    ring = rng.choice([-1, 0])
    hctl = rng.getrandbits(8)

    def make(kind):
        e = boot(kind, src, ncpus=2, quantum=11, tlb_entries=8,
                 python_device_pages=[0x40003000], ring=ring)
        st = e.get_cpu(0)
        st.csr[0x207] = 3            # hvmid
        st.csr[0x209] = 0x80000      # hlimit (hbase 0: guest kseg = host kseg)
        st.csr[0x206] = hctl
        e.set_cpu(0, st)
        if irqs:
            e.console_input(b"ab")
            e.schedule_line(0, 2, 300)
            e.schedule_line(1, 3, 100)
        return e
    lockstep(make, 2500 // chunk + 1, 2, chunk=chunk)


@pytest.mark.parametrize("src_kind,dst_kind", [("python", "native"), ("native", "python")])
def test_a_snapshot_of_one_engine_restores_into_the_other(src_kind, dst_kind):
    src = mb.TIMER_LOOP.format(interval=211, count=4)
    ref = boot(src_kind, src, ncpus=2, quantum=9)
    ref_stop = ref.run(10**6)
    a = boot(src_kind, src, ncpus=2, quantum=9)
    first = a.run(480)
    b = boot(dst_kind, src, ncpus=2, quantum=9)
    b.ram[:] = a.ram
    b.restore(a.snapshot())
    for i in range(2):
        assert b.get_cpu(i) == a.get_cpu(i)
    rest = b.run(10**6)
    assert rest.reason == ref_stop.reason and first.steps + rest.steps == ref_stop.steps
    for i in range(2):
        assert b.get_cpu(i) == ref.get_cpu(i)
    assert b.counters() == ref.counters()


@pytest.mark.parametrize("src_kind,dst_kind", [("python", "native"), ("native", "python")])
def test_a_pending_mmio_access_survives_a_cross_engine_restore(src_kind, dst_kind):
    prog = """
        la t0, handler
        csrw tvec, t0
        li t0, DISK_STATUS
        lw a0, 0(t0)
        sw a0, 4(t0)
        exit
    handler:
        csrr a0, badvaddr
        exit
    """
    for bus_error in (False, True):
        a = boot(src_kind, prog, python_device_pages=[0x40003000])
        assert a.run(100).reason == StopReason.MMIO
        b = boot(dst_kind, prog, python_device_pages=[0x40003000])
        b.restore(a.snapshot())
        assert b.run(100).reason == StopReason.MMIO
        a.complete_mmio(5, bus_error=bus_error)
        b.complete_mmio(5, bus_error=bus_error)
        assert a.get_cpu(0) == b.get_cpu(0)
        sa, sb = a.run(100), b.run(100)
        assert sa.reason == sb.reason == StopReason.MMIO or bus_error
        if not bus_error:
            assert sa.mmio == sb.mmio and sa.mmio.value == 5
            a.complete_mmio()
            b.complete_mmio()
            sa, sb = a.run(100), b.run(100)
        assert (sa.reason, sa.exit_code) == (sb.reason, sb.exit_code)
        assert sa.exit_code == (0xC0003010 if bus_error else 5)
        assert a.counters() == b.counters()


@pytest.mark.parametrize("guest", ["hello", "vmsmoke"])
def test_engines_agree_on_the_bundled_smoke_guests(guest):
    from enginekit import boot_elf
    from ringvm.emulator.images import resolve
    elf = resolve(guest).elf
    a, b = lockstep(lambda kind: boot_elf(kind, elf), 4000, 1, chunk=5)
    assert a.run(0).reason == StopReason.HALT
    assert a.console_output() == b.console_output()
