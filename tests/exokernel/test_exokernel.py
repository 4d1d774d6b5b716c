"""The exokernel (guests/exokernel): two library OSes at once — ExOS runs the portable
shell and programs, stride its own application — on both engines; the libOS-managed
TLB, secure bindings and isolation; visible revocation and the abort protocol."""
from __future__ import annotations

import pytest

from ringvm.emulator.images.workload import parse_phases

from .helpers import ENGINES, boot, module, phases

SESSION = "ls\necho hi | wc\nsleep 25\n"


@pytest.fixture(scope="module")
def sessions():
    return {e: boot(engine=e, text=SESSION, max_steps=60_000_000) for e in ENGINES}


@pytest.mark.parametrize("engine", ENGINES)
def test_two_library_oses_run_at_once_exos_runs_the_shell(sessions, engine):
    out, r, c = sessions[engine]
    assert (r.kind, r.exit_code) == ("halt", 0), out
    lines = out.splitlines()
    assert lines[0].startswith("ringvm exokernel: ") and "2 library OS(es)" in lines[0]
    assert lines[1].startswith("  domain 1: exos,") and lines[2].startswith("  domain 2: stride,")
    assert "exos: POSIX library OS in domain 1, file system on 4096 disk blocks" in out
    assert "$ ls" in lines and "README         file   2    659" in lines
    assert "$ echo hi | wc" in lines and "1 1 3" in lines
    # the specialised library OS ran its application meanwhile, in whole lines
    p = phases(out)
    assert p["sweep-pagetable"][0] == p["sweep-stride"][0] == 384
    assert "stride: done" in lines
    for word in ("stride:", "phase "):          # never in the middle of ExOS's lines
        assert all(ln.startswith(word) for ln in lines if word in ln), out


def test_both_engines_print_the_same_session_and_counters(sessions):
    (a, ra, ca), (b, rb, cb) = (sessions[e] for e in ENGINES)
    assert a == b and ra.steps == rb.steps
    assert ca["cpus"] == cb["cpus"] and ca["devices"] == cb["devices"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_tlb_miss_in_a_program_is_an_upcall_to_its_library_os(sessions, engine):
    out, _r, c = sessions[engine]
    # every miss of stride's page-table sweep went to stride's handler, and ExOS's
    # programs' misses to ExOS's: many upcalls, one event each
    assert c["devices"]["event_UPCALL"] > 384 + 24
    import re
    misses = dict(re.findall(r"phase (sweep-\w+) ops=\d+ cycles=\d+ misses=(\d+)", out))
    assert misses == {"sweep-pagetable": "384", "sweep-stride": "24"}


def test_the_specialised_library_os_beats_exos_s_policy_on_its_application(sessions):
    p = phases(sessions["native"][0])
    assert p["sweep-stride"][1] < p["sweep-pagetable"][1]


def test_one_library_os_cannot_map_touch_free_read_or_notify_the_other_s(sessions):
    out = sessions["python"][0]
    iso = next(ln for ln in out.splitlines() if ln.startswith("stride: domain 1's page"))
    assert iso.count(": refused") == 5 and "ALLOWED" not in iso, iso


@pytest.mark.parametrize("engine", ENGINES)
def test_visible_revocation_the_library_os_gives_back_a_page_of_its_choice(engine):
    out, r, c = boot([module("coop"), module("hog")], engine=engine,
                     defines={"POOL_PAGES": 40})
    assert (r.kind, r.exit_code) == ("halt", 0), out
    lines = out.splitlines()
    assert "coop: holding 8 pages at 0x00100000 in domain 1" in lines
    assert "hog: allocated 17 pages, then error 11" in lines      # -EAGAIN
    asked = next(ln for ln in lines if "the kernel asked for page" in ln)
    named, given = asked.split("page ")[1].split(";")[0], asked.split("page ")[2].split()[0]
    assert named != given                       # its choice, not the kernel's
    assert any(ln.startswith("hog: got page") for ln in lines)
    assert "abort protocol" not in out
    assert c["devices"]["event_REVOKE"] == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_the_abort_protocol_takes_the_page_of_a_library_os_that_ignores_revocation(engine):
    out, r, c = boot([module("stubborn"), module("hog")], engine=engine,
                     defines={"POOL_PAGES": 40})
    assert (r.kind, r.exit_code) == ("halt", 0), out
    lines = out.splitlines()
    assert any(ln.startswith("stubborn: the kernel asked for page") and
               ln.endswith("I ignore it") for ln in lines)
    abort = next(ln for ln in lines if ln.startswith("exokernel: abort protocol"))
    page = abort.split("page ")[1].split()[0]
    assert "domain 1 (stubborn) ignored a revocation" in abort
    # it finds the page in its repossession vector; it can neither map nor touch it
    assert (f"stubborn: repossession vector: page {page} taken by force; refused; "
            f"touch it; refused") in lines
    assert lines.index(abort) < lines.index(next(ln for ln in lines
                                                 if ln.startswith("hog: got page")))
    assert c["devices"]["event_REVOKE"] == 1


def test_without_pressure_nothing_is_revoked():
    out, r, c = boot([module("coop"), module("hog")], engine="native",
                     defines={"POOL_PAGES": 0}, max_steps=3_000_000)
    assert "the kernel asked" not in out and "event_REVOKE" not in c["devices"]


@pytest.mark.parametrize("engine", ENGINES)
def test_exos_runs_the_portable_workload(engine):
    text = "workload quick\n" if engine == "python" else "workload\n"
    out, r, _c = boot(engine=engine, text=text, max_steps=400_000_000)
    assert r.kind == "halt", out
    got = parse_phases(out)
    assert [p.ops for p in got] == ([100, 6, 20, 2, 10000] if engine == "python"
                                    else [1000, 64, 200, 20, 100000])


def test_exos_passes_usertests_on_the_native_engine():
    out, r, _c = boot(engine="native", text="usertests\n", max_steps=6_000_000_000)
    assert r.kind == "halt" and "usertests: OK" in out, out[-2000:]
    assert "FAILED" not in out


@pytest.mark.parametrize("engine", ENGINES)
def test_a_library_os_with_no_upcall_handler_loses_only_its_environment(engine):
    out, r, _c = boot([module("hello")], engine=engine, max_steps=400_000)
    assert "hello: my page reads back 42" in out
    assert "hello: fault at 0x00300000" in out
    assert "hello: freeing my environment" in out


@pytest.mark.parametrize("engine", ENGINES)
def test_a_library_os_that_crashes_loses_only_its_environment(engine):
    out, _r, _c = boot([module("crash"), module("crash2"), module("hello")], engine=engine,
                       max_steps=600_000)
    lines = out.splitlines()
    assert any(ln.startswith("exokernel: env 1 (crash): killed: cause 11 at ") and
               ln.endswith(", no upcall handler") for ln in lines), out
    assert any(ln.startswith("exokernel: env 2 (crash2): killed: cause 11 at ") and
               ln.endswith(", in its upcall handler") for ln in lines), out
    assert "hello: my page reads back 42" in lines
