"""``ringvm mkfs``, ``ringvm fsck`` and ``ringvm ls``: host tools for the monolithic
kernel's file system (format: ``guests/monolithic/README.md``; code:
:mod:`ringvm.emulator.images.rvfs`).

::

    ringvm mkfs IMG [--from DIR] [--programs DIR]... [--size BLOCKS] [--inodes N]
    ringvm fsck IMG
    ringvm ls IMG [PATH]

``mkfs`` copies DIR's files and directories (recursively) into a fresh image of BLOCKS
512-byte blocks (default 4096 = 2 MiB). Each ``--programs DIR`` adds every ``NAME.s``
of DIR (not ``lib/``), assembled at useg 0x1000 and stripped, as ``/NAME`` — so
``ringvm mkfs disk.img --from guests/user/rootfs --programs guests/user`` makes the
image ``ringvm boot`` uses. ``fsck`` checks the superblock, the bitmap
against the blocks reachable from the inodes, link counts and every directory; it
prints each problem and exits 1 if there is any. ``ls`` lists a directory (default
``/``) as ``type inum nlink size name``.
"""
from __future__ import annotations

import os
from pathlib import Path

from ringvm.errors import UserError

from ..images import rvfs


def register(subparsers) -> None:
    """Add ``mkfs``, ``fsck`` and ``ls``."""
    p = subparsers.add_parser(
        "mkfs", help="build a file-system image for the monolithic kernel",
        description="Build a disk image in the monolithic kernel's format holding DIR's "
                    "files and directories.")
    p.add_argument("image", metavar="IMG", help="image file to write")
    p.add_argument("--from", dest="source", metavar="DIR",
                   help="host directory to copy in (default: an empty file system)")
    p.add_argument("--programs", metavar="DIR", action="append", default=[],
                   help="assemble each NAME.s in DIR (a user program) into /NAME; repeatable")
    p.add_argument("--size", metavar="BLOCKS",
                   help=f"image size in 512-byte blocks (default {rvfs.DEFAULT_SIZE})")
    p.add_argument("--inodes", metavar="N",
                   help=f"number of inodes (default {rvfs.DEFAULT_NINODES})")
    p.set_defaults(func=cmd_mkfs)

    f = subparsers.add_parser(
        "fsck", help="check a file-system image",
        description="Check a monolithic-kernel file-system image: superblock, bitmap, "
                    "link counts, directories. Exit status 1 if there is any problem.")
    f.add_argument("image", metavar="IMG")
    f.set_defaults(func=cmd_fsck)

    ls = subparsers.add_parser(
        "ls", help="list a directory of a file-system image",
        description="List a directory (default /) of a monolithic-kernel file-system "
                    "image: type, inode number, link count, size, name.")
    ls.add_argument("image", metavar="IMG")
    ls.add_argument("path", nargs="?", default="/", metavar="PATH")
    ls.set_defaults(func=cmd_ls)


def _count(text: str | None, option: str, default: int) -> int:
    if text is None:
        return default
    from ..machine import parse_count
    return parse_count(text, option)


def cmd_mkfs(args) -> int:
    size = _count(args.size, "--size", rvfs.DEFAULT_SIZE)
    ninodes = _count(args.inodes, "--inodes", rvfs.DEFAULT_NINODES)
    tree = rvfs.tree_from_dir(args.source) if args.source else {}
    if args.programs:
        from ..images.rootdisk import build_programs
        for d in args.programs:
            for name, elf in build_programs(Path(d)).items():
                if isinstance(tree.get(name), dict):
                    raise UserError(f"/{name}: both a directory and a program")
                tree[name] = elf
    img = rvfs.build_image(tree, size=size, ninodes=ninodes)
    out = Path(args.image)
    if out.is_dir():
        raise UserError(f"{args.image!r} is a directory")
    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    try:
        tmp.write_bytes(img)
        os.replace(tmp, out)
    except OSError as e:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise UserError(f"cannot write {args.image!r}: {e.strerror}") from None
    _, summary = rvfs.check(img)
    print(f"{args.image}: {size} blocks, {summary['files']} files, {summary['dirs']} "
          f"directories, {summary['blocks_used']}/{summary['nblocks']} data blocks used")
    return 0


def cmd_fsck(args) -> int:
    problems, s = rvfs.check(args.image)
    for p in problems:
        print(f"{args.image}: {p}")
    if problems:
        print(f"{args.image}: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
        return 1
    print(f"{args.image}: clean, {s['files']} files, {s['dirs']} directories, "
          f"{s['inodes_used']}/{s['ninodes']} inodes, {s['blocks_used']}/{s['nblocks']} "
          f"data blocks")
    return 0


def cmd_ls(args) -> int:
    fs = rvfs.FsImage(args.image)
    for name, inum, ino in fs.listdir(args.path):
        print(f"{rvfs.format_mode(ino):<4} {inum:4} {ino.nlink:3} {ino.size:6} {name}")
    return 0
