"""The debugger on the monolithic kernel (native engine: the runs are long).

Not golden files: the kernel changes often; these check the facts a student sees.
"""
from __future__ import annotations

import pytest


@pytest.fixture
def mono(debugger):
    return debugger("monolithic", "native", input=b"echo hi\n")


def test_syscall_handler_and_back_to_user(mono):
    dbg = mono
    dbg.execute("context off regs stack")
    out = dbg.command("break syscall")
    assert out.startswith("Breakpoint 1 at ")
    out = dbg.command("continue")
    assert "Breakpoint 1, cpu0 at" in out and "<syscall>" in out
    st = dbg.cpu()
    assert st.ring == 0 and st.pc == dbg.m.symbols["syscall"]
    bt = dbg.command("backtrace")
    assert bt.startswith("#0  ") and "<syscall>" in bt
    dbg.execute("delete")
    dbg.execute("catch ring")
    out = dbg.command("continue")
    assert "Catchpoint 2 (ring)" in out and "ring 0 -> ring 3" in out
    assert dbg.cpu().ring == 3
    dbg.execute("reverse-stepi")                  # the rfe that returned
    assert dbg.cpu().ring == 0
    assert "rfe" in dbg.command("x/i $pc")


def test_watch_kernel_variable_and_tlb(mono):
    dbg = mono
    dbg.execute("context off")
    dbg.execute("watch ticks")
    out = dbg.command("continue")
    assert "Watchpoint 1: 0x" in out and "<ticks>" in out
    assert "old = 0x00000000 (0)" in out and "new = 0x00000001 (1)" in out
    out = dbg.command("continue")
    assert "new = 0x00000002 (2)" in out
    tlb = dbg.command("info tlb")
    assert "TLB, 64 entries" in tlb
    dbg.execute("delete")
    dbg.execute("catch trap TLB_MISS_LOAD")
    dbg.execute("catch trap TLB_MISS_STORE")
    dbg.execute("catch trap TLB_MISS_FETCH")
    out = dbg.command("continue")
    assert "Catchpoint" in out and "TLB_MISS" in out
    bad = dbg.command("print/x $badvaddr").split("= ")[1].strip()
    vpn = int(bad, 16) >> 12
    dbg.execute("delete")
    out = dbg.command("catch ring")
    dbg.execute("continue")                        # back to the faulting program
    tlb = dbg.command("info tlb")
    assert any(line.startswith("*") and f"vpn=0x{vpn:05x}" in line
               for line in tlb.splitlines()), tlb


def test_reverse_across_timer_interrupt(mono):
    dbg = mono
    dbg.execute("context off")
    dbg.execute("catch interrupt TIMER")
    dbg.execute("continue")
    dbg.execute("continue")
    t = dbg.now
    st = dbg.cpu()
    assert st.ring == 0
    dbg.execute("reverse-stepi")
    dbg.execute("context on events")
    assert dbg.now < t and "pending: TIMER" in dbg.command("context")
    dbg.execute("stepi")
    assert dbg.now == t and dbg.cpu() == st


def test_time_travel_with_disk_and_console_is_exact(mono):
    import hashlib
    dbg = mono
    dbg.execute("context off")
    dbg.execute("continue 400000")
    out = dbg.m.console.last_byte
    assert out is not None                         # the kernel printed something
    disk = next(d for d in dbg.m.devices if d.name == "disk")
    assert disk.stats["disk_reads"] > 0
    here = (dbg.now, dbg.cpu(), hashlib.sha256(dbg.m.ram).hexdigest(), disk.snapshot())
    dbg.execute("goto-step 1234")
    assert dbg.now == 1234 and disk.stats["disk_reads"] < here[3]["stats"]["disk_reads"]
    dbg.execute(f"goto-step {here[0]}")
    assert (dbg.now, dbg.cpu(), hashlib.sha256(dbg.m.ram).hexdigest(),
            disk.snapshot()) == here


def test_golden_flow_normalized(mono):
    """A golden session with every number normalized and the guest's console output
    left out, so it follows the debugger's behaviour, not the kernel's layout."""
    import re

    from .conftest import check_golden, run_script
    dbg = mono
    dbg.m.console._sink = lambda data: None
    text = run_script(dbg, "monolithic_flow")
    assert "Traceback" not in text and "internal error" not in text
    text = re.sub(r"(?m)^  pending: .*$", "  pending: _", text)   # timing-dependent
    text = re.sub(r"0x[0-9a-f]+", "0x_", text)
    text = re.sub(r"(?<!ring )(?<!ring -)(?<!V=)(?<!IE=)(?<![\w.])\d+(?![\w])", "N", text)
    check_golden("monolithic_flow", text)


def test_console_input_is_replayed_across_time_travel(debugger):
    dbg = debugger("monolithic", "native")           # no input yet, no end of input
    dbg.execute("context off")
    dbg.execute("continue 2000000")                 # to the shell prompt
    t_in = dbg.now
    assert dbg.command("input echo one-two\\n").startswith("queued 13 bytes")
    out = dbg.command("continue 2000000")
    assert "one-two" in out
    dbg.execute(f"goto-step {t_in - 1000}")         # before the input...
    out = dbg.command("continue 2001000")           # ...and forward again: replayed
    assert "\none-two" in out.replace("\r", "")
