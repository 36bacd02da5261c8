"""Marking every article a query matches as read: `mark-read` and the app's `A`."""

from __future__ import annotations

from sqlalchemy import func, select

from newsreader.search.query import Filters, QueryError, parse_query
from newsreader.search.tables import table_of
from newsreader.store.errors import translated
from newsreader.store.filters import conditions
from newsreader.store.models import Article
from newsreader.store.state import set_where
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
        if dry_run:
            return len(ids)
        count = 0
        with translated(store.url), store.writing() as conn:
            for start in range(0, len(ids), CHUNK):
                count += set_where(conn, "is_read", True, _c.id.in_(ids[start : start + CHUNK]))
    store._state_changed()
    return int(count)
