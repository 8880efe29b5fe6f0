"""Ctrl-C, SIGTERM and SIGHUP unwind the command like an exception, so every temporary file is removed."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

MESSAGES = {"SIGINT": "Interrupted.", "SIGTERM": "Terminated.", "SIGHUP": "Hung up."}
"""The one line printed for each signal; the exit status is 128 + the signal number, as a shell reports it."""


class Signalled(BaseException):
    """Raised in the main thread when a stop signal arrives; a BaseException so only cleanup code sees it.

    Not a KeyboardInterrupt on purpose: click turns that into `Abort` ("Aborted.", exit 1) and prints an
    empty line first, while the signal deserves its own status (130 for SIGINT, 143 for SIGTERM).
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def message(self) -> str:
        return MESSAGES.get(signal.Signals(self.signum).name, "Stopped by a signal.")


def _handled() -> list[int]:
    return [getattr(signal, name) for name in MESSAGES if hasattr(signal, name)]


@contextlib.contextmanager
def unwinding_signals() -> Iterator[None]:
    """While the command runs, a stop signal raises Signalled; the handlers found before are restored after.

    The first signal unwinds; it also restores the default action, so a second Ctrl-C during a cleanup
    that somehow hangs still ends the process. A signal that was ignored when we started (nohup, a
    background job) stays ignored. Outside the main thread Python cannot take signals: nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, Any] = {}

    def stop(signum: int, frame: FrameType | None) -> None:
        for each in previous:
            signal.signal(each, signal.SIG_DFL)
        raise Signalled(signum)

    try:
        for signum in _handled():
            found = signal.getsignal(signum)
            if found is signal.SIG_IGN or found is None:  # None: set outside Python, so not ours to restore
                continue
            previous[signum] = found
            signal.signal(signum, stop)
        yield
    finally:
        for signum, found in previous.items():
            signal.signal(signum, found)
