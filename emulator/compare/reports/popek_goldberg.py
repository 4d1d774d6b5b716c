"""``popek-goldberg`` — Popek and Goldberg (CACM 1974, "Formal Requirements for
Virtualizable Third Generation Architectures"): a machine can be virtualized by
trap-and-emulate if every sensitive instruction is privileged. ringvm's ``getst``
reads the status register (the current ring included) from any ring without trapping:
sensitive, not privileged (ISA.md §12).

Measured: the unmodified monolithic kernel booted as vm1 of guests/hypervisor in its
three modes — naive deprivileging (host ring 1 under a ring-0 monitor, no guest mode),
ring −1's guest mode (the default), and guest mode with ``hctl.SENS`` (every ``getst``
exits) — and what each outcome is.
"""
from __future__ import annotations

from ...images import resolve
from ..measure import run_console
from . import Context, Report, ReportResult, Verdict

MODES = (("naive deprivileging", ("naive",), "host ring 1, a ring-0 monitor, no guest mode"),
         ("ring −1 guest mode", (), "guest ring 0 in ring −1's guest mode"),
         ("ring −1 + hctl.SENS", ("sens",), "guest mode, every getst exits"))
_STOPPED = "running in ring 1, not ring 0"


def _run(ctx: Context) -> ReportResult:
    rows, outcome = [], {}
    for label, options, how in MODES:
        run = run_console(resolve("hypervisor", options=options), "echo booted\n",
                          engine=ctx.engine, max_steps=400_000_000)
        vm = [ln[5:] for ln in run.text.splitlines() if ln.startswith("vm1| ")]
        booted = "booted" in vm
        stopped = any(_STOPPED in ln for ln in vm)
        sens = run.counters.get("exit.SENSITIVE", 0)
        outcome[label] = (booted, stopped)
        what = ("boots, runs the shell" if booted else
                "the kernel sees ring 1 through getst and stops" if stopped else
                f"neither boots nor stops cleanly (exit {run.result.exit_code})")
        rows.append([label, how, what, f"{sens:,}",
                     f"{sum(v for k, v in run.counters.items() if k.startswith('exit.')):,}"])
    naive_fails = outcome[MODES[0][0]] == (False, True)
    others_boot = all(outcome[m[0]][0] for m in MODES[1:])
    verdicts = [Verdict(
        "Trap-and-emulate fails when a sensitive instruction is not privileged; a mode "
        "that keeps the guest's own copy of the state (or makes it trap) fixes it",
        "Popek & Goldberg 1974 (Theorem 1): a VMM can be built by trap-and-emulate if "
        "the sensitive instructions are a subset of the privileged ones",
        "; ".join(f"{label}: {'boots' if b else 'stops' if s else 'fails'}"
                  for label, (b, s) in outcome.items()),
        naive_fails and others_boot,
        "getst does not trap in ring 1, so the naive monitor cannot hide the real ring; "
        "in guest mode getst reads the guest's status copy, and hctl.SENS turns it into "
        "an exit the hypervisor emulates")]
    return ReportResult("popek-goldberg", REPORT.title,
                        ["mode", "how the kernel runs", "outcome", "SENSITIVE exits",
                         "VM exits"], rows, verdicts)


REPORT = Report("popek-goldberg", "naive deprivileging against ring −1 (Popek & "
                "Goldberg 1974)", "Popek & Goldberg, CACM 1974", ("hypervisor",), _run)
