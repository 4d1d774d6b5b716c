"""The single path from a guest spec to a running Machine, used by ``ringvm boot``,
``ringvm debug``, ``ringvm grade`` and the benchmarks.

A *guest spec* (the ``GUEST`` argument) is a bundled guest name (``ringvm guests``), a
guest directory (holding a ``guest.toml``), a ``.s`` file (assembled with include paths
[its directory, guests/lib]) or an ELF file; None means the default guest.
:func:`resolve` turns it into a :class:`BootImage` (the kernel ELF and its boot
modules); :func:`machine_for` builds the Machine for an image and the user's
:class:`MachineOptions`, filling every option the user left out from the guest's
``guest.toml`` and then from the machine's defaults.

Typical use::

    image = resolve("monolithic")
    with machine_for(image, MachineOptions(engine="python"), console) as m:
        result = m.run(max_steps=10_000_000)
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ringvm.errors import UserError
from ringvm.isa import ISA

from ..engine import MachineConfig
from ..machine import DEFAULT_RAM, Console, Machine, Module, parse_count, parse_size
from . import cache
from .registry import (Guest, ModuleSource, build_guest, default_guest_name, find_guest,
                       guest_from_dir, lib_dir, list_guests)


@dataclass
class BootImage:
    """What a guest spec names: the display ``name``, the kernel's ``elf`` bytes, its
    boot ``modules`` (:class:`~ringvm.emulator.machine.Module`, from guest.toml and
    ``--module``) and, for a bundled guest or guest directory, the :class:`Guest` (its
    CPUs, RAM and disks); ``guest`` is None for a ``.s`` or ELF file."""
    name: str
    elf: bytes
    guest: Guest | None = None
    modules: list[Module] = field(default_factory=list)

    def default_disks(self) -> tuple[list[str], bool]:
        """``(image paths, snapshot)`` the guest boots when no ``--disk`` is given:
        bundled image files (snapshot mode: never modified), the persistent working
        copies of images built from sources, or none. Raises :class:`UserError` if an
        image cannot be built."""
        from .rootdisk import working_image
        paths, snapshot = [], False
        for d in (self.guest.disks if self.guest else []):
            if d.image is not None:
                paths.append(str(d.image))
                snapshot = True
            else:
                paths.append(str(working_image(d.build)))
        return paths, snapshot


def _is_plain_name(spec: str) -> bool:
    return "/" not in spec and os.sep not in spec and "." not in spec


def resolve(spec: str | None, *, options=(), defines: dict[str, int] | None = None,
            modules=()) -> BootImage:
    """The :class:`BootImage` for a guest spec (see the module docstring), built with
    the guest's named ``options`` and extra ``defines`` (-D), and with the guest's
    modules followed by ``modules`` (:class:`ModuleSource` list, e.g. from
    :func:`parse_module_arg`). Raises :class:`UserError` if it names nothing, for an
    assembly error, or for a module that cannot be built."""
    if spec is None:
        spec = default_guest_name()
    path = Path(spec)
    guest = None
    if _is_plain_name(spec):                 # a bundled guest name wins over a local file
        guest = find_guest(spec)
        if guest is None and not path.exists():
            names = ", ".join(x.name for x in list_guests()) or "none"
            raise UserError(f"no guest called {spec!r} (bundled guests: {names}; "
                            f"or give a path to a .s or ELF file)")
    if guest is None and not path.exists():
        raise UserError(f"{spec!r}: no such file")
    if guest is None and path.is_dir():
        if not (path / "guest.toml").is_file():
            raise UserError(f"{spec!r} is a directory, not a guest")
        guest = guest_from_dir(path.resolve())
    if guest is not None:
        image = BootImage(guest.name, build_guest(guest, options, defines), guest)
        sources = list(guest.modules) + list(modules)
    else:
        if options:
            raise UserError(f"--option needs a guest with a guest.toml ({spec!r} is a file)")
        if path.suffix.lower() == ".s":
            elf = cache.assemble(path, [path.resolve().parent, lib_dir()], defines=defines)
        else:
            try:
                elf = path.read_bytes()
            except OSError as e:
                raise UserError(f"cannot read {spec!r}: {e.strerror}") from None
        image = BootImage(path.name, elf)
        sources = list(modules)
    image.modules = [build_module(m, image.guest) for m in sources]
    return image


def build_module(src: ModuleSource, guest: Guest | None = None) -> Module:
    """The :class:`Module` for a module source: its ``file`` read, its ``source``
    assembled (include paths: its directory, ``include``, guests/lib), or the ELF of
    bundled ``guest``. Raises :class:`UserError`."""
    if src.source is not None:
        inc = [src.source.resolve().parent, *src.include, lib_dir()]
        data = cache.assemble(src.source, inc, base=src.base, name=src.name)
    elif src.guest is not None:
        g = find_guest(src.guest)
        if g is None:
            raise UserError(f"module {src.name}: no bundled guest called {src.guest!r}")
        data = build_guest(g)
    else:
        try:
            data = Path(src.file).read_bytes()
        except OSError as e:
            raise UserError(f"module {src.name}: cannot read {str(src.file)!r}: "
                            f"{e.strerror}") from None
    return Module(src.name, data, src.addr)


_MODULE_RE = re.compile(r"^([^=@]+)=(.+?)(?:@(\w+))?$")


def parse_module_arg(text: str) -> ModuleSource:
    """``NAME=FILE_OR_GUEST[@ADDR]`` (the ``--module`` option) as a
    :class:`ModuleSource`: an existing file (a ``.s`` file is assembled), else a bundled
    guest's name. Raises :class:`UserError` for a malformed argument or a name that is
    neither."""
    m = _MODULE_RE.match(text)
    if not m:
        raise UserError(f"--module {text!r}: expected NAME=FILE_OR_GUEST[@ADDR]")
    name, what, addr = m.group(1), m.group(2), m.group(3)
    src = ModuleSource(name)
    if addr is not None:
        src.addr = parse_count(addr, f"--module {name}: address", lo=0)
    p = Path(what)
    if p.is_file():
        if p.suffix.lower() == ".s":
            src.source = p
        else:
            src.file = p
    elif _is_plain_name(what) and find_guest(what) is not None:
        src.guest = what
    else:
        raise UserError(f"--module {name}: {what!r} is neither a file nor a bundled guest")
    return src


@dataclass
class MachineOptions:
    """The machine a user asked for; None means "the guest's default, else the
    machine's". ``ram``: bytes or a size string ("64M"). ``disks``: image paths (None:
    the guest's disks; ``[]``: no disk). ``snapshot``: keep disk writes in memory.
    ``disk_overlays``: sectors already written in snapshot mode, one dict per disk, as
    :meth:`Machine.disk_overlays` returns them — how a multi-boot grading test hands
    one boot's disks to the next. ``nic``: the network interface's backend
    (``"loopback"``; None: the guest's ``nic``, else none; ``"none"``: no NIC)."""
    engine: str = "auto"
    ncpus: int | None = None
    ram: int | str | None = None
    tlb_entries: int | None = None
    disks: list | None = None
    snapshot: bool = False
    disk_overlays: list | None = field(default=None, repr=False)
    nic: str | None = None


def machine_config(image: BootImage, opts: MachineOptions) -> MachineConfig:
    """The :class:`MachineConfig` for ``image`` under ``opts`` (validated by the
    Machine). Raises :class:`UserError` for a bad RAM size."""
    g = image.guest
    ram = opts.ram if opts.ram is not None else (g.ram if g and g.ram else DEFAULT_RAM)
    ncpus = opts.ncpus if opts.ncpus is not None else (g.cpus if g and g.cpus else 1)
    tlb = opts.tlb_entries if opts.tlb_entries is not None \
        else ISA.machine["tlb_entries_default"]
    return MachineConfig(ram_size=parse_size(ram), ncpus=ncpus, tlb_entries=tlb)


def disks_for(image: BootImage, opts: MachineOptions) -> tuple[list[str], bool]:
    """``(image paths, snapshot)`` for ``image`` under ``opts``."""
    if opts.disks is not None:
        return [os.fspath(d) for d in opts.disks], opts.snapshot
    paths, forced = image.default_disks()
    return paths, forced or opts.snapshot


def nic_for(image: BootImage, opts: MachineOptions) -> list:
    """The NIC device ``opts`` (or else the guest) asks for, as a device list. Raises
    :class:`UserError` for an unknown backend."""
    from ..devices import NIC_BACKENDS, NicDevice
    kind = opts.nic if opts.nic is not None else (image.guest.nic if image.guest else None)
    if kind in (None, "none"):
        return []
    if kind not in NIC_BACKENDS:
        raise UserError(f"--nic {kind!r}: one of {', '.join(NIC_BACKENDS)} or none")
    return [NicDevice(kind)]


def machine_for(image: BootImage, opts: MachineOptions | None = None,
                console: Console | None = None) -> Machine:
    """A new Machine with ``image`` (kernel and modules) loaded and CPU 0 at its entry.
    ``console``: the host side of the UART (default: no input, output captured). Close
    it (or use it as a context manager). Raises :class:`UserError` for a bad option,
    disk, image or module."""
    opts = opts or MachineOptions()
    config = machine_config(image, opts)
    disks, snapshot = disks_for(image, opts)
    m = Machine(config, opts.engine, disk=disks, disk_snapshot=snapshot, console=console,
                disk_overlays=opts.disk_overlays, devices=nic_for(image, opts))
    try:
        m.load_elf(image.elf, image.modules)
    except BaseException:
        m.close()
        raise
    return m
