"""Issue 19, the kernel: no user program can panic the monolithic kernel or leave its
file system inconsistent. Every kernel table a user can fill answers with an error
(usertests inodes, pipes, dinodes, diskfull; nfile and forkfull run in the default
set), and the edges of the file-system calls (usertests fsedge). Both engines; the disks
are small where a test fills them, so the Python engine runs them in seconds."""
from __future__ import annotations

import pytest

from ringvm.emulator.images import rootdisk, rvfs

from .conftest import ENGINES, USER_DIR, boot


def small_image(tmp_path, size=rvfs.DEFAULT_SIZE, ninodes=rvfs.DEFAULT_NINODES):
    spec = rootdisk.DiskSpec("t", programs=USER_DIR, files=USER_DIR / "rootfs",
                             size=size, ninodes=ninodes)
    img = tmp_path / "small.img"
    img.write_bytes(rvfs.build_image(rootdisk.build_tree(spec), size=size,
                                     ninodes=ninodes))
    return img


def run_ok(kernel_elf, img, names, engine):
    out, r = boot(kernel_elf, img, f"usertests {names}\n", engine)
    assert r.kind == "halt" and r.exit_code == 0, out[-3000:]
    assert "panic" not in out, out[-3000:]
    for name in names.split():
        assert f"test {name}: OK" in out, out[-3000:]
    assert "usertests: OK" in out, out[-3000:]
    problems, summary = rvfs.check(img)
    assert problems == [], problems
    return out, summary


@pytest.mark.parametrize("engine", ENGINES)
def test_full_tables_are_errors_not_panics(kernel_elf, image, engine):
    """In-memory inodes (the issue's `panic: iget: no free in-memory inodes`: children
    holding 60 distinct files), open files and pipes: ENFILE/EMFILE, the kernel lives on."""
    run_ok(kernel_elf, image, "inodes pipes", engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_file_system_edges(kernel_elf, image, engine):
    """rmdir of a working or open directory is EBUSY; a 15-byte path element is
    ENAMETOOLONG (not truncated); unknown open flags are EINVAL and truncate nothing;
    open(O_CREATE) with no free fd creates nothing; sleep(-1) is EINVAL."""
    run_ok(kernel_elf, image, "fsedge", engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_disk_inodes_run_out(kernel_elf, tmp_path, engine):
    """No free inode on the disk: create and mkdir are ENOSPC, the parent's link count
    is unchanged, and unlinking gives every inode back."""
    img = small_image(tmp_path, ninodes=64)
    used = rvfs.check(img)[1]["inodes_used"]
    _out, summary = run_ok(kernel_elf, img, "dinodes", engine)
    assert summary["inodes_used"] == used + 2           # /ut_dd and /ut_dd/again


@pytest.mark.parametrize("engine", ENGINES)
def test_disk_blocks_run_out(kernel_elf, tmp_path, engine):
    """No free block: write and mkdir are ENOSPC; the failed mkdir undoes its steps (it
    used to leak the parent's link count: fsck `directory nlink 3, expected 2`)."""
    img = small_image(tmp_path, size=300)
    used = rvfs.check(img)[1]["blocks_used"]
    _out, summary = run_ok(kernel_elf, img, "diskfull", engine)
    assert summary["blocks_used"] == used


def boot_ram(kernel_elf, disk, text, engine, ram_mib):
    from ringvm.emulator.engine import MachineConfig
    from ringvm.emulator.machine import Machine
    from ringvm.emulator.machine.console import Console
    con = Console(input=text.encode(), capture=True)
    with Machine(MachineConfig(ram_size=ram_mib << 20), engine, disk=str(disk),
                 console=con) as m:
        m.load_elf(kernel_elf)
        r = m.run(max_steps=3_000_000_000)
    return bytes(con.captured).decode("utf-8", "replace"), r


@pytest.mark.parametrize("engine", ENGINES)
def test_memory_runs_out(kernel_elf, image, engine):
    """Pages: children sbrk until ENOMEM (on an 8 MiB machine, so the RAM runs out
    before the per-process limit for some); fork and pipe then fail with ENOMEM (or
    work), never a panic; everything comes back."""
    out, r = boot_ram(kernel_elf, image, "usertests pages\n", engine, 8)
    assert r.kind == "halt" and r.exit_code == 0, out[-3000:]
    assert "test pages: OK" in out and "panic" not in out, out[-3000:]


def test_the_attack_set(kernel_elf, image):
    """`usertests attacks`: bad pointers and fds, faults, every table filled. (Native:
    about 140 M instructions; its parts run on the Python engine above.)"""
    out, r = boot(kernel_elf, image, "usertests attacks\n", "native")
    assert r.kind == "halt" and r.exit_code == 0, out[-3000:]
    for name in ("badfd", "badptr", "faults", "forkfull", "nfile", "inodes", "pipes",
                 "pages", "dinodes", "fsedge"):
        assert f"test {name}: OK" in out, (name, out[-3000:])
    assert "usertests: OK" in out and "panic" not in out
    assert rvfs.check(image)[0] == []
