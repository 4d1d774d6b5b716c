"""guests/xen: the paravirtual hypervisor, Dom0 with the real drivers and xl, the split
block and console drivers, event channels, grant tables, the PV monolithic DomU and the
unikernel DomU — the observable properties of issue 12, on both engines (the Python
engine with short inputs; the heavy runs on native)."""
from __future__ import annotations

import re

import pytest

from ringvm.emulator.images import rvfs
from ringvm.errors import UserError
from ringvm.isa import ISA

from .conftest import DETACH, boot


def test_dom0_boots_first_owns_the_devices_and_lists_itself(engine):
    run = boot("xl list\n", engine=engine)
    assert run.lines[0].startswith("(XEN) ringvm xen: paravirtual hypervisor in ring -1")
    assert re.search(r"^\(XEN\) dom0: module dom0, 4096 KiB at 0x\w+, VMID 1, "
                     r"hctl.DEVPASS: the real console and disks$", run.out, re.M)
    assert "ringvm monolithic kernel (PV dom0 dom0): 4096 KiB RAM" in run.out
    doms = run.xl_list()
    assert list(doms) == ["dom0"]
    assert doms["dom0"]["id"] == 0 and doms["dom0"]["mem"] == 4096
    assert doms["dom0"]["state"] == "running" and doms["dom0"]["hcalls"] > 0
    assert "(XEN) dom0 has shut down: powering off with code 0" in run.out
    assert run.r.exit_code == 0


def test_a_domu_file_write_goes_through_blkfront_ring_and_blkback_to_dom0s_disk(engine,
                                                                                tmp_path):
    run = boot(f"xl create mono -c\necho through the ring > pvfile\n{DETACH}"
               "xl destroy mono\n", engine=engine, writable=tmp_path)
    assert "xl: dom1 (mono) created: 4096 KiB, disk1" in run.out
    assert "xl: dom1 (mono) destroyed" in run.out
    # the PV DomU's root file system is the machine's disk1, driven by Dom0 only
    assert rvfs.FsImage(run.images[1]).read_file("/pvfile") == b"through the ring\n"
    with pytest.raises(UserError):
        rvfs.FsImage(run.images[0]).read_file("/pvfile")    # not on Dom0's own disk


def test_the_unikernel_writes_its_table_to_sector_0_of_its_disk(engine, tmp_path):
    run = boot(f"xl create uni -c\nput colour blue\nget colour\n{DETACH}xl destroy uni\n",
               engine=engine, writable=tmp_path)
    assert re.search(r"^uni: a unikernel DomU \(dom1\): a key-value store linked with its "
                     r"library OS, \d+ bytes, one address space, 1024 KiB$", run.out, re.M)
    assert "uni> get colour\nblue\n" in run.out
    sector0 = run.images[2].read_bytes()[:512]
    assert sector0[:4] == b"UKV1" and b"colour" in sector0 and b"blue" in sector0


def test_the_unikernel_keeps_its_table_across_destroy_and_create(engine):
    run = boot(f"xl create uni -c\nput a 1\nput b two\n{DETACH}xl destroy uni\n"
               f"xl create uni -c\nlist\nstats\n{DETACH}", engine=engine)
    assert "uni: 0 keys on disk" in run.out
    assert "uni: 2 keys on disk" in run.out
    assert "a = 1\nb = two\n2 keys" in run.out


def test_a_grant_still_mapped_by_the_backend_cannot_be_revoked(engine):
    run = boot(f"xl create uni -c\ngrants\nrevoke 1\nrevoke 9\n{DETACH}", engine=engine)
    assert re.search(r"^gref 1: dom 0, frame 0x\w+, read-write, mapped writable$",
                     run.out, re.M)
    assert "revoke gref 1: EBUSY: still mapped by the backend" in run.out
    assert "revoke gref 9: no such grant" in run.out


ROGUE = ["1. block read into a page I never granted: refused",
         "2. block read into a page granted read-only: refused",
         "3. block write from that read-only page: done",
         "4. block write past the end of my sectors: refused",
         "5. mmu_update of a frame outside my memory: refused (-1)",
         "6. gnttab_map of a page dom0 never granted: refused (-1)",
         "7. store_write to dom0's store: refused (-1)",
         "8. revoking my ring's grant while dom0 maps it: refused (-16)"]


