"""Running the person's programs (link openers, hooks): argv lists, never a shell.

A value from outside (a link, a feed's name) is only ever one element of an argv the
person wrote (`config.fill`), so `;`, `$(...)` or spaces in it are text to the program, never
commands. The program's input and output are /dev/null (it never draws on the terminal
the app draws on), it runs in a session of its own (the app's ^C is not its), and the app
waits for it only a bounded time. Core module: no textual.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading

FAILS_WITHIN = 1.0
"""Seconds within which an opener that could not open the link has said so."""
HOOK_SECONDS = 10.0
"""The most a hook may run: then it is stopped."""


def _start(argv: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # not ours to stop: it outlives the app, and ^C
        close_fds=True,
    )


def _name(argv: list[str]) -> str:
    return os.path.basename(argv[0])[:60] or "the program"


def start_detached(argv: list[str]) -> str | None:
    """Start `argv` and let it run: None once started, else why not. Blocks up to
    `FAILS_WITHIN` seconds (call it from a thread), never for as long as the program runs."""
    try:
        process = _start(argv)
    except OSError as error:
        return f"{_name(argv)} could not be started ({error.strerror or error})"
    try:  # an opener that fails (no handler, no terminal for a text browser) fails at once
        status = process.wait(timeout=FAILS_WITHIN)
    except subprocess.TimeoutExpired:
        # Reaped by a thread of its own: a browser run directly lives as long as its window.
        threading.Thread(target=process.wait, daemon=True).start()
        return None
    if status != 0:
        return f"{_name(argv)} could not open it (it stopped with status {status})"
    return None


def run_bounded(argv: list[str], seconds: float = HOOK_SECONDS) -> str | None:
    """Run `argv` to its end, at most `seconds` (then it and its session are stopped):
    None when it succeeded, else one line saying why not."""
    try:
        process = _start(argv)
    except OSError as error:
        return f"{_name(argv)} could not be started ({error.strerror or error})"
    try:
        status = process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # its own session: its children go too
        except OSError:
            process.kill()
        process.wait()
        return f"{_name(argv)} was stopped after {seconds:g} s"
    if status != 0:
        return f"{_name(argv)} stopped with status {status}"
    return None
