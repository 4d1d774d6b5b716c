"""Deliberately broken variants of the exokernel, the library OS of early systems and
kernel bypass, for showing that their grading suites (guests/exokernel/suite.toml,
guests/libos/suite.toml, guests/bypass/suite.toml) catch real bugs — the same scheme as
variants.py: each variant is a list of literal substitutions ``(file, old, new)``
applied to a temporary copy of the guest folders its suite needs (``PARTS``: ExOS and
the libos include the monolithic kernel's Unix file layer, bypass is the exokernel with
an option), and ``fails``: exactly the tests that must fail ("all": every test).

``python tests/grader/variants_exokernel.py NAME [DIR]`` writes the variant to DIR and
prints the path to give ``ringvm grade --submission``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ringvm.emulator.grader.variants import make_submission, variant_main

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
SUITE = GUESTS / "exokernel" / "suite.toml"
#: structure -> the guest folders a submission holds (the first is the suite's own)
PARTS = {"exokernel": ("exokernel", "lib", "user", "monolithic"),
         "libos": ("libos", "lib", "user", "monolithic"),
         "bypass": ("bypass", "exokernel", "lib")}

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

for v in VARIANTS.values():
    v["structure"] = "exokernel"

VARIANTS.update({
    "libos-call-traps": {
        "structure": "libos",
        "about": "getpid of the device library traps instead of returning: a library OS "
                 "of early systems has no trap handler to go to",
        "subs": [("libos/usys.s",
                  "getpid:\n    li   a0, 1\n    ret\n",
                  "getpid:\n    syscall                             # BUG: a trap\n"
                  "    ret\n")],
        "fails": {"workload"},
    },
    "libos-no-polling": {
        "structure": "libos",
        "about": "the device library never polls the disk: its first request never ends",
        "subs": [("libos/usys.s",
                  "    li   t2, 2                          # DONE or ERROR\n"
                  "    bltu t1, t2, 1f\n",
                  "    li   t2, 2                          # DONE or ERROR\n"
                  "    j    1f                             # BUG: never done\n")],
        "fails": "all",
    },
    "bypass-window-everywhere": {
        "structure": "bypass",
        "about": "the kernel opens every queue's IOMMU window on all of memory: a library "
                 "OS can make the NIC read or write any page",
        "subs": [("exokernel/nic.s",
                  "    li   t0, NIC_Q_DMA_BASE\n    sw   a1, 0(t0)\n"
                  "    li   t0, NIC_Q_DMA_SIZE\n    sw   a2, 0(t0)\n",
                  "    li   t0, NIC_Q_DMA_BASE\n    sw   zero, 0(t0)                    "
                  "# BUG: all of RAM\n    li   t0, NIC_Q_DMA_SIZE\n    li   t1, 0x7FFFF000\n"
                  "    sw   t1, 0(t0)\n")],
        "fails": {"protection"},
    },
    "bypass-shared-kernel-queue": {
        "structure": "bypass",
        "about": "the kernel's own queue 0 accepts the doorbells of ASID 1: the first "
                 "library OS can drive the kernel's queue",
        "subs": [("exokernel/nic.s",
                  "    li   a3, 0\n    call nic_program\n",
                  "    li   a3, 1                          # BUG: not the kernel's alone\n"
                  "    call nic_program\n")],
        "fails": {"protection"},
    },
})

SUITES = {name: GUESTS / name / "suite.toml" for name in PARTS}


def make_variant(name: str, dest: Path) -> Path:
    """Copy the guest folders of the variant's structure under ``dest`` with variant
    ``name`` applied; returns the submission directory."""
    v = VARIANTS[name]
    parts = PARTS[v["structure"]]
    make_submission(GUESTS, parts, v["subs"], dest,
                    label=f"{name} (tests/grader/variants_exokernel.py)")
    return dest / parts[0]


if __name__ == "__main__":
    sys.exit(variant_main(VARIANTS, make_variant))
