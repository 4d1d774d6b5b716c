"""pytest plugin: ringvm grading suites collected as pytest tests.

Registered through the ``pytest11`` entry point ``ringvm_grade`` (pyproject.toml), so
with ringvm installed::

    pytest guests/monolithic/suite.toml                       # one item per suite test
    pytest -n auto guests/isa-suite/suite.toml --junitxml=r.xml
    pytest guests/monolithic/suite.toml --ringvm-submission DIR --ringvm-engine python
    pytest guests/monolithic/suite.toml -k pipes              # by name or tag

What is collected: files named ``suite*.toml`` or ``*.suite.toml`` that hold a ringvm
suite (a ``[suite]`` table and ``[[test]]`` tables; anything else is ignored). pytest
only looks for them where it is told to look: the repository's own test run
(``testpaths = tests``) holds no suite files, so it collects none; give the suite
path (or ``guests/``) to grade. ``-p no:ringvm_grade`` turns the plugin off.

Each item runs its test in its own process exactly as ``ringvm grade`` does. A test
whose dependency (``depends``) already failed in the same pytest process is skipped;
under xdist a dependency may run on another worker, and then the test simply runs. A
failed item reports the reason and the GOOD/BAD/MISSING lines, and the console
transcript is attached as the ``console`` report section.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
import tomllib
from pathlib import Path

import pytest


def pytest_addoption(parser):
    g = parser.getgroup("ringvm-grade", "ringvm grading suites")
    g.addoption("--ringvm-submission", metavar="DIR", default=None,
                help="submission directory for collected ringvm suites")
    g.addoption("--ringvm-engine", metavar="KIND", default=None,
                help="engine for collected ringvm suites: native, python or auto")


def _is_suite_name(name: str) -> bool:
    return name.endswith(".toml") and (name.startswith("suite") or
                                       name.endswith(".suite.toml"))


def pytest_collect_file(file_path: Path, parent):
    if not _is_suite_name(file_path.name):
        return None
    try:
        data = tomllib.loads(file_path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    if not isinstance(data.get("suite"), dict) or not isinstance(data.get("test"), list):
        return None
    return SuiteFile.from_parent(parent, path=file_path)


class SuiteFile(pytest.File):
    """A ringvm suite: one item per test."""

    def collect(self):
        from ringvm.errors import UserError

        from .. import grader
        opt = self.config.getoption
        try:
            self.suite = grader.load_suite(self.path, opt("--ringvm-submission"),
                                           opt("--ringvm-engine"))
        except UserError as e:
            raise self.CollectError(str(e)) from None
        self._builder = None
        self._engine = None
        self.outcomes: dict[str, bool] = {}     # test name -> passed, in this process
        for t in self.suite.tests:
            item = SuiteItem.from_parent(self, name=t.name, spec=t)
            item.extra_keyword_matches.update(t.tags)
            yield item

    def job(self, spec):
        from ..engine import choose_engine
        from .. import grader
        if self._builder is None:
            work = Path(tempfile.mkdtemp(prefix="ringvm-grade-"))
            atexit.register(shutil.rmtree, work, True)
            self._builder = grader.Builder(self.suite, work)
            self._engine, _ = choose_engine(self.suite.engine)
        return grader.prepare_job(self.suite, spec, self._builder, self._engine)


class GradeFailure(Exception):
    def __init__(self, result):
        super().__init__(result.reason)
        self.result = result


class SuiteItem(pytest.Item):
    def __init__(self, *, spec, **kw):
        super().__init__(**kw)
        self.spec = spec

    def runtest(self):
        from .. import grader
        failed = [d for d in self.spec.depends if self.parent.outcomes.get(d) is False]
        if failed:
            pytest.skip(f"depends on {', '.join(failed)}, which did not pass")
        job = self.parent.job(self.spec)
        res = grader.run_jobs([job], 1)[self.spec.name]
        self.parent.outcomes[self.spec.name] = res.passed
        self.result = res
        self.user_properties.append(("score", res.score))
        self.user_properties.append(("max_score", res.points))
        self.user_properties.append(("steps", res.steps))
        if res.transcript:
            self.add_report_section("call", "console", res.transcript)
        if not res.passed:
            raise GradeFailure(res)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, GradeFailure):
            from .report import diff_lines, format_line
            r = excinfo.value.result
            out = [f"{r.name}: {r.reason} ({r.score}/{r.points} points)"]
            out += [format_line(tag, text) for tag, text in diff_lines(r)]
            return "\n".join(out)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.parent.suite.name}::{self.name}"
