"""`ringvm debug` on the disaggregated kernel: info components (each component's state,
RAM, frames and messages), info mempages (on which memory component each process's
pages live), and the multikernel's info channels on its channels."""
from __future__ import annotations

import re

import pytest


@pytest.fixture
def dk():
    from ringvm.emulator.debugger import Debugger
    d = Debugger.open("disaggregated", "native",
                      input=b"onmem 3 sleep 800 &\nmemstat\nmfail 3\nsleep 60\necho done\n")
    d.execute("context off")
    yield d
    d.m.close()


def test_info_components_and_mempages_before_and_after_a_failure(dk):
    dk.command("continue 6000000")                 # sleep runs, mfail not yet typed
    out = dk.command("info components")
    assert re.search(r"^  CPU 0: process component, up, RAM 0x", out, re.M), out
    assert re.search(r"^  CPU 1: storage component, up, .*; answers;", out, re.M), out
    assert re.search(r"^  CPU 3: memory component, up, .*seen from CPU 0: alive; frames "
                     r"free \d+, held [1-9]\d*, allocations [1-9]", out, re.M), out
    pages = dk.command("info mempages")
    assert re.search(r"^  pid\s+\d+ sleep\s+[1-9]\d* on CPU 3$", pages, re.M), pages
    assert re.search(r"^  pid\s+2 sh\s+[1-9]\d* on CPU 2$", pages, re.M), pages
    assert "local" not in pages                    # no user page in CPU 0's own RAM
    dk.command("continue 20000000")
    out = dk.command("info components")
    assert re.search(r"^  CPU 3: memory component, failed, .*seen from CPU 0: failed",
                     out, re.M), out
    assert "sleep" not in dk.command("info mempages")


def test_info_channels_and_catch_message_work_on_its_channels(dk):
    dk.command("continue 3000000")
    out = dk.command("info channels")
    assert re.search(r"^  CPU 0 -> CPU 3: sent [1-9]\d*, taken \d+", out, re.M), out
    assert re.search(r"^  CPU 0 -> CPU 1: sent [1-9]\d*", out, re.M), out
    assert "Catchpoint" in dk.command("catch message")
    out = dk.command("continue")
    assert "event MSG_SEND" in out or "event MSG_RECV" in out, out
