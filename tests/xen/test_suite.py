"""The PV hypervisor's grading suite (guests/xen/suite.toml): full marks on the bundled
hypervisor and kernels, and each broken variant (variants.py) fails exactly its tests."""
from __future__ import annotations

import pytest

from ringvm.emulator import grader

from .variants import ROOT, SUITE, VARIANTS, make_variant


def test_the_xen_suite_gives_full_marks():
    run = grader.grade(grader.load_suite(SUITE, engine="native"), jobs=2)
    assert len(run.results) >= 10
    assert run.full_marks, {r.name: r.reason for r in run.results if not r.passed}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_a_broken_pv_interface_fails_exactly_its_tests(name, tmp_path):
    sub = make_variant(name, tmp_path)
    run = grader.grade(grader.load_suite(SUITE, submission=sub, engine="native"), jobs=2)
    want = VARIANTS[name]["fails"]
    got = {r.name for r in run.results if not r.passed}
    assert got == want, {r.name: r.reason for r in run.results if r.name in got ^ want}
    for rel in {rel for v in VARIANTS.values() for rel, _, _ in v["subs"]}:
        assert "BUG" not in (ROOT / "guests" / rel).read_text()


def test_every_variant_still_applies(tmp_path):
    for name in VARIANTS:
        make_variant(name, tmp_path / name)
