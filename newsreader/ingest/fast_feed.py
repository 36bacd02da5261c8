"""The fast path for RSS and Atom: feedparser-rs (Rust, ~30x feedparser's speed), taken only
where its answer can be trusted, as plain dicts in feedparser's shape.

feedparser stays the parser of record: for any document that expat (feedparser's strict
parser) finds ill-formed, that holds markup inside a text field, C1 control characters or
an encoding other than UTF-8, or that the fast parser calls ill-formed or finds nothing
in, `fast_parse` returns None and the caller asks feedparser, whose loose parser, encoding
detection and HTML entities are what the feed tests hold; `xml:base` too, as feedparser
resolves links against it. So the fast path only answers for plain, well-formed UTF-8 XML
that it parsed whole. It gets bytes, never a string (the library fetches a string that
looks like a URL).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

# A document no bigger than the caller's cap cannot hold more entries than this; the
# library's own default (10,000) would cut a big feed short without saying so.
_LIMITS_ENTRIES = 10**7
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_UTF8 = frozenset({b"utf-8", b"utf8"})
# C1 control characters, raw or as references: feedparser reads them (`&#146;`, the bytes
# of old Windows text) as Windows-1252's quotes and dashes.
_C1_RAW = re.compile(rb"\xc2[\x80-\x9f]")
_C1_REF = re.compile(rb"&#(?:0*(?:12[89]|1[3-5][0-9])|[xX]0*[89][0-9a-fA-F]);")  # "&#" first: fast
# An Atom author given as bare text (`<author>Ann</author>`, no `<name>`): feedparser keeps
# the text, the fast parser drops it.
_BARE_ATOM_AUTHOR = re.compile(rb"<(?:\w+:)?author>\s*[^<\s]")


def fast_parse(data: bytes) -> dict[str, Any] | None:
    """`{"version", "feed", "entries"}` as feedparser would give them, or None where the
    fast parser is not to be trusted with `data` (the caller then uses feedparser)."""
    if (
        b"xml:base" in data
        or not _plain_utf8(data)
        or (b"\xc2" in data and _C1_RAW.search(data))  # a byte's search first: memchr
        or (b"#" in data and _C1_REF.search(data))
        or not _plain_xml(data)
    ):
        return None  # feedparser's to detect, guess and repair
    try:
        import feedparser_rs
        from feedparser.datetimes import _parse_date
        from feedparser.urls import _urljoin

        limits = feedparser_rs.ParserLimits(max_entries=_LIMITS_ENTRIES)
        parsed = feedparser_rs.parse_with_limits(
            data, limits=limits, sanitize_html=False, resolve_relative_uris=False
        )
        if parsed.bozo or not parsed.version or not parsed.entries:
            # Ill-formed (HTML's `&nbsp;` in XML too), unknown or empty: feedparser's loose
            # parser keeps what it can, and says what a document is not.
            return None
        if parsed.version.startswith("atom") and _BARE_ATOM_AUTHOR.search(data):
            return None
        return {
            "version": parsed.version,
            "feed": {
                "title": _text(parsed.feed.get("title")),
                "link": _link(parsed.feed.get("link"), _urljoin),
                # What `feed._min_interval` reads: the feed's own floor between fetches.
                "ttl": _text(parsed.feed.get("ttl")),
                "sy_updateperiod": _text(parsed.feed.get("sy_updateperiod")),
                "sy_updatefrequency": _text(parsed.feed.get("sy_updatefrequency")),
            },
            "entries": [_entry(e, _parse_date, _urljoin) for e in parsed.entries],
        }
    except Exception:  # not installed, or its bug on hostile input: feedparser decides
        return None


def _entry(
    entry: Any, parse_date: Callable[[str], Any], join: Callable[[str, str], str]
) -> dict[str, Any]:
    """The fields `feed._entry_draft` reads, as feedparser's plain values (the library's
    content and tags are objects, not dicts). Dates are read as feedparser reads them (see
    `_date`: its handlers know more forms than the fast parser, `1:02 PDT`), and links by
    its own join. Each field is asked of the library once: each asking builds it anew."""
    enclosures, media = entry.get("enclosures"), entry.get("media_content")
    links = entry.get("links")
    if _dropped(links, "href") or _dropped(enclosures, "href") or _dropped(media, "url"):
        raise _Untrusted
    published = _date(entry.get("published"), parse_date)
    content = entry.get("content") or None
    tags = entry.get("tags") or None
    return {
        "title": _text(entry.get("title")),
        "link": _link(entry.get("link"), join),
        "id": _link(entry.get("id"), join),
        "author": _text(entry.get("author")),
        "summary": _text(entry.get("summary")),
        "published_parsed": published,
        # Read only where needed: `_entry_draft` takes the publication date first.
        "updated_parsed": None if published else _date(entry.get("updated"), parse_date),
        "content": [{"value": _text(c.value), "type": c.type} for c in content]
        if content
        else None,
        "tags": [{"term": _text(t.term)} for t in tags] if tags else None,
        # What `media.entry_media` reads: podcasts' and videos' files.
        "enclosures": _media(enclosures, "href"),
        "media_content": _media(media, "url"),
    }


def _dropped(items: Any, url_key: str) -> bool:
    """Whether the fast parser emptied a URL: it drops links to private and loopback
    addresses (`http://127.0.0.1/…`, an intranet's `http://10.…`), which feedparser keeps."""
    return any(not getattr(item, url_key, None) for item in items or ())


def _media(items: object, url_key: str) -> list[dict[str, object]] | None:
    if not isinstance(items, list) or not items:
        return None
    return [{url_key: getattr(m, url_key, None), "type": getattr(m, "type", None)} for m in items]


def _text(value: object) -> object:
    """Text as feedparser repairs it: where all of it is Latin-1 that spells UTF-8, it was
    UTF-8 read as Latin-1 once too often (`CafÃ©`), and feedparser decodes it again."""
    if isinstance(value, str) and not value.isascii():
        try:
            return value.encode("latin-1").decode("utf-8")
        except UnicodeError:
            pass
    return value


def _link(value: object, join: Callable[[str, str], str]) -> object:
    """A link (or id) as feedparser tidies it (`https:///x` is `https://x`); one holding
    what looks like an entity (`&x;`) feedparser reads its own way."""
    value = _text(value)
    if not isinstance(value, str) or not value:
        return value
    if "&" in value and _ENTITY_LIKE.search(value):
        raise _Untrusted
    # feedparser's join against no base is the value with the slashes after `://` cut
    # (`https:///x`); where there are none, it is the value as it stands.
    return join("", value) if ":///" in value else value


def _date(value: object, parse_date: Callable[[str], Any]) -> Any:
    """A date as feedparser reads it: (year, month, day, hour, minute, second) in UTC, the
    part of feedparser's tuple that `feed._struct_date` reads. The two forms feeds write
    (`Sun, 01 Dec 2024 19:49:21 +0000`, `2024-12-01T19:49:21Z`) are computed here as
    feedparser's handlers compute them, ~5x faster; any other form, or a value out of
    range, is feedparser's to read."""
    if not isinstance(value, str) or not value:
        return None
    if (found := _RFC822.fullmatch(value)) is not None:
        day, month, year, *time = found.groups()
        answer = _utc(int(year), _MONTHS[month], int(day), time)
    elif (found := _W3DTF.fullmatch(value)) is not None:
        year, month, day, *time = found.groups()
        answer = _utc(int(year), int(month), int(day), time)
    else:
        answer = None
    return answer or parse_date(value)


def _utc(year: int, month: int, day: int, time: list[str | None]) -> tuple[int, ...] | None:
    """The moment in UTC, or None where feedparser's handler says None (out of range)."""
    hour, minute, second, sign, zone_hours, zone_minutes = time
    try:
        moment = datetime(year, month, day, int(hour or 0), int(minute or 0), int(second or 0))
        if zone_hours is not None and (zone_hours != "00" or zone_minutes != "00"):
            offset = timedelta(0, 3600 * int(zone_hours) + 60 * int(zone_minutes or 0))
            moment = moment + offset if sign == "-" else moment - offset
    except (ValueError, OverflowError):
        return None
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
# Read strictly, in the case feeds write them. feedparser reads both through the first of
# its handlers that answers: W3DTF's, which says None to the RFC 822 form, then RFC 822's.
_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?([0-9]{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct"
    r"|Nov|Dec) ([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) (?:GMT|([+-])([0-9]{2})([0-9]{2}))"
)
_W3DTF = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{1,9})?"
    r"(?:Z|([+-])([0-9]{2}):([0-9]{2}))"
)


