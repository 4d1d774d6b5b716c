"""The system-call ABI lives in one table (guests/abi.toml); every copy is generated
from it and a stale copy fails here. The kernel defines a handler for every call and
the stub library a stub."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from ringvm.assembler.elf import read_elf
from ringvm.emulator.images import abi, build_guest, find_guest, guests_dir
from ringvm.errors import UserError


def test_every_generated_copy_is_fresh():
    assert abi.stale() == [], "run `ringvm generate` and commit the result"


def test_editing_the_table_without_regenerating_is_caught(tmp_path, monkeypatch):
    root = tmp_path / "guests"
    shutil.copytree(guests_dir(), root, ignore=shutil.ignore_patterns("tests"))
    t = root / "abi.toml"
    t.write_text(t.read_text().replace('name = "getpid"', 'name = "getpid2"'))
    monkeypatch.setenv("RINGVM_GUESTS", str(root))
    names = {p.name for p in abi.stale()}
    assert {"abi.inc", "usys.s", "systable.s", "README.md"} <= names
    p = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "generate", "--check"],
                       capture_output=True, text=True)
    assert p.returncode == 1 and "usys.s is stale" in p.stderr
    assert abi.main([]) == 0 and abi.stale() == []
    assert "USYSCALL getpid2, SYS_GETPID2" in (root / "user" / "lib" / "trap" / "usys.s").read_text()


def test_the_table_is_checked_on_load(tmp_path):
    bad = tmp_path / "abi.toml"
    text = (guests_dir() / "abi.toml").read_text()
    bad.write_text(text.replace("number = 22", "number = 23"))
    with pytest.raises(UserError, match="numbers must be 1..22"):
        abi.load(bad)
    bad.write_text(text.replace('errors = ["ECHILD"', 'errors = ["ECHILDREN"'))
    with pytest.raises(UserError, match="unknown errno ECHILDREN"):
        abi.load(bad)


def test_the_kernel_has_a_handler_and_the_library_a_stub_for_every_call():
    t = abi.table()
    kernel = read_elf(build_guest(find_guest("monolithic"))).symbols
    stubs = (guests_dir() / "user" / "lib" / "trap" / "usys.s").read_text()
    for c in t.syscalls.values():
        assert c.handler in kernel, f"the monolithic kernel has no {c.handler}"
        assert f"USYSCALL {c.name}, SYS_{c.name.upper()}\n" in stubs


def test_the_whole_project_is_generated_fresh():
    p = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "generate", "--check"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
