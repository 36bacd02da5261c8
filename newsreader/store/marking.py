"""Marking every article a query matches as read: `mark-read` and the app's `A`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from newsreader.search.query import Filters, QueryError, parse_query
from newsreader.search.tables import table_of
from newsreader.store.errors import translated
from newsreader.store.filters import conditions
from newsreader.store.models import Article
from newsreader.store.state import has, set_where
from newsreader.store.store import Store

_article = table_of(Article)
_c = _article.c
_UNREAD = Filters(states=frozenset({"unread"}))
CHUNK = 500


def mark_read(store: Store, query: str, *, dry_run: bool = False) -> int:
    """Mark the unread articles `query` matches as read, in one transaction; returns how
    many there were (with `dry_run`, only counts them). `QueryError` for a query the search
    bar would refuse, or one that matches nothing by construction (`is:unread` is how to
    say "everything")."""
    parsed = parse_query(query)
    if parsed.is_empty and not parsed.filters:
        raise QueryError(
            f"{query.strip()[:40]!r}: say which articles (words or qualifiers; "
            "`is:unread` means all of them)"
        )
    if parsed.lists_only and not parsed.excluded:
        # Qualifiers only: one INSERT by their SQL, whatever the number of articles.
        with translated(store.url), store.writing() as conn:
            if dry_run:
                where = conditions(parsed.filters.merged(_UNREAD))
                stmt = select(func.count()).select_from(_article).where(*where)
                return int(conn.execute(stmt).scalar_one())
            count = set_where(conn, "is_read", True, *conditions(parsed.filters))
    else:
        ids = store.search(query, within=_UNREAD).ids
        return len(ids) if dry_run else mark_ids_read(store, ids)
    store._state_changed()
    return int(count)


def mark_ids_read(store: Store, ids: Sequence[int], *, dry_run: bool = False) -> int:
    """Mark the unread articles among `ids` read, in one transaction; returns how many there
    were (with `dry_run`, only counts them). The app's `A` on a list narrowed to a feed, tag
    or saved search marks exactly the articles shown."""
    count = 0
    opened = store.engine.connect() if dry_run else store.writing()  # counting locks nothing
    with translated(store.url), opened as conn:
        for start in range(0, len(ids), CHUNK):
            chunk = _c.id.in_(list(ids[start : start + CHUNK]))
            if dry_run:
                unread = select(func.count()).select_from(_article).where(chunk, ~has("is_read"))
                count += int(conn.execute(unread).scalar_one())
            else:
                count += set_where(conn, "is_read", True, chunk)
    if not dry_run:
        store._state_changed()
    return count
