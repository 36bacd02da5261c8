"""An entry's media (podcast audio, video): RSS `<enclosure>`, Atom `link rel=enclosure`,
Media RSS `media:content` and JSON Feed `attachments`, kept as numbered links with their
type (`[3] audio/mpeg https://…`) after the links of the entry's text, so the digits open
them like any other link. Only web links are kept (`links.web_link`)."""

from __future__ import annotations

import re
from typing import Any

from newsreader.links import numbered_links, web_link

MAX_MEDIA = 50
"""Enclosures kept per entry: a feed listing thousands gains nothing from them all."""
_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}")
_SECTION = "\n\nLinks:\n"
Medium = tuple[str, str]
"""(media type, or "" when the feed gives none usable, and URL)"""


def media_type(value: object) -> str:
    """A MIME type fit to show (`audio/mpeg`), else "": a feed's type is untrusted text."""
    if not isinstance(value, str):
        return ""
    value = value.split(";", 1)[0].strip().lower()
    return value if _TYPE.fullmatch(value) else ""


def entry_media(entry: Any) -> list[Medium]:
    """A feedparser entry's enclosures and media:content, each once, in feed order."""
    found: list[Medium] = []
    for key, url_key in (("enclosures", "href"), ("media_content", "url")):
        items = entry.get(key)
        if isinstance(items, list):
            found.extend(_medium(item, url_key, "type") for item in items[:MAX_MEDIA])
    return _unique(found)


def json_media(item: dict[str, Any]) -> list[Medium]:
    """A JSON Feed item's attachments."""
    items = item.get("attachments")
    if not isinstance(items, list):
        return []
    return _unique([_medium(a, "url", "mime_type") for a in items[:MAX_MEDIA]])


def _medium(item: object, url_key: str, type_key: str) -> Medium:
    if not isinstance(item, dict):
        return ("", "")
    url = item.get(url_key)
    return (media_type(item.get(type_key)), web_link(url if isinstance(url, str) else "") or "")


def _unique(found: list[Medium]) -> list[Medium]:
    seen: dict[str, str] = {}
    for kind, url in found:
        if url and (url not in seen or not seen[url]):
            seen[url] = kind
    return [(kind, url) for url, kind in seen.items()][:MAX_MEDIA]


def with_media(body: str, media: list[Medium]) -> str:
    """`body` with its media as numbered links after those of its text (a medium the text
    links to already keeps that number)."""
    if not media:
        return body
    links = numbered_links(body)
    known = set(links.values())
    fresh = []
    for kind, url in media:
        if url and url not in known:
            known.add(url)
            fresh.append((kind, url))
    if not fresh:
        return body
    number = max(links, default=0)
    lines = "\n".join(
        f"[{number + i}] {f'{kind} ' if kind else ''}{url}"
        for i, (kind, url) in enumerate(fresh, 1)
    )
    return f"{body}\n{lines}" if links else f"{body}{_SECTION}{lines}"
