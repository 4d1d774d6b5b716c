"""The multikernel's grading suite: full marks on the bundled kernel, and each broken
variant (multikernel_variants.py) fails exactly its tests (graded, to stay fast, on those tests
plus a few it must pass)."""
from __future__ import annotations

import pytest

from ringvm.emulator import grader

from multikernel_variants import SUITE, VARIANTS, make_variant

SANITY = {"boot", "spawn", "replicas"}


def test_multikernel_suite_full_marks():
    suite = grader.load_suite(SUITE, engine="native")
    assert len(suite.tests) >= 8
    run = grader.grade(suite, jobs=2)
    assert run.full_marks, {r.name: r.reason for r in run.results if not r.passed}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_broken_multikernel_fails_exactly_its_tests(name, tmp_path):
    sub = make_variant(name, tmp_path)
    suite = grader.load_suite(SUITE, submission=sub, engine="native")
    want = VARIANTS[name]["fails"]
    run = grader.grade(suite, jobs=2, only=sorted(set(want) | SANITY))
    got = {r.name for r in run.results if not r.passed}
    assert got == want, {r.name: r.reason for r in run.results if r.name in got ^ want}


def test_multikernel_variant_substitutions_apply(tmp_path):
    for name in VARIANTS:
        make_variant(name, tmp_path / name)
