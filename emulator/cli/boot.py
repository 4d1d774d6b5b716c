"""``ringvm boot`` and ``ringvm guests``.

::

    ringvm boot [GUEST] [--engine auto|native|python] [--cpus N] [--ram SIZE]
                [--tlb-entries N] [--disk IMG [--snapshot]] [--input TEXT]
                [--max-steps N] [--stats] [--stats-json FILE]
                [--trace FLAGS] [--trace-file FILE]
                [--checkpoint FILE [--checkpoint-at N]] [--restore FILE]
    ringvm guests

``GUEST`` is a bundled guest name (``ringvm guests``), a ``.s`` file (assembled on the
fly with include paths [its directory, guests/lib]) or an ELF file; omitted, the default
guest (``default`` in ``guests/guests.toml``, else ``hello``). A bundled guest's
``guest.toml`` may set ``cpus``, ``ram`` and ``disk`` defaults (options override them; a
bundled disk image is attached in --snapshot mode, so it is never modified). A ``[disk]``
table instead builds the image from user programs and files (``emulator/images/rootdisk.py``)
and boots a persistent working copy of it (``--snapshot`` leaves that copy untouched).

Console: ``--input TEXT`` queues TEXT (with ``\\n``-style escapes) then EOF; otherwise
piped stdin is read to its end then EOF; an interactive terminal is used in raw mode —
**Ctrl-] then q** leaves the emulator.

``--max-steps N`` stops the machine after N *steps* (ISA.md §10: instructions, faulting
instructions and idle cycles, all CPUs together); N may use a K/M/G suffix (10^3, 10^6,
10^9). ``--max-instructions`` is its deprecated old name. ``--checkpoint FILE
--checkpoint-at N`` saves the whole machine after N steps and keeps running;
``--checkpoint FILE`` alone saves it when the run stops (for example at the step
limit). ``--restore FILE`` continues a saved machine (GUEST, --cpus, --ram,
--tlb-entries cannot be given; --disk overrides the recorded image path).

Exit status: the guest's halt code (& 0xFF); 2 user error; 124 step limit reached; 125
machine check; 126 deadlock; 130 left with Ctrl-] q or interrupted.
"""
from __future__ import annotations

import re
import sys

from ringvm.errors import UserError

from ..machine import parse_count
from .options import (add_machine_options, add_max_steps_option, add_timeline_options,
                      build_options, finish_timeline, machine_options, max_steps_option,
                      start_timeline, timeline_options)


def register(subparsers) -> None:
    """Add the ``boot`` and ``guests`` subcommands."""
    p = subparsers.add_parser(
        "boot", help="boot a guest on the emulated machine",
        description="Boot a guest: a bundled guest name, a .s file or an ELF file. "
                    "Interactive console: type Ctrl-] then q to leave.",
        epilog="exit status: the guest's halt code; 2 user error; 124 step limit reached; "
               "125 machine check; 126 deadlock; 130 left with Ctrl-] q")
    p.add_argument("guest", nargs="?", metavar="GUEST",
                   help="bundled guest name, .s file or ELF file (default: the default guest)")
    add_machine_options(p)
    add_max_steps_option(p)
    p.add_argument("--stats", action="store_true", help="print statistics to stderr at exit")
    p.add_argument("--stats-json", metavar="FILE", help="write statistics as JSON to FILE")
    p.add_argument("--trace", metavar="FLAGS",
                   help="trace events: comma-separated insn,trap,tlb,mmio,vm,irq or all")
    p.add_argument("--trace-file", metavar="FILE", help="write the trace to FILE (default stderr)")
    add_timeline_options(p)
    p.add_argument("--checkpoint", metavar="FILE",
                   help="save the whole machine to FILE (at --checkpoint-at N, else at the stop)")
    p.add_argument("--checkpoint-at", metavar="N", help="step at which to save the checkpoint")
    p.add_argument("--restore", metavar="FILE", help="continue a machine saved by --checkpoint")
    p.set_defaults(func=cmd_boot)

    g = subparsers.add_parser("guests", help="list the bundled guests",
                              description="List the bundled guests with their descriptions.")
    g.set_defaults(func=cmd_guests)


