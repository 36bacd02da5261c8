"""Qualifiers as SQL: the articles a query's `source:`, `feed:`, `tag:`, `is:`, `after:`
and `before:` allow, as a set for the index to rank within or as a list in reading order."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, cast

from sqlalchemy import Select, func, or_, select
from sqlalchemy.engine import Connection, Engine

from newsreader.search.tables import table_of
from newsreader.store.errors import translated
from newsreader.store.models import Article, Feed
from newsreader.store.state import has
from newsreader.store.tags import tagged
from newsreader.store.times import midnight

if TYPE_CHECKING:
    from newsreader.search.query import Filters

Order = Literal["newest", "oldest", "title", "source"]

_article = table_of(Article)
_c = _article.c
_feed = table_of(Feed)
ORDER = {
    "newest": (_c.sorted_at.desc(), _c.id.desc()),
    "oldest": (_c.sorted_at.asc(), _c.id.asc()),
    "title": (_c.title.asc(), _c.id.asc()),
    "source": (_c.source.asc(), _c.sorted_at.desc(), _c.id.desc()),
}
"""The ORDER BY of each list order (the id breaks ties, so every order is total)."""


class ArticleFilters:
    """Answers which articles qualifiers allow, caching sets between the store's writes."""

    TTL = 5.0
    """Seconds a cached set is trusted (another process may write meanwhile)."""

    def __init__(self, engine: Engine, url: str) -> None:
        self._engine, self._url = engine, url
        self._generation = 0
        self._cache: dict[tuple[Filters, int], tuple[float, frozenset[int]]] = {}

    def changed(self) -> None:
        """The store wrote: cached sets may be out of date."""
        self._generation += 1

    def ids(self, filters: Filters) -> frozenset[int] | None:
        """The ids of the articles `filters` allow (None: no filter, all of them).

        Cached per (filters, the store's writes), so the qualifiers of a query being typed
        cost one SQL query, not one per keystroke.
        """
        if not filters:
            return None
        key = (filters, self._generation)
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self.TTL:
            return hit[1]
        with translated(self._url), self._engine.connect() as conn:
            found = frozenset(conn.execute(select(_c.id).where(*_conditions(filters))).scalars())
        if len(self._cache) > 16:
            self._cache.clear()
        self._cache[key] = (now, found)
        return found

    def listed(
        self, filters: Filters, order: Order = "newest", *, limit: int | None = None
    ) -> list[int]:
        """The ids `filters` allow, in list order (every id when there are no filters)."""
        stmt = select(_c.id).where(*_conditions(filters)).order_by(*ORDER[order])
        if limit is not None:
            stmt = stmt.limit(limit)
        with translated(self._url), self._engine.connect() as conn:
            return id_list(conn, stmt)


def id_list(conn: Connection, stmt: Select[tuple[int]]) -> list[int]:
    """The ids a one-column statement selects, in its order, read from the driver's cursor:
    SQLAlchemy's rows took 60% of listing every article (0.6 s a million)."""
    rows = cast("Iterable[tuple[int]]", conn.execute(stmt).cursor)  # DB-API cursors iterate
    return [i for (i,) in rows]


def conditions(filters: Filters) -> list[Any]:
    """The WHERE clauses (on `article`) that `filters` ask for (`mark_read` updates by them)."""
    return _conditions(filters)


def _conditions(filters: Filters) -> list[Any]:
    conditions: list[Any] = []
    if filters.sources:
        source = func.lower(_c.source)
        conditions.append(or_(*(source.contains(s, autoescape=True) for s in filters.sources)))
    if filters.feeds:
        name = func.lower(_feed.c.name)
        named = select(_feed.c.id).where(
            or_(*(name.contains(f, autoescape=True) for f in filters.feeds))
        )
        conditions.append(_c.feed_id.in_(named))
    if filters.tags:
        conditions.append(tagged(filters.tags))
    for state in filters.states:
        flagged = has("is_read" if state in ("read", "unread") else "is_starred")
        conditions.append(flagged if state in ("read", "starred") else ~flagged)
    if filters.after is not None:
        conditions.append(_c.sorted_at >= midnight(filters.after))
    if filters.before is not None:
        conditions.append(_c.sorted_at < midnight(filters.before))
    return conditions
