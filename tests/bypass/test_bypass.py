"""Kernel bypass (guests/bypass): a library OS drives its NIC queue from ring 3 — no
system call on the data path — while the kernel still keeps it off other queues, off
the NIC's control registers and (IOMMU window) off memory that is not its own."""
from __future__ import annotations

import re

import pytest

from ringvm.assembler.elf import read_elf
from ringvm.emulator.images import MachineOptions, cache, guests_dir, lib_dir, \
    machine_for, resolve
from ringvm.emulator.machine import Console, Machine
from ringvm.errors import UserError
from ringvm.isa import ISA

ENGINES = ["python", "native"]
PHASE = re.compile(r"^phase ([\w-]+) ops=(\d+) cycles=(\d+)$", re.M)
SYSCALL = ISA.causes["SYSCALL"].value
N = 100


def netapp_symbols() -> dict[str, int]:
    src = guests_dir() / "bypass" / "netapp.s"
    elf = cache.assemble(src, [src.parent, guests_dir() / "exokernel", lib_dir()],
                         base=0x1000, name="netapp")
    return read_elf(elf).symbols


def boot(engine: str, **kw):
    con = Console(input=b"", capture=True)
    opts = MachineOptions(engine=engine, pristine=True, **kw)
    return machine_for(resolve("bypass"), opts, con), con


@pytest.fixture(scope="module")
def runs():
    out = {}
    for e in ENGINES:
        m, con = boot(e)
        with m:
            r = m.run(max_steps=10_000_000)
            out[e] = (bytes(con.captured).decode(), r, m.counters())
    return out


@pytest.mark.parametrize("engine", ENGINES)
def test_the_same_requests_go_through_the_kernel_and_by_bypass(runs, engine):
    out, r, c = runs[engine]
    assert (r.kind, r.exit_code) == ("halt", 0), out
    assert "netapp: queue 1 of the NIC is ours" in out
    p = {n: (int(k), int(cyc)) for n, k, cyc in PHASE.findall(out)}
    assert p["kernel-path"][0] == p["bypass"][0] == N
    assert p["bypass"][1] * 5 < p["kernel-path"][1]
    nic = c["devices"]
    assert nic["nic_tx_packets"] == nic["nic_rx_packets"] == 2 * N
    assert "FAILED" not in out


def test_both_engines_give_the_same_figures(runs):
    a, b = (PHASE.findall(runs[e][0]) for e in ENGINES)
    assert a == b


@pytest.mark.parametrize("engine", ENGINES)
def test_the_bypass_data_path_makes_no_system_call(engine):
    sym = netapp_symbols()
    m, _con = boot(engine)
    with m:
        def syscalls_between(start, end):
            m.set_breakpoints({sym[start]})
            assert m.run(max_steps=10_000_000).kind == "breakpoint"
            before = m.counters()["cpus"][0]["traps_by_cause"][SYSCALL]
            m.set_breakpoints({sym[end]})
            assert m.run(max_steps=10_000_000).kind == "breakpoint"
            return m.counters()["cpus"][0]["traps_by_cause"][SYSCALL] - before
        kernel = syscalls_between("kpath_start", "kpath_end")
        bypass = syscalls_between("bypass_start", "bypass_end")
    assert kernel >= 2 * N and bypass == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_the_kernel_still_keeps_the_library_os_to_its_own_queue_and_memory(runs, engine):
    out, _r, c = runs[engine]
    assert ("netapp: queue 0's doorbell: bus error; the NIC's control registers: bus "
            "error; a descriptor outside our window: refused by the IOMMU window "
            "(status 2)") in out.splitlines()
    assert c["devices"]["nic_doorbell_refused"] == 1
    assert c["devices"]["nic_dma_refused"] == 1
    assert c["cpus"][0]["traps_by_cause"][ISA.causes["BUS_ERROR"].value] == 2


def test_without_a_nic_the_library_os_is_told_so():
    m, con = boot("native", nic="none")
    with m:
        r = m.run(max_steps=2_000_000)
    assert r.exit_code == 1
    assert "netapp: no NIC queue (is the NIC attached? --nic loopback)" in \
        bytes(con.captured).decode()


def test_an_unknown_nic_backend_is_a_user_error():
    with pytest.raises(UserError, match="--nic 'bogus'"):
        boot("python", nic="bogus")


def test_a_checkpoint_keeps_the_nic(tmp_path):
    m, _con = boot("native")
    with m:
        m.run(max_steps=60_000)                    # mid-way through the requests
        m.checkpoint(tmp_path / "cp")
        rest = m.run(max_steps=10_000_000)
        want = m.counters()["devices"]
    with Machine.from_checkpoint(tmp_path / "cp", "native") as m2:
        r2 = m2.run(max_steps=10_000_000)
        got = m2.counters()["devices"]
    assert (r2.kind, r2.exit_code) == (rest.kind, rest.exit_code) == ("halt", 0)
    assert {k: v for k, v in got.items() if k.startswith("nic_")} == \
        {k: v for k, v in want.items() if k.startswith("nic_")}
