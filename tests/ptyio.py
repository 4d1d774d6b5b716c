"""Reading a program's terminal (the master side of a pty) in tests."""
from __future__ import annotations

import os
import select
import time


def read_until(fd: int, needle: bytes, timeout: float = 30.0) -> bytes:
    """Bytes read from ``fd`` until ``needle`` appears (or EOF). Answers terminal
    cursor-position requests (prompt_toolkit sends them). Raises AssertionError with
    the tail of the output after ``timeout`` seconds."""
    buf = b""
    deadline = time.monotonic() + timeout
    while needle not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out waiting for {needle!r}; got {buf[-2000:]!r}")
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            if b"\x1b[6n" in chunk:
                os.write(fd, b"\x1b[1;1R")
    return buf
