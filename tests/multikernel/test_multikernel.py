"""The multikernel (guests/multikernel): one CPU driver per CPU, each its own image in
its own memory; every global change an agreement (two-phase commit) between the
monitors, each replica written only by its own CPU; processes spawned on any CPU,
talking over a user-level channel; polling and notification counted. Every behaviour
on both engines (short inputs on the Python one)."""
from __future__ import annotations

import re
import struct
from collections import Counter
from pathlib import Path

import pytest

from mkernel import EV, GUESTS, boot, check_golden, word
from ringvm.emulator.images.workload import PHASES, parse_phases
from ringvm.isa import ISA

ENGINES = ["python", "native"]
BI = ISA.boot_info
GOLDEN = Path(__file__).parent / "golden"


def banner_ok(r, n):
    assert r.lines[0] == f"ringvm multikernel: {n} CPU drivers, 32768 KiB RAM", r.text[:300]
    up = [ln for ln in r.lines if ln.startswith("multikernel: CPU driver ")]
    assert len(up) == n
    for k in range(n):
        assert re.match(rf"multikernel: CPU driver {k} of {n} up: \d+ KiB of RAM of its own$",
                        up[k]), up[k]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("cpus", [2, 4])
def test_boots_one_cpu_driver_per_cpu_to_the_shell(engine, cpus):
    r = boot(f"oncore {cpus - 1} echo hello from the last cpu\n", engine, cpus=cpus)
    assert (r.kind, r.exit_code) == ("halt", 0), r.text[-600:]
    banner_ok(r, cpus)
    assert r.lines[1 + cpus] == f"$ oncore {cpus - 1} echo hello from the last cpu"
    assert "hello from the last cpu" in r.lines


def test_runs_with_more_cpus_than_drivers():
    r = boot("oncore 7 echo seven\noncore 5 ls README\n", cpus=9)
    banner_ok(r, 8)
    assert ("multikernel: CPUs from 8 on have no CPU driver (MAXCPU, guest.toml's "
            "modules): they stay stopped") in r.lines
    assert "seven" in r.lines and any(re.match(r"README\s+file\s+2\s+659$", ln)
                                      for ln in r.lines)


def test_both_engines_give_the_same_run():
    py, nat = (boot("oncore 1 echo same\n", e, cpus=2) for e in ENGINES)
    assert py.text == nat.text and py.steps == nat.steps
    assert py.events == nat.events


def test_a_golden_session():
    r = boot("ps\noncore 2 ps\noncore 3 cat README\noncore 1 nothere\n", cpus=4)
    check_golden(GOLDEN / "session.txt", r.text)


def _modules(r) -> dict[str, dict]:
    n = word(r, BI.base + 0x1C)
    out = {}
    for i in range(n):
        e = BI.base + BI.modules_offset + i * BI.module_entry_size
        name = r.memory(e, 16).split(b"\0")[0].decode()
        start, end, entry, flags = struct.unpack("<4I", r.memory(e + 16, 16))
        out[name] = dict(start=start, end=end, entry=entry, flags=flags)
    return out


def _core(r, k) -> dict:
    s = r.symbols
    free = (word(r, BI.base + 0x10) + 0xFFF) & ~0xFFF
    cd = free + s["SH_CORE"] + k * s["CD_SIZE"]
    return {n: word(r, cd + s[f"CD_{n}"]) for n in ("STATE", "MEM", "MEMEND", "PROCTAB",
                                                     "PDIR", "STATS")}


