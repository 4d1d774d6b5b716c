"""emulator/engine/selection.py: choosing an engine by name."""
from __future__ import annotations

import importlib.util

import pytest

from ringvm.emulator.engine import selection as engines
from ringvm.emulator.engine import Engine, MachineConfig
from ringvm.errors import UserError


def test_the_python_engine_is_always_available():
    assert "python" in engines.available_engines()
    cfg = MachineConfig(ram_size=1 << 16)
    eng = engines.create_engine("python", cfg, bytearray(cfg.ram_size))
    assert isinstance(eng, Engine) and eng.name == "python"


def test_an_unknown_engine_name_is_a_user_error():
    cfg = MachineConfig(ram_size=1 << 16)
    with pytest.raises(UserError, match="unknown engine"):
        engines.create_engine("turbo", cfg, bytearray(cfg.ram_size))


def test_a_missing_native_build_is_a_clear_user_error(monkeypatch):
    real = importlib.util.find_spec

    def find_spec(name, *a, **kw):
        if name == "ringvm.native._core":
            return None
        return real(name, *a, **kw)
    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    assert engines.available_engines() == ["python"]
    cfg = MachineConfig(ram_size=1 << 16)
    with pytest.raises(UserError, match="native engine is not built"):
        engines.create_engine("native", cfg, bytearray(cfg.ram_size))
