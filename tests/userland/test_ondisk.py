"""Issue 19, item 6: on-disk data is untrusted input. A crafted image never panics the
monolithic kernel with a misleading "disk I/O error": an inconsistent superblock is
refused at mount with a message naming the field; a block number outside the data area
(in an inode or its indirect block) or an inode number past the table (in a directory
entry) fails that one operation with EIO and a console warning. Both engines."""
from __future__ import annotations

import struct

import pytest

from ringvm.emulator.images import rvfs

from .conftest import ENGINES, boot

SUPER_OFF = rvfs.BSIZE                  # block 1


NAMES = ["magic", "size", "nblocks", "ninodes", "inodestart", "bmapstart", "datastart",
         "logstart", "nlog"]


def sb_fields(img: bytearray) -> list[int]:
    return list(struct.unpack_from("<9I", img, SUPER_OFF))


def set_sb(img: bytearray, **changes) -> None:
    f = sb_fields(img)
    for k, v in changes.items():
        f[NAMES.index(k)] = v & 0xFFFFFFFF
    struct.pack_into("<9I", img, SUPER_OFF, *f)


def inode_off(img: bytearray, inum: int) -> int:
    inodestart = sb_fields(img)[4]
    return inodestart * rvfs.BSIZE + inum * rvfs.INODE_SIZE


def set_addr(img: bytearray, inum: int, i: int, block: int) -> None:
    struct.pack_into("<I", img, inode_off(img, inum) + 8 + 4 * i, block)


def boot_image(kernel_elf, tmp_path, img: bytes, text: str, engine: str):
    p = tmp_path / "crafted.img"
    p.write_bytes(img)
    out, r = boot(kernel_elf, p, text, engine, max_steps=200_000_000)
    return out, r, p


@pytest.fixture
def pristine(root_image) -> bytearray:
    return bytearray(root_image.read_bytes())


def size_past_the_disk(img):
    del img[-8 * rvfs.BSIZE:]   # a consistent superblock on a disk 8 blocks too short
    return {}


def small_log(img):
    f = dict(zip(NAMES, sb_fields(img)))      # a consistent layout, a 5-block log
    data = f["logstart"] + 5
    return dict(nlog=5, datastart=data, nblocks=f["size"] - data)


SUPERBLOCKS = [
    (lambda img: dict(size=1), "size out of range"),
    (lambda img: dict(size=0xFFFFFFFF), "size out of range"),
    (lambda img: dict(ninodes=0xFFFFFFFF), "ninodes out of range"),
    (lambda img: dict(ninodes=1), "ninodes out of range"),
    (lambda img: dict(inodestart=4000), "inodestart is not 2"),
    (lambda img: dict(bmapstart=9999), "bmapstart is not inodestart + inode blocks"),
    (lambda img: dict(datastart=3), "datastart is not bmapstart + bitmap blocks"),
    (lambda img: dict(nblocks=1), "nblocks is not size - datastart"),
    (lambda img: dict(logstart=7), "the log (logstart, nlog) is not right after the bitmap"),
    (small_log, "the log (logstart, nlog) is not right after the bitmap, or too small"),
    (size_past_the_disk, "size is past the end of the disk"),
]


# every case on the native engine, one on the Python engine (the check is the same code)
SUPERBLOCK_CASES = [pytest.param(c, m, "native", id=f"native-{m.split()[0]}{i}")
                    for i, (c, m) in enumerate(SUPERBLOCKS)] + \
    [pytest.param(*SUPERBLOCKS[-1], "python", id="python-size-past-the-disk")]


@pytest.mark.parametrize("change,message,engine", SUPERBLOCK_CASES)
def test_a_bad_superblock_is_refused_with_its_reason(kernel_elf, tmp_path, pristine,
                                                     change, message, engine):
    set_sb(pristine, **change(pristine))
    out, r, _p = boot_image(kernel_elf, tmp_path, bytes(pristine), "ls\n", engine)
    assert r.kind == "halt" and r.exit_code == 99, out
    assert f"panic: bad RVFS superblock: {message}" in out, out
    assert "disk I/O error" not in out


@pytest.mark.parametrize("engine", ENGINES)
def test_a_bad_block_number_is_eio_not_a_panic(kernel_elf, tmp_path, pristine, engine):
    fs = rvfs.FsImage(bytes(pristine))
    readme = fs.lookup("/README")
    wc = fs.lookup("/wc")                       # a program: exec must fail, not panic
    set_addr(pristine, readme, 0, 100_000)      # past the end of the disk
    set_addr(pristine, wc, 1, 1)                # the superblock: not a data block
    out, r, p = boot_image(kernel_elf, tmp_path, bytes(pristine),
                           "cat README\nwc < /dev\necho x | wc\nrm README\necho alive\n",
                           engine)
    assert r.kind == "halt" and r.exit_code == 0, out
    assert "panic" not in out
    assert "fs: I/O error: an inode names a block outside the data area: 100000" in out
    assert "fs: I/O error: an inode names a block outside the data area: 1" in out
    assert "cat: README: I/O error" in out, out
    assert "alive" in out
    problems, _summary = rvfs.check(p)          # rm freed the good blocks only
    assert not any("README" in x for x in problems), problems
    assert rvfs.FsImage(p.read_bytes()).block(1)[:4] == struct.pack("<I", rvfs.MAGIC)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_bad_inode_number_is_eio_not_a_panic(kernel_elf, tmp_path, pristine, engine):
    fs = rvfs.FsImage(bytes(pristine))
    root = fs.inode(1)
    ents = fs.entries(1)
    # rename the entry of README into one that names inode 60000 (past the table)
    blk = root.addrs[0]
    data = pristine[blk * rvfs.BSIZE:(blk + 1) * rvfs.BSIZE]
    for i in range(len(ents)):
        inum, name = struct.unpack_from("<H14s", data, 16 * i)
        if name.rstrip(b"\0") == b"README":
            struct.pack_into("<H14s", pristine, blk * rvfs.BSIZE + 16 * i, 60000, b"ghost")
            break
    else:
        raise AssertionError("no README entry")
    out, r, _p = boot_image(kernel_elf, tmp_path, bytes(pristine),
                            "cat ghost\necho x > ghost\nrm ghost\necho alive\n", engine)
    assert r.kind == "halt" and r.exit_code == 0, out
    assert "panic" not in out
    assert "fs: I/O error: a directory entry names a missing inode: 60000" in out
    assert "cat: ghost: I/O error" in out, out
    assert "alive" in out
