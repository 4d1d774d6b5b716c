"""Issue 19 (close the classes): a mutation fuzz of the real ``ringvm debug GUEST --batch
-x FILE`` command line. Scripts are mutations of real command lines (the golden
sessions' scripts and every command with typical arguments): random commands and
arguments, huge, negative and zero numbers, odd format suffixes, deeply nested
expressions, control and non-ASCII characters, and -x files that are not UTF-8 text.

Each script must end with exit status 0 (or 1/2 with a one-line ``ringvm: error:``),
never a traceback and never an ``internal error`` (a caught exception is still a crash
of the command), within a time bound. Both engines take turns.

Most scripts run through the CLI's ``main`` (argument parsing, machine building, the
batch session, error reporting: the whole command) in a few child processes, several
scripts per process; a handful run as real ``ringvm debug`` subprocesses.
RINGVM_FUZZ_COUNT=N runs N scripts instead of 160 (the other fuzz tests' variable).
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent
COUNT = int(os.environ.get("RINGVM_FUZZ_COUNT", "160"))
#: scripts run as real subprocesses (the others through cli.main, in child processes)
SUBPROCESSES = 12
#: children that run the in-process scripts (each boots the guests anew per script)
CHILDREN = 4
#: seconds one script may take (a command must bound its work)
SCRIPT_BOUND = 20

COMMANDS = ["stepi", "si", "nexti", "ni", "step", "next", "finish", "until", "advance",
            "continue", "reverse-stepi", "reverse-step", "reverse-next",
            "reverse-continue", "goto-step", "break", "tbreak", "watch", "rwatch",
            "awatch", "catch", "delete", "disable", "enable", "condition", "info", "x",
            "x/4x", "x/s", "x/2i", "x/3bx", "print", "p", "p/x", "display", "undisplay",
            "set", "disassemble", "list", "backtrace", "frame", "up", "down", "cpu",
            "stats", "context", "help", "echo", "input"]
ARGS = ["", "0", "1", "010", "-1", "0x", "$pc", "*$sp", "main", "_start", "syscall",
        "(1", "1)", "1/0", "phys:0x1000", "'a'", "$a0 = 3", "0x7fffffff", "4097",
        "ticks", "if 1", "registers", "tlb", "traps", "vm", "cpus", "hello.s:3",
        "syscall 5", "&", "~", "!!1", "-", "1 << 99", "$nosuch", "trap TLB_MISS_FETCH",
        "interrupt TIMER", "vmexit", "ring", "on", "off", "regs code", "$epc", "$hvmid",
        "$cycle", "*0x80001000", "2 3", "1 if $a0 == 0", "$t0 = $t0 + 1"]
NUMBERS = ["0", "-0", "-1", "1", "-2147483648", "4294967295", "4294967296",
           "18446744073709551617", "0x" + "f" * 40, "9" * 60, "9" * 400, "9" * 5000,
           "1e9", "0b101", "0o17", "010", "+5", "0x-1", "--1", "1_000", "٣", "0x80000000"]
JUNK = ["\x00", "\x07", "\x1b[2J", "\t", "\r", "é", "漢", "\u202e", "\ufeff", "\\", "'",
        '"', "$", "*", "/", "%", "`", ";", "|", "{", "}", "[", "]"]


def real_lines() -> list[str]:
    """The command lines of the golden sessions' scripts."""
    out = []
    for f in sorted((HERE / "scripts").glob("*.rdb")):
        out += [ln for ln in f.read_text().splitlines() if ln.strip() and ln[0] != "#"]
    return out


def _random_line(rng) -> str:
    return " ".join([rng.choice(COMMANDS)] + [rng.choice(ARGS)
                                              for _ in range(rng.randrange(3))]).strip()


