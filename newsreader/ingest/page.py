"""A saved web page: its main text, pulled out of the navigation and ads by trafilatura."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from newsreader.ingest.decode import decode
from newsreader.ingest.draft import ArticleDraft, IngestError, refusing, utc
from newsreader.ingest.feed import MAX_FEED_BYTES
from newsreader.ingest.html import html_to_text
from newsreader.ingest.sanitize import clean_line, strip_controls
from newsreader.links import web_link

_FULL_DATE = "%Y-%m-%dT%H:%M:%S%z"
"""The date as the page gives it, time and offset included: trafilatura's default is the
day alone, so `23:30-05:00` was stored as that day's midnight UTC, hours from the moment."""


@refusing
def parse_page(data: bytes, origin: str, default_source: str = "") -> ArticleDraft:
    if len(data) > MAX_FEED_BYTES:
        raise IngestError(f"page too large ({len(data) // 2**20} MB)")
    html = decode(data)
    doc = _extract(html)
    text = strip_controls((getattr(doc, "text", None) or "") if doc else "").strip()
    if not text:
        # Nothing that looks like an article: fall back to all the page's readable text.
        text = html_to_text(html)[0]
    if not text:
        raise IngestError("no readable text in this page")
    paragraphs = [" ".join(p.split()) for p in text.split("\n") if p.strip()]
    title = clean_line(getattr(doc, "title", None) or "") if doc else ""
    if not title:
        title = clean_line(paragraphs[0])[:120]
    if len(paragraphs) > 1 and clean_line(paragraphs[0]) == title:
        paragraphs = paragraphs[1:]  # the headline, repeated as the first block
    url = (getattr(doc, "url", None) or "") if doc else ""
    source = clean_line((getattr(doc, "sitename", None) or "") if doc else "") or default_source
    return ArticleDraft(
        title=title,
        body="\n\n".join(paragraphs),
        source=source,
        origin=origin,
        author=clean_line((getattr(doc, "author", None) or "") if doc else ""),
        url=web_link(url),
        published_at=_date(getattr(doc, "date", None) if doc else None),
        summary=paragraphs[0],
    )


_DATE_PARAMS = {"original_date": True, "extensive_search": True, "outputformat": _FULL_DATE}


def _extract(html: str) -> Any:
    """trafilatura's reading of the page, or None when it fails on it: then the page's own
    text (our converter, linear and iterative) is the article."""
    import trafilatura  # heavy (lxml); only pages need it

    try:
        return trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_recall=True,
            date_extraction_params=_DATE_PARAMS,
        )
    except Exception:  # a library's failure on hostile markup is no reason to lose the page
        return None


def _date(value: object) -> datetime | None:
    """The published moment in UTC: an offset is converted, a time without one is UTC."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        return utc(datetime.fromisoformat(value))
    except ValueError:
        return None
