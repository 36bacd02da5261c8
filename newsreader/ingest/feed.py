"""RSS 0.9x/1.0/2.0 and Atom (feedparser-rs, else feedparser) and JSON Feed 1.x, into drafts.

We hand the parsers bytes we fetched or read ourselves (they never touch the network), and
refuse what no honest feed needs: DTD entity declarations (entity-expansion bombs, external
entities) and bodies past the size cap.
"""

from __future__ import annotations

import itertools
import json
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from newsreader.ingest.draft import UNEXPECTED, ArticleDraft, IngestError, refusing, utc
from newsreader.ingest.fast_feed import fast_parse
from newsreader.ingest.html import html_to_text, with_references
from newsreader.ingest.media import entry_media, json_media, with_media
from newsreader.ingest.sanitize import clean_line, strip_controls
from newsreader.ingest.tags import tag_names
from newsreader.links import web_link

MAX_FEED_BYTES = 20 * 2**20
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_ENTITIES_REFUSED = "{what} declares XML entities (refused: entity expansion is unsafe)"
_XML_ROOT = re.compile(rb"<(?!\?|!)([A-Za-z_][\w.:-]*)")
_CHARREF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+))")
MAX_JSON_DEPTH = 100
# A JSON string; an unterminated one runs to the end, so each match consumes what it
# scanned and the pass stays linear however the quotes fall.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    link: str | None
    entries: list[ArticleDraft]
    skipped: list[str] = field(default_factory=list)
    """`entry N: reason` for each entry that could not become an article."""
    min_interval: int | None = None
    """Seconds the feed asks to be left between fetches (`<ttl>`, `sy:updatePeriod` and
    `sy:updateFrequency`; the longer of the two); None when it says nothing."""


