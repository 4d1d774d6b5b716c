"""Suites can boot kernels with modules and a NIC: a test's `modules` (from the
submission), a bundled guest's own [[module]]s and its `nic`, and clear errors."""
from __future__ import annotations

import textwrap

import pytest

from ringvm.emulator import grader
from ringvm.errors import UserError


def suite(tmp_path, body: str):
    p = tmp_path / "suite.toml"
    p.write_text(textwrap.dedent(body))
    return p


def test_a_bundled_guest_boots_with_its_modules_and_nic(tmp_path):
    p = suite(tmp_path, """
        [[test]]
        name = "bypass"
        guest = "bypass"
        max_steps = "5M"
        expect = ['^phase bypass ops=100 ']
        [[test]]
        name = "no-nic"
        guest = "bypass"
        nic = "none"
        exit_code = 1
        max_steps = "5M"
        expect = ['no NIC queue']
    """)
    run = grader.grade(grader.load_suite(p, engine="native"), jobs=1)
    assert run.full_marks, {r.name: r.reason for r in run.results}


def test_a_module_missing_from_the_submission_fails_only_its_test(tmp_path):
    p = suite(tmp_path, """
        [[test]]
        name = "missing"
        guest = "hello"
        modules = [{ name = "x", source = "nope.s" }]
        [[test]]
        name = "fine"
        guest = "hello"
        expect = ['hello from ring 3']
    """)
    run = grader.grade(grader.load_suite(p, engine="python"), jobs=1)
    r = {x.name: x for x in run.results}
    assert "module x: 'nope.s' not found in the submission" in r["missing"].reason
    assert r["fine"].passed


@pytest.mark.parametrize("table, message", [
    ('modules = [{ source = "a.s" }]', "needs a name and one of source, guest, file"),
    ('modules = [{ name = "a", source = "a.s", base = "x" }]', "base must be an integer"),
    ('modules = [{ name = "a", source = "a.s", color = 1 }]', "unknown key"),
    ('nic = 3', "'nic' must be a string"),
])
def test_bad_module_and_nic_keys_are_reported(tmp_path, table, message):
    p = suite(tmp_path, f"""
        [[test]]
        name = "t"
        guest = "hello"
        {table}
    """)
    with pytest.raises(UserError, match=message):
        grader.load_suite(p)
