"""`ringvm debug` on the multikernel: info channels (every channel between two CPUs and
the messages in it, each CPU's counters), info replicas (the process directory as each
CPU driver sees it), info drivers, catch message on the events device."""
from __future__ import annotations

import re

import pytest


@pytest.fixture
def mk():
    from ringvm.emulator.debugger import Debugger
    d = Debugger.open("multikernel", "native", input=b"oncore 1 sleep 800 &\nmkping 2 3\n")
    d.execute("context off")
    yield d
    d.m.close()


def test_info_channels_shows_the_traffic_of_every_pair(mk):
    mk.command("continue 5000000")
    out = mk.command("info channels")
    assert re.search(r"^  CPU 0 -> CPU 1: sent \d+, taken \d+, in flight \d+; the receiver",
                     out, re.M), out
    for k in range(4):
        assert re.search(rf"^  CPU {k}: sent \d+, received \d+, polls \d+ \(\d+ empty\), "
                         rf"IPIs sent \d+ / received \d+, agreements", out, re.M), out


def test_info_replicas_shows_every_cpus_directory_and_that_they_agree(mk):
    mk.command("continue 5000000")
    out = mk.command("info replicas")
    assert re.search(r"^  proc\s+\d+\s+1\s+\d+ committed sleep$", out, re.M), out
    assert out.rstrip().endswith("all 4 replicas agree")
    drv = mk.command("info drivers")
    assert len(re.findall(r"^  CPU \d: up, memory 0x", drv, re.M)) == 4


def test_catch_message_stops_at_a_message_between_cpus(mk):
    assert "Catchpoint" in mk.command("catch message")
    out = mk.command("continue")
    assert "Catchpoint 1" in out and "MSG_SEND" in out, out


def test_a_message_in_flight_is_decoded(mk):
    from ringvm.emulator.debugger.views.multikernel import channels
    mk.command("catch message")
    mk.command("continue")                           # stopped right after a send
    inflight = [m for ch in channels(mk) for m in ch["messages"]]
    assert inflight and inflight[0]["type"] == "prepare"     # the first fork's agreement
