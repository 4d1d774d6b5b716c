"""End-to-end tests of the userland on the monolithic kernel, on both engines: a golden
shell session, persistence across boots, protection faults, usertests."""
from __future__ import annotations

import re

import pytest

from ringvm.emulator.images import rvfs

from .conftest import ENGINES, boot, check_golden, normalize_sizes

SESSION = ("ls\ncat README\necho hi | wc\necho x y > f\ncat < f\ncat nope\nwc f | cat\n"
           "mkdir d ; cd d ; echo 'two  spaces' \"and;more\" > g ; ls ; cat g\n"
           "cd .. ; rm d ; rm d/g d ; ls d\n"
           "cat README | wc | cat > n ; cat n ; rm n\n"
           "nosuch ; echo |\n"
           "  \n"
           "exit 3\n")


@pytest.mark.parametrize("engine", ENGINES)
def test_golden_session(kernel_elf, image, engine):
    out, r = boot(kernel_elf, image, SESSION, engine)
    assert r.kind == "halt" and r.exit_code == 3, (r, out)
    check_golden("session.txt", normalize_sizes(out))
    assert "sh: cat: exit 1" in out
    assert rvfs.check(image)[0] == []


@pytest.mark.parametrize("engine", ENGINES)
def test_persistence(kernel_elf, image, engine):
    out, r = boot(kernel_elf, image, "echo kept across boots > keep\nmkdir dd\n"
                  "cp keep dd/copy\n", engine)
    assert r.kind == "halt" and r.exit_code == 0, out
    assert rvfs.FsImage(image).read_file("/dd/copy") == b"kept across boots\n"
    out, r = boot(kernel_elf, image, "cat keep\ncat dd/copy\nrm keep\nexit 5\n", engine)
    assert r.kind == "halt" and r.exit_code == 5, out
    assert out.count("kept across boots") >= 2
    fs = rvfs.FsImage(image)
    with pytest.raises(Exception):
        fs.read_file("/keep")
    assert rvfs.check(image)[0] == []


@pytest.mark.parametrize("engine", ENGINES)
def test_snapshot_leaves_image(kernel_elf, image, engine):
    before = image.read_bytes()
    out, r = boot(kernel_elf, image, "echo gone > gone\n", engine, snapshot=True)
    assert r.kind == "halt", out
    assert image.read_bytes() == before


@pytest.mark.parametrize("engine", ENGINES)
def test_fault_kills_only_the_offender(kernel_elf, image, engine):
    out, r = boot(kernel_elf, image, "fault\nfault priv\necho still here\n", engine,
                  snapshot=True)
    assert r.kind == "halt" and r.exit_code == 0, out
    assert re.search(r"^pid \d+ \(fault\): killed: TLB protection fault at 0x80001000 "
                     r"\(cause 15\)$", out, re.M), out
    assert re.search(r"^pid \d+ \(fault\): killed: privileged instruction at 0x[0-9a-f]{8} "
                     r"\(cause 5\)$", out, re.M), out
    assert out.count("sh: fault: exit -1") == 2
    assert "still here" in out


@pytest.mark.parametrize("engine", ENGINES)
def test_usertests(kernel_elf, image, engine):
    """The full usertests (about 34 M steps: under a second on native, ~40 s on the
    Python engine), then fsck of the disk it used."""
    out, r = boot(kernel_elf, image, "usertests\n", engine)
    assert r.kind == "halt", out
    assert "usertests: OK" in out, out
    assert "FAILED" not in out
    assert rvfs.check(image)[0] == []


def test_usertests_quick_and_selected(kernel_elf, image):
    out, r = boot(kernel_elf, image, "usertests quick\nusertests pipe dup\n"
                  "usertests nosuch\n", "native")
    assert out.count("usertests: OK") == 2, out
    assert "test pipe: OK\ntest dup: OK\nusertests: OK" in out
    assert "usertests: no such test" in out and "sh: usertests: exit 2" in out


def test_forkbomb_and_ps(kernel_elf, image):
    out, r = boot(kernel_elf, image, "forkbomb\nforkbomb 40\nps\n", "native", snapshot=True)
    assert "forkbomb: forked 20 children, reaped 20 (0 with a non-zero status)" in out
    assert re.search(r"forkbomb: forked (\d+) children, reaped \1 \(0 with", out)
    assert "forkbomb: then fork failed" in out
    assert re.search(r"^\s+1\s+0 sleeping\s+\d+ init$", out, re.M), out


def test_diskfull_on_a_small_disk(kernel_elf, tmp_path, engine="native"):
    """`usertests diskfull` fills a 600-block disk until ENOSPC and frees it; the file
    system must be sound afterwards. (Native only: ~50 s on the Python engine.)"""
    from ringvm.emulator.images import rootdisk
    from .conftest import USER_DIR
    spec = rootdisk.DiskSpec("t", programs=USER_DIR, files=USER_DIR / "rootfs", size=600)
    img = tmp_path / "small.img"
    img.write_bytes(rvfs.build_image(rootdisk.build_tree(spec), size=600))
    used_before = rvfs.check(img)[1]["blocks_used"]
    out, r = boot(kernel_elf, img, "usertests diskfull\n", engine)
    assert "test diskfull: OK" in out and "usertests: OK" in out, out
    problems, summary = rvfs.check(img)
    assert problems == []
    assert summary["blocks_used"] == used_before          # every block came back


def test_background_jobs(kernel_elf, image):
    out, r = boot(kernel_elf, image, "sleep 100000 &\nps | grep sleep\necho a & echo b\n",
                  "native", snapshot=True)
    m = re.search(r"^\[(\d+)\]$", out, re.M)
    assert m, out
    pid = m.group(1)
    assert re.search(rf"^\s+{pid}\s+2 sleeping\s+\d+ sleep$", out, re.M), out
    assert re.search(r"^\[(\d+)\]\na\nb\n\[\1\] done$", out, re.M), out
    out, r = boot(kernel_elf, image, f"sleep 100000 &\nkill {pid}\necho x | wc\n",
                  "native", snapshot=True)
    assert f"[{pid}] done" in out, out