def sniff(data: bytes) -> str | None:
    """What a document is, from its first bytes: "feed", "json-feed", "opml", "html" or None."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return "json-feed" if b"jsonfeed.org/version" in data[:65536] else None
    lowered = head.lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "html"
    root = _XML_ROOT.search(head)
    if root is None:
        return None
    name = root.group(1).lower().split(b":")[-1]
    if name in {b"rss", b"rdf", b"feed", b"channel"}:
        return "feed"
    if name == b"opml":
        return "opml"
    if name == b"html":
        return "html"
    return None


def check_size_and_entities(data: bytes, what: str = "feed") -> None:
    if len(data) > MAX_FEED_BYTES:
        raise IngestError(
            f"{what} too large ({len(data) // 2**20} MB; the cap is {MAX_FEED_BYTES // 2**20} MB)"
        )
    if _ENTITY_DECL.search(data[:65536]):
        raise IngestError(_ENTITIES_REFUSED.format(what=what))


@refusing
def parse_feed(data: bytes, origin: str, name: str | None = None) -> ParsedFeed:
    """Parse RSS, Atom or JSON Feed bytes; raises `IngestError` with a one-line reason.

    An entry that cannot become an article is left out, its reason kept in `skipped`; a
    field of the wrong type is treated as absent.
    """
    check_size_and_entities(data)
    if sniff(data) == "json-feed":
        return _parse_json_feed(data, origin, name)
    if b"#" in data:  # a byte's search (memchr) spares the pattern's pass over most feeds
        data = _CHARREF.sub(_charref_in_range, data)
    parsed = parse_xml(data)
    if not parsed.get("version") and not parsed["entries"]:
        reason = parsed.get("bozo_exception")
        detail = f": {clean_line(str(reason))[:120]}" if reason else ""
        raise IngestError(f"not a feed (no RSS, Atom or JSON Feed found{detail})")
    feed = parsed["feed"]
    title = clean_line(name or _text(feed.get("title"))) or origin
    link = _text(feed.get("link"))
    entries, skipped = _drafts(parsed["entries"], _entry_draft, title, origin)
    return ParsedFeed(title, web_link(link), entries, skipped, _min_interval(feed))


_PERIODS = {"hourly": 3600, "daily": 86400, "weekly": 7 * 86400, "monthly": 30 * 86400}
_PERIODS["yearly"] = 365 * 86400


def _min_interval(feed: Any) -> int | None:
    """Seconds between fetches the feed asks for: RSS `<ttl>` (minutes) and the syndication
    module's period divided by its frequency. Unreadable values say nothing."""
    found = []
    ttl = _text(feed.get("ttl")).strip()
    if ttl.isdigit() and ttl.isascii() and len(ttl) <= 7:
        found.append(int(ttl) * 60)
    period = _PERIODS.get(_text(feed.get("sy_updateperiod")).strip().lower())
    if period is not None:
        frequency = _text(feed.get("sy_updatefrequency")).strip() or "1"
        if frequency.isdigit() and frequency.isascii() and 0 < len(frequency) <= 7:
            found.append(period // max(1, int(frequency)))
    return max(found) if found and max(found) > 0 else None


def parse_xml(data: bytes) -> Any:
    """RSS or Atom as feedparser's result: the fast parser's where it can be trusted with
    the document (see `fast_feed`), else feedparser's own, document by document."""
    return fast_parse(data) or parse_slow(data)


def parse_slow(data: bytes) -> Any:
    """feedparser, the parser of record. Our own converter makes entry HTML inert text and
    resolves links against the entry's own; feedparser's sanitiser and resolver would be two
    more passes over every entry's HTML, which made a 20 MB feed cost minutes."""
    import feedparser  # ~20 ms, and only needed here
    from defusedxml import DefusedXmlException

    # Its strict parser is defusedxml's expat reader: entity declarations anywhere (the
    # size-and-entities check reads only the first 64 KB) are refused by the parser itself.
    feedparser.api.PREFERRED_XML_PARSERS = ["newsreader.ingest.xml_reader"]
    try:
        return feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    except DefusedXmlException:
        raise IngestError(_ENTITIES_REFUSED.format(what="feed")) from None


def _drafts(
    items: list[Any], make: Callable[[Any, str, str], ArticleDraft], source: str, origin: str
) -> tuple[list[ArticleDraft], list[str]]:
    """Each item's draft, or its reason: one bad entry never costs the feed the others."""
    entries: list[ArticleDraft] = []
    skipped: list[str] = []
    for number, item in enumerate(items, 1):
        try:
            entries.append(make(item, source, origin))
        except IngestError as error:
            skipped.append(f"entry {number}: {error}")
        except Exception:  # a field no check foresaw; the fuzz tests hunt for these
            skipped.append(f"entry {number}: {UNEXPECTED}")
    return entries, skipped


def _entry_draft(entry: Any, source: str, origin: str) -> ArticleDraft:
    link = _text(entry.get("link"))
    content = entry.get("content")
    if isinstance(content, list) and content and isinstance(content[0], dict):
        html = _text(content[0].get("value"))
        is_html = "html" in (_text(content[0].get("type")) or "html")
    else:
        html = _text(entry.get("summary")) or _text(entry.get("description"))
        is_html = True
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    terms = entry.get("tags")
    terms = [t.get("term") for t in terms if isinstance(t, dict)] if isinstance(terms, list) else []
    return _draft(
        tags=terms,
        title=_text(entry.get("title")),
        body=with_media(_body(html, is_html, link), entry_media(entry)),
        source=source,
        origin=origin,
        author=_text(entry.get("author")),
        url=link,
        published_at=_struct_date(published),
        guid=_text(entry.get("id")) or link or None,
    )


def _parse_json_feed(data: bytes, origin: str, name: str | None) -> ParsedFeed:
    if _json_depth(data) > MAX_JSON_DEPTH:
        raise IngestError(f"not a JSON Feed: nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        doc = json.loads(
            data.decode("utf-8-sig", errors="replace"),
            parse_int=_json_int,
            parse_constant=lambda _: None,  # NaN and Infinity are no values a feed needs
        )
    except ValueError as error:
        raise IngestError(f"not a JSON Feed: {clean_line(str(error))[:120]}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise IngestError("not a JSON Feed: no items list")
    title = clean_line(name or _text(doc.get("title"))) or origin
    entries, skipped = _drafts(doc["items"], _json_item_draft, title, origin)
    home = _text(doc.get("home_page_url"))
    return ParsedFeed(title, web_link(home), entries, skipped)


def _json_item_draft(item: Any, source: str, origin: str) -> ArticleDraft:
    if not isinstance(item, dict):
        raise IngestError("not an object")
    url = _text(item.get("url")) or _text(item.get("external_url"))
    if html := _text(item.get("content_html")):
        body = _body(html, True, url)
    else:
        body = _body(_text(item.get("content_text")) or _text(item.get("summary")), False, url)
    authors = item.get("authors")
    if not isinstance(authors, list):
        authors = [item.get("author")]  # JSON Feed 1.0
    names = (_text(a.get("name")) for a in authors if isinstance(a, dict))
    identity = item.get("id")
    return _draft(
        tags=item.get("tags"),
        title=_text(item.get("title")),
        body=with_media(body, json_media(item)),
        source=source,
        origin=origin,
        author=", ".join(n for n in names if n),
        url=url,
        published_at=_iso_date(item.get("date_published") or item.get("date_modified")),
        guid=(str(identity) if isinstance(identity, int) else _text(identity)) or url or None,
    )


def _charref_in_range(match: re.Match[bytes]) -> bytes:
    """A character reference past Unicode (`&#2000000;`) makes feedparser's fallback parser
    fail on the whole feed: it becomes U+FFFD, as an HTML parser would make it."""
    hex_digits, digits = match.groups()
    number = (hex_digits or digits).lstrip(b"0")
    if len(number) <= 7 and 0 < int(number or b"0", 16 if hex_digits else 10) <= 0x10FFFF:
        return match.group()
    return b"&#xFFFD"


def _text(value: object) -> str:
    """A string field's value; a value of any other type counts as absent."""
    return value if isinstance(value, str) else ""


def _json_int(digits: str) -> int | None:
    """Integers as long as any feed's ids; longer ones count as absent (Python refuses to
    convert past 4,300 digits, which would have cost the whole feed)."""
    return int(digits) if len(digits) <= 40 else None


def _json_depth(data: bytes) -> int:
    """How deep the JSON nests, in one linear pass: the parser recurses, so depth is
    checked before it runs. Strings are cut out first, so brackets in text do not count."""
    skeleton = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    deltas = skeleton.translate(_BRACKET_STEPS)  # opener 2, closer 0: depth is sum - count
    return max(map(operator.sub, itertools.accumulate(deltas), itertools.count(1)), default=0)


def _body(content: str, is_html: bool, base_url: str) -> str:
    if not is_html:
        return strip_controls(content).strip()
    text, links = html_to_text(content, base_url)
    return with_references(text, links)


def _draft(
    *,
    title: str,
    body: str,
    source: str,
    origin: str,
    author: str,
    url: str,
    published_at: datetime | None,
    guid: str | None,
    tags: object = None,
) -> ArticleDraft:
    if "<" in title:
        title = html_to_text(title)[0]
    title = clean_line(title)
    summary = body.split("\n\n", 1)[0]
    if not title:
        title = clean_line(summary)[:80] or "(untitled)"
    return ArticleDraft(
        title=title,
        body=body,
        source=source,
        origin=origin,
        author=clean_line(author),
        url=web_link(url),
        published_at=published_at,
        summary=summary,
        guid=clean_line(guid)[:1000] if guid else None,
        tags=_tags(tags),
    )


def _tags(value: object) -> tuple[str, ...]:
    """An entry's categories as tags: strings only, cleaned, each once, a bounded number."""
    if not isinstance(value, list):
        return ()
    return tag_names(v for v in value[:1000] if isinstance(v, str))


def _struct_date(value: Any) -> datetime | None:
    """feedparser's UTC `time.struct_time`, as an aware datetime."""
    if not value:
        return None
    try:
        year, month, day, hour, minute, second = value[:6]
        return utc(datetime(year, month, day, hour, minute, second, tzinfo=UTC))
    except (TypeError, ValueError, OverflowError):
        return None


def _iso_date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value or len(value) > 64:
        return None
    try:
        return utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None
