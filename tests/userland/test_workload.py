"""The portable workload runs on the monolithic kernel on both engines, prints one
line per phase, and — time being counted in instructions — prints the same cycles on
both engines."""
from __future__ import annotations

import pytest

from ringvm.emulator.images.workload import PHASES, parse_phases
from ringvm.errors import UserError

from .conftest import ENGINES, boot


@pytest.fixture(scope="module")
def quick_runs(kernel_elf, root_image):
    return {e: boot(kernel_elf, root_image, "workload quick\nexit\n", e, snapshot=True)
            for e in ENGINES}


@pytest.mark.parametrize("engine", ENGINES)
def test_every_phase_reports_its_operations_and_cycles(quick_runs, engine):
    out, r = quick_runs[engine]
    assert (r.kind, r.exit_code) == ("halt", 0), out
    phases = parse_phases(out)
    assert [p.name for p in phases] == list(PHASES)
    assert [p.ops for p in phases] == [100, 6, 20, 2, 10000]
    assert all(p.cycles > p.ops for p in phases)
    assert "compute checksum 660df9cb" in out


def test_the_figures_are_the_same_on_both_engines(quick_runs):
    a, b = (parse_phases(quick_runs[e][0]) for e in ENGINES)
    assert a == b


def test_a_cut_short_run_is_reported():
    with pytest.raises(UserError, match="did not finish: phase pipe failed"):
        parse_phases("phase null ops=1 cycles=9\nworkload: FAILED pipe\n")