def cmd_guests(args) -> int:
    """``ringvm guests``: a table of bundled guests (the default one marked): structure,
    description, the seed concept each embodies, its disks, modules and build options."""
    from rich.console import Console as RichConsole
    from rich.markup import escape
    from rich.table import Table

    from ..images import default_guest_name, list_guests
    guests = list_guests()
    default = default_guest_name()
    t = Table(show_edge=False, pad_edge=False, box=None, show_lines=True)
    t.add_column("guest", style="bold")
    t.add_column("structure")
    t.add_column("description")
    for g in guests:
        lines = [g.description]
        if g.concept:
            lines.append(f"concept: {g.concept}")
        machine = []
        if g.cpus:
            machine.append(f"{g.cpus} cpus")
        if g.ram:
            machine.append(f"RAM {g.ram}")
        for i, d in enumerate(g.disks):
            machine.append(f"disk{i or ''} {d.image.name}" if d.image is not None
                           else f"disk{i or ''} built from its programs")
        if set(g.runs_as) != {"bare"}:
            machine.append("runs as: " + ", ".join(g.runs_as))
        if machine:
            lines.append("; ".join(machine))
        if g.modules:
            lines.append("modules: " + ", ".join(m.name for m in g.modules))
        for name, (desc, defines) in g.options.items():
            lines.append(f"--option {name}: {desc or ', '.join(defines)}")
        t.add_row(g.name + (" (default)" if g.name == default else ""),
                  g.structure, escape("\n".join(lines)))   # "[...]" is not rich markup
    RichConsole(highlight=False, soft_wrap=False).print(t)
    if not guests:
        print("(no bundled guests found)")
    return 0


def check_options(args) -> dict:
    """Validate every option of ``boot`` (and the ones ``debug`` shares) before anything
    runs. Returns ``{"machine": MachineOptions or None (--restore), "max": steps or
    None, "ckpt_at": step or None, "trace": flags (if --trace)}``. Raises
    :class:`UserError`."""
    v: dict = {}
    v["max"] = max_steps_option(args)
    v["machine"] = machine_options(args)
    if args.restore:
        v["machine"] = None
        given = [o for o, val in (("GUEST", args.guest), ("--cpus", args.cpus),
                                  ("--ram", args.ram), ("--tlb-entries", args.tlb_entries),
                                  ("--snapshot", args.snapshot or None),
                                  ("--fresh-disk", getattr(args, "fresh_disk", None)),
                                  ("--module", args.module), ("--option", args.option),
                                  ("-D", args.defines),
                                  ("a second --disk", (args.disk or [])[1:])) if val]
        if given:
            raise UserError(f"--restore continues a saved machine; {', '.join(given)} "
                            f"cannot be given with it")
    if args.checkpoint_at is not None and not args.checkpoint:
        raise UserError("--checkpoint-at needs --checkpoint FILE")
    v["ckpt_at"] = None if args.checkpoint_at is None else \
        parse_count(args.checkpoint_at, "--checkpoint-at", 0)
    if v["ckpt_at"] is not None and v["max"] is not None and v["ckpt_at"] > v["max"]:
        raise UserError("--checkpoint-at is beyond --max-steps")
    if args.trace:
        from ..machine.trace import parse_flags
        v["trace"] = parse_flags(args.trace)
    elif args.trace_file:
        raise UserError("--trace-file needs --trace FLAGS")
    v["timeline"] = timeline_options(args)
    return v


def cmd_boot(args) -> int:
    """``ringvm boot``: returns the exit status (see the module docstring)."""
    from ..machine import Console, unescape_input

    v = check_options(args)
    console = Console(input=unescape_input(args.input)) if args.input is not None \
        else Console()
    image = None
    if not args.restore:
        from ..images import resolve
        image = resolve(args.guest, **build_options(args))
    m = build_machine(args, v, console, image)
    trace_out = None
    with m:
        if m.engine_note:
            print(m.engine_note, file=sys.stderr)
        if image is not None:
            _print_banner(image, v["machine"], args.guest)
        if "trace" in v:
            from ..machine.trace import Tracer
            if args.trace_file:
                try:
                    trace_out = open(args.trace_file, "w")
                except OSError as e:
                    raise UserError(f"cannot write {args.trace_file!r}: {e.strerror}") from None
            from ..images.abi import syscall_names_for
            m.tracer = Tracer(m, v["trace"], trace_out, describe=_symbolizer(image).describe
                              if image is not None else None,
                              syscall_name=syscall_names_for(m.symbols).get)
        tl = start_timeline(m, v.get("timeline"), image.name if image is not None
                            else "restored", _symbolizer(image).describe
                            if image is not None else None)
        watch = _FaultLines(console)
        try:
            result = _run(m, args, v)
        finally:
            if trace_out is not None:
                trace_out.close()
        finish_timeline(tl, v.get("timeline"))
        watch.report(_symbolizer(image) if image is not None else None)
        if args.checkpoint and v["ckpt_at"] is None:
            m.checkpoint(args.checkpoint)
        if args.stats or args.stats_json:
            from ..machine.stats import collect, print_table, write_json
            st = collect(m, result)
            if args.stats_json:
                try:
                    write_json(st, args.stats_json)
                except OSError as e:
                    raise UserError(f"cannot write {args.stats_json!r}: {e.strerror}") from None
            if args.stats:
                print_table(st)
    msg = result.message()
    if console.last_byte not in (None, 10) and not console.capture and _isatty(sys.stdout):
        sys.stdout.write("\n")      # the guest's last line (a prompt) ended: the shell's
        sys.stdout.flush()          # prompt, or our message, starts on a line of its own
    if msg:
        print(msg, file=sys.stderr)
    return result.exit_status


