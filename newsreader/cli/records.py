"""The JSON records `--json` prints, declared once: each field's name, JSON type, when it is
null, and where its value comes from.

Scripts depend on these, so the README documents every field and a test pins names and
types (tests/cli/test_json_schema.py): a change is deliberate. Adding a field is one line
in its tuple here (and its row in the README's table, which the test checks); removing or
retyping one is a new VERSION. Imports no other module of `newsreader.cli`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

VERSION = 1
"""Every record's `v`. Bumped only when a field is removed, renamed or changes type."""


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: str
    """The JSON type, as the README writes it."""
    null: str
    """When the value is null; empty when it never is."""
    value: Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Listed:
    """An article as a record sees it: the list row, its details, and a hit's ranking."""

    row: Any
    """`ArticleRow` (list, search) or `ArticleView` (show)."""
    details: Any
    """`ArticleDetails`, or None when the article vanished between the two reads."""
    score: float = 0.0
    spans: list[tuple[int, int]] | None = None
    story: int | None = None
    """The story the article is part of (`stories.groups.story_ids`); None: its own."""


def _when(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with its offset, whichever way the database handed it back (stored
    times are UTC; some come back naive)."""
    if moment is None:
        return None
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return utc.isoformat()


def _web(url: str | None) -> str | None:
    from newsreader.links import web_link

    return web_link(url)


def _detail(name: str, empty: Any = None) -> Callable[[Listed], Any]:
    return lambda item: getattr(item.details, name) if item.details else empty


V = Field("v", "integer", "", lambda _: VERSION)

ARTICLE_ROW: tuple[Field, ...] = (
    V,
    Field("id", "integer", "", lambda a: a.row.id),
    Field("story", "integer", "", lambda a: a.row.id if a.story is None else a.story),
    Field("title", "string", "", lambda a: a.row.title),
    Field("source", "string", "", lambda a: a.row.source),
    Field("url", "string", "it has no http(s) link", lambda a: _web(_detail("url")(a))),
    Field("feed_id", "integer", "imported, not from a feed", _detail("feed_id")),
    Field("feed", "string", "imported, not from a feed", _detail("feed")),
    Field("tags", "array of strings", "", lambda a: list(_detail("tags", ())(a))),
    Field("published_at", "string", "it has no date", lambda a: _when(a.row.published_at)),
    Field("is_read", "boolean", "", lambda a: a.row.is_read),
    Field("is_starred", "boolean", "", lambda a: a.row.is_starred),
)
"""`list --json`: one per article."""

SEARCH_HIT: tuple[Field, ...] = (
    *ARTICLE_ROW,
    Field("score", "number", "", lambda a: a.score),
    Field("title_spans", "array of [start, end] integer pairs", "", lambda a: a.spans or []),
)
"""`search --json`: one per hit, best first."""

ARTICLE: tuple[Field, ...] = (
    *ARTICLE_ROW,
    Field("author", "string", "", lambda a: a.row.author),
    Field("imported_at", "string", "", lambda a: _when(a.row.imported_at)),
    Field("word_count", "integer", "", lambda a: a.row.word_count),
    Field("reading_minutes", "integer", "", lambda a: a.row.reading_minutes),
    Field("origin", "string", "", lambda a: a.row.origin),
    Field("body", "string", "", lambda a: _body(a.row.body)),
)
"""`show --json`: the whole article."""

FEED: tuple[Field, ...] = (
    V,
    Field("id", "integer", "", lambda f: f.id),
    Field("name", "string", "", lambda f: f.name),
    Field("url", "string", "", lambda f: f.url),
    Field("site_url", "string", "the feed names no http(s) site", lambda f: _web(f.site_url)),
    Field("fetched_at", "string", "never fetched", lambda f: _when(f.fetched_at)),
    Field("status", "string", "", lambda f: f.status),
    Field("error", "string", "the last fetch did not fail", lambda f: f.error),
    Field("articles", "integer", "", lambda f: f.articles),
    Field("unread", "integer", "", lambda f: f.unread),
    Field("tags", "array of strings", "", lambda f: list(f.tags)),
    Field("full_text", "boolean", "", lambda f: f.full_text),
)
"""`feed list --json`: one per feed."""

SAVED: tuple[Field, ...] = (
    V,
    Field("name", "string", "", lambda s: s[0].name),
    Field("query", "string", "", lambda s: s[0].query),
    Field("total", "integer", "", lambda s: s[1].total),
    Field("unread", "integer", "", lambda s: s[1].unread),
)
"""`saved list --json`: one per saved search, from (SavedInfo, counts)."""

STORY: tuple[Field, ...] = (
    V,
    Field("story", "integer", "", lambda g: g[0].story),
    Field("sources", "array of strings", "", lambda g: list(g[0].sources)),
    Field("members", "array of article records (as `list`)", "", lambda g: g[1]),
)
"""`stories --json`: one per story, from (StoryGroup, its members' records)."""

SCHEMAS: dict[str, tuple[Field, ...]] = {
    "list": ARTICLE_ROW,
    "search": SEARCH_HIT,
    "show": ARTICLE,
    "feed list": FEED,
    "saved list": SAVED,
    "stories": STORY,
}
"""Which command prints which record (what the README's tables and the test go by)."""


def _body(text: str) -> str:
    from newsreader.links import only_web_references

    return only_web_references(text)


def record(fields: Iterable[Field], source: Any) -> dict[str, Any]:
    return {field.name: field.value(source) for field in fields}
