"""``ringvm boot --timeline FILE.json`` end to end: the file is written and valid, the
stats-json of the same run agrees, bad bounds are user errors."""
from __future__ import annotations

import json

from ringvm.errors import EXIT_USER_ERROR

from tracefmt import check_trace


def test_boot_writes_a_timeline_that_agrees_with_its_statistics(ringvm, guest_file,
                                                                engine_kind, tmp_path):
    out, st = tmp_path / "t.json", tmp_path / "s.json"
    p = ringvm("boot", guest_file("ECHO"), "--engine", engine_kind, "--timeline", str(out),
               "--stats-json", str(st), input=b"hi\n")
    assert p.returncode == 3, p.stderr
    assert "timeline:" in p.stderr.decode() and str(out) in p.stderr.decode()
    data = json.loads(out.read_text())
    check_trace(data)
    stats = json.loads(st.read_text())
    names = [e["name"] for e in data["traceEvents"] if e["ph"] in "iX"]
    for prefix, key in (("irq ", "interrupts_by_line"), ("trap ", "traps_by_cause"),
                        ("vm exit ", "vmexits_by_reason")):
        for what in stats["cpus"][0][key]:
            n = sum(1 for x in names if x == prefix + what or x.startswith(prefix + what + " "))
            assert n == sum(c[key][what] for c in stats["cpus"])
    assert any(e["ph"] == "X" and e["name"] == "kernel asid 0" for e in data["traceEvents"])


def test_the_event_limit_is_reported(ringvm, tmp_path):
    out = tmp_path / "t.json"
    p = ringvm("boot", "monolithic", "--engine", "native", "--snapshot", "--timeline",
               str(out), "--timeline-max-events", "10", "--max-steps", "300000",
               input=b"echo hi\n")
    assert "limit of 10 events was reached" in p.stderr.decode()
    check_trace(json.loads(out.read_text()))


def test_bad_timeline_options_are_user_errors(ringvm, guest_file, tmp_path):
    for args in (["--timeline-window", "5:3", "--timeline", str(tmp_path / "a.json")],
                 ["--timeline-window", "x", "--timeline", str(tmp_path / "a.json")],
                 ["--timeline-window", "1:9"],
                 ["--timeline-max-events", "0", "--timeline", str(tmp_path / "a.json")],
                 ["--timeline", str(tmp_path / "no" / "dir" / "a.json")]):
        p = ringvm("boot", guest_file("HALT42"), "--engine", "python", *args)
        assert p.returncode == EXIT_USER_ERROR, (args, p.stderr)
        assert b"Traceback" not in p.stderr
        assert "timeline" in p.stderr.decode() or "cannot write" in p.stderr.decode()


def test_an_unwritable_timeline_is_refused_before_the_run(ringvm, guest_file, tmp_path):
    # SPIN never halts: only an error raised before the run ends this quickly
    for path in (tmp_path / "no" / "a.json", tmp_path):
        p = ringvm("boot", guest_file("SPIN"), "--engine", "python", "--timeline", str(path),
                   timeout=60)
        assert p.returncode == EXIT_USER_ERROR, p.stderr
        assert "cannot write" in p.stderr.decode() and b"Traceback" not in p.stderr


def test_debug_timeline_going_back_and_forth_records_each_moment_once(ringvm, tmp_path):
    """``debug --timeline``: travelling back and forward (checkpoints, re-execution)
    gives the events of a straight boot of the same steps, and the same ring time."""
    script = tmp_path / "x"
    script.write_text("goto-step 200000\ngoto-step 50000\ngoto-step 300000\n")
    dbg, boot = tmp_path / "d.json", tmp_path / "b.json"
    p = ringvm("debug", "monolithic", "--engine", "native", "--input", r"echo hi\n",
               "-x", str(script), "--batch", "--timeline", str(dbg))
    assert p.returncode == 0, p.stderr
    p = ringvm("boot", "monolithic", "--engine", "native", "--snapshot", "--input",
               r"echo hi\n", "--max-steps", "300000", "--timeline", str(boot))
    a, b = (json.loads(f.read_text())["traceEvents"] for f in (dbg, boot))
    check_trace({"traceEvents": a})
    points = [sorted(json.dumps(e, sort_keys=True) for e in x if e["ph"] != "X")
              for x in (a, b)]
    assert points[0] == points[1] and len(points[0]) > 50
    ring = [sum(e["dur"] for e in x if e["ph"] == "X" and e["cat"] == "ring")
            for x in (a, b)]
    assert ring[0] == ring[1]
