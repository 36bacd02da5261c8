"""Opening a web link: with the person's opener, or a browser, started detached.

The opener is `config.toml`'s: the first `[[openers]]` whose `match` is found in the link,
else `opener`, else the system browser. Nothing from an article reaches a shell (the link is
one argv element), only http(s) links are opened (`links.is_web_link`, the one rule), and
the program's own output never reaches the terminal the app draws on. Where there is no
way to show a web page (no display and no $BROWSER), it says so instead of pretending.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys

from newsreader.config import OPENER, OPENERS, Config, fill
from newsreader.links import is_web_link, refusal
from newsreader.programs import start_detached

NO_BROWSER = "no web browser to open it here (no display, and $BROWSER is not set); y copies it"


def configured_command(url: str, config: Config) -> list[str] | None:
    """The person's argv for `url` (`{url}` filled in, or the link added last), or None."""
    argv = next((o.command for o in config.get(OPENERS) if o.match.search(url)), None)
    argv = argv or config.get(OPENER)
    if not argv:
        return None
    if any("{url}" in arg for arg in argv):
        return fill(argv, {"url": url})
    return [*argv, url]


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


def open_detached(url: str, config: Config | None = None) -> str | None:
    """Start the opener (or a browser) on `url`, detached: None once started, else why not.
    Blocks up to `programs.FAILS_WITHIN` seconds (call it from a thread)."""
    if not is_web_link(url):
        return f"the link {refusal(url)}"
    argv = configured_command(url, config or Config()) or browser_command(url)
    if argv is None:
        return NO_BROWSER
    return start_detached(argv)