def test_each_cpu_driver_is_its_own_image_in_its_own_memory():
    """CPU k runs the CPU driver of boot module cpuK — the same sources, linked at its
    own address — and its process table, its replica and its counters are in that
    image; every kernel stack and page table of its processes is in its own part of
    RAM, which no other CPU's overlaps."""
    r = boot("oncore 1 sleep 300 &\noncore 2 sleep 300 &\noncore 3 sleep 300 &\nps\n",
             cpus=4, max_steps=6_000_000)
    mods = _modules(r)
    linked = BI.module_flags["ELF"] | BI.module_flags["LINKED"]
    spans = [(0x1000, 0x100000)]                     # CPU 0: the kernel image
    for k in range(1, 8):
        m = mods[f"cpu{k}"]
        assert m["flags"] == linked and m["entry"] == 0x80100000 + (k - 1) * 0x40000
        spans.append((m["start"], m["end"]))
    s = r.symbols
    parts = []
    for k in range(4):
        c = _core(r, k)
        assert c["STATE"] == 2
        lo, hi = spans[k]
        for obj in ("PROCTAB", "PDIR", "STATS"):
            assert lo <= c[obj] - 0x80000000 < hi, (k, obj)
        parts.append((c["MEM"], c["MEMEND"]))
        seen = 0
        for i in range(s["NPROC"]):
            p = c["PROCTAB"] + (i << s["PROC_SHIFT"])
            if word(r, p + s["P_STATE"]) == 0:
                continue
            seen += 1
            for field in ("P_KSTACK", "P_PGDIR"):
                a = word(r, p + s[field])
                if a:
                    assert c["MEM"] <= a - 0x80000000 < c["MEMEND"], (k, field, hex(a))
        assert seen >= 2                              # the monitor and a sleep at least
    parts.sort()
    assert all(a[1] <= b[0] for a, b in zip(parts, parts[1:]))


def test_each_replica_is_written_only_by_its_own_cpu():
    """Forks on CPU 0 and spawns on CPUs 1-3 change every replica of the process
    directory, but each CPU driver writes only its own: the others' changes reach it as
    messages (a physical watch on all four replicas sees each written by its CPU)."""
    s = {}

    def replicas(m):
        s.update(m.symbols)
        free = (int.from_bytes(m.read_physical(BI.base + 0x10, 4), "little") + 0xFFF) & ~0xFFF
        out = []
        for k in range(4):
            cd = free + s["SH_CORE"] + k * s["CD_SIZE"]
            pdir = int.from_bytes(m.read_physical(cd + s["CD_PDIR"], 4), "little") - 0x80000000
            out.append((pdir, pdir + s["NPDIR"] * s["PD_SIZE"]))
        s["ranges"] = out
        return out

    r = boot("oncore 1 echo a\noncore 2 echo b\necho c\noncore 3 echo d\n", cpus=4,
             watch=replicas, watch_after=3_000_000)
    assert (r.kind, r.exit_code) == ("halt", 0) and "d" in r.lines, r.text[-500:]
    owner = {}
    for k, (lo, hi) in enumerate(s["ranges"]):
        for a in range(lo, hi):
            owner[a] = k
    writers = Counter((owner[h.paddr], h.cpu) for h in r.hits)
    assert writers and all(o == c for o, c in writers), writers
    assert {o for o, _c in writers} == {0, 1, 2, 3}
    blobs = [r.memory(lo, hi - lo) for lo, hi in s["ranges"]]
    assert all(b == blobs[0] for b in blobs)         # and they agree at the end


def _txs(r):
    """Agreement events by transaction: tx -> [(cpu, phase)]."""
    out = {}
    for cpu, _c, code, tx, phase in r.events:
        if code == EV["AGREEMENT"]:
            out.setdefault(tx, []).append((cpu, phase))
    return out


@pytest.mark.parametrize("engine", ENGINES)
def test_global_operations_are_two_phase_commits(engine):
    """Every fork, spawn and exit is a transaction coordinated by the CPU it happens on:
    a prepare, then a vote from every other CPU, then one decision — all commit here."""
    r = boot("oncore 2 echo x\n", engine, cpus=3)
    txs = _txs(r)
    assert len(txs) >= 4                             # fork+exit of oncore, spawn+exit of echo
    for tx, steps in txs.items():
        coord = tx >> 24
        assert steps[0] == (coord, 1)                # prepare
        votes = sorted(c for c, ph in steps if ph == 2)
        assert votes == sorted({0, 1, 2} - {coord})  # every other CPU voted yes
        assert [(c, ph) for c, ph in steps if ph in (4, 5)] == [(coord, 4)]
    assert r.count("MSG_SEND") == r.count("MSG_RECV") > 0


