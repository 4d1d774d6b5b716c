"""User programs and the root disk image of a bundled guest that has a ``[disk]`` table.

A guest's ``guest.toml`` may describe the disk it boots from (see :mod:`.registry`)::

    [disk]
    programs = "../user"     # every NAME.s there (not lib/) becomes /NAME
    more_programs = ["progs"] # more folders of programs (a structure's own commands),
                             # assembled like those of `programs`, with its library
    stubs = "ulib"           # the stub library's folder (default: programs/lib/trap)
    tools = "programs"       # a second folder of programs: the structure's own (not
                             # portable: e.g. xen's xl), with the same stubs
    files = "../user/rootfs" # copied in recursively (README, ...)
    size = 4096              # blocks of 512 bytes (default 4096 = 2 MiB)

Programs are portable: they reach the system only through the calls of the ABI
(``guests/abi.toml``), and the *stub library* that implements those calls is chosen
by the kernel structure through the include path — the folder holding its ``usys.s``
is searched before the user library (``programs/lib``) and ``guests/lib``. The default,
``programs/lib/trap``, traps into the kernel (``syscall``); a microkernel's stubs make
IPC calls, a library OS's plain calls. Programs are assembled with ``--base 0x1000``
(useg, README "Processes and memory") and stripped to their loadable segments
(:func:`strip_elf`) so they stay small on the disk. The image (format: :mod:`.rvfs`) is
built once and cached next to the assembled guests, keyed by a hash of the programs,
the stub library, guests/lib, the files, the assembler, the ISA and the image format.
The image a guest *boots* is a working copy of it,
``<cache>/<guest>-<identity>-disk.img``, where *identity* is a digest of the guest's
resolved folder and the resolved folders its disk is built from (:func:`disk_identity`):
two kernels whose folders are both called ``monolithic`` (a student's copy and the
bundled one, or two checkouts) never share a working disk. Files the student creates
persist across boots, and the copy is reset to the freshly built image when the
sources change (a note on stderr says so) or when asked (``ringvm boot --fresh-disk``:
``fresh=True``). ``ringvm boot --snapshot`` leaves the working copy untouched; ``--disk
IMG`` boots another image instead; ``ringvm boot`` names the disk it uses on stderr.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ringvm.errors import UserError

from .cache import (assemble, cache_dirs, cached_file, guests_dir, hash_toolchain, hash_tree,
                    lib_dir)
from .rvfs import DEFAULT_NINODES, DEFAULT_NLOG, DEFAULT_SIZE, encode_name, tree_from_dir
from .rvfs import __file__ as RVFS_SOURCE          # (part of a disk's cache key)
from .rvfs import build_image as build_rvfs_image

USER_BASE = 0x1000


@dataclass
class DiskSpec:
    """The ``[disk]`` table of a guest: where programs and files come from. ``guest``
    is the display name (the folder's name, ``-N`` for a second disk); ``origin`` the
    guest's resolved folder (None: a disk not owned by a guest, e.g. a grading suite's),
    part of the working copy's identity."""
    guest: str
    programs: Path | None = None
    stubs: Path | None = None
    tools: Path | None = None
    files: Path | None = None
    size: int = DEFAULT_SIZE
    ninodes: int = DEFAULT_NINODES
    origin: Path | None = None
    more_programs: list[Path] = field(default_factory=list)


def parse_disk_table(guest: str, directory: Path, table: dict, meta: Path) -> DiskSpec:
    """A :class:`DiskSpec` from a guest.toml ``[disk]`` table (paths relative to the
    guest directory). Raises :class:`UserError` for unknown keys or bad values."""
    known = {"programs", "more_programs", "stubs", "tools", "files", "size", "inodes"}
    extra = set(table) - known
    if extra:
        raise UserError(f"{meta}: unknown key(s) in [disk]: {', '.join(sorted(extra))}")
    spec = DiskSpec(guest, origin=directory.resolve())
    for key in ("programs", "stubs", "tools", "files"):
        if key in table:
            if not isinstance(table[key], str):
                raise UserError(f"{meta}: [disk] {key} must be a path string")
            setattr(spec, key, (directory / table[key]).resolve())
    if "more_programs" in table:
        more = table["more_programs"]
        more = [more] if isinstance(more, str) else more
        if not isinstance(more, list) or not all(isinstance(x, str) for x in more):
            raise UserError(f"{meta}: [disk] more_programs must be a list of paths")
        if "programs" not in table:
            raise UserError(f"{meta}: [disk] more_programs needs programs (their library)")
        spec.more_programs = [(directory / x).resolve() for x in more]
    for key, attr in (("size", "size"), ("inodes", "ninodes")):
        if key in table:
            if not isinstance(table[key], int) or table[key] < 1:
                raise UserError(f"{meta}: [disk] {key} must be a positive integer")
            setattr(spec, attr, table[key])
    return spec


