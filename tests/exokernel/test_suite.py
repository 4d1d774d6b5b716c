"""The exokernel's grading suite: full marks on the bundled sources, and each broken
variant (tests/grader/variants_exokernel.py) fails exactly its tests."""
from __future__ import annotations

import pytest

from ringvm.emulator import grader

from grader.variants_exokernel import GUESTS, SUITE, VARIANTS, make_variant


def test_the_suite_gives_full_marks_to_the_bundled_exokernel():
    run = grader.grade(grader.load_suite(SUITE, engine="native"), jobs=2)
    assert len(run.results) >= 10
    assert run.full_marks, {r.name: r.reason for r in run.results if not r.passed}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_a_broken_variant_fails_exactly_its_tests(name, tmp_path):
    sub = make_variant(name, tmp_path)
    run = grader.grade(grader.load_suite(SUITE, submission=sub, engine="native"), jobs=2)
    got = {r.name for r in run.results if not r.passed}
    want = VARIANTS[name]["fails"]
    assert got == want, {r.name: r.reason for r in run.results if r.name in got ^ want}
    assert "BUG" not in (GUESTS / "exokernel" / "trap.s").read_text()
