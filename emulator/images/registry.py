"""Bundled guests: find them by name, read their ``guest.toml``, build their ELF.

A bundled guest is a directory under ``guests/`` with a ``guest.toml``::

    description = "one line shown by `ringvm guests`"
    entry = "main.s"            # the file to assemble, relative to the directory
    # optional machine defaults (command-line options override them):
    cpus = 2                    # --cpus
    ram = "64M"                 # --ram
    disk = "fs.img"             # --disk, relative to the directory; a bundled image is
                                # always attached in --snapshot mode (never modified)

or, instead of ``disk = "..."``, a disk image built from sources (:mod:`.rootdisk`)::

    [disk]
    programs = "../user"        # each NAME.s there (not lib/), assembled at useg 0x1000
                                # and stripped, becomes the file /NAME
    files = "../user/rootfs"    # a directory copied in recursively (README, ...)
    size = 4096                 # image size in 512-byte blocks (default 4096)
    inodes = 256                # number of inodes (default 256)

A guest is assembled with include paths ``[guest directory, guests/lib]`` through the
one build cache (:mod:`.cache`). ``guests/guests.toml`` may name the default guest:
``default = "name"``.

The guests directory is ``$RINGVM_GUESTS`` if set, else ``guests/`` of the installed
package (a wheel ships it as package data; in a source checkout it is the repository's
``guests/``).
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ringvm.errors import UserError

from . import cache

FALLBACK_DEFAULT = "hello"


@dataclass
class Guest:
    """A bundled guest: ``name``, one-line ``description``, its ``directory``, the
    ``entry`` source file (absolute path) and machine ``defaults`` from guest.toml
    (keys among "cpus" (int), "ram" (str or int), "disk" (absolute Path), "disk_build"
    (a :class:`ringvm.emulator.images.rootdisk.DiskSpec` from a ``[disk]`` table))."""
    name: str
    description: str
    directory: Path
    entry: Path
    defaults: dict = field(default_factory=dict)

    @property
    def include_paths(self) -> list[Path]:
        """Where the guest's ``.include`` files are searched: its directory, then
        ``guests/lib``."""
        return [self.directory, lib_dir()]


def guest_from_dir(directory: Path) -> Guest:
    """The guest described by ``directory/guest.toml``. Raises :class:`UserError` for a
    missing or bad file."""
    meta = directory / "guest.toml"
    data = _read_toml(meta)
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
        from .rootdisk import parse_disk_table
        defaults["disk_build"] = parse_disk_table(directory.name, directory, data["disk"],
                                                  meta)
    elif "disk" in data:
        defaults["disk"] = directory / str(data["disk"])
    return Guest(directory.name, str(data.get("description", "")).strip(), directory,
                 directory / data["entry"], defaults)


def guests_dir() -> Path:
    """The directory holding the bundled guests."""
    env = os.environ.get("RINGVM_GUESTS")
    return Path(env) if env else cache.PKG_ROOT / "guests"


def lib_dir() -> Path:
    """``guests/lib``: components shared by every guest (``ringvm.inc``, ``kprint.s``, ...)."""
    return guests_dir() / "lib"


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise UserError(f"{path}: {e}") from None


def list_guests() -> list[Guest]:
    """Every bundled guest, sorted by name. Raises :class:`UserError` for a bad
    ``guest.toml``."""
    root = guests_dir()
    if not root.is_dir():
        return []
    return [guest_from_dir(d) for d in sorted(root.iterdir())
            if (d / "guest.toml").is_file()]


def find_guest(name: str) -> Guest | None:
    """The bundled guest called ``name``, or None."""
    d = guests_dir() / name
    if name not in ("", ".", "..") and "/" not in name and os.sep not in name \
            and (d / "guest.toml").is_file():
        return guest_from_dir(d)
    return None


def default_guest_name() -> str:
    """``default`` from ``guests/guests.toml`` if present, else ``hello``."""
    meta = guests_dir() / "guests.toml"
    if meta.is_file():
        name = _read_toml(meta).get("default")
        if name:
            return str(name)
    return FALLBACK_DEFAULT


def build_guest(guest: Guest) -> bytes:
    """ELF bytes of ``guest``, from the build cache when its sources are unchanged.
    Raises :class:`UserError` for an assembly error."""
    return cache.assemble(guest.entry, guest.include_paths, name=guest.name)
