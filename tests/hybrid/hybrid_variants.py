"""Deliberately broken variants of the hybrid kernel (guests/hybrid), for showing that
its grading suite (guests/hybrid/suite.toml) catches real bugs — in the kernel's VFS
proxy, in the channel to the server, in the server.

As in tests/grader/variants.py: each variant is a list of literal substitutions
``(file, old, new)`` applied to a temporary copy of ``guests/hybrid``,
``guests/monolithic`` (which it is built from), ``guests/lib`` and ``guests/user``, and
``fails``: exactly the tests of the suite the bug must fail.

``python tests/hybrid/hybrid_variants.py NAME [DIR]`` writes the variant to DIR and prints
the path to give ``ringvm grade guests/hybrid/suite.toml --submission``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ringvm.emulator.grader.variants import make_submission, variant_main

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
SUITE = GUESTS / "hybrid" / "suite.toml"
PARTS = ("hybrid", "monolithic", "lib", "user")

VARIANTS: dict[str, dict] = {
    "lost-on-crash": {
        "about": "when the server dies, the request it was working on is never answered: "
                 "its caller sleeps forever",
        "subs": [("hybrid/fuse.s",
                  "    li   t1, FRS_TAKEN\n    bne  t0, t1, 3f\n",
                  "    li   t1, FRS_TAKEN\n    j    3f                             "
                  "# BUG: the request in flight is forgotten\n")],
        "fails": {"server-crash"},
    },
    "stale-size": {
        "about": "the kernel's proxy inode keeps the size it had before a write (the "
                 "server's answer is ignored): fstat, ls and appends see old sizes",
        "subs": [("hybrid/vfs.s",
                  "    mv   s7, a0\n    mv   a0, s8\n    mv   a1, s1\n    call attrs\n",
                  "    mv   s7, a0\n    mv   a0, s8\n    mv   a1, s1\n    nop          "
                  "                       # BUG: attributes not taken\n")],
        "fails": {"files", "bigfile", "dirs", "dup", "persistence", "redirection",
                  "usertests"},
    },
    "cwd-ignored": {
        "about": "relative paths are sent to the server without the caller's current "
                 "directory: they always start at /",
        "subs": [("hybrid/vfs.s",
                  "    li   s4, 1\n    beqz a0, 1f\n    lw   s4, I_INUM(a0)\n",
                  "    li   s4, 1\n    j    1f                             # BUG: always /\n"
                  "    lw   s4, I_INUM(a0)\n")],
        "fails": {"dirs", "isolation", "usertests"},
    },
    "no-restart": {
        "about": "a dead server is never started again (as if FUSE_RESTART were 0)",
        "subs": [("hybrid/fuse.s",
                  "    li   a0, 0                          # no fault injection the second "
                  "time\n    call fuse_spawn\n",
                  "    li   a0, 0                          # no fault injection the second "
                  "time\n    li   a0, 0                          # BUG: no restart\n")],
        "fails": {"server-crash"},
    },
}


def make_variant(name: str, dest: Path) -> Path:
    """Copy the hybrid kernel and what it is built from under ``dest`` with variant
    ``name`` applied; returns the submission directory (``dest/hybrid``)."""
    v = VARIANTS[name]
    make_submission(GUESTS, PARTS, v["subs"], dest,
                    label=f"{name} (tests/hybrid/hybrid_variants.py)")
    return dest / "hybrid"


if __name__ == "__main__":
    sys.exit(variant_main(VARIANTS, make_variant))
