"""Timelines (``--timeline FILE.json``, emulator/machine/timeline.py): every event the
file holds obeys the Chrome Trace Event Format (tracefmt.check_trace), its counts are
the ``--stats`` counters of the same run, the same run writes the same bytes on either
engine, and the window and event bounds cut it as documented."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from ringvm.emulator.engine import MachineConfig, TimelineKind
from ringvm.emulator.images import MachineOptions, machine_for, resolve
from ringvm.emulator.machine import Console, Machine
from ringvm.emulator.machine.timeline import Timeline
from ringvm.isa import ISA

from .conftest import assemble
from tracefmt import check_trace

ENGINES = ["python", "native"]
EV = {e.name: e.value for e in ISA.events.values()}

#: CPU 0 starts CPU 1 and waits with interrupts on; CPU 1 reports a message and sends
#: CPU 0 an IPI; CPU 0's handler takes the message off and halts with 5.
PINGPONG = f"""
.equ ST_IE, 1
.text
.global _start
_start:
    la   t0, handler
    csrw tvec, t0
    li   t1, IRQB_IPI
    csrw ienable, t1
    li   t0, IPI_START_PC
    la   t1, cpu1
    sw   t1, 0(t0)
    li   t0, IPI_START
    li   t1, 1
    sw   t1, 0(t0)
    li   t0, ST_IE
    csrs status, t0
1:  wfi
    j    1b
handler:
    li   t0, IPI_ACK
    sw   zero, 0(t0)
    li   t0, EVENTS_ARG0
    li   t1, 77
    sw   t1, 0(t0)
    li   t0, EVENTS_EMIT
    li   t1, {EV["MSG_RECV"]}
    sw   t1, 0(t0)
    li   t0, SYSCTL_HALT
    li   t1, 5
    sw   t1, 0(t0)
2:  j    2b
cpu1:
    li   t0, EVENTS_ARG0
    li   t1, 77
    sw   t1, 0(t0)
    li   t0, EVENTS_EMIT
    li   t1, {EV["MSG_SEND"]}
    sw   t1, 0(t0)
    li   t0, IPI_SEND
    sw   zero, 0(t0)
