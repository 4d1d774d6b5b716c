"""The host side of the console UART: where guest output goes and input comes from.

The engine owns the UART (its receive queue, EOF flag and transmit buffer); a
:class:`Console` moves bytes between it and the host:

- output: every batch, the Machine drains ``engine.console_output()`` into
  :meth:`Console.write`, which writes to a binary stream (stdout by default, flushed
  per batch) or, with ``capture=True``, appends to :attr:`Console.captured`;
- input, one of three sources:

  ``scripted``  ``Console(input=b"...")`` (``--input TEXT``): every byte is queued before
               the first step, then EOF. Fully deterministic.
  ``piped``     stdin is not a TTY: stdin is read to its end up front, queued, then EOF.
  ``tty``       an interactive terminal, put in raw mode (no echo, no line editing, no
               signals; output still turns ``\\n`` into ``\\r\\n``, Enter sends ``\\n``).
               Input is fed between batches; when every CPU waits, the Machine blocks
               in :meth:`Console.wait_input` until a key arrives. The escape key is
               **Ctrl-] then q**, which leaves the emulator (Ctrl-] Ctrl-] sends one
               Ctrl-] to the guest). The terminal is restored by :meth:`close`, which
               also runs at exit, on SIGTERM/SIGHUP and on exceptions (use ``with``).
  ``none``      no input at all (EOF at once).
"""
from __future__ import annotations

import atexit
import os
import select
import signal
import sys
from typing import BinaryIO

ESCAPE = 0x1D          # Ctrl-]
ESCAPE_HINT = "ringvm: console attached; type Ctrl-] then q to leave the emulator"


class QuitRequested(Exception):
    """The interactive user typed the escape sequence (Ctrl-] q)."""


def unescape_input(text: str) -> bytes:
    r"""Interpret backslash escapes of ``--input TEXT``: ``\n \r \t \\ \0 \e \xHH``.

    Returns UTF-8 bytes. An unknown escape keeps the backslash.
    """
    out = bytearray()
    i = 0
    simple = {"n": 10, "r": 13, "t": 9, "\\": 92, "0": 0, "e": 27, "a": 7}
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            d = text[i + 1]
            if d in simple:
                out.append(simple[d])
                i += 2
                continue
            if d == "x" and i + 3 < len(text) + 0 and _is_hex(text[i + 2:i + 4]):
                out.append(int(text[i + 2:i + 4], 16))
                i += 4
                continue
        out += c.encode()
        i += 1
    return bytes(out)


def _is_hex(s: str) -> bool:
    return len(s) == 2 and all(ch in "0123456789abcdefABCDEF" for ch in s)


