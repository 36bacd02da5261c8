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

from newsreader.ui.links import is_web_link

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
    """Start a browser on `url` without waiting for it: None once started, else why not."""
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
    # Reaped by a thread of its own: a browser run directly lives as long as its window.
    threading.Thread(target=process.wait, daemon=True).start()
    return None
