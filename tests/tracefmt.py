"""A checker for the Chrome Trace Event Format as ringvm writes it (the "JSON Object
Format" of the Trace Event Format document that Perfetto and chrome://tracing read):
the fields each phase requires, proper nesting of complete slices on each track, and
flow arrows that pair up and bind to a slice."""
from __future__ import annotations

from collections import defaultdict

#: phase -> fields it must have (beyond ph, name, pid, tid, ts, which every event has)
REQUIRED = {"X": ("dur",), "i": ("s",), "s": ("id", "cat"), "f": ("id", "cat", "bp"),
            "M": ("args",)}
METADATA = {"process_name": "name", "thread_name": "name",
            "process_sort_index": "sort_index", "thread_sort_index": "sort_index"}


def check_trace(data: dict) -> dict:
    """Raise AssertionError for any violation; return ``{"X": n, "i": n, ...}``."""
    assert isinstance(data, dict) and isinstance(data.get("traceEvents"), list)
    counts: dict[str, int] = defaultdict(int)
    tracks: dict[tuple[int, int], list[tuple[int, int, str]]] = defaultdict(list)
    flows: dict[int, dict[str, dict]] = defaultdict(dict)
    for e in data["traceEvents"]:
        for f in ("ph", "name", "pid", "tid", "ts"):
            assert f in e, f"{f!r} missing in {e}"
        ph = e["ph"]
        assert ph in REQUIRED, f"unknown phase in {e}"
        for f in REQUIRED[ph]:
            assert f in e, f"{ph} event without {f!r}: {e}"
        assert isinstance(e["name"], str) and e["name"]
        assert all(isinstance(e[f], int) and e[f] >= 0 for f in ("pid", "tid", "ts")), e
        counts[ph] += 1
        if ph == "X":
            assert isinstance(e["dur"], int) and e["dur"] > 0, e
            tracks[(e["pid"], e["tid"])].append((e["ts"], e["ts"] + e["dur"], e["name"]))
        elif ph == "i":
            assert e["s"] in ("t", "p", "g"), e
        elif ph in ("s", "f"):
            assert e["ph"] not in flows[e["id"]], f"flow {e['id']} has two {ph} events"
            flows[e["id"]][ph] = e
            if ph == "f":
                assert e["bp"] == "e", e
        else:
            assert e["name"] in METADATA, e
            assert METADATA[e["name"]] in e["args"], e
    for key, slices in tracks.items():          # properly nested on every track
        stack: list[tuple[int, int, str]] = []
        for a, b, name in sorted(slices, key=lambda s: (s[0], -s[1])):
            while stack and stack[-1][1] <= a:
                stack.pop()
            assert not stack or b <= stack[-1][1], \
                f"track {key}: {name} [{a}, {b}) overlaps {stack[-1]}"
            stack.append((a, b, name))
    for fid, ends in flows.items():              # arrows pair up and bind to a slice
        assert set(ends) == {"s", "f"}, f"flow {fid} is missing an end: {ends}"
        for e in ends.values():
            assert any(a <= e["ts"] < b for a, b, _ in tracks[(e["pid"], e["tid"])]), \
                f"flow event {e} is not inside a slice of its track"
    return dict(counts)
