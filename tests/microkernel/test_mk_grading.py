"""The microkernel's grading suite: full marks on the bundled kernel, and each broken
variant (mk_variants.py) fails exactly the tests it must. To keep the repository's suite
fast a variant is graded on the tests it must fail plus a few it must pass (and their
dependencies); `python tests/microkernel/mk_variants.py NAME` + `ringvm grade` runs all."""
from __future__ import annotations

import pytest

from ringvm.emulator import grader

from mk_variants import SUITE, VARIANTS, make_variant

SANITY = {"shell", "files", "pipes", "fork-wait"}


def test_microkernel_suite_full_marks():
    suite = grader.load_suite(SUITE, engine="native")
    assert len(suite.tests) >= 10
    run = grader.grade(suite, jobs=2)
    assert run.full_marks, {r.name: r.reason for r in run.results if not r.passed}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_broken_microkernel_fails_exactly_its_tests(name, tmp_path):
    sub = make_variant(name, tmp_path)
    suite = grader.load_suite(SUITE, submission=sub, engine="native")
    want = VARIANTS[name]["fails"]
    only = None if want == "all" else sorted(set(want) | SANITY)
    run = grader.grade(suite, jobs=2, only=only)
    got = {r.name for r in run.results if not r.passed}
    if want == "all":
        want = {r.name for r in run.results}
    assert got == want, {r.name: r.reason for r in run.results if r.name in got ^ want}


def test_microkernel_variant_substitutions_apply(tmp_path):
    for name in VARIANTS:
        make_variant(name, tmp_path / name)


def test_suite_modules_and_stubs_are_checked(tmp_path):
    """The suite keys this kernel needed (modules, disk stubs) fail with one-line
    errors, never tracebacks."""
    from ringvm.errors import UserError
    cases = {
        'kernel = "main.s"\nmodules = [{ name = "x" }]': "needs a name and one of",
        'kernel = "main.s"\nmodules = [{ name = "x", file = "f", size = 3 }]': "unknown key",
        'kernel = "main.s"\nmodules = [{ name = "x", source = "s.s", base = "0x1000" }]':
            "base must be an integer",
        'kernel = "main.s"\nmodules = "servers"': "array of tables",
    }
    for body, needle in cases.items():
        p = tmp_path / "suite.toml"
        p.write_text(f'[[test]]\nname = "t"\n{body}\n')
        with pytest.raises(UserError, match=needle):
            grader.load_suite(p)


def test_a_missing_module_source_fails_only_its_test(tmp_path):
    (tmp_path / "main.s").write_text(".text\n_start: j _start\n")
    (tmp_path / "suite.toml").write_text(
        '[[test]]\nname = "t"\nkernel = "main.s"\ninput = ""\n'
        'modules = [{ name = "gone", source = "nothere.s", base = 0x1000 }]\n')
    run = grader.grade(grader.load_suite(tmp_path / "suite.toml", engine="python"))
    (r,) = run.results
    assert not r.passed and "module error" in r.reason and "nothere.s" in r.reason
