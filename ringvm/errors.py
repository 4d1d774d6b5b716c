"""Errors that reach the user as one clear line, never as a traceback.

Every CLI command catches :class:`UserError` at one place (``ringvm.emulator.cli.main``)
and prints ``ringvm: error: <message>`` to stderr, exiting with ``exit_status``.
"""
from __future__ import annotations

#: documented exit statuses of the ringvm command (README "Exit status")
EXIT_USER_ERROR = 2        # bad command line, missing file, assembly error
EXIT_MAX_STEPS = 124          # the step limit (--max-steps) was reached before the guest halted
EXIT_MACHINE_CHECK = 125   # the machine stopped on a machine check
EXIT_DEADLOCK = 126        # every CPU waits for an interrupt that can never come
EXIT_QUIT = 130            # the interactive user left (Ctrl-] q), as after Ctrl-C


class UserError(Exception):
    """A mistake in the user's input (file, option, source). ``str(e)`` is the message."""

    exit_status = EXIT_USER_ERROR

    def __init__(self, message: str, exit_status: int | None = None):
        super().__init__(message)
        if exit_status is not None:
            self.exit_status = exit_status


def did_you_mean(word: str, candidates, n: int = 1) -> list[str]:
    """Up to ``n`` of ``candidates`` that ``word`` is most likely a typo of, best first:
    the fewest edits (insertions, deletions, substitutions, swaps of neighbours), then
    those that start with ``word`` (``ad`` → ``add``, not ``and``), then those sharing
    its first letter, then the shortest and alphabetical order. Only near neighbours
    are offered: at most one edit for words of up to four letters, two for longer.
    [] when none is near."""
    limit = 1 if len(word) <= 4 else 2
    ranked = []
    for c in set(candidates):
        d = _edits(word.lower(), c.lower(), limit)
        if d <= limit:
            ranked.append((d, not c.startswith(word), c[:1] != word[:1], len(c), c))
    return [r[-1] for r in sorted(ranked)[:n]]


def _edits(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance of ``a`` and ``b`` (limit + 1 once over)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] \
                    and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]
