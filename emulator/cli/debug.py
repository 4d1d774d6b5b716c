"""``ringvm debug``: the interactive debugger (see ``emulator/debugger/``).

::

    ringvm debug [GUEST] [--engine KIND] [--cpus N] [--ram SIZE] [--tlb-entries N]
                 [--disk IMG] [--input TEXT] [--restore FILE]
                 [-x FILE] [--batch] [--no-color]

GUEST and the machine options are those of ``ringvm boot``. The machine starts stopped
at the reset vector. ``-x FILE`` runs the commands in FILE first (echoed after an
``(rdb)`` prompt); ``--batch`` exits after them instead of reading commands. A disk
image is always attached with its writes kept in memory (reverse execution must be able
to re-read what the guest read). Interactive use has line editing, history
(``~/.ringvm_debug_history``) and tab completion of commands and symbols; Ctrl-C stops
a running ``continue``; keys typed while the guest runs go to its console (``input
TEXT`` queues input at the prompt); an empty line repeats a stepping command; Ctrl-D or
``quit`` leaves. Without a terminal, commands are read from stdin one per line.
"""
from __future__ import annotations

import os
import signal
import sys

from ringvm.errors import UserError

PROMPT = "(rdb) "
REPEATABLE = {"stepi", "si", "nexti", "ni", "step", "s", "next", "n", "continue", "c",
              "reverse-stepi", "rsi", "reverse-step", "rs", "x", "list", "l"}


def register(subparsers) -> None:
    from .options import add_machine_options, add_timeline_options
    p = subparsers.add_parser(
        "debug", help="debug a guest: step every ring, break, watch, catch traps, go back",
        description="Start the machine stopped at the reset vector with a debugger prompt "
                    "(gdb-like commands; `help` lists them).")
    p.add_argument("guest", nargs="?", metavar="GUEST",
                   help="bundled guest name, .s file or ELF file (default: the default guest)")
    add_machine_options(p)
    p.add_argument("--restore", metavar="FILE", help="debug a machine saved by boot --checkpoint")
    p.add_argument("-x", dest="script", metavar="FILE", help="run the debugger commands in FILE")
    p.add_argument("--batch", action="store_true",
                   help="exit after the -x commands (do not read commands)")
    p.add_argument("--no-color", action="store_true", help="no colors in the context display")
    add_timeline_options(p)
    p.set_defaults(func=cmd_debug, max_steps=None, max_instructions=None, checkpoint=None,
                   checkpoint_at=None, trace=None, trace_file=None)


def build_debugger(args, out=None):
    """(Debugger, note) for parsed ``args`` (the ``debug`` options)."""
    from ringvm.assembler.elf import read_elf

    from ..debugger import Debugger
    from ..images import resolve
    from ..images.boot import disks_for
    from ..machine import unescape_input
    from .boot import build_machine, check_options
    from .options import build_options

    v = check_options(args)
    note = None
    image = None if args.restore else resolve(args.guest, **build_options(args))
    if image is not None:
        disks, snapshot = disks_for(image, v["machine"])
        if disks and not snapshot:
            note = "ringvm: note: disk writes are kept in memory while debugging"
        v["machine"].snapshot = True
    data = unescape_input(args.input) if args.input is not None else None
    console = Debugger.make_console(input=data, eof=args.input is not None)
    m = build_machine(args, v, console, image)
    elf = None
    if image is not None:
        try:
            elf = read_elf(image.elf)
        except UserError:
            elf = None
    out = out if out is not None else sys.stdout
    color = not args.no_color and _isatty(out) and os.environ.get("NO_COLOR") is None
    width, height = terminal_size(out)
    dbg = Debugger(m, out, elf=elf, color=color, width=width, height=height)
    if image is not None:
        dbg.use_programs_of(image)
    if v.get("timeline") is not None:
        from .boot import _symbolizer
        from .options import start_timeline
        dbg.timeline_opts = v["timeline"]
        start_timeline(m, v["timeline"], image.name if image is not None else "restored",
                       _symbolizer(image).describe if image is not None else None)
    return dbg, note


def terminal_size(out) -> tuple[int, int | None]:
    """``(columns, rows)`` of the terminal ``out`` writes to: columns clamped to
    60..160 (100 when not a terminal), rows None when not a terminal."""
    try:
        size = os.get_terminal_size(out.fileno())
        return max(60, min(160, size.columns)), size.lines
    except (OSError, AttributeError, ValueError):
        return 100, None


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def cmd_debug(args) -> int:
    dbg, note = build_debugger(args)
    with dbg.m:
        if dbg.m.engine_note:
            print(dbg.m.engine_note, file=sys.stderr)
        if note:
            print(note, file=sys.stderr)
        name = args.guest or (f"checkpoint {args.restore}" if args.restore else "the default guest")
        dbg.write(f"ringvm debug: {name} on the {dbg.m.engine_kind} engine, "
                  f"{dbg.m.config.ncpus} CPU{'s' if dbg.m.config.ncpus > 1 else ''}; "
                  f"stopped at step {dbg.now}. `help` lists the commands.")
        dbg.view.context()
        dbg._remember_regs()
        try:
            status = run_session(dbg, args.script, args.batch)
        finally:
            if dbg.m.timeline is not None:
                from .options import finish_timeline
                finish_timeline(dbg.m.timeline, dbg.timeline_opts)
        if args.batch and dbg.waiting_for_input:
            from ..debugger.session import WAITING_INPUT
            raise UserError(f"--batch: {WAITING_INPUT}")
        return status


