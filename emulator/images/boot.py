"""The single path from a guest spec to a running Machine, used by ``ringvm boot``,
``ringvm debug``, ``ringvm grade`` and the benchmarks.

A *guest spec* (the ``GUEST`` argument) is a bundled guest name (``ringvm guests``), a
guest directory (holding a ``guest.toml``), a ``.s`` file (assembled with include paths
[its directory, guests/lib]) or an ELF file; None means the default guest.
:func:`resolve` turns it into a :class:`BootImage`; :func:`machine_for` builds the
Machine for an image and the user's :class:`MachineOptions`, filling every option the
user left out from the guest's ``guest.toml`` defaults and then the machine's.

Typical use::

    image = resolve("monolithic")
    with machine_for(image, MachineOptions(engine="python"), console) as m:
        result = m.run(max_steps=10_000_000)
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ringvm.errors import UserError
from ringvm.isa import ISA

from ..engine import MachineConfig
from ..machine import DEFAULT_RAM, Console, Machine, parse_size
from . import cache
from .registry import (Guest, build_guest, default_guest_name, find_guest, guest_from_dir,
                       lib_dir, list_guests)


@dataclass
class BootImage:
    """What a guest spec names: the display ``name``, the kernel's ``elf`` bytes and,
    for a bundled guest or guest directory, the :class:`Guest` (whose ``defaults`` give
    CPUs, RAM and the disk); ``guest`` is None for a ``.s`` or ELF file."""
    name: str
    elf: bytes
    guest: Guest | None = None

    @property
    def defaults(self) -> dict:
        """Machine defaults from guest.toml (see :class:`Guest`); {} for a bare file."""
        return dict(self.guest.defaults) if self.guest else {}

    def default_disk(self) -> tuple[str | None, bool]:
        """``(image path, snapshot)`` the guest boots when no ``--disk`` is given: a
        bundled image file in snapshot mode (never modified), the persistent working
        copy of an image built from sources, or no disk. Raises :class:`UserError` if
        the image cannot be built."""
        d = self.defaults
        if "disk" in d:
            return str(d["disk"]), True
        if "disk_build" in d:
            from .rootdisk import working_image
            return str(working_image(d["disk_build"])), False
        return None, False


def _is_plain_name(spec: str) -> bool:
    return "/" not in spec and os.sep not in spec and "." not in spec


def resolve(spec: str | None) -> BootImage:
    """The :class:`BootImage` for a guest spec (see the module docstring). Raises
    :class:`UserError` if it names nothing, or for an assembly error."""
    if spec is None:
        spec = default_guest_name()
    path = Path(spec)
    if _is_plain_name(spec):                 # a bundled guest name wins over a local file
        g = find_guest(spec)
        if g is not None:
            return BootImage(g.name, build_guest(g), g)
        if not path.exists():
            names = ", ".join(x.name for x in list_guests()) or "none"
            raise UserError(f"no guest called {spec!r} (bundled guests: {names}; "
                            f"or give a path to a .s or ELF file)")
    if not path.exists():
        raise UserError(f"{spec!r}: no such file")
    if path.is_dir():
        if (path / "guest.toml").is_file():
            g = guest_from_dir(path.resolve())
            return BootImage(g.name, build_guest(g), g)
        raise UserError(f"{spec!r} is a directory, not a guest")
    if path.suffix.lower() == ".s":
        return BootImage(path.name, cache.assemble(path, [path.resolve().parent, lib_dir()]))
    try:
        return BootImage(path.name, path.read_bytes())
    except OSError as e:
        raise UserError(f"cannot read {spec!r}: {e.strerror}") from None


@dataclass
class MachineOptions:
    """The machine a user asked for; None means "the guest's default, else the
    machine's". ``ram``: bytes or a size string ("64M"). ``disk``: an image path
    (``False``: no disk even if the guest has one). ``snapshot``: keep disk writes in
    memory. ``disk_overlay``: sectors already written in snapshot mode (sector -> 512
    bytes), as :meth:`Machine.disk_overlay` returns them — how a multi-boot grading test
    hands one boot's disk to the next."""
    engine: str = "auto"
    ncpus: int | None = None
    ram: int | str | None = None
    tlb_entries: int | None = None
    disk: str | os.PathLike | bool | None = None
    snapshot: bool = False
    disk_overlay: dict | None = field(default=None, repr=False)


def machine_config(image: BootImage, opts: MachineOptions) -> MachineConfig:
    """The :class:`MachineConfig` for ``image`` under ``opts`` (validated by the
    Machine). Raises :class:`UserError` for a bad RAM size."""
    d = image.defaults
    tlb = opts.tlb_entries if opts.tlb_entries is not None \
        else ISA.machine["tlb_entries_default"]
    return MachineConfig(ram_size=parse_size(opts.ram if opts.ram is not None
                                             else d.get("ram", DEFAULT_RAM)),
                         ncpus=opts.ncpus if opts.ncpus is not None else d.get("cpus", 1),
                         tlb_entries=tlb)


def disk_for(image: BootImage, opts: MachineOptions) -> tuple[str | None, bool]:
    """``(image path or None, snapshot)`` for ``image`` under ``opts``."""
    if opts.disk is False:
        return None, False
    if opts.disk is not None:
        return os.fspath(opts.disk), opts.snapshot
    path, forced = image.default_disk()
    return path, forced or opts.snapshot


def machine_for(image: BootImage, opts: MachineOptions | None = None,
                console: Console | None = None) -> Machine:
    """A new Machine with ``image`` loaded and CPU 0 at its entry. ``console``: the host
    side of the UART (default: no input, output captured). Close it (or use it as a
    context manager). Raises :class:`UserError` for a bad option, disk or image."""
    opts = opts or MachineOptions()
    config = machine_config(image, opts)
    disk, snapshot = disk_for(image, opts)
    m = Machine(config, opts.engine, disk=disk, disk_snapshot=snapshot, console=console,
                disk_overlay=opts.disk_overlay)
    try:
        m.load_elf(image.elf)
    except BaseException:
        m.close()
        raise
    return m
