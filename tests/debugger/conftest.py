"""Fixtures for the debugger tests: a Debugger over a bundled guest, output captured."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
SCRIPTS = HERE / "scripts"


def make_debugger(guest: str, engine: str, input: bytes | None = None, **kw):
    """A Debugger (output in ``dbg.out``, a StringIO) over bundled ``guest``."""
    from ringvm.emulator.debugger import Debugger
    return Debugger.open(guest, engine, input=input, **kw)


def run_script(dbg, name: str) -> str:
    """Run tests/debugger/scripts/NAME.rdb; the whole transcript."""
    lines = (SCRIPTS / f"{name}.rdb").read_text().splitlines()
    dbg.run_script(lines)
    return dbg.out.getvalue()


def check_golden(name: str, text: str) -> None:
    """Compare with golden/NAME.txt (RINGVM_UPDATE_GOLDEN=1 rewrites it)."""
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("RINGVM_UPDATE_GOLDEN") == "1" or not path.exists():
        path.write_text(text)
        if os.environ.get("RINGVM_UPDATE_GOLDEN") != "1":
            pytest.fail(f"golden file {path.name} was missing: written, check it in")
        return
    expected = path.read_text()
    assert text == expected, f"transcript differs from {path} (RINGVM_UPDATE_GOLDEN=1)"


@pytest.fixture
def debugger():
    made = []

    def make(*a, **kw):
        d = make_debugger(*a, **kw)
        made.append(d)
        return d
    yield make
    for d in made:
        d.m.close()
