"""``ringvm grade``: grading suites for kernels — deterministic, parallel, ready for a class.

A *suite* is a TOML file listing tests. Each test boots a kernel (a bundled guest, or
sources from a submission folder, assembled on the spot) on a fresh machine with a
copy-on-write disk and scripted console input, runs it for at most an instruction
budget, and checks the console transcript against regexes. Every test runs in its own
process; time is counted only in instructions, so a suite gives the same scores and
the same transcripts every time it runs.

Suite format
============

::

    [suite]
    name = "monolithic"             # shown in reports (default: the file's directory name)
    description = "..."
    submission = "."                # directory the sources come from, relative to this
                                    # file; `ringvm grade --submission DIR` overrides it
    engine = "auto"                 # native, python or auto (`--engine` overrides)

    [defaults]                      # any test key below; every test starts from these
    kernel = "main.s"
    budget = "200M"

    [[test]]
    name = "boot"                   # letters, digits, - _ . (also the transcript file name)
    description = "boots to the shell prompt"
    points = 2                      # default 1; 0 = ungraded (still reported)
    depends = ["other-test"]        # not run (0 points) unless these passed
    tags = ["syscalls"]             # for `--only TAG`
    visibility = "visible"          # visible | hidden | after_due_date | after_published
    partial = false                 # true: read a `PARTIAL CREDIT X OF N` line;
                                    # "expect": credit for each expect regex matched

    # --- the machine (one of guest / kernel)
    guest = "hello"                 # a bundled guest (`ringvm guests`), or:
    kernel = "main.s"               # a source in the submission directory, assembled
    include = [".", "../lib"]       # include paths, relative to the submission directory
                                    # (default: the kernel's directory); guests/lib of
                                    # ringvm is always searched last
    cpus = 1
    ram = "32M"
    tlb_entries = 64
    disk = { ... }                  # see below; absent or false: no disk

    # --- one boot (the common case)
    input = "ls\\nexit\\n"            # console input, then end of input (TOML escapes)
    budget = "50M"                  # instruction budget (steps, all CPUs; K/M/G = 10^3/6/9;
                                    # default 100M)
    output_limit = "64K"            # bytes of console output before the test fails
                                    # (default 256K)
    expect = ['^\\$ ls', 'README']   # regexes (Python `re.search`), each must match a line,
                                    # in this order (each after the line the previous matched)
    reject = ['^panic:']            # regexes no line may match
    exit_code = 0                   # the halt code expected (absent: any)
    stop = "halt"                   # how the run must end: halt | budget |
                                    # machine_check | deadlock | any

    # --- or several boots of one disk (files written by boot 1 are seen by boot 2)
    [[test.boots]]
    input = "echo hi > f\\n"
    expect = ['.']
    [[test.boots]]
    input = "cat f\\n"
    expect = ['^hi$']

The per-boot keys (``input budget output_limit expect reject exit_code stop``) given on
the test (or in ``[defaults]``) are the defaults of each of its ``boots``. A test without
``boots`` is one boot.

Disks — the image is never modified: every boot runs in snapshot mode (writes live in
an in-memory overlay), and the overlay of boot *k* is handed to boot *k+1*::

    disk = { guest = "monolithic" }                # the built image of a bundled guest
    disk = { image = "fs.img" }                    # an image file (submission directory)
    disk = { programs = "../user",                 # built like a guest.toml [disk]
             files = "../user/rootfs",             # table (emulator/userland.py), paths
             size = 4096, inodes = 256,            # relative to the submission directory
             add = { "notes.txt" = "hello\\n" } }  # extra files (name -> content)

Scoring: a test passes when every boot ended as ``stop`` says (with ``exit_code``), every
``expect`` regex matched in order, and no ``reject`` regex matched; it then earns its
``points``. With ``partial = true`` the last line matching ``PARTIAL CREDIT X OF N`` in
the transcript (any boot) sets the score to ``points * X / N`` (rounded to 0.01) —
whether or not the other checks passed, so a kernel that fails three of forty checks
keeps most of the points; it passes only with X = N and every check. With
``partial = "expect"`` the score is ``points * X / N`` where N counts the ``expect``
regexes of every boot and X those that matched (a kernel that hangs in the middle of
``usertests`` keeps the credit of the tests it passed first). A test that
crashes, exhausts its budget, floods the console, hits a machine check, or whose kernel
does not assemble fails with the reason (assembly errors keep their ``file:line``). A
test whose ``depends`` did not all pass is not run and scores 0. ``--only`` also runs
the dependencies of the selected tests.

API: :func:`load_suite` (raises :class:`ringvm.errors.UserError` with ``file: test
'name': ...`` messages), :func:`grade` (runs a suite, returns a :class:`GradeRun`),
:func:`run_one` (one test in this process), :func:`prepare_job`.
"""
from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import multiprocessing.connection
import os
import re
import tomllib
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ringvm.errors import UserError

