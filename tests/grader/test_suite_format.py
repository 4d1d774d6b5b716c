"""Suite parsing: every mistake is one clear UserError naming the file and the test."""
from __future__ import annotations

import pytest

from ringvm.emulator import grader
from ringvm.errors import UserError


def err(write_suite, text) -> str:
    p = write_suite(text)
    with pytest.raises(UserError) as e:
        grader.load_suite(p)
    return str(e.value)


def test_minimal_suite_and_defaults(write_suite):
    p = write_suite("""
        [suite]
        name = "demo"
        [defaults]
        kernel = "hello.s"
        max_steps = "5K"
        points = 2
        [[test]]
        name = "a"
        expect = ['hello']
        [[test]]
        name = "b"
        points = 3
        max_steps = 1000
        depends = ["a"]
        tags = ["x"]
        visibility = "hidden"
        input = "hi\\n"
        [[test]]
        name = "c"
        [[test.boots]]
        input = "one"
        [[test.boots]]
        input = "two"
        max_steps = "1M"
    """)
    s = grader.load_suite(p)
    assert s.name == "demo" and [t.name for t in s.tests] == ["a", "b", "c"]
    a, b, c = s.tests
    assert a.points == 2 and a.boots[0].max_steps == 5000 and a.boots[0].expect == ["hello"]
    assert b.points == 3 and b.boots[0].max_steps == 1000 and b.depends == ["a"]
    assert b.visibility == "hidden" and b.boots[0].input == b"hi\n"
    assert [x.input for x in c.boots] == [b"one", b"two"]
    assert [x.max_steps for x in c.boots] == [5000, 1_000_000]
    assert s.submission == p.parent.resolve()
    assert grader.load_suite(p.parent).tests == s.tests     # a directory: its suite.toml


@pytest.mark.parametrize("text, words", [
    ("[[test]\nname = 'x'", ["not valid TOML", "line"]),
    ("[suite]\nname='x'\n", ["no tests"]),
    ("[[test]]\nname = 'a b'\nkernel='hello.s'", ["'name'"]),
    ("[[test]]\nname = 'a'", ["test 'a'", "no kernel"]),
    ("[[test]]\nname = 'a'\nkernel='x.s'\nguest='hello'", ["not both"]),
    ("[[test]]\nname = 'a'\nkernel='x.s'\nmax_stepz = 5", ["unknown key", "max_stepz"]),
    ("[[test]]\nname = 'a'\nkernel='x.s'\nexpect = ['(']", ["bad regex"]),
    ("[[test]]\nname = 'a'\nkernel='x.s'\nmax_steps = 'lots'", ["max_steps", "expected a number"]),
    ("[[test]]\nname = 'a'\nkernel='x.s'\nbudget = 0", ["budget", "at least 1"]),
    ("[[test]]\nname = 'a'\nkernel='x.s'\nbudget = 5\nmax_steps = 5", ["max_steps", "old name"]),
    ("[[test]]\nname = 'a'\nkernel='x.s'\nvisibility = 'secret'", ["visibility"]),
    ("[[test]]\nname = 'a'\nkernel='x.s'\nstop = 'crash'", ["'stop'"]),
    ("[[test]]\nname = 'a'\nkernel='x.s'\npoints = -1", ["points"]),
    ("[[test]]\nname = 'a'\nkernel='x.s'\npartial = 'yes'", ["'partial'"]),
    ("[[test]]\nname = 'a'\nkernel='x.s'\npartial = 'expect'", ["needs 'expect'"]),
    ("[[test]]\nname = 'a'\nkernel='x.s'\ndepends = ['zz']", ["unknown test 'zz'"]),
    ("[[test]]\nname = 'a'\nkernel='x.s'\n[[test]]\nname = 'a'\nkernel='x.s'",
     ["defined twice"]),
    ("[[test]]\nname = 'a'\nkernel='x.s'\ndepends=['b']\n"
     "[[test]]\nname = 'b'\nkernel='x.s'\ndepends=['a']", ["dependency cycle", "a -> b -> a"]),
    ("[[test]]\nname = 'a'\nkernel='x.s'\ndisk = { foo = 1 }", ["disk", "foo"]),
    ("[[test]]\nname = 'a'\nkernel='x.s'\ndisk = { image = 'a', guest = 'b' }",
     ["stand alone"]),
    ("[[test]]\nname = 'a'\nkernel='x.s'\n[[test.boots]]\nbudgit = 1", ["boot 1", "budgit"]),
    ("[suite]\nsubmision = '.'\n[[test]]\nname = 'a'\nkernel='x.s'", ["[suite]", "submision"]),
    ("[tests]\nname = 'a'", ["unknown top-level key", "tests"]),
])
def test_bad_suites(write_suite, text, words):
    msg = err(write_suite, text)
    assert "suite.toml" in msg
    for w in words:
        assert w in msg, msg


