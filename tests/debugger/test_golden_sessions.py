"""Golden scripted sessions (``-x FILE --batch`` style, through the Debugger class).

Regenerate with ``RINGVM_UPDATE_GOLDEN=1``. Both engines must give the same
transcript (the engines are deterministic and identical), so one golden file serves
both.
"""
from __future__ import annotations

import pytest

from .conftest import check_golden, run_script

ENGINES = ["python", "native"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", ["hello_syscall", "hello_tlb", "hello_watch",
                                  "hello_reverse"])
def test_hello_sessions(debugger, engine, name):
    dbg = debugger("hello", engine)
    text = run_script(dbg, name)
    assert "Traceback" not in text and "internal error" not in text
    check_golden(name, text)


@pytest.mark.parametrize("engine", ENGINES)
def test_vmsmoke_exit_session(debugger, engine):
    dbg = debugger("vmsmoke", engine)
    text = run_script(dbg, "vmsmoke_exit")
    assert "Traceback" not in text and "internal error" not in text
    check_golden("vmsmoke_exit", text)
