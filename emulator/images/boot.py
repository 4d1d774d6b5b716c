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
from .cache import assemble
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

    #: set by :func:`resolve` when a ``.s`` or ELF file was recognised as the entry
    #: file of ``guest`` (item: ``ringvm boot guests/monolithic/main.s`` gets the disk)
    note: str = ""

    def default_disks(self, fresh: bool = False,
                      pristine: bool = False) -> tuple[list[str], bool]:
        """``(image paths, snapshot)`` the guest boots when no ``--disk`` is given:
        bundled image files (snapshot mode: never modified), the persistent working
        copies of images built from sources (``fresh``: reset to the built image
        first; ``pristine``: the built images themselves, in snapshot mode — what
        tests, the grader and compare boot, untouched by anyone's earlier sessions),
        or none. Raises :class:`UserError` if an image cannot be built."""
        from .rootdisk import build_image, pristine_image, working_image
        paths, snapshot = [], pristine
        for d in (self.guest.disks if self.guest else []):
            if d.image is not None:
                paths.append(str(d.image))
                snapshot = True
            elif pristine:
                path, _key = pristine_image(d.build)
                if path is None:                  # no writable cache: a temporary copy
                    import tempfile
                    f = tempfile.NamedTemporaryFile(suffix=".img", delete=False)
                    f.write(build_image(d.build))
                    f.close()
                    path = f.name
                paths.append(str(path))
            else:
                paths.append(str(working_image(d.build, fresh=fresh)))
        return paths, snapshot

    @property
    def builds_disk(self) -> bool:
        """Whether the guest boots a working copy of a disk built from sources."""
        return bool(self.guest) and any(d.build is not None for d in self.guest.disks)


def _is_plain_name(spec: str) -> bool:
    return "/" not in spec and os.sep not in spec and "." not in spec


def resolve(spec: str | None, *, options=(), defines: dict[str, int] | None = None,
            modules=(), entry_as_guest: bool = True) -> BootImage:
    """The :class:`BootImage` for a guest spec (see the module docstring), built with
    the guest's named ``options`` and extra ``defines`` (-D), and with the guest's
    modules followed by ``modules`` (:class:`ModuleSource` list, e.g. from
    :func:`parse_module_arg`; one named like a guest's module replaces it). A ``.s`` or ELF file that is a guest's entry file boots
    as that guest (its disks and modules too) unless ``entry_as_guest`` is False (then
    exactly the file and ``modules``). Raises :class:`UserError` if it names nothing,
    for an assembly error, or for a module that cannot be built."""
    if spec is None:
        spec = default_guest_name()
    path = Path(spec)
    guest = None
    if _is_plain_name(spec):                 # a bundled guest name wins over a local file
        guest = find_guest(spec)
        if guest is None and not path.exists():
            from ringvm.errors import did_you_mean
            known = [x.name for x in list_guests()]
            close = did_you_mean(spec, known)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise UserError(f"no guest called {spec!r} ({hint}bundled guests: "
                            f"{', '.join(known) or 'none'}; or give a path to a .s or ELF "
                            f"file)")
    if guest is None and not path.exists():
        raise UserError(f"{spec!r}: no such file")
    if guest is None and path.is_dir():
        if not (path / "guest.toml").is_file():
            raise UserError(f"{spec!r} is a directory, not a guest")
        guest = guest_from_dir(path.resolve())
    if guest is not None:
        image = BootImage(guest.name, build_guest(guest, options, defines), guest)
        sources = _with_modules(guest.modules, modules)
    else:
        owner = guest_of_file(path) if entry_as_guest else None
        if owner is not None:
            if path.suffix.lower() == ".s":
                image = BootImage(owner.name, build_guest(owner, options, defines), owner)
            else:
                image = BootImage(owner.name, path.read_bytes(), owner)
            what = "is" if path.suffix.lower() == ".s" else "was built from"
            image.note = (f"ringvm: note: {spec} {what} the entry file of the guest in "
                          f"{owner.directory}: booting it with that guest's disks and "
                          f"modules (same as `ringvm boot {owner.directory}`)")
            image.modules = [build_module(m, owner)
                             for m in _with_modules(owner.modules, modules)]
            return image
        if options:
            raise UserError(f"--option needs a guest with a guest.toml ({spec!r} is a file)")
        if path.suffix.lower() == ".s":
            elf = assemble(path, [path.resolve().parent, lib_dir()], defines=defines)
        else:
            try:
                elf = path.read_bytes()
            except OSError as e:
                raise UserError(f"cannot read {spec!r}: {e.strerror}") from None
        image = BootImage(path.name, elf)
        sources = list(modules)
    image.modules = [build_module(m, image.guest) for m in sources]
    return image