def test_missing_suite_and_submission(tmp_path, write_suite):
    with pytest.raises(UserError, match="does not exist"):
        grader.load_suite(tmp_path / "nope.toml")
    p = write_suite("[[test]]\nname = 'a'\nkernel = 'hello.s'\n")
    with pytest.raises(UserError, match="submission directory"):
        grader.load_suite(p, submission=tmp_path / "missing")


def test_only_selects_names_tags_and_dependencies(write_suite):
    p = write_suite("""
        [defaults]
        kernel = "hello.s"
        [[test]]
        name = "base"
        [[test]]
        name = "mid"
        depends = ["base"]
        [[test]]
        name = "top"
        depends = ["mid"]
        tags = ["t"]
        [[test]]
        name = "other"
    """)
    s = grader.load_suite(p)
    assert [t.name for t in grader.select_tests(s, ["t"])] == ["base", "mid", "top"]
    assert [t.name for t in grader.select_tests(s, ["other,base"])] == ["base", "other"]
    with pytest.raises(UserError, match="--only nothing"):
        grader.select_tests(s, ["nothing"])


def test_bundled_suites_parse():
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    mono = grader.load_suite(root / "guests" / "monolithic" / "suite.toml")
    assert len(mono.tests) >= 15
    assert sum(t.points for t in mono.tests) >= 30
    isa = grader.load_suite(root / "guests" / "isa-suite" / "suite.toml")
    assert {t.name for t in isa.tests} >= {"alu", "traps", "tlb", "user-mode"}


T = "[[test]]\nname = 'a'\nkernel='x.s'\n"


@pytest.mark.parametrize("line, words", [
    ("points = nan", ["test 'a'", "'points'", "nan"]),
    ("points = inf", ["'points'", "inf"]),
    ("points = 1e308", ["'points'", "from 0 to 1000"]),
    ("points = 1001", ["'points'"]),
    ("max_steps = 1e9", ["max_steps", "expected a number"]),
    ("max_steps = 100_000_000_001", ["max_steps", "out of range"]),
    ("max_steps = '" + "9" * 5000 + "'", ["max_steps", "out of range"]),
    ("max_steps = '101G'", ["max_steps", "between 1 and"]),
    ("output_limit = 0x7fffffffffffffff", ["output_limit", "out of range"]),
    ("cpus = 65", ["cpus", "out of range"]),
    ("tlb_entries = 2", ["tlb_entries", "out of range"]),
    ("ram = 3.5", ["ram", "expected a size"]),
    ("ram = '" + "9" * 5000 + "'", ["ram", "bad memory size"]),
    ("exit_code = 0x100000000", ["exit_code", "out of range"]),
    ("defines = { N = 0x7fffffffffffffff }", []),
    ("defines = { N = -9223372036854775808 }", []),
    ("disk = { programs = 'u', size = 0x7fffffffffffffff }", ["disk", "size", "out of range"]),
    ("disk = { programs = 'u', inodes = 0 }", ["disk", "inodes", "at least 1"]),
    ("modules = [{ name = 'm', file = 'f', addr = -1 }]", ["module 1", "addr", "out of range"]),
    ("modules = [{ name = 'm', file = 'f', base = 1.5 }]", ["module 1", "base", "integer"]),
])
def test_every_number_of_a_suite_is_checked_with_the_test_and_key(write_suite, line, words):
    if not words:            # in range: accepted
        grader.load_suite(write_suite(T + line))
        return
    msg = err(write_suite, T + line)
    assert len(msg) < 300, msg
    for w in words:
        assert w in msg, msg


def test_a_guest_printing_a_huge_partial_credit_number_is_not_partial_credit():
    from ringvm.emulator.grader.suite import PARTIAL_RE
    assert PARTIAL_RE.findall("PARTIAL CREDIT 3 OF 40") == [("3", "40")]
    assert PARTIAL_RE.findall("PARTIAL CREDIT " + "9" * 5000 + " OF 1") == []
    assert PARTIAL_RE.findall("PARTIAL CREDIT 1 OF " + "9" * 5000) == []


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-5", "1e9"])
def test_grade_refuses_a_host_timeout_that_is_not_a_sane_number(value, write_suite, capsys):
    from ringvm.emulator.cli import main
    p = write_suite(T)
    assert main(["grade", str(p), "--host-timeout", value]) == 2
    err_text = capsys.readouterr().err
    assert "--host-timeout" in err_text and "Traceback" not in err_text
