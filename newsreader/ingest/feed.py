"""RSS 0.9x/1.0/2.0 and Atom (via feedparser) and JSON Feed 1.x, into drafts.

We hand feedparser bytes we fetched or read ourselves (it never touches the network), and
refuse what no honest feed needs: DTD entity declarations (entity-expansion bombs, external
entities) and bodies past the size cap.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newsreader.ingest.draft import ArticleDraft, IngestError
from newsreader.ingest.html import html_to_text, is_web_link, with_references
from newsreader.ingest.sanitize import clean_line, strip_controls

MAX_FEED_BYTES = 20 * 2**20
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_XML_ROOT = re.compile(rb"<(?!\?|!)([A-Za-z_][\w.:-]*)")


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    link: str | None
    entries: list[ArticleDraft]


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
        raise IngestError(f"{what} declares XML entities (refused: entity expansion is unsafe)")


def parse_feed(data: bytes, origin: str, name: str | None = None) -> ParsedFeed:
    """Parse RSS, Atom or JSON Feed bytes; raises `IngestError` with a one-line reason."""
    check_size_and_entities(data)
    if sniff(data) == "json-feed":
        return _parse_json_feed(data, origin, name)
    import feedparser  # ~20 ms, and only needed here

    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=True)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        detail = f": {clean_line(str(reason))[:120]}" if reason else ""
        raise IngestError(f"not a feed (no RSS, Atom or JSON Feed found{detail})")
    feed = parsed.feed
    title = clean_line(name or feed.get("title") or "") or origin
    link = feed.get("link")
    entries = [_entry_draft(e, title, origin) for e in parsed.entries]
    return ParsedFeed(title, link if link and is_web_link(link) else None, entries)


def _entry_draft(entry: Any, source: str, origin: str) -> ArticleDraft:
    link = entry.get("link") or ""
    html = ""
    if entry.get("content"):
        html = entry.content[0].get("value", "")
        is_html = "html" in (entry.content[0].get("type") or "html")
    else:
        html = entry.get("summary", "") or entry.get("description", "")
        is_html = True
    body = _body(html, is_html, link)
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    return _draft(
        title=entry.get("title", ""),
        body=body,
        source=source,
        origin=origin,
        author=entry.get("author", ""),
        url=link,
        published_at=_struct_date(published),
        guid=entry.get("id") or link or None,
    )


def _parse_json_feed(data: bytes, origin: str, name: str | None) -> ParsedFeed:
    try:
        doc = json.loads(data.decode("utf-8-sig", errors="replace"))
    except ValueError as error:
        raise IngestError(f"not a JSON Feed: {error}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise IngestError("not a JSON Feed: no items list")
    title = clean_line(name or str(doc.get("title") or "")) or origin
    entries = []
    for item in doc["items"]:
        if not isinstance(item, dict):
            continue
        url = str(item.get("url") or item.get("external_url") or "")
        if item.get("content_html"):
            body = _body(str(item["content_html"]), True, url)
        else:
            body = _body(str(item.get("content_text") or item.get("summary") or ""), False, url)
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        author = ", ".join(str(a.get("name", "")) for a in authors if isinstance(a, dict))
        entries.append(
            _draft(
                title=str(item.get("title") or ""),
                body=body,
                source=title,
                origin=origin,
                author=author,
                url=url,
                published_at=_iso_date(item.get("date_published") or item.get("date_modified")),
                guid=str(item.get("id") or url) or None,
            )
        )
    home = str(doc.get("home_page_url") or "")
    return ParsedFeed(title, home if is_web_link(home) else None, entries)


def _body(content: str, is_html: bool, base_url: str) -> str:
    if not is_html:
        return strip_controls(content).strip()
    text, links = html_to_text(content, base_url if is_web_link(base_url) else None)
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
        url=url.strip() if is_web_link(url) else None,
        published_at=published_at,
        summary=summary,
        guid=clean_line(guid)[:1000] if guid else None,
    )


def _struct_date(value: Any) -> datetime | None:
    """feedparser's UTC `time.struct_time`, as an aware datetime."""
    if not value:
        return None
    try:
        return datetime(value[0], value[1], value[2], value[3], value[4], value[5], tzinfo=UTC)
    except (TypeError, ValueError, IndexError):
        return None


def _iso_date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