def test_a_rogue_domu_is_refused_every_time_and_the_refusals_are_counted(engine,
                                                                          tmp_path):
    run = boot(f"xl create rogue -c\n{DETACH}xl list\n", engine=engine, writable=tmp_path)
    for line in ROGUE:
        assert f"rogue: {line}" in run.out
    doms = run.xl_list()
    assert doms["rogue"]["refused"] >= 3          # mmu_update, gnttab_map, its grants
    assert doms["dom0"]["refused"] == 0
    # step 3 wrote inside its partition of disk2 (sectors 32..39), nowhere else
    disk2 = run.images[2].read_bytes()
    assert disk2[32 * 512:32 * 512 + 4] == b"ROGU", "the granted write missed its partition"
    assert not any(disk2[40 * 512:48 * 512])


def test_a_domu_flooding_its_ring_cannot_stall_dom0(engine):
    run = boot("xl create flood\necho dom0 still answers\nxl list\nxl destroy flood\n"
               "xl list\n", engine=engine)
    assert "$ echo dom0 still answers\ndom0 still answers\n" in run.out
    assert "xl: dom1 (flood) destroyed" in run.out
    assert list(run.xl_list()) == ["dom0"]
    assert run.r.exit_code == 0


def test_a_flood_past_the_ring_size_disconnects_the_device(engine):
    msg = "xenbackd: dom1: block ring index out of range: disconnected"
    run = boot("xl create flood -c\n", engine=engine, max_steps=60_000_000, until=msg)
    assert msg in run.out


def test_destroy_frees_a_domains_memory_for_a_new_one(engine):
    # 12 MiB of RAM: a pool of 11 MiB, 4 for Dom0, room for one 4-MiB DomU, not two
    run = boot("xl create uni mem=4096\nxl create uni mem=4096\nxl destroy 1\n"
               "xl create uni mem=4096\nxl list\n", engine=engine, ram="12M")
    assert "(XEN) domain pool: 11 MiB" in run.out
    assert "xl: dom1 (uni) created: 4096 KiB, disk2" in run.out
    assert "xl: create uni: out of memory" in run.out
    assert "xl: dom1 (uni) destroyed" in run.out
    assert "xl: dom2 (uni) created: 4096 KiB, disk2" in run.out
    assert {n: d["mem"] for n, d in run.xl_list().items()} == {"dom0": 4096, "uni": 4096}


def test_every_hypercall_is_one_vm_exit_and_one_event(engine):
    run = boot("xl list\n", engine=engine)
    hyper = run.counters["cpus"][0]["vmexits_by_reason"][ISA.exit_reasons["HYPERCALL"].value]
    m = re.search(r"\(XEN\) dom0 \(dom0\): \d+ VM exits \(HYPERCALL (\d+),", run.out)
    assert hyper > 0 and int(m.group(1)) == hyper
    assert run.events.get("HYPERCALL") == hyper


def test_dom0_and_two_domus_run_at_once():
    run = boot(f"xl create uni\nxl create mono\nxl console uni\nput k v\n{DETACH}"
               f"xl console mono\necho both > f\ncat f\n{DETACH}xl list\n")
    doms = run.xl_list()
    assert set(doms) == {"dom0", "uni", "mono"}
    assert doms["uni"]["mem"] == 1024 and doms["mono"]["mem"] == 4096
    assert "uni> put k v\nok\n" in run.out and "$ cat f\nboth\n" in run.out


def test_the_pv_monolithic_domu_passes_usertests_and_runs_the_workload():
    run = boot("xl create mono mem=8192 -c\nusertests\nworkload\n", max_steps=3_000_000_000)
    assert "usertests: OK" in run.out and "FAILED" not in run.out
    for phase in ("null", "file", "pipe", "spawn", "compute"):
        assert re.search(rf"^phase {phase} ops=\d+ cycles=\d+$", run.out, re.M)
    assert "workload: done" in run.out
    assert "[dom1 (mono) halted with code 0]" in run.out


