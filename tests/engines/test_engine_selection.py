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


def _with_core(path, code: str):
    """Run ``code`` in a fresh interpreter with RINGVM_NATIVE_CORE=path."""
    import os
    import subprocess
    import sys
    env = dict(os.environ, RINGVM_NATIVE_CORE=str(path))
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120)


def test_ringvm_native_core_loads_the_core_from_the_file_it_names():
    installed = importlib.util.find_spec("ringvm.native._core").origin
    r = _with_core(installed, "import ringvm.native._core as c; print(c.__file__); "
                              "from ringvm.emulator.engine import available_engines; "
                              "print(available_engines())")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [installed, "['python', 'native']"]


@pytest.mark.parametrize("bad", ["missing", "not-elf"])
def test_a_ringvm_native_core_that_does_not_load_is_a_user_error_naming_it(tmp_path, bad):
    path = tmp_path / "_core.so"
    if bad == "not-elf":
        path.write_text("not a shared object\n")
    r = _with_core(path, "from ringvm.emulator.engine import choose_engine; "
                         "choose_engine('auto')")
    why = "no such file" if bad == "missing" else "not a loadable build of ringvm.native._core"
    assert f"UserError: RINGVM_NATIVE_CORE={path}: {why}" in r.stderr, r.stderr
