"""The grading suites of the exokernel, the library OS of early systems and kernel
bypass: full marks on the bundled sources, and each broken variant
(tests/grader/variants_exokernel.py) fails exactly its tests."""
from __future__ import annotations

import pytest

from ringvm.emulator import grader

from grader.variants_exokernel import GUESTS, SUITES, VARIANTS, make_variant


@pytest.mark.parametrize("structure", sorted(SUITES))
def test_the_suite_gives_full_marks_to_the_bundled_sources(structure):
    run = grader.grade(grader.load_suite(SUITES[structure], engine="native"), jobs=2)
    assert len(run.results) >= (10 if structure == "exokernel" else 3)
    assert run.full_marks, {r.name: r.reason for r in run.results if not r.passed}


def test_the_libos_suite_passes_on_the_python_engine_too():
    run = grader.grade(grader.load_suite(SUITES["libos"], engine="python"), jobs=2)
    assert run.full_marks, {r.name: r.reason for r in run.results if not r.passed}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_a_broken_variant_fails_exactly_its_tests(name, tmp_path):
    sub = make_variant(name, tmp_path)
    suite = SUITES[VARIANTS[name]["structure"]]
    run = grader.grade(grader.load_suite(suite, submission=sub, engine="native"), jobs=2)
    got = {r.name for r in run.results if not r.passed}
    want = VARIANTS[name]["fails"]
    if want == "all":
        want = {r.name for r in run.results}
    assert got == want, {r.name: r.reason for r in run.results if r.name in got ^ want}
    assert "BUG" not in (GUESTS / "exokernel" / "trap.s").read_text()
