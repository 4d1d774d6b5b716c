"""Issue 19 (close the classes): mutation fuzz of two more host entry points — the ELF
loader and the suite TOML — asserting a UserError (exit 2 with one line at the CLI) or
success, never another exception, within a time bound. RINGVM_FUZZ_COUNT=N mutates N
inputs of each kind instead of 300."""
from __future__ import annotations

import os
import random
import time
from pathlib import Path

from ringvm.emulator.engine import MachineConfig
from ringvm.emulator.grader.suite import load_suite
from ringvm.emulator.images import build_guest, find_guest
from ringvm.emulator.machine import Machine
from ringvm.errors import UserError

COUNT = int(os.environ.get("RINGVM_FUZZ_COUNT", "300"))
ROOT = Path(__file__).resolve().parents[2]


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randrange(1, 6)):
        kind = rng.random()
        if kind < 0.6:                                   # a header/phdr word
            off = rng.randrange(0, min(len(b) - 4, 256)) & ~3
            v = rng.choice([0, 1, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000,
                            rng.randrange(1 << 32), len(b), len(b) + 1])
            b[off:off + 4] = v.to_bytes(4, "little")
        elif kind < 0.8:                                 # a byte anywhere
            b[rng.randrange(len(b))] = rng.randrange(256)
        else:                                            # truncate
            del b[rng.randrange(len(b)):]
            if not b:
                b = bytearray(b"\x7fELF")
    return bytes(b)


def test_the_elf_loader_survives_mutated_executables():
    elf = build_guest(find_guest("hello"))
    rng = random.Random(19)
    loaded = refused = 0
    worst = 0.0
    with Machine(MachineConfig(ram_size=4 << 20), "python") as m:
        for _ in range(COUNT):
            bad = mutate_bytes(elf, rng)
            t = time.monotonic()
            try:
                m.load_elf(bad)
                loaded += 1
            except UserError:
                refused += 1
            worst = max(worst, time.monotonic() - t)
    assert worst < 5
    print(f"\n{COUNT} mutated ELF files: {loaded} loaded, {refused} refused with a "
          f"message; slowest {worst:.2f} s")


SUITE_VALUES = ["nan", "inf", "-1", "0", "1e308", "99999999999999999999", '"x"', "[]",
                "{}", "true", '"0x1000"', '"50M"', '"-5M"', "[1, 2]", '{ a = 1 }', '""']


def mutate_suite(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    for _ in range(rng.randrange(1, 4)):
        i = rng.randrange(len(lines))
        kind = rng.random()
        if kind < 0.6 and "=" in lines[i]:               # another value for a key
            key = lines[i].split("=", 1)[0]
            lines[i] = f"{key}= {rng.choice(SUITE_VALUES)}"
        elif kind < 0.8:                                 # drop a line
            del lines[i]
        else:                                            # duplicate a line
            lines.insert(i, lines[i])
        if not lines:
            break
    return "\n".join(lines) + "\n"


def test_suite_files_survive_mutation(tmp_path):
    suites = sorted((ROOT / "guests").glob("*/suite.toml"))
    rng = random.Random(19)
    ok = refused = 0
    worst = 0.0
    for n in range(COUNT):
        src = suites[n % len(suites)]
        bad = tmp_path / src.parent.name / "suite.toml"
        bad.parent.mkdir(exist_ok=True)
        for f in src.parent.iterdir():                   # its sibling files, for paths
            link = bad.parent / f.name
            if f.name != "suite.toml" and not link.exists():
                link.symlink_to(f)
        bad.write_text(mutate_suite(src.read_text(), rng))
        t = time.monotonic()
        try:
            load_suite(bad)
            ok += 1
        except UserError:
            refused += 1
        worst = max(worst, time.monotonic() - t)
    assert worst < 10
    print(f"\n{COUNT} mutated suites: {ok} loaded, {refused} refused with a message; "
          f"slowest {worst:.2f} s")
