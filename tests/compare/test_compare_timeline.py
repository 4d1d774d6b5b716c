"""``ringvm compare --timeline FILE.json``: one valid timeline per run with the
workload's phases marked, and the measurement unchanged by it."""
from __future__ import annotations

import json

from ringvm.emulator.cli import main
from ringvm.emulator.images.workload import PHASES

from tracefmt import check_trace


def test_compare_writes_a_timeline_per_run_and_measures_the_same(tmp_path, capsys):
    plain, timed = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["compare", "monolithic", "--workload", "quick", "--json", str(plain)]) == 0
    assert main(["compare", "monolithic", "--workload", "quick", "--json", str(timed),
                 "--timeline", str(tmp_path / "t.json")]) == 0
    assert plain.read_text() == timed.read_text()
    err = capsys.readouterr().err
    for name in ("monolithic", "monolithic@hypervisor"):
        f = tmp_path / f"t.{name}.json"
        assert f"written to {f}" in err
        data = json.loads(f.read_text())
        check_trace(data)
        marks = [e["name"] for e in data["traceEvents"] if e.get("cat") == "mark"]
        assert marks == ["workload: start"] + [f"phase {p} done" for p in PHASES]
    hosted = json.loads((tmp_path / "t.monolithic@hypervisor.json").read_text())
    assert any(e["pid"] > 1 and e["ph"] == "X" for e in hosted["traceEvents"])


def test_compare_timeline_mistakes_are_one_line_errors(capsys):
    assert main(["compare", "--report", "l4", "--timeline", "x.json"]) == 2
    assert main(["compare", "--timeline-window", "3:1", "--timeline", "x.json"]) == 2
    err = capsys.readouterr().err
    assert "not --report" in err and "A < B" in err and "Traceback" not in err
