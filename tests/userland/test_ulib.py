"""The user library (guests/user/lib) on the fake kernel: printf conversions, string
routines, malloc/free, readline — and single-process programs (echo, cat, wc, ls)."""
from __future__ import annotations

from pathlib import Path

import pytest

from ringvm.assembler import assemble_file
from ringvm.emulator.images.rootdisk import program_include_paths

from .conftest import USER_DIR
from .fakekernel import run_program

PROGS = Path(__file__).parent / "progs"


def _elf(path: Path) -> bytes:
    return assemble_file(str(path), [str(p) for p in program_include_paths(USER_DIR)],
                         base=0x1000)


def test_library():
    out, status, _ = run_program(_elf(PROGS / "libtest.s"), ["libtest"],
                                 stdin=b"one\ntwo\nlast")
    assert status == 0, out
    assert out.splitlines() == [
        "d=42 neg=-42 u=4294967295 x=beef c=Z s=hello null=(null) %",
        "[    7] [-7   ] [00255] [0000beef] [hello   ] [   hello] [-2147483648]",
        "to stderr 1234567890 0x00001000",
        "len=5 gt=0 ncmp=0 atoi=12345 -678 chr=8 cat=hellohelp",
        "moved=hhelloelp tail=ell",
        "malloc bad=0 big=1",
        "line[one", "] 4",
        "line[two", "] 4",
        "line[last] 4",
    ]


@pytest.mark.parametrize("argv, stdin, expect, status", [
    (["echo", "a", "b c"], b"", "a b c\n", 0),
    (["echo"], b"", "\n", 0),
    (["cat"], b"x\ny\n", "x\ny\n", 0),
    (["cat", "README", "nope"], b"", "hi there\ncat: nope: no such file or directory\n", 1),
    (["wc"], b"one two\n three\n", "2 3 15\n", 0),
    (["wc", "README"], b"", "1 2 9 README\n", 0),
    (["ls", "README"], b"", "README         file   7      9\n", 0),
    (["cp", "README"], b"", "usage: cp SRC DST\n", 2),
    (["grep", "er", "README"], b"", "hi there\n", 0),
    (["grep", "x"], b"ax\nb\nxx", "ax\nxx", 0),
    (["grep", "zzz", "README"], b"", "", 1),
    (["fault", "bogus"], b"",
     "usage: fault [kernel|kread|priv|illegal|jump|null|misaligned|nx|stack]\n", 2),
])
def test_programs(argv, stdin, expect, status):
    elf = _elf(USER_DIR / f"{argv[0]}.s")
    out, st, _ = run_program(elf, argv, stdin=stdin, fs={"README": b"hi there\n"})
    assert (out, st) == (expect, status)


def test_cp_rm_mkdir_on_fake_fs():
    fs = {"README": b"data\n"}
    out, st, fs = run_program(_elf(USER_DIR / "cp.s"), ["cp", "README", "copy"], fs=fs)
    assert st == 0 and fs["copy"] == b"data\n"
    out, st, fs = run_program(_elf(USER_DIR / "mkdir.s"), ["mkdir", "d"], fs=fs)
    assert st == 0 and fs["d"] == {}
    out, st, fs = run_program(_elf(USER_DIR / "rm.s"), ["rm", "copy", "nope"], fs=fs)
    assert st == 1 and "copy" not in fs and "rm: nope: no such file" in out
