"""The one build cache: assembled kernels and built disk images, keyed by their sources.

Every client (``ringvm boot``, ``ringvm debug``, ``ringvm grade``, the benchmarks, the
tests) builds guests through :func:`assemble` and :func:`cached_file`, so the same
sources are assembled once, whoever asks first.

Where: ``$RINGVM_CACHE``, else ``$XDG_CACHE_HOME/ringvm``, else ``~/.cache/ringvm`` —
never inside the installed package. When that directory cannot be written the result is
built for this run only (and ``.ringvm-cache/`` in the current directory is tried).

Keys are SHA-256 digests of everything a product depends on: the source files by
content and by their path *relative to* their include directory (so a copy of the same
sources elsewhere hits the same entry), the assembler and the ISA table.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Callable

from ringvm.errors import UserError

#: the installed ``ringvm`` package (in a source checkout: the repository root, whose
#: top-level folders are mapped to ringvm's subpackages)
PKG_ROOT = Path(__file__).resolve().parents[2]
#: file suffixes that make up assembler input (hashed for cache keys)
SOURCE_SUFFIXES = (".s", ".inc", ".S", ".bin")
#: cached files of each kind kept (the most recently used ones)
KEEP = 64


def cache_dir() -> Path:
    """The cache directory (not created here)."""
    env = os.environ.get("RINGVM_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "ringvm"


def cache_dirs() -> list[Path]:
    """Where cached files are looked up and written, in order of preference."""
    return [cache_dir(), Path.cwd() / ".ringvm-cache"]


def guests_dir() -> Path:
    """The directory holding the bundled guests (``$RINGVM_GUESTS`` if set)."""
    env = os.environ.get("RINGVM_GUESTS")
    return Path(env) if env else PKG_ROOT / "guests"


def lib_dir() -> Path:
    """``guests/lib``: what kernels and programs share (``ringvm.inc``, ``abi.inc``, the
    kernel components)."""
    return guests_dir() / "lib"


def hash_tree(h, root: Path | None, label: str, suffixes=SOURCE_SUFFIXES) -> None:
    """Feed every file under ``root`` with one of ``suffixes`` (None: every file) into
    the hash ``h``, by relative name and content; an absent directory hashes as such."""
    if root is None or not root.is_dir():
        h.update(f"{label}: none\0".encode())
        return
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and (
                suffixes is None or p.suffix in suffixes):
            h.update(f"{label}/{p.relative_to(root).as_posix()}\0".encode())
            h.update(p.read_bytes())
            h.update(b"\0")


def hash_toolchain(h) -> None:
    """Feed the assembler's sources and the ISA table into ``h``: a product built by
    another assembler or for another ISA is another product."""
    for p in sorted((PKG_ROOT / "assembler").glob("*")):
        if p.suffix in (".py", ".lark"):
            h.update(p.read_bytes())
    isa = PKG_ROOT / "isa" / "ringvm.toml"
    if isa.is_file():
        h.update(isa.read_bytes())


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def prune(directory: Path, pattern: str, keep: int = KEEP) -> None:
    """Delete all but the ``keep`` most recently modified files matching ``pattern``."""
    try:
        files = sorted(directory.glob(pattern), key=lambda p: p.stat().st_mtime,
                       reverse=True)
        for p in files[keep:]:
            p.unlink()
    except OSError:
        pass


def cached_file(kind: str, name: str, key: str, build: Callable[[], bytes],
                suffix: str) -> Path | None:
    """The path of the cached product ``<cache>/<kind>/<name>-<key>.<suffix>``, built
    with ``build()`` (bytes) if absent. None if no cache directory is writable (then
    the caller builds it for this run). Marks the file most recently used and keeps
    the ``KEEP`` newest of its kind."""
    fname = f"{name}-{key[:24]}{suffix}"
    for base in cache_dirs():
        p = base / kind / fname
        if p.is_file():
            try:
                os.utime(p)
            except OSError:
                pass
            return p
    data = build()
    for base in cache_dirs():
        p = base / kind / fname
        try:
            _write_atomic(p, data)
        except OSError:
            continue
        prune(p.parent, f"*{suffix}")
        return p
    return None


def _assemble(src: Path, include_paths: list[Path], base: int | None,
              defines: dict[str, int]) -> bytes:
    from ringvm.assembler import assemble_file
    kw = {"defines": defines} if defines else {}
    return assemble_file(str(src), [str(p) for p in include_paths], base=base, **kw)


def assemble(src: Path, include_paths: list[Path], *, base: int | None = None,
             name: str | None = None, defines: dict[str, int] | None = None,
             use_cache: bool = True) -> bytes:
    """ELF bytes of ``src`` assembled with ``include_paths`` (searched in order; the
    source's own directory first) at ``base`` (None: the assembler's default) with the
    predefined constants ``defines`` (``-D``), from the cache (as
    ``elf/<name>-<key>.elf``, name defaulting to the source's stem) when nothing it
    depends on changed. Raises :class:`UserError` (the
    assembler's ``file:line:col: error:`` report) for bad source."""
    src = Path(src)
    defines = dict(sorted((defines or {}).items()))
    if not src.is_file():
        raise UserError(f"{src}: no such file")
    if not use_cache:
        return _assemble(src, include_paths, base, defines)
    h = hashlib.sha256(b"ringvm-elf 2\0")
    h.update(f"{src.name}\0{base}\0{defines}\0".encode())
    h.update(src.read_bytes())
    for i, d in enumerate([src.parent, *include_paths]):
        hash_tree(h, Path(d), str(i))
    for f in included_files(src, include_paths):     # also those outside the trees
        h.update(f"{f}\0".encode())                   # (`.include "../other/x.s"`)
        h.update(f.read_bytes())
    hash_toolchain(h)
    key = h.hexdigest()
    built: list[bytes] = []

    def build() -> bytes:
        built.append(_assemble(src, include_paths, base, defines))
        return built[0]

    path = cached_file("elf", name or src.stem, key, build, ".elf")
    if built:
        return built[0]
    if path is not None:
        try:
            return path.read_bytes()
        except OSError:
            pass
    return _assemble(src, include_paths, base, defines)


_INCLUDE = re.compile(r'^\s*(?:[A-Za-z_.$][\w.$]*:\s*)?\.include\s+"([^"]+)"', re.M)


def included_files(src: Path, include_paths: list[Path]) -> list[Path]:
    """Every file ``src`` reaches through ``.include`` (recursively), resolved as the
    assembler does — next to the including file, then in each include path — in a
    stable order. Over-approximate (an include in a skipped conditional branch counts
    if it exists); a name that resolves nowhere is left out."""
    seen: dict[Path, None] = {}
    todo = [Path(src)]
    while todo:
        cur = todo.pop()
        try:
            text = cur.read_text(errors="replace")
        except OSError:
            continue
        for name in _INCLUDE.findall(text):
            for d in (cur.parent, *include_paths):
                cand = (Path(d) / name)
                if cand.is_file():
                    cand = cand.resolve()
                    if cand not in seen:
                        seen[cand] = None
                        todo.append(cand)
                    break
    return sorted(seen)
