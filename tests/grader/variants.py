"""Deliberately broken variants of the monolithic kernel, for showing that the grading
suite (guests/monolithic/suite.toml) catches real bugs.

Each variant is a list of literal substitutions ``(file, old, new)`` applied to a
temporary copy of ``guests/monolithic``, ``guests/lib`` and ``guests/user`` (so the
variants follow the kernel as it evolves; an ``old`` text that no longer occurs exactly
once fails loudly instead of silently testing nothing), and ``fails``: exactly the
tests of the suite the bug must fail (the others must still pass — a dependency of a
failed test is reported as not run, which counts as failed here).

``python tests/grader/variants.py NAME [DIR]`` writes the variant to DIR (default a
temporary directory) and prints the path to give ``ringvm grade --submission``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ringvm.emulator.grader.variants import make_submission, variant_main

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
SUITE = GUESTS / "monolithic" / "suite.toml"

VARIANTS: dict[str, dict] = {
    "no-preempt": {
        "about": "the timer interrupt never preempts a process running in user mode",
        "subs": [("monolithic/trap.s",
                  "    call yield                          # timer: round-robin\n",
                  "    nop                                 # BUG: no preemption\n")],
        "fails": {"kill-preempt", "usertests"},
    },
    "pipe-loses-data": {
        "about": "a write to a full pipe silently drops the rest of its data",
        "subs": [("monolithic/pipe.s",
                  "    bne  t2, t3, 2f\n    addi a0, s1, PI_NREAD               # full\n",
                  "    bne  t2, t3, 2f\n    mv   s4, s3                         # BUG: full: "
                  "claim it was all written\n    j    8f\n"
                  "    addi a0, s1, PI_NREAD               # full\n")],
        "fails": {"pipe-bulk"},
    },
    "refill-ignores-asid": {
        "about": "the TLB refill handler makes every entry global (G): ASIDs are ignored",
        "subs": [("lib/mm/tlbrefill.s",
                  "    csrw tlblo, \\r1\n",
                  "    ori  \\r1, \\r1, TLB_G               # BUG: every entry global\n"
                  "    csrw tlblo, \\r1\n")],
        # init and the shell see each other's pages: the system never reaches a prompt,
        # so "boot" reaches its step limit and every other test is not run
        "fails": "all",
    },
    "fault-halts-machine": {
        "about": "a user fault prints the kill line, then halts the whole machine",
        "subs": [("monolithic/trap.s",
                  "2:  call user_fault                     # prints the kill line\n"
                  "    li   a0, -1\n    call exit\n",
                  "2:  call user_fault                     # prints the kill line\n"
                  "    li   a0, 99                         # BUG: the machine goes down\n"
                  "    call khalt\n")],
        "fails": {"protection", "faults-usertests", "sbrk", "usertests"},
    },
    "no-write-through": {
        "about": "the buffer cache never writes blocks to the disk",
        "subs": [("lib/fs/bio.s",
                  "    li   a3, 1\n    call disk_rw\n    bnez a0, 9f\n",
                  "    li   a3, 1\n    li   a0, 0                          # BUG: no write\n"
                  "    bnez a0, 9f\n")],
        "fails": {"persistence", "bigfile", "usertests"},
    },
}


def make_variant(name: str, dest: Path) -> Path:
    """Copy the kernel, lib and user programs under ``dest`` with variant ``name``
    applied; returns the submission directory (``dest/monolithic``)."""
    v = VARIANTS[name]
    make_submission(GUESTS, ("monolithic", "lib", "user"), v["subs"], dest,
                    label=f"{name} (tests/grader/variants.py)")
    return dest / "monolithic"


if __name__ == "__main__":
    sys.exit(variant_main(VARIANTS, make_variant))
