"""The ringvm asm / disasm commands, readelf compatibility, ELF reader errors."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from ringvm.assembler.elf import read_elf
from ringvm.emulator.cli import main
from ringvm.errors import UserError

from .conftest import GOLDEN


@pytest.fixture
def sample_elf(tmp_path, monkeypatch):
    monkeypatch.chdir(GOLDEN)
    out = tmp_path / "sample.elf"
    assert main(["asm", "sample.s", "-o", str(out), "--listing", str(tmp_path / "s.lst")]) == 0
    return out


@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf is not installed")
def test_readelf_reads_the_sample_elf_without_warnings(sample_elf):
    p = subprocess.run(["readelf", "-W", "-h", "-l", "-s", "-S", str(sample_elf)],
                       capture_output=True, text=True)
    assert p.returncode == 0
    assert p.stderr == ""
    assert "warning" not in p.stdout.lower()
    assert "EXEC (Executable file)" in p.stdout
    assert ".ringvm.lines" in p.stdout and "_start" in p.stdout


def test_disasm_command_prints_symbols_and_instructions(sample_elf, capsys):
    assert main(["disasm", str(sample_elf)]) == 0
    out = capsys.readouterr().out
    assert "80002000 <_start>:" in out and "<main>:" in out
    assert "jal 0x80002010  # <main>" in out


def test_listing_file_is_written(sample_elf, tmp_path):
    text = (tmp_path / "s.lst").read_text()
    assert "80002000  " in text and "la sp, stack_top" in text


def test_asm_defaults_the_output_name_to_the_elf_suffix(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "k.s").write_text("_start: j _start\n")
    assert main(["asm", "k.s"]) == 0
    assert read_elf(tmp_path / "k.elf").entry == 0x80001000


def test_asm_include_path_option_finds_includes(tmp_path, monkeypatch):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "c.inc").write_text(".equ SEVEN, 7\n")
    (tmp_path / "k.s").write_text('.include "c.inc"\nli a0, SEVEN\n')
    monkeypatch.chdir(tmp_path)
    assert main(["asm", "k.s", "-I", "lib", "--base", "0x1000"]) == 0
    assert read_elf("k.elf").segments[0].vaddr == 0x1000


def test_asm_errors_exit_2_with_error_lines_on_stderr(tmp_path, capsys):
    src = tmp_path / "bad.s"
    src.write_text("add a0, a1\nj nowhere\n")
    assert main(["asm", str(src)]) == 2
    err = capsys.readouterr().err
    assert err.count(": error: ") == 2 and "Traceback" not in err
    assert not (tmp_path / "bad.elf").exists()


def test_the_console_script_exits_2_on_errors(tmp_path):
    src = tmp_path / "bad.s"
    src.write_text("bogus\n")
    p = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "asm", str(src)],
                       capture_output=True, text=True)
    assert p.returncode == 2
    assert "bad.s:1:1: error: unknown instruction 'bogus'" in p.stderr


def test_reading_a_non_ringvm_elf_is_a_clear_user_error(tmp_path):
    blob = bytearray(read_elf_bytes())
    blob[18:20] = (0x3E).to_bytes(2, "little")
    with pytest.raises(UserError, match=r"kernel.elf: not a ringvm ELF32 file \(e_machine 0x3e"):
        read_elf(bytes(blob), name="kernel.elf")
    with pytest.raises(UserError, match="not an ELF file"):
        read_elf(b"hello world", name="x")
    blob[4] = 2   # ELFCLASS64
    with pytest.raises(UserError, match="32-bit little-endian"):
        read_elf(bytes(blob), name="x")
    with pytest.raises(UserError, match="cannot read"):
        read_elf(tmp_path / "missing.elf")


def read_elf_bytes() -> bytes:
    from ringvm.assembler import assemble_source
    return assemble_source("nop\n")


@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf is not installed")
def test_readelf_accepts_an_elf_without_segments(tmp_path):
    from ringvm.assembler import assemble_source
    (tmp_path / "e.elf").write_bytes(assemble_source(""))
    p = subprocess.run(["readelf", "-W", "-a", str(tmp_path / "e.elf")],
                       capture_output=True, text=True)
    assert p.stderr == "" and "warning" not in p.stdout.lower()


def test_corrupted_elf_files_give_user_errors_only():
    import random
    good = read_elf_bytes()
    rnd = random.Random(1)
    for _ in range(300):
        b = bytearray(good)
        for _ in range(rnd.randint(1, 6)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        if rnd.random() < 0.3:
            b = b[:rnd.randrange(len(b))]
        try:
            read_elf(bytes(b))
        except UserError:
            pass


def _data_words(path) -> list[int]:
    seg = read_elf(path).segments[0].data
    return [int.from_bytes(seg[i:i + 4], "little", signed=True) for i in range(0, len(seg), 4)]


def test_asm_D_predefines_constants_in_every_literal_form(tmp_path):
    src = tmp_path / "k.s"
    src.write_text(".data\n.ifdef FLAG\n.word FLAG, HEX, NEG, CH, BIN, DEC\n.endif\n")
    out = tmp_path / "k.elf"
    assert main(["asm", str(src), "-o", str(out), "-D", "FLAG", "-DHEX=0x10", "-D",
                 "NEG=-3", "-D", "CH='a'", "-D", "BIN=0b101", "-D", "DEC=017",
                 "-D", "FLAG=1"]) == 0
    assert _data_words(out) == [1, 16, -3, 97, 5, 17]
    assert main(["asm", str(src), "-o", str(out)]) == 0
    assert read_elf(out).segments == []


@pytest.mark.parametrize("arg, message", [
    ("1x", "argument -D: '1x' is not a symbol name"),
    ("a0=1", "argument -D: 'a0' is a register name and cannot be a symbol"),
    ("X=abc", "argument -D: 'X=abc': 'abc' is not an integer literal"),
    ("X=1f", "argument -D: 'X=1f': '1f' is not an integer literal"),
    ("X=1+1", "argument -D: 'X=1+1': '1+1' is not an integer literal"),
    ("X=", "argument -D: 'X=': missing VALUE after '='"),
])
def test_asm_D_with_a_bad_name_or_value_is_a_command_line_error(tmp_path, capsys, arg,
                                                                 message):
    (tmp_path / "k.s").write_text("nop\n")
    with pytest.raises(SystemExit) as ei:
        main(["asm", str(tmp_path / "k.s"), "-D", arg])
    assert ei.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "k.elf").exists()


def test_asm_D_twice_with_different_values_is_an_error(tmp_path, capsys):
    (tmp_path / "k.s").write_text("nop\n")
    assert main(["asm", str(tmp_path / "k.s"), "-D", "X=1", "-D", "X=2"]) == 2
    assert "ringvm: error: -D X given twice with different values (1 and 2)" in \
        capsys.readouterr().err


def test_asm_D_cannot_be_redefined_by_the_source(tmp_path):
    src = tmp_path / "k.s"
    src.write_text("nop\n  .equ DEBUG, 0\n")
    p = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "asm", str(src),
                        "-D", "DEBUG=1"], capture_output=True, text=True)
    assert p.returncode == 2
    assert (f"{src}:2:8: error: symbol 'DEBUG' is predefined with -D DEBUG and cannot be "
            "redefined in the source") in p.stderr
    p = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "asm", str(src),
                        "-D", "2=1"], capture_output=True, text=True)
    assert p.returncode == 2 and "'2' is not a symbol name" in p.stderr
    assert "Traceback" not in p.stderr
