"""How the app meets the world ending around it: signals, and failures worded for a person.

Kept apart from the app so the rules are in one place: SIGTERM/SIGHUP end it as `q` does
(the terminal put back as it was), a terminal that is gone ends it at once, and a failure
reaches the screen as one line in words (never an exception name, SQL or a traceback).
"""

from __future__ import annotations

import os
import select
import signal
import threading
from collections.abc import Callable
from typing import Any


def describe(error: BaseException, url: str) -> str:
    """One line for a failure: what and why. `url`: the store's, when there is one."""
    from sqlalchemy.exc import DatabaseError

    from newsreader.store.engine import StoreError
    from newsreader.store.errors import describe_error, store_name

    if isinstance(error, StoreError):
        return str(error)
    if isinstance(error, DatabaseError) and url:
        return describe_error(url, error)
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror or error}"
    text = " ".join(str(error).split()) or "an unexpected failure"
    return f"{store_name(url)}: {text}" if url else text


def end_on_signals(quit_soon: Callable[[], object]) -> Callable[[], None]:
    """On SIGTERM or SIGHUP, call `quit_soon` (thread-safe: it only schedules the quit);
    returns the call that puts the previous handlers back.

    A plain handler, not the event loop's: it runs even while the loop waits on a write to
    the terminal. A hangup whose terminal is really gone ends the process as it did before
    the app was there: there is nothing to restore, and writes to it would never finish.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def on_signal(number: int, _frame: object) -> None:
        if number == signal.SIGHUP and _hung_up():
            signal.signal(number, signal.SIG_DFL)
            os.kill(os.getpid(), number)
        else:
            quit_soon()

    previous: dict[int, Any] = {
        number: signal.signal(number, on_signal) for number in (signal.SIGTERM, signal.SIGHUP)
    }

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    return restore


def _hung_up() -> bool:
    """The terminal went away (its other end closed): writes to it fail or never finish."""
    poll = select.poll()
    for fd in (0, 1, 2):  # not `isatty()`: a hung-up terminal is no longer a tty to it
        poll.register(fd, select.POLLOUT)
    return any(events & (select.POLLHUP | select.POLLERR) for _, events in poll.poll(0))
