"""Broken variants: submissions made by copying guest folders and patching their
sources — how an instructor checks that a grading suite catches the bugs it is meant
to catch (the bundled suites' variants are defined this way under ``tests/``).

A variant's substitutions are ``(path relative to the guests folder, old text, new
text)`` triples. Each old text must occur exactly once in its file: a variant that no
longer matches the sources it breaks fails loudly instead of silently testing the
unbroken kernel.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterable


def make_submission(guests: Path, parts: Iterable[str], subs: Iterable[tuple[str, str, str]],
                    dest: Path, *, label: str) -> None:
    """Copy the folders ``parts`` of ``guests`` under ``dest`` (which must not hold
    them yet) and apply ``subs`` to the copies. Raises ValueError naming ``label`` (the
    variant and where it is defined) and the file when an old text does not occur
    exactly once; FileExistsError if a folder is already under ``dest``."""
    for part in parts:
        shutil.copytree(guests / part, dest / part)
    for rel, old, new in subs:
        path = dest / rel
        text = path.read_text()
        n = text.count(old)
        if n != 1:
            raise ValueError(f"variant {label}: the text to replace occurs {n} times in "
                             f"guests/{rel} (the source changed: update the variant)\n{old}")
        path.write_text(text.replace(old, new))


def variant_main(variants: dict, make_variant: Callable[[str, Path], Path],
                 argv: list[str] | None = None) -> int:
    """The command line of a variants module: ``python FILE NAME [DIR]`` writes the
    submission of variant NAME under DIR (default: a new temporary folder) and prints
    its folder. Returns the exit status: 2, with a usage line, for an unknown NAME."""
    argv = sys.argv if argv is None else argv
    if len(argv) < 2 or argv[1] not in variants:
        print(f"usage: {argv[0]} {{{'|'.join(variants)}}} [DIR]", file=sys.stderr)
        return 2
    out = Path(argv[2]) if len(argv) > 2 else Path(tempfile.mkdtemp(prefix="variant-"))
    print(make_variant(argv[1], out))
    return 0
