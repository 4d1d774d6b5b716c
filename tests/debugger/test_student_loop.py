"""The debugger for real kernel work (issue 20, items 8-12): a guest waiting for console
input stops the run; the context fits 80x24 and `context off` still shows the pc line;
macro invocations are one source line; user programs' symbols; &sym; syscall names;
reverse-continue to a catchpoint; pseudo-instructions; the Pygments lexer."""
from __future__ import annotations

import subprocess
import sys

import pytest

from ringvm.assembler.disasm import disassemble_word
from ringvm.isa import ISA

from .conftest import make_debugger

ENGINES = ["native", "python"]


@pytest.fixture
def dbgs():
    made = []

    def make(*a, **kw):
        d = make_debugger(*a, **kw)
        made.append(d)
        return d
    yield make
    for d in made:
        d.m.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_continue_stops_when_the_guest_waits_for_input(dbgs, engine):
    d = dbgs("monolithic", engine)              # no input given: the shell waits
    out = d.command("continue")
    assert "guest is waiting for console input: type it with 'input TEXT'" in out
    assert d.waiting_for_input
    d.execute("input echo hi\\n")
    d.execute("context off")
    out = d.command("continue")                 # runs the command, then waits again
    assert "\nhi\n" in out and "guest is waiting for console input" in out


def test_batch_fails_with_the_waiting_message(tmp_path):
    script = tmp_path / "s.rdb"
    script.write_text("context off\ncontinue\n")
    p = subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", "debug", "--batch",
                        "-x", str(script)], capture_output=True, timeout=300)
    assert p.returncode == 2
    assert "ringvm: error: --batch: guest is waiting for console input" in p.stderr.decode()


def test_context_fits_80_by_24(dbgs):
    d = dbgs("monolithic", "native", input=b"ls\n", width=80, height=24)
    d.execute("break sys_exec")
    out = d.command("continue").splitlines()
    ctx = out[out.index(next(x for x in out if x.startswith("cpu0  ring"))):]
    assert len(ctx) + 2 <= 24, "\n".join(ctx)          # + the stop line and the prompt
    assert max(len(x) for x in ctx) <= 80
    wide = dbgs("monolithic", "native", input=b"ls\n", width=100)
    wide.execute("break sys_exec")
    assert len(wide.command("continue").splitlines()) > 30


@pytest.mark.parametrize("engine", ENGINES)
def test_context_off_still_shows_the_pc_and_its_line(dbgs, engine):
    d = dbgs("hello", engine)
    d.execute("context off")
    out = d.command("stepi")
    assert out.startswith("→ 0x") and ":  " in out
    assert "hello.s:" in out.splitlines()[1]


def test_a_macro_invocation_is_one_source_line(dbgs):
    d = dbgs("monolithic", "native", input=b"ls\n")
    d.execute("break sys_exec")
    out = d.command("continue")
    assert "(exec.s:" in out and "PROLOGUE" in out and "in macro, kframe.inc:" in out
    d.execute("context off")
    pc0 = d.cpu().pc
    out = d.command("next")                      # the whole PROLOGUE at once
    assert "PROLOGUE" not in out.splitlines()[1], out
    assert d.cpu().pc - pc0 >= 8                 # several instructions, one line


def test_user_program_symbols(dbgs):
    d = dbgs("monolithic", "native", input=b"echo hi\n")
    d.execute("context off")
    assert "symbols of echo" in d.command("add-symbol-file echo")
    assert "<main> (echo.s:" in d.command("break main")
    out = d.command("continue")
    assert "Breakpoint 1, cpu0 at 0x" in out and "<main> (echo.s:" in out
    # the current process's program is loaded by itself (sh runs in ASID 2)
    d2 = dbgs("monolithic", "native", input=b"echo hi\n")
    d2.execute("context off")
    d2.execute("catch ring")
    for _ in range(40):
        out = d2.command("continue")
        if "-> ring 3" in out and "<" in out.splitlines()[1]:
            break
    listed = d2.command("add-symbol-file")
    assert "(current process)" in listed
    assert "add-symbol-file: 'nope'" in d2.command("add-symbol-file nope")


@pytest.mark.parametrize("engine", ENGINES)
def test_print_address_of_and_syscall_catchpoints(dbgs, engine):
    d = dbgs("monolithic", engine, input=b"echo hi\necho ho\n")
    assert d.command("print &ticks").split("=")[1].split()[0] == \
        f"0x{d.m.symbols['ticks']:08x}"
    assert "& takes a symbol name" in d.command("print &$a0")
    d.execute("context off")
    assert "Catchpoint 1 (syscall write (16))" in d.command("catch syscall write")
    first = d.command("continue")
    assert "trap SYSCALL write(a7=16)" in first
    t1 = d.now
    d.command("continue")
    assert d.now > t1
    back = d.command("reverse-continue")
    assert "Catchpoint 1 (syscall write (16))" in back and "(reverse)" in back
    assert d.now == t1


def test_disassembly_uses_pseudo_instructions(dbgs):
    enc = {n: ISA.instructions[n] for n in ("addi", "jalr", "csrrs", "beq")}
    r = ISA.registers
    assert disassemble_word(enc["addi"].encode(rd=0, rs1=0, imm=0), pseudo=True) == "nop"
    assert disassemble_word(enc["addi"].encode(rd=r["a0"], rs1=r["a1"], imm=0),
                            pseudo=True) == "mv a0, a1"
    assert disassemble_word(enc["addi"].encode(rd=r["t0"], rs1=0, imm=5),
                            pseudo=True) == "li t0, 5"
    assert disassemble_word(enc["jalr"].encode(rd=0, rs1=r["ra"], imm=0),
                            pseudo=True) == "ret"
    assert disassemble_word(enc["beq"].encode(rs1=r["a0"], rs2=0, imm=2), 0x1000,
                            pseudo=True) == "beqz a0, 0x00001008"
    assert disassemble_word(enc["addi"].encode(rd=r["a0"], rs1=r["a1"], imm=0)) == \
        "addi a0, a1, 0"                                    # off by default
    d = dbgs("hello", "native")
    assert " ret" in d.command("disassemble kputs") or "ret" in d.command("disassemble")


def test_pygments_lexer_is_registered_and_generated_from_the_isa():
    from pygments.lexers import get_lexer_by_name
    from pygments.token import Error, Keyword, Name

    from ringvm.assembler import lexer
    lx = get_lexer_by_name("ringvm")
    assert isinstance(lx, lexer.RingvmLexer)
    assert set(ISA.instructions) <= set(lexer.MNEMONICS)
    assert set(ISA.registers) <= set(lexer.REGISTERS)
    toks = [(t, v) for t, v in lx.get_tokens('loop: addi a0, a0, 1  # count\n'
                                             '.asciz "x"\n') if v.strip()]
    assert (Keyword, "addi") in toks and (Name.Builtin, "a0") in toks
    assert not [v for t, v in toks if t is Error]


def test_directives_list_matches_the_assembler():
    from ringvm.assembler import assemble_source
    from ringvm.assembler.directives import DIRECTIVES
    from ringvm.assembler.errors import AsmErrors
    for d in DIRECTIVES:                 # each one is known (any error but "unknown")
        try:
            assemble_source(f".text\n{d}\n")
        except AsmErrors as e:
            assert "unknown directive" not in str(e), d
