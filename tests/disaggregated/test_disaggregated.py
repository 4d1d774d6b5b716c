"""The disaggregated kernel (guests/disaggregated): a process component on CPU 0, a
storage component on CPU 1 and memory components on the others, connected only by
messages; a failed memory component takes down only the processes whose pages it held,
a crashed storage component only the file operations made while it is down. Every
behaviour on both engines (short inputs on the Python one)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from mkernel import boot, check_golden
from ringvm.emulator.images.workload import PHASES, parse_phases

ENGINES = ["python", "native"]
G = "disaggregated"
GOLDEN = Path(__file__).parent / "golden"


def banner_ok(r, nmem):
    assert r.lines[0] == ("ringvm disaggregated: a process component (CPU 0), a storage "
                          f"component (CPU 1), {nmem} memory components, 32768 KiB RAM"), \
        r.text[:300]
    assert r.lines[1] == ("disaggregated: storage component (CPU 1) up: the file system "
                          "on its disk")


def memstat(r):
    """{cpu: (state, free, inuse, allocs, mapped)} from the last memstat."""
    i = max(k for k, ln in enumerate(r.lines) if ln == "$ memstat")
    out = {}
    for ln in r.lines[i + 2:]:
        m = re.match(r"\s*(\d+)\s+alive\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", ln)
        if m:
            out[int(m[1])] = ("alive",) + tuple(int(x) for x in m.groups()[1:])
        elif (m := re.match(r"\s*(\d+)\s+failed$", ln)):
            out[int(m[1])] = ("failed",)
        else:
            break
    return out


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("cpus", [3, 4])
def test_boots_with_process_storage_and_memory_components(engine, cpus):
    r = boot("echo hello\nmemstat\ncat README | wc\n", engine, guest=G, cpus=cpus)
    assert (r.kind, r.exit_code) == ("halt", 0), r.text[-600:]
    banner_ok(r, cpus - 2)
    assert "hello" in r.lines and "16 92 659" in r.lines
    st = memstat(r)
    assert sorted(st) == list(range(2, cpus))
    assert all(s[0] == "alive" for s in st.values())
    # init, the shell and memstat live on the first memory component (inherited home)
    assert st[2][2] > 0 and st[2][3] >= st[2][2] and st[2][4] > 0


def test_both_engines_give_the_same_run():
    py, nat = (boot("onmem 3 echo same\nmfail 3\nsfail 5\nls README\n", e, guest=G)
                for e in ENGINES)
    assert py.text == nat.text and py.steps == nat.steps
    assert py.events == nat.events


@pytest.mark.parametrize("engine", ENGINES)
def test_a_failed_memory_component_takes_down_only_the_processes_whose_pages_it_held(engine):
    """LegoOS's fault independence: sleep's pages are on component 3, everything else on
    component 2; component 3 fails; the heartbeat notices, sleep alone is killed with a
    report naming it, and the shell, files and component 2 work on."""
    r = boot("onmem 3 sleep 5000 &\nmemstat\nmfail 3\nsleep 40\necho still here\nps\n"
             "memstat\ncat README | wc\nonmem 3 echo no\n", engine, guest=G)
    assert (r.kind, r.exit_code) == ("halt", 0), r.text[-800:]
    t = r.lines
    assert "mfail: memory component 3 told to fail" in t
    i = t.index("disaggregated: memory component 3 failed: the pages it held are lost")
    assert re.match(r"disaggregated: pid \d+ \(sleep\) lost [1-9]\d* pages: killed$", t[i + 1])
    assert t[i + 2] == ("disaggregated: processes killed: 1; every other process and "
                        "component runs on")
    assert not any(re.search(r"\((sh|init)\) lost", ln) for ln in t)
    assert "still here" in t and "16 92 659" in t
    ps = t[t.index("$ ps") + 1:t.index("$ memstat", t.index("$ ps"))]
    assert not any(ln.endswith(" sleep") for ln in ps), ps
    st = memstat(r)
    assert st[3] == ("failed",) and st[2][0] == "alive"
    assert "onmem: 3 is not a live memory component" in t
    lost = int(re.search(r"lost (\d+) pages", t[i + 1])[1])
    assert f"pages lost: {lost}" in t


@pytest.mark.parametrize("engine", ENGINES)
def test_a_request_that_gets_no_answer_declares_the_failure_and_another_component_serves(engine):
    """No heartbeat in time (HB_PERIOD huge): the first allocation that times out finds
    the failure; the page then comes from component 2 and the program runs."""
    r = boot("mfail 3\nonmem 3 echo served elsewhere\nmemstat\n", engine, guest=G,
             defines={"HB_PERIOD": 1_000_000})
    assert (r.kind, r.exit_code) == ("halt", 0), r.text[-800:]
    t = r.lines
    i = t.index("disaggregated: memory component 3 failed: the pages it held are lost")
    assert t[i + 1] == ("disaggregated: processes killed: 0; every other process and "
                        "component runs on")
    assert "served elsewhere" in t
    assert memstat(r)[3] == ("failed",)


def test_user_pages_come_from_the_memory_components_by_messages():
    """Each page of a process is a message to its home component: allocations there
    grow with the program's pages, and frees give them back."""
    r = boot("memstat\nonmem 3 cat README\nmemstat\n", guest=G)
    a = r.text.split("$ onmem 3 cat README")
    before, after = memstat(boot("memstat\n", guest=G)), memstat(r)
    assert after[3][3] > 0 and after[3][2] == 0       # allocs served, all given back
    assert "Welcome to " in a[1]
    assert before[3][3] == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_a_crashed_storage_component_fails_only_file_operations_until_it_restarts(engine):
    """The storage component crashes (sfail) for 100 ticks: a program that touches no
    file (spin) runs to its end meanwhile; commands (an exec is a file operation) fail
    with EIO after the proxy's timeout, with one report; after the restart they work."""
    r = boot("spin 8 &\nsfail\necho a\necho b\necho c\necho d\necho back\n"
             "cat README | wc\nsleep 20\n", engine, guest=G)
    assert (r.kind, r.exit_code) == ("halt", 0), r.text[-800:]
    t = r.lines
    gone = t.index("disaggregated: the storage component does not answer: file operations "
                   "fail (EIO) until it is back")
    back = t.index("disaggregated: the storage component answers again")
    spun = next(i for i, ln in enumerate(t) if ln.startswith("spin: 8 rounds, checksum "))
    assert gone < spun < back                          # computed while storage was down
    assert "sh: echo: I/O error" in t[gone:back]
    assert "back" in t[back:] and "16 92 659" in t[back:]
    assert sum(ln.startswith("disaggregated: the storage") for ln in t) == 2
    assert not any(ln.startswith("disaggregated: memory component") for ln in t)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_portable_workload_runs(engine):
    inp = "workload quick\n" if engine == "python" else "workload\n"
    r = boot(inp, engine, guest=G, max_steps=400_000_000)
    assert (r.kind, r.exit_code) == ("halt", 0), r.text[-600:]
    assert "workload: done" in r.lines
    assert tuple(p.name for p in parse_phases(r.text)) == PHASES


def test_needs_a_storage_and_a_memory_component():
    r = boot("echo no\n", guest=G, cpus=2)
    assert ("panic: the disaggregated kernel needs a storage and a memory component: "
            "--cpus 3 or more") in r.lines
    assert "no" not in r.lines


def test_a_golden_session():
    r = boot("onmem 3 sleep 3000 &\nmemstat\nmfail 3\nsleep 40\nps\nmemstat\nsfail 30\n"
             "ls README\nls README\nls README\n", guest=G)
    check_golden(GOLDEN / "session.txt", r.text)
