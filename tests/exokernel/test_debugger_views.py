"""`ringvm debug` on the exokernel: `catch upcall` stops where the kernel dispatches to
a library OS, `info envs` shows the environment in its upcall handler, `info bindings`
who owns which page and disk block."""
from __future__ import annotations

import re

import pytest

from ringvm.emulator.debugger import Debugger


@pytest.fixture
def exo():
    d = Debugger.open("exokernel", "native", input=b"ls\n")
    d.execute("context off")
    yield d
    d.m.close()


def test_catch_upcall_stops_at_the_dispatch_to_a_library_os(exo):
    assert "Catchpoint 1 (event UPCALL)" in exo.command("catch upcall")
    out = exo.command("continue")
    m = re.search(r"event UPCALL \(arg0 (0x[0-9a-f]+), arg1 (0x[0-9a-f]+)\)", out)
    assert m, out
    kind, envid = int(m.group(1), 16), int(m.group(2), 16)
    assert kind in (10, 11, 12)                   # a TLB miss for its library OS
    envs = exo.command("info envs")
    line = next(ln for ln in envs.splitlines() if ln.startswith("*"))
    assert line.split()[1] == str(envid) and "in-upcall" in line


def test_info_bindings_shows_each_domain_s_pages_and_blocks(exo):
    exo.command("continue 3000000")
    out = exo.command("info bindings")
    assert re.search(r"^  1 exos\s+\d+ pages  image 0x00400000-", out, re.M)
    assert re.search(r"^  2 stride\s+\d+ pages  image 0x00000000-", out, re.M)
    assert re.search(r"^  0x00000-0x[0-9a-f]{5}\s+\d+ kernel$", out, re.M)
    assert re.search(r"exos \(domain 1\) pinned$", out, re.M)
    assert "disk blocks (4096):\n  0-4095 exos (domain 1)" in out
    assert "no revocation pending" in out


def test_the_views_say_when_a_guest_is_not_the_exokernel():
    d = Debugger.open("hello", "python")
    try:
        assert "does not export" in d.command("info bindings")
    finally:
        d.m.close()


def test_info_nic_shows_the_queue_a_library_os_holds():
    d = Debugger.open("bypass", "native")
    try:
        d.execute("context off")
        d.command("continue 200000")
        out = d.command("info nic")
        assert "queue 0: the kernel's" in out
        assert re.search(r"queue 1: netapp \(domain 1\), window from page 0x[0-9a-f]{5}", out)
        assert "queue 2: free" in out
    finally:
        d.m.close()
