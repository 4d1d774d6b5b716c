"""Building what a suite's tests boot: kernels (a bundled guest, or sources of the
submission assembled on the spot) and disk images, each once per grading run, through
the one build cache of :mod:`ringvm.emulator.images`. A build error becomes the
reason of the tests that need it, never an exception."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from ringvm.errors import UserError

from ..images import build_guest, find_guest, lib_dir
from ..images import cache as build_cache
from ..images.boot import build_module
from ..images.registry import ModuleSource
from ..images.rootdisk import DiskSpec, build_tree, pristine_image
from ..images.rvfs import build_image
from .suite import Suite, TestSpec, _count


class Builder:
    """Assembles kernels and builds disk images once per run (and caches them)."""

    def __init__(self, suite: Suite, workdir: Path):
        self.suite = suite
        self.workdir = workdir
        self.elves: dict = {}
        self.built_disks: dict = {}
        self.last_error_detail = ""
        self.built_modules: dict = {}

    def kernel(self, t: TestSpec) -> tuple[bytes | None, str]:
        """``(ELF bytes, "")`` or ``(None, reason)``; the full report of a build error
        is then in :attr:`last_error_detail`."""
        if t.guest:
            key = ("guest", t.guest, tuple(t.options), tuple(sorted(t.defines.items())))
        else:
            sub = self.suite.submission
            src = (sub / t.kernel).resolve()
            inc = [(sub / i).resolve() for i in t.include] if t.include is not None \
                else [src.parent]
            inc.append(lib_dir())
            key = ("src", str(src), tuple(str(i) for i in inc),
                   tuple(sorted(t.defines.items())))
        if key in self.elves:
            elf, why, self.last_error_detail = _split_error(self.elves[key])
            return elf, why
        try:
            if t.guest:
                g = find_guest(t.guest)
                if g is None:
                    raise UserError(f"no bundled guest called {t.guest!r}")
                out = (build_guest(g, t.options, t.defines), "")
            else:
                if not src.is_file():
                    raise UserError(f"kernel source {t.kernel!r} not found in the "
                                    f"submission ({sub})")
                out = (build_cache.assemble(src, inc, defines=t.defines), "")
        except UserError as e:
            out = (None, _short_asm_error(str(e), "assembly error"), str(e))
        except Exception as e:   # noqa: BLE001 — a submission must never stop the suite
            out = (None, f"assembler crashed: {type(e).__name__}: {e}", "")
        self.elves[key] = out
        elf, why, self.last_error_detail = _split_error(out)
        return elf, why

    def disks(self, t: TestSpec) -> tuple[list[str] | None, str]:
        """``(image paths, "")`` or ``(None, reason)``."""
        paths = []
        for d in t.disks:
            key = repr(sorted((k, repr(v)) for k, v in d.items()))
            if key not in self.built_disks:
                try:
                    self.built_disks[key] = (str(self._build_disk(d)), "")
                except UserError as e:
                    self.built_disks[key] = (None, _short_asm_error(str(e),
                                                                    "disk image error"),
                                             str(e))
                except Exception as e:   # noqa: BLE001
                    self.built_disks[key] = (None, f"disk image error: {type(e).__name__}: "
                                                   f"{e}", "")
            path, why, detail = _split_error(self.built_disks[key])
            if path is None:
                self.last_error_detail = detail
                return None, why
            paths.append(path)
        return paths, ""

    def _build_disk(self, d: dict) -> Path:
        sub = self.suite.submission
        if "guest" in d:
            g = find_guest(d["guest"])
            if g is None:
                raise UserError(f"disk: no bundled guest called {d['guest']!r}")
            if not g.disks:
                raise UserError(f"disk: guest {d['guest']!r} has no disk")
            if g.disks[0].image is not None:
                return g.disks[0].image
            spec = dataclasses.replace(g.disks[0].build)
        elif "image" in d:
            img = (sub / d["image"]).resolve()
            if not img.is_file():
                raise UserError(f"disk image {d['image']!r} not found in the submission")
            return img
        else:
            spec = DiskSpec("grade")
            for k in ("programs", "stubs", "tools", "files"):
                if k in d:
                    setattr(spec, k, (sub / d[k]).resolve())
            more = d.get("more_programs", [])
            spec.more_programs = [(sub / x).resolve()
                                  for x in ([more] if isinstance(more, str) else more)]
            if "size" in d:
                spec.size = _count(d["size"], "disk.size")
            if "inodes" in d:
                spec.ninodes = _count(d["inodes"], "disk.inodes")
        if "add" not in d:
            path, _key = pristine_image(spec)
            if path is not None:
                return path
        tree = build_tree(spec)          # extra files, or no writable cache: this run only
        for name, content in d.get("add", {}).items():
            parts = [x for x in name.split("/") if x]
            node = tree
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = content.encode()
        path = self.workdir / f"disk{len(self.built_disks)}.img"
        path.write_bytes(build_image(tree, size=spec.size, ninodes=spec.ninodes))
        return path

    def modules(self, t: TestSpec) -> tuple[list | None, str]:
        """``(Module list, "")`` or ``(None, reason)``: the test's ``modules`` (sources
        from the submission), else a bundled guest's own, else none."""
        if t.modules is None and not t.guest:
            return [], ""
        key = repr(t.modules) if t.modules is not None else ("guest", t.guest)
        if key in self.built_modules:
            return self.built_modules[key]
        sub = self.suite.submission
        try:
            if t.modules is None:
                g = find_guest(t.guest)
                srcs = list(g.modules) if g else []
            else:
                srcs = []
                for m in t.modules:
                    inc = m.get("include", t.include or [])   # default: the test's
                    ms = ModuleSource(m["name"], base=m.get("base"), addr=m.get("addr"),
                                      include=[(sub / i).resolve() for i in inc],
                                      linked=bool(m.get("linked", False)),
                                      defines=dict(m.get("defines", {})))
                    if "source" in m:
                        ms.source = (sub / m["source"]).resolve()
                        if not ms.source.is_file():
                            raise UserError(f"module {m['name']}: {m['source']!r} not "
                                            f"found in the submission ({sub})")
                    elif "file" in m:
                        ms.file = (sub / m["file"]).resolve()
                    else:
                        ms.guest = m["guest"]
                    srcs.append(ms)
            out = ([build_module(ms) for ms in srcs], "")
        except UserError as e:
            out = (None, _short_asm_error(str(e), "module error"))
        except Exception as e:   # noqa: BLE001 — a submission must never stop the suite
            out = (None, f"module error: {type(e).__name__}: {e}")
        self.built_modules[key] = out
        return out


