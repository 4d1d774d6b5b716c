"""Fixtures for ``ringvm boot`` tests: guest .s files on disk and a subprocess runner.

The inline guest sources live in ``tests/machine/conftest.py`` (loaded here by path).
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "ringvm_test_machine_guests", Path(__file__).parent.parent / "machine" / "conftest.py")
GUESTS = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(GUESTS)

ENGINES = GUESTS.ENGINES


@pytest.fixture(params=ENGINES)
def engine_kind(request) -> str:
    return request.param


@pytest.fixture
def guest_file(tmp_path):
    """``guest_file("ECHO") -> Path`` of a .s file holding that inline guest."""
    def make(name: str) -> Path:
        p = tmp_path / f"{name.lower()}.s"
        p.write_text(GUESTS.PRELUDE + getattr(GUESTS, name))
        return p
    return make


@pytest.fixture
def ringvm(tmp_path):
    """``ringvm(*args, input=b"") -> CompletedProcess`` running ``python -m
    ringvm.emulator.cli`` in ``tmp_path`` with a private guest cache."""
    env = dict(os.environ, RINGVM_CACHE=str(tmp_path / "cache"), COLUMNS="120")

    def run(*args, input: bytes = b"", env_extra: dict | None = None, timeout: int = 120):
        e = dict(env, **(env_extra or {}))
        return subprocess.run([sys.executable, "-m", "ringvm.emulator.cli", *map(str, args)],
                              input=input, capture_output=True, cwd=tmp_path, env=e,
                              timeout=timeout)
    return run


@pytest.fixture
def guests_module():
    """The module of inline guest sources (``PRELUDE``, ``HALT42``, ...)."""
    return GUESTS
