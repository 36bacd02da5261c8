"""Feed entries removed here (by retention, or deleted in newsboat): remembered by (feed,
key) so that the write path skips them when a refresh or an import meets them again."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from newsreader.search.tables import table_of
from newsreader.store.models import RemovedEntry

_removed = table_of(RemovedEntry)


def entry_key(guid: str | None, fingerprint: str) -> str:
    """How a removed feed entry is remembered: its guid, else its content."""
    return guid or f"#{fingerprint}"


def remember(conn: Connection, entries: list[tuple[int | None, str]]) -> None:
    """Remember removed feed entries (feed id, key); those of no feed are nobody's."""
    rows = [{"feed_id": f, "key": k} for f, k in entries if f is not None]
    if not rows:
        return
    insert = sqlite_insert if conn.dialect.name == "sqlite" else pg_insert
    for at in range(0, len(rows), 500):
        conn.execute(insert(_removed).on_conflict_do_nothing(), rows[at : at + 500])


def removed_keys(conn: Connection, feed_id: int, keys: Iterable[str]) -> set[str]:
    """Which of `keys` are entries of this feed removed before."""
    keys = list(keys)
    found: set[str] = set()
    for at in range(0, len(keys), 500):
        stmt = select(_removed.c.key).where(
            _removed.c.feed_id == feed_id, _removed.c.key.in_(keys[at : at + 500])
        )
        found.update(conn.execute(stmt).scalars())
    return found


def drop_removed(conn: Connection, rows: dict[str, dict[str, Any]], feed_id: int) -> None:
    """Take the entries removed before out of a batch about to be saved (keyed by
    fingerprint), so that retention and newsboat's deletions stick."""
    keys = {entry_key(row["guid"], fingerprint): fingerprint for fingerprint, row in rows.items()}
    for key in removed_keys(conn, feed_id, keys):
        del rows[keys[key]]