class _Untrusted(Exception):
    """Something the fast parser reads otherwise than feedparser: the document is
    feedparser's."""


# Fields whose value is text: an element inside one (`<title><b>x</b></title>`, raw XHTML in
# a description) is markup that feedparser keeps and the fast parser flattens. An Atom
# author's own fields are the one structure such a field may hold.
_TEXT_FIELDS = frozenset(
    "title description summary content encoded link guid pubDate category comments id "
    "updated published date creator subject rights subtitle author".split()
)
_AUTHOR_FIELDS = frozenset({"name", "email", "uri"})
_ENTITY_LIKE = re.compile(r"&[^&;\s]*;")


def _plain_xml(data: bytes) -> bool:
    """Whether feedparser's strict parser (expat, namespaces on) takes the document, with
    nothing but text inside its text fields. The fast parser accepts more (`<0>` as a tag,
    control characters), where feedparser's loose parser reads the document its own way.
    Costs about what the fast parse does."""
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator=" ")
    open_: list[str] = []

    def start(name: str, attrs: object) -> None:
        local = name.rpartition(" ")[2]
        field = open_[-1] if open_ else ""
        if field in _TEXT_FIELDS and not (field == "author" and local in _AUTHOR_FIELDS):
            raise _Untrusted
        open_.append(local)

    def declared(*_: object) -> None:
        raise _Untrusted  # an entity: feedparser's hardened reader refuses the document

    parser.StartElementHandler = start
    parser.EntityDeclHandler = declared
    parser.EndElementHandler = lambda name: open_.pop()
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, _Untrusted):
        return False
    return True


def _plain_utf8(data: bytes) -> bool:
    """UTF-8 by declaration (or none) and in fact, without a byte-order mark to skip."""
    declared = _ENCODING.match(data[:1024])
    if declared is not None and declared.group(1).lower() not in _UTF8:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
