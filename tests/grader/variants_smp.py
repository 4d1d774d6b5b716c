"""Deliberately broken variants of the multiprocessor monolithic kernel and of its
FlexSC option, for showing that their grading suites (guests/monolithic/suite-smp.toml,
guests/flexsc/suite.toml) catch the classic bugs — the same scheme as variants.py:
literal substitutions ``(file, old, new)`` applied to a temporary copy of the guest
folders (``PARTS``), ``suite`` (which suite grades it) and ``fails``: exactly the tests
of that suite that must fail ("all": every test) — or, for a race whose first victim
depends on the exact interleaving (which moves whenever a program or the kernel
changes size), ``fails_within``: the tests it may fail, at least one of them.

The machine interleaves its CPUs deterministically (round-robin in quanta), so each
race below shows in the same tests on every run.

``python tests/grader/variants_smp.py NAME [DIR]`` writes the variant to DIR and prints
the path to give ``ringvm grade guests/monolithic/suite-smp.toml --submission``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ringvm.emulator.grader.variants import make_submission, variant_main

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
SUITE = GUESTS / "monolithic" / "suite-smp.toml"
SUITES = {"smp": SUITE, "flexsc": GUESTS / "flexsc" / "suite.toml"}
#: suite -> (the guest folders a submission holds, the submission folder)
PARTS = {"smp": (("monolithic", "lib", "user"), "monolithic"),
         "flexsc": (("monolithic", "flexsc", "lib", "user"), "flexsc")}

VARIANTS: dict[str, dict] = {
    "ptable-unlocked-allocproc": {
        "suite": "smp",
        "about": "allocproc scans and claims a process-table slot without ptable_lock: "
                 "two CPUs forking at once can take the same slot",
        "subs": [("monolithic/proc.s",
                  "allocproc:\n    PROLOGUE\n    la   a0, ptable_lock\n    call acquire\n",
                  "allocproc:\n    PROLOGUE\n    nop                                 "
                  "# BUG: no ptable_lock\n"),
                 ("monolithic/proc.s",
                  "    blt  s2, t0, 1b\n    la   a0, ptable_lock\n    call release\n"
                  "    li   a0, 0\n",
                  "    blt  s2, t0, 1b\n    li   a0, 0\n"),
                 ("monolithic/proc.s",
                  "    sw   t1, 0(t0)\n    la   a0, ptable_lock\n    call release\n"
                  "    call kalloc\n",
                  "    sw   t1, 0(t0)\n    call kalloc\n")],
        "fails_within": {"fork-concurrent", "load-4", "usertests-4"},
    },
    "shootdown-no-wait": {
        "suite": "smp",
        "about": "tlb_shootdown sends its IPIs but does not wait for the acknowledgements "
                 "before the caller frees the pages (and the next shootdown overwrites "
                 "the request)",
        "subs": [("monolithic/smp.s",
                  "3:  la   t0, shoot_pending              # wait for every acknowledgement\n"
                  "    lw   t0, 0(t0)\n    bnez t0, 3b\n",
                  "3:  nop                                 # BUG: no wait\n")],
        "fails_within": {"tlb-shootdown", "load-4", "usertests-4"},
    },
    "lost-wakeup": {
        "suite": "smp",
        "about": "sleep_on lets the caller's lock go before it takes ptable_lock: a wakeup "
                 "on another CPU can come between the check and the sleep, and is lost",
        "subs": [("monolithic/proc.s",
                  "    la   a0, ptable_lock                # ptable_lock before lk goes: "
                  "a wakeup needs it\n    call acquire\n    beqz s2, 1f\n    mv   a0, s2\n"
                  "    call release\n1:  sw   s1, P_CHAN(s3)\n",
                  "    beqz s2, 0f                         # BUG: lk goes first\n"
                  "    mv   a0, s2\n    call release\n0:  la   a0, ptable_lock\n"
                  "    call acquire\n1:  sw   s1, P_CHAN(s3)\n")],
        # a race: which sleeper loses its wakeup first (the console reader, wait(), a
        # killed process's parent) moves whenever the kernel's code changes
        "fails_within": {"boot-4", "boot-8", "ps-cpu", "fork-concurrent", "load-4",
                         "pipe-across-cpus", "kill-other-cpu", "tlb-shootdown",
                         "sleep-ticks", "files-2", "usertests-4"},
    },
    "flexsc-curproc-is-thread": {
        "suite": "flexsc",
        "about": "the scheduler runs a syscall thread as itself, not as the process it "
                 "serves: the calls on a syscall page use the thread's empty file table",
        "subs": [("monolithic/proc.s",
                  "    lw   t0, P_OWNER(s1)\n    sw   t0, C_PROC(tp)\n",
                  "    lw   t0, P_OWNER(s1)\n    nop                                 "
                  "# BUG: curproc stays the thread\n")],
        # the shell's first read of the console fails: it exits before a prompt
        "fails": "all",
    },
    "flexsc-done-without-wakeup": {
        "suite": "flexsc",
        "about": "a syscall thread marks an entry DONE but does not wake the process "
                 "waiting for it in FLEXSC_WAIT",
        "subs": [("monolithic/flexsc.s",
                  "    sw   zero, P_FXWAIT(s1)\n    addi a0, s1, P_FXWAIT\n    call wakeup\n",
                  "    sw   zero, P_FXWAIT(s1)\n    nop                                 "
                  "# BUG: no wakeup\n")],
        # a process that gave up polling sleeps forever once a call is slow (the disk);
        # which test meets that first moves with the code
        "fails_within": {"files", "single-core", "usertests-4", "usertests-3", "exits",
                         "exit-race"},
    },
    "flexsc-stop-unlocked": {
        "suite": "flexsc",
        "about": "exit/exec stop the syscall threads by setting the stop flag without "
                 "flexsc_lock: a thread between its check and its sleep misses the "
                 "wakeup, and the exiting process waits for it forever",
        "subs": [("monolithic/flexsc.s",
                  "0:  la   a0, flexsc_lock                # the stop flag is the "
                  "condition the idle\n    call acquire                        # threads "
                  "check under flexsc_lock: set it\n    li   t0, 1                          "
                  "# under the lock, then wake them (no wakeup\n    sw   t0, P_KTSTOP(s1)"
                  "               # lost between their check and their sleep)\n"
                  "    sw   zero, H_KSLEEP(s4)\n    mv   a0, s4\n    call wakeup\n"
                  "    la   a0, flexsc_lock\n    call release\n",
                  "0:  li   t0, 1                          # BUG: no lock, no wakeup\n"
                  "    sw   t0, P_KTSTOP(s1)\n")],
        # an exiting process waits forever for a syscall thread that went to sleep
        # just after it looked at the flag; "exit-race" sweeps the moment of exit
        # until it meets that window (fxexit)
        "fails_within": {"exit-race", "usertests-3", "usertests-4", "exits",
                         "single-core"},
    },
}


def make_variant(name: str, dest: Path) -> Path:
    """Copy the guest folders of the variant's suite under ``dest`` with variant
    ``name`` applied; returns the submission directory."""
    v = VARIANTS[name]
    parts, sub = PARTS[v["suite"]]
    make_submission(GUESTS, parts, v["subs"], dest,
                    label=f"{name} (tests/grader/variants_smp.py)")
    return dest / sub


if __name__ == "__main__":
    sys.exit(variant_main(VARIANTS, make_variant))
