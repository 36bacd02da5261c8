"""OPML subscription lists: the feeds they name."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from newsreader.ingest.draft import IngestError, refusing
from newsreader.ingest.feed import check_size_and_entities
from newsreader.ingest.sanitize import clean_line
from newsreader.links import is_web_link


@dataclass(frozen=True, slots=True)
class Subscription:
    url: str
    title: str


@refusing
def parse_opml(data: bytes) -> list[Subscription]:
    check_size_and_entities(data, "OPML file")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise IngestError(f"not valid OPML: {error}") from None
    if root.tag.lower() != "opml":
        raise IngestError("not an OPML file (no <opml> root)")
    found: dict[str, Subscription] = {}
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url and is_web_link(url) and url not in found:
            title = clean_line(outline.get("title") or outline.get("text") or "")
            found[url] = Subscription(url, title)
    return list(found.values())


def write_opml(subscriptions: list[Subscription], title: str = "newsreader subscriptions") -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{_escape(title)}</title></head>",
        "  <body>",
    ]
    for sub in subscriptions:
        name = quoteattr(sub.title or sub.url)
        lines.append(
            f'    <outline type="rss" text={name} title={name} xmlUrl={quoteattr(sub.url)}/>'
        )
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
