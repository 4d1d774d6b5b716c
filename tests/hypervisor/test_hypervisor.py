"""The type-1a hypervisor (guests/hypervisor) runs the unmodified monolithic kernel:
boot, usertests, the workload, two VMs, isolation, exit counts, Popek-Goldberg — on
both engines (the Python engine with shorter inputs)."""
from __future__ import annotations

import hashlib
import shutil

import pytest

from ringvm.assembler.elf import read_elf
from ringvm.emulator.images import MachineOptions, build_guest, find_guest, machine_for, resolve

from .conftest import HV_DIR, boot, phases

PY_USERTESTS = "usertests basic badfd badptr pipe forkwait exec sbrk faults"


def test_the_unmodified_monolithic_kernel_boots_to_the_prompt_in_a_vm(root_image, engine):
    run = boot(text="echo hi\n", engine=engine, disks=[root_image])
    assert run.r.kind == "halt" and run.r.exit_code == 0, run.out
    assert run.vm(1)[0].startswith("ringvm monolithic kernel: 4096 KiB RAM, ")
    assert "$ echo hi" in run.vm(1) and "hi" in run.vm(1)
    assert "hv: vm1 halted with code 0" in run.hv()


def test_usertests_pass_in_a_vm(root_image, engine):
    cmd = "usertests" if engine == "native" else PY_USERTESTS
    run = boot(text=cmd + "\n", engine=engine, disks=[root_image])
    assert "usertests: OK" in run.vm(1), run.out[-2000:]
    assert not [ln for ln in run.vm(1) if "FAILED" in ln or ln.startswith("panic")]


def test_the_workload_prints_its_phase_lines_in_a_vm(root_image, engine):
    cmd = "workload" if engine == "native" else "workload quick"
    run = boot(text=cmd + "\n", engine=engine, disks=[root_image])
    assert list(phases(run.vm(1))) == ["null", "file", "pipe", "spawn", "compute"]
    assert "workload: done" in run.vm(1)


def test_the_vm_runs_the_very_image_bare_metal_runs():
    """The module is the monolithic ELF byte for byte, and the loader places its physical
    image at hbase exactly as it places the kernel at 0 on bare metal."""
    bare = build_guest(find_guest("monolithic"))
    image = resolve("hypervisor")
    vm1 = next(m for m in image.modules if m.name == "vm1")
    assert hashlib.sha256(vm1.data).hexdigest() == hashlib.sha256(bare).hexdigest()
    segs = read_elf(bare).segments
    lo = min(s.paddr for s in segs)
    hi = max(s.paddr + s.memsz for s in segs)
    with machine_for(resolve("monolithic"), MachineOptions(engine="python", disks=[])) as m:
        on_bare = m.read_physical(lo, hi - lo)
    with machine_for(image, MachineOptions(engine="python", disks=[])) as m:
        in_vm = m.read_physical(vm1.addr + lo, hi - lo)
    assert hashlib.sha256(in_vm).digest() == hashlib.sha256(on_bare).digest()


def test_two_vms_each_read_back_their_own_file(root_image, engine):
    text = "echo one > f\ncat f\n\x012echo two > f\ncat f\n"
    run = boot(text=text, engine=engine, disks=[root_image, root_image], options=["vms2"])
    assert run.r.exit_code == 0, run.out
    assert "one" in run.vm(1) and "two" not in run.vm(1)
    assert "two" in run.vm(2) and "one" not in run.vm(2)
    assert "hv: console input goes to vm2" in run.hv()


