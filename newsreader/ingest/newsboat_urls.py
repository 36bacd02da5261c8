"""newsboat's `urls` file: one feed per line, `URL tag "two words" "~Display name"`, plus
`"query:Name:filter expression"` lines (saved searches), `exec:` and `filter:` lines (which
run programs: reported, never run), comments and blank lines.

Every line is read on its own: a line that cannot be read (too long, a NUL byte, not UTF-8,
a quote left open) is reported with its number and the reason, and the rest still count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from newsreader.ingest.draft import refusing
from newsreader.ingest.newsboat_filter import Untranslatable, translate
from newsreader.ingest.sanitize import clean_line
from newsreader.ingest.tags import tag_names
from newsreader.links import link_problem, web_link

MAX_LINE_CHARS = 4096
MAX_BYTES = 4 * 2**20
"""A urls file of 4 MB holds some 40,000 feeds."""
_PROGRAMS = ("exec:", "filter:")
_STARTS = ("http://", "https://", "file://", "query:", *_PROGRAMS)
_WORD = re.compile(r"\S+")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v"}


@dataclass(frozen=True, slots=True)
class UrlsFeed:
    url: str
    """A web link, or a local feed file's absolute path."""
    name: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UrlsQuery:
    name: str
    query: str
    """Already translated into our query language."""


@dataclass
class UrlsFile:
    feeds: list[UrlsFeed] = field(default_factory=list)
    queries: list[UrlsQuery] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """`line N: reason` for every line left out."""


def looks_like_urls(data: bytes) -> bool:
    """Whether `data` is a newsboat urls file: at least one line, and at least half of its
    lines that are neither blank nor comments, start like newsboat's lines do."""
    meaningful = starting = 0
    for raw in data[:65536].splitlines()[:500]:
        line = raw.strip().lstrip(b'"').lower()
        if not line or line.startswith(b"#"):
            continue
        meaningful += 1
        starting += line.startswith(tuple(s.encode() for s in _STARTS))
    return starting > 0 and starting * 2 >= meaningful


@refusing
def parse_urls(data: bytes) -> UrlsFile:
    """Each line's feed, saved search or reason for leaving it out."""
    out = UrlsFile()
    for number, raw in enumerate(data.splitlines(), 1):
        reason = _line(raw, out)
        if reason:
            out.skipped.append(f"line {number}: {reason}")
    return out


def _line(raw: bytes, out: UrlsFile) -> str | None:
    """Read one line into `out`; the reason it was left out, if it was."""
    if len(raw) > MAX_LINE_CHARS:
        return f"longer than {MAX_LINE_CHARS:,} characters"
    if b"\x00" in raw:
        return "holds a NUL byte"
    try:
        line = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "not valid UTF-8"
    try:
        tokens = tokenize(line)
    except ValueError as error:
        return str(error)
    if not tokens:
        return None  # blank, or a comment
    first, rest = tokens[0], tokens[1:]
    shown = _shown(first)
    lowered = first.lower()
    if lowered.startswith(_PROGRAMS):
        return f"{shown}: runs a program; newsreader never runs programs from a urls file"
    if lowered.startswith("query:"):
        name, colon, expression = first[len("query:") :].partition(":")
        name = clean_line(name)
        if not name or not colon:
            return f"{shown}: a query line needs a name and an expression (query:Name:expr)"
        try:
            out.queries.append(UrlsQuery(name, translate(expression)))
        except Untranslatable as error:
            return f"query {_shown(name)}: {error}"
        return None
    url = _feed_url(first)
    if url is None:
        problem = link_problem(first) if "://" in first else "not a web address"
        return f"{shown}: {problem}"
    names = [t[1:] for t in rest if t.startswith("~")]
    tags = tag_names(t for t in rest if not t.startswith(("~", "!")))
    out.feeds.append(UrlsFeed(url, clean_line(names[-1]) if names else "", tags))
    return None


def _feed_url(text: str) -> str | None:
    if text.lower().startswith("file://"):
        path = unquote(urlsplit(text).path)
        return str(Path(path)) if path.startswith("/") and "\x00" not in path else None
    return web_link(text)


def tokenize(line: str) -> list[str]:
    """newsboat's splitting: words apart by spaces, `"double quotes"` keep spaces (with
    backslash escapes inside), and `#` outside quotes starts a comment. `ValueError` (the
    reason) for a quote left open. Linear in the line."""
    tokens: list[str] = []
    at, end = 0, len(line)
    while at < end:
        if line[at].isspace():
            at += 1
            continue
        if line[at] == "#":
            break
        if line[at] != '"':
            match = _WORD.match(line, at)
            assert match is not None
            tokens.append(match.group())
            at = match.end()
            continue
        chars: list[str] = []
        at += 1
        while True:
            if at >= end:
                raise ValueError("a quote is not closed")
            char = line[at]
            if char == '"':
                at += 1
                break
            if char == "\\" and at + 1 < end:
                at += 1
                char = _ESCAPES.get(line[at], line[at])
            chars.append(char)
            at += 1
        tokens.append("".join(chars))
    return tokens


def _shown(text: str) -> str:
    text = clean_line(text)
    return repr(text if len(text) <= 60 else text[:59] + "…")
