"""The Machine on each engine: halt, step limit, machine check, loader, disk end to end,
sizes, inspection helpers, stats, determinism."""
from __future__ import annotations

import json

import pytest

from ringvm.emulator.engine import MachineConfig
from ringvm.emulator.machine import AccessError, Machine, parse_size
from ringvm.errors import EXIT_MAX_STEPS, EXIT_MACHINE_CHECK, UserError
from ringvm.isa import ISA

SECTOR = ISA.machine["disk_sector"]


# ---------------------------------------------------------------- sizes (no engine)
@pytest.mark.parametrize("text,n", [("64M", 64 << 20), ("1G", 1 << 30), ("512k", 512 << 10),
                                    ("32MiB", 32 << 20), ("65536", 65536), ("4K", 4096)])
def test_parse_size(text, n):
    assert parse_size(text) == n


@pytest.mark.parametrize("text", ["", "abc", "2G", "1025M", "100", "0", "-1M", "1.5M", "1T"])
def test_parse_size_rejects(text):
    with pytest.raises(UserError):
        parse_size(text)


# ---------------------------------------------------------------- running
def test_halt_exit_code(make_machine, guest_src):
    m = make_machine(guest_src.HALT42)
    r = m.run()
    assert (r.kind, r.exit_code, r.exit_status) == ("halt", 42, 42)
    assert r.steps == m.counters()["cpus"][0]["cycles"] == m.steps
    assert m.run().kind == "halt"                  # stays halted


def test_stop_on_line_stops_right_after_each_newline(make_machine, guest_src):
    """ECHO echoes its input byte by byte: with stop_on_line the machine stops once
    per newline, the output so far already on the console, then runs on to the halt
    exactly as a plain run would."""
    m = make_machine(guest_src.ECHO, input=b"one\ntwo\nthree")
    seen = []
    while (r := m.run(stop_on_line=True)).kind == "line":
        seen.append(bytes(m.console.captured))
    assert seen == [b"one\n", b"one\ntwo\n"]
    assert (r.kind, r.exit_code) == ("halt", 13)
    plain = make_machine(guest_src.ECHO, input=b"one\ntwo\nthree")
    assert plain.run().kind == "halt" and plain.steps == m.steps
    assert plain.counters() == m.counters()


def test_max_steps(make_machine, guest_src):
    m = make_machine(guest_src.SPIN)
    r = m.run(max_steps=1000)
    assert r.kind == "max_steps" and r.steps == 1000 and r.exit_status == EXIT_MAX_STEPS
    assert r.ring == 0 and r.pc >= 0x80000000
    r.max_steps = 1000
    assert r.message().startswith("ringvm: stopped: the step limit was reached (--max-steps 1000; pc 0x")
    assert m.counters()["cpus"][0]["cycles"] == 1000
    r2 = m.step(5)
    assert r2.kind == "max_steps" and r2.steps == 5 and m.steps == 1005


def test_machine_check(make_machine, guest_src):
    m = make_machine(guest_src.NO_VECTOR)
    r = m.run(max_steps=1000)
    assert r.kind == "machine_check" and r.exit_status == EXIT_MACHINE_CHECK
    assert r.detail
    assert r.message().startswith("ringvm: machine check: ")


def test_loader_sets_entry_ring_cpuid(make_machine, guest_src):
    from ringvm.assembler.elf import read_elf
    m = make_machine(guest_src.HALT42, config=MachineConfig(ncpus=2))
    img = read_elf(guest_src.assemble(guest_src.HALT42))
    st = m.cpu(0)
    assert st.pc == img.entry and st.ring == 0
    assert st.csr[ISA.csrs["cpuid"].number] == 0
    assert m.cpu(1).csr[ISA.csrs["cpuid"].number] == 1
    assert m.symbols["_start"] == img.entry
    assert m.symbol_at(img.entry + 4) == ("_start", 4)
    word = m.read_word(0, img.entry)
    assert ISA.decode(word) is not None
    with pytest.raises(AccessError):
        m.cpu(2)


def test_hypervisor_boot_flag(make_machine, guest_src):
    m = make_machine(".hypervisor\n" + guest_src.HALT42)
    assert m.cpu(0).ring == -1
    assert m.run().exit_code == 42


def test_loader_rejects_foreign_elf(engine_kind):
    m = Machine(MachineConfig(), engine_kind)
    with pytest.raises(UserError, match="not a ringvm ELF"):
        m.load_elf("/bin/true")
    with pytest.raises(UserError, match="not an ELF"):
        m.load_elf(b"plain text")
    m.close()


def test_loader_rejects_segment_outside_ram(engine_kind, guest_src):
    m = Machine(MachineConfig(ram_size=parse_size("64K")), engine_kind)
    src = ".data\n.space 0x20000\n" + guest_src.HALT42
    with pytest.raises(UserError, match="outside RAM"):
        m.load_elf(guest_src.assemble(src))
    m.close()


def test_bad_config(engine_kind):
    with pytest.raises(UserError):
        Machine(MachineConfig(ncpus=0), engine_kind)
    with pytest.raises(UserError):
        Machine(MachineConfig(tlb_entries=3), engine_kind)
    with pytest.raises(UserError):
        Machine(MachineConfig(ram_size=12345), engine_kind)


