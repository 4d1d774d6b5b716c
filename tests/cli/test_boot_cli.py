"""``ringvm boot`` and ``ringvm guests`` end to end (subprocesses)."""
from __future__ import annotations

import json
import re

import pytest

from ringvm.errors import EXIT_MAX_STEPS, EXIT_DEADLOCK, EXIT_MACHINE_CHECK, EXIT_USER_ERROR


def _stderr_lines(p) -> list[str]:
    """stderr lines without the engine-fallback note."""
    return [ln for ln in p.stderr.decode().splitlines() if not ln.startswith("ringvm: note:")]


def test_halt_exit_code(ringvm, guest_file, engine_kind):
    p = ringvm("boot", guest_file("HALT42"), "--engine", engine_kind)
    assert p.returncode == 42, p.stderr
    assert _stderr_lines(p) == []


def test_piped_stdin(ringvm, guest_file, engine_kind):
    p = ringvm("boot", guest_file("ECHO"), "--engine", engine_kind, input=b"piped\x00data\n")
    assert p.stdout == b"piped\x00data\n"
    assert p.returncode == 11


def test_scripted_input_escapes(ringvm, guest_file, engine_kind):
    p = ringvm("boot", guest_file("ECHO"), "--engine", engine_kind, "--input", r"a\nb\x41",
               input=b"ignored")
    assert p.stdout == b"a\nbA"
    assert p.returncode == 4


def test_step_limit_status_and_message(ringvm, guest_file, engine_kind):
    p = ringvm("boot", guest_file("SPIN"), "--engine", engine_kind, "--max-steps", "1000")
    assert p.returncode == EXIT_MAX_STEPS
    lines = _stderr_lines(p)
    assert len(lines) == 1
    assert re.fullmatch(r"ringvm: stopped: the step limit was reached \(--max-steps 1000; "
                        r"pc 0x8000100[0-4], ring 0\)", lines[0]), lines


def test_the_old_option_name_still_works_with_a_note(ringvm, guest_file):
    p = ringvm("boot", guest_file("SPIN"), "--engine", "python", "--max-instructions", "1K")
    assert p.returncode == EXIT_MAX_STEPS
    lines = p.stderr.decode().splitlines()
    assert "ringvm: note: --max-instructions is deprecated: use --max-steps" in lines
    assert "--max-steps 1000;" in lines[-1]
    p = ringvm("boot", guest_file("SPIN"), "--max-instructions", "1K", "--max-steps", "1K")
    assert p.returncode == 2 and b"give --max-steps only" in p.stderr


def test_machine_check_status(ringvm, guest_file, engine_kind):
    p = ringvm("boot", guest_file("NO_VECTOR"), "--engine", engine_kind)
    assert p.returncode == EXIT_MACHINE_CHECK
    lines = _stderr_lines(p)
    assert len(lines) == 1 and lines[0].startswith("ringvm: machine check: ")


def test_deadlock_status(ringvm, guest_file, engine_kind):
    p = ringvm("boot", guest_file("DEADLOCK"), "--engine", engine_kind)
    assert p.returncode == EXIT_DEADLOCK
    lines = _stderr_lines(p)
    assert len(lines) == 1 and "every CPU waits for an interrupt that can never come" in lines[0]


def test_disk_snapshot_cli(ringvm, guest_file, tmp_path, engine_kind):
    img = tmp_path / "d.img"
    data = b"".join(f"sector-{i}".encode().ljust(512, b"\0") for i in range(4))
    img.write_bytes(data)
    p = ringvm("boot", guest_file("DISK"), "--engine", engine_kind, "--disk", img, "--snapshot")
    assert p.returncode == 2 and p.stdout == b"12400 sector-1sector-2"
    assert img.read_bytes() == data
    p = ringvm("boot", guest_file("DISK"), "--engine", engine_kind, "--disk", img)
    assert p.returncode == 2 and img.read_bytes()[:8] == b"HELLO!!!"


