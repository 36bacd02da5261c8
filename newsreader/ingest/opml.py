"""OPML subscription lists: the feeds they name.

Parsed by defusedxml: entity declarations (expansion bombs, external entities that read
files or fetch URLs) are refused by the parser itself wherever they stand, not only by the
check of the first bytes; expat never fetches an external DTD.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element
from xml.sax.saxutils import quoteattr

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from newsreader.ingest.draft import IngestError, refusing
from newsreader.ingest.feed import check_size_and_entities
from newsreader.ingest.sanitize import clean_line
from newsreader.ingest.tags import tag_names
from newsreader.links import is_web_link


@dataclass(frozen=True, slots=True)
class Subscription:
    url: str
    title: str
    tags: tuple[str, ...] = ()
    """The folders (outlines without a feed) it sits in, at any depth."""


@refusing
def parse_opml(data: bytes) -> list[Subscription]:
    check_size_and_entities(data, "OPML file")
    try:
        root = SafeET.fromstring(data)
    except SafeET.ParseError as error:
        raise IngestError(f"not valid OPML: {error}") from None
    except DefusedXmlException:
        raise IngestError(
            "OPML file declares XML entities (refused: entity expansion is unsafe)"
        ) from None
    if root.tag.lower() != "opml":
        raise IngestError("not an OPML file (no <opml> root)")
    found: dict[str, Subscription] = {}
    # In document order, with a stack rather than recursion; each level knows its folders
    # (outlines without a feed), which become the tags of the feeds inside them.
    stack: list[tuple[Iterator[Element], tuple[str, ...]]] = [(iter(root), ())]
    while stack:
        children, folders = stack[-1]
        outline = next(children, None)
        if outline is None:
            stack.pop()
            continue
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        title = clean_line(outline.get("title") or outline.get("text") or "")
        is_outline = outline.tag == "outline"
        if is_outline and url and is_web_link(url):
            known = found.get(url)
            tags = tag_names((*(known.tags if known else ()), *folders))
            found[url] = Subscription(url, known.title if known else title, tags)
        if len(outline):
            folder = is_outline and not url and title
            stack.append((iter(outline), (*folders, title) if folder else folders))
    return list(found.values())


def write_opml(subscriptions: list[Subscription], title: str = "newsreader subscriptions") -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{_escape(title)}</title></head>",
        "  <body>",
    ]
    folders: dict[str, list[Subscription]] = {}
    for sub in subscriptions:
        if not sub.tags:
            lines.append(_feed_outline(sub, "    "))
        for tag in sub.tags:
            folders.setdefault(tag, []).append(sub)
    for tag, members in folders.items():  # a feed with two tags sits in both folders
        name = quoteattr(tag)
        lines.append(f"    <outline text={name} title={name}>")
        lines.extend(_feed_outline(sub, "      ") for sub in members)
        lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _feed_outline(sub: Subscription, indent: str) -> str:
    name = quoteattr(sub.title or sub.url)
    return f'{indent}<outline type="rss" text={name} title={name} xmlUrl={quoteattr(sub.url)}/>'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
