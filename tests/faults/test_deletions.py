"""Deletions stick: an item deleted in newsboat, or an article removed by retention, never
comes back with a later refresh or import, whatever mix of items is deleted."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.newsboat import import_newsboat
from newsreader.refresh import refresh
from newsreader.store.store import Store
from tests.faults.test_newsboat_input import NEWSBOAT_SCHEMA
from tests.feeds.server import FeedServer, serving


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    yield from serving()


def feed(count: int) -> bytes:
    items = "".join(
        f"<item><guid>g{n}</guid><title>Item {n}</title><description>Body {n}.</description></item>"
        for n in range(count)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>H</title>{items}'.encode() + (
        b"</channel></rss>"
    )


def cache(path: Path, url: str, count: int, deleted: set[int]) -> Path:
    """A newsboat cache of the feed's items, `deleted` among them deleted in newsboat."""
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.executescript(NEWSBOAT_SCHEMA)
        db.execute("INSERT INTO metadata VALUES (2, 11)")
        db.execute("INSERT INTO rss_feed (rssurl, url, title) VALUES (?, '', 'H')", (url,))
        db.executemany(
            "INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread, "
            "deleted) VALUES (?, ?, '', '', ?, 1704103200, ?, 1, ?)",
            [(f"g{n}", f"Item {n}", url, f"Body {n}.", int(n in deleted)) for n in range(count)],
        )
    db.close()
    return path


def titles(store: Store) -> set[str]:
    return {row.title for row in store.rows(store.ids()).values()}


def test_an_item_deleted_in_newsboat_does_not_come_back(server: FeedServer, tmp_path: Path) -> None:
    server.serve("/named", feed(3))
    store = Store(f"sqlite:///{tmp_path}/s.db")
    path = cache(tmp_path / "cache.db", server.url("/named"), 3, {1})
    result = import_newsboat(store, path, "cache")
    assert "1 deleted items skipped, and kept out of later refreshes" in result.notes
    refresh(store)
    assert titles(store) == {"Item 0", "Item 2"}
    # Deleted in newsboat after our first import: the next import takes it away too.
    cache(path, server.url("/named"), 3, {1, 2})
    import_newsboat(store, path, "cache")
    refresh(store)
    assert titles(store) == {"Item 0"}
    assert store.search("body 2").ids == []
    store.close()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    count=st.integers(1, 6),
    deleted=st.sets(st.integers(0, 5)),
    starred=st.sets(st.integers(0, 5)),
)
def test_deleted_items_stay_deleted(
    server: FeedServer, count: int, deleted: set[int], starred: set[int]
) -> None:
    """Imported, some starred here, then deleted in newsboat and imported again, then
    refreshed: what remains is exactly the undeleted items and the starred ones."""
    path = f"/p{count}"
    server.serve(path, feed(count))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/s.db")
        try:
            nb = cache(Path(tmp) / "cache.db", server.url(path), count, set())
            import_newsboat(store, nb, "cache")
            for article_id, row in store.rows(store.ids()).items():
                if int(row.title.split()[1]) in starred:
                    store.set_flag(article_id, "is_starred", True)
            cache(nb, server.url(path), count, deleted)
            import_newsboat(store, nb, "cache")
            refresh(store)
            kept = {n for n in range(count) if n not in deleted or n in starred}
            assert titles(store) == {f"Item {n}" for n in kept}
        finally:
            store.close()
