"""Deliberately broken variants of the multiprocessor monolithic kernel, for showing
that its grading suite (guests/monolithic/suite-smp.toml) catches the classic
multiprocessor bugs — the same scheme as variants.py: literal substitutions
``(file, old, new)`` applied to a temporary copy of guests/monolithic, guests/lib and
guests/user, and ``fails``: exactly the tests of the suite that must fail.

The machine interleaves its CPUs deterministically (round-robin in quanta), so each
race below shows in the same tests on every run.

``python tests/grader/variants_smp.py NAME [DIR]`` writes the variant to DIR and prints
the path to give ``ringvm grade guests/monolithic/suite-smp.toml --submission``.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
SUITE = GUESTS / "monolithic" / "suite-smp.toml"

VARIANTS: dict[str, dict] = {
    "ptable-unlocked-allocproc": {
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
        "fails": {"usertests-4"},
    },
    "shootdown-no-wait": {
        "about": "tlb_shootdown sends its IPIs but does not wait for the acknowledgements "
                 "before the caller frees the pages (and the next shootdown overwrites "
                 "the request)",
        "subs": [("monolithic/smp.s",
                  "3:  la   t0, shoot_pending              # wait for every acknowledgement\n"
                  "    lw   t0, 0(t0)\n    bnez t0, 3b\n",
                  "3:  nop                                 # BUG: no wait\n")],
        "fails": {"tlb-shootdown", "usertests-4"},
    },
    "lost-wakeup": {
        "about": "sleep_on lets the caller's lock go before it takes ptable_lock: a wakeup "
                 "on another CPU can come between the check and the sleep, and is lost",
        "subs": [("monolithic/proc.s",
                  "    la   a0, ptable_lock                # ptable_lock before lk goes: "
                  "a wakeup needs it\n    call acquire\n    beqz s2, 1f\n    mv   a0, s2\n"
                  "    call release\n1:  sw   s1, P_CHAN(s3)\n",
                  "    beqz s2, 0f                         # BUG: lk goes first\n"
                  "    mv   a0, s2\n    call release\n0:  la   a0, ptable_lock\n"
                  "    call acquire\n1:  sw   s1, P_CHAN(s3)\n")],
        # the console reader and wait() lose their wakeups at once: the first prompt
        # never comes back, so "boot-4" fails and everything depends on it
        "fails": "all",
    },
}


def make_variant(name: str, dest: Path) -> Path:
    """Copy the kernel, lib and user programs under ``dest`` with variant ``name``
    applied; returns the submission directory (``dest/monolithic``)."""
    v = VARIANTS[name]
    for part in ("monolithic", "lib", "user"):
        shutil.copytree(GUESTS / part, dest / part)
    for rel, old, new in v["subs"]:
        p = dest / rel
        text = p.read_text()
        n = text.count(old)
        if n != 1:
            raise AssertionError(f"variant {name}: the text to replace occurs {n} times in "
                                 f"guests/{rel} (the kernel changed: update "
                                 f"tests/grader/variants_smp.py)\n{old}")
        p.write_text(text.replace(old, new))
    return dest / "monolithic"


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in VARIANTS:
        print(f"usage: {sys.argv[0]} {{{'|'.join(VARIANTS)}}} [DIR]", file=sys.stderr)
        sys.exit(2)
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp(prefix="variant-"))
    print(make_variant(sys.argv[1], out))
