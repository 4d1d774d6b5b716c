"""Deliberately broken variants of the exokernel, for showing that its grading suite
(guests/exokernel/suite.toml) catches real bugs — the same scheme as variants.py: each
variant is a list of literal substitutions ``(file, old, new)`` applied to a temporary
copy of ``guests/exokernel``, ``guests/lib``, ``guests/user`` and ``guests/monolithic``
(ExOS includes its Unix file layer), and ``fails``: exactly the tests that must fail.

``python tests/grader/variants_exokernel.py NAME [DIR]`` writes the variant to DIR and
prints the path to give ``ringvm grade --submission``.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
SUITE = GUESTS / "exokernel" / "suite.toml"

VARIANTS: dict[str, dict] = {
    "install-skips-ownership": {
        "about": "EXO_TLB_INSTALL does not check that the page belongs to the caller's "
                 "domain: a library OS can map another's page",
        "subs": [("exokernel/mem.s",
                  "    lw   t2, E_DOM(a0)\n    bne  t1, t2, 9f\n",
                  "    lw   t2, E_DOM(a0)\n    nop                                 "
                  "# BUG: no ownership check\n")],
        # stride maps ExOS's page; stubborn maps its repossessed page again
        "fails": {"two-libos", "isolation", "abort"},
    },
    "physmap-skips-ownership": {
        "about": "the kernel refills a PHYSMAP miss without checking the owner table: "
                 "every library OS sees all of physical memory",
        "subs": [("exokernel/trap.s",
                  "    lw   t0, E_DOM(sp)\n    bne  t2, t0, 5f\n",
                  "    lw   t0, E_DOM(sp)\n    nop                                 "
                  "# BUG: any page\n")],
        # stride touches ExOS's page; usertests' store to 0x40000000 (the boot page)
        # no longer kills the child
        "fails": {"two-libos", "isolation", "usertests"},
    },
    "revocation-never-aborts": {
        "about": "a library OS that ignores a revocation keeps the page forever (no abort "
                 "protocol)",
        "subs": [("exokernel/revoke.s",
                  "    call abort_protocol\n",
                  "    nop                                 # BUG: never by force\n")],
        "fails": {"abort"},
    },
    "revocation-invisible": {
        "about": "the kernel never tells the library OS it wants a page back: the page is "
                 "only ever taken by force at the deadline",
        "subs": [("exokernel/revoke.s",
                  "    li   a1, UP_REVOKE\n    mv   a2, s5\n    call post_upcall\n",
                  "    li   a1, UP_REVOKE\n    mv   a2, s5\n    nop                     "
                  "            # BUG: invisible revocation\n")],
        "fails": {"revocation", "abort"},
    },
    "refill-skips-ownership": {
        "about": "EXO_TLB_RESUME (the library OS's TLB refill) installs any page: a "
                 "repossessed page can be mapped again",
        "subs": [("exokernel/trap.s",
                  "    lw   t0, E_DOM(sp)\n    bne  t1, t0, 9f\n",
                  "    lw   t0, E_DOM(sp)\n    nop                                 "
                  "# BUG: any page\n")],
        "fails": {"abort"},
    },
}


def make_variant(name: str, dest: Path) -> Path:
    """Copy the exokernel, lib, user programs and the monolithic file layer under
    ``dest`` with variant ``name`` applied; returns the submission directory."""
    v = VARIANTS[name]
    for part in ("exokernel", "lib", "user", "monolithic"):
        shutil.copytree(GUESTS / part, dest / part)
    for rel, old, new in v["subs"]:
        p = dest / rel
        text = p.read_text()
        n = text.count(old)
        if n != 1:
            raise AssertionError(f"variant {name}: the text to replace occurs {n} times in "
                                 f"guests/{rel} (the kernel changed: update "
                                 f"tests/grader/variants_exokernel.py)\n{old}")
        p.write_text(text.replace(old, new))
    return dest / "exokernel"


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in VARIANTS:
        print(f"usage: {sys.argv[0]} {{{'|'.join(VARIANTS)}}} [DIR]", file=sys.stderr)
        sys.exit(2)
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp(prefix="variant-"))
    print(make_variant(sys.argv[1], out))
