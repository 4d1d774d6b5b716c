"""``ringvm grade``: grading suites for kernels — deterministic, parallel, ready for a class.

A *suite* is a TOML file listing tests. Each test boots a kernel (a bundled guest, or
sources from a submission folder, assembled on the spot) on a fresh machine with a
copy-on-write disk and scripted console input, runs it for at most ``max_steps``
steps, and checks the console transcript against regexes. Every test runs in its own
process; time is counted only in steps, so a suite gives the same scores and the same
transcripts every time it runs.

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
    max_steps = "200M"

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
    defines = { NBUF = 4 }          # -D for the kernel (either kind)
    options = ["flexsc"]            # a bundled guest's named build options
    include = [".", "../lib"]       # include paths, relative to the submission directory
                                    # (default: the kernel's directory); guests/lib of
                                    # ringvm is always searched last
    cpus = 1
    ram = "32M"
    tlb_entries = 64
    nic = "loopback"                # the network interface's backend (ISA.md §9), or
                                    # "none"; absent: a bundled guest's own, else none
    disk = { ... }                  # see below; absent or false: no disk; a list of
                                    # tables: several disks (disk, disk1, ...)
    modules = [{ name = "fs", source = "servers/fs.s", base = 0x1000 }]
                                    # boot modules (ISA.md §11), in order: `source` (in
                                    # the submission, assembled with its directory,
                                    # `include` and guests/lib), `guest` (a bundled
                                    # guest's ELF) or `file`; optional `addr`, or
                                    # `linked = true` (an ELF at its own addresses);
                                    # `defines` (-D) for a source or guest. Absent: a
                                    # bundled guest's own [[module]]s, else none

    # --- one boot (the common case)
    input = "ls\\nexit\\n"            # console input, then end of input (TOML escapes)
    max_steps = "50M"               # the step limit (ISA.md §10 steps: instructions,
                                    # faults, idle cycles; all CPUs; K/M/G = 10^3/6/9;
                                    # default 100M). Old name: budget
    output_limit = "64K"            # bytes of console output before the test fails
                                    # (default 256K)
    expect = ['^\\$ ls', 'README']   # regexes (Python `re.search`), each must match a line,
                                    # in this order (each after the line the previous matched)
    reject = ['^panic:']            # regexes no line may match
    exit_code = 0                   # the halt code expected (absent: any)
    stop = "halt"                   # how the run must end: halt | max_steps |
                                    # machine_check | deadlock | any

    # --- or several boots of one disk (files written by boot 1 are seen by boot 2)
    [[test.boots]]
    input = "echo hi > f\\n"
    expect = ['.']
    [[test.boots]]
    input = "cat f\\n"
    expect = ['^hi$']

The per-boot keys (``input max_steps output_limit expect reject exit_code stop``) given on
the test (or in ``[defaults]``) are the defaults of each of its ``boots``. A test without
``boots`` is one boot.

Disks — the image is never modified: every boot runs in snapshot mode (writes live in
an in-memory overlay), and the overlay of boot *k* is handed to boot *k+1*::

    disk = { guest = "monolithic" }                # the built image of a bundled guest
    disk = { image = "fs.img" }                    # an image file (submission directory)
    disk = { programs = "../user",                 # built like a guest.toml [disk]
             files = "../user/rootfs",             # table (images/rootdisk.py; also
                                                   # `stubs`, `tools`), paths
             size = 4096, inodes = 256,            # relative to the submission directory
             add = { "notes.txt" = "hello\\n" } }  # extra files (name -> content)
    disk = { size = 64, inodes = 16 }              # an empty file system

Scoring: a test passes when every boot ended as ``stop`` says (with ``exit_code``), every
``expect`` regex matched in order, and no ``reject`` regex matched; it then earns its
``points``. With ``partial = true`` the last line matching ``PARTIAL CREDIT X OF N`` in
the transcript (any boot) sets the score to ``points * X / N`` (rounded to 0.01) —
whether or not the other checks passed, so a kernel that fails three of forty checks
keeps most of the points; it passes only with X = N and every check. With
``partial = "expect"`` the score is ``points * X / N`` where N counts the ``expect``
regexes of every boot and X those that matched (a kernel that hangs in the middle of
``usertests`` keeps the credit of the tests it passed first). A test that
crashes, reaches its step limit, floods the console, hits a machine check, or whose kernel
does not assemble fails with the reason (assembly errors keep their ``file:line``). A
test whose ``depends`` did not all pass is not run and scores 0. ``--only`` also runs
the dependencies of the selected tests.

API: :func:`load_suite` (raises :class:`ringvm.errors.UserError` with ``file: test
'name': ...`` messages), :func:`grade` (runs a suite, returns a :class:`GradeRun`),
:func:`run_one` (one test in this process), :func:`prepare_job`.
"""
from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ringvm.errors import UserError

