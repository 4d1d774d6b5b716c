"""Options shared by the commands that build a machine (``boot``, ``debug``): the
machine-shape options, and turning them into :class:`ringvm.emulator.images.MachineOptions`
(numbers are parsed by :func:`ringvm.emulator.machine.parse_count`)."""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from ringvm.errors import UserError
from ringvm.isa import ISA

from ..images import MachineOptions
from ..machine import MAX_CPUS, parse_count, parse_size

def add_machine_options(p) -> None:
    """The options that shape the machine (engine, CPUs, RAM, TLB, disk, console input),
    shared by ``boot`` and ``debug``; :func:`machine_options` reads them."""
    p.add_argument("--engine", default="auto", metavar="KIND",
                   help="native, python or auto (default: native if available)")
    p.add_argument("--cpus", metavar="N", help="number of CPUs (default 1)")
    p.add_argument("--ram", metavar="SIZE", help="RAM size, e.g. 32M, 64M, 1G (default 32M)")
    p.add_argument("--tlb-entries", metavar="N",
                   help=f"TLB entries per CPU, {ISA.machine['tlb_entries_min']}-"
                        f"{ISA.machine['tlb_entries_max']} (default "
                        f"{ISA.machine['tlb_entries_default']})")
    p.add_argument("--disk", metavar="IMG", action="append",
                   help="attach a disk image (512-byte sectors); up to 3 times: disk, "
                        "disk1, ... (default: the guest's disks)")
    p.add_argument("--nic", metavar="BACKEND",
                   help="attach the network interface (ISA.md §9) with a host backend: "
                        "loopback (every packet comes back), or none (default: the "
                        "guest's)")
    p.add_argument("--snapshot", action="store_true",
                   help="keep disk writes in memory; the image files are never modified")
    p.add_argument("--fresh-disk", action="store_true",
                   help="reset the guest's working disk to its freshly built image first "
                        "(files of earlier boots are gone)")
    p.add_argument("--module", metavar="NAME=FILE_OR_GUEST[@ADDR]", action="append",
                   help="boot module (ISA.md §11): a file, .s source or bundled guest, "
                        "placed in RAM and listed in the boot-info page; repeatable")
    p.add_argument("--option", metavar="NAME", action="append",
                   help="build the guest with its named option (`ringvm guests` lists them)")
    p.add_argument("-D", dest="defines", metavar="NAME[=VALUE]", action="append",
                   help="build the guest with NAME defined (VALUE default 1)")
    p.add_argument("--input", metavar="TEXT",
                   help=r"console input (escapes like \n allowed), then end of input")


def machine_options(args) -> MachineOptions:
    """:class:`MachineOptions` from the options of :func:`add_machine_options`, every
    value checked (ranges named after the option). Raises :class:`UserError`."""
    if args.engine not in ("auto", "native", "python"):
        raise UserError(f"--engine {args.engine!r}: choose native, python or auto")
    lo, hi = ISA.machine["tlb_entries_min"], ISA.machine["tlb_entries_max"]
    return MachineOptions(
        engine=args.engine,
        ncpus=None if args.cpus is None else parse_count(args.cpus, "--cpus", 1, MAX_CPUS),
        ram=None if args.ram is None else parse_size(args.ram),
        tlb_entries=None if args.tlb_entries is None
        else parse_count(args.tlb_entries, "--tlb-entries", lo, hi),
        disks=args.disk, snapshot=args.snapshot,
        fresh_disk=bool(getattr(args, "fresh_disk", False)), nic=getattr(args, "nic", None))


def build_options(args) -> dict:
    """Keyword arguments of :func:`ringvm.emulator.images.resolve` from the options of
    :func:`add_machine_options`: named ``options``, ``defines`` and extra ``modules``.
    Raises :class:`UserError` for a malformed ``-D`` or ``--module``."""
    from ..images import parse_module_arg
    defines = {}
    for d in args.defines or ():
        name, _, value = d.partition("=")
        if not re.fullmatch(r"[A-Za-z_.$][\w.$]*", name):
            raise UserError(f"-D {d!r}: expected NAME[=VALUE]")
        sign = -1 if value.startswith("-") else 1
        defines[name] = sign * parse_count(value.lstrip("-"), f"-D {name}", lo=0,
                                           hi=(1 << 32) - 1) if value else 1
    return {"options": tuple(args.option or ()), "defines": defines,
            "modules": [parse_module_arg(m) for m in args.module or ()]}


