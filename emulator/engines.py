"""Engine selection: ``create_engine("python" | "native", config, ram)``."""
from __future__ import annotations

import importlib.util

from ringvm.errors import UserError

from .engine import Engine, MachineConfig

ENGINE_KINDS = ("python", "native")

NATIVE_MISSING = ("the native engine is not built: reinstall with `pip install -e .` "
                  "(needs a C compiler), or use --engine python")


def _native_built() -> bool:
    try:
        return importlib.util.find_spec("ringvm.native._core") is not None
    except (ImportError, ValueError):
        return False


def available_engines() -> list[str]:
    """The engine kinds usable in this installation ("python" always)."""
    kinds = ["python"]
    if _native_built():
        try:
            importlib.import_module("ringvm.emulator.engine_native")
            kinds.append("native")
        except ImportError:
            pass
    return kinds


def create_engine(kind: str, config: MachineConfig, ram: bytearray) -> Engine:
    """Construct an engine of ``kind`` over the Machine's ``ram``."""
    if kind == "python":
        from .engine_python import PythonEngine
        return PythonEngine(config, ram)
    if kind == "native":
        if not _native_built():
            raise UserError(NATIVE_MISSING)
        try:
            from .engine_native import NativeEngine
        except ImportError as e:
            if "_core" in str(e):
                raise UserError(NATIVE_MISSING) from e
            raise
        return NativeEngine(config, ram)
    raise UserError(f"unknown engine {kind!r} (choose from {', '.join(ENGINE_KINDS)})")


