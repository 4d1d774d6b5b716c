"""The native engine under AddressSanitizer and UndefinedBehaviorSanitizer.

A sanitized copy of the C core is built out of tree (``build_core.build``: the same
cdef, units and header as the installed one, the SANITIZE flags), and loaded through
``RINGVM_NATIVE_CORE`` by child processes that preload the ASan runtime. The installed
engine is never touched. Three checks:

- the copy is instrumented, and a planted out-of-bounds store (RAM handed to the core
  smaller than the machine's RAM size) is reported, so a clean run means something;
- every native-engine test of ``tests/engines`` and ``tests/native`` passes with no
  report (the tests that run only the Python engine are left out: they never reach C;
  this file skips itself there);
- the monolithic kernel boots on it and passes ``usertests quick`` with no report.

Any report halts the child (``halt_on_error``). The child pytest captures output at
the Python level only (``--capture=sys``): with fd capture, a report written to fd 2
during a test dies with the process, unseen. ASan also writes its reports to files
(``log_path``; UBSan ignores it when combined with ASan), which keeps those of a child's
children. Measured on two busy cores (load 3): about 95 s, of which the
build 6-15 s, the engine tests 85 s (about 1.5x their plain time), the boot 3 s.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from elftools.elf.dynamic import DynamicSection
from elftools.elf.elffile import ELFFile

pytestmark = pytest.mark.long

ROOT = Path(__file__).resolve().parents[2]
ENGINE_TESTS = ROOT / "tests" / "engines"
NATIVE_TESTS = ROOT / "tests" / "native"
REPORTS = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer")

#: the child pytest: checks it loaded the sanitized core, then runs the engine tests
#: without the items whose only engine is the Python one (366 of the 606 items of
#: tests/engines run, and 46 of tests/native)
SUITE = """
import os, sys, pytest

class NativeOnly:
    def pytest_sessionstart(self, session):
        import ringvm.native._core as core
        assert os.path.samefile(core.__file__, os.environ["RINGVM_NATIVE_CORE"]), core.__file__

    def pytest_collection_modifyitems(self, config, items):
        def python_only(item):
            params = getattr(getattr(item, "callspec", None), "params", {}).values()
            return "python" in params and "native" not in params
        dropped = [i for i in items if python_only(i)]
        items[:] = [i for i in items if not python_only(i)]
        config.hook.pytest_deselected(items=dropped)