__all__ = ["Boot", "TestSpec", "Suite", "TestResult", "GradeRun", "load_suite",
           "select_tests"]

PARTIAL_RE = re.compile(r"PARTIAL CREDIT (\d+) OF (\d+)")
NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
STOPS = ("halt", "max_steps", "machine_check", "deadlock", "any")
#: old spellings still accepted: key ``budget`` = ``max_steps``, ``stop = "budget"``
DEPRECATED = {"budget": "max_steps"}
DEFAULT_MAX_STEPS = 100_000_000
DEFAULT_OUTPUT_LIMIT = 256_000
#: steps per chunk between output-limit checks
CHUNK = 1_000_000
#: host seconds a test may take before it is stopped (a safety net only: max_steps is
#: the real limit, counted in steps)
DEFAULT_HOST_TIMEOUT = 600.0

_BOOT_KEYS = {"input", "max_steps", "output_limit", "expect", "reject", "exit_code", "stop",
              "budget"}
_TEST_KEYS = _BOOT_KEYS | {
    "name", "description", "points", "depends", "tags", "visibility", "partial",
    "guest", "kernel", "include", "defines", "options", "cpus", "ram", "tlb_entries", "disk",
    "boots", "modules", "nic"}
_SUITE_KEYS = {"name", "description", "submission", "engine"}
_DISK_KEYS = {"guest", "image", "programs", "more_programs", "stubs", "tools", "files",
              "size", "inodes", "add"}
_MODULE_KEYS = {"name", "source", "guest", "file", "base", "addr", "include", "linked",
                "defines"}


@dataclass
class Boot:
    """One boot of a test: console ``input`` (bytes), ``max_steps`` (steps), ``expect``
    / ``reject`` (regex strings), ``exit_code`` (None: any), ``stop``, ``output_limit``
    (bytes)."""
    input: bytes = b""
    max_steps: int = DEFAULT_MAX_STEPS
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
    defines: dict[str, int] = field(default_factory=dict)
    options: list[str] = field(default_factory=list)
    cpus: int = 1
    ram: int = 32 * 1024 * 1024
    tlb_entries: int | None = None
    disks: list[dict] = field(default_factory=list)
    boots: list[Boot] = field(default_factory=list)
    modules: list[dict] | None = None
    nic: str | None = None


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
    ``transcript``: the console output of every boot. ``steps``: steps executed (all boots).
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
    from ..machine import parse_count
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
    if "budget" in data and "max_steps" in data:
        raise UserError(f"{where}: give 'max_steps' only ('budget' is its old name)")
    for key in ("max_steps", "budget"):
        if key in data:
            b.max_steps = _count(data[key], f"{where}: {key}")
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
        stop = DEPRECATED.get(data["stop"], data["stop"])
        if stop not in STOPS:
            raise UserError(f"{where}: 'stop' must be one of {', '.join(STOPS)}")
        b.stop = stop
        if b.stop != "halt" and "exit_code" not in data:
            b.exit_code = None
    return b


def _disk(d, where: str) -> dict:
    if not isinstance(d, dict):
        raise UserError(f"{where}: must be a table (or false, or a list of tables)")
    extra = set(d) - _DISK_KEYS
    if extra:
        raise UserError(f"{where}: unknown key(s): {', '.join(sorted(extra))}")
    kinds = [k for k in ("guest", "image", "programs", "files") if k in d]
    if not kinds and "size" not in d and "add" not in d:    # size alone: an empty FS
        raise UserError(f"{where}: needs 'guest', 'image', 'programs', 'files' or 'size'")
    if ("guest" in d or "image" in d) and len(kinds) > 1:
        raise UserError(f"{where}: 'guest' and 'image' stand alone")
    if "add" in d and (not isinstance(d["add"], dict) or not all(
            isinstance(v, str) for v in d["add"].values())):
        raise UserError(f"{where}: add must map file names to strings")
    return dict(d)