def _short_asm_error(msg: str, what: str) -> str:
    """The reason line of a build error: its first line, and how many more errors the
    full report (the test's output: terminal, transcript, Gradescope, JUnit) holds."""
    lines = [x for x in msg.strip().splitlines() if x.strip()]
    if not lines:
        return what
    head = f"{what}: {lines[0]}"
    n = sum(1 for x in lines if ": error: " in x)
    if n > 1:
        head += f" (+{n - 1} more error{'s' if n > 2 else ''}: all in the output)"
    return head


def _split_error(out: tuple) -> tuple:
    """``(None, reason)`` with the full report kept: ``(None, reason, report)``."""
    return out if len(out) == 3 else (*out, "")


def programs_of(suite: Suite, t: TestSpec) -> tuple[str, str | None] | None:
    """``(programs folder, stubs folder or None)`` of the first disk of ``t`` built from
    sources (for naming user addresses), or None."""
    for d in t.disks:
        if "programs" in d:
            return str((suite.submission / d["programs"]).resolve()), None
        if "guest" in d:
            g = find_guest(d["guest"])
            if g is not None and g.disks and g.disks[0].build is not None \
                    and g.disks[0].build.programs is not None:
                b = g.disks[0].build
                return str(b.programs), str(b.stubs) if b.stubs else None
    return None


def prepare_job(suite: Suite, t: TestSpec, builder: Builder, engine: str) -> dict:
    """Everything a worker needs to run test ``t``: a picklable dict."""
    builder.last_error_detail = ""
    elf, why = builder.kernel(t)
    disks, dwhy = (None, "") if elf is None else builder.disks(t)
    mods, mwhy = ([], "") if elf is None else builder.modules(t)
    nic = t.nic
    if nic is None and t.guest:
        g = find_guest(t.guest)
        nic = g.nic if g else None
    return {"spec": t, "elf": elf, "disks": disks, "modules": mods or [], "nic": nic,
            "error": why or dwhy or mwhy, "engine": engine,
            "error_detail": builder.last_error_detail if (why or dwhy) else "",
            "programs": programs_of(suite, t)}
