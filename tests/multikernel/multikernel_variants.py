"""Deliberately broken variants of the multikernel (guests/multikernel), for showing that
its grading suite (guests/multikernel/suite.toml) catches real bugs — in the agreement,
in the replicas, in the bond between a parent and its child on another CPU, in the
user-level channels.

As in tests/grader/variants.py: each variant is a list of literal substitutions
``(file, old, new)`` applied to a temporary copy of ``guests/multikernel``,
``guests/monolithic`` (which it is built from), ``guests/lib`` and ``guests/user``,
and ``fails``: exactly the tests of the suite the bug must fail.

``python tests/multikernel/multikernel_variants.py NAME [DIR]`` writes the variant to DIR and
prints the path to give ``ringvm grade guests/multikernel/suite.toml --submission``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ringvm.emulator.grader.variants import make_submission, variant_main

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
SUITE = GUESTS / "multikernel" / "suite.toml"
PARTS = ("multikernel", "monolithic", "lib", "user")

VARIANTS: dict[str, dict] = {
    "commit-despite-refusal": {
        "about": "the coordinator of a two-phase commit ignores the other monitors' "
                 "refusals: a spawn refused by a full CPU is committed by every other "
                 "replica (a process that exists nowhere, whose parent waits forever)",
        "subs": [("multikernel/agree.s",
                  "    mv   s3, t0                         # a refusal from another "
                  "monitor, or 0\n",
                  "    nop                                 # BUG: the others' votes are "
                  "ignored\n")],
        "fails": {"refusal"},
    },
    "no-rename": {
        "about": "exec does not tell the other replicas what a process runs now: they "
                 "keep the name it had when it was forked",
        "subs": [("multikernel/replica.s",
                  "    call pdir_rename\n",
                  "    nop                                 # BUG: the replicas keep the "
                  "old name\n")],
        "fails": {"replicas", "refusal"},               # (refusal depends on replicas)
    },
    "status-lost": {
        "about": "a child spawned on another CPU always reports exit status 0 to its "
                 "parent",
        "subs": [("multikernel/spawn.s",
                  "    sw   s4, M_A1(sp)\n",
                  "    sw   zero, M_A1(sp)                 # BUG: the status is lost\n")],
        "fails": {"spawn-status"},
    },
    "peer-off-by-one": {
        "about": "chan() maps the peer the frame of the next channel: the binder and "
                 "its peer write to different pages and never hear each other",
        "subs": [("multikernel/uchan.s",
                  "    ori  a0, a0, TLB_V | TLB_R | TLB_W | TLB_U\n",
                  "    slli t0, s4, 12                     # BUG: the peer's page is "
                  "the next channel's\n    add  a0, a0, t0\n"
                  "    ori  a0, a0, TLB_V | TLB_R | TLB_W | TLB_U\n")],
        "fails": {"channel"},
    },
}


def make_variant(name: str, dest: Path) -> Path:
    """Copy the multikernel and what it is built from under ``dest`` with variant
    ``name`` applied; returns the submission directory (``dest/multikernel``)."""
    v = VARIANTS[name]
    make_submission(GUESTS, PARTS, v["subs"], dest,
                    label=f"{name} (tests/multikernel/multikernel_variants.py)")
    return dest / "multikernel"


if __name__ == "__main__":
    sys.exit(variant_main(VARIANTS, make_variant))
