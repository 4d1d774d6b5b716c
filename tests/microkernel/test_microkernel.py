"""The microkernel (guests/microkernel): it boots its user-level servers and runs the
unchanged programs; interrupts and page faults travel as IPC; a crashed driver is
restarted without a reboot; a thread cannot talk to a server it has no right to; map,
grant and recursive unmap; the Mach-style IPC path is as correct and costs more.
Every behaviour on both engines (short inputs on the Python one)."""
from __future__ import annotations

import re

import pytest

from mkboot import (IRQ_CONSOLE_TID, IRQ_DISK_TID, EV_IPC_RECV, EV_IPC_SEND, TID_CONS,
                    TID_DISK, TID_PROC, TID_ROOT, boot, maptest_image, probe_disk, word)
from ringvm.emulator.images.workload import PHASES, parse_phases

ENGINES = ["python", "native"]


@pytest.mark.parametrize("engine", ENGINES)
def test_boots_sigma0_root_and_the_servers_then_runs_the_shell(engine):
    r = boot("echo hi\nls\n", engine)
    assert r.kind == "halt" and r.exit_code == 0, r.text[-500:]
    assert re.match(r"ringvm microkernel: \d+ KiB RAM, \d+ kernel pages, \d+ pages for "
                    r"sigma0$", r.lines[0])
    assert r.lines[1] == "sigma0: all physical memory is mine"
    i = r.lines.index("$ echo hi")
    assert r.lines[i + 1] == "hi"
    assert any(re.match(r"README\s+file\s+\d+\s+659$", ln) for ln in r.lines)


def test_both_engines_give_the_same_run():
    py, nat = boot("echo same\n", "python"), boot("echo same\n", "native")
    assert py.text == nat.text and py.steps == nat.steps
    assert py.events == nat.events


@pytest.mark.parametrize("engine", ENGINES)
def test_the_portable_workload_runs_on_the_servers(engine):
    quick = engine == "python"
    r = boot("workload quick\n" if quick else "workload\n", engine, max_steps=200_000_000)
    phases = parse_phases(r.text)
    assert tuple(p.name for p in phases) == PHASES
    assert phases[0].ops == (100 if quick else 1000)


def test_usertests_pass_in_full():
    r = boot("usertests\n", "native", max_steps=400_000_000)
    assert "usertests: OK" in r.lines, r.text[-2000:]
    assert not [ln for ln in r.lines if "FAILED" in ln]


def test_usertests_on_the_python_engine():
    r = boot("usertests basic badptr files pipe\n", "python", max_steps=60_000_000)
    assert "usertests: OK" in r.lines, r.text[-2000:]


@pytest.mark.parametrize("engine", ENGINES)
def test_interrupts_arrive_as_messages_from_pseudo_threads(engine):
    """The console's and the disk's interrupts reach their user-level drivers as IPC
    from the lines' pseudo-threads (the microkernel translates interrupts into IPC)."""
    r = boot("echo hi\n", engine)
    dest = {a0: a1 for _c, code, a0, a1 in r.events if code == EV_IPC_SEND}
    senders = {}
    for _c, code, flow, sender in r.events:
        if code == EV_IPC_RECV:
            senders.setdefault(sender, set()).add(dest[flow])
    assert senders[IRQ_DISK_TID] == {TID_DISK}
    assert senders[IRQ_CONSOLE_TID] == {TID_CONS}


@pytest.mark.parametrize("engine", ENGINES)
def test_page_faults_are_messages_to_the_faulting_threads_pager(engine):
    """A thread's page fault goes, as a message, to its pager: a program's to the
    process server, a server's to root, root's to sigma0."""
    seen = {}

    def fault(m):
        sym = m.symbols
        tcb = m.cpu(0).regs[10]
        name = m.read_physical((tcb + sym["T_NAME"]) & 0x7FFFFFFF, 16).split(b"\0")[0]
        seen.setdefault(name.decode(), set()).add(word(m, tcb + sym["T_PAGER"]))

    boot("echo hi\n", engine, breakpoints=["handle_fault"], on_break=fault)
    assert seen["root"] == {0x101}                       # sigma0
    assert seen["fs"] == {TID_ROOT} and seen["disk"] == {TID_ROOT}
    assert seen["sh"] == {TID_PROC} and seen["init"] == {TID_PROC}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_crashed_disk_driver_is_restarted_and_the_shell_keeps_working(engine):
    r = boot("ls\necho still here > f\ncat f\n", engine, options=["crashdisk"])
    assert r.kind == "halt" and r.exit_code == 0, r.text[-800:]
    crash = r.lines.index(next(ln for ln in r.lines if ln.startswith("root: disk crashed")))
    assert re.match(r"root: disk crashed: illegal instruction at 0x[0-9a-f]{8} \(cause 4\)",
                    r.lines[crash])
    assert any(re.match(r"root: restarted disk as thread 0x00000204", ln)
               for ln in r.lines[crash:])
    assert "fs: the disk driver is back as thread 0x00000204" in r.lines
    i = r.lines.index("$ cat f")
    assert r.lines[i + 1] == "still here"                 # a delay, not an error
    assert not [ln for ln in r.lines if "panic" in ln or "error" in ln]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_program_cannot_use_ipc_or_kernel_calls_it_has_no_right_to(engine, tmp_path):
    r = boot("mkprobe\n", engine, disks=probe_disk(tmp_path))
    out = dict(ln.rsplit(": ", 1) for ln in r.lines if ": " in ln and not ln.startswith("$"))
    assert out["send to the disk driver"] == "-3"        # IPC_EPERM: not in its mask
    assert out["send to root"] == "-3"
    assert out["send to no thread"] == "-2"               # IPC_ENOPARTNER
    assert out["receive, timeout 0"] == "-1"              # IPC_ETIMEOUT at once
    assert re.match(r"-1 after [56] ticks", out["receive, timeout 5"])
    for call in ("task_new", "irq_attach", "kprint", "halt", "kill the file system"):
        assert out[call] == "-3", call
    assert "SHOULD NOT APPEAR" not in r.text
    assert out["getpid still works"] == "3"