def run_session(dbg, script: str | None = None, batch: bool = False) -> int:
    """The command loop of a debugger session: the commands of ``script`` (a file;
    echoed after the prompt), then — unless ``batch`` — the terminal's (line editing,
    history, completion) or stdin's, one per line. Returns the exit status (0).
    ``ringvm grade --rerun TEST --debug`` runs it too. Raises :class:`UserError` for
    an unreadable script."""
    if script:
        try:
            with open(script, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except OSError as e:
            raise UserError(f"cannot read {script!r}: {e.strerror}") from None
        if not _guarded(dbg, lambda: dbg.run_script(lines)):
            return 0
    if batch:
        return 0
    if _isatty(sys.stdin) and _isatty(sys.stdout):
        _interactive(dbg)
    else:
        for line in sys.stdin:
            dbg.write(f"{PROMPT}{line.rstrip()}")
            if not _guarded(dbg, lambda: dbg.execute(line)):
                break
    return 0


def _guarded(dbg, fn):
    """Run ``fn`` with Ctrl-C setting the debugger's interrupt flag (a second Ctrl-C
    while the flag is still set interrupts Python itself)."""
    def on_sigint(signum, frame):
        if dbg.interrupted:
            raise KeyboardInterrupt
        dbg.interrupted = True
    try:
        old = signal.signal(signal.SIGINT, on_sigint)
    except ValueError:                 # not the main thread
        return fn()
    try:
        return fn()
    except KeyboardInterrupt:
        dbg.interrupted = False
        dbg.write("interrupted")
        return True
    finally:
        signal.signal(signal.SIGINT, old)


def _completer(dbg):
    from prompt_toolkit.completion import Completer, Completion

    from ..debugger.commands import commands
    from ..debugger.view import CSR, REG_NAMES
    from ..debugger.views import infos as view_infos
    infos = ["registers", "tlb", "traps", "breakpoints", "symbols", "devices", "vm",
             "cpus", "line", "frame", "checkpoints", *sorted(view_infos())]
    catches = ["trap", "syscall", "vmexit", "ring", "interrupt", "event", "hypercall",
               "ipc", "upcall", "message", "notify"]

    class DebugCompleter(Completer):
        """Commands, ``info``/``catch`` words, syscall names, registers and symbols; a
        word that completes a command or keyword gets a trailing space, as in gdb."""

        def get_completions(self, document, complete_event):
            text = document.text_before_cursor
            word = document.get_word_before_cursor(WORD=True)
            words = text.split()
            space = True
            if len(words) == 0 or (len(words) == 1 and not text.endswith(" ")):
                cands = sorted(commands())
            elif words[0] in ("info", "i") and len(words) <= 2:
                cands = infos
            elif words[0] == "catch" and len(words) <= 2:
                cands = catches
            elif words[0] == "catch" and words[1] == "syscall" and len(words) <= 3:
                cands = sorted(dbg.syscall_names().values())
            elif word.startswith("$"):
                cands = ["$" + r for r in list(REG_NAMES) + ["pc"] + sorted(CSR)]
                space = False
            else:
                cands = sorted(set(dbg.m.symbols) | set(dbg.user_symbol_names()))
                space = False
            stem = word.lstrip("*&")
            for c in cands:
                if c.startswith(stem):
                    yield Completion(c + (" " if space else ""), start_position=-len(stem),
                                     display=c)

    return DebugCompleter()


def _interactive(dbg) -> None:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    path = os.environ.get("RINGVM_DEBUG_HISTORY",
                          os.path.join(os.path.expanduser("~"), ".ringvm_debug_history"))
    try:
        history = FileHistory(path)
        open(path, "a").close()
    except OSError:
        history = InMemoryHistory()
    session = PromptSession(history=history, completer=_completer(dbg),
                            complete_while_typing=False)
    last = ""
    while True:
        try:
            line = session.prompt(PROMPT)
        except KeyboardInterrupt:
            continue
        except EOFError:
            dbg.write("quit")
            return
        if not line.strip():
            if last.split()[:1] and last.split()[0].split("/")[0] in REPEATABLE:
                line = last
            else:
                continue
        last = line
        try:
            with _live_input(dbg):
                if not _guarded(dbg, lambda: dbg.execute(line)):
                    return
        except KeyboardInterrupt:      # Ctrl-C just before or after the command ran
            dbg.interrupted = False
            dbg.write("interrupted")


class _live_input:
    """While a command runs at the terminal: keys typed go to the guest's console
    (no local echo: the guest echoes), Ctrl-C still interrupts."""

    def __init__(self, dbg):
        self.dbg = dbg
        self.saved = None

    def __enter__(self):
        import termios
        fd = sys.stdin.fileno()
        try:
            self.saved = termios.tcgetattr(fd)
            mode = termios.tcgetattr(fd)
            mode[3] &= ~(termios.ICANON | termios.ECHO)
            mode[6][termios.VMIN] = 1
            mode[6][termios.VTIME] = 0
            termios.tcsetattr(fd, termios.TCSANOW, mode)
        except (termios.error, OSError):
            self.saved = None
        self.dbg.input_poll = self.poll
        return self

    def poll(self, timeout: float) -> bytes | None:
        import select
        fd = sys.stdin.fileno()
        try:
            r, _, _ = select.select([fd], [], [], timeout)
            return os.read(fd, 4096) if r else None
        except (InterruptedError, OSError):
            return None

    def __exit__(self, *exc):
        import termios
        self.dbg.input_poll = None
        if self.saved is not None:
            try:
                termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, self.saved)
            except (termios.error, OSError):
                pass
        return False
