"""What counts as a web link: the one rule every part of newsreader applies.

A link is printed, stored, exported or opened only when it is an http(s) URL whose host a
browser will read exactly as a person reads it. Anything else stays inert text. Core module:
no textual, no store.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import urlsplit

_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_NUMERIC = re.compile(r"0x[0-9a-f]*|[0-9]+")
_SECTION = "\n\nLinks:\n"
# `[n] URL`, or `[n] TYPE URL` for an entry's media (`[3] audio/mpeg https://…`).
_REFERENCE = re.compile(r"\[(\d{1,4})\] (?:[a-z0-9][\w!#$&^.+-]*/[\w!#$&^.+-]+ )?(\S+)")
INERT = "(not-a-web-link)"
"""Stands in for a reference that is not a web link; one word, so the section still parses."""


def is_web_link(url: str) -> bool:
    """An http(s) URL with a real host, and nothing a terminal, shell or browser could
    read differently from a person."""
    return link_problem(url) is None


def web_link(url: str | None) -> str | None:
    """`url` without its surrounding spaces when that is a web link, else None: what may be
    stored, printed or handed on as a link (feeds often pad theirs with whitespace)."""
    url = (url or "").strip()
    return url if is_web_link(url) else None


def refusal(url: str) -> str:
    """Why `url` is not opened, worded to follow it in a notice (`… is a javascript: link
    (only http and https links are opened)`)."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme in ("http", "https"):
        return f"is not opened: {link_problem(url) or 'it is not a web link'}"
    kind = f"a {scheme[:20]}: link" if scheme else "not a web address"
    return f"is {kind} (only http and https links are opened)"


def link_problem(url: str) -> str | None:
    """Why `url` is not a web link, in a few words (None when it is one)."""
    if not url:
        return "it is empty"
    plain = url.isascii() and url.isprintable() and " " not in url  # the common case, at C speed
    if not plain and any(ch.isspace() or unicodedata.category(ch) in _INVISIBLE for ch in url):
        return "it contains a space or an invisible character"
    if "\\" in url:
        return "it contains a backslash"  # browsers read `\` as `/`: the host would differ
    if plain and (host := _plain_host(url)) is not None:
        return None if _valid_host(host, bracketed=False) else "its host is not valid"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port that is no number raises here)
    except ValueError:
        return "it is not a well-formed address"
    if parts.scheme.lower() not in ("http", "https"):
        return "it is not an http or https address"
    if "@" in parts.netloc:
        return "it names a user before its host (user@host)"
    host = parts.hostname or ""
    if not host:
        return "it has no host"
    return None if _valid_host(host, bracketed="[" in parts.netloc) else "its host is not valid"


def _plain_host(url: str) -> str | None:
    """The host of an `http(s)://host/…` URL whose host is letters, digits, dots, hyphens
    and underscores (no user, port or brackets), as `urlsplit` names it; else None. The
    common case, read without `urlsplit` (~5x the cost of the rest of `link_problem`)."""
    start = 8 if url.startswith("https://") else 7 if url.startswith("http://") else 0
    if not start:
        return None
    end = len(url)
    for mark in "/?#":
        if (at := url.find(mark, start)) >= 0:
            end = min(end, at)
    host = url[start:end]
    return host.lower() if _HOST_CHARS.fullmatch(host) else None


_HOST_CHARS = re.compile(r"[A-Za-z0-9._-]+")
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co"})  # controls, bidi/zero-width, surrogates


def _valid_host(host: str, bracketed: bool) -> bool:
    """A DNS name (an IDN only in its canonical form), a canonical IPv4 address, or an IPv6
    address in brackets: every spelling a browser would turn into some other host is out."""
    if bracketed:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    name = host[:-1] if host.endswith(".") else host  # one trailing dot: a rooted name
    if not name.isascii():
        # `ｅｘａｍｐｌｅ.com`, `example。com` or `straße.de` reach DNS as some other name,
        # depending on who resolves them. An IDN passes only in the canonical form that
        # IDNA 2008 (httpx, browsers) and IDNA 2003 (older resolvers) encode alike.
        import idna  # httpx's own dependency

        try:
            ascii_name = idna.encode(name).decode("ascii")
            if name.encode("idna").decode("ascii") != ascii_name or idna.decode(ascii_name) != name:
                return False  # the last: `。` is a dot to both
        except UnicodeError:  # idna.IDNAError included
            return False
        name = ascii_name
    labels = name.split(".")
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        return False
    if _NUMERIC.fullmatch(labels[-1]):  # browsers read it as an IPv4 address: octal, hex...
        try:
            return str(ipaddress.IPv4Address(name)) == name
        except ValueError:
            return False
    return True


def numbered_links(body: str) -> dict[int, str]:
    """`{n: url}` from the body's final `Links:` section (empty when it has none).

    Feed and HTML bodies end with `[n] URL` lines (see `ingest/html.py:with_references`),
    an entry's media with `[n] TYPE URL` (`ingest/media.py`)."""
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


def only_web_references(body: str) -> str:
    """The body with each reference that is not a web link shown as inert text instead, so
    a store written under a looser rule never prints one as a link."""
    start = body.rfind(_SECTION)
    if start < 0:
        return body
    start += len(_SECTION)
    lines = body[start:].splitlines(keepends=True)
    for index, line in enumerate(lines):
        match = _REFERENCE.fullmatch(line.strip())
        if match is None:
            break  # the same end of the section as `numbered_links`
        if not is_web_link(url := match.group(2)):
            at = line.rindex(url)  # the last word: after a media type, if there is one
            lines[index] = line[:at] + INERT + line[at + len(url) :]
    return body[:start] + "".join(lines)