@pytest.mark.parametrize("engine", ENGINES)
def test_a_refusal_aborts_the_spawn_on_every_replica(engine):
    """With room for 4 processes per CPU (--option tight), CPU 1 — its monitor and
    three sleeps — refuses a fourth: its monitor votes no, the coordinator aborts, no
    replica keeps the process and none is created anywhere."""
    text = ("oncore 1 sleep 400 &\noncore 1 sleep 400 &\noncore 1 sleep 400 &\n"
            "oncore 1 echo four\nps\noncore 2 ps\n")
    r = boot(text, engine, cpus=3, options=["tight"], max_steps=40_000_000)
    assert "oncore: CPU 1 refused echo: no room there (the agreement aborted)" in r.lines
    assert "four" not in r.lines
    here = r.text.split("$ ps\n")[1].split("$ ")[0]         # CPU 0's replica
    there = r.text.split("$ oncore 2 ps\n")[1].split("$ ")[0]   # CPU 2's
    for pss in (here, there):
        assert pss.count("sleep@1") == 3 and "echo" not in pss, pss
    aborted = [tx for tx, st in _txs(r).items() if (tx >> 24, 5) in st]
    assert len(aborted) == 1
    assert (1, 3) in _txs(r)[aborted[0]]             # CPU 1 voted no


def test_spawn_reports_the_childs_status_and_kill_reaches_another_cpu():
    start = "oncore 2 grep nothing README\noncore 3 echo x\noncore 2 sleep 900 &\nps\n"
    first = boot(start, cpus=4)                      # the sleep's pid (runs are
    pid = int(re.search(r"^\s+(\d+)\s+\d+ \?\s+0 sleep@2$", first.text, re.M).group(1))
    r = boot(start + f"kill {pid}\nps\noncore 1 nothere\n", cpus=4)   # deterministic)
    assert "sh: oncore: exit 1" in r.lines and "x" in r.lines
    before, after = r.text.split("$ ps\n")[1:3]
    assert f"{pid:>5}" in before and "sleep@2" in before
    assert "sleep@2" not in after                    # killed by CPU 2's driver
    assert "oncore: cannot run nothere on CPU 1: no such file or directory" in r.lines


@pytest.mark.parametrize("engine", ENGINES)
def test_processes_on_two_cpus_talk_over_a_user_level_channel(engine):
    """chanping binds channel 0 (an agreement), spawns its partner on CPU 3, and the
    two exchange messages through the page both map — polling it in ring 3, with no
    system call per message."""
    n = 20 if engine == "python" else 200
    r = boot(f"chanping 3 {n}\n", engine, cpus=4)
    assert "chanping: the partner runs on CPU 3 and maps the same channel page" in r.lines
    m = next(re.match(rf"chanping: {n} round trips with CPU 3 over a user-level channel "
                      rf"from CPU 0: (\d+) cycles each$", ln) for ln in r.lines
             if ln.startswith(f"chanping: {n}"))
    assert 0 < int(m.group(1)) < 5000
    syscall = ISA.causes["SYSCALL"].value
    on3 = r.counters["cpus"][3]["traps_by_cause"][syscall]
    assert on3 < 40                                  # a few to start and end, none per message
    chans = [e for e in r.events if e[2] == EV["AGREEMENT"] and e[4] == 4]
    assert chans