def mutate(line: str, rng) -> str:
    """One to three mutations of a command line."""
    for _ in range(rng.randint(1, 3)):
        words = line.split(" ")
        k = rng.random()
        if k < 0.2:                                        # a number
            i = rng.randrange(1, len(words)) if len(words) > 1 else 0
            words[i] = rng.choice(NUMBERS)
            line = " ".join(words)
        elif k < 0.3:                                      # a deep expression
            n = rng.choice([10, 100, 300, 2000])
            e = rng.choice(["(" * n + "1" + ")" * n, "-" * n + "1", "~" * n + "1",
                            "!" * n + "1", "1" + "+1" * n, "*" * n + "$sp",
                            "(" * n + "1"])
            line = f"{rng.choice(['p', 'x', 'print/x', 'break', 'stepi', 'watch'])} {e}"
        elif k < 0.4:                                      # a format suffix
            line = f"{rng.choice(['x', 'p', 'display'])}/" + rng.choice(
                ["999999999x", "-1i", "0x", "z", "4", "xxxx", "1000000s", "4097i", "i"]) + \
                " " + " ".join(words[1:] or [rng.choice(ARGS)])
        elif k < 0.5:                                      # junk characters
            i = rng.randrange(len(line) + 1)
            line = line[:i] + rng.choice(JUNK) * rng.choice([1, 1, 3, 100]) + line[i:]
        elif k < 0.6:                                      # delete or repeat a span
            i = rng.randrange(len(line) + 1)
            j = rng.randrange(i, len(line) + 1)
            line = line[:i] + line[j:] if rng.random() < 0.5 else line[:j] + line[i:j] + line[j:]
        elif k < 0.7:                                      # another command, same args
            line = " ".join([rng.choice(COMMANDS)] + words[1:])
        elif k < 0.8:                                      # more arguments
            line += " " + " ".join(rng.choice(ARGS + NUMBERS) for _ in range(rng.randint(1, 4)))
        elif k < 0.9:                                      # swap two words
            if len(words) > 1:
                i, j = rng.randrange(len(words)), rng.randrange(len(words))
                words[i], words[j] = words[j], words[i]
            line = " ".join(words)
        else:                                              # a fresh random line
            line = _random_line(rng)
    return line


def fuzz_script(rng, seeds: list[str]) -> bytes:
    """One -x file: 1-8 mutated lines; sometimes bytes that are not UTF-8 text."""
    lines = [mutate(rng.choice(seeds) if rng.random() < 0.6 else _random_line(rng), rng)
             for _ in range(rng.randint(1, 8))]
    lines = [ln for ln in lines if ln.split(" ")[0] not in ("quit", "q", "exit")]
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    k = rng.random()
    if k < 0.05:
        data += b"\n\xff\xfe p 1\n"                       # not UTF-8
    elif k < 0.08:
        data = data.replace(b"\n", b"\r")                  # old Mac line ends
    elif k < 0.10:
        data = b"\xef\xbb\xbf" + data                      # a BOM
    return data


def scripts(n: int, seed: int = 19) -> list[tuple[str, str, bytes]]:
    """``n`` (guest, engine, script bytes), both engines in turn."""
    rng = random.Random(seed)
    seeds = real_lines()
    out = []
    for i in range(n):
        guest = rng.choice(["hello", "hello", "hello", "vmsmoke"])
        out.append((guest, ("native", "python")[i % 2], fuzz_script(rng, seeds)))
    return out


def _verdict(status, out: str, err: str, seconds: float) -> str | None:
    """Why this run is a crash, or None: exit 0, 1 or 2 with no traceback, no internal
    error, an error on stderr being one `ringvm: error:` line, within the bound."""
    if status not in (0, 1, 2):
        return f"exit status {status}"
    for text in (out, err):
        if "Traceback" in text:
            return "a traceback"
        if "internal error" in text:
            lines = text.splitlines()
            i = next(i for i, ln in enumerate(lines) if "internal error" in ln)
            cmd = next((ln for ln in reversed(lines[:i]) if ln.startswith("(rdb) ")), "?")
            return f"an internal error after {cmd[:200]!r}: {lines[i][:300]}"
    if status and not err.strip():
        return "a failure with no message"
    if seconds > SCRIPT_BOUND:
        return f"{seconds:.1f} s"
    return None


def run_in_process(items: list, tmp: str) -> list[dict]:
    """(In a child) run each (guest, engine, script) through ``cli.main``, capturing
    its output; one result per script."""
    import contextlib
    import io
    import traceback

    from ringvm.emulator.cli import main
    results = []
    for i, (guest, engine, data) in enumerate(items):
        path = Path(tmp) / f"fuzz{i}.rdb"
        path.write_bytes(data)
        out, err = io.StringIO(), io.StringIO()
        t = time.monotonic()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status = main(["debug", guest, "--engine", engine, "--batch", "-x", str(path)])
        except SystemExit as e:
            status = e.code if isinstance(e.code, int) else 2
        except BaseException:                          # what the fuzz looks for
            status = "raised"
            err.write(traceback.format_exc())
        dt = time.monotonic() - t
        results.append({"status": status, "seconds": dt, "out": out.getvalue()[-4000:],
                        "err": err.getvalue()[-4000:]})
    return results


def _child(items, tmp_path, k):
    code = ("import json, sys, test_batch_fuzz as t\n"
            f"items = [(g, e, bytes.fromhex(h)) for g, e, h in json.load(open({str(tmp_path / f'in{k}.json')!r}))]\n"
            f"print('RESULTS ' + json.dumps(t.run_in_process(items, {str(tmp_path)!r})))\n")
    (tmp_path / f"in{k}.json").write_text(json.dumps([(g, e, d.hex()) for g, e, d in items]))
    return subprocess.Popen([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(HERE)!r})\n" + code],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_env(tmp_path))


