"""A test process that dies or never answers fails only its own test."""
from __future__ import annotations

import os
import signal
import time

from ringvm.emulator import grader

SUITE = """
[defaults]
kernel = "hello.s"
[[test]]
name = "victim"
[[test]]
name = "bystander"
expect = ['hello grader']
"""


def _jobs(write_suite, sub):
    suite = grader.load_suite(write_suite(SUITE))
    b = grader.Builder(suite, sub)
    return [grader.prepare_job(suite, t, b, "python") for t in suite.tests]


def _sabotage(monkeypatch, action):
    real = grader.run_one

    def run_one(job):
        if job["spec"].name == "victim":
            action()
        return real(job)
    monkeypatch.setattr(grader.runner, "run_one", run_one)


def test_crashing_test_process(write_suite, sub, monkeypatch):
    _sabotage(monkeypatch, lambda: os.kill(os.getpid(), signal.SIGKILL))
    res = grader.run_jobs(_jobs(write_suite, sub), 2)
    assert res["victim"].reason == "the test process crashed (signal 9)"
    assert res["bystander"].passed


def test_exiting_test_process(write_suite, sub, monkeypatch):
    _sabotage(monkeypatch, lambda: os._exit(3))
    res = grader.run_jobs(_jobs(write_suite, sub), 1)
    assert res["victim"].reason == "the test process crashed (exit status 3)"
    assert res["bystander"].passed


def test_internal_error(write_suite, sub, monkeypatch):
    def boom():
        raise RuntimeError("engine exploded")
    _sabotage(monkeypatch, boom)
    res = grader.run_jobs(_jobs(write_suite, sub), 2)
    assert res["victim"].reason == "internal error: RuntimeError: engine exploded"
    assert res["bystander"].passed


def test_host_timeout(write_suite, sub, monkeypatch):
    _sabotage(monkeypatch, lambda: time.sleep(60))
    t0 = time.monotonic()
    res = grader.run_jobs(_jobs(write_suite, sub), 2, host_timeout=1.0)
    assert time.monotonic() - t0 < 30
    assert res["victim"].reason == "host timeout: still running after 1 s"
    assert res["bystander"].passed