_SYMS: dict = {}


def _symbolizer(image):
    """The one Symbolizer of ``image`` for this run (kernel and disk programs)."""
    if id(image) not in _SYMS:
        from ..images.symbols import for_guest
        _SYMS[id(image)] = for_guest(image)
    return _SYMS[id(image)]


class _FaultLines:
    """Watches the guest's console output for panic and fault lines (``panic:``,
    ``killed:``, ``epc``) and, after the run, repeats each on stderr with its addresses
    named from the line table (``ringvm: at: ... 0x80005f70 <ilock+0x34> (fs.s:212)``);
    the guest's own output is left as it is. At most :attr:`LIMIT` lines."""
    LIMIT = 8
    _RX = re.compile(r"panic|killed:|\bepc\b|badvaddr")

    def __init__(self, console):
        self.lines: list[str] = []
        self._partial = b""
        write = console.write

        def tee(data: bytes) -> None:
            write(data)
            if data and len(self.lines) < self.LIMIT:
                self._feed(data)
        console.write = tee

    def _feed(self, data: bytes) -> None:
        buf = self._partial + data
        *done, self._partial = buf.split(b"\n")
        self._partial = self._partial[-512:]
        for raw in done:
            line = raw.decode("utf-8", "replace").rstrip("\r")
            if self._RX.search(line) and "0x" in line and len(self.lines) < self.LIMIT:
                self.lines.append(line)

    def report(self, sym) -> None:
        if sym is None:
            return
        for line in self.lines:
            named = sym.annotate(line)
            if named != line:
                print(f"ringvm: at: {named}", file=sys.stderr)


def _print_banner(image, opts, spec) -> None:
    """The disks in use (and how a guest's entry file was recognised), on stderr."""
    from ..images.boot import disk_banner, no_disk_hint
    lines = [image.note] if image.note else []
    lines += disk_banner(image, opts)
    if not lines:
        hint = no_disk_hint(image, spec) if opts.disks is None else ""
        lines = [hint] if hint else []
    for line in lines:
        print(line, file=sys.stderr)
    sys.stderr.flush()


def build_machine(args, v: dict, console, image=None):
    """The Machine for parsed ``args`` and ``v`` (from :func:`check_options`): restored
    from ``--restore``, else the guest (``image``, or the resolved GUEST) loaded through
    :func:`ringvm.emulator.images.machine_for`. Raises :class:`UserError`."""
    from ..images import machine_for, resolve
    from ..machine import Machine
    if args.restore:
        return Machine.from_checkpoint(args.restore, args.engine, console=console,
                                       disk=args.disk[0] if args.disk else None)
    m = machine_for(image or resolve(args.guest, **build_options(args)), v["machine"],
                    console)
    if args.snapshot and not m.has_disk:
        m.close()
        raise UserError("--snapshot needs --disk IMG")
    return m


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _run(m, args, v):
    total = v["max"]
    at = v["ckpt_at"]
    if at is None:
        result = m.run(max_steps=total)
    else:
        result = m.run(max_steps=at)
        if result.kind == "max_steps":
            m.checkpoint(args.checkpoint)
            result = m.run(max_steps=None if total is None else total - at)
            result.steps += at
        else:
            print(f"ringvm: note: the machine stopped before step {at}; no checkpoint written",
                  file=sys.stderr)
    if result.kind == "max_steps":
        result.max_steps = total
    return result
