"""The monolithic kernel's on-disk file system, from the host side: build, check, list.

The format is the contract in ``guests/monolithic/README.md`` ("File system"): 512-byte
blocks, all integers little-endian::

    block 0             unused (boot block)
    block 1             superblock: magic "RVFS" (0x52564653), size, nblocks, ninodes,
                        inodestart, bmapstart, datastart, logstart, nlog (u32 each)
    inodestart ...      inodes, 8 x 64 bytes per block: u16 type (0 free, 1 dir, 2 file,
                        3 device), u16 nlink, u32 size, u32 addrs[13] (12 direct, one
                        indirect block of 128 numbers), 4 bytes padding
    bmapstart ...       free-block bitmap, one bit per block (block b is bit b % 8 of
                        byte b // 8, 1 = used); blocks before datastart are always used
    logstart ...        the write-ahead log (nlog blocks, 0 = none): a header (u32 n,
                        then n u32 home block numbers) and the logged copies; a
                        non-empty header is a committed transaction the kernel installs
                        at its next boot
    datastart ...       data blocks

Directory entries are 16 bytes: u16 inum (0 = free slot), char name[14] (NUL-padded).
Inode 1 is the root directory; every directory starts with ``.`` and ``..``. Link
counts follow xv6: a file's ``nlink`` is the number of directory entries naming it; a
directory's is 1 (its entry in the parent) plus one per subdirectory (their ``..``).
:func:`check` also accepts the Unix convention (which counts the directory's own ``.``).

API: :func:`build_image` (files and directories from a dict or a host directory),
:class:`FsImage` (read an image: :meth:`~FsImage.stat`, :meth:`~FsImage.listdir`,
:meth:`~FsImage.read_file`, :meth:`~FsImage.lookup`), :func:`check` (fsck: a list of
problems, empty when the image is sound). Bad input raises :class:`UserError`.
"""
from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from pathlib import Path

from ringvm.errors import UserError

BSIZE = 512
MAGIC = 0x52564653
INODE_SIZE = 64
IPB = BSIZE // INODE_SIZE            # inodes per block
NDIRECT = 12
NINDIRECT = BSIZE // 4
MAXFILE_BLOCKS = NDIRECT + NINDIRECT
MAXFILE = MAXFILE_BLOCKS * BSIZE     # 71,680 bytes
DIRENT_SIZE = 16
DIRSIZ = 14
BPB = BSIZE * 8                      # bitmap bits per block
ROOT_INUM = 1

T_FREE, T_DIR, T_FILE, T_DEV = 0, 1, 2, 3
TYPE_NAMES = {T_DIR: "dir", T_FILE: "file", T_DEV: "dev"}

DEFAULT_SIZE = 4096                  # blocks (2 MiB)
DEFAULT_NINODES = 256
DEFAULT_NLOG = 31                    # the log: header + LOGSIZE (30) blocks

_SUPER = struct.Struct("<9I")
_INODE = struct.Struct("<HHI13I4x")
_DIRENT = struct.Struct("<H14s")


@dataclass
class Superblock:
    """The superblock fields (README "File system")."""
    magic: int
    size: int
    nblocks: int
    ninodes: int
    inodestart: int
    bmapstart: int
    datastart: int
    logstart: int = 0
    nlog: int = 0


@dataclass
class Inode:
    """An on-disk inode: type, nlink, size in bytes and the 13 block addresses."""
    type: int = T_FREE
    nlink: int = 0
    size: int = 0
    addrs: list[int] = field(default_factory=lambda: [0] * (NDIRECT + 1))

    def pack(self) -> bytes:
        return _INODE.pack(self.type, self.nlink, self.size, *self.addrs)


