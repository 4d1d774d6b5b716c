"""cffi build script for the native engine (API mode): compiles the C core in native/
into ``ringvm.native._core``. Used by setup.py (``cffi_modules``); paths are relative to
this file so it works from a clean clone, ``pip install -e .`` and ``pip install .``.

The cdef is not written here: ``cdef_from_header`` derives it mechanically from
``api.h``, the one header that declares what Python sees (its opening comment states
the rules), so the declarations cannot drift from the C.
"""
import os
import re
from pathlib import Path

from cffi import FFI

# setuptools refuses absolute source paths: name them relative to the working directory
# (the repository root when pip builds), wherever this file lives. An out-of-tree build
# (`build`) needs them absolute: cffi compiles from inside its output folder.
NATIVE_DIR = Path(__file__).resolve().parent
HERE = Path(os.path.relpath(NATIVE_DIR))

API_HEADER = "api.h"
# the translation units, one per concern (see each file's opening comment)
SOURCES = ["run.c", "interp.c", "block.c", "dcache.c", "exec.c", "mmu.c", "trap.c", "csr.c", "devices.c"]
HEADERS = ["api.h", "internal.h", "isa_gen.h"]

# Beyond -O2 -fno-strict-aliasing, two measured choices (callgrind for instruction
# counts; CPU time for speed; bench_engines guests tight / syscall / tlbmiss):
# -flto: split into units, the hot loop (interp.c) calls the CSR, interrupt, return and
#   privilege helpers of csr.c and trap.c, which GCC used to inline when they shared one
#   unit with it. Host instructions per guest instruction: one unit 44.4 / 89.1 / 113.9;
#   split, no LTO 44.3 / 102.1 / 121.6 (+15% on syscalls); split with -flto 44.4 / 88.7 /
#   113.7. Making those helpers static inline in internal.h would also recover it, but
#   would move most of csr.c and trap.c into the header. LTO generates code at link
#   time, so the link gets the same flags.
# -falign-jumps=64 -falign-functions=64: the hot loop is front-end bound (about 44 host
#   instructions per guest instruction at 430 MIPS), so its speed depends on where its
#   blocks fall in 64-byte fetch windows. The split moved them: same instruction count,
#   tight 432 -> 370 MIPS. Aligning the jump-only targets (the threaded handlers that
#   computed gotos enter) and the functions fixes their placement instead of leaving it
#   to luck: 434 / 230 / 170 MIPS against 432 / 222 / 173 for the one-unit core. The
#   padding is never executed (instruction counts unchanged).
CFLAGS = ["-O2", "-fno-strict-aliasing", "-flto",
          "-falign-jumps=64", "-falign-functions=64"]

# A sanitized build is a checking engine, never a fast one: AddressSanitizer and
# UndefinedBehaviorSanitizer (any report aborts), -O1 -g, no LTO. The Python running it
# is not built with ASan, so the runtime must be preloaded. Two ways to get one:
# - out of tree, the installed engine untouched (what tests/native/test_sanitized_engine.py
#   does): `python -m ringvm.native.build_core --sanitize DIR` prints the built file;
#   RINGVM_NATIVE_CORE=that-file makes ringvm load it (native/__init__.py);
# - in place: `RINGVM_SANITIZE=1 pip install -e .` (then rebuild without it).
# Then run under
#   LD_PRELOAD=$(gcc -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0 \
#       python -m pytest -p no:xdist --capture=sys tests/native tests/engines
# (--capture=sys: under fd capture a report printed during a test is lost with the process)
SANITIZE = ["-O1", "-g", "-fno-omit-frame-pointer", "-fno-strict-aliasing",
            "-fsanitize=address,undefined", "-fno-sanitize-recover=undefined"]

PRIVATE = "RV_PRIVATE"              # api.h: a declaration/member the cdef leaves out
ISA_NAMES = "RV_API_ISA_NAMES"      # api.h: isa_gen.h names exported as constants


def _split_top(text: str) -> list[str]:
    """Top-level declarations of `text` (split at `;` outside braces), whitespace-normalized."""
    decls, depth, cur = [], 0, []
    for ch in text:
        cur.append(ch)
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                raise ValueError("api.h: unbalanced '}'")
        elif ch == ";" and depth == 0:
            decls.append(" ".join("".join(cur).split()))
            cur = []
    if depth or "".join(cur).strip():
        raise ValueError(f"api.h: unterminated declaration: {''.join(cur).strip()[:60]!r}")
    return decls