@pytest.mark.parametrize("engine", ENGINES)
def test_polling_and_notification_are_visible_choices_with_counters(engine):
    r = boot("mkping 1 10\nmkstat\n", engine, cpus=2)
    poll = next(ln for ln in r.lines if ln.startswith("mkping: polling:"))
    ipi = next(ln for ln in r.lines if ln.startswith("mkping: IPI:"))
    assert poll.endswith(", 0 IPIs received")
    assert int(re.search(r"(\d+) IPIs received", ipi).group(1)) > 0
    rt = [int(re.search(r"(\d+) cycles each", x).group(1)) for x in (poll, ipi)]
    assert 0 < rt[0] < rt[1]                         # the shape: polling answers sooner
    i = r.lines.index("$ mkstat")
    assert r.lines[i + 1].split() == ["CPU", "sent", "recv", "polls", "empty", "ipisent",
                                      "ipirecv", "commits", "aborts", "votes", "refused"]
    rows = [ln.split() for ln in r.lines[i + 2:i + 4]]
    assert [x[0] for x in rows] == ["0", "1"] and all(int(x[1]) > 0 for x in rows)
    r2 = boot("mkping 1 5\n", engine, cpus=2, options=["poll"])
    assert r2.count("NOTIFY") < r.count("NOTIFY")


@pytest.mark.parametrize("engine", ENGINES)
def test_the_portable_workload_runs_on_cpu0_and_on_another_cpu(engine):
    quick = " quick" if engine == "python" else ""
    r = boot(f"workload{quick}\noncore 2 workload{quick}\n", engine, cpus=4,
             max_steps=400_000_000)
    runs = r.text.split("$ oncore 2 workload")
    for part in runs:
        assert tuple(p.name for p in parse_phases(part)) == PHASES, part[-500:]
    assert r.lines.count("workload: done") == 2


def test_usertests_pass_on_cpu0_and_on_another_cpu():
    r = boot("usertests\noncore 1 usertests quick\n", cpus=2, max_steps=800_000_000)
    assert r.lines.count("usertests: OK") == 2, r.text[-2000:]
    assert not [ln for ln in r.lines if "FAILED" in ln]


def test_every_message_sent_is_received_once_on_its_destination():
    r = boot("oncore 1 cat README\nchanping 2 5\n", cpus=3)
    sent = {a0: (cpu, a1) for cpu, _c, code, a0, a1 in r.events if code == EV["MSG_SEND"]}
    recv = [(a0, cpu, a1) for cpu, _c, code, a0, a1 in r.events if code == EV["MSG_RECV"]]
    assert len(recv) == len(sent) == len({f for f, _c, _s in recv})
    for flow, cpu, src in recv:
        assert sent[flow] == (src, cpu)              # from its sender, to its receiver
        assert flow >> 28 == src and (flow >> 24) & 0xF == cpu


def test_the_multikernel_system_call_numbers_agree_with_the_stubs():
    k = (GUESTS / "multikernel" / "param.inc").read_text()
    u = (GUESTS / "multikernel" / "programs" / "lib" / "mkusys.s").read_text()
    kn = dict(re.findall(r"^\.equ SYS_(\w+), (\d+)", k, re.M))
    un = dict(re.findall(r"^\.equ MK_SYS_(\w+), (\d+)", u, re.M))
    assert kn == un and len(kn) == 7


@pytest.mark.parametrize("engine", ENGINES)
def test_boots_and_runs_with_monitors_that_only_poll(engine):
    """--option poll: no monitor ever sleeps, so no scheduler is ever idle; the
    interrupts (timer, console, disk) are taken between two rounds of the monitor."""
    r = boot("oncore 2 echo polled\nmkstat\n", engine, options=("poll",))
    assert (r.kind, r.exit_code) == ("halt", 0), r.text[-600:]
    assert "polled" in r.lines
    rows = [ln.split() for ln in r.lines if re.match(r"\s+\d\s+\d+\s+\d+", ln)]
    assert len(rows) == 4 and all(row[5] == "0" and row[6] == "0" for row in rows), rows
