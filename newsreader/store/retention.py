"""Retention: feed articles past an age or beyond a per-feed count leave the store, the
index, and for good (a refresh that meets their entries again skips them).

Starred articles are always kept, and only feed articles are ever removed (a person's
imported files are theirs). The work is linear: one pass picks the ids, then each batch of
`BATCH` is one transaction (remember the entries, delete the rows, tombstone the index
documents), so readers never wait long and a crash keeps every batch already done.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection

from newsreader.search.tables import table_of
from newsreader.store.errors import translated
from newsreader.store.models import Article, Feed
from newsreader.store.removed import entry_key, remember
from newsreader.store.state import has
from newsreader.store.times import utcnow

if TYPE_CHECKING:
    from newsreader.store.store import Store

BATCH = 5000
"""Articles removed per transaction."""
VACUUM_SHARE = 0.25
"""`cleanup` gives SQLite's free pages back to the disk once they are this share of the file."""

_article = table_of(Article)
_c = _article.c
_feed = table_of(Feed)


@dataclass(frozen=True, slots=True)
class Cleanup:
    """What a cleanup removed (or, dry, would remove)."""

    per_feed: dict[str, int]
    """Feed name -> articles removed."""
    removed: int
    dry_run: bool
    vacuumed: bool = False


def cleanup(
    store: Store,
    *,
    keep_days: int | None = None,
    per_feed: int | None = None,
    dry_run: bool = False,
    vacuum: bool = False,
) -> Cleanup:
    """Remove feed articles older than `keep_days` (by their date, else when imported) and
    those past the newest `per_feed` of their feed; starred ones stay whatever their age.
    None turns a limit off. `vacuum`: on SQLite, shrink the file when much of it is free."""
    with translated(store.url), store.engine.connect() as conn:
        doomed = _doomed(conn, keep_days, per_feed)
        names = {r.id: r.name or r.url for r in conn.execute(select(_feed))}
    shown: Counter[str] = Counter()
    for _, feed_id in doomed:
        shown[names.get(feed_id, str(feed_id))] += 1
    if dry_run or not doomed:
        return Cleanup(dict(shown.most_common()), len(doomed), dry_run)
    removed = remove_articles(store, [article_id for article_id, _ in doomed])
    vacuumed = vacuum and _vacuum(store)
    return Cleanup(dict(shown.most_common()), removed, dry_run, vacuumed)


def _doomed(conn: Connection, keep_days: int | None, per_feed: int | None) -> list[tuple[int, int]]:
    """(id, feed id) of each article a limit removes, in id order."""
    kept = (_c.feed_id.is_not(None), ~has("is_starred"))
    ids: dict[int, int] = {}
    if keep_days is not None:
        cutoff = utcnow() - timedelta(days=keep_days)
        stmt = select(_c.id, _c.feed_id).where(*kept, _c.sorted_at < cutoff)
        ids.update((row[0], row[1]) for row in conn.execute(stmt))
    if per_feed is not None:
        rank = (
            func.row_number()
            .over(partition_by=_c.feed_id, order_by=(_c.sorted_at.desc(), _c.id.desc()))
            .label("rank")
        )
        ranked = select(_c.id, _c.feed_id, rank).where(*kept).subquery()
        stmt = select(ranked.c.id, ranked.c.feed_id).where(ranked.c.rank > per_feed)
        ids.update((row[0], row[1]) for row in conn.execute(stmt))
    return sorted(ids.items())


def remove_articles(store: Store, ids: Iterable[int]) -> int:
    """Remove these articles (starred ones excepted) from the store and its index, a batch
    per transaction; their feed entries are remembered. Returns how many went."""
    from newsreader.search.writer import delete_documents
    from newsreader.stories.keeping import forget

    ids = list(ids)
    removed = 0
    try:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            with translated(store.url), store.writing() as conn:
                # Under the write lock: a star given since the ids were picked still wins.
                rows = _select_in(conn, chunk)
                remember(conn, [(r.feed_id, entry_key(r.guid, r.fingerprint)) for r in rows])
                gone = [r.id for r in rows]
                forget(conn, gone)  # their stories' rows, band rows included
                for at in range(0, len(gone), 500):
                    conn.execute(delete(_article).where(_c.id.in_(gone[at : at + 500])))
                delete_documents(conn, gone)
            removed += len(gone)
        if removed:
            from newsreader.search.writer import compact

            with translated(store.url), store.writing() as conn:
                articles = conn.execute(select(func.count()).select_from(_article)).scalar_one()
                compact(conn, live=articles)
    finally:
        if removed:
            store._index_changed()
            store.index.invalidate()
    return removed


def _select_in(conn: Connection, ids: list[int]) -> list[Any]:
    rows: list[Any] = []
    for at in range(0, len(ids), 500):
        stmt = select(_c.id, _c.feed_id, _c.guid, _c.fingerprint).where(
            _c.id.in_(ids[at : at + 500]), ~has("is_starred")
        )
        rows.extend(conn.execute(stmt).all())
    return rows


def forget_entries(store: Store, feed_id: int, keys: list[str]) -> int:
    """Entries deleted elsewhere (newsboat): remembered, and their articles here removed
    unless starred. Returns how many articles went."""
    if not keys:
        return 0
    ids: list[int] = []
    with translated(store.url), store.writing() as conn:
        remember(conn, [(feed_id, key) for key in keys])
        by_guid = [k for k in keys if not k.startswith("#")]
        by_print = [k[1:] for k in keys if k.startswith("#")]
        for column, values in ((_c.guid, by_guid), (_c.fingerprint, by_print)):
            for at in range(0, len(values), 500):
                stmt = select(_c.id).where(_c.feed_id == feed_id, column.in_(values[at : at + 500]))
                ids.extend(conn.execute(stmt).scalars())
    return remove_articles(store, ids) if ids else 0


def _vacuum(store: Store) -> bool:
    """SQLite keeps the pages of deleted rows for its next writes; the file shrinks only by
    VACUUM (auto_vacuum would have to be set before the first table, or by a VACUUM too).
    Done when a quarter of the file is free (PostgreSQL's autovacuum does its own)."""
    if store.engine.dialect.name != "sqlite":
        return False
    raw = store.engine.raw_connection()
    try:
        db = raw.driver_connection
        assert db is not None
        free = db.execute("PRAGMA freelist_count").fetchone()[0]
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        if not pages or free < pages * VACUUM_SHARE:
            return False
        db.execute("VACUUM")  # outside any transaction: the connection is in autocommit
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return True
    except sqlite3.Error:  # busy, or no room for the copy: the cleanup itself is done
        return False
    finally:
        raw.close()
