"""Type-2: the monolithic kernel built with its VMM option hosts VMs for a user-level
VMM, vmrun (guests/hypervisor/programs/vmrun.s): the guest's device accesses reach
vmrun in user space, the VM is a process (ps, preemption, kill), the host keeps the
hardware."""
from __future__ import annotations

import re

from .conftest import boot, phases


def host(text, engine="native", host_image=None, **kw):
    return boot("monolithic", text, engine=engine, disks=[host_image], options=["vmm"], **kw)


def test_a_hello_class_guest_runs_as_a_process_of_the_host(host_image, engine):
    run = host("vmrun hello.elf\n", engine, host_image)
    out = run.out.splitlines()
    guest = [ln[7:] for ln in out if ln.startswith("guest| ")]
    assert guest[0] == "hello: ring 0 kernel up; entering ring 3"
    assert guest[-1].startswith("hello: user exited with code 0 after ")
    halt = next(ln for ln in out if ln.startswith("vmrun: VM 0 halted"))
    assert halt.startswith("vmrun: VM 0 halted with code 0 after ")
    m = re.search(r"vmrun: (\d+) device accesses reached vmrun \(console (\d+), timer (\d+)",
                  run.out)
    assert m and int(m.group(2)) > 0 and int(m.group(3)) > 0, run.out
    # every one of them was an MMIO exit of the guest (VMID 2) that went to user space
    assert run.exits()["MMIO"] == int(m.group(1))
    assert run.r.exit_code == 0


def test_the_vm_is_a_process_the_host_schedules_and_kills(host_image, engine):
    text = "vmrun spin.elf &\nsleep 30\nps\necho the host still runs\nkill 3\nsleep 2\nps\n"
    run = host(text, engine, host_image)
    pss = run.out.split("$ ps\n")
    assert re.search(r"^\s+3\s+2 (runnable|running|sleeping)\s+\d+ vmrun$", pss[1], re.M), run.out
    assert "the host still runs" in run.out.splitlines()
    assert "vmrun" not in pss[2]                  # killed: gone, its VM freed
    assert "spin: a guest that never stops" in run.out
    assert run.exits()["IRQ"] > 0                 # the host's interrupts exit the VM
    assert "DEVPASS" not in run.out and run.r.exit_code == 0


def test_the_monolithic_kernel_runs_the_workload_under_vmrun(host_image):
    run = host('vmrun mono.elf gdisk.img "workload\\n"\n', "native", host_image)
    guest = [ln[7:] for ln in run.out.splitlines() if ln.startswith("guest| ")]
    assert guest[0].startswith("ringvm monolithic kernel: 2048 KiB RAM")
    assert list(phases(guest)) == ["null", "file", "pipe", "spawn", "compute"], run.out
    assert "workload: done" in guest
    assert re.search(r"disk [1-9]\d*, other", run.out)   # its disk accesses reached vmrun


def test_the_host_boots_as_usual_with_the_vmm_option(host_image):
    run = host("echo plain\n", "native", host_image)
    assert run.out.startswith("ringvm monolithic kernel: 32768 KiB RAM, ")
    assert "plain" in run.out.splitlines()
    assert run.exits() == {}                      # no hcall without a VM