__all__ = ["Boot", "TestSpec", "Suite", "TestResult", "GradeRun", "load_suite", "grade",
           "prepare_job", "run_one", "select_tests"]

PARTIAL_RE = re.compile(r"PARTIAL CREDIT (\d+) OF (\d+)")
NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
STOPS = ("halt", "budget", "machine_check", "deadlock", "any")
DEFAULT_BUDGET = 100_000_000
DEFAULT_OUTPUT_LIMIT = 256_000
#: steps per chunk between output-limit checks
CHUNK = 1_000_000
#: host seconds a test may take before it is stopped (a safety net only: budgets are
#: the real limit, counted in instructions)
DEFAULT_HOST_TIMEOUT = 600.0

_BOOT_KEYS = {"input", "budget", "output_limit", "expect", "reject", "exit_code", "stop"}
_TEST_KEYS = _BOOT_KEYS | {
    "name", "description", "points", "depends", "tags", "visibility", "partial",
    "guest", "kernel", "include", "cpus", "ram", "tlb_entries", "disk", "boots"}
_SUITE_KEYS = {"name", "description", "submission", "engine"}
_DISK_KEYS = {"guest", "image", "programs", "files", "size", "inodes", "add"}


@dataclass
class Boot:
    """One boot of a test: console ``input`` (bytes), ``budget`` (steps), ``expect`` /
    ``reject`` (regex strings), ``exit_code`` (None: any), ``stop``, ``output_limit``."""
    input: bytes = b""
    budget: int = DEFAULT_BUDGET
    output_limit: int = DEFAULT_OUTPUT_LIMIT
    expect: list[str] = field(default_factory=list)
    reject: list[str] = field(default_factory=list)
    exit_code: int | None = None
    stop: str = "halt"


@dataclass
class TestSpec:
    """A parsed test (see the module docstring for each key)."""
    __test__ = False           # not a pytest test class
    name: str
    description: str = ""
    points: float = 1
    depends: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    visibility: str = "visible"
    partial: bool | str = False     # False, True (PARTIAL CREDIT line) or "expect"
    guest: str | None = None
    kernel: str | None = None
    include: list[str] | None = None
    cpus: int = 1
    ram: int = 32 * 1024 * 1024
    tlb_entries: int | None = None
    disk: dict | None = None
    boots: list[Boot] = field(default_factory=list)


@dataclass
class Suite:
    """A parsed suite: ``path`` of the file, ``name``, ``submission`` directory (absolute),
    ``engine`` and the ``tests`` in file order."""
    path: Path
    name: str
    description: str
    submission: Path
    engine: str
    tests: list[TestSpec]

    def test(self, name: str) -> TestSpec:
        for t in self.tests:
            if t.name == name:
                return t
        raise KeyError(name)


@dataclass
class TestResult:
    """The outcome of one test.

    ``status``: ``"passed"``, ``"failed"`` or ``"not_run"`` (a dependency failed).
    ``reason``: one line saying why it failed ("" when passed). ``checks``: the annotated
    transcript, a list of ``(tag, text)`` with tag ``"GOOD"`` (a line an expect regex
    matched), ``"BAD"`` (a line a reject regex matched), ``"MISSING"`` (an expect regex
    no line matched; text is the regex), ``"BOOT"`` (a boot separator) or ``""``.
    ``transcript``: the console output of every boot. ``steps``: instructions executed.
    """
    __test__ = False           # not a pytest test class
    name: str
    points: float
    score: float
    status: str
    reason: str = ""
    checks: list[tuple[str, str]] = field(default_factory=list)
    transcript: str = ""
    steps: int = 0
    visibility: str = "visible"
    tags: list[str] = field(default_factory=list)
    description: str = ""
    partial: tuple[int, int] | None = None

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["checks"] = [list(c) for c in self.checks]
        d["partial"] = list(self.partial) if self.partial else None
        return d


@dataclass
class GradeRun:
    """The results of a suite run, in suite order."""
    suite: Suite
    results: list[TestResult]
    engine: str

    @property
    def score(self) -> float:
        return _round(sum(r.score for r in self.results))

    @property
    def max_score(self) -> float:
        return _round(sum(r.points for r in self.results))

    @property
    def full_marks(self) -> bool:
        return all(r.passed for r in self.results)


def _round(x) -> float:
    v = round(float(x), 2)
    return int(v) if v == int(v) else v


# ------------------------------------------------------------------ parsing

def _count(value, what: str, lo: int = 1) -> int:
    from .cli_boot import parse_count
    if isinstance(value, bool):
        raise UserError(f"{what}: expected a number, not {value!r}")
    if isinstance(value, int):
        if value < lo:
            raise UserError(f"{what}: must be at least {lo}")
        return value
    if isinstance(value, str):
        return parse_count(value, what, lo)
    raise UserError(f"{what}: expected a number like 50M, not {value!r}")


