"""Links in an article: its own URL and the numbered references at the end of its body.

Feed and HTML bodies end with a `Links:` section of `[n] URL` lines (see
`ingest/html.py:with_references`). Only http and https links are ever opened or copied.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_SECTION = "\n\nLinks:\n"
_REFERENCE = re.compile(r"\[(\d{1,4})\] (\S+)")


def numbered_links(body: str) -> dict[int, str]:
    """`{n: url}` from the body's final `Links:` section (empty when it has none)."""
    start = body.rfind(_SECTION)
    if start < 0:
        return {}
    links: dict[int, str] = {}
    for line in body[start + len(_SECTION) :].splitlines():
        match = _REFERENCE.fullmatch(line.strip())
        if match is None:
            break  # the section is only reference lines: anything else ends it
        links[int(match.group(1))] = match.group(2)
    return links


def is_web_link(url: str) -> bool:
    """An http(s) URL with a host, and nothing a terminal or shell could act on."""
    if not url or any(ch.isspace() or ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def scheme_of(url: str) -> str:
    """What kind of link it is, for a notice (`javascript:`, `a file path`, ...)."""
    try:
        scheme = urlsplit(url).scheme
    except ValueError:
        scheme = ""
    return f"a {scheme[:20]}: link" if scheme else "not a web address"
