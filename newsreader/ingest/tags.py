"""Tags as every source gives them (feed categories, OPML folders, newsboat's tags, a
person's `--tag`): one clean form, so the store and `tag:` agree on what a tag is."""

from __future__ import annotations

from collections.abc import Iterable

from newsreader.ingest.sanitize import clean_line

MAX_TAG_CHARS = 100
MAX_TAGS = 32
"""Tags kept per item: an entry listing hundreds of categories keeps the first."""


def tag_name(text: str) -> str:
    """A tag as stored: one line, no double quotes (so `tag:"..."` can always name it),
    at most MAX_TAG_CHARS; "" when nothing is left."""
    return clean_line(text.replace('"', " "))[:MAX_TAG_CHARS].strip()


def tag_names(texts: Iterable[str], limit: int = MAX_TAGS) -> tuple[str, ...]:
    """Cleaned tags, each once (whatever its case), the first `limit` of them."""
    seen: dict[str, str] = {}
    for text in texts:
        name = tag_name(text)
        if name and name.casefold() not in seen and len(seen) < limit:
            seen[name.casefold()] = name
    return tuple(seen.values())
