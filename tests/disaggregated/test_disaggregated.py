"""The disaggregated kernel (guests/disaggregated): a process component on CPU 0 whose
processes' pages all come from memory components on the other CPUs, by messages; a
failed memory component takes down only the processes whose pages it held. Every
behaviour on both engines (short inputs on the Python one)."""
from __future__ import annotations

import re

import pytest

from mkernel import boot
from ringvm.emulator.images.workload import PHASES, parse_phases

ENGINES = ["python", "native"]
G = "disaggregated"


def banner_ok(r, nmem):
    assert r.lines[0] == (f"ringvm disaggregated: a process component (CPU 0), {nmem} "
                          "memory components, 32768 KiB RAM"), r.text[:300]


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
def test_boots_with_a_process_component_and_memory_components(engine, cpus):
    r = boot("echo hello\nmemstat\n", engine, guest=G, cpus=cpus)
    assert (r.kind, r.exit_code) == ("halt", 0), r.text[-600:]
    banner_ok(r, cpus - 1)
    assert "hello" in r.lines
    st = memstat(r)
    assert sorted(st) == list(range(1, cpus))
    assert all(s[0] == "alive" for s in st.values())
    # init, the shell and memstat live on the first component (inherited home)
    assert st[1][2] > 0 and st[1][3] >= st[1][2] and st[1][4] > 0


def test_both_engines_give_the_same_run():
    py, nat = (boot("onmem 2 echo same\nmfail 1\n", e, guest=G) for e in ENGINES)
    assert py.text == nat.text and py.steps == nat.steps
    assert py.events == nat.events


@pytest.mark.parametrize("engine", ENGINES)
def test_a_failed_memory_component_takes_down_only_the_processes_whose_pages_it_held(engine):
    """LegoOS's fault independence: sleep's pages are on component 2, everything else on
    component 1; component 2 fails; the heartbeat notices, sleep alone is killed with a
    report naming it, and the shell, files and component 1 work on."""
    r = boot("onmem 2 sleep 5000 &\nmemstat\nmfail 2\nsleep 40\necho still here\nps\n"
             "memstat\ncat README | wc\nonmem 2 echo no\n", engine, guest=G)
    assert (r.kind, r.exit_code) == ("halt", 0), r.text[-800:]
    t = r.lines
    assert "mfail: memory component 2 told to fail" in t
    i = t.index("disaggregated: memory component 2 failed: the pages it held are lost")
    assert re.match(r"disaggregated: pid \d+ \(sleep\) lost [1-9]\d* pages: killed$", t[i + 1])
    assert t[i + 2] == ("disaggregated: processes killed: 1; every other process and "
                        "component runs on")
    assert not any(re.search(r"\((sh|init)\) lost", ln) for ln in t)
    assert "still here" in t and "16 92 659" in t
    ps = t[t.index("$ ps") + 1:t.index("$ memstat", t.index("$ ps"))]
    assert not any(ln.endswith(" sleep") for ln in ps), ps
    st = memstat(r)
    assert st[2] == ("failed",) and st[1][0] == "alive"
    assert "onmem: 2 is not a live memory component" in t
    lost = int(re.search(r"lost (\d+) pages", t[i + 1])[1])
    assert f"pages lost: {lost}" in t


@pytest.mark.parametrize("engine", ENGINES)
def test_a_request_that_gets_no_answer_declares_the_failure_and_another_component_serves(engine):
    """No heartbeat in time (HB_PERIOD huge): the first allocation that times out finds
    the failure; the page then comes from component 1 and the program runs."""
    r = boot("mfail 2\nonmem 2 echo served elsewhere\nmemstat\n", engine, guest=G,
             defines={"HB_PERIOD": 1_000_000})
    assert (r.kind, r.exit_code) == ("halt", 0), r.text[-800:]
    t = r.lines
    i = t.index("disaggregated: memory component 2 failed: the pages it held are lost")
    assert t[i + 1] == ("disaggregated: processes killed: 0; every other process and "
                        "component runs on")
    assert "served elsewhere" in t
    assert memstat(r)[2] == ("failed",)


def test_user_pages_come_from_the_memory_components_by_messages():
    """Each page of a process is a message to its home component: allocations there
    grow with the program's pages, and frees give them back."""
    r = boot("memstat\nonmem 2 cat README\nmemstat\n", guest=G)
    a = r.text.split("$ onmem 2 cat README")
    before, after = memstat(boot("memstat\n", guest=G)), memstat(r)
    assert after[2][3] > 0 and after[2][2] == 0       # allocs served, all given back
    assert "Welcome to " in a[1]
    assert before[2][3] == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_the_portable_workload_runs(engine):
    inp = "workload quick\n" if engine == "python" else "workload\n"
    r = boot(inp, engine, guest=G, max_steps=400_000_000)
    assert (r.kind, r.exit_code) == ("halt", 0), r.text[-600:]
    assert "workload: done" in r.lines
    assert tuple(p.name for p in parse_phases(r.text)) == PHASES
