"""The software-event device (ISA.md §9): a guest's EMIT is counted by code and CPU,
handed to listeners with its arguments and cycle, shown in the statistics, and kept
across a checkpoint — the same on both engines."""
from __future__ import annotations

import pytest

from ringvm.assembler import assemble_source
from ringvm.emulator.images import lib_dir
from ringvm.emulator.machine import Machine
from ringvm.isa import ISA

SRC = """
.include "ringvm.inc"
.text
_start:
    li   t0, EVENTS_ARG0
    li   t1, 7
    sw   t1, 0(t0)
    li   t0, EVENTS_ARG1
    li   t1, 9
    sw   t1, 0(t0)
    li   t0, EVENTS_EMIT
    li   t1, EV_IPC_SEND
    sw   t1, 0(t0)
    sw   t1, 0(t0)
    li   t1, EV_HYPERCALL
    sw   t1, 0(t0)
    li   t1, 0x7777               # not in the table
    sw   t1, 0(t0)
    li   t0, EVENTS_ARG0
    lw   a0, 0(t0)                # the arguments read back
    li   t0, SYSCTL_HALT
    sw   a0, 0(t0)
1:  j    1b
"""


@pytest.mark.parametrize("engine", ["python", "native"])
def test_events_are_counted_recorded_and_restored(engine, tmp_path):
    elf = assemble_source(SRC, "ev.s", include_paths=[str(lib_dir())])
    seen = []
    with Machine(engine=engine) as m:
        m.load_elf(elf)
        m.events.listen(lambda *e: seen.append(e))
        r = m.run(max_steps=1000)
        assert (r.kind, r.exit_code) == ("halt", 7)
        ipc, hc = ISA.events["IPC_SEND"].value, ISA.events["HYPERCALL"].value
        assert [(cpu, code, a0, a1) for cpu, _cycle, code, a0, a1 in seen] == \
            [(0, ipc, 7, 9), (0, ipc, 7, 9), (0, hc, 7, 9), (0, 0x7777, 7, 9)]
        cycles = [c for _, c, *_ in seen]
        assert cycles == sorted(cycles) and cycles[1] == cycles[0] + 1
        assert m.counters()["devices"]["event_IPC_SEND"] == 2
        assert m.stats()["devices"]["event_unknown_30583"] == 1
        m.checkpoint(tmp_path / "ck")
    with Machine.from_checkpoint(tmp_path / "ck", engine) as m2:
        assert m2.events.per_cpu()["HYPERCALL"] == [1]