# ---------------------------------------------------------------- programs

def strip_elf(elf: bytes) -> bytes:
    """A minimal ELF with the same header fields and PT_LOAD segments but no sections
    (no symbols or line table): what the kernel's exec needs, a fraction of the size."""
    if elf[:4] != b"\x7fELF" or len(elf) < 52:
        raise UserError("strip_elf: not an ELF file")
    (e_type, e_machine, e_version, e_entry, e_phoff, _shoff, e_flags, e_ehsize,
     e_phentsize, e_phnum, *_rest) = struct.unpack_from("<HHIIIIIHHHHHH", elf, 16)
    phdrs = [struct.unpack_from("<8I", elf, e_phoff + i * e_phentsize)
             for i in range(e_phnum)]
    loads = [p for p in phdrs if p[0] == 1]
    off = 52 + 32 * len(loads)
    out_ph, blobs = [], []
    for (p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align) in loads:
        off = (off + 3) & ~3
        blob = elf[p_offset:p_offset + p_filesz]
        out_ph.append(struct.pack("<8I", p_type, off if p_filesz else 0, p_vaddr, p_paddr,
                                  p_filesz, p_memsz, p_flags, 4))
        blobs.append((off, blob))
        off += len(blob)
    ident = elf[:16]
    head = ident + struct.pack("<HHIIIIIHHHHHH", e_type, e_machine, e_version, e_entry,
                               52, 0, e_flags, 52, 32, len(loads), 40, 0, 0)
    out = bytearray(head + b"".join(out_ph))
    for o, blob in blobs:
        out += bytes(o - len(out))
        out += blob
    return bytes(out)


def program_sources(directory: Path) -> list[Path]:
    """The programs of a ``programs`` directory: its ``*.s`` files (not ``lib/``)."""
    if not directory.is_dir():
        raise UserError(f"{directory}: programs directory not found")
    return sorted(p for p in directory.glob("*.s") if p.is_file())


def program_include_paths(directory: Path, stubs: Path | None = None,
                          library: Path | None = None) -> list[Path]:
    """Include paths of the programs of ``directory``: the folder of the stub library
    (``stubs``, default ``library/lib/trap``), then the user library (``library/lib``;
    ``library`` defaults to ``directory``: a ``more_programs`` folder uses the library
    of ``programs``), then ``guests/lib`` (the generated ABI constants, the string
    library). The program's own folder is searched first by the assembler."""
    library = library or directory
    return [directory, stubs or library / "lib" / "trap", library / "lib",
            lib_dir()]


def assemble_program(src: Path, strip: bool = True, stubs: Path | None = None,
                     library: Path | None = None) -> bytes:
    """Assemble one user program at useg 0x1000 with the stub library ``stubs`` (and
    the user library of the programs folder ``library``, default its own folder)."""
    elf = assemble(src, program_include_paths(src.parent, stubs, library),
                         base=USER_BASE)
    return strip_elf(elf) if strip else elf


def build_programs(directory: Path, strip: bool = True, stubs: Path | None = None,
                   library: Path | None = None) -> dict[str, bytes]:
    """{name: ELF bytes} for every program of ``directory``."""
    out = {}
    for src in program_sources(directory):
        name = src.stem
        encode_name(name)
        out[name] = assemble_program(src, strip, stubs, library)
    return out


def build_tree(spec: DiskSpec) -> dict:
    """The file tree of the guest's disk: the files, then the programs at /NAME."""
    tree: dict = {}
    if spec.files is not None:
        tree = tree_from_dir(spec.files)
    for folder in (spec.programs, spec.tools):
        if folder is None:
            continue
        stubs = spec.stubs or (spec.programs / "lib" / "trap" if spec.programs else None)
        for name, elf in build_programs(folder, stubs=stubs).items():
            if isinstance(tree.get(name), dict):
                raise UserError(f"/{name}: both a directory in {spec.files} and a program")
            tree[name] = elf
        for more in spec.more_programs:
            for name, elf in build_programs(more, stubs=spec.stubs,
                                            library=spec.programs).items():
                if name in tree:
                    raise UserError(f"/{name}: a program of {more} has the name of "
                                    f"another file or program")
                tree[name] = elf
    return tree



