"""Bundled guests: find them, assemble them on the fly, cache the ELF.

A bundled guest is a directory under ``guests/`` with a ``guest.toml``::

    description = "one line shown by `ringvm guests`"
    entry = "main.s"            # the file to assemble, relative to the directory
    # optional machine defaults (command-line options override them):
    cpus = 2                    # --cpus
    ram = "64M"                 # --ram
    disk = "fs.img"             # --disk, relative to the directory; a bundled image is
                                # always attached in --snapshot mode (never modified)

or, instead of ``disk = "..."``, a disk image built from sources (ringvm.emulator.userland)::

    [disk]
    programs = "../user"        # each NAME.s there (not lib/), assembled at useg 0x1000
                                # and stripped, becomes the file /NAME
    files = "../user/rootfs"    # a directory copied in recursively (README, ...)
    size = 4096                 # image size in 512-byte blocks (default 4096)
    inodes = 256                # number of inodes (default 256)

The image is built once and cached; the guest boots a persistent working copy of it,
``<cache>/<guest>-disk.img``, which keeps the files created in it across boots and is
reset only when the sources change. ``--snapshot`` leaves it untouched; ``--disk IMG``
boots another image.

It is assembled with include paths ``[guest directory, guests/lib]``. The ELF is cached
under ``$RINGVM_CACHE``, else ``$XDG_CACHE_HOME/ringvm`` or ``~/.cache/ringvm``, else
``.ringvm-cache/`` in the current directory, keyed by a SHA-256 of every source file of
the guest and of ``guests/lib``, plus the assembler and the ISA table (so editing any of
them rebuilds). ``guests/guests.toml`` may name the default guest: ``default = "name"``.

The guests directory is ``$RINGVM_GUESTS`` if set, else ``guests/`` of the source tree.
"""
from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ringvm.errors import UserError

_PKG_ROOT = Path(__file__).resolve().parent.parent
FALLBACK_DEFAULT = "hello"


@dataclass
class Guest:
    """A bundled guest: ``name``, one-line ``description``, its ``directory``, the
    ``entry`` source file (absolute path) and machine ``defaults`` from guest.toml
    (keys among "cpus" (int), "ram" (str or int), "disk" (absolute Path), "disk_build"
    (a :class:`ringvm.emulator.userland.DiskSpec` from a ``[disk]`` table))."""
    name: str
    description: str
    directory: Path
    entry: Path
    defaults: dict = field(default_factory=dict)


def _guest_from(directory: Path, data: dict, meta: Path) -> Guest:
    if "entry" not in data:
        raise UserError(f"{meta}: missing 'entry'")
    defaults = {}
    if "cpus" in data:
        if not isinstance(data["cpus"], int):
            raise UserError(f"{meta}: 'cpus' must be an integer")
        defaults["cpus"] = data["cpus"]
    if "ram" in data:
        defaults["ram"] = data["ram"]
    if isinstance(data.get("disk"), dict):
        from .userland import parse_disk_table
        defaults["disk_build"] = parse_disk_table(directory.name, directory, data["disk"],
                                                  meta)
    elif "disk" in data:
        defaults["disk"] = directory / str(data["disk"])
    return Guest(directory.name, str(data.get("description", "")).strip(), directory,
                 directory / data["entry"], defaults)


def guests_dir() -> Path:
    """The directory holding the bundled guests."""
    env = os.environ.get("RINGVM_GUESTS")
    return Path(env) if env else _PKG_ROOT / "guests"


def lib_dir() -> Path:
    """``guests/lib``: sources shared by every guest (``ringvm.inc``, ``kprint.s``)."""
    return guests_dir() / "lib"


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise UserError(f"{path}: {e}") from None


def list_guests() -> list[Guest]:
    """Every bundled guest, sorted by name. Raises :class:`UserError` for a bad
    ``guest.toml``."""
    root = guests_dir()
    out = []
    if not root.is_dir():
        return out
    for d in sorted(root.iterdir()):
        meta = d / "guest.toml"
        if not meta.is_file():
            continue
        out.append(_guest_from(d, _read_toml(meta), meta))
    return out


def find_guest(name: str) -> Guest | None:
    """The bundled guest called ``name``, or None."""
    for g in list_guests():
        if g.name == name:
            return g
    return None


def default_guest_name() -> str:
    """``default`` from ``guests/guests.toml`` if present, else ``hello``."""
    meta = guests_dir() / "guests.toml"
    if meta.is_file():
        name = _read_toml(meta).get("default")
        if name:
            return str(name)
    return FALLBACK_DEFAULT