def layout(size: int, ninodes: int, nlog: int = DEFAULT_NLOG) -> Superblock:
    """The superblock of a fresh image of ``size`` blocks, ``ninodes`` inodes and a log
    of ``nlog`` blocks (0: none)."""
    if ninodes < 2:
        raise UserError(f"{ninodes} inodes: need at least 2 (inode 0 is never used)")
    ninodeblocks = -(-ninodes // IPB)
    nbitmap = -(-size // BPB)
    inodestart = 2
    bmapstart = inodestart + ninodeblocks
    logstart = bmapstart + nbitmap if nlog else 0
    datastart = bmapstart + nbitmap + nlog
    if size < datastart + 1:
        raise UserError(f"--size {size}: too small (the metadata alone takes "
                        f"{datastart} blocks; need at least {datastart + 1})")
    return Superblock(MAGIC, size, size - datastart, ninodes, inodestart, bmapstart,
                      datastart, logstart, nlog)


def encode_name(name: str) -> bytes:
    """A directory-entry name (at most 14 bytes of UTF-8, no '/' or NUL)."""
    raw = name.encode("utf-8")
    if not raw or "/" in name or "\0" in name:
        raise UserError(f"bad file name {name!r}")
    if len(raw) > DIRSIZ:
        raise UserError(f"file name too long: {name!r} ({len(raw)} bytes; at most "
                        f"{DIRSIZ})")
    return raw


class _Builder:
    """Allocates inodes and blocks sequentially in a fresh image."""

    def __init__(self, size: int, ninodes: int, nlog: int = DEFAULT_NLOG):
        self.sb = layout(size, ninodes, nlog)
        self.img = bytearray(size * BSIZE)
        self.next_inum = ROOT_INUM
        self.next_block = self.sb.datastart
        self.inodes: dict[int, Inode] = {}

    def alloc_inode(self, itype: int, what: str) -> int:
        if self.next_inum >= self.sb.ninodes:
            raise UserError(f"image full: no free inode for {what} "
                            f"({self.sb.ninodes} inodes; use more inodes)")
        n = self.next_inum
        self.next_inum += 1
        self.inodes[n] = Inode(type=itype)
        return n

    def alloc_block(self, what: str) -> int:
        if self.next_block >= self.sb.size:
            raise UserError(f"image full: no free block for {what} "
                            f"({self.sb.size} blocks; use a larger --size)")
        b = self.next_block
        self.next_block += 1
        return b

    def write_data(self, inum: int, data: bytes, what: str) -> None:
        if len(data) > MAXFILE:
            raise UserError(f"file too big: {what} ({len(data)} bytes; the maximum file "
                            f"size is {MAXFILE})")
        ino = self.inodes[inum]
        ino.size = len(data)
        nblocks = -(-len(data) // BSIZE)
        indirect: list[int] = []
        for i in range(nblocks):
            if i == NDIRECT:
                ino.addrs[NDIRECT] = self.alloc_block(what)
            b = self.alloc_block(what)
            chunk = data[i * BSIZE:(i + 1) * BSIZE]
            self.img[b * BSIZE:b * BSIZE + len(chunk)] = chunk
            if i < NDIRECT:
                ino.addrs[i] = b
            else:
                indirect.append(b)
        if indirect:
            ib = ino.addrs[NDIRECT]
            self.img[ib * BSIZE:ib * BSIZE + 4 * len(indirect)] = struct.pack(
                f"<{len(indirect)}I", *indirect)

    def finish(self) -> bytes:
        sb = self.sb
        self.img[BSIZE:BSIZE + _SUPER.size] = _SUPER.pack(
            sb.magic, sb.size, sb.nblocks, sb.ninodes, sb.inodestart, sb.bmapstart,
            sb.datastart, sb.logstart, sb.nlog)
        for n, ino in self.inodes.items():
            off = (sb.inodestart + n // IPB) * BSIZE + (n % IPB) * INODE_SIZE
            self.img[off:off + INODE_SIZE] = ino.pack()
        for b in range(self.next_block):             # metadata + every allocated block
            self.img[sb.bmapstart * BSIZE + b // 8] |= 1 << (b % 8)
        return bytes(self.img)


def build_image(tree: dict, size: int = DEFAULT_SIZE,
                ninodes: int = DEFAULT_NINODES, nlog: int = DEFAULT_NLOG) -> bytes:
    """A complete image holding ``tree``: a dict name -> bytes (a file) or name -> dict
    (a directory), rooted at ``/``. Raises :class:`UserError` for a name that is too
    long, a file over the maximum size, or an image too small for the content."""
    if not isinstance(size, int) or size < 1:
        raise UserError(f"--size {size!r}: must be a positive number of blocks")
    if size > 0x100000:
        raise UserError(f"--size {size}: at most {0x100000} blocks (512 MiB)")
    b = _Builder(size, ninodes, nlog)
    root = b.alloc_inode(T_DIR, "/")
    _build_dir(b, root, root, tree, "")
    return b.finish()


def _build_dir(b: _Builder, inum: int, parent: int, tree: dict, path: str) -> None:
    entries = [(".", inum), ("..", parent)]
    subdirs = []
    for name in sorted(tree):
        what = f"{path}/{name}"
        raw = encode_name(name)
        if name in (".", ".."):
            raise UserError(f"bad file name {what!r}")
        content = tree[name]
        if isinstance(content, dict):
            child = b.alloc_inode(T_DIR, what)
            b.inodes[child].nlink = 1
            b.inodes[inum].nlink += 1            # the child's ".."
            subdirs.append((child, content, what))
        else:
            child = b.alloc_inode(T_FILE, what)
            b.inodes[child].nlink = 1
            b.write_data(child, bytes(content), what)
        entries.append((raw, child))
    if inum == ROOT_INUM:
        b.inodes[inum].nlink += 1                # the root has no parent entry
    data = b"".join(_DIRENT.pack(n, (nm.encode() if isinstance(nm, str) else nm))
                    for nm, n in entries)
    b.write_data(inum, data, path or "/")
    for child, content, what in subdirs:
        _build_dir(b, child, inum, content, what)


def tree_from_dir(root: str | os.PathLike, tree: dict | None = None) -> dict:
    """Read a host directory recursively into the dict form :func:`build_image` takes
    (merged into ``tree`` if given). Symbolic links are followed; other special files
    are skipped."""
    root = Path(root)
    if not root.is_dir():
        raise UserError(f"{os.fspath(root)!r}: not a directory")
    out = {} if tree is None else tree
    try:
        names = sorted(os.listdir(root))
    except OSError as e:
        raise UserError(f"cannot read {os.fspath(root)!r}: {e.strerror}") from None
    for name in names:
        p = root / name
        if p.is_dir():
            sub = out.get(name)
            out[name] = tree_from_dir(p, sub if isinstance(sub, dict) else None)
        elif p.is_file():
            try:
                out[name] = p.read_bytes()
            except OSError as e:
                raise UserError(f"cannot read {os.fspath(p)!r}: {e.strerror}") from None
    return out


# ---------------------------------------------------------------- reading

class FsImage:
    """A read-only view of an image (bytes or a path)."""

    def __init__(self, source: bytes | str | os.PathLike):
        if isinstance(source, (bytes, bytearray)):
            self.data = bytes(source)
            self.name = "<image>"
        else:
            self.name = os.fspath(source)
            try:
                self.data = Path(source).read_bytes()
            except FileNotFoundError:
                raise UserError(f"{self.name!r}: no such file") from None
            except IsADirectoryError:
                raise UserError(f"{self.name!r} is a directory, not an image") from None
            except OSError as e:
                raise UserError(f"cannot read {self.name!r}: {e.strerror}") from None
        if len(self.data) < 2 * BSIZE:
            raise UserError(f"{self.name}: not a file-system image (too short)")
        self.sb = Superblock(*_SUPER.unpack_from(self.data, BSIZE))
        if self.sb.magic != MAGIC:
            raise UserError(f"{self.name}: not a file-system image (bad magic "
                            f"{self.sb.magic:#x})")

    def block(self, b: int) -> bytes:
        """The 512 bytes of block ``b`` (zeros past the end of the file)."""
        chunk = self.data[b * BSIZE:(b + 1) * BSIZE]
        return chunk + bytes(BSIZE - len(chunk))

    def inode(self, inum: int) -> Inode:
        """Inode ``inum`` as stored."""
        off = (self.sb.inodestart + inum // IPB) * BSIZE + (inum % IPB) * INODE_SIZE
        raw = self.data[off:off + INODE_SIZE]
        raw += bytes(INODE_SIZE - len(raw))
        t, nlink, size, *addrs = _INODE.unpack(raw)
        return Inode(t, nlink, size, list(addrs))

    def block_list(self, ino: Inode) -> list[int]:
        """The data blocks holding the inode's ``size`` bytes, in order."""
        n = min(-(-ino.size // BSIZE), MAXFILE_BLOCKS)
        out = ino.addrs[:min(n, NDIRECT)]
        if n > NDIRECT and ino.addrs[NDIRECT]:
            ind = struct.unpack(f"<{NINDIRECT}I", self.block(ino.addrs[NDIRECT]))
            out += list(ind[:n - NDIRECT])
        return out

    def read_inode_data(self, ino: Inode) -> bytes:
        """The content of a file or directory inode."""
        data = b"".join(self.block(b) if b else bytes(BSIZE) for b in self.block_list(ino))
        return data[:ino.size]

    def entries(self, inum: int) -> list[tuple[str, int]]:
        """(name, inum) of every used entry of directory ``inum``, in disk order."""
        data = self.read_inode_data(self.inode(inum))
        out = []
        for off in range(0, len(data) - DIRENT_SIZE + 1, DIRENT_SIZE):
            n, raw = _DIRENT.unpack_from(data, off)
            if n:
                out.append((raw.split(b"\0", 1)[0].decode("utf-8", "replace"), n))
        return out

    def lookup(self, path: str) -> int:
        """The inode number of an absolute (or root-relative) path."""
        inum = ROOT_INUM
        for part in [p for p in path.split("/") if p]:
            ino = self.inode(inum)
            if ino.type != T_DIR:
                raise UserError(f"{path}: not a directory")
            for name, n in self.entries(inum):
                if name == part:
                    inum = n
                    break
            else:
                raise UserError(f"{path}: no such file or directory")
        return inum

    def read_file(self, path: str) -> bytes:
        """The content of the file at ``path``."""
        ino = self.inode(self.lookup(path))
        if ino.type == T_DIR:
            raise UserError(f"{path}: is a directory")
        return self.read_inode_data(ino)

    def listdir(self, path: str = "/") -> list[tuple[str, int, Inode]]:
        """(name, inum, inode) for every entry of the directory at ``path`` (or just the
        file itself when ``path`` names a file)."""
        inum = self.lookup(path)
        ino = self.inode(inum)
        if ino.type != T_DIR:
            return [(path.rstrip("/").rsplit("/", 1)[-1], inum, ino)]
        return [(name, n, self.inode(n)) for name, n in self.entries(inum)]

    def walk(self) -> dict:
        """The whole tree in :func:`build_image` form (name -> bytes or dict)."""
        def rec(inum, seen):
            out = {}
            for name, n in self.entries(inum):
                if name in (".", "..") or n in seen:
                    continue
                ino = self.inode(n)
                out[name] = rec(n, seen | {n}) if ino.type == T_DIR else \
                    self.read_inode_data(ino)
            return out
        return rec(ROOT_INUM, {ROOT_INUM})


# ---------------------------------------------------------------- fsck

def check(source: bytes | str | os.PathLike) -> tuple[list[str], dict]:
    """Check an image: returns ``(problems, summary)``. ``problems`` is empty for a
    sound image; ``summary`` counts files, directories and blocks."""
    fs = FsImage(source)
    sb = fs.sb
    problems: list[str] = []
    summary = {"files": 0, "dirs": 0, "blocks_used": 0, "nblocks": sb.nblocks,
               "inodes_used": 0, "ninodes": sb.ninodes}
    want_inodestart = 2
    want_bmap = want_inodestart + -(-sb.ninodes // IPB)
    want_log = want_bmap + -(-sb.size // BPB)
    want_data = want_log + sb.nlog
    if sb.nlog and sb.logstart != want_log:
        problems.append(f"superblock: logstart {sb.logstart}, expected {want_log} (right "
                        f"after the bitmap)")
    elif sb.nlog:
        n = struct.unpack_from("<I", fs.block(sb.logstart))[0]
        if n:
            problems.append(f"log: a committed transaction of {n} blocks is not installed "
                            f"(boot the kernel once to recover it)")
    if (sb.inodestart, sb.bmapstart, sb.datastart) != (want_inodestart, want_bmap,
                                                       want_data):
        problems.append(f"superblock: layout inodestart {sb.inodestart} bmapstart "
                        f"{sb.bmapstart} datastart {sb.datastart}, expected "
                        f"{want_inodestart} {want_bmap} {want_data} for {sb.ninodes} "
                        f"inodes and {sb.size} blocks")
    if sb.nblocks != sb.size - sb.datastart:
        problems.append(f"superblock: nblocks {sb.nblocks} != size {sb.size} - datastart "
                        f"{sb.datastart}")
    if len(fs.data) < sb.size * BSIZE:
        problems.append(f"superblock: size {sb.size} blocks but the image holds only "
                        f"{len(fs.data) // BSIZE}")
    if problems or sb.datastart >= sb.size or sb.ninodes < 2:
        return problems or [f"superblock: unusable (size {sb.size}, ninodes "
                            f"{sb.ninodes})"], summary

    # inodes and the blocks they reference
    owner: dict[int, int] = {}
    inodes: dict[int, Inode] = {}
    for inum in range(1, sb.ninodes):
        ino = fs.inode(inum)
        if ino.type == T_FREE:
            continue
        if ino.type not in TYPE_NAMES:
            problems.append(f"inode {inum}: bad type {ino.type}")
            continue
        inodes[inum] = ino
        if ino.size > MAXFILE:
            problems.append(f"inode {inum}: size {ino.size} over the maximum {MAXFILE}")
        refs = [(f"addrs[{i}]", b) for i, b in enumerate(ino.addrs) if b]
        if ino.addrs[NDIRECT] and sb.datastart <= ino.addrs[NDIRECT] < sb.size:
            ind = struct.unpack(f"<{NINDIRECT}I", fs.block(ino.addrs[NDIRECT]))
            refs += [(f"indirect[{i}]", b) for i, b in enumerate(ind) if b]
        for where, b in refs:
            if not sb.datastart <= b < sb.size:
                problems.append(f"inode {inum}: {where} = block {b} outside the data "
                                f"area [{sb.datastart}, {sb.size})")
            elif b in owner:
                problems.append(f"inode {inum}: block {b} also used by inode {owner[b]}")
            else:
                owner[b] = inum
        need = -(-min(ino.size, MAXFILE) // BSIZE)
        have = fs.block_list(ino)
        if any(b == 0 for b in have[:need]) and ino.type == T_DIR:
            problems.append(f"inode {inum}: directory with a hole")
    summary["inodes_used"] = len(inodes)

    # bitmap
    def used(b):
        return (fs.data[sb.bmapstart * BSIZE + b // 8] >> (b % 8)) & 1
    for b in range(sb.datastart):
        if not used(b):
            problems.append(f"bitmap: metadata block {b} marked free")
    for b in range(sb.datastart, sb.size):
        u = used(b)
        if u and b not in owner:
            problems.append(f"bitmap: block {b} marked used but not referenced")
        elif not u and b in owner:
            problems.append(f"bitmap: block {b} referenced by inode {owner[b]} but "
                            f"marked free")
    summary["blocks_used"] = sum(used(b) for b in range(sb.datastart, sb.size))

    # directory tree
    root = inodes.get(ROOT_INUM)
    if root is None or root.type != T_DIR:
        problems.append("inode 1: the root is not a directory")
        return problems, summary
    refs: dict[int, int] = {}          # entries naming an inode (not "." / "..")
    subdirs: dict[int, int] = {}       # directory -> number of child directories
    reached = {ROOT_INUM}
    todo = [(ROOT_INUM, ROOT_INUM, "/")]
    while todo:
        inum, parent, path = todo.pop()
        ino = inodes[inum]
        summary["dirs"] += 1
        if ino.size % DIRENT_SIZE:
            problems.append(f"{path}: directory size {ino.size} not a multiple of "
                            f"{DIRENT_SIZE}")
        ents = fs.entries(inum)
        names = [n for n, _ in ents]
        if names[:2] != [".", ".."]:
            problems.append(f"{path}: does not start with '.' and '..'")
        seen = set()
        for name, n in ents:
            if name in seen:
                problems.append(f"{path}: duplicate entry {name!r}")
            seen.add(name)
            if not name or "/" in name:
                problems.append(f"{path}: bad entry name {name!r}")
            if not 1 <= n < sb.ninodes or n not in inodes:
                problems.append(f"{path}: entry {name!r} names free or invalid inode {n}")
                continue
            if name == ".":
                if n != inum:
                    problems.append(f"{path}: '.' is inode {n}, not {inum}")
                continue
            if name == "..":
                if n != parent:
                    problems.append(f"{path}: '..' is inode {n}, not {parent}")
                continue
            refs[n] = refs.get(n, 0) + 1
            child = inodes[n]
            cpath = path.rstrip("/") + "/" + name
            if child.type == T_DIR:
                subdirs[inum] = subdirs.get(inum, 0) + 1
                if n in reached:
                    problems.append(f"{cpath}: directory linked twice (inode {n})")
                    continue
                reached.add(n)
                todo.append((n, inum, cpath))
            else:
                reached.add(n)
                summary["files"] += 1
    for inum, ino in sorted(inodes.items()):
        if inum not in reached:
            problems.append(f"inode {inum}: allocated ({TYPE_NAMES[ino.type]}) but not "
                            f"reachable from /")
            continue
        if ino.type == T_DIR:
            parent_ref = 1 if inum == ROOT_INUM else refs.get(inum, 0)
            xv6 = parent_ref + subdirs.get(inum, 0)
            if ino.nlink not in (xv6, xv6 + 1):
                problems.append(f"inode {inum}: directory nlink {ino.nlink}, expected "
                                f"{xv6}")
        elif ino.nlink != refs.get(inum, 0):
            problems.append(f"inode {inum}: nlink {ino.nlink} but {refs.get(inum, 0)} "
                            f"directory entries")
    return problems, summary


def format_mode(ino: Inode) -> str:
    """A one-word type for listings."""
    return TYPE_NAMES.get(ino.type, f"?{ino.type}")
