"""What the commands print: article text made safe for a terminal, JSON lines, and links
only when they are web links. Imports no other module of `newsreader.cli`."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def safe(text: str, keep_lines: bool = False) -> str:
    """Text from articles, made safe for a terminal (no escape or control bytes)."""
    from newsreader.ingest.sanitize import clean_line, strip_controls

    return strip_controls(text) if keep_lines else clean_line(text)


def dumps(record: dict[str, Any]) -> str:
    """JSON keeps article text exact, but C1, bidi and zero-width characters go out as
    `\\uXXXX` escapes so that printing the JSON cannot act on the terminal."""
    import json

    from newsreader.ingest.sanitize import escape_controls

    line = escape_controls(json.dumps(record, ensure_ascii=False))
    # U+2028/2029 are line breaks to `str.splitlines` and some terminals: one record, one line.
    return line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def date(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else "—"


def row_json(row: Any, story: int | None = None) -> dict[str, Any]:
    """`story`: the story the article is part of (`stories.groups.story_ids`); its own id
    when it is a story of its own."""
    return {
        "id": row.id,
        "story": row.id if story is None else story,
        "title": row.title,
        "source": row.source,
        "published_at": row.published_at.isoformat() if row.published_at else None,
        "is_read": row.is_read,
        "is_starred": row.is_starred,
    }


def article_json(article: Any) -> dict[str, Any]:
    from newsreader.links import only_web_references, web_link

    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "author": article.author,
        "url": web_link(article.url),
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "imported_at": article.imported_at.isoformat(),
        "word_count": article.word_count,
        "reading_minutes": article.reading_minutes,
        "is_read": article.is_read,
        "is_starred": article.is_starred,
        "origin": article.origin,
        "body": only_web_references(article.body),
    }
