"""Any supported file into what it holds: articles (text, Markdown, a web page, a feed) or
subscriptions (an OPML list). What a file is comes from its bytes first, its name second."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from newsreader.ingest.draft import ArticleDraft, refusing
from newsreader.ingest.feed import parse_feed, sniff
from newsreader.ingest.local import read_local
from newsreader.ingest.opml import Subscription, parse_opml
from newsreader.ingest.page import parse_page
from newsreader.ingest.text import MAX_BYTES, TEXT_SUFFIXES, parse_text

PAGE_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom", ".rdf", ".json", ".opml"})
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | PAGE_SUFFIXES | FEED_SUFFIXES
"""What a folder import picks up."""


@dataclass(frozen=True, slots=True)
class Document:
    drafts: list[ArticleDraft] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """`entry N: reason` for each of a feed's entries that could not become an article."""


@refusing
def parse_document(path: Path) -> Document:
    """Read and parse one file; raises `IngestError` with a one-line reason."""
    return parse_data(read_local(path, MAX_BYTES), str(path), path.parent.name)


@refusing
def parse_data(data: bytes, origin: str, default_source: str = "") -> Document:
    """Parse a document's bytes (a file's, or standard input's), whatever they hold; the
    origin's suffix only decides between a page and text when the bytes do not."""
    kind = sniff(data)
    if kind in {"feed", "json-feed"}:
        feed = parse_feed(data, origin)
        return Document(drafts=feed.entries, skipped=feed.skipped)
    if kind == "opml":
        return Document(subscriptions=parse_opml(data))
    if kind == "html" or Path(origin).suffix.lower() in PAGE_SUFFIXES:
        return Document(drafts=[parse_page(data, origin, default_source=default_source)])
    return Document(drafts=[parse_text(data, origin, default_source=default_source)])
