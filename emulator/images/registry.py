"""Bundled guests: find them by name, read their ``guest.toml``, build their ELF.

A bundled guest is a directory under ``guests/`` with a ``guest.toml``::

    description = "one line shown by `ringvm guests`"
    structure = "monolithic"    # the kernel structure it is (DESIGN.md's concept map)
    concept = "monolithic kernel (xv6)"   # the seed concept it embodies
    entry = "main.s"            # the file to assemble, relative to the directory
    runs_as = ["bare"]          # where it can run: bare metal, or as a guest of a
                                # hypervisor ("hvm", "pv")
    # machine defaults (command-line options override them):
    cpus = 2                    # --cpus
    ram = "64M"                 # --ram
    nic = "loopback"            # --nic: a network interface (ISA.md §9) and its backend

    [build]
    defines = { NBUF = 32 }     # -D NAME=VALUE for the entry file
    [options.flexsc]            # a named build option: `ringvm boot GUEST --option flexsc`
    description = "exception-less system calls"
    defines = { FLEXSC = 1 }

    disk = "fs.img"             # a disk image, relative to the directory; a bundled
                                # image is always attached in --snapshot mode
    [disk]                      # or a disk built from sources (:mod:`.rootdisk`):
    programs = "../user"        #   each NAME.s there (not lib/) becomes the file /NAME
    files = "../user/rootfs"    #   a directory copied in recursively (README, ...)
    size = 4096                 #   blocks of 512 bytes (default 4096)
    inodes = 256                #   number of inodes (default 256)
    # several disks (disk, disk1, ...): `[[disk]]` tables, each { image = "x.img" } or
    # built as above, or `disk = ["a.img", "b.img"]`

    [[module]]                  # a boot module (ISA.md §11), in the order given:
    name = "fs"                 #   its name in the boot-info page (1-15 characters)
    source = "servers/fs.s"     #   assembled (include paths: its directory, `include`,
    base = 0x1000               #   guests/lib) at `base` (default: the kernel base), or
    # guest = "monolithic"      #   the ELF of a bundled guest, or
    # file = "data.bin"         #   a file as it is (an ELF is placed as its image)
    addr = 0x00400000           #   optional fixed physical address
    # linked = true             #   or: an ELF placed at its own link addresses, like
                                #   the kernel (another kernel's image; no addr)
    defines = { PV = 1 }        #   optional -D for a `source` or `guest` module

    [workload]                  # how `ringvm compare` runs the portable workload here
    command = "workload"        #   the line typed at its console (" quick" appended for
                                #   the short form); no [workload]: compare skips it
    tag = "vm1| "               #   only lines starting so are the workload's (stripped)
    hosts = "hvm"               #   a hypervisor: it runs, as module `module`, every
    module = "vm1"              #   guest whose runs_as has this mode (row "GUEST@NAME")
    variants = ["mach"]         #   build options compared as rows of their own

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

from .cache import assemble
from .cache import guests_dir, lib_dir

FALLBACK_DEFAULT = "hello"
RUNS_AS = ("bare", "hvm", "pv")
_GUEST_KEYS = {"description", "structure", "concept", "entry", "runs_as", "cpus", "ram",
               "build", "options", "disk", "module", "nic", "workload"}


@dataclass
class DiskSource:
    """Where a guest's disk comes from: a bundled ``image`` file (attached read-only,
    in snapshot mode), or ``build``, a :class:`~.rootdisk.DiskSpec` built from sources
    and booted as a persistent working copy."""
    image: Path | None = None
    build: object = None


@dataclass
class ModuleSource:
    """A ``[[module]]`` of a guest.toml (or a ``--module``): ``name`` and one of
    ``source`` (a .s file, assembled at ``base`` with ``include`` paths), ``guest`` (a
    bundled guest's ELF) or ``file`` (bytes as they are); ``addr``: fixed physical
    address or None; ``linked``: an ELF placed at its own physical addresses;
    ``defines``: -D for a ``source`` or ``guest`` module."""
    name: str
    source: Path | None = None
    guest: str | None = None
    file: Path | None = None
    base: int | None = None
    include: list[Path] = field(default_factory=list)
    addr: int | None = None
    linked: bool = False
    defines: dict[str, int] = field(default_factory=dict)


@dataclass
class WorkloadSpec:
    """A guest's ``[workload]`` table: the console ``command`` that runs the portable
    workload (guests/user/workload.s), the ``tag`` its lines carry (a hypervisor's VM
    console), and, for a hypervisor, the ``hosts`` mode (one of :data:`RUNS_AS`) of the
    guests it can run and the boot ``module`` that holds such a guest's image;
    ``variants``: build options (of ``[options.NAME]``) compared as rows of their own."""
    command: str
    tag: str = ""
    hosts: str | None = None
    module: str | None = None
    variants: tuple[str, ...] = ()


@dataclass
class Guest:
    """A bundled guest (or a guest directory): what its ``guest.toml`` says. ``entry``
    is the absolute path of the source to assemble; ``defines`` its build defines;
    ``options`` named sets of defines (name -> (description, defines)); ``cpus``/``ram``
    machine defaults (None: the machine's); ``nic`` the network interface's backend or
    None; ``disks`` and ``modules`` in order; ``workload`` how ``ringvm compare`` runs
    the portable workload on it (None: it does not)."""
    name: str
    description: str
    directory: Path
    entry: Path
    structure: str = ""
    concept: str = ""
    runs_as: tuple[str, ...] = ("bare",)
    cpus: int | None = None
    ram: str | int | None = None
    nic: str | None = None
    defines: dict[str, int] = field(default_factory=dict)
    options: dict[str, tuple[str, dict[str, int]]] = field(default_factory=dict)
    disks: list[DiskSource] = field(default_factory=list)
    modules: list[ModuleSource] = field(default_factory=list)
    workload: WorkloadSpec | None = None

    @property
    def include_paths(self) -> list[Path]:
        """Where the guest's ``.include`` files are searched: its directory, then
        ``guests/lib``."""
        return [self.directory, lib_dir()]


def _defines(value, where: str) -> dict[str, int]:
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
            for k, v in value.items()):
        raise UserError(f"{where}: defines must be a table of NAME = integer")
    return dict(value)


def _disks(directory: Path, value, meta: Path) -> list[DiskSource]:
    from .rootdisk import parse_disk_table
    items = value if isinstance(value, list) else [value]
    out = []
    for i, item in enumerate(items):
        name = directory.name if i == 0 else f"{directory.name}-{i}"
        if isinstance(item, str):
            out.append(DiskSource(image=directory / item))
        elif isinstance(item, dict) and set(item) == {"image"}:
            out.append(DiskSource(image=directory / str(item["image"])))
        elif isinstance(item, dict):
            out.append(DiskSource(build=parse_disk_table(name, directory, item, meta)))
        else:
            raise UserError(f"{meta}: disk {i}: a path or a table")
    return out


def _modules(directory: Path, value, meta: Path) -> list[ModuleSource]:
    if not isinstance(value, list):
        raise UserError(f"{meta}: [[module]] must be an array of tables")
    out = []
    for i, t in enumerate(value, 1):
        where = f"{meta}: module {i}"
        extra = set(t) - {"name", "source", "guest", "file", "base", "include", "addr",
                          "linked", "defines"}
        if extra:
            raise UserError(f"{where}: unknown key(s): {', '.join(sorted(extra))}")
        kinds = [k for k in ("source", "guest", "file") if k in t]
        if "name" not in t or len(kinds) != 1:
            raise UserError(f"{where}: needs a name and one of source, guest, file")
        m = ModuleSource(str(t["name"]))
        if "source" in t:
            m.source = directory / str(t["source"])
        elif "file" in t:
            m.file = directory / str(t["file"])
        else:
            m.guest = str(t["guest"])
        for key in ("base", "addr"):
            if key in t:
                if not isinstance(t[key], int):
                    raise UserError(f"{where}: {key} must be an integer")
                setattr(m, key, t[key])
        m.include = [directory / str(p) for p in t.get("include", [])]
        if "linked" in t:
            if not isinstance(t["linked"], bool) or (t["linked"] and "addr" in t):
                raise UserError(f"{where}: linked must be true or false (and a linked "
                                f"module has no addr)")
            m.linked = t["linked"]
        if "defines" in t:
            if "file" in t:
                raise UserError(f"{where}: defines apply to a source or guest module")
            m.defines = _defines(t["defines"], where)
        out.append(m)
    return out


def guest_from_dir(directory: Path) -> Guest:
    """The guest described by ``directory/guest.toml``. Raises :class:`UserError` for a
    missing or bad file."""
    meta = directory / "guest.toml"
    data = _read_toml(meta)
    if "entry" not in data:
        raise UserError(f"{meta}: missing 'entry'")
    unknown = set(data) - _GUEST_KEYS
    if unknown:
        raise UserError(f"{meta}: unknown key(s): {', '.join(sorted(unknown))}")
    g = Guest(directory.name, str(data.get("description", "")).strip(), directory,
              directory / data["entry"], structure=str(data.get("structure", "")),
              concept=str(data.get("concept", "")))
    runs = data.get("runs_as", ["bare"])
    if not isinstance(runs, list) or any(r not in RUNS_AS for r in runs):
        raise UserError(f"{meta}: runs_as must be a list among {', '.join(RUNS_AS)}")
    g.runs_as = tuple(runs)
    if "cpus" in data:
        if not isinstance(data["cpus"], int) or isinstance(data["cpus"], bool):
            raise UserError(f"{meta}: 'cpus' must be an integer")
        g.cpus = data["cpus"]
    g.ram = data.get("ram")
    if "nic" in data:
        if not isinstance(data["nic"], str):
            raise UserError(f"{meta}: 'nic' must be a string (a backend: loopback)")
        g.nic = data["nic"]
    build = data.get("build", {})
    if not isinstance(build, dict) or set(build) - {"defines"}:
        raise UserError(f"{meta}: [build] takes only defines")
    g.defines = _defines(build.get("defines", {}), f"{meta}: [build]")
    for name, opt in data.get("options", {}).items():
        if not isinstance(opt, dict) or set(opt) - {"description", "defines"}:
            raise UserError(f"{meta}: [options.{name}] takes description and defines")
        g.options[name] = (str(opt.get("description", "")),
                           _defines(opt.get("defines", {}), f"{meta}: [options.{name}]"))
    if "disk" in data:
        g.disks = _disks(directory, data["disk"], meta)
    if "module" in data:
        g.modules = _modules(directory, data["module"], meta)
    if "workload" in data:
        g.workload = _workload(data["workload"], g, meta)
    return g


def _workload(t, g: Guest, meta: Path) -> WorkloadSpec:
    where = f"{meta}: [workload]"
    if not isinstance(t, dict) or set(t) - {"command", "tag", "hosts", "module", "variants"}:
        raise UserError(f"{where} takes command, tag, hosts, module and variants")
    t = dict(t)
    variants = t.pop("variants", [])
    if not isinstance(variants, list) or any(v not in g.options for v in variants):
        raise UserError(f"{where}: variants must be a list of its [options.NAME]s")
    if not all(isinstance(v, str) for v in t.values()):
        raise UserError(f"{where}: every value is a string")
    if not t.get("command", "").strip():
        raise UserError(f"{where}: 'command' (the line that runs the workload) is missing")
    w = WorkloadSpec(t["command"].strip(), t.get("tag", ""), t.get("hosts"), t.get("module"),
                     tuple(variants))
    if (w.hosts is None) != (w.module is None):
        raise UserError(f"{where}: 'hosts' and 'module' go together")
    if w.hosts is not None:
        if w.hosts not in RUNS_AS[1:]:
            raise UserError(f"{where}: hosts must be one of {', '.join(RUNS_AS[1:])}")
        if w.module not in {m.name for m in g.modules}:
            raise UserError(f"{where}: module {w.module!r} is not one of its [[module]]s")
    return w


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


def build_guest(guest: Guest, options: list[str] | tuple = (),
                defines: dict[str, int] | None = None) -> bytes:
    """ELF bytes of ``guest`` built with its ``[build] defines``, the defines of each
    named option in ``options`` and then ``defines`` (later ones win), from the build
    cache when nothing changed. Raises :class:`UserError` for an unknown option or an
    assembly error."""
    d = dict(guest.defines)
    for name in options:
        if name not in guest.options:
            known = ", ".join(guest.options) or "none"
            raise UserError(f"guest {guest.name} has no option {name!r} (options: {known})")
        d.update(guest.options[name][1])
    d.update(defines or {})
    return assemble(guest.entry, guest.include_paths, name=guest.name, defines=d)