def test_read_physical_bounds(make_machine, guest_src):
    m = make_machine(guest_src.HALT42)
    assert len(m.read_physical(0, 16)) == 16
    with pytest.raises(AccessError):
        m.read_physical(len(m.ram) - 2, 4)
    with pytest.raises(AccessError):
        m.read_virtual(0, 0x1000, 4)            # useg, TLB empty
    kseg = ISA.memory["kseg_base"]
    m.write_virtual(0, kseg + 0x20FFE, b"abcd")   # crosses a page boundary
    assert m.read_physical(0x20FFE, 4) == b"abcd"
    assert m.read_virtual(0, kseg + 0x20FFE, 4) == b"abcd"


# ---------------------------------------------------------------- disk end to end
def _image(tmp_path):
    p = tmp_path / "disk.img"
    sectors = [b"sector-0".ljust(SECTOR, b"\0"), b"sector-1".ljust(SECTOR, b"\0"),
               b"sector-2".ljust(SECTOR, b"\0"), bytes(SECTOR)]
    p.write_bytes(b"".join(sectors))
    return p


@pytest.mark.parametrize("snapshot", [True, False])
def test_disk_dma_interrupt(make_machine, guest_src, tmp_path, snapshot):
    p = _image(tmp_path)
    before = p.read_bytes()
    m = make_machine(guest_src.DISK, disk=str(p), disk_snapshot=snapshot)
    r = m.run(max_steps=1_000_000)
    assert r.kind == "halt", r
    # BUSY right after CMD, DONE after wfi, DISK pending, cleared by ACK, then IDLE
    assert m.console.output == b"12400 sector-1sector-2"
    assert r.exit_code == 2                       # the WRITE completed: DONE
    c = m.counters()
    assert c["devices"]["disk_reads"] == 1 and c["devices"]["disk_writes"] == 1
    assert c["devices"]["disk_sectors_read"] == 2
    assert c["cpus"][0]["interrupts_by_line"][ISA.interrupts["DISK"].value] == 0
    m.close()
    after = p.read_bytes()
    if snapshot:
        assert after == before
    else:
        assert after[:8] == b"HELLO!!!" and after[SECTOR:] == before[SECTOR:]


def test_no_disk_is_bus_error(make_machine, guest_src):
    m = make_machine(guest_src.DISK)            # no disk: its page is not present
    r = m.run(max_steps=10_000)
    assert r.kind == "machine_check"            # BUS_ERROR trap with no vector
    ins, _ = ISA.decode(m.read_word(0, r.pc))
    assert ins.mnemonic == "sw"                 # the first store to the disk page


def test_missing_disk_image(engine_kind, tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        Machine(MachineConfig(), engine_kind, disk=str(tmp_path / "nope.img"))


# ---------------------------------------------------------------- stats, determinism
def test_stats_keys(make_machine, guest_src):
    m = make_machine(guest_src.ECHO, input=b"abc")
    r = m.run()
    st = m.stats()
    from ringvm.emulator.machine.stats import collect
    st = collect(m, r)
    json.dumps(st)
    assert set(st) >= {"engine", "ncpus", "steps", "totals", "cpus", "devices", "result"}
    tot = st["totals"]
    for k in ("cycles", "retired", "idle", "tlb_hits", "tlb_misses", "tlb_writes",
              "tlb_flushes", "asid_switches"):
        assert k in tot
    assert set(tot["traps_by_cause"]) >= set(ISA.causes)
    assert set(tot["interrupts_by_line"]) >= set(ISA.interrupts)
    assert set(tot["vmexits_by_reason"]) >= set(ISA.exit_reasons)
    assert set(tot["retired_by_ring"]) == {"-1", "0", "1", "2", "3"}
    assert st["devices"]["console_tx_bytes"] == 3
    assert st["result"] == {"kind": "halt", "exit_code": 3, "exit_status": 3}


def test_stats_table_prints(make_machine, guest_src):
    import io

    from ringvm.emulator.machine.stats import print_table
    m = make_machine(guest_src.TRACE)
    r = m.run()
    buf = io.StringIO()
    from ringvm.emulator.machine.stats import collect
    print_table(collect(m, r), file=buf)
    text = buf.getvalue()
    assert "SYSCALL" in text and "retired" in text and "tlb" not in text.split("TLB")[0][-1:]


def test_determinism(make_machine, guest_src, tmp_path):
    outs = []
    for _ in range(2):
        m = make_machine(guest_src.DISK, disk=str(_image(tmp_path)), disk_snapshot=True,
                         config=MachineConfig(ncpus=2))
        r = m.run()
        outs.append((r.kind, r.exit_code, r.steps, m.console.output, m.counters(),
                     m.cpu(0), m.cpu(1)))
    assert outs[0] == outs[1]


def test_engines_agree_on_machine_runs(guest_src, tmp_path):
    """The same guest with Python devices gives the same output, counters and final
    state on both engines (MMIO completion, disk timing, IDLE fast-forward)."""
    from ringvm.emulator.machine.console import Console
    results = []
    for kind in ("python", "native"):
        m = Machine(MachineConfig(ncpus=2), kind, disk=str(_image(tmp_path)),
                    disk_snapshot=True, console=Console(mode="none", capture=True))
        m.load_elf(guest_src.assemble(guest_src.DISK))
        r = m.run(max_steps=1_000_000)
        results.append((r.kind, r.exit_code, r.steps, m.console.output, m.counters(),
                        m.cpu(0), m.cpu(1), bytes(m.ram)))
        m.close()
    assert results[0] == results[1]