@pytest.mark.parametrize("args,needle", [
    (["--ram", "3X"], "bad memory size"),
    (["--ram", "2G"], "out of range"),
    (["--cpus", "0"], "--cpus"),
    (["--cpus", "many"], "expected a number"),
    (["--tlb-entries", "1000"], "--tlb-entries"),
    (["--engine", "java"], "--engine"),
    (["--max-steps", "-5"], "--max-steps"),
    (["--disk", "missing.img"], "does not exist"),
    (["--snapshot"], "--snapshot needs --disk"),
    (["--trace", "bogus"], "unknown trace flag"),
    (["--checkpoint-at", "5"], "--checkpoint-at needs --checkpoint"),
])
def test_bad_options_one_line(ringvm, guest_file, args, needle):
    p = ringvm("boot", guest_file("HALT42"), "--engine", "python", *args)
    err = p.stderr.decode()
    assert p.returncode == EXIT_USER_ERROR, err
    assert "Traceback" not in err
    lines = _stderr_lines(p)
    assert len(lines) == 1 and lines[0].startswith("ringvm: error: ") and needle in lines[0], err


def test_restore_errors(ringvm, guest_file):
    p = ringvm("boot", guest_file("HALT42"), "--restore", "x.ckpt")
    assert p.returncode == 2 and "cannot be given" in p.stderr.decode()
    p = ringvm("boot", "--restore", "nope.ckpt", "--engine", "python")
    err = p.stderr.decode()
    assert p.returncode == 2 and "cannot read checkpoint" in err and "Traceback" not in err


@pytest.mark.parametrize("guest,needle", [
    ("nosuchguest", "no guest called 'nosuchguest'"),
    ("/bin/true", "not a ringvm ELF32 file"),
    ("missing.s", "no such file"),
])
def test_bad_guest(ringvm, guest, needle):
    p = ringvm("boot", guest, "--engine", "python")
    err = p.stderr.decode()
    assert p.returncode == EXIT_USER_ERROR and "Traceback" not in err
    assert needle in err and len(err.strip().splitlines()) == 1, err


def test_assembly_error_reported(ringvm, tmp_path):
    bad = tmp_path / "bad.s"
    bad.write_text(".text\n_start:\n    add a0, a9, a1\n")
    p = ringvm("boot", bad, "--engine", "python")
    err = p.stderr.decode()
    assert p.returncode == EXIT_USER_ERROR and "Traceback" not in err
    assert "bad.s:3:" in err


def test_stats_json_and_table(ringvm, guest_file, tmp_path, engine_kind):
    out = tmp_path / "stats.json"
    p = ringvm("boot", guest_file("TRACE"), "--engine", engine_kind, "--stats",
               "--stats-json", out)
    assert p.returncode == 7
    st = json.loads(out.read_text())
    assert st["result"] == {"kind": "halt", "exit_code": 7, "exit_status": 7}
    assert st["totals"]["traps_by_cause"]["SYSCALL"] == 1
    assert st["totals"]["tlb_writes"] == 1
    assert st["cpus"][0]["retired"] == st["totals"]["retired"] > 0
    assert st["engine"] == engine_kind
    err = p.stderr.decode()
    assert "ringvm statistics" in err and "SYSCALL" in err


def test_trace_file(ringvm, guest_file, tmp_path, engine_kind):
    tf = tmp_path / "trace.txt"
    p = ringvm("boot", guest_file("TRACE"), "--engine", engine_kind, "--trace", "insn,trap,tlb",
               "--trace-file", tf)
    assert p.returncode == 7
    lines = tf.read_text().splitlines()
    assert lines[0].startswith("cpu0 @0 insn r0  0x80001000")
    assert any(" trap SYSCALL " in ln for ln in lines)
    assert any(" tlb  [3] <- " in ln for ln in lines)
    assert not any(" mmio " in ln for ln in lines)


def test_trace_to_stderr(ringvm, guest_file):
    p = ringvm("boot", guest_file("HALT42"), "--engine", "python", "--trace", "mmio")
    assert p.returncode == 42
    assert "cpu0 @2 mmio write sysctl.HALT <- 0x0000002a" in p.stderr.decode() or \
        "mmio write sysctl.HALT <- 0x0000002a" in p.stderr.decode()


