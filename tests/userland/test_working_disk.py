"""The working disk of `ringvm boot` (issue 20, items 1, 2, 4): keyed by the guest's
identity, not its folder name; named on stderr; reset by --fresh-disk; usertests
cleans up what an interrupted run left; a guest's entry file boots with its disk."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ringvm.emulator.images import guests_dir, rootdisk


@pytest.fixture
def env(tmp_path):
    g = tmp_path / "a" / "guests"
    shutil.copytree(guests_dir(), g, ignore=shutil.ignore_patterns("tests", "*.img"))
    e = dict(os.environ, RINGVM_GUESTS=str(g), RINGVM_CACHE=str(tmp_path / "cache"))
    return e, g, tmp_path


def ringvm(env, *args, input: bytes = b""):
    return subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", *args],
                          input=input, capture_output=True, env=env, timeout=300)


def test_two_kernels_called_monolithic_do_not_share_a_disk(env):
    e, guests, tmp = env
    other = tmp / "b" / "guests"
    shutil.copytree(guests, other)
    p = ringvm(e, "boot", str(guests / "monolithic"), input=b"echo mine > note\n")
    assert p.returncode == 0, p.stderr.decode()
    p = ringvm(e, "boot", str(other / "monolithic"), input=b"cat note\n")
    assert "cat: note: no such file or directory" in p.stdout.decode()
    disks = sorted((tmp / "cache").glob("monolithic-*-disk.img"))
    assert len(disks) == 2
    # each banner names its own disk
    assert f"ringvm: disk: {disks[0]}" in p.stderr.decode() or \
        f"ringvm: disk: {disks[1]}" in p.stderr.decode()


def test_identity_depends_on_the_folder_not_its_name(tmp_path):
    a = rootdisk.DiskSpec("monolithic", files=tmp_path, origin=tmp_path / "x" / "monolithic")
    b = rootdisk.DiskSpec("monolithic", files=tmp_path, origin=tmp_path / "y" / "monolithic")
    assert rootdisk.working_name(a) != rootdisk.working_name(b)
    assert rootdisk.working_name(a) == rootdisk.working_name(
        rootdisk.DiskSpec("monolithic", files=tmp_path, origin=tmp_path / "x" / "monolithic"))


def test_fresh_disk_starts_from_the_built_image(env):
    e, _, _ = env
    assert ringvm(e, "boot", input=b"echo old > note\n").returncode == 0
    p = ringvm(e, "boot", input=b"cat note\n")
    assert "old" in p.stdout.decode()
    p = ringvm(e, "boot", "--fresh-disk", input=b"cat note\n")
    assert "cat: note: no such file or directory" in p.stdout.decode()
    p = ringvm(e, "boot", "--fresh-disk", "--disk", "x.img")
    assert p.returncode == 2 and "cannot be given with --disk" in p.stderr.decode()
    p = ringvm(e, "boot", "hello", "--fresh-disk")
    assert p.returncode == 2 and "no disk built from sources" in p.stderr.decode()


def test_usertests_removes_leftovers_of_an_interrupted_run(env):
    e, _, _ = env
    leftovers = (b"mkdir /ut_m\necho x > /ut_m/f00\nmkdir /ut_d\nmkdir /ut_d/sub\n"
                 b"echo y > /ut_d/sub/z\necho z > /ut_f\n")
    p = ringvm(e, "boot", "--snapshot", input=leftovers + b"usertests dirs files\nls\n")
    out = p.stdout.decode()
    assert "test dirs: OK" in out and "test files: OK" in out and "usertests: OK" in out
    assert "ut_" not in out.split("usertests: OK", 1)[1]


def test_entry_file_of_a_guest_boots_with_its_disk(env, tmp_path):
    e, guests, _ = env
    main = guests / "monolithic" / "main.s"
    p = ringvm(e, "boot", str(main), "--snapshot", input=b"cat README\n")
    assert p.returncode == 0, p.stderr.decode()
    assert "Welcome to ringvm" in p.stdout.decode()
    assert "is the entry file of the guest in" in p.stderr.decode()
    # an ELF assembled from it too
    elf = tmp_path / "k.elf"
    assert ringvm(e, "asm", str(main), "-I", str(guests / "lib"), "-o",
                  str(elf)).returncode == 0
    p = ringvm(e, "boot", str(elf), "--snapshot", input=b"cat README\n")
    assert "Welcome to ringvm" in p.stdout.decode()
    assert "was built from the entry file" in p.stderr.decode()


def test_plain_file_beside_a_guest_says_how_to_attach_a_disk(env):
    e, guests, _ = env
    src = guests / "monolithic" / "tiny.s"
    src.write_text(".include \"ringvm.inc\"\n.text\n.global _start\n_start:\n"
                   "    li t0, SYSCTL_HALT\n    sw zero, 0(t0)\n")
    p = ringvm(e, "boot", str(src))
    assert "no disk attached; to boot with the disk of the guest" in p.stderr.decode(), \
        p.stderr.decode()
