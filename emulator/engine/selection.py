"""Engine selection: which engines this installation has (:func:`available_engines`),
which one a user asked for (:func:`choose_engine`) and building it (:func:`create_engine`)."""
from __future__ import annotations

import importlib.util
import os

from ringvm.errors import UserError

from .contract import Engine, MachineConfig

ENGINE_KINDS = ("python", "native")

NATIVE_MISSING = ("the native engine is not built: reinstall with `pip install -e .` "
                  "(needs a C compiler), or use --engine python")


def _native_built() -> bool:
    try:
        return importlib.util.find_spec("ringvm.native._core") is not None
    except (ImportError, ValueError) as e:
        if os.environ.get("RINGVM_NATIVE_CORE"):   # a core asked for by path: never fall back
            raise UserError(str(e)) from e
        return False


def available_engines() -> list[str]:
    """The engine kinds usable in this installation ("python" always)."""
    kinds = ["python"]
    if _native_built():
        try:
            importlib.import_module("ringvm.emulator.engine.native")
            kinds.append("native")
        except ImportError:
            pass
    return kinds


def create_engine(kind: str, config: MachineConfig, ram: bytearray) -> Engine:
    """Construct an engine of ``kind`` over the Machine's ``ram``."""
    if kind == "python":
        from .python import PythonEngine
        return PythonEngine(config, ram)
    if kind == "native":
        if not _native_built():
            raise UserError(NATIVE_MISSING)
        try:
            from .native import NativeEngine
        except ImportError as e:
            if "_core" in str(e):
                raise UserError(NATIVE_MISSING) from e
            raise
        return NativeEngine(config, ram)
    raise UserError(f"unknown engine {kind!r} (choose from {', '.join(ENGINE_KINDS)})")


def choose_engine(kind: str | None) -> tuple[str, str | None]:
    """Resolve ``"auto"``/None to a kind: native if available, else python.

    Returns ``(kind, note)`` where ``note`` is a one-line remark on a fallback (or
    None). Raises :class:`UserError` for an unknown or unavailable kind.
    """
    native = "native" in available_engines()
    if kind in (None, "auto"):
        if native:
            return "native", None
        return "python", "ringvm: note: native engine not available; using the python engine"
    if kind not in ENGINE_KINDS:
        raise UserError(f"unknown engine {kind!r} (choose native or python)")
    if kind == "native" and not native:
        raise UserError(NATIVE_MISSING)
    return kind, None
