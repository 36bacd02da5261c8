"""Article text turned into `Content`, always literally: article text is never markup.

Everything a widget shows from an article passes through here, so there is one place that
decides how untrusted text is made inert (control characters stripped, no markup parsing,
no links) and how matched search terms are highlighted.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime

from textual.content import Content
from textual.style import Style

from newsreader.ingest.sanitize import clean_line, strip_controls
from newsreader.search.tokens import highlight_spans

DASH = "—"
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


def literal_line(text: str) -> Content:
    """One line of untrusted text, shown exactly as written (brackets and all)."""
    return Content(clean_line(text))


def highlighted(content: Content, terms: Collection[str], style: Style | str) -> Content:
    """`content` with every word that matched the search styled by `style`."""
    for start, end in highlight_spans(content.plain, terms):
        content = content.stylize(style, start, end)
    return content


def paragraphs(body: str) -> str:
    """The body with paragraphs one blank line apart, whatever spacing the source used."""
    text = strip_controls(body).replace("\t", "    ").strip()
    return _BLANK_LINES.sub("\n\n", text)


def short_date(moment: datetime | None) -> str:
    """A date for the list and the meta line; a dash when the article has none."""
    return moment.date().isoformat() if moment else DASH


def count_label(count: int, noun: str = "article") -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