def _str_list(value, what: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UserError(f"{what}: expected a list of strings")
    return list(value)


def _regexes(value, what: str) -> list[str]:
    out = _str_list(value, what)
    for r in out:
        try:
            re.compile(r)
        except re.error as e:
            raise UserError(f"{what}: bad regex {r!r}: {e}") from None
    return out


def _boot(data: dict, where: str) -> Boot:
    b = Boot()
    if "input" in data:
        if not isinstance(data["input"], str):
            raise UserError(f"{where}: 'input' must be a string")
        b.input = data["input"].encode()
    if "budget" in data:
        b.budget = _count(data["budget"], f"{where}: budget")
    if "output_limit" in data:
        b.output_limit = _count(data["output_limit"], f"{where}: output_limit")
    if "expect" in data:
        b.expect = _regexes(data["expect"], f"{where}: expect")
    if "reject" in data:
        b.reject = _regexes(data["reject"], f"{where}: reject")
    if "exit_code" in data:
        ec = data["exit_code"]
        if ec is not False and (not isinstance(ec, int) or isinstance(ec, bool)):
            raise UserError(f"{where}: 'exit_code' must be an integer (or false: any)")
        b.exit_code = None if ec is False else ec & 0xFF
    if "stop" in data:
        if data["stop"] not in STOPS:
            raise UserError(f"{where}: 'stop' must be one of {', '.join(STOPS)}")
        b.stop = data["stop"]
        if b.stop != "halt" and "exit_code" not in data:
            b.exit_code = None
    return b


def _test(data: dict, where: str) -> TestSpec:
    unknown = set(data) - _TEST_KEYS
    if unknown:
        raise UserError(f"{where}: unknown key(s): {', '.join(sorted(unknown))}")
    name = data.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise UserError(f"{where}: 'name' must be a string of letters, digits, '-', '_' "
                        f"or '.' (got {name!r})")
    where = f"{where.rsplit(':', 1)[0]}: test {name!r}"
    t = TestSpec(name)
    if "description" in data:
        t.description = str(data["description"])
    if "points" in data:
        p = data["points"]
        if isinstance(p, bool) or not isinstance(p, (int, float)) or p < 0:
            raise UserError(f"{where}: 'points' must be a number >= 0")
        t.points = p
    if "depends" in data:
        t.depends = _str_list(data["depends"], f"{where}: depends")
    if "tags" in data:
        t.tags = _str_list(data["tags"], f"{where}: tags")
    if "visibility" in data:
        if data["visibility"] not in VISIBILITIES:
            raise UserError(f"{where}: 'visibility' must be one of {', '.join(VISIBILITIES)}")
        t.visibility = data["visibility"]
    if "partial" in data:
        if not isinstance(data["partial"], bool) and data["partial"] != "expect":
            raise UserError(f"{where}: 'partial' must be true, false or \"expect\"")
        t.partial = data["partial"]
    for key in ("guest", "kernel"):
        if key in data:
            if not isinstance(data[key], str) or not data[key]:
                raise UserError(f"{where}: {key!r} must be a non-empty string")
            setattr(t, key, data[key])
    if t.guest and t.kernel:
        raise UserError(f"{where}: give 'guest' (a bundled guest) or 'kernel' (a source "
                        f"in the submission), not both")
    if not t.guest and not t.kernel:
        raise UserError(f"{where}: no kernel: give 'guest' or 'kernel'")
    if "include" in data:
        t.include = _str_list(data["include"], f"{where}: include")
    if "cpus" in data:
        t.cpus = _count(data["cpus"], f"{where}: cpus")
    if "ram" in data:
        from .machine import parse_size
        try:
            t.ram = parse_size(data["ram"])
        except UserError as e:
            raise UserError(f"{where}: ram: {e}") from None
    if "tlb_entries" in data:
        t.tlb_entries = _count(data["tlb_entries"], f"{where}: tlb_entries")
    if "disk" in data:
        d = data["disk"]
        if d is False:
            t.disk = None
        elif not isinstance(d, dict):
            raise UserError(f"{where}: 'disk' must be a table (or false)")
        else:
            extra = set(d) - _DISK_KEYS
            if extra:
                raise UserError(f"{where}: unknown key(s) in disk: {', '.join(sorted(extra))}")
            kinds = [k for k in ("guest", "image", "programs", "files") if k in d]
            if not kinds:
                raise UserError(f"{where}: disk needs 'guest', 'image', 'programs' or 'files'")
            if ("guest" in d or "image" in d) and len(kinds) > 1:
                raise UserError(f"{where}: disk: 'guest' and 'image' stand alone")
            if "add" in d and (not isinstance(d["add"], dict) or not all(
                    isinstance(v, str) for v in d["add"].values())):
                raise UserError(f"{where}: disk.add must map file names to strings")
            t.disk = dict(d)
    base = {k: v for k, v in data.items() if k in _BOOT_KEYS}
    if "boots" in data:
        boots = data["boots"]
        if not isinstance(boots, list) or not boots or not all(
                isinstance(b, dict) for b in boots):
            raise UserError(f"{where}: 'boots' must be a non-empty array of tables "
                            f"([[test.boots]])")
        for i, bd in enumerate(boots, 1):
            extra = set(bd) - _BOOT_KEYS
            if extra:
                raise UserError(f"{where}: boot {i}: unknown key(s): "
                                f"{', '.join(sorted(extra))}")
            t.boots.append(_boot({**base, **bd}, f"{where}: boot {i}"))
    else:
        t.boots.append(_boot(base, where))
    if t.partial == "expect" and not any(b.expect for b in t.boots):
        raise UserError(f"{where}: partial = \"expect\" needs 'expect' regexes")
    return t


def load_suite(path: str | os.PathLike, submission: str | os.PathLike | None = None,
               engine: str | None = None) -> Suite:
    """Parse and validate the suite file at ``path`` (a directory: its ``suite.toml``).
    ``submission`` and ``engine`` override the suite's. Raises :class:`UserError`
    naming the file and the test."""
    p = Path(path)
    if p.is_dir():                      # a directory: its suite.toml
        p = p / "suite.toml"
    try:
        text = p.read_text()
    except FileNotFoundError:
        raise UserError(f"suite {str(p)!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as e:
        raise UserError(f"cannot read suite {str(p)!r}: {e}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UserError(f"{p}: not valid TOML: {e}") from None
    unknown = set(data) - {"suite", "defaults", "test"}
    if unknown:
        raise UserError(f"{p}: unknown top-level key(s): {', '.join(sorted(unknown))} "
                        f"(expected [suite], [defaults], [[test]])")
    meta = data.get("suite", {})
    if not isinstance(meta, dict):
        raise UserError(f"{p}: [suite] must be a table")
    extra = set(meta) - _SUITE_KEYS
    if extra:
        raise UserError(f"{p}: unknown key(s) in [suite]: {', '.join(sorted(extra))}")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise UserError(f"{p}: [defaults] must be a table")
    bad = set(defaults) - (_TEST_KEYS - {"name"})
    if bad:
        raise UserError(f"{p}: unknown key(s) in [defaults]: {', '.join(sorted(bad))}")
    raw = data.get("test", [])
    if not isinstance(raw, list) or not raw:
        raise UserError(f"{p}: no tests (add [[test]] tables)")
    tests = []
    seen = set()
    for i, td in enumerate(raw, 1):
        if not isinstance(td, dict):
            raise UserError(f"{p}: test {i}: must be a table")
        merged = {**defaults, **td}
        if "boots" in defaults and "boots" in td:
            merged["boots"] = td["boots"]
        t = _test(merged, f"{p}: test {i}")
        if t.name in seen:
            raise UserError(f"{p}: test {t.name!r}: defined twice")
        seen.add(t.name)
        tests.append(t)
    for t in tests:
        for d in t.depends:
            if d not in seen:
                raise UserError(f"{p}: test {t.name!r}: depends on unknown test {d!r}")
    _check_cycles(p, tests)
    sub = submission if submission is not None else meta.get("submission", ".")
    if not isinstance(sub, (str, os.PathLike)):
        raise UserError(f"{p}: [suite] submission must be a path")
    subdir = (p.parent / sub).resolve() if submission is None else Path(sub).resolve()
    if not subdir.is_dir():
        raise UserError(f"submission directory {str(subdir)!r} does not exist")
    eng = engine or meta.get("engine", "auto")
    if eng not in ("auto", "native", "python"):
        raise UserError(f"{p}: engine {eng!r}: choose native, python or auto")
    return Suite(p, str(meta.get("name", p.resolve().parent.name)),
                 str(meta.get("description", "")), subdir, eng, tests)


def _check_cycles(p: Path, tests: list[TestSpec]) -> None:
    deps = {t.name: t.depends for t in tests}
    state: dict[str, int] = {}

    def visit(n, chain):
        if state.get(n) == 2:
            return
        if state.get(n) == 1:
            raise UserError(f"{p}: dependency cycle: {' -> '.join(chain + [n])}")
        state[n] = 1
        for d in deps[n]:
            visit(d, chain + [n])
        state[n] = 2

    for t in tests:
        visit(t.name, [])


def select_tests(suite: Suite, only: list[str] | None) -> list[TestSpec]:
    """The tests named or tagged by ``only`` (None: all), plus their dependencies, in
    suite order. Raises :class:`UserError` if a selector matches nothing."""
    if not only:
        return list(suite.tests)
    wanted: set[str] = set()
    for sel in only:
        for s in sel.split(","):
            s = s.strip()
            if not s:
                continue
            hit = {t.name for t in suite.tests if t.name == s or s in t.tags}
            if not hit:
                raise UserError(f"--only {s}: no test or tag of that name in {suite.path}")
            wanted |= hit
    stack = list(wanted)
    while stack:
        for d in suite.test(stack.pop()).depends:
            if d not in wanted:
                wanted.add(d)
                stack.append(d)
    return [t for t in suite.tests if t.name in wanted]


# ------------------------------------------------------------------ building

class _Builder:
    """Assembles kernels and builds disk images once per run (and caches them)."""

    def __init__(self, suite: Suite, workdir: Path):
        self.suite = suite
        self.workdir = workdir
        self.elves: dict = {}
        self.disks: dict = {}

    def kernel(self, t: TestSpec) -> tuple[bytes | None, str]:
        """``(ELF bytes, "")`` or ``(None, reason)``."""
        from .guests import build_guest, find_guest, lib_dir
        if t.guest:
            key = ("guest", t.guest)
        else:
            sub = self.suite.submission
            src = (sub / t.kernel).resolve()
            inc = [(sub / i).resolve() for i in t.include] if t.include is not None \
                else [src.parent]
            inc.append(lib_dir())
            key = ("src", str(src), tuple(str(i) for i in inc))
        if key in self.elves:
            return self.elves[key]
        try:
            if t.guest:
                g = find_guest(t.guest)
                if g is None:
                    raise UserError(f"no bundled guest called {t.guest!r}")
                out = (build_guest(g), "")
            else:
                if not src.is_file():
                    raise UserError(f"kernel source {t.kernel!r} not found in the "
                                    f"submission ({sub})")
                out = (_assemble_cached(src, inc), "")
        except UserError as e:
            out = (None, _short_asm_error(str(e), "assembly error"))
        except Exception as e:   # noqa: BLE001 — a submission must never stop the suite
            out = (None, f"assembler crashed: {type(e).__name__}: {e}")
        self.elves[key] = out
        return out

    def disk(self, t: TestSpec) -> tuple[str | None, str]:
        """``(image path or None, "")`` or ``(None, reason)``."""
        if t.disk is None:
            return None, ""
        d = t.disk
        key = repr(sorted((k, repr(v)) for k, v in d.items()))
        if key in self.disks:
            return self.disks[key]
        try:
            out = (str(self._build_disk(d)), "")
        except UserError as e:
            out = (None, _short_asm_error(str(e), "disk image error"))
        except Exception as e:   # noqa: BLE001
            out = (None, f"disk image error: {type(e).__name__}: {e}")
        self.disks[key] = out
        return out

    def _build_disk(self, d: dict) -> Path:
        from . import fs_image
        from .guests import cache_dir, find_guest
        from .userland import DiskSpec, build_tree, disk_key, pristine_image
        sub = self.suite.submission
        if "guest" in d:
            g = find_guest(d["guest"])
            if g is None:
                raise UserError(f"disk: no bundled guest called {d['guest']!r}")
            if "disk" in g.defaults:
                return g.defaults["disk"]
            if "disk_build" not in g.defaults:
                raise UserError(f"disk: guest {d['guest']!r} has no disk")
            spec = dataclasses.replace(g.defaults["disk_build"])
        elif "image" in d:
            img = (sub / d["image"]).resolve()
            if not img.is_file():
                raise UserError(f"disk image {d['image']!r} not found in the submission")
            return img
        else:
            spec = DiskSpec("grade")
            for k in ("programs", "files"):
                if k in d:
                    setattr(spec, k, (sub / d[k]).resolve())
            if "size" in d:
                spec.size = _count(d["size"], "disk.size")
            if "inodes" in d:
                spec.ninodes = _count(d["inodes"], "disk.inodes")
        if "add" not in d:
            spec.guest = "grade" + disk_key(spec)[:12]
            try:
                path, _ = pristine_image(spec, cache_dir() / "grade")
            except (UserError, OSError):
                path = None             # no writable cache: build it for this run only
            if path is not None:
                try:
                    os.utime(path)      # most recently used: kept by _prune
                except OSError:
                    pass
                _prune(path.parent, "grade*-disk-*.img", KEEP_DISKS)
                return path
        tree = build_tree(spec)
        for name, content in d.get("add", {}).items():
            parts = [x for x in name.split("/") if x]
            node = tree
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = content.encode()
        img = fs_image.build_image(tree, size=spec.size, ninodes=spec.ninodes)
        path = self.workdir / f"disk{len(self.disks)}.img"
        path.write_bytes(img)
        return path


def _short_asm_error(msg: str, what: str) -> str:
    lines = [x for x in msg.strip().splitlines() if x.strip()]
    if not lines:
        return what
    head = f"{what}: {lines[0]}"
    if len(lines) > 1:
        head += f" (+{len(lines) - 1} more line{'s' if len(lines) > 2 else ''})"
    return head


def _hash_dir(h, d: Path, label: str) -> None:
    """Hash the sources under ``d`` by content and relative name (not by absolute path,
    so a copy of the same sources elsewhere hits the same cache entry)."""
    if not d.is_dir():
        h.update(f"{label}: none\0".encode())
        return
    for p in sorted(d.rglob("*")):
        if p.is_file() and p.suffix in (".s", ".inc", ".S", ".bin") and \
                "__pycache__" not in p.parts:
            h.update(f"{label}/{p.relative_to(d).as_posix()}\0".encode())
            h.update(p.read_bytes())


def _assemble_cached(src: Path, inc: list[Path]) -> bytes:
    """Assemble ``src`` (cached under the guest cache by a hash of the include paths'
    sources, the assembler and the ISA)."""
    from .guests import _PKG_ROOT, assemble_source, cache_dir
    h = hashlib.sha256(b"ringvm-grade-kernel 1\0")
    h.update(f"{src.name}\0".encode())
    h.update(src.read_bytes())
    for i, d in enumerate([src.parent, *inc]):
        _hash_dir(h, d, str(i))
    for p in sorted((_PKG_ROOT / "assembler").glob("*")):
        if p.suffix in (".py", ".lark"):
            h.update(p.read_bytes())
    isa = _PKG_ROOT / "isa" / "ringvm.toml"
    if isa.is_file():
        h.update(isa.read_bytes())
    cached = cache_dir() / "grade" / f"kernel-{h.hexdigest()[:32]}.elf"
    if cached.is_file():
        try:
            return cached.read_bytes()
        except OSError:
            pass
    elf = assemble_source(src, inc)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(cached.name + f".tmp{os.getpid()}")
        tmp.write_bytes(elf)
        os.replace(tmp, cached)
        _prune(cached.parent, "kernel-*.elf", KEEP_KERNELS)
    except OSError:
        pass
    return elf


#: cached kernels and disk images of graded submissions kept (the most recent ones)
KEEP_KERNELS = 64
KEEP_DISKS = 16


def _prune(directory: Path, pattern: str, keep: int) -> None:
    """Delete all but the ``keep`` most recently modified files matching ``pattern``."""
    try:
        files = sorted(directory.glob(pattern), key=lambda p: p.stat().st_mtime,
                       reverse=True)
        for p in files[keep:]:
            p.unlink()
    except OSError:
        pass


def prepare_job(suite: Suite, t: TestSpec, builder: _Builder, engine: str) -> dict:
    """Everything a worker needs to run test ``t``: a picklable dict."""
    elf, why = builder.kernel(t)
    disk, dwhy = (None, "") if elf is None else builder.disk(t)
    return {"spec": t, "elf": elf, "disk": disk, "error": why or dwhy, "engine": engine}


# ------------------------------------------------------------------ running one test

def _lines(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").replace("\r", "").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def check_transcript(text: str, expect: list[str], reject: list[str]
                     ) -> tuple[bool, list[tuple[str, str]]]:
    """Match ``expect`` (in order) and ``reject`` against the lines of ``text``.

    Returns ``(ok, annotated)``: annotated is ``(tag, text)`` per transcript line (tag
    GOOD / BAD / "") with ``("MISSING", regex)`` inserted where an expected line was
    looked for (after the line the previous expectation matched)."""
    lines = _lines(text)
    tags = [""] * len(lines)
    missing_at: dict[int, list[str]] = {}
    pos = 0
    ok = True
    for rx in expect:
        pat = re.compile(rx)
        for j in range(pos, len(lines)):
            if pat.search(lines[j]):
                tags[j] = "GOOD"
                pos = j + 1
                break
        else:
            ok = False
            missing_at.setdefault(pos, []).append(rx)
    rej = [re.compile(r) for r in reject]
    for j, line in enumerate(lines):
        if any(p.search(line) for p in rej):
            tags[j] = "BAD"
            ok = False
    out: list[tuple[str, str]] = []
    for j, line in enumerate(lines):
        for rx in missing_at.get(j, ()):
            out.append(("MISSING", rx))
        out.append((tags[j], line))
    for rx in missing_at.get(len(lines), ()):
        out.append(("MISSING", rx))
    return ok, out


def _stop_text(kind: str, r, boot: Boot, steps: int) -> str:
    if kind == "halt":
        return f"halted with exit code {r.exit_code & 0xFF if r.exit_code is not None else 0}"
    if kind == "budget":
        return (f"budget exhausted after {boot.budget:,} instructions "
                f"(pc 0x{r.pc:08x}, ring {r.ring}): a hang or a loop?")
    if kind == "machine_check":
        return f"machine check: {r.detail or f'cpu {r.cpu} pc 0x{r.pc:08x}'}"
    if kind == "deadlock":
        return ("deadlock: every CPU waits for an interrupt that can never come "
                f"(after {steps:,} instructions)")
    if kind == "output_limit":
        return f"output limit: more than {boot.output_limit:,} bytes of console output"
    return kind


def run_one(job: dict) -> TestResult:
    """Run the test of ``job`` (from :func:`prepare_job`) in this process."""
    t: TestSpec = job["spec"]
    res = TestResult(t.name, t.points, 0, "failed", visibility=t.visibility,
                     tags=list(t.tags), description=t.description)
    if job.get("error"):
        res.reason = job["error"]
        return res
    from .console import Console
    from .engine import MachineConfig
    from .machine import Machine
    from ringvm.isa import ISA
    transcript: list[str] = []
    checks: list[tuple[str, str]] = []
    ok = True
    overlay: dict | None = None
    tlb = t.tlb_entries if t.tlb_entries is not None else ISA.machine["tlb_entries_default"]
    for i, boot in enumerate(t.boots, 1):
        if len(t.boots) > 1:
            checks.append(("BOOT", f"boot {i} of {len(t.boots)}"))
        config = MachineConfig(ram_size=t.ram, ncpus=t.cpus, tlb_entries=tlb)
        console = Console(input=boot.input, mode="scripted", capture=True)
        try:
            m = Machine(config, job["engine"], disk=job["disk"],
                        disk_snapshot=job["disk"] is not None, console=console)
        except UserError as e:
            res.reason = f"cannot create the machine: {e}"
            return res
        try:
            if overlay is not None:
                m.devices[-1].overlay = dict(overlay)
            try:
                m.load_elf(job["elf"])
            except UserError as e:
                res.reason = f"cannot load the kernel: {e}"
                return res
            done = 0
            while True:
                r = m.run(max_steps=min(CHUNK, boot.budget - done))
                done += r.steps
                if len(console.captured) > boot.output_limit:
                    kind = "output_limit"
                    break
                if r.kind != "budget":
                    kind = r.kind
                    break
                if done >= boot.budget:
                    kind = "budget"
                    break
            res.steps += done
            if job["disk"] is not None:
                overlay = dict(m.devices[-1].overlay)
        finally:
            m.close()
        out = bytes(console.captured)
        if kind == "output_limit":
            out = out[:boot.output_limit]
        text = out.decode("utf-8", errors="backslashreplace")
        transcript.append(text)
        good, annotated = check_transcript(text, boot.expect, boot.reject)
        checks += annotated
        prefix = f"boot {i}: " if len(t.boots) > 1 else ""
        stop_ok = boot.stop == "any" or boot.stop == kind
        if not stop_ok:
            why = _stop_text(kind, r, boot, done)
            if boot.stop != "halt":
                why += f" (expected: {boot.stop.replace('_', ' ')})"
            res.reason = res.reason or prefix + why
            ok = False
        elif kind == "halt" and boot.exit_code is not None and \
                (r.exit_code or 0) & 0xFF != boot.exit_code:
            res.reason = res.reason or (prefix + f"exit code {(r.exit_code or 0) & 0xFF}, "
                                        f"expected {boot.exit_code}")
            ok = False
        if not good:
            ok = False
            if not res.reason:
                miss = [x for tag, x in annotated if tag == "MISSING"]
                bad = [x for tag, x in annotated if tag == "BAD"]
                if miss:
                    res.reason = prefix + f"expected output missing: /{miss[0]}/" + (
                        f" (+{len(miss) - 1} more)" if len(miss) > 1 else "")
                else:
                    res.reason = prefix + f"forbidden output: {bad[0][:80]!r}"
        if not ok:
            if i < len(t.boots):
                checks.append(("BOOT", f"boots {i + 1}-{len(t.boots)} not run"))
            break
    res.transcript = "".join(
        (f"===== boot {i} =====\n" if len(transcript) > 1 else "") + x
        + ("" if x.endswith("\n") or not x else "\n")
        for i, x in enumerate(transcript, 1))
    res.checks = checks
    score = Fraction(t.points).limit_denominator(10**6) if ok else Fraction(0)
    if t.partial == "expect":
        n = sum(len(b.expect) for b in t.boots)
        x = sum(1 for tag, _ in checks if tag == "GOOD")
        res.partial = (x, n)
        score = Fraction(t.points).limit_denominator(10**6) * x / n
        if not ok:
            res.reason = res.reason + f" (partial credit: {x} of {n} expected lines)"
    elif t.partial:
        found = PARTIAL_RE.findall("".join(transcript))
        if found:
            x, n = (int(v) for v in found[-1])
            n = max(n, 1)
            x = min(x, n)
            res.partial = (x, n)
            score = Fraction(t.points).limit_denominator(10**6) * x / n
            if x < n:
                ok = False
                res.reason = res.reason or f"partial credit: {x} of {n}"
        elif ok:
            ok = False
            res.reason = "no PARTIAL CREDIT line in the output"
            score = Fraction(0)
    res.score = _round(score)
    res.status = "passed" if ok else "failed"
    return res


# ------------------------------------------------------------------ running a suite

def _child(job: dict, conn) -> None:
    try:
        res = run_one(job)
        conn.send(("ok", res))
    except BaseException as e:   # noqa: BLE001 — report, never hang the parent
        import traceback
        try:
            conn.send(("error", f"{type(e).__name__}: {e}\n{traceback.format_exc()}"))
        except Exception:        # noqa: BLE001
            pass
    finally:
        conn.close()


_CTX = None


def _context():
    """The multiprocessing context for test processes: ``fork`` where the platform has
    it (a test process starts in milliseconds and imports nothing: everything it needs
    is imported here first), else ``spawn``. The grader itself runs no threads (its
    progress bar is refreshed by hand), so forking is safe."""
    global _CTX
    if _CTX is None:
        import ringvm.emulator.console  # noqa: F401 — imported before forking
        import ringvm.emulator.engines as engines
        import ringvm.emulator.machine  # noqa: F401
        for kind in engines.available_engines():
            if kind == "native":
                import ringvm.emulator.engine_native  # noqa: F401
            else:
                import ringvm.emulator.engine_python  # noqa: F401
        methods = multiprocessing.get_all_start_methods()
        _CTX = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return _CTX


def _crash_result(t: TestSpec, reason: str) -> TestResult:
    return TestResult(t.name, t.points, 0, "failed", reason=reason,
                      visibility=t.visibility, tags=list(t.tags), description=t.description)


def run_jobs(jobs: list[dict], nproc: int = 1, on_done=None, on_start=None,
             host_timeout: float = DEFAULT_HOST_TIMEOUT, depends=None) -> dict[str, TestResult]:
    """Run each job in its own process, at most ``nproc`` at a time, honouring
    dependencies (``depends``: name -> list of names; a test runs only after its
    dependencies passed, else it is marked not run). Returns name -> result."""
    import time
    ctx = _context()
    depends = depends or {}
    # start the biggest tests (by instruction budget) first among those that are
    # ready, so a long test does not end up alone at the end of a parallel run; the
    # order changes only the wall time, never a result
    order = {id(j): i for i, j in enumerate(jobs)}
    pending = sorted(jobs, key=lambda j: (-sum(b.budget for b in j["spec"].boots),
                                          order[id(j)]))
    running: dict = {}          # conn -> (proc, job, deadline)
    results: dict[str, TestResult] = {}

    def finish(job, res):
        results[job["spec"].name] = res
        if on_done:
            on_done(res)

    try:
        while pending or running:
            # start what can start
            progress = True
            while progress:
                progress = False
                for job in list(pending):
                    t = job["spec"]
                    deps = depends.get(t.name, [])
                    failed = [d for d in deps if d in results and not results[d].passed]
                    if failed:
                        pending.remove(job)
                        r = _crash_result(t, f"not run: depends on {', '.join(failed)}, "
                                             f"which did not pass")
                        r.status = "not_run"
                        finish(job, r)
                        progress = True
                        continue
                    if any(d not in results for d in deps):
                        continue
                    if len(running) >= nproc:
                        break
                    pending.remove(job)
                    if job.get("error"):
                        finish(job, run_one(job))
                        progress = True
                        continue
                    recv, send = ctx.Pipe(duplex=False)
                    p = ctx.Process(target=_child, args=(job, send), daemon=True)
                    p.start()
                    send.close()
                    if on_start:
                        on_start(t)
                    running[recv] = (p, job, time.monotonic() + host_timeout)
                    progress = True
            if not running:
                if pending:     # only jobs waiting on deps that can never finish
                    for job in pending:
                        finish(job, _crash_result(job["spec"], "not run: dependencies"))
                    pending.clear()
                break
            ready = multiprocessing.connection.wait(list(running), timeout=1.0)
            now = time.monotonic()
            for conn in list(running):
                p, job, deadline = running[conn]
                t = job["spec"]
                if conn in ready:
                    try:
                        kind, payload = conn.recv()
                    except (EOFError, OSError):
                        p.join(5)
                        code = p.exitcode
                        why = (f"signal {-code}" if code is not None and code < 0
                               else f"exit status {code}")
                        kind, payload = "crash", f"the test process crashed ({why})"
                    conn.close()
                    p.join(10)
                    del running[conn]
                    if kind == "ok":
                        finish(job, payload)
                    elif kind == "error":
                        finish(job, _crash_result(
                            t, "internal error: " + payload.splitlines()[0]))
                    else:
                        finish(job, _crash_result(t, payload))
                elif now > deadline:
                    p.kill()
                    p.join(5)
                    conn.close()
                    del running[conn]
                    finish(job, _crash_result(
                        t, f"host timeout: still running after {host_timeout:.0f} s"))
    finally:
        for conn, (p, _job, _d) in running.items():
            p.kill()
            p.join(5)
            conn.close()
    return results


def grade(suite: Suite, jobs: int = 1, only: list[str] | None = None, on_done=None,
          on_start=None, host_timeout: float = DEFAULT_HOST_TIMEOUT) -> GradeRun:
    """Run ``suite`` (optionally the ``only`` selection) with ``jobs`` processes."""
    import tempfile
    from .machine import choose_engine
    engine, _note = choose_engine(suite.engine)
    tests = select_tests(suite, only)
    with tempfile.TemporaryDirectory(prefix="ringvm-grade-") as tmp:
        builder = _Builder(suite, Path(tmp))
        job_list = [prepare_job(suite, t, builder, engine) for t in tests]
        results = run_jobs(job_list, max(1, jobs), on_done=on_done, on_start=on_start,
                           host_timeout=host_timeout,
                           depends={t.name: t.depends for t in tests})
    return GradeRun(suite, [results[t.name] for t in tests], engine)