def _member(decl: str) -> str:
    """A struct member for the cdef: every array bound becomes [...]."""
    return re.sub(r"\[[^\]]+\]", "[...]", decl)


def cdef_from_header(text: str) -> str:
    """The cffi cdef of api.h's text, by the rules in api.h's opening comment."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = text.replace("\\\n", " ")
    consts, body = [], []
    for line in text.splitlines():
        s = line.strip()
        if not s.startswith("#"):
            body.append(line)
            continue
        m = re.match(r"#\s*(\w+)\s*(.*)$", s)
        directive, rest = m.group(1), m.group(2).strip()
        if directive in ("ifndef", "endif", "include"):   # include guard, headers
            continue
        if directive != "define":
            raise ValueError(f"api.h: #{directive} is not allowed (see the rules at the top)")
        m = re.match(r"(\w+)(\([^)]*\))?\s*(.*)$", rest)
        name, params, value = m.groups()
        if name == ISA_NAMES:
            consts += [f"#define {n} ..." for n in re.findall(r"\bX\((\w+)\)", value)]
        elif params:
            raise ValueError(f"api.h: function-like macro {name} is not allowed")
        elif value:
            consts.append(f"#define {name} ...")
        # a valueless define (the include guard, RV_PRIVATE) declares nothing
    out = consts + [""]
    for decl in _split_top("\n".join(body)):
        if decl.startswith(PRIVATE + " ") or decl == PRIVATE + ";":
            continue
        m = re.fullmatch(r"struct (\w+) \{(.*)\} ?;", decl)
        if not m:
            if "{" in decl:
                raise ValueError(f"api.h: unsupported declaration {decl[:60]!r}")
            out.append(decl)   # a function prototype (or a struct declaration)
            continue
        name, members = m.group(1), _split_top(m.group(2))
        if any("{" in d for d in members):
            raise ValueError(f"api.h: struct {name}: nested struct bodies are not allowed")
        kept = [_member(d) for d in members if not d.startswith(PRIVATE + " ")]
        if len(kept) < len(members):
            kept.append("...;")   # private members elided: the compiler knows the layout
        out.append(f"struct {name} {{\n" + "".join(f"    {d}\n" for d in kept) + "};")
    return "\n".join(out) + "\n"


CDEF = cdef_from_header((NATIVE_DIR / API_HEADER).read_text())


def make_ffibuilder(sanitize: bool = False, src: Path = HERE) -> FFI:
    """The cffi builder of ``ringvm.native._core``: the cdef, the units of ``src`` (this
    folder), and CFLAGS, or SANITIZE when ``sanitize``."""
    flags = SANITIZE if sanitize else CFLAGS
    builder = FFI()
    builder.cdef(CDEF)
    builder.set_source(
        "ringvm.native._core",
        f'#include "{API_HEADER}"',
        sources=[str(src / f) for f in SOURCES],
        include_dirs=[str(src)],
        depends=[str(src / f) for f in HEADERS],
        extra_compile_args=flags,
        extra_link_args=flags,
    )
    return builder


def build(outdir, sanitize: bool = True, verbose: bool = False) -> Path:
    """Compile a copy of the core into the folder ``outdir`` (out of tree: the installed
    engine is untouched); returns the extension file, for RINGVM_NATIVE_CORE."""
    builder = make_ffibuilder(sanitize, src=NATIVE_DIR)
    return Path(builder.compile(tmpdir=str(outdir), verbose=verbose)).resolve()


# what setup.py (cffi_modules) builds; RINGVM_SANITIZE=1 makes it the checking engine
ffibuilder = make_ffibuilder(sanitize=bool(os.environ.get("RINGVM_SANITIZE")))

if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description="build the native core out of tree")
    ap.add_argument("outdir", help="folder for the build (created if missing)")
    ap.add_argument("--sanitize", action="store_true", help="ASan + UBSan, -O1 -g")
    args = ap.parse_args()
    Path(args.outdir).mkdir(parents=True, exist_ok=True)
    print(build(args.outdir, sanitize=args.sanitize))