sys.exit(pytest.main(sys.argv[1:], plugins=[NativeOnly()]))
"""

#: a store one byte past the RAM buffer the core was given (8 KiB, while the machine
#: believes it has 16 KiB): undefined behaviour that a plain build runs silently
PLANTED = """
import sys
sys.path.insert(0, sys.argv[1])
import enginekit
from ringvm.emulator.engine.native import ffi, lib
eng = enginekit.boot("native", '''
_start:
    li t0, KSEG + 0x2000
    li t1, 0x5a
    sw t1, 0(t0)
    li a0, 0
    exit
''', ram_size=16384)
small = ffi.new("uint8_t[]", 8192)
small[0:8192] = bytes(eng.ram[:8192])
lib.rv_set_ram(eng._m, small)
print(eng.run(100))
"""


@pytest.fixture(scope="module")
def sanitized(tmp_path_factory):
    """(path of the sanitized core, a function giving a child environment for it)."""
    if os.environ.get("RINGVM_NATIVE_CORE"):
        pytest.skip("this run already uses a core given by RINGVM_NATIVE_CORE")
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("no gcc: the sanitized build needs gcc and its ASan runtime")
    runtime = subprocess.run([gcc, "-print-file-name=libasan.so"], capture_output=True,
                             text=True).stdout.strip()
    if not os.path.isabs(runtime) or not os.path.exists(runtime):
        pytest.skip(f"gcc has no ASan runtime (gcc -print-file-name=libasan.so: {runtime!r})")
    out = tmp_path_factory.mktemp("sanitized")
    build = subprocess.run([sys.executable, "-m", "ringvm.native.build_core", "--sanitize",
                            str(out / "build")], capture_output=True, text=True, timeout=900)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    core = Path(build.stdout.strip().splitlines()[-1])
    assert core.is_file(), build.stdout[-3000:]

    def child_env(logs: Path) -> dict[str, str]:
        logs.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        env.update(
            LD_PRELOAD=runtime, RINGVM_NATIVE_CORE=str(core),
            RINGVM_CACHE=str(out / "cache"), NO_COLOR="1",
            ASAN_OPTIONS=f"detect_leaks=0:halt_on_error=1:log_path={logs}/asan",
            UBSAN_OPTIONS=f"halt_on_error=1:print_stacktrace=1:log_path={logs}/ubsan")
        return env
    return core, child_env


def reports(proc: subprocess.CompletedProcess, logs: Path) -> str:
    """Every sanitizer report of a child: its log files, and any on its output."""
    text = "".join(p.read_text(errors="replace") for p in sorted(logs.iterdir()))
    out = proc.stdout + proc.stderr
    text += "".join(line + "\n" for line in out.splitlines() if any(r in line for r in REPORTS))
    return text


def tail(proc: subprocess.CompletedProcess) -> str:
    return f"exit {proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"


def test_the_sanitized_core_is_instrumented_and_reports_a_planted_overflow(
        sanitized, tmp_path):
    core, child_env = sanitized
    with core.open("rb") as f:
        elf = ELFFile(f)
        needed = {t.needed for s in elf.iter_sections() if isinstance(s, DynamicSection)
                  for t in s.iter_tags() if t.entry.d_tag == "DT_NEEDED"}
        undefined = {s.name for s in elf.get_section_by_name(".dynsym").iter_symbols()
                     if s["st_shndx"] == "SHN_UNDEF"}
    assert any(n.startswith("libasan") for n in needed), needed
    assert any(n.startswith("libubsan") for n in needed), needed
    assert "__asan_report_store4" in undefined               # loads/stores are checked
    assert any(n.startswith("__ubsan_handle_") for n in undefined)

    logs = tmp_path / "logs"
    proc = subprocess.run([sys.executable, "-c", PLANTED, str(ENGINE_TESTS)], cwd=tmp_path,
                          env=child_env(logs), capture_output=True, text=True, timeout=300)
    found = reports(proc, logs)
    assert proc.returncode != 0, tail(proc)
    assert "ERROR: AddressSanitizer: heap-buffer-overflow" in found, tail(proc) + found
    assert "WRITE of size 4" in found and "exec.c" in found, found   # in the core's store


def test_the_engine_tests_pass_on_the_sanitized_core_with_no_report(sanitized, tmp_path):
    core, child_env = sanitized
    logs = tmp_path / "logs"
    proc = subprocess.run(
        [sys.executable, "-c", SUITE, "-q", "--capture=sys", "-p", "no:xdist",
         "-p", "no:cacheprovider",
         "--basetemp", str(tmp_path / "base"), str(ENGINE_TESTS), str(NATIVE_TESTS)],
        cwd=ROOT, env=child_env(logs), capture_output=True, text=True, timeout=1800)
    found = reports(proc, logs)
    assert proc.returncode == 0 and not found, tail(proc) + found
    assert " passed" in proc.stdout and " deselected" in proc.stdout, tail(proc)


def test_usertests_quick_passes_on_the_sanitized_core_with_no_report(sanitized, tmp_path):
    core, child_env = sanitized
    logs = tmp_path / "logs"
    proc = subprocess.run(
        [sys.executable, "-m", "ringvm.emulator.cli", "boot", "monolithic", "--engine",
         "native", "--snapshot", "--stats", "--input", "usertests quick\\nexit 7\\n"],
        cwd=tmp_path, env=child_env(logs), capture_output=True, text=True, timeout=900)
    found = reports(proc, logs)
    assert proc.returncode == 7 and not found, tail(proc) + found
    assert "usertests: OK" in proc.stdout and "FAILED" not in proc.stdout, tail(proc)
    assert "engine native" in proc.stderr, tail(proc)
