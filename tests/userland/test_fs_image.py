"""ringvm mkfs / fsck / ls and the image library (emulator/rvfs.py): round trips,
limits, bad input, and fsck finding damage."""
from __future__ import annotations

import struct

import pytest

from ringvm.emulator.images import rootdisk, rvfs
from ringvm.emulator.cli import main as ringvm
from ringvm.errors import UserError

from .conftest import USER_DIR


def _tree():
    return {"README": b"hello\n", "empty": b"",
            "sub": {"a": b"A" * 1000, "deeper": {"x": b"x"}, "emptydir": {}},
            "max": bytes(range(256)) * (rvfs.MAXFILE // 256)}


def test_round_trip_and_clean():
    img = rvfs.build_image(_tree())
    problems, s = rvfs.check(img)
    assert problems == []
    assert s["files"] == 5 and s["dirs"] == 4
    fs = rvfs.FsImage(img)
    assert fs.walk() == _tree()
    assert fs.read_file("/sub/deeper/x") == b"x"
    assert len(fs.read_file("max")) == rvfs.MAXFILE
    names = [n for n, _, _ in fs.listdir("/")]
    assert names[:2] == [".", ".."] and "sub" in names
    root = fs.inode(1)
    assert root.type == rvfs.T_DIR and root.nlink == 2   # "/" + its subdir's ".."
    sb = fs.sb
    assert (sb.magic, sb.size, sb.inodestart) == (0x52564653, 4096, 2)
    assert sb.bmapstart == 2 + 256 // 8 and sb.datastart == sb.bmapstart + 1
    assert sb.nblocks == sb.size - sb.datastart


def test_layout_matches_readme():
    img = rvfs.build_image({"f": b"abc"}, size=100, ninodes=16)
    magic, size, nblocks, ninodes, istart, bstart, dstart = struct.unpack_from(
        "<7I", img, 512)
    assert (magic, size, ninodes, istart, bstart, dstart) == (0x52564653, 100, 16, 2, 4, 5)
    assert nblocks == 95 and len(img) == 100 * 512
    t, nlink, fsize, *addrs = struct.unpack_from("<HHI13I", img, 2 * 512 + 2 * 64)
    assert (t, nlink, fsize) == (2, 1, 3)
    assert img[addrs[0] * 512:addrs[0] * 512 + 3] == b"abc"
    root = struct.unpack_from("<HHI13I", img, 2 * 512 + 64)
    assert root[:3] == (1, 1, 48)
    ents = [struct.unpack_from("<H14s", img, root[3] * 512 + 16 * i) for i in range(3)]
    assert [(n, s.rstrip(b"\0")) for n, s in ents] == [(1, b"."), (1, b".."), (2, b"f")]
    assert img[bstart * 512] == 0x7F          # blocks 0-6 used: metadata + 2 data blocks


@pytest.mark.parametrize("tree, msg", [
    ({"a" * 15: b""}, "name too long"),
    ({"big": bytes(rvfs.MAXFILE + 1)}, "file too big"),
    ({"d": {"x/y": b""}}, "bad file name"),
    ({"..": b""}, "bad file name"),
])
def test_bad_trees(tree, msg):
    with pytest.raises(UserError, match=msg):
        rvfs.build_image(tree)


def test_image_full():
    with pytest.raises(UserError, match="image full: no free block"):
        rvfs.build_image({"f": bytes(30_000)}, size=40)
    with pytest.raises(UserError, match="image full: no free inode"):
        rvfs.build_image({f"f{i}": b"" for i in range(20)}, ninodes=16)
    with pytest.raises(UserError, match="too small"):
        rvfs.build_image({}, size=3)


def _corrupt(img: bytes, offset: int, data: bytes) -> bytes:
    b = bytearray(img)
    b[offset:offset + len(data)] = data
    return bytes(b)


def test_fsck_finds_damage():
    img = rvfs.build_image(_tree())
    fs = rvfs.FsImage(img)
    sb = fs.sb
    inum = fs.lookup("/sub/a")
    ino_off = (sb.inodestart + inum // 8) * 512 + (inum % 8) * 64
    # a used block marked free
    blk = fs.inode(inum).addrs[0]
    byte = sb.bmapstart * 512 + blk // 8
    bad = _corrupt(img, byte, bytes([img[byte] & ~(1 << (blk % 8))]))
    assert any("marked free" in p for p in rvfs.check(bad)[0])
    # a free block marked used
    last = sb.size - 1
    byte = sb.bmapstart * 512 + last // 8
    bad = _corrupt(img, byte, bytes([img[byte] | 1 << (last % 8)]))
    assert any("not referenced" in p for p in rvfs.check(bad)[0])
    # a wrong link count
    bad = _corrupt(img, ino_off + 2, struct.pack("<H", 3))
    assert any("nlink 3" in p for p in rvfs.check(bad)[0])
    # an allocated inode nobody names
    free = sb.ninodes - 1
    off = (sb.inodestart + free // 8) * 512 + (free % 8) * 64
    bad = _corrupt(img, off, struct.pack("<HHI", 2, 1, 0))
    assert any("not reachable" in p for p in rvfs.check(bad)[0])
    # two inodes sharing a block
    other = fs.lookup("/README")
    ooff = (sb.inodestart + other // 8) * 512 + (other % 8) * 64
    bad = _corrupt(img, ooff + 8, struct.pack("<I", blk))
    assert any("also used by" in p for p in rvfs.check(bad)[0])
    # a directory entry naming a free inode
    root_blk = fs.inode(1).addrs[0]
    bad = _corrupt(img, root_blk * 512 + 2 * 16, struct.pack("<H", free))
    assert any("free or invalid inode" in p for p in rvfs.check(bad)[0])
    # '.' wrong
    bad = _corrupt(img, root_blk * 512, struct.pack("<H", 2))
    assert rvfs.check(bad)[0]
    # superblock layout
    bad = _corrupt(img, 512 + 4 * 5, struct.pack("<I", 99))
    assert any("superblock" in p for p in rvfs.check(bad)[0])


def test_not_an_image(tmp_path):
    p = tmp_path / "zero.img"
    p.write_bytes(bytes(4096))
    with pytest.raises(UserError, match="bad magic"):
        rvfs.check(p)
    with pytest.raises(UserError, match="no such file"):
        rvfs.FsImage(tmp_path / "missing.img")


def test_cli(tmp_path, capsys):
    src = tmp_path / "src"
    (src / "d").mkdir(parents=True)
    (src / "hello.txt").write_text("hi\n")
    (src / "d" / "inner").write_bytes(b"12345")
    img = tmp_path / "fs.img"
    assert ringvm(["mkfs", str(img), "--from", str(src), "--size", "512"]) == 0
    assert img.stat().st_size == 512 * 512
    assert ringvm(["fsck", str(img)]) == 0
    assert "clean, 2 files, 2 directories" in capsys.readouterr().out
    assert ringvm(["ls", str(img), "/d"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].split() == ["file", "4", "1", "5", "inner"]
    # damage it: fsck exits 1 and lists the problem
    data = bytearray(img.read_bytes())
    data[(2 + 4 // 8) * 512 + 4 * 64 + 2] = 7          # nlink of /d/inner
    img.write_bytes(bytes(data))
    assert ringvm(["fsck", str(img)]) == 1
    out = capsys.readouterr().out
    assert "nlink 7 but 1 directory entries" in out and "1 problem" in out
    # bad input: one-line errors, exit status 2
    (src / ("n" * 20)).write_text("")
    assert ringvm(["mkfs", str(tmp_path / "x.img"), "--from", str(src)]) == 2
    assert "file name too long" in capsys.readouterr().err
    assert ringvm(["mkfs", str(tmp_path / "x.img"), "--from", str(tmp_path / "nope")]) == 2
    assert "not a directory" in capsys.readouterr().err
    assert ringvm(["mkfs", str(tmp_path / "x.img"), "--size", "zero"]) == 2
    assert ringvm(["ls", str(img), "/nothere"]) == 2
    assert "no such file or directory" in capsys.readouterr().err
    assert ringvm(["fsck", str(tmp_path / "missing.img")]) == 2


def test_mkfs_empty(tmp_path):
    img = tmp_path / "e.img"
    assert ringvm(["mkfs", str(img)]) == 0
    assert rvfs.check(img)[0] == []
    assert [n for n, _, _ in rvfs.FsImage(img).listdir()] == [".", ".."]


def test_strip_elf_keeps_segments():
    from ringvm.assembler.elf import read_elf
    src = USER_DIR / "echo.s"
    full = rootdisk.assemble_program(src, strip=False)
    small = rootdisk.strip_elf(full)
    a, b = read_elf(full), read_elf(small)
    assert len(small) < len(full) // 3
    assert a.entry == b.entry and b.segments[0].vaddr == 0x1000
    assert [(s.vaddr, s.data, s.memsz, s.flags) for s in a.segments] == \
        [(s.vaddr, s.data, s.memsz, s.flags) for s in b.segments]


def test_working_image_persists_and_resets(tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    (files / "README").write_text("v1\n")
    spec = rootdisk.DiskSpec("g", files=files, size=256, ninodes=16)
    cache = tmp_path / "cache"
    work = rootdisk.working_image(spec, cache)
    work.write_bytes(work.read_bytes()[:-1] + b"\x01")          # the student's changes
    assert rootdisk.working_image(spec, cache).read_bytes()[-1] == 1
    (files / "README").write_text("v2\n")                       # sources change: reset
    work = rootdisk.working_image(spec, cache, quiet=True)
    assert rvfs.FsImage(work).read_file("/README") == b"v2\n"
    name = rootdisk.working_name(spec)
    assert name.startswith("g-") and name.endswith("-disk.img")
    assert sorted(p.name for p in cache.iterdir()) == [name, name + ".key"]


def test_disk_table_errors(tmp_path):
    meta = tmp_path / "guest.toml"
    with pytest.raises(UserError, match="unknown key"):
        rootdisk.parse_disk_table("g", tmp_path, {"program": "x"}, meta)
    with pytest.raises(UserError, match="positive integer"):
        rootdisk.parse_disk_table("g", tmp_path, {"size": 0}, meta)


def test_mkfs_programs(tmp_path, capsys):
    import shutil
    progs = tmp_path / "progs"
    shutil.copytree(USER_DIR / "lib", progs / "lib")
    shutil.copy(USER_DIR / "echo.s", progs / "hello.s")
    img = tmp_path / "p.img"
    assert ringvm(["mkfs", str(img), "--programs", str(progs), "--size", "300"]) == 0
    elf = rvfs.FsImage(img).read_file("/hello")
    from ringvm.assembler.elf import read_elf
    assert read_elf(elf).entry >= 0x1000
    (progs / "bad.s").write_text("    addi x, y\n")
    assert ringvm(["mkfs", str(img), "--programs", str(progs)]) == 2
    assert "bad.s:1" in capsys.readouterr().err


def test_more_programs_use_the_library_of_programs(tmp_path):
    more = tmp_path / "more"
    more.mkdir()
    (more / "hi.s").write_text('.include "ulib.s"\nmain:\n    la a0, msg\n    call puts\n'
                               '    li a0, 0\n    ret\n.rodata\nmsg: .asciz "hi"\n')
    spec = rootdisk.parse_disk_table("g", tmp_path, {"programs": str(USER_DIR),
                                                     "more_programs": ["more"]},
                                     tmp_path / "guest.toml")
    tree = rootdisk.build_tree(spec)
    assert "hi" in tree and "ls" in tree
    (more / "ls.s").write_text("")
    with pytest.raises(UserError, match="name of another"):
        rootdisk.build_tree(spec)
    with pytest.raises(UserError, match="needs programs"):
        rootdisk.parse_disk_table("g", tmp_path, {"more_programs": ["more"]},
                                  tmp_path / "guest.toml")