def test_checkpoint_restore_cli(ringvm, guest_file, tmp_path, engine_kind):
    src = guest_file("ECHO")
    text = "checkpointed input"
    full = ringvm("boot", src, "--engine", engine_kind, "--input", text)
    ck = tmp_path / "m.ckpt"
    first = ringvm("boot", src, "--engine", engine_kind, "--input", text,
                   "--checkpoint", ck, "--checkpoint-at", "60")
    assert first.returncode == full.returncode == len(text)
    assert first.stdout == full.stdout == text.encode()
    rest = ringvm("boot", "--restore", ck, "--engine", engine_kind)
    assert rest.returncode == len(text)
    assert full.stdout.endswith(rest.stdout) and 0 < len(rest.stdout) < len(text)
    # a checkpoint at the stop: continue a run that reached its step limit
    ck2 = tmp_path / "b.ckpt"
    part = ringvm("boot", src, "--engine", engine_kind, "--input", text,
                  "--max-steps", "50", "--checkpoint", ck2)
    assert part.returncode == EXIT_MAX_STEPS
    more = ringvm("boot", "--restore", ck2, "--engine", engine_kind)
    assert more.returncode == len(text)
    assert part.stdout + more.stdout == text.encode()


def test_guests_list_and_default(ringvm, tmp_path):
    p = ringvm("guests")
    assert p.returncode == 0
    out = p.stdout.decode()
    assert "hello" in out and "vmsmoke" in out


def test_default_guest_and_cache(ringvm, tmp_path, guests_module):
    g = guests_module
    root = tmp_path / "guests"
    (root / "lib").mkdir(parents=True)
    (root / "lib" / "prelude.inc").write_text(g.PRELUDE)
    (root / "h42").mkdir()
    (root / "h42" / "guest.toml").write_text('description = "halts with 42"\nentry = "main.s"\n')
    (root / "h42" / "main.s").write_text('.include "prelude.inc"\n' + g.HALT42)
    (root / "guests.toml").write_text('default = "h42"\n')
    env = {"RINGVM_GUESTS": str(root)}
    p = ringvm("boot", "--engine", "python", env_extra=env)
    assert p.returncode == 42, p.stderr
    cached = list((tmp_path / "cache" / "elf").glob("h42-*.elf"))
    assert len(cached) == 1
    p = ringvm("guests", env_extra=env)
    assert "h42 (default)" in p.stdout.decode() and "halts with 42" in p.stdout.decode()
    # editing a source rebuilds (new cache key)
    (root / "h42" / "main.s").write_text('.include "prelude.inc"\n'
                                         + g.HALT42.replace("42", "43"))
    p = ringvm("boot", "h42", "--engine", "python", env_extra=env)
    assert p.returncode == 43
    assert len(list((tmp_path / "cache" / "elf").glob("h42-*.elf"))) == 2


def test_native_unavailable_is_user_error(ringvm, guest_file):
    from ringvm.emulator.engine import available_engines
    if "native" in available_engines():
        pytest.skip("native engine is built")
    p = ringvm("boot", guest_file("HALT42"), "--engine", "native")
    assert p.returncode == EXIT_USER_ERROR and "Traceback" not in p.stderr.decode()
    p = ringvm("boot", guest_file("HALT42"))
    assert p.returncode == 42
    assert "using the python engine" in p.stderr.decode()


def _bundled():
    from ringvm.emulator.images import list_guests
    return [g.name for g in list_guests()]


@pytest.mark.parametrize("name", _bundled())
def test_bundled_guest_boots(ringvm, name, engine_kind):
    """Every bundled guest assembles, boots and halts with status 0 — except a guest
    that runs only under a hypervisor (runs_as without "bare", e.g. the unikernel DomU),
    which must say so and stop, without a traceback."""
    from ringvm.emulator.images import find_guest
    p = ringvm("boot", name, "--engine", engine_kind, "--max-steps", "50M",
               timeout=600)
    if "bare" not in find_guest(name).runs_as:
        assert p.returncode != 0 and b"not booted by" in p.stdout, p.stdout.decode()
        assert b"Traceback" not in p.stderr
        return
    assert p.returncode == 0, p.stderr.decode()
    assert p.stdout


