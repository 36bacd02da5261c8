"""Saved searches: named queries, live virtual feeds.

Only the query's text is kept; it is run again each time it is shown, so an article
imported or refreshed later that matches is in it with nothing rebuilt.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import delete, select

from newsreader.ingest.sanitize import clean_line
from newsreader.search.query import Filters, QueryError, parse_query
from newsreader.search.tables import table_of
from newsreader.store.engine import StoreError
from newsreader.store.errors import translated
from newsreader.store.models import SavedSearch
from newsreader.store.store import Store, utcnow
from newsreader.store.tags import insert_for

MAX_NAME_CHARS = 100
_saved = table_of(SavedSearch)
_UNREAD = Filters(states=frozenset({"unread"}))


class AlreadySaved(StoreError):
    """A saved search by that name exists already."""


@dataclass(frozen=True, slots=True)
class SavedInfo:
    name: str
    query: str


@dataclass(frozen=True, slots=True)
class SavedCounts:
    total: int
    unread: int


def saved_name(text: str) -> str:
    """A name as stored (one line, bounded); `StoreError` when nothing is left."""
    name = clean_line(text)[:MAX_NAME_CHARS].strip()
    if not name:
        raise StoreError("a saved search needs a name")
    return name


def check_query(query: str) -> str:
    """The query as it will be saved; `QueryError` (one line) if the search bar would refuse
    it, or if it could never match anything (nothing but excluded words)."""
    parsed = parse_query(query)
    if parsed.is_empty and not parsed.filters:
        raise QueryError(f"{query.strip()[:40]!r}: a saved search needs words or qualifiers")
    return query.strip()


def save_search(store: Store, name: str, query: str) -> SavedInfo:
    """Save `query` as `name`; `AlreadySaved` if that name (in any case) is taken."""
    name, query = saved_name(name), check_query(query)
    row = {"key": name.casefold(), "name": name, "query": query, "created_at": utcnow()}
    with translated(store.url), store.writing() as conn:
        stmt = insert_for(conn)(_saved).values(row).on_conflict_do_nothing()
        if conn.execute(stmt.returning(_saved.c.key)).scalar() is None:
            raise AlreadySaved(f"a saved search named {name!r} exists already")
    return SavedInfo(name, query)


def saved_searches(store: Store) -> list[SavedInfo]:
    with translated(store.url), store.engine.connect() as conn:
        rows = conn.execute(select(_saved.c.name, _saved.c.query).order_by(_saved.c.key)).all()
    return [SavedInfo(name, query) for name, query in rows]


def find_saved(store: Store, name: str) -> SavedInfo:
    key = clean_line(name).casefold()
    with translated(store.url), store.engine.connect() as conn:
        row = conn.execute(select(_saved.c.name, _saved.c.query).where(_saved.c.key == key)).first()
    if row is None:
        raise StoreError(f"no saved search {name!r} (see `newsreader saved list`)")
    return SavedInfo(row.name, row.query)


def remove_saved(store: Store, name: str) -> SavedInfo:
    found = find_saved(store, name)
    with translated(store.url), store.writing() as conn:
        conn.execute(delete(_saved).where(_saved.c.key == found.name.casefold()))
    return found


def saved_counts(store: Store, query: str) -> SavedCounts:
    """How many articles match now, and how many of them are unread (from the index)."""
    parsed = parse_query(query)
    ids: Collection[int]
    if parsed.lists_only and not parsed.excluded:  # qualifiers only: a set, in no order
        ids = store.filter_ids(parsed.filters) or frozenset()
    else:
        ids = store.search(query).ids
    if not ids:
        return SavedCounts(0, 0)
    # The unread set is one cached SQL query for every saved search listed, not a second
    # search each.
    unread = store.filter_ids(_UNREAD) or frozenset()
    return SavedCounts(len(ids), sum(1 for i in ids if i in unread))