3:  j    3b
"""


def _pingpong(engine: str, **kw) -> dict:
    with Machine(MachineConfig(ncpus=2), engine) as m:
        m.load_elf(assemble(PINGPONG))
        tl = Timeline(m, name="pingpong", **kw)
        r = m.run(max_steps=100_000)
        assert (r.kind, r.exit_code) == ("halt", 5)
        return tl.finish()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_message_and_an_ipi_between_cpus_are_arrows_on_two_tracks(engine):
    data = _pingpong(engine)
    counts = check_trace(data)
    assert counts["s"] == counts["f"] == 2           # the message and the IPI
    ev = data["traceEvents"]
    flows = {e["cat"]: [] for e in ev if e["ph"] in "sf"}
    for e in ev:
        if e["ph"] in "sf":
            flows[e["cat"]].append((e["ph"], e["tid"]))
    assert sorted(flows["msg_send"]) == [("f", 0), ("s", 1)]
    assert sorted(flows["ipi"]) == [("f", 0), ("s", 1)]
    names = {(e["tid"], e["name"]) for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
    assert names == {(0, "thread_name"), (1, "thread_name")}
    assert any(e["name"] == "irq IPI" and e["tid"] == 0 for e in ev)
    assert {e["tid"] for e in ev if e["ph"] == "X" and e["name"] == "kernel asid 0"} == {0, 1}


def test_both_engines_write_the_same_timeline_and_a_run_repeats_byte_for_byte(tmp_path):
    outs = []
    for engine in ("python", "native", "native"):
        img = resolve("monolithic")
        con = Console(mode="scripted", capture=True, input=b"echo hi\n")
        with machine_for(img, MachineOptions(engine=engine, pristine=True), con) as m:
            tl = Timeline(m, name="monolithic")
            m.run(max_steps=150_000)
            path = tmp_path / f"{len(outs)}.json"
            tl.write(path)
            outs.append(path.read_bytes())
    assert outs[0] == outs[1] == outs[2]
    data = json.loads(outs[0])
    check_trace(data)
    names = Counter(e["name"] for e in data["traceEvents"])
    assert names["trap SYSCALL"] > 0 and names["context switch"] > 0
    assert any(n.startswith("user asid") for n in names)


def _per_cpu(data: dict, prefix: str, table: dict) -> dict:
    out: Counter = Counter()
    for e in data["traceEvents"]:
        if e["ph"] in "iX" and e["name"].startswith(prefix):
            rest = e["name"][len(prefix):].split()[0]
            out[(e["tid"], {v: k for k, v in table.items()}[rest])] += 1
    return out


def _from_stats(counters: dict, key: str) -> Counter:
    return Counter({(i, k): n for i, c in enumerate(counters["cpus"])
                    for k, n in enumerate(c[key]) if n})


@pytest.mark.parametrize("guest,steps,inp", [
    ("monolithic", 1_500_000, b"cat README | wc\n"),
    ("hypervisor", 1_500_000, b"ls\n"),
])
def test_event_counts_are_the_statistics_of_the_same_run(guest, steps, inp):
    """Traps by cause, interrupts by line, VM exits by reason, TLB writes, IPIs and
    software events: one timeline event per count (native engine: a long run)."""
    img = resolve(guest)
    con = Console(mode="scripted", capture=True, input=inp)
    with machine_for(img, MachineOptions(engine="native", pristine=True), con) as m:
        tl = Timeline(m, name=guest)
        m.run(max_steps=steps)
        data = tl.finish()
        cnt = m.counters()
        soft = m.events.per_cpu()
    check_trace(data)
    assert data["otherData"].get("truncated_at_cycle") is None
    assert _per_cpu(data, "trap ", ISA.cause_names) == _from_stats(cnt, "traps_by_cause")
    irqs = _per_cpu(data, "irq ", ISA.line_names)
    assert irqs == _from_stats(cnt, "interrupts_by_line")
    assert _per_cpu(data, "vm exit ", ISA.exit_reason_names) == \
        _from_stats(cnt, "vmexits_by_reason")
    tlbw = Counter(e["tid"] for e in data["traceEvents"] if e["name"] == "tlb write")
    assert tlbw == Counter({i: c["tlb_writes"] for i, c in enumerate(cnt["cpus"])
                            if c["tlb_writes"]})
    for name, per in soft.items():
        got = Counter(e["tid"] for e in data["traceEvents"]
                      if e["ph"] in "iX" and e["name"].split()[0] == name)
        assert got == Counter({i: n for i, n in enumerate(per) if n}), name
    if guest == "hypervisor":
        assert any(e["pid"] >= 1000 for e in data["traceEvents"] if e["ph"] == "X")
        assert Counter(e["name"] for e in data["traceEvents"])["vm entry"] > 0


@pytest.mark.parametrize("engine", ENGINES)
def test_a_window_keeps_only_its_cycles_and_clips_the_slices(engine):
    whole = _pingpong(engine)
    end = max(e["ts"] + e.get("dur", 0) for e in whole["traceEvents"])
    lo, hi = 40, end - 10
    data = _pingpong(engine, window=(lo, hi))
    check_trace(data)
    body = [e for e in data["traceEvents"] if e["ph"] != "M"]
    assert body and all(lo <= e["ts"] and e["ts"] + e.get("dur", 0) <= hi for e in body)
    assert data["otherData"]["window"] == [lo, hi]


@pytest.mark.parametrize("engine", ENGINES)
def test_the_event_limit_stops_the_timeline_not_the_run(engine):
    data = _pingpong(engine, max_events=3)
    check_trace(data)
    assert data["otherData"]["truncated_at_cycle"] >= 0
    assert len([e for e in data["traceEvents"] if e["ph"] not in "MX"]) <= 3


def test_without_a_timeline_the_engine_logs_nothing():
    """Off is the default: no records are kept (the cost is measured by
    benchmarks/bench_timeline.py, never asserted)."""
    for engine in ENGINES:
        with Machine(MachineConfig(ncpus=2), engine) as m:
            m.load_elf(assemble(PINGPONG))
            m.run(max_steps=100_000)
            assert m.engine.timeline_drain() == ([], 0)
            assert m.timeline is None


def test_record_kinds_are_the_native_headers():
    from ringvm.native._core import lib
    assert [k.value for k in TimelineKind] == [
        lib.RV_TL_CTX, lib.RV_TL_TRAP, lib.RV_TL_IRQ, lib.RV_TL_EXIT, lib.RV_TL_TLBW,
        lib.RV_TL_IPI]


@pytest.mark.parametrize("engine,steps", [("native", 3_000_000), ("python", 400_000)])
def test_slices_are_named_by_the_process_the_kernel_reports(engine, steps):
    """The monolithic kernel's `events` option reports each switch (CONTEXT: ASID and
    name): the shell pipeline's processes get their own slices."""
    from ringvm.emulator.images.abi import syscall_names_for
    img = resolve("monolithic", options=("events",))
    con = Console(mode="scripted", capture=True, input=b"cat README | wc\n")
    with machine_for(img, MachineOptions(engine=engine, pristine=True), con) as m:
        tl = Timeline(m, name="monolithic", syscall_name=syscall_names_for(m.symbols).get)
        m.run(max_steps=steps)
        data = tl.finish()
    check_trace(data)
    names = {e["name"] for e in data["traceEvents"] if e["ph"] == "X"}
    assert {"user init", "kernel init"} <= names
    if engine == "native":
        assert {"user sh", "user cat", "user wc", "kernel cat", "kernel wc"} <= names
        calls = {e["name"] for e in data["traceEvents"] if e["name"].startswith("trap SYS")}
        assert {"trap SYSCALL read", "trap SYSCALL write", "trap SYSCALL pipe",
                "trap SYSCALL fork", "trap SYSCALL exec"} <= calls
