"""native/api.h is the one declaration of the native engine's API: build_core.py derives
its cffi cdef from it mechanically, and the built extension shows Python exactly what the
header declares (minus RV_PRIVATE members), so the two cannot drift apart. And the C core
stays split by concern: every unit is built, none grows past ~700 lines (DESIGN.md
principle 3; the generated isa_gen.h excepted)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import ringvm.native
from ringvm.native import build_core
from ringvm.native._core import ffi, lib   # ImportError (a failure) if not built

NATIVE = Path(ringvm.native.__file__).parent
API = NATIVE / "api.h"


def header_text() -> str:
    """api.h without comments and line continuations."""
    text = re.sub(r"/\*.*?\*/", " ", API.read_text(), flags=re.S)
    return text.replace("\\\n", " ")


def header_structs() -> dict[str, tuple[list[str], list[str]]]:
    """struct name -> (public member names, private member names), read from api.h."""
    out = {}
    for m in re.finditer(r"(RV_PRIVATE\s+)?struct\s+(\w+)\s*\{(.*?)\}\s*;", header_text(), re.S):
        if m.group(1):
            continue
        public, private = [], []
        for decl in (d.strip() for d in m.group(3).split(";")):
            if not decl:
                continue
            hidden = decl.startswith("RV_PRIVATE")
            decl = re.sub(r"\[[^\]]*\]", "", decl.removeprefix("RV_PRIVATE").strip())
            declarators = re.match(r"(?:const\s+)?(?:struct\s+)?\w+\s*(.*)$", decl, re.S).group(1)
            names = re.findall(r"\w+", declarators)
            (private if hidden else public).extend(names)
        out[m.group(2)] = (public, private)
    return out


def test_the_cdef_is_derived_from_api_h_not_written_by_hand():
    assert build_core.CDEF == build_core.cdef_from_header(API.read_text())
    source = (NATIVE / "build_core.py").read_text()
    assert "struct rv_cpu {" not in source and "rv_run(" not in source


def test_every_public_struct_member_in_api_h_is_what_python_sees():
    structs = header_structs()
    assert {"rv_tlbe", "rv_cpu", "rv_event", "rv_mmio", "rv_watch", "rv_whit", "rv_stop",
            "machine"} <= set(structs)
    for name, (public, private) in structs.items():
        seen = [f for f, _ in ffi.typeof(f"struct {name}").fields]
        assert seen == public, f"struct {name}: extension is stale or the cdef drifted"
        assert not set(private) & set(seen), f"struct {name}: a private member leaked"


def test_every_function_and_constant_in_api_h_is_in_the_extension():
    text = header_text()
    top_level = re.sub(r"\{.*?\}", "", text, flags=re.S)   # without struct bodies
    functions = set(re.findall(r"\b(rv_\w+)\s*\(", top_level))
    built = {n for n in dir(lib) if n.startswith("rv_")}
    assert functions and functions == built
    for name, value in re.findall(r"^\s*#define\s+(RV_\w+)[ \t]+(\S[^\n]*)$", text, re.M):
        if name == build_core.ISA_NAMES:
            for isa_name in re.findall(r"X\((\w+)\)", value):
                assert isinstance(getattr(lib, isa_name), int)
        elif re.fullmatch(r"-?\d+", value.strip()):
            assert getattr(lib, name) == int(value), name
        else:
            assert isinstance(getattr(lib, name), int), name


def test_the_python_visible_surface_is_kept():
    """the names emulator/engine_native.py relies on"""
    for n in ["RV_STOP_BUDGET", "RV_STOP_HALT", "RV_STOP_BREAKPOINT", "RV_STOP_MMIO",
              "RV_STOP_MACHINE_CHECK", "RV_STOP_IDLE", "RV_STOP_WATCHPOINT", "RV_RUNNING",
              "RV_WAITING", "RV_STOPPED", "RV_XL_OK", "RV_XL_EXC", "RV_XL_EXIT", "RV_XL_MC",
              "CSR_BANK_FIRST", "CSR_BANK_COUNT", "CSR_HYP_FIRST", "CSR_HYP_COUNT",
              "MACHINE_TLB_ENTRIES_MAX"]:
        assert isinstance(getattr(lib, n), int), n
    cpu = dict(ffi.typeof("struct rv_cpu").fields)
    assert len(ffi.new("struct rv_cpu *").tlb) == lib.MACHINE_TLB_ENTRIES_MAX
    assert {"r", "pc", "ring", "v", "mode", "cycle", "hcsr", "gcsr", "xcsr", "ipend",
            "tcmp", "tint", "ten", "bp_skip", "c_idle", "c_retired_by_ring", "tlb"} <= set(cpu)


def test_private_members_are_elided_and_the_struct_left_open():
    cdef = build_core.cdef_from_header(
        "#define RV_PRIVATE\n#define N 4\n"
        "struct s { int a[N]; RV_PRIVATE int b; };\nstruct t { int c; };\n"
        "RV_PRIVATE struct u { int d; };\nint f(struct s *p);\n")
    assert cdef == ("#define N ...\n\nstruct s {\n    int a[...];\n    ...;\n};\n"
                    "struct t {\n    int c;\n};\nint f(struct s *p);\n")


@pytest.mark.parametrize("text", [
    "#if FOO\nint f(void);\n#endif\n",
    "#define F(x) (x)\n",
    "struct s { struct { int a; } in; };\n",
    "int f(void)\n",
])
def test_the_derivation_refuses_what_it_cannot_translate(text):
    with pytest.raises(ValueError):
        build_core.cdef_from_header(text)


MAX_LINES = 700
GENERATED = {"isa_gen.h", "_core.c"}   # from isa/ringvm.toml; cffi's output, if built here


def native_sources() -> list[Path]:
    return sorted(p for p in NATIVE.iterdir()
                  if p.suffix in (".c", ".h", ".py") and p.name not in GENERATED)


def test_no_native_file_is_over_700_lines():
    sizes = {p.name: len(p.read_text().splitlines()) for p in native_sources()}
    assert {"api.h", "internal.h", "interp.c", "run.c", "mmu.c"} <= set(sizes)
    too_long = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert not too_long, f"split these by concern (at most {MAX_LINES} lines): {too_long}"


def test_every_c_file_is_a_unit_of_the_build_and_every_header_a_dependency():
    units = {p.name for p in native_sources() if p.suffix == ".c"}
    assert units == set(build_core.SOURCES)
    headers = {p.name for p in NATIVE.iterdir() if p.suffix == ".h"}
    assert headers == set(build_core.HEADERS)