def test_guest_toml_machine_defaults(ringvm, tmp_path, guests_module):
    """guest.toml cpus/ram/disk defaults; the bundled image is never modified."""
    g = guests_module
    root = tmp_path / "guests"
    (root / "lib").mkdir(parents=True)
    d = root / "dg"
    d.mkdir()
    (d / "guest.toml").write_text('description = "disk guest"\nentry = "main.s"\n'
                                  'cpus = 2\nram = "1M"\ndisk = "fs.img"\n')
    (d / "main.s").write_text(g.PRELUDE + g.DISK)
    data = b"".join(f"sector-{i}".encode().ljust(512, b"\0") for i in range(4))
    (d / "fs.img").write_bytes(data)
    env = {"RINGVM_GUESTS": str(root)}
    st = tmp_path / "st.json"
    p = ringvm("boot", "dg", "--engine", "python", "--stats-json", st, env_extra=env)
    assert p.returncode == 2 and p.stdout == b"12400 sector-1sector-2", p.stderr
    assert (d / "fs.img").read_bytes() == data
    s = json.loads(st.read_text())
    assert s["ncpus"] == 2 and s["ram_size"] == 1 << 20
    p = ringvm("guests", env_extra=env)
    out = p.stdout.decode()
    assert "disk guest" in out and "2 cpus; RAM 1M; disk fs.img" in out, out
    p = ringvm("boot", "dg", "--engine", "python", "--cpus", "1", "--stats-json", st,
               env_extra=env)
    assert p.returncode == 2 and json.loads(st.read_text())["ncpus"] == 1


def test_modules_and_disks_on_the_command_line(ringvm, tmp_path):
    data = tmp_path / "README"
    data.write_bytes(b"ringvm\n")
    a, b = tmp_path / "a.img", tmp_path / "b.img"
    a.write_bytes(b"S" * 512)
    b.write_bytes(bytes(512))
    p = ringvm("boot", "bootinfo", "--module", f"data={data}", "--module", "k=hello@0x400000",
               "--disk", str(a), "--disk", str(b), "--engine", "python")
    out = p.stdout.decode()
    assert p.returncode == 0, p.stderr
    assert "module data 0x00004000-0x00004007 raw 7 bytes, sum 669\n" in out, out
    assert "module k 0x00400000-" in out and "elf entry 0x80001000" in out
    assert "read back: OK" in out and b.read_bytes() == a.read_bytes()
    p = ringvm("boot", "hello", "--module", f"data={data}", "--engine", "python")
    assert p.returncode == 0 and "hello: module data at 0x00008000, 7 bytes\n" in \
        p.stdout.decode(), p.stdout
    for args, msg in ((["--module", "bad"], "expected NAME=FILE_OR_GUEST"),
                      (["--module", "x=/no/such"], "neither a file nor a bundled guest"),
                      (["--disk", str(a)] * 4, "at most 3 disks"),
                      (["--module", f"{'n' * 20}={data}"], "module name")):
        p = ringvm("boot", "bootinfo", "--engine", "python", *args)
        assert p.returncode == 2 and msg in p.stderr.decode(), p.stderr
        assert b"Traceback" not in p.stderr


def test_build_options_and_defines_reach_the_guest(ringvm, tmp_path, guests_module):
    """guest.toml [build] defines, a named --option and -D all become assembler defines
    (later ones win); the guest halts with the value it was built with."""
    root = tmp_path / "guests"
    (root / "lib").mkdir(parents=True)
    (root / "lib" / "prelude.inc").write_text(guests_module.PRELUDE)
    d = root / "cfg"
    d.mkdir()
    (d / "guest.toml").write_text(
        'description = "halts with CODE"\nentry = "main.s"\n'
        '[build]\ndefines = { CODE = 3 }\n'
        '[options.big]\ndescription = "a bigger code"\ndefines = { CODE = 30 }\n')
    (d / "main.s").write_text('.include "prelude.inc"\n.text\n_start:\n'
                              '    li t0, SYSCTL_HALT\n'
                              '.ifdef EXTRA\n    li t1, CODE + EXTRA\n.else\n'
                              '    li t1, CODE\n.endif\n    sw t1, 0(t0)\n1:  j 1b\n')
    env = {"RINGVM_GUESTS": str(root)}
    for args, code in (([], 3), (["--option", "big"], 30), (["-D", "CODE=7"], 7),
                       (["--option", "big", "-D", "EXTRA=2"], 32)):
        p = ringvm("boot", "cfg", "--engine", "python", *args, env_extra=env)
        assert p.returncode == code, (args, p.stderr)
    p = ringvm("boot", "cfg", "--option", "nope", env_extra=env)
    assert p.returncode == 2 and b"has no option 'nope' (options: big)" in p.stderr
    p = ringvm("guests", env_extra=env)
    assert "--option big: a bigger code" in p.stdout.decode()
