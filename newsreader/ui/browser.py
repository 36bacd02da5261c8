"""Opening a web link: in a browser started detached, so the app never waits for it.

Nothing from an article reaches a shell (argv lists), only http(s) links are opened, and
the browser's own output never reaches the terminal the app draws on. Where there is no
way to show a web page (no display and no $BROWSER), it says so instead of pretending.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import threading

from newsreader.links import is_web_link

FAILS_WITHIN = 1.0
"""Seconds within which a browser command that could not open the link has said so."""
NO_BROWSER = "no web browser to open it here (no display, and $BROWSER is not set); y copies it"


def browser_command(url: str) -> list[str] | None:
    """The argv that shows `url` in a browser; None when this machine has none to offer.

    $BROWSER first (commands separated by `:`, `%s` standing for the link, as `webbrowser`
    reads it), then the desktop's opener when there is a desktop.
    """
    for entry in os.environ.get("BROWSER", "").split(os.pathsep):
        try:
            argv = shlex.split(entry)
        except ValueError:
            continue
        if argv and shutil.which(argv[0]):
            if any("%s" in arg for arg in argv):
                return [arg.replace("%s", url) for arg in argv]
            return [*argv, url]
    if sys.platform == "darwin":
        return ["open", url]
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        for opener in ("xdg-open", "wslview"):
            if shutil.which(opener):
                return [opener, url]
    return None


def open_detached(url: str) -> str | None:
    """Start a browser on `url`, detached: None once started, else why not. Blocks up to
    `FAILS_WITHIN` seconds (call it from a thread), never for as long as the browser runs."""
    if not is_web_link(url):
        return "only http and https links are opened"
    argv = browser_command(url)
    if argv is None:
        return NO_BROWSER
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not ours to stop: it outlives the app, and ^C
            close_fds=True,
        )
    except OSError as error:
        return f"{os.path.basename(argv[0])} could not be started ({error.strerror or error})"
    try:  # an opener that fails (no handler, no terminal for a text browser) fails at once
        status = process.wait(timeout=FAILS_WITHIN)
    except subprocess.TimeoutExpired:
        # Reaped by a thread of its own: a browser run directly lives as long as its window.
        threading.Thread(target=process.wait, daemon=True).start()
        return None
    if status != 0:
        return f"{os.path.basename(argv[0])} could not open it (it stopped with status {status})"
    return None
