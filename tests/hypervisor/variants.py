"""Deliberately broken variants of the type-1a hypervisor, for showing that its grading
suite (guests/hypervisor/suite.toml) catches real bugs — the sibling of
tests/grader/variants.py (the monolithic kernel's).

Each variant is a list of literal substitutions ``(file, old, new)`` applied to a
temporary copy of ``guests/hypervisor``, ``guests/lib`` and ``guests/user`` (an ``old``
text that no longer occurs exactly once fails loudly), and ``fails``: exactly the tests
of the suite the bug must fail ("all but" a set is written ``("all but", {...})``; a
test whose dependency failed is not run, which counts as failed here).

``python tests/hypervisor/variants.py NAME [DIR]`` writes the variant to DIR (default a
temporary directory) and prints the path to give ``ringvm grade --submission``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ringvm.emulator.grader.variants import make_submission, variant_main

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
SUITE = GUESTS / "hypervisor" / "suite.toml"

VARIANTS: dict[str, dict] = {
    "tlb-unchecked": {
        "about": "guest TLB writes are installed without checking that the PFN is the VM's",
        "subs": [("lib/hv/vtlb.s",
                  "    lw   t3, VC_HLIMIT(a0)\n    bltu t2, t3, 13f                    # the VM's RAM\n",
                  "    j    13f                            # BUG: the PFN is not checked\n")],
        # the wild entry is installed; the load through it reaches the second stage
        "fails": {"tlb-validation"},
    },
    "getst-not-skipped": {
        "about": "after emulating getst (exit SENSITIVE) the hypervisor forgets to advance hepc",
        "subs": [("hypervisor/exits.s",
                  "    call vcpu_setreg\n    lw   t0, VC_PC(s0)\n    addi t0, t0, 4\n"
                  "    sw   t0, VC_PC(s0)\n    mv   a0, s0\n    j    hv_resume\n\n"
                  "# MMIO",
                  "    call vcpu_setreg                    # BUG: pc not advanced\n"
                  "    mv   a0, s0\n    j    hv_resume\n\n# MMIO")],
        # the guest executes its boot-time getst forever
        "fails": {"sens"},
    },
    "mmio-not-skipped": {
        "about": "after emulating a device access (exit MMIO) the hypervisor forgets to advance hepc",
        "subs": [("hypervisor/exits.s",
                  "2:  lw   t0, VC_PC(s0)\n    addi t0, t0, 4\n    sw   t0, VC_PC(s0)\n"
                  "    srli t0, s2, 12",
                  "2:  nop                                 # BUG: pc not advanced\n"
                  "    srli t0, s2, 12")],
        # every guest repeats its first device access forever; only the naive monitor
        # (which emulates accesses itself) still works
        "fails": ("all but", {"naive"}),
    },
    "dma-unchecked": {
        "about": "a virtual disk request is started without checking its DMA range",
        "subs": [("hypervisor/hvdev.s",
                  "    srli t3, t2, 9                      # at most hlimit / 512 sectors ...\n"
                  "    bgtu t0, t3, 8f\n",
                  "    srli t3, t2, 9                      # BUG: no check\n"
                  "    j    9f\n"),
                 ("hypervisor/hvdev.s",
                  "    sub  t3, t2, t1                     # ... ending inside the VM's RAM\n"
                  "    bgtu t0, t3, 8f\n",
                  "    sub  t3, t2, t1\n9:\n")],
        "fails": {"dma-isolation"},
    },
    "focus-ignored": {
        "about": "console input always goes to vm1: the Ctrl-A hot key is not handled",
        "subs": [("hypervisor/hvcon.s",
                  "5:  li   t0, 1                          # Ctrl-A\n    bne  s1, t0, 6f\n",
                  "5:  j    6f                             # BUG: no hot key\n")],
        "fails": {"same-file", "focus", "forkbomb", "tlb-validation"},
    },
}


def make_variant(name: str, dest: Path) -> Path:
    """Copy the hypervisor, lib and user programs under ``dest`` with variant ``name``
    applied; returns the submission directory (``dest/hypervisor``)."""
    v = VARIANTS[name]
    make_submission(GUESTS, ("hypervisor", "lib", "user"), v["subs"], dest,
                    label=f"{name} (tests/hypervisor/variants.py)")
    return dest / "hypervisor"


if __name__ == "__main__":
    sys.exit(variant_main(VARIANTS, make_variant))
