"""``ringvm compare``: targets come from guest.toml, a measurement reads the machine's
counters exactly at the workload's lines (the same on both engines), cost profiles
price events after the run, and the CLI writes tables, JSON, CSV and figures."""
from __future__ import annotations

import json

import pytest

from ringvm.emulator.cli import main
from ringvm.emulator.compare import Target, measure, select, targets
from ringvm.emulator.compare.output import to_json
from ringvm.emulator.compare.profiles import (EVENTS, bundled_profiles, event_counts,
                                              load_profile)
from ringvm.emulator.images import find_guest
from ringvm.emulator.images.registry import guest_from_dir
from ringvm.emulator.images.workload import PHASES
from ringvm.errors import UserError

ENGINES = ["python", "native"]
MONO = Target("monolithic")


@pytest.fixture(scope="module")
def quick():
    return {e: measure(MONO, engine=e, quick=True) for e in ENGINES}


def test_targets_come_from_the_guests_workload_tables():
    names = [t.name for t in targets()]
    assert names[0] == "monolithic"                       # the reference first
    assert {"monolithic", "microkernel", "hybrid", "exokernel", "libos",
            "monolithic@hypervisor"} <= set(names)
    assert "hello" not in names and "hypervisor" not in names   # no [workload] / a host
    hosted = [t for t in targets() if t.host]
    assert all("hvm" in find_guest(t.guest).runs_as for t in hosted)


def test_select_by_guest_host_option_and_typo():
    ts = targets()
    assert [t.name for t in select(["monolithic"], ts)] == ["monolithic",
                                                            "monolithic@hypervisor"]
    assert [t.name for t in select(["hypervisor"], ts)] == ["monolithic@hypervisor"]
    assert select(["microkernel+mach"], ts) == [Target("microkernel", None, ("mach",))]
    with pytest.raises(UserError, match="did you mean 'microkernel'"):
        select(["mikrokernel"], ts)
    with pytest.raises(UserError, match="does not run the workload"):
        select(["hello+x"], ts)


@pytest.mark.parametrize("body, msg", [
    ('[workload]\ncmd = "x"\n', "takes command, tag, hosts, module and variants"),
    ('[workload]\ntag = "a"\n', "'command'"),
    ('[workload]\ncommand = "w"\nhosts = "hvm"\n', "go together"),
    ('[workload]\ncommand = "w"\nhosts = "xen"\nmodule = "vm1"\n', "hosts must be one of"),
    ('[workload]\ncommand = "w"\nhosts = "hvm"\nmodule = "vm9"\n', "not one of its"),
])
def test_bad_workload_tables_are_refused(tmp_path, body, msg):
    (tmp_path / "guest.toml").write_text(f'entry = "k.s"\n{body}')
    with pytest.raises(UserError, match=msg):
        guest_from_dir(tmp_path)


@pytest.mark.parametrize("engine", ENGINES)
def test_phase_counters_belong_to_their_phase(quick, engine):
    m = quick[engine]
    assert m.error is None
    assert [p.name for p in m.phases] == list(PHASES)
    ph = {p.name: p for p in m.phases}
    # getpid is one system call; the phase line's printing adds a write or two
    assert ph["null"].ops <= ph["null"].counters["trap.SYSCALL"] <= ph["null"].ops + 3
    assert ph["compute"].counters["trap.SYSCALL"] <= 2          # printing its line
    assert ph["spawn"].counters["asid_switches"] >= ph["spawn"].ops
    assert ph["file"].counters["disk_writes"] >= ph["file"].ops
    for p in m.phases:                 # the machine's steps cover the guest's count
        assert p.cycles <= p.counters["steps"] <= p.cycles + 3000, p
    for key in ("steps", "trap.SYSCALL", "tlb_misses"):
        assert sum(p.counters[key] for p in m.phases) < m.total[key]


def test_a_measurement_is_the_same_on_both_engines(quick):
    a, b = quick["python"], quick["native"]
    assert [(p.name, p.ops, p.cycles, p.counters) for p in a.phases] == \
           [(p.name, p.ops, p.cycles, p.counters) for p in b.phases]
    assert a.total == b.total


def test_a_hosted_run_counts_vm_exits_per_phase():
    m = measure(Target("monolithic", "hypervisor"), engine="native", quick=True)
    assert m.error is None and [p.name for p in m.phases] == list(PHASES)
    exits = {p.name: event_counts(p.counters)["vm_exit"] for p in m.phases}
    assert exits["file"] > exits["null"] and exits["file"] > 0


