"""Deliberately broken variants of the paravirtual hypervisor and its PV components, for
showing that its grading suite (guests/xen/suite.toml) catches real bugs — the sibling
of tests/grader/variants.py (the monolithic kernel's) and tests/hypervisor/variants.py.

Each variant is a list of literal substitutions ``(file, old, new)`` applied to a
temporary copy of ``guests/xen``, ``guests/monolithic``, ``guests/unikernel``,
``guests/lib`` and ``guests/user`` (an ``old`` text that no longer occurs exactly once
fails loudly), and ``fails``: exactly the tests of the suite the bug must fail (a test
whose dependency failed is not run, which counts as failed here).

``python tests/xen/variants.py NAME [DIR]`` writes the variant to DIR (default a
temporary directory) and prints the path to give ``ringvm grade --submission``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ringvm.emulator.grader.variants import make_submission, variant_main

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
SUITE = GUESTS / "xen" / "suite.toml"
PARTS = ("xen", "monolithic", "unikernel", "lib", "user")

VARIANTS: dict[str, dict] = {
    "grant-unchecked": {
        "about": "gnttab_map maps any entry of the granter's table: the hypervisor skips "
                 "the check that the page was granted, and to the caller",
        "subs": [("xen/grant.s",
                  "    andi t1, t0, GTF_PERMIT_ACCESS\n    beqz t1, 90f                        "
                  "# not granted\n    lhu  t1, XGE_DOMID(s5)\n    lw   t2, D_DOMID(s1)\n"
                  "    bne  t1, t2, 90f                    # granted to someone else\n",
                  "    nop                                 # BUG: no grant check\n")],
        # the backend maps rogue's ungranted page and rogue maps dom0's
        "fails": {"rogue"},
    },
    "readonly-mapped-writable": {
        "about": "gnttab_map gives a writable mapping of a read-only grant",
        "subs": [("xen/grant.s",
                  "    andi t1, t0, GTF_READONLY\n    bnez t1, 90f                        "
                  "# writable mapping of a read-only grant\n",
                  "    nop                                 # BUG: read-only ignored\n")],
        # rogue's step 2: the backend reads from disk into a page granted read-only
        "fails": {"rogue"},
    },
    "mmu-unchecked": {
        "about": "mmu_update installs any frame: the hypervisor does not check that the "
                 "domain owns it",
        "subs": [("xen/mmu.s",
                  "    lw   t1, D_PAGES(a0)\n    bltu t0, t1, 9f                     "
                  "# its own memory\n",
                  "    j    9f                             # BUG: no ownership check\n")],
        "fails": {"rogue"},
    },
    "revoke-while-mapped": {
        "about": "gnttab_end takes a grant back even while the backend maps it",
        "subs": [("lib/pv/gnttab.s",
                  "    andi t2, t1, GTF_READING | GTF_WRITING\n    bnez t2, 8f                  "
                  "       # mapped right now: cannot be taken back\n",
                  "    nop                                 # BUG: mapped or not\n")],
        "fails": {"rogue", "revoke-busy"},
    },
    "frontend-no-notify": {
        "about": "the block frontend puts its request on the ring but forgets to notify "
                 "the backend (no evtchn_send)",
        "subs": [("lib/pv/blkfront.s",
                  "    call ring_front_push\n    beqz a0, 6f\n",
                  "    call ring_front_push\n    j    6f                             "
                  "# BUG: never notify\n")],
        # every DomU built with blkfront waits for its first block for ever (the
        # step limit); rogue and flood drive their rings themselves; destroy-reuse
        # depends on uni-kv
        "fails": {"uni-kv", "uni-persist", "revoke-busy", "mono-shell", "mono-usertests",
                  "mono-workload", "two-domus", "destroy-reuse", "no-device-exits"},
    },
    "destroy-leaks-memory": {
        "about": "domctl_destroy forgets to return the domain's memory to the pool",
        "subs": [("xen/domain.s",
                  "    not  t6, t6\n    and  t2, t2, t6\n",
                  "    not  t6, t6\n    nop                                 "
                  "# BUG: chunks stay used\n")],
        "fails": {"destroy-reuse"},
    },
}


def make_variant(name: str, dest: Path) -> Path:
    """Copy the hypervisor, the kernels it boots, lib and the user programs under
    ``dest`` with variant ``name`` applied; returns the submission directory
    (``dest/xen``)."""
    v = VARIANTS[name]
    make_submission(GUESTS, PARTS, v["subs"], dest,
                    label=f"{name} (tests/xen/variants.py)")
    return dest / "xen"


if __name__ == "__main__":
    sys.exit(variant_main(VARIANTS, make_variant))