def _with_modules(own, given) -> list:
    """A guest's ``own`` modules with the ``given`` ones after them; a given module
    named like one of its own takes its place."""
    names = {m.name for m in given}
    return [m for m in own if m.name not in names] + list(given)


def guest_of_file(path: Path) -> Guest | None:
    """The guest whose entry file ``path`` is: a ``.s`` file next to a ``guest.toml``
    naming it as ``entry``, or an ELF whose line table's first source file is such an
    entry (``ringvm asm guests/monolithic/main.s -o k.elf``). None otherwise (also for
    unreadable files and bad guest.toml files: the plain file is booted)."""
    try:
        if path.suffix.lower() == ".s":
            files = [path.resolve()]
        else:
            from ringvm.assembler.elf import read_elf
            elf = read_elf(path.read_bytes())
            files = list(dict.fromkeys(Path(f).resolve() for _a, f, _ln in elf.lines))
        for src in files:
            if (src.parent / "guest.toml").is_file():
                g = guest_from_dir(src.parent)
                if g.entry.resolve() == src:
                    return g
        return None
    except Exception:   # noqa: BLE001 — not recognised: boot the plain file
        return None


def no_disk_hint(image: BootImage, path: str | None) -> str:
    """A hint for a plain ``.s``/ELF booted without a disk whose folder holds a guest
    (the kernel may need that guest's disk): how to attach one. "" when none applies."""
    if image.guest is not None or not path:
        return ""
    d = Path(path).resolve().parent
    if (d / "guest.toml").is_file():
        return (f"ringvm: note: no disk attached; to boot with the disk of the guest in "
                f"{d}, boot the folder (`ringvm boot {d}`) or give --disk IMG")
    return ""


def build_module(src: ModuleSource, guest: Guest | None = None) -> Module:
    """The :class:`Module` for a module source: its ``file`` read, its ``source``
    assembled (include paths: its directory, ``include``, guests/lib), or the ELF of
    bundled ``guest``. Raises :class:`UserError`."""
    if src.source is not None:
        inc = [src.source.resolve().parent, *src.include, lib_dir()]
        data = assemble(src.source, inc, base=src.base, name=src.name,
                              defines=src.defines or None)
    elif src.guest is not None:
        g = find_guest(src.guest)
        if g is None:
            raise UserError(f"module {src.name}: no bundled guest called {src.guest!r}")
        data = build_guest(g, defines=src.defines or None)
    else:
        try:
            data = Path(src.file).read_bytes()
        except OSError as e:
            raise UserError(f"module {src.name}: cannot read {str(src.file)!r}: "
                            f"{e.strerror}") from None
    return Module(src.name, data, src.addr, linked=src.linked)


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
    one boot's disks to the next. ``fresh_disk``: reset the guest's working disk to
    its built image first (``--fresh-disk``). ``pristine``: boot the guest's built
    disk images themselves in snapshot mode, never the working copies (tests, the
    grader and compare: no earlier session can change what they see). ``nic``: the
    network interface's backend
    (``"loopback"``; None: the guest's ``nic``, else none; ``"none"``: no NIC)."""
    engine: str = "auto"
    ncpus: int | None = None
    ram: int | str | None = None
    tlb_entries: int | None = None
    disks: list | None = None
    snapshot: bool = False
    disk_overlays: list | None = field(default=None, repr=False)
    fresh_disk: bool = False
    pristine: bool = False
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
        if opts.fresh_disk:
            raise UserError("--fresh-disk resets the guest's own disk; it cannot be "
                            "given with --disk")
        return [os.fspath(d) for d in opts.disks], opts.snapshot
    if opts.fresh_disk and not image.builds_disk:
        raise UserError(f"--fresh-disk: {image.name} has no disk built from sources")
    paths, forced = image.default_disks(fresh=opts.fresh_disk, pristine=opts.pristine)
    return paths, forced or opts.snapshot


def disk_banner(image: BootImage, opts: MachineOptions) -> list[str]:
    """One line per disk the machine will boot (``ringvm boot`` prints them on stderr):
    which file, and what happens to writes. Call after :func:`machine_for` (the working
    copy exists then). Raises :class:`UserError` like :func:`disks_for`."""
    opts = MachineOptions(**{**opts.__dict__, "fresh_disk": False})
    paths, snapshot = disks_for(image, opts)
    out = []
    for i, p in enumerate(paths):
        name = "disk" + (str(i) if i else "")
        if opts.disks is None and image.guest and image.guest.disks[i].build is not None:
            how = (f"working copy of {image.guest.name}'s built disk; writes are "
                   + ("kept in memory: --snapshot" if snapshot else
                      "kept across boots; --fresh-disk resets it"))
        else:
            how = "writes kept in memory" if snapshot else "writes go to the file"
        out.append(f"ringvm: {name}: {p} ({how})")
    return out


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
