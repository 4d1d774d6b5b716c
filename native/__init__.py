"""The native engine's C core (the extension ``ringvm.native._core``, built by build_core.py).

``RINGVM_NATIVE_CORE=/path/to/_core*.so`` makes ``ringvm.native._core`` that file instead
of the installed one, for a copy built elsewhere (``python -m ringvm.native.build_core
--sanitize DIR``; tests/native/test_sanitized_engine.py). A path that is not a loadable
build of this core is an ImportError naming it; unset or empty, nothing changes.
"""
import os

_OVERRIDE = os.environ.get("RINGVM_NATIVE_CORE")
if _OVERRIDE:
    import importlib.machinery
    import importlib.util
    import sys

    def _load_override(path: str) -> None:
        name = __name__ + "._core"
        why = f"RINGVM_NATIVE_CORE={path}: "
        if not os.path.isfile(path):
            raise ImportError(why + "no such file", name=name, path=path)
        loader = importlib.machinery.ExtensionFileLoader(name, path)
        spec = importlib.util.spec_from_file_location(name, path, loader=loader)
        try:
            module = importlib.util.module_from_spec(spec)   # dlopen and PyInit__core
        except ImportError as e:
            raise ImportError(f"{why}not a loadable build of ringvm.native._core ({e})",
                              name=name, path=path) from e
        sys.modules[name] = module
        spec.loader.exec_module(module)

    _load_override(_OVERRIDE)
