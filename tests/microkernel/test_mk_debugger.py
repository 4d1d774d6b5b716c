"""`ringvm debug` on the microkernel: info threads, info spaces (what each address space
maps, and from whom), catch ipc on the events device."""
from __future__ import annotations

import re

import pytest


@pytest.fixture
def mk():
    from ringvm.emulator.debugger import Debugger
    d = Debugger.open("microkernel", "native", input=b"echo hi\n")
    d.execute("context off")
    yield d
    d.m.close()


def test_info_threads_shows_every_thread_its_state_and_pager(mk):
    mk.command("continue 2500000")
    out = mk.command("info threads")
    rows = {ln.split()[-2]: ln for ln in out.splitlines()[1:] if ln.strip()}
    assert "receiving from any" in rows["sigma0"] and "nobody" in rows["sigma0"]
    assert re.search(r"0x101\s+root", rows["root"])          # root's pager: sigma0
    for server in ("cons", "disk", "fs"):
        assert re.search(r"0x102\s+" + server, rows[server])  # theirs: root
    assert re.search(r"0x106\s+(init|sh)", rows.get("sh", rows.get("init")))


def test_info_spaces_shows_the_mapping_tree(mk):
    mk.command("continue 2500000")
    out = mk.command("info spaces")
    assert re.search(r"^space 1 \(sigma0\): .*rights kprint", out, re.M)
    assert re.search(r"0x20000000-0x20000fff -> 0x00000000 r-- .* sigma0's own", out)
    assert re.search(r"^space 2 \(root\): chief 1, rights create,irq,halt,kprint,allow-all",
                     out, re.M)
    fs = mk.command("info spaces 5")
    assert fs.startswith("space 5 (fs): chief 2, rights kprint, may send to slots 2,4")
    assert "from space 2 (root)" in fs
    assert "space 1" not in fs


def test_catch_ipc_stops_at_a_message(mk):
    out = mk.command("catch ipc")
    assert "Catchpoint" in out
    out = mk.command("continue")
    assert "Catchpoint 1" in out and "IPC" in out