@pytest.mark.parametrize("engine", ENGINES)
def test_map_grant_and_recursive_unmap_through_three_pagers(engine):
    """sigma0 -> root -> C -> G: a grant moves a page, a map chain shares one, and
    root's unmap takes it back from C and from G (tests/microkernel/progs/maproot.s)."""
    r = boot("", engine, image=maptest_image(), max_steps=3_000_000)
    got = [ln for ln in r.lines if ln.startswith(("maptest:", "sigma0: a fault"))]
    assert got == [
        "maptest: C reads 0x0000beef from the page root granted it",
        "maptest: G reads 0x00c0ffee through root -> C -> G",
        "maptest: root unmapped W",
        "maptest: G faulted on W (its mapping is gone)",
        "maptest: C faulted on W (its mapping is gone)",
        "sigma0: a fault it cannot resolve, thread 0x00000103 at 0x00401000"], r.text


def test_mach_style_ipc_is_correct_but_costs_more_cycles():
    l4 = parse_phases(boot("workload quick\n", "native").text)
    mach_run = boot("workload quick\nusertests basic pipe forkwait\n", "native",
                    options=["mach"], max_steps=200_000_000)
    assert "usertests: OK" in mach_run.lines
    mach = parse_phases(mach_run.text)
    for a, b in zip(l4, mach):
        if a.name != "compute":
            assert b.cycles > a.cycles, a.name


def test_fast_ipc_is_a_few_system_calls_and_far_below_a_pipe_round_trip():
    """The shape of Liedtke's argument, in cycles (deterministic): a null IPC round trip
    to the process server against the monolithic kernel's null system call and pipe
    round trip."""
    mk = {p.name: p for p in parse_phases(boot("workload quick\n", "native").text)}
    mono = {p.name: p for p in parse_phases(boot("workload quick\n", "native",
                                                 guest="monolithic").text)}
    ipc, syscall = mk["null"].cycles_per_op, mono["null"].cycles_per_op
    assert syscall < ipc < 4 * syscall
    assert ipc * 5 < mono["pipe"].cycles_per_op


@pytest.mark.parametrize("engine", ENGINES)
def test_an_interrupt_line_stays_masked_until_its_driver_acknowledges(engine):
    """Between the kernel's delivery of a DISK interrupt as a message and the driver's
    answer to the pseudo-thread, the line is off in ienable; the answer turns it on."""
    ienable = 0x106
    seen = []

    def at(m):
        line = m.cpu(0).regs[11]                       # irq_ack(a0 = tcb, a1 = line)
        seen.append(bool(m.cpu(0).csr[ienable] >> line & 1))
        m.step(10)                                     # through its csrs
        seen.append(bool(m.cpu(0).csr[ienable] >> line & 1))

    boot("echo hi\n", engine, breakpoints=["irq_ack"], on_break=at, max_steps=20_000_000)
    assert len(seen) >= 4
    assert seen[0::2] == [False] * (len(seen) // 2)    # masked while the driver works
    assert seen[1::2] == [True] * (len(seen) // 2)     # unmasked by its acknowledgement


SESSION = "ls\ncat README | wc\necho hello > f\ncat f\nrm f\nps\nfault null\necho done\n"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_shell_session_matches_its_golden_transcript(engine):
    from pathlib import Path
    from mkboot import check_golden
    r = boot(SESSION, engine)
    assert r.kind == "halt" and r.exit_code == 0
    check_golden(Path(__file__).parent / "golden" / "session.txt", r.text)
