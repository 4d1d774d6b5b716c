"""Watchpoints (engine.py: set_watchpoints, StopReason.WATCHPOINT, WatchHit)."""
from __future__ import annotations

from enginekit import CAUSE, boot, expect_halt, expect_trap, reg, with_handler
from ringvm.emulator.engine import StopReason, Watchpoint

PROGRAM = """
    la t0, data
    lw a1, 0(t0)          # read data[0]
    li t1, 5
store:
    sw t1, 4(t0)          # write data[1]
after:
    lb a2, 5(t0)          # read data[1] byte 1
    li t2, 1
    cas t2, t1, (t0)      # data[0] == 1: becomes 5
    li a0, 0
    exit
    .data
data: .word 1, 2
"""


def armed(kind, source=PROGRAM, watches=(), **kw):
    eng = boot(kind, source, **kw)
    eng.set_watchpoints(list(watches(eng.symbols) if callable(watches) else watches))
    return eng


def test_a_write_watchpoint_stops_after_the_store_retired(engine_kind):
    eng = armed(engine_kind, watches=lambda s: [Watchpoint(s["data"] + 4, s["data"] + 8)])
    d = eng.symbols["data"]
    stop = eng.run(1000)
    assert stop.reason == StopReason.WATCHPOINT
    hit = stop.watch
    assert (hit.index, hit.cpu, hit.vaddr, hit.paddr, hit.size, hit.is_write) == \
        (0, 0, d + 4, d + 4 - 0x80000000, 4, True)
    assert eng.get_cpu(0).pc == eng.symbols["after"]
    assert int.from_bytes(eng.ram[d + 4 - 0x80000000:d + 8 - 0x80000000], "little") == 5
    assert eng.counters()["cpus"][0]["retired"] == eng.get_cpu(0).cycle
    expect_halt(eng.run(1000), 0)


def test_read_watchpoints_see_loads_and_write_watchpoints_ignore_them(engine_kind):
    eng = armed(engine_kind, watches=lambda s: [
        Watchpoint(s["data"], s["data"] + 4, on_read=False, on_write=True),
        Watchpoint(s["data"] + 5, s["data"] + 6, on_read=True, on_write=False)])
    stops = []
    while True:
        s = eng.run(1000)
        if s.reason != StopReason.WATCHPOINT:
            break
        stops.append((s.watch.index, s.watch.size, s.watch.is_write))
    expect_halt(s, 0)
    # lb of data[1] byte 1 (read watch), then cas on data[0] (a write)
    assert stops == [(1, 1, False), (0, 4, True)]


def test_a_physical_watchpoint_catches_an_access_through_a_tlb_mapping(engine_kind):
    src = """
        li t0, 0x00200000
        csrw tlbhi, t0
        li t0, 0x00030007
        csrw tlblo, t0
        tlbwi
        li t0, 0x00200010
        li t1, 9
        sw t1, 0(t0)
        li a0, 0
        exit
    """
    eng = armed(engine_kind, src, [Watchpoint(0x30010, 0x30014, physical=True)])
    stop = eng.run(1000)
    assert stop.reason == StopReason.WATCHPOINT
    assert (stop.watch.vaddr, stop.watch.paddr) == (0x00200010, 0x30010)
    assert eng.counters()["cpus"][0]["tlb_hits"] == 1
    expect_halt(eng.run(1000), 0)


def test_instruction_fetches_and_faulting_accesses_never_trigger(engine_kind):
    src = with_handler("""
        la t0, data
        lw a0, 2(t0)          # misaligned: traps, no access
    data: .word 0
    """)
    eng = armed(engine_kind, src, lambda s: [Watchpoint(0x80001000, 0x80002000, True, True)])
    expect_trap(eng, eng.run(1000), CAUSE["MISALIGNED_LOAD"])


def test_watchpoints_do_not_change_what_the_program_computes_or_counts(engine_kind):
    plain = boot(engine_kind, PROGRAM)
    expect_halt(plain.run(1000), 0)
    eng = armed(engine_kind, watches=[Watchpoint(0x10, 0x20, True, True)])
    expect_halt(eng.run(1000), 0)
    assert eng.get_cpu(0) == plain.get_cpu(0)
    assert eng.counters() == plain.counters()
    assert reg(eng, "a2") == 0


def test_an_empty_list_disarms_the_watchpoints(engine_kind):
    eng = armed(engine_kind, watches=lambda s: [Watchpoint(s["data"], s["data"] + 8, True)])
    eng.set_watchpoints([])
    expect_halt(eng.run(1000), 0)


def test_a_watched_python_device_access_reports_after_complete_mmio(engine_kind):
    src = """
        li t0, DISK_CAPACITY
        lw a0, 0(t0)
        exit
    """
    eng = armed(engine_kind, src, [Watchpoint(0x40003000, 0x40004000, True, True, True)],
                python_device_pages=[0x40003000])
    stop = eng.run(100)
    assert stop.reason == StopReason.MMIO
    eng.complete_mmio(77)
    stop = eng.run(100)
    assert stop.reason == StopReason.WATCHPOINT and stop.steps == 0
    assert (stop.watch.paddr, stop.watch.is_write) == (0x40003014, False)
    expect_halt(eng.run(100), 77)