def test_pv_takes_far_fewer_vm_exits_than_trap_and_emulate_for_the_workload():
    """Barham'03's shape: the same kernel and workload, ported (PV DomU) versus
    unmodified (type-1a, guests/hypervisor). PV batches TLB updates and has no device
    registers to trap on; its exits are hypercalls, events and idle."""
    from ringvm.emulator.images import MachineOptions, machine_for, resolve
    from ringvm.emulator.machine.console import Console
    image = resolve("hypervisor")
    paths, _ = image.default_disks(pristine=True)
    con = Console(input=b"workload\n", capture=True)
    with machine_for(image, MachineOptions(engine="native", snapshot=True, disks=paths),
                     con) as m:
        m.run(max_steps=3_000_000_000)
        te = m.counters()["cpus"][0]["vmexits_by_reason"]
    assert b"vm1| workload: done" in bytes(con.captured)
    names = {r.value: n for n, r in ISA.exit_reasons.items()}
    te_by = {names[i]: n for i, n in enumerate(te) if n}
    run = boot(f"xl create mono -c\nworkload\n{DETACH}xl list\n", max_steps=3_000_000_000)
    domu = run.xl_list()["mono"]
    assert "workload: done" in run.out
    # every device access and TLB write of the unmodified kernel is an exit ...
    assert te_by.get("MMIO", 0) > 1000 and te_by.get("TLB", 0) > 0
    # ... the ported one makes far fewer exits for the same work
    assert domu["exits"] * 2 < sum(te)


def test_the_pv_domu_runs_workload_quick_with_the_same_transcript_on_both_engines():
    runs = {e: boot("xl create mono -c\nworkload quick\n", engine=e,
                    max_steps=1_000_000_000) for e in ("native", "python")}
    out = runs["native"].out
    for phase in ("null", "file", "pipe", "spawn", "compute"):
        assert re.search(rf"^phase {phase} ops=\d+ cycles=\d+$", out, re.M)
    assert "workload: done" in out
    assert runs["python"].out == out                 # cycle for cycle the same
    assert runs["python"].counters == runs["native"].counters


SESSION = (f"xl create uni -c\nput a 1\nget a\ngrants\nrevoke 1\nhelp\n{DETACH}"
           f"xl create rogue -c\n{DETACH}xl destroy rogue\nxl destroy uni\n"
           f"xl create uni -c\nlist\nhalt\n")


def test_a_dom0_session_matches_its_golden_transcript(engine):
    """Dom0's shell creating, attaching to and destroying DomUs — the unikernel and the
    rogue domain — cycle for cycle the same on both engines (RINGVM_UPDATE_GOLDEN=1
    rewrites tests/xen/golden/session.txt)."""
    import os
    from pathlib import Path
    run = boot(SESSION, engine=engine)
    assert run.r.exit_code == 0
    path = Path(__file__).parent / "golden" / "session.txt"
    if os.environ.get("RINGVM_UPDATE_GOLDEN") == "1" or not path.exists():
        path.write_text(run.out)
        if os.environ.get("RINGVM_UPDATE_GOLDEN") != "1":
            pytest.fail(f"golden file {path.name} was missing: written, check it in")
        return
    assert run.out == path.read_text(), f"transcript differs from {path} (RINGVM_UPDATE_GOLDEN=1)"


def test_a_domu_storing_past_its_memory_is_crashed_and_dom0_goes_on(engine):
    run = boot("xl create rogue -c\ncrash\necho dom0 goes on\nxl list\n", engine=engine)
    assert re.search(r"\(XEN\) dom1 \(rogue\) crashed: GPA_FAULT: an access outside the "
                     r"domain's memory; gva 0x80100000 gpa 0x00100000; pc 0x\w+ in ring 0$",
                     run.out, re.M)
    assert "[dom1 (rogue) halted with code 120]" in run.out
    assert "dom0 goes on\n" in run.out and list(run.xl_list()) == ["dom0"]
    assert run.r.exit_code == 0
