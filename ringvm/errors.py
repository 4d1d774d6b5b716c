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
