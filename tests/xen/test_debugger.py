"""``ringvm debug`` on guests/xen: ``catch hypercall NAME`` stops at that hypercall's VM
exit; ``info domains``, ``info evtchn`` and ``info grants`` show the hypervisor's
domains, event channels and grants from its exported layout — on both engines."""
from __future__ import annotations

import re

import pytest

from ringvm.emulator.debugger import Debugger
from ringvm.emulator.images import resolve

from .conftest import DETACH


@pytest.fixture
def dbg(engine):
    paths, _ = resolve("xen").default_disks(pristine=True)
    d = Debugger.open("xen", engine, input=f"xl create uni -c\nput k v\n{DETACH}".encode(),
                      disks=paths)
    yield d
    d.m.close()


def test_catch_one_hypercall_by_name_and_list_the_domains(dbg):
    dbg.execute("context off")
    assert "Catchpoint 1 (hypercall gnttab_map (16))" in dbg.command("catch hypercall gnttab_map")
    out = dbg.command("continue")
    assert "vmexit HYPERCALL" in out and "<hv_exit_entry>" in out
    assert dbg.cpu().ring == -1 and dbg.cpu().regs[17] == 16      # a7: the number
    lines = dbg.command("info domains").splitlines()
    assert lines[0].split()[:5] == ["ID", "NAME", "STATE", "VMID", "MACHINE"]
    assert re.match(r"^\*\s+0 dom0\s+\w+\s+1 0x00100000\+ 4096 KiB .*privileged$", lines[1])
    assert any(re.match(r"^\s+1 uni\s+\w+\s+2 0x\w+\+ 1024 KiB", ln) for ln in lines)
    assert any("domctl_create 1" in ln for ln in lines)
    assert "unknown hypercall 'nosuch'" in dbg.command("catch hypercall nosuch")


def test_event_channels_and_grants_of_a_connected_split_driver(dbg):
    dbg.execute("context off")
    dbg.execute("catch hypercall gnttab_map")
    dbg.execute("continue")                       # the backend maps the first ring ...
    dbg.execute("continue")                       # ... and the second
    dbg.execute("delete")
    dbg.execute("break hv_enter")
    dbg.execute("continue")
    dbg.execute("delete")
    ev = dbg.command("info evtchn 0")
    assert re.search(r"port\s+\d+\s+[-P][-M]\s+pirq\s+line DISK$", ev, re.M)
    assert re.search(r"port\s+\d+\s+[-P][-M]\s+virq\s+VIRQ_TIMER$", ev, re.M)
    ev1 = dbg.command("info evtchn 1")
    assert ev1.startswith("dom1 (uni): pending")
    assert re.search(r"(unbound\s+waiting for dom0|interdomain\s+-> dom0 port \d+)", ev1)
    gr = dbg.command("info grants 1")
    assert "dom1 (uni): grant table at guest-physical" in gr
    assert re.search(r"gref\s+1\s+to dom0\s+frame 0x\w+\s+read-write\s+mapped writable", gr)
    assert re.search(r"handle\s+\d+\s+dom0 maps dom1's gref 1 \(frame 0x\w+\) read-write", gr)
    assert "no domain 7" in dbg.command("info grants 7")