def test_a_kernel_bug_writing_past_its_ram_stops_only_its_vm(root_image, engine, tmp_path):
    """vm2 runs a variant of the monolithic kernel with a wild store in ring 0 right after
    its banner: exit GPA_FAULT, vm2 is stopped with a message naming it, the exit, the
    addresses and the instruction, and vm1 goes on."""
    src = tmp_path / "monolithic"
    shutil.copytree(HV_DIR.parent / "monolithic", src)
    main = src / "main.s"
    text = main.read_text()
    bug = "    call userinit\n    j    scheduler\n"
    assert text.count(bug) == 1
    main.write_text(text.replace(bug, "    li   t0, KSEG + 0x00500000\n    sw   zero, 0(t0)"
                                      "        # a wild pointer, past 4 MiB\n" + bug))
    run = boot(str(HV_DIR / "main.s"), "echo alive\n", engine=engine,
               disks=[root_image, root_image], defines={"VMS": 2},
               modules=["vm1=monolithic@0x400000", f"vm2={main}@0x800000"])
    stop = [ln for ln in run.hv() if ln.startswith("hv: vm2 stopped")]
    assert stop and stop[0].startswith(
        "hv: vm2 stopped: GPA_FAULT (store): an access outside the VM's memory; "
        "gva 0x80500000 gpa 0x00500000; instruction 0x"), run.out
    assert " at pc 0x8000" in stop[0] and stop[0].endswith(" in ring 0")
    assert run.vm(2)[0].startswith("ringvm monolithic kernel")
    assert "alive" in run.vm(1)
    assert "hv: vm1 halted with code 0" in run.hv()
    assert run.exits()["GPA_FAULT"] == 1
    assert run.r.exit_code == 120


def test_stats_count_vm_exits_by_reason(root_image, engine):
    run = boot(text="ls\n", engine=engine, disks=[root_image])
    ex = run.exits()
    assert {"TLB", "MMIO", "IRQ", "WFI", "EXCEPTION"} <= set(ex), ex
    # the hypervisor's own count of vm1's exits agrees with the machine's
    line = next(ln for ln in run.hv() if ln.startswith("hv: vm1: "))
    total = int(line.split()[2])
    assert total == sum(ex.values())
    for name, n in ex.items():
        assert f"{name} {n}" in line
    assert run.stats["cpus"][0]["vmexits_by_reason"]["TLB"] == ex["TLB"]


def test_virtualization_costs_what_disco_reports(root_image, engine):
    """Cycles under the hypervisor / cycles on bare metal, per workload phase (the guest
    measures them with the cycle CSR, so they are exact): system calls and user compute
    cost little, the phases that refill the TLB and do disk I/O cost more."""
    cmd = "workload\n" if engine == "native" else "workload quick\n"
    bare = boot("monolithic", cmd, engine=engine, disks=[root_image])
    hv = boot(text=cmd, engine=engine, disks=[root_image])
    b, v = phases(bare.out.splitlines()), phases(hv.vm(1))
    ratio = {p: v[p] / b[p] for p in b}
    assert set(ratio) == {"null", "file", "pipe", "spawn", "compute"}
    assert all(r >= 1 for r in ratio.values()), ratio
    assert ratio["null"] < 1.3 and ratio["compute"] < 1.3, ratio
    assert ratio["file"] > ratio["null"] and ratio["file"] > ratio["compute"], ratio


@pytest.mark.parametrize("mode", ["naive", "ring-1", "sens"])
def test_popek_goldberg_naive_deprivileging_fails_ring_minus_1_works(root_image, engine, mode):
    options = {"naive": ["naive"], "ring-1": [], "sens": ["sens"]}[mode]
    run = boot(text="echo booted\n", engine=engine, disks=[root_image], options=options)
    if mode == "naive":
        # getst is sensitive but not privileged: it did not trap, it said ring 1
        assert run.vm(1) == ["ringvm monolithic kernel: running in ring 1, not ring 0 "
                             "(getst; ISA.md section 12): stopping"], run.out
        assert run.r.exit_code == 98
        assert run.exits() == {}                 # no guest mode at all
        assert run.counters["cpus"][0]["retired_by_ring"][2] > 0   # ring 1 ran
        return
    assert "booted" in run.vm(1) and run.r.exit_code == 0, run.out
    assert run.exits().get("SENSITIVE", 0) == (1 if mode == "sens" else 0)


def test_a_forkbomb_in_one_vm_does_not_disturb_the_other(root_image):
    run = boot(text="\x012forkbomb 30\n\x011echo vm1 is fine\n", disks=[root_image, root_image],
               options=["vms2"])
    assert any(ln.startswith("forkbomb: forked") for ln in run.vm(2)), run.out
    assert "vm1 is fine" in run.vm(1)
    assert run.r.exit_code == 0


def test_both_engines_run_two_vms_identically(root_image):
    text = "echo a > x\n\x012ls x\ncat x\n"
    runs = [boot(text=text, engine=e, disks=[root_image, root_image], options=["vms2"])
            for e in ("native", "python")]
    assert runs[0].out == runs[1].out
    assert runs[0].counters["cpus"] == runs[1].counters["cpus"]
