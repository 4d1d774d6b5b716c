"""``ringvm debug`` on the hypervisor: catch a VM exit by reason, ``info vms`` (the
hypervisor's VMs from its exported layout), step from ring -1 into the guest and read
guest-virtual memory through the guest's own TLB entries."""
from __future__ import annotations

import pytest

from ringvm.emulator.debugger import Debugger


@pytest.fixture
def dbg(root_image):
    d = Debugger.open("hypervisor", "native", input=b"echo hi\n", disks=[str(root_image)])
    yield d
    d.m.close()


def test_catch_a_vm_exit_and_list_the_vms(dbg):
    dbg.execute("context off")
    out = dbg.command("catch vmexit TLB")
    assert "Catchpoint 1 (vmexit TLB)" in out
    out = dbg.command("continue")
    assert "vmexit TLB" in out and "<hv_exit_entry>" in out
    assert dbg.cpu().ring == -1
    out = dbg.command("info vms")
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["VM", "STATE", "VMID", "HBASE"]
    assert lines[1].startswith("*>  vm1  runnable     1 0x00400000 0x00400000")
    assert "(TLB IRQ WFI)" in lines[1] and "module vm1" in lines[1]
    assert "VM exits (" in lines[2]
    vm = dbg.command("info vm")
    assert "(tlb" in vm                           # hinsn: the guest's TLB instruction
    assert "the hypervisor's VMs (info vms):" in vm and "*>  vm1  runnable" in vm


def test_step_into_the_guest_and_read_through_its_tlb(dbg):
    dbg.execute("context off")
    dbg.execute("catch vmexit TLB")
    for _ in range(10):                            # the kernel's first TLB refill ...
        dbg.execute("continue")
        if "(tlbwi)" in dbg.command("info vm"):
            break
    dbg.execute("delete")
    dbg.execute("break hv_enter")
    dbg.execute("continue")
    dbg.execute("delete")
    for _ in range(200):                           # ... step until the guest runs again
        dbg.execute("stepi")
        if dbg.cpu().v:
            break
    st = dbg.cpu()
    assert st.v == 1 and st.ring == 0
    out = dbg.command("info tlb")
    row = next(ln for ln in out.splitlines() if "vmid=1" in ln)
    va = int(row.split("va ")[1].split("-")[0], 16)
    assert "-> gpa 0x" in row and "(hpa 0x00" in row
    hpa = int(row.split("hpa ")[1].rstrip(")"), 16)
    seen = dbg.command(f"x/wx 0x{va:08x}")       # through the guest's entry (and hbase)
    assert "error" not in seen, seen
    want = int.from_bytes(dbg.m.read_physical(hpa, 4), "little")
    assert f"{want:08x}" in seen