def _module(m, where: str) -> dict:
    if not isinstance(m, dict):
        raise UserError(f"{where}: must be a table")
    extra = set(m) - _MODULE_KEYS
    if extra:
        raise UserError(f"{where}: unknown key(s): {', '.join(sorted(extra))}")
    if not isinstance(m.get("name"), str) or \
            len([k for k in ("source", "guest", "file") if k in m]) != 1:
        raise UserError(f"{where}: needs a name and one of source, guest, file")
    for key in ("base", "addr"):
        if key in m and (not isinstance(m[key], int) or isinstance(m[key], bool)):
            raise UserError(f"{where}: {key} must be an integer")
    if "linked" in m and not isinstance(m["linked"], bool):
        raise UserError(f"{where}: linked must be true or false")
    if "include" in m:
        _str_list(m["include"], f"{where}: include")
    if "defines" in m and (not isinstance(m["defines"], dict) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
            for k, v in m["defines"].items())):
        raise UserError(f"{where}: defines must be a table of NAME = integer")
    return dict(m)


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
    if "defines" in data:
        d = data["defines"]
        if not isinstance(d, dict) or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in d.values()):
            raise UserError(f"{where}: 'defines' must be a table of NAME = integer")
        t.defines = dict(d)
    if "options" in data:
        t.options = _str_list(data["options"], f"{where}: options")
        if not t.guest:
            raise UserError(f"{where}: 'options' are a bundled guest's (give 'guest')")
    if "include" in data:
        t.include = _str_list(data["include"], f"{where}: include")
    if "cpus" in data:
        t.cpus = _count(data["cpus"], f"{where}: cpus")
    if "ram" in data:
        from ..machine import parse_size
        try:
            t.ram = parse_size(data["ram"])
        except UserError as e:
            raise UserError(f"{where}: ram: {e}") from None
    if "tlb_entries" in data:
        t.tlb_entries = _count(data["tlb_entries"], f"{where}: tlb_entries")
    if "disk" in data:
        d = data["disk"]
        items = [] if d is False else d if isinstance(d, list) else [d]
        t.disks = [_disk(x, f"{where}: disk" + (f" {i}" if len(items) > 1 else ""))
                   for i, x in enumerate(items)]
    if "nic" in data:
        if not isinstance(data["nic"], str):
            raise UserError(f"{where}: 'nic' must be a string (loopback or none)")
        t.nic = data["nic"]
    if "modules" in data:
        if not isinstance(data["modules"], list):
            raise UserError(f"{where}: 'modules' must be an array of tables")
        t.modules = [_module(x, f"{where}: module {i}")
                     for i, x in enumerate(data["modules"], 1)]
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
    """Parse and validate the suite file at ``path`` (a directory: its ``suite.toml``;
    a bundled guest's name, or a path under ``guests/`` that does not exist here: the
    bundled suite, wherever ringvm is installed). ``submission`` and ``engine`` override
    the suite's. Raises :class:`UserError` naming the file and the test."""
    p = bundled_suite(path) or Path(path)
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


def bundled_suite(path: str | os.PathLike) -> Path | None:
    """The bundled suite ``path`` names when it is not a file here: ``monolithic`` (a
    bundled guest with a ``suite.toml``) or ``guests/monolithic/suite.toml`` (a path
    into the bundled guests, as the README writes it). None otherwise."""
    from ..images import find_guest, guests_dir
    p = Path(path)
    if p.exists():
        return None
    g = find_guest(str(path))
    if g is not None and (g.directory / "suite.toml").is_file():
        return g.directory / "suite.toml"
    if p.parts and p.parts[0] == "guests" and not p.is_absolute():
        q = guests_dir().joinpath(*p.parts[1:])
        if q.exists():
            return q
    return None


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
