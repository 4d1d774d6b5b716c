"""Deliberately broken variants of the microkernel (guests/microkernel), for showing
that its grading suite (guests/microkernel/suite.toml) catches real bugs — in the
kernel's IPC, in a pager, in the interrupt path, in the supervisor and in the stubs.

As in tests/grader/variants.py: each variant is a list of literal substitutions
``(file, old, new)`` applied to a temporary copy of ``guests/microkernel``,
``guests/lib`` and ``guests/user`` (an ``old`` text that no longer occurs exactly
once fails loudly), and ``fails``: exactly the tests of the suite the bug must fail.

``python tests/microkernel/mk_variants.py NAME [DIR]`` writes the variant to DIR and
prints the path to give ``ringvm grade guests/microkernel/suite.toml --submission``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ringvm.emulator.grader.variants import make_submission, variant_main

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
SUITE = GUESTS / "microkernel" / "suite.toml"
PARTS = ("microkernel", "lib", "user")

VARIANTS: dict[str, dict] = {
    "call-not-atomic": {
        "about": "a call that had to wait in the server's send queue returns as soon as "
                 "the server takes the message: the reply is lost (the caller gets its "
                 "own request back)",
        "subs": [("microkernel/ipc.s",
                  "    andi t1, t0, TH_CALL\n    beqz t1, 5f\n",
                  "    andi t1, t0, TH_CALL\n    j    5f                             "
                  "# BUG: the call's reply phase is forgotten\n")],
        "fails": "all",
    },
    "pager-maps-writable": {
        "about": "the process server maps every page read-write-execute, whatever the "
                 "program's segments say (text writable, data executable)",
        "subs": [("microkernel/servers/procserv.s",
                  "    mv   t4, a0                         # the page | rights: map it at "
                  "the address\n    andi t0, t4, TLB_R | TLB_W | TLB_X\n",
                  "    mv   t4, a0                         # the page | rights: map it at "
                  "the address\n    li   t0, TLB_R | TLB_W | TLB_X      # BUG: all rights\n")],
        "fails": {"protection", "faults-usertests", "syscalls-badargs", "usertests",
                  "mach-ipc"},
    },
    "irq-never-unmasked": {
        "about": "the kernel masks an interrupt line when it delivers the interrupt as a "
                 "message, but the driver's acknowledgement never unmasks it",
        "subs": [("microkernel/trap.s",
                  "    li   t0, 1\n    sll  t0, t0, a1\n    csrs ienable, t0\n    li   a0, 0\n",
                  "    li   t0, 1\n    sll  t0, t0, a1\n    nop                           "
                  "      # BUG: the line stays masked\n    li   a0, 0\n")],
        "fails": "all",
    },
    "fs-gives-up": {
        "about": "the file system does not wait for a restarted disk driver: a request the "
                 "crashed driver never answered is a disk error",
        "subs": [("microkernel/servers/fsserv.s",
                  "3:  KSYS K_CALL\n    bnez t1, 5f\n    EPILOGUE\n",
                  "3:  KSYS K_CALL\n    beqz t1, 4f\n    li   a0, -1                       "
                  "  # BUG: no retry\n4:  EPILOGUE\n")],
        "fails": {"driver-restart"},
    },
    "no-supervisor": {
        "about": "root deletes a crashed driver but never starts it again",
        "subs": [("microkernel/servers/root.s",
                  "4:  lw   t0, TK_RESTART(s1)\n    beqz t0, 8f\n",
                  "4:  lw   t0, TK_RESTART(s1)\n    j    8f                             "
                  "# BUG: no restart\n")],
        "fails": {"driver-restart"},
    },
    "stub-clobbers-a1": {
        "about": "the POSIX stubs do not restore a1 (the ABI promises that only t0-t6 and "
                 "a0 change; malloc relies on it)",
        "subs": [("microkernel/ulib/usys.s",
                  ".macro STUB_LEAVE\n    lw   ra, 28(sp)\n    lw   a1, 0(sp)\n",
                  ".macro STUB_LEAVE\n    lw   ra, 28(sp)\n    li   a1, 0                   "
                  "       # BUG: a1 is lost\n")],
        "fails": {"isolation", "sbrk", "usertests", "mach-ipc"},
    },
}


def make_variant(name: str, dest: Path) -> Path:
    """Copy the microkernel, lib and user programs under ``dest`` with variant ``name``
    applied; returns the submission directory (``dest/microkernel``)."""
    v = VARIANTS[name]
    make_submission(GUESTS, PARTS, v["subs"], dest,
                    label=f"{name} (tests/microkernel/mk_variants.py)")
    return dest / "microkernel"


if __name__ == "__main__":
    sys.exit(variant_main(VARIANTS, make_variant))