def cache_dir() -> Path:
    """Where assembled guests are cached (created on demand)."""
    env = os.environ.get("RINGVM_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "ringvm"


def _hash_tree(h, root: Path, label: str, suffixes=None) -> None:
    if not root.is_dir():
        return
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and (
                suffixes is None or p.suffix in suffixes):
            h.update(f"{label}/{p.relative_to(root).as_posix()}\0".encode())
            h.update(p.read_bytes())
            h.update(b"\0")


def source_hash(guest: Guest) -> str:
    """SHA-256 (hex) of the guest's sources, guests/lib, the assembler and the ISA."""
    h = hashlib.sha256(b"ringvm-guest-cache 1\0")
    _hash_tree(h, guest.directory, "guest")
    _hash_tree(h, lib_dir(), "lib")
    _hash_tree(h, _PKG_ROOT / "assembler", "asm", {".py", ".lark"})
    isa = _PKG_ROOT / "isa" / "ringvm.toml"
    if isa.is_file():
        h.update(isa.read_bytes())
    return h.hexdigest()


def assemble_source(path: Path, include_paths: list[Path]) -> bytes:
    """Assemble ``path`` into ELF bytes (``ringvm.assembler.assemble_file``). Assembly
    errors propagate as :class:`UserError` (the assembler's report)."""
    try:
        from ringvm.assembler import assemble_file
    except ImportError:
        raise UserError("the assembler is not available (ringvm.assembler.assemble_file)") \
            from None
    return assemble_file(str(path), [str(p) for p in include_paths])


def build_guest(guest: Guest) -> bytes:
    """ELF bytes of a bundled guest, from the cache when its sources are unchanged."""
    key = source_hash(guest)
    for base in (cache_dir(), Path.cwd() / ".ringvm-cache"):
        cached = base / f"{guest.name}-{key[:24]}.elf"
        if cached.is_file():
            try:
                return cached.read_bytes()
            except OSError:
                pass
    elf = assemble_source(guest.entry, [guest.directory, lib_dir()])
    if source_hash(guest) != key:
        return elf   # a source changed while assembling: never cache under a stale key
    for base in (cache_dir(), Path.cwd() / ".ringvm-cache"):
        try:
            base.mkdir(parents=True, exist_ok=True)
            cached = base / f"{guest.name}-{key[:24]}.elf"
            tmp = cached.with_suffix(f".tmp{os.getpid()}")
            tmp.write_bytes(elf)
            os.replace(tmp, cached)
            break
        except OSError:
            continue
    return elf


def guest_defaults(spec: str | None) -> dict:
    """Machine defaults for ``spec`` (a bundled guest name or guest directory; None:
    the default guest): see :class:`Guest`. ``{}`` for .s and ELF files."""
    if spec is None:
        spec = default_guest_name()
    path = Path(spec)
    if "/" not in spec and os.sep not in spec and "." not in spec:
        g = find_guest(spec)
        if g is not None:
            return dict(g.defaults)
    if path.is_dir() and (path / "guest.toml").is_file():
        return dict(_guest_from(path, _read_toml(path / "guest.toml"),
                                path / "guest.toml").defaults)
    return {}


def resolve(spec: str | None) -> tuple[str, bytes]:
    """Turn the ``GUEST`` argument into ``(display name, ELF bytes)``.

    ``spec`` is a bundled guest name, a path to a ``.s`` file (assembled with include
    paths [its directory, guests/lib]) or a path to an ELF file; None means the default
    guest. Raises :class:`UserError` if it is none of these.
    """
    if spec is None:
        spec = default_guest_name()
    path = Path(spec)
    plain_name = "/" not in spec and os.sep not in spec and "." not in spec
    if plain_name:                       # a bundled guest name wins over a local file
        g = find_guest(spec)
        if g is not None:
            return g.name, build_guest(g)
        if not path.exists():
            names = ", ".join(x.name for x in list_guests()) or "none"
            raise UserError(f"no guest called {spec!r} (bundled guests: {names}; "
                            f"or give a path to a .s or ELF file)")
    if not path.exists():
        raise UserError(f"{spec!r}: no such file")
    if path.is_dir():
        if (path / "guest.toml").is_file():
            g = _guest_from(path, _read_toml(path / "guest.toml"), path / "guest.toml")
            return g.name, assemble_source(g.entry, [g.directory, lib_dir()])
        raise UserError(f"{spec!r} is a directory, not a guest")
    if path.suffix.lower() == ".s":
        return path.name, assemble_source(path, [path.resolve().parent, lib_dir()])
    try:
        return path.name, path.read_bytes()
    except OSError as e:
        raise UserError(f"cannot read {spec!r}: {e.strerror}") from None
