"""Deliberately broken variants of the disaggregated kernel (guests/disaggregated), for
showing that its grading suite (guests/disaggregated/suite.toml) catches real bugs — in
where pages come from and go back to, in failure detection, in how much a failure
takes down, and in a storage crash that stops the process component.

As in tests/grader/variants.py: each variant is a list of literal substitutions
``(file, old, new)`` applied to a temporary copy of ``guests/disaggregated`` and what
it is built from (``guests/multikernel``, ``guests/monolithic``, ``guests/lib``,
``guests/user``), and ``fails``: exactly the tests of the suite the bug must fail.

``python tests/disaggregated/dk_variants.py NAME [DIR]`` writes the variant to DIR and
prints the path to give ``ringvm grade guests/disaggregated/suite.toml --submission``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ringvm.emulator.grader.variants import make_submission, variant_main

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
SUITE = GUESTS / "disaggregated" / "suite.toml"
PARTS = ("disaggregated", "multikernel", "monolithic", "lib", "user")

VARIANTS: dict[str, dict] = {
    "storage-crash-stops-processes": {
        "about": "the process component waits for the storage component forever: when it "
                 "crashes, the request it lost is never answered and the shell hangs",
        "subs": [("disaggregated/pcomp.s",
                  "    li   t1, FS_TIMEOUT\n",
                  "    li   t1, 0                          # BUG: wait for storage forever\n")],
        "fails": {"storage-crash"},
    },
    "failure-kills-everyone": {
        "about": "a failed memory component takes down every process, not only those with "
                 "a page there",
        "subs": [("disaggregated/pmem.s",
                  "    call unmap_range\n    beqz a0, 3f\n",
                  "    call unmap_range\n    nop                                 # BUG: "
                  "every process is a victim\n")],
        "fails": {"memory-failure", "request-timeout"},
    },
    "pages-from-local-ram": {
        "about": "user pages come from the process component's own RAM: no memory "
                 "component holds them, and a memory component's failure is not even noticed",
        "subs": [("disaggregated/pmem.s",
                  "upage_alloc:\n    PROLOGUE\n    addi sp, sp, -URPC_LINE\n",
                  "upage_alloc:\n    PROLOGUE\n    addi sp, sp, -URPC_LINE\n"
                  "    call kalloc                         # BUG: a local page\n"
                  "    j    9f\n")],
        "fails": {"pages-remote", "memory-failure", "request-timeout"},
    },
    "no-heartbeat-verdict": {
        "about": "a heartbeat that gets no answer is ignored: a failed component that "
                 "nobody asks for a page goes unnoticed, and its processes keep running "
                 "on lost memory",
        "subs": [("disaggregated/pmem.s",
                  "    mv   a0, s1\n    call mem_failed\n    j    4f\n",
                  "    nop                                 # BUG: silence is not failure\n"
                  "    j    4f\n")],
        "fails": {"memory-failure"},
    },
    "frames-never-returned": {
        "about": "freed user pages are never given back to their memory component (it "
                 "runs out of frames in the end)",
        "subs": [("disaggregated/pmem.s",
                  "    li   t0, MT_MFREE\n    sw   t0, M_TYPE(sp)\n",
                  "    j    9f                             # BUG: the frame is never returned\n"
                  "    li   t0, MT_MFREE\n    sw   t0, M_TYPE(sp)\n")],
        "fails": {"pages-remote"},
    },
}


def make_variant(name: str, dest: Path) -> Path:
    """Copy the disaggregated kernel and what it is built from under ``dest`` with
    variant ``name`` applied; returns the submission directory (``dest/disaggregated``)."""
    v = VARIANTS[name]
    make_submission(GUESTS, PARTS, v["subs"], dest,
                    label=f"{name} (tests/disaggregated/dk_variants.py)")
    return dest / "disaggregated"


if __name__ == "__main__":
    sys.exit(variant_main(VARIANTS, make_variant))