def vmm_host_tree(guests: dict[str, bytes], guest_programs: tuple[str, ...],
                  nlog: int = DEFAULT_NLOG) -> dict:
    """The file tree of a type-2 host's disk (the monolithic kernel built with ``--option
    vmm``, guests/hypervisor/README.md): guests/user's programs and rootfs, ``vmrun``
    (guests/hypervisor/programs), the guest kernels ``guests`` (file name -> ELF, stored
    stripped) and ``gdisk.img``, a disk for a monolithic guest holding
    ``guest_programs`` of guests/user. ``gdisk.img`` is one file of the host's file
    system, so at most 140 blocks: the 31-block write-ahead log fits beside a few
    programs only — more need ``nlog=0`` (the guest kernel then writes straight to the
    disk)."""
    user = guests_dir() / "user"
    tree = build_tree(DiskSpec("vmm-host", programs=user, files=user / "rootfs"))
    tree.update(build_programs(guests_dir() / "hypervisor" / "programs"))
    tree.update({name: strip_elf(elf) for name, elf in guests.items()})
    progs = build_programs(user)
    tree["gdisk.img"] = build_rvfs_image({k: progs[k] for k in guest_programs},
                                         size=140, ninodes=16, nlog=nlog)
    return tree


# ---------------------------------------------------------------- cached image

def disk_key(spec: DiskSpec) -> str:
    """SHA-256 of everything the built image depends on."""
    h = hashlib.sha256(b"ringvm-disk 1\0")
    h.update(f"{spec.size} {spec.ninodes}\0".encode())
    hash_tree(h, spec.programs, "programs")
    for more in spec.more_programs:
        hash_tree(h, more, "more")
    hash_tree(h, spec.stubs, "stubs")
    if spec.tools is not None:
        hash_tree(h, spec.tools, "tools")
    hash_tree(h, lib_dir(), "lib")
    hash_tree(h, spec.files, "files", suffixes=None)
    hash_toolchain(h)
    for p in (Path(RVFS_SOURCE), Path(__file__)):
        h.update(p.read_bytes())
    return h.hexdigest()


def build_image(spec: DiskSpec) -> bytes:
    """The image bytes for ``spec`` (not cached)."""
    return build_rvfs_image(build_tree(spec), size=spec.size, ninodes=spec.ninodes)


def pristine_image(spec: DiskSpec) -> tuple[Path | None, str]:
    """``(path, key)``: the freshly built image for ``spec`` in the build cache (built if
    not cached there); path is None when no cache directory is writable."""
    key = disk_key(spec)
    return cached_file("disk", spec.guest, key, lambda: build_image(spec), ".img"), key


def disk_identity(spec: DiskSpec) -> str:
    """A short digest (16 hex digits) of *which* disk ``spec`` is: the guest's resolved
    folder, its name and the resolved folders the image is built from. Not the
    sources' contents: editing a program keeps the identity (the working copy is then
    reset, see :func:`working_image`); another checkout or a student's copy of the
    same guest is another identity."""
    h = hashlib.sha256(b"ringvm-disk-identity 1\0")
    for part in (spec.origin, spec.guest, spec.programs, spec.stubs, spec.files,
                 *spec.more_programs) + ((spec.tools,) if spec.tools is not None else ()):
        h.update(f"{Path(part).resolve() if isinstance(part, Path) else part}\0".encode())
    return h.hexdigest()[:16]


def working_name(spec: DiskSpec) -> str:
    """The file name of the working copy of ``spec``: ``<guest>-<identity>-disk.img``."""
    return f"{spec.guest}-{disk_identity(spec)}-disk.img"


def working_image(spec: DiskSpec, directory: Path | None = None,
                  quiet: bool = False, fresh: bool = False) -> Path:
    """The persistent image the guest boots: ``<directory>/<working_name(spec)>``, reset
    to the pristine image when the sources changed, when it is missing, or when
    ``fresh`` (``--fresh-disk``: the freshly built image becomes the new working copy).
    Without ``directory``: the cache directory, else ``.ringvm-cache/`` in the current
    directory. Raises :class:`UserError` if none can be written."""
    if directory is not None:
        return _working_image(spec, directory, quiet, fresh)
    first = None
    for base in cache_dirs():
        try:
            return _working_image(spec, base, quiet, fresh)
        except UserError as e:
            first = first or e
    raise first


def _working_image(spec: DiskSpec, directory: Path, quiet: bool, fresh: bool) -> Path:
    try:
        pristine, key = pristine_image(spec)
        work = directory / working_name(spec)
        stamp = directory / (work.name + ".key")
        old = stamp.read_text().strip() if stamp.is_file() else None
        if fresh or old != key or not work.is_file():
            directory.mkdir(parents=True, exist_ok=True)
            tmp = work.with_name(work.name + f".tmp{os.getpid()}")
            if pristine is not None:
                shutil.copyfile(pristine, tmp)
            else:
                tmp.write_bytes(build_image(spec))
            os.replace(tmp, work)
            tmp = stamp.with_name(stamp.name + f".tmp{os.getpid()}")
            tmp.write_text(key)
            os.replace(tmp, stamp)
            if old is not None and old != key and not quiet:
                print(f"ringvm: note: the sources changed: fresh disk image {work} "
                      f"(files from earlier boots are gone)", file=sys.stderr)
        return work
    except OSError as e:
        raise UserError(f"cannot build the disk image in {directory}: {e.strerror}") \
            from None