def add_max_steps_option(p) -> None:
    """``--max-steps N``, the one name of the step limit (ISA.md §10 counts steps:
    instructions, faulting instructions and idle cycles); ``--max-instructions`` is kept
    as a deprecated alias."""
    p.add_argument("--max-steps", metavar="N",
                   help="stop after N steps (instructions, faults, idle cycles; all CPUs)")
    p.add_argument("--max-instructions", metavar="N", dest="max_instructions",
                   help=argparse.SUPPRESS)


def max_steps_option(args) -> int | None:
    """The parsed ``--max-steps`` (or its deprecated alias, with a note on stderr)."""
    if getattr(args, "max_instructions", None) is not None:
        if args.max_steps is not None:
            raise UserError("give --max-steps only (--max-instructions is its old name)")
        print("ringvm: note: --max-instructions is deprecated: use --max-steps",
              file=sys.stderr)
        return parse_count(args.max_instructions, "--max-instructions")
    if getattr(args, "max_steps", None) is None:
        return None
    return parse_count(args.max_steps, "--max-steps")


def add_timeline_options(p) -> None:
    """``--timeline FILE.json`` and its bounds (``boot``, ``debug``, ``grade --rerun``,
    ``compare``); :func:`timeline_options` reads them, :func:`start_timeline` attaches."""
    p.add_argument("--timeline", metavar="FILE.json",
                   help="write a timeline of the run (Chrome Trace Event Format, for "
                        "ui.perfetto.dev or chrome://tracing): ring residency per CPU, "
                        "traps, interrupts, VM exits, IPIs, software events; time in cycles")
    p.add_argument("--timeline-window", metavar="A:B",
                   help="only cycles A <= t < B in the timeline (either may be left out)")
    p.add_argument("--timeline-max-events", metavar="N",
                   help="at most N timeline events (default 200000); the run goes on, "
                        "the timeline stops, with a message")


def timeline_options(args) -> dict | None:
    """``{"path", "window", "max_events"}`` from :func:`add_timeline_options`, or None
    without ``--timeline``. Raises :class:`UserError` for a bad value or a bound given
    without ``--timeline``."""
    from ..machine.timeline import DEFAULT_MAX_EVENTS, parse_window
    path = getattr(args, "timeline", None)
    window = getattr(args, "timeline_window", None)
    most = getattr(args, "timeline_max_events", None)
    if path is None:
        if window is not None or most is not None:
            raise UserError("--timeline-window and --timeline-max-events need "
                            "--timeline FILE.json")
        return None
    _check_writable(path, "--timeline")
    return {"path": path, "window": parse_window(window) if window else (0, None),
            "max_events": DEFAULT_MAX_EVENTS if most is None
            else parse_count(most, "--timeline-max-events", 1)}


def _check_writable(path: str, option: str) -> None:
    """Raise :class:`UserError` now, before a long run, if ``path`` could not be
    written at its end: a directory, a folder that does not exist or is not writable,
    or a file that is not writable."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise UserError(f"{option} {path}: cannot write: it is a directory")
    if not parent.is_dir():
        raise UserError(f"{option} {path}: cannot write: no folder {str(parent)!r}")
    if not os.access(parent, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise UserError(f"{option} {path}: cannot write: permission denied")


def start_timeline(machine, opts: dict | None, name: str, describe=None):
    """Attach a :class:`~ringvm.emulator.machine.timeline.Timeline` per ``opts`` (from
    :func:`timeline_options`; None: nothing) and return it."""
    if opts is None:
        return None
    from ..images.abi import syscall_names_for
    from ..machine.timeline import Timeline
    return Timeline(machine, name=name, window=opts["window"],
                    max_events=opts["max_events"], describe=describe,
                    syscall_name=syscall_names_for(machine.symbols).get)


def finish_timeline(tl, opts: dict | None) -> None:
    """Write the timeline of :func:`start_timeline` and say so on stderr."""
    if tl is None or opts is None:
        return
    tl.write(opts["path"])
    print(f"ringvm: {tl.summary()} written to {opts['path']}", file=sys.stderr)