def _env(tmp_path):
    return dict(os.environ, RINGVM_CACHE=str(tmp_path / "cache"), NO_COLOR="1",
                COLUMNS="100")


def _warm_cache(tmp_path):
    """Build the guests once, so no script pays for (or races on) the build."""
    for guest in ("hello", "vmsmoke"):
        subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "debug", guest,
                        "--batch"], capture_output=True, env=_env(tmp_path), timeout=300)


@pytest.mark.long
def test_fuzzed_batch_scripts_through_the_cli_never_crash(tmp_path):
    _warm_cache(tmp_path)
    items = scripts(max(COUNT - SUBPROCESSES, 0))
    parts = [items[k::CHILDREN] for k in range(CHILDREN)]
    t = time.monotonic()
    results = []
    for k in range(0, CHILDREN, 2):                  # two children at a time (2 cores)
        procs = [_child(parts[j], tmp_path, j) for j in (k, k + 1) if j < CHILDREN]
        for j, p in zip((k, k + 1), procs):
            out, err = p.communicate(timeout=SCRIPT_BOUND * len(parts[j]) + 60)
            assert p.returncode == 0 and "RESULTS " in out, f"child {j} died: {err[-3000:]}"
            for item, r in zip(parts[j], json.loads(out.split("RESULTS ", 1)[1])):
                results.append((item, r))
    bad = [(item, r, why) for item, r in results
           if (why := _verdict(r["status"], r["out"], r["err"], r["seconds"]))]
    assert not bad, f"{len(bad)} crashes:\n" + "\n".join(
        f"{why} ({item[0]} on {item[1]})" for item, r, why in bad[:12]) + \
        f"\nfirst: script {bad[0][0][2][:300]!r}\n{bad[0][1]['err'][-1500:]}"
    worst = max((r["seconds"] for _, r in results), default=0)
    errors = sum(r["out"].count("error: ") for _, r in results)
    print(f"\n{len(results)} fuzzed --batch scripts through cli.main in {CHILDREN} "
          f"processes, {time.monotonic() - t:.1f} s; {errors} one-line errors, "
          f"slowest script {worst:.2f} s")


@pytest.mark.long
def test_fuzzed_batch_scripts_as_real_subprocesses_never_crash(tmp_path):
    _warm_cache(tmp_path)
    rng = random.Random(1919)
    items = scripts(SUBPROCESSES, seed=1919)
    # and the -x files that are not text at all
    items[0] = ("hello", "native", bytes(rng.randrange(256) for _ in range(2000)))
    items[1] = ("hello", "python", b"stepi\n\x00\x00print 1\n")
    items[2] = ("hello", "native", b"p " + b"(" * 5000 + b"1\n" + b"x/4x $pc\n" * 200)
    items[3] = ("hello", "python", "p 1\n".encode("utf-16"))
    worst = 0.0
    for i, (guest, engine, data) in enumerate(items):
        path = tmp_path / f"sub{i}.rdb"
        path.write_bytes(data)
        t = time.monotonic()
        r = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "debug", guest,
                            "--engine", engine, "--batch", "-x", str(path)],
                           capture_output=True, text=True, errors="replace",
                           timeout=SCRIPT_BOUND + 30, env=_env(tmp_path))
        dt = time.monotonic() - t
        worst = max(worst, dt)
        why = _verdict(r.returncode, r.stdout, r.stderr, dt)
        assert why is None, f"{why}: {guest} on {engine}, script {data[:300]!r}\n" \
                            f"{r.stderr[-2000:]}\n{r.stdout[-800:]}"
    print(f"\n{len(items)} fuzzed --batch scripts as subprocesses; slowest {worst:.2f} s")


#: what the fuzz found (each was "internal error: ValueError: Exceeds the limit (4300
#: digits)", a number the command's own pattern matched, converted unchecked)
FOUND = ["undisplay " + "9" * 5000, "list " + "9" * 5000, "x/" + "9" * 5000 + "x $pc",
         "break hello.s:" + "9" * 5000, "tbreak hello.s:" + "9" * 5000,
         "list hello.s:" + "9" * 5000, "undisplay ²"]


@pytest.mark.parametrize("engine", ["native", "python"])
def test_the_commands_the_fuzz_broke_are_one_line_errors(debugger, engine):
    dbg = debugger("hello", engine)
    for cmd in FOUND:
        out = dbg.command(cmd)
        lines = out.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (cmd[:40], out[:300])
        assert "internal error" not in out and "Traceback" not in out