def test_a_run_that_does_not_finish_says_why():
    m = measure(MONO, engine="native", quick=True, max_steps=250_000)
    assert m.error and "step budget" in m.error and not m.phases


def test_bundled_profiles_load_and_price_events(quick):
    assert {"unit", "r3000", "x86-vtx"} <= set(bundled_profiles())
    unit, vtx = load_profile("unit"), load_profile("x86-vtx")
    assert load_profile(None).name == "r3000"
    p = quick["native"].phases[0]
    assert unit.modelled(p.cycles, p.counters) == p.cycles
    n = event_counts(p.counters)
    assert vtx.extra(p.counters) == sum(vtx.costs[e].cycles * n[e] for e in vtx.costs)
    assert vtx.extra(p.counters) >= 150 * p.ops        # one trap per getpid
    assert all(c.source for c in vtx.costs.values()) and set(vtx.costs) <= set(EVENTS)


@pytest.mark.parametrize("body, msg", [
    ("[cost.trap]\ncycles = 5\n", "exactly cycles and source"),
    ('[cost.tlb_miss]\ncycles = 5\nsource = "x"\n', "unknown event"),
    ('[cost.trap]\ncycles = -1\nsource = "x"\n', "from 0 to"),
    ('[cost.trap]\ncycles = 1\nsource = " "\n', "where the figure comes from"),
    ('colour = "red"\n', "unknown key"),
    ("[cost.trap\n", "Expected"),
])
def test_bad_profiles_are_refused(tmp_path, body, msg):
    f = tmp_path / "p.toml"
    f.write_text(body)
    with pytest.raises(UserError, match=msg):
        load_profile(str(f))
    with pytest.raises(UserError, match="no cost profile called 'nope'"):
        load_profile("nope")


def test_the_cli_writes_table_json_csv_and_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    js, cs, svg = tmp_path / "c.json", tmp_path / "c.csv", tmp_path / "c.svg"
    assert main(["compare", "monolithic", "--workload", "quick", "--profile", "x86-vtx",
                 "--json", str(js), "--csv", str(cs), "--plot", str(svg)]) == 0
    out = capsys.readouterr().out
    assert "monolithic@hypervisor" in out and "×1.00" in out and "x86-vtx" in out
    data = json.loads(js.read_text())
    assert [t["name"] for t in data["targets"]] == ["monolithic", "monolithic@hypervisor"]
    assert "host_seconds" not in js.read_text()
    rows = cs.read_text().splitlines()
    assert rows[0].startswith("target,phase,ops,cycles,modelled_cycles_x86-vtx,")
    assert len(rows) == 1 + 2 * len(PHASES)
    assert svg.read_text().lstrip().startswith("<?xml") and "<svg" in svg.read_text()
    again = tmp_path / "again.json"
    assert main(["compare", "monolithic", "--workload", "quick", "--profile", "x86-vtx",
                 "--json", str(again)]) == 0
    assert again.read_text() == js.read_text()              # deterministic


@pytest.mark.parametrize("argv, msg", [
    (["--engine", "jit"], "choose native or python"),
    (["--workload", "huge"], "choose portable or quick"),
    (["--cpus", "0"], "from 1 to 8"),
    (["--report", "nope"], "no report called 'nope'"),
    (["--profile", "nope"], "no cost profile"),
    (["nosuch"], "no structure called 'nosuch'"),
])
def test_cli_mistakes_are_one_line_errors(capsys, argv, msg):
    assert main(["compare", *argv]) == 2
    err = capsys.readouterr().err
    assert msg in err and "Traceback" not in err


def test_list_names_structures_reports_and_profiles(capsys):
    assert main(["compare", "--list"]) == 0
    out = capsys.readouterr().out
    for word in ("monolithic@hypervisor", "l4", "exokernel", "popek-goldberg", "r3000"):
        assert word in out


def test_json_of_a_failed_run_keeps_its_reason():
    m = measure(MONO, engine="native", quick=True, max_steps=250_000)
    data = to_json([m], load_profile("unit"))
    assert "step budget" in data["targets"][0]["error"]


def test_a_variant_is_a_row_and_must_be_an_option(tmp_path):
    assert Target("microkernel", None, ("mach",)) in targets()
    (tmp_path / "guest.toml").write_text('entry = "k.s"\n[workload]\ncommand = "w"\n'
                                         'variants = ["fast"]\n')
    with pytest.raises(UserError, match="variants must be a list of its"):
        guest_from_dir(tmp_path)
    (tmp_path / "guest.toml").write_text('entry = "k.s"\nworkload = 3\n')
    with pytest.raises(UserError, match="takes command"):
        guest_from_dir(tmp_path)