class Console:
    """Host side of the UART. See the module docstring for the input modes.

    ``input``: scripted bytes (mode ``scripted``); ``mode`` forces a mode
    ("scripted", "piped", "tty", "none"; default: scripted if ``input`` is given, else
    tty if stdin is a terminal, else piped). ``output``: a binary stream for guest
    output (default ``sys.stdout.buffer``); ``capture``: keep output in
    :attr:`captured` instead of writing it.
    """

    def __init__(self, input: bytes | None = None, *, mode: str | None = None,
                 output: BinaryIO | None = None, capture: bool = False,
                 stdin: BinaryIO | None = None):
        self._stdin = stdin
        if mode is None:
            if input is not None:
                mode = "scripted"
            else:
                fd = self._stdin_fd()
                mode = "tty" if fd is not None and os.isatty(fd) else "piped"
        if mode not in ("scripted", "piped", "tty", "none"):
            raise ValueError(f"unknown console mode {mode!r}")
        self.mode = mode
        self.interactive = mode == "tty"
        self._script = input or b""
        self.capture = capture
        self.captured = bytearray()
        self._out = output
        self.fed = 0           # input bytes handed to the engine so far
        self.eof_sent = False
        self._saved_tty = None
        self._old_handlers: dict = {}
        self._escape = False
        self._closed = False
        self.last_byte = None   # last byte of guest output (None: no output yet)

    # -- plumbing
    def _stdin_fd(self) -> int | None:
        s = self._stdin if self._stdin is not None else sys.stdin
        try:
            return s.fileno()
        except (AttributeError, ValueError, OSError):
            return None

    # -- lifecycle
    def start(self, engine) -> None:
        """Queue the initial input (scripted/piped) and EOF; enter raw mode for a TTY.

        Called by the Machine once before running (not again after a restore that
        already delivered the input: :attr:`fed` and :attr:`eof_sent` say so).
        """
        if self.mode == "scripted":
            rest = self._script[self.fed:]
        elif self.mode == "piped" and not self.eof_sent:
            s = self._stdin if self._stdin is not None else sys.stdin
            stream = getattr(s, "buffer", s)
            try:
                rest = (stream.read() if stream is not None else b"") or b""
            except (OSError, ValueError, AttributeError):
                rest = b""
            if isinstance(rest, str):
                rest = rest.encode()
        else:
            rest = b""
        if rest:
            engine.console_input(rest)
            self.fed += len(rest)
        if self.mode != "tty" and not self.eof_sent:
            engine.console_eof()
            self.eof_sent = True
        if self.mode == "tty":
            self._enter_raw()

    def _enter_raw(self) -> None:
        import termios
        fd = self._stdin_fd()
        if fd is None or self._saved_tty is not None:
            return
        try:
            self._saved_tty = termios.tcgetattr(fd)
        except termios.error:
            return                 # not really a terminal: input still works, cooked
        mode = termios.tcgetattr(fd)
        mode[0] &= ~(termios.BRKINT | termios.INPCK | termios.ISTRIP | termios.IXON)
        mode[3] &= ~(termios.ECHO | termios.ICANON | termios.ISIG | termios.IEXTEN)
        mode[6][termios.VMIN] = 1
        mode[6][termios.VTIME] = 0
        termios.tcsetattr(fd, termios.TCSAFLUSH, mode)
        atexit.register(self.close)
        for sig in (signal.SIGTERM, signal.SIGHUP):
            try:
                self._old_handlers[sig] = signal.signal(sig, self._on_signal)
            except (ValueError, OSError):     # not the main thread
                pass
        sys.stderr.write(ESCAPE_HINT + "\r\n")
        sys.stderr.flush()

    def _on_signal(self, signum, frame):
        self.close()
        raise SystemExit(128 + signum)

    def close(self) -> None:
        """Restore the terminal (idempotent, safe on every exit path)."""
        if self._saved_tty is not None:
            import termios
            fd = self._stdin_fd()
            try:
                termios.tcsetattr(fd, termios.TCSAFLUSH, self._saved_tty)
            except (OSError, termios.error):
                pass
            self._saved_tty = None
            for sig, h in self._old_handlers.items():
                try:
                    signal.signal(sig, h)
                except (ValueError, OSError, TypeError):
                    pass
            self._old_handlers.clear()
        self.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- output
    def write(self, data: bytes) -> None:
        """Guest output (already taken from the engine)."""
        if not data:
            return
        self.last_byte = data[-1]
        if self.capture:
            self.captured += data
            return
        out = self._out if self._out is not None else sys.stdout.buffer
        out.write(data)

    def flush(self) -> None:
        if self.capture:
            return
        out = self._out if self._out is not None else getattr(sys.stdout, "buffer", None)
        try:
            if out is not None:
                out.flush()
        except (OSError, ValueError):
            pass

    @property
    def output(self) -> bytes:
        """Captured output so far (``capture=True``)."""
        return bytes(self.captured)

    # -- interactive input
    def _filter(self, data: bytes) -> bytes:
        """Handle the escape sequence; raise :class:`QuitRequested` on Ctrl-] q."""
        out = bytearray()
        for b in data:
            if self._escape:
                self._escape = False
                if b in (ord("q"), ord("Q")):
                    raise QuitRequested()
                if b == ESCAPE:
                    out.append(ESCAPE)
                else:
                    out += bytes((ESCAPE, b))
            elif b == ESCAPE:
                self._escape = True
            else:
                out.append(b)
        return bytes(out)

    def _read_ready(self, timeout: float | None) -> bytes | None:
        fd = self._stdin_fd()
        if fd is None:
            return None
        try:
            r, _, _ = select.select([fd], [], [], timeout)
            if not r:
                return b""
            data = os.read(fd, 4096)
        except InterruptedError:
            return b""
        except OSError:
            return None            # the terminal hung up (EIO)
        if not data:
            return None            # the terminal closed
        return data

    def poll(self, engine, timeout: float = 0) -> None:
        """Between batches: feed whatever the terminal has, waiting at most ``timeout``
        seconds for it (0: never blocks)."""
        if not self.interactive or self.eof_sent:
            return
        data = self._read_ready(timeout)
        self._deliver(engine, data)

    def wait_input(self, engine) -> bool:
        """Every CPU waits: block until the host supplies input and feed it.

        Returns False if no input can ever come (non-interactive, or the terminal
        closed) — the Machine then reports a deadlock. Raises
        :class:`QuitRequested` on the escape sequence.
        """
        if not self.interactive or self.eof_sent:
            return False
        self.flush()
        while True:
            data = self._read_ready(None)
            if data is None:
                self._deliver(engine, None)
                return True                 # EOF is news for the guest
            if self._deliver(engine, data):
                return True

    def _deliver(self, engine, data: bytes | None) -> bool:
        if data is None:
            if not self.eof_sent:
                engine.console_eof()
                self.eof_sent = True
            return True
        if not data:
            return False
        data = self._filter(data)
        if data:
            engine.console_input(data)
            self.fed += len(data)
            return True
        return False

    # -- checkpoint
    def snapshot(self) -> dict:
        return {"mode": self.mode, "fed": self.fed, "eof_sent": self.eof_sent}

    def restore(self, snap: dict) -> None:
        """Continue after a checkpoint: input already delivered is not fed again."""
        if snap.get("mode") == self.mode:
            self.fed = snap["fed"]
        self.eof_sent = snap["eof_sent"] if self.mode != "tty" else False
