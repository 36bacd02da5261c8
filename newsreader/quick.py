"""Answers for status bars, with the standard library only: no SQLAlchemy, no Textual.

`newsreader unread-count` runs on every refresh of a status bar, so it must not pay the
300+ ms that importing the database stack costs. A SQLite store is read directly with
`sqlite3`, read-only; any other URL goes through the full store.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote, unquote

_SQLITE_PREFIXES = ("sqlite:///", "sqlite+pysqlite:///")
_UNREAD = "SELECT (SELECT count(*) FROM article) - (SELECT count(*) FROM article_read)"
"""Every article less the read ones: two counts of a table each (store/state.py)."""


class QuickError(Exception):
    """The store could not be read: a message for the user."""


def sqlite_path(url: str) -> Path | None:
    """The file of a `sqlite:///PATH` URL (None for other URLs and in-memory SQLite)."""
    for prefix in _SQLITE_PREFIXES:
        if url.startswith(prefix):
            path = unquote(url[len(prefix) :].split("?", 1)[0])
            return Path(path) if path and path != ":memory:" else None
    return None


def unread_count(url: str) -> int:
    """Unread articles in the store at `url`; 0 for a store that does not exist yet."""
    path = sqlite_path(url)
    if path is None:
        return _full_store_count(url)
    if not path.exists():
        return 0
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=2.0)
    except sqlite3.Error as error:
        raise QuickError(f"cannot open {path}: {error}") from None
    try:
        try:
            row = conn.execute(_UNREAD).fetchone()
        except sqlite3.OperationalError as error:
            if "no such table: article_read" not in str(error):
                raise
            # A store no newer version has opened yet (schema < 7): flags in `article`.
            row = conn.execute("SELECT count(*) FROM article WHERE NOT is_read").fetchone()
    except sqlite3.DatabaseError as error:
        if "no such table" in str(error):
            raise QuickError(f"{path} is not a newsreader store") from None
        raise QuickError(f"cannot read {path}: {error}") from None
    finally:
        conn.close()
    return int(row[0])


def _full_store_count(url: str) -> int:
    from newsreader.store.store import Store

    store = Store(url)
    try:
        return store.counts().unread
    finally:
        store.close()
