"""Retention: old feed articles leave the store and the index and stay gone after a refresh;
starred ones and imported files always stay; a dry run changes nothing. Both backends."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.ingest import ArticleDraft
from newsreader.refresh import refresh
from newsreader.store.feeds import add_feed, find_feed, remove_feed
from newsreader.store.retention import cleanup
from newsreader.store.store import Store

NOW = datetime.now(UTC)
WORDS = {"a": "pelican", "b": "walrus", "c": "giraffe", "d": "octopus", "e": "hedgehog"}


def rss(items: list[tuple[str, int]]) -> bytes:
    """An RSS feed of (guid, age in days) items; each body has a word of its own."""
    entries = "".join(
        f"<item><guid>{guid}</guid><title>Item {guid}</title>"
        f"<description>About {WORDS.get(guid, guid)} things.</description>"
        f"<pubDate>{(NOW - timedelta(days=age)).strftime('%a, %d %b %Y %H:%M:%S +0000')}"
        f"</pubDate></item>"
        for guid, age in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>{entries}'.encode()
        + (b"</channel></rss>")
    )


def subscribed(store: Store, tmp_path: Path, items: list[tuple[str, int]]) -> int:
    path = tmp_path / "feed.xml"
    path.write_bytes(rss(items))
    feed_id = add_feed(store, str(path))
    (outcome,) = refresh(store, [find_feed(store, str(feed_id))])
    assert outcome.status == "ok", outcome.error
    return feed_id


def titles(store: Store) -> set[str]:
    return {row.title for row in store.rows(store.ids()).values()}


def star(store: Store, title: str) -> None:
    (article_id,) = [r.id for r in store.rows(store.ids()).values() if r.title == title]
    store.set_flag(article_id, "is_starred", True)


ITEMS = [("a", 1), ("b", 10), ("c", 40), ("d", 100), ("e", 400)]


def test_days_removes_the_old_and_keeps_the_starred(store: Store, tmp_path: Path) -> None:
    subscribed(store, tmp_path, ITEMS)
    star(store, "Item e")
    done = cleanup(store, keep_days=30)
    assert (done.removed, done.per_feed) == (2, {"Local": 2})
    assert titles(store) == {"Item a", "Item b", "Item e"}


def test_per_feed_keeps_the_newest(store: Store, tmp_path: Path) -> None:
    subscribed(store, tmp_path, ITEMS)
    star(store, "Item d")
    assert cleanup(store, per_feed=2).removed == 2
    assert titles(store) == {"Item a", "Item b", "Item d"}


def test_a_dry_run_changes_nothing(store: Store, tmp_path: Path) -> None:
    subscribed(store, tmp_path, ITEMS)
    done = cleanup(store, keep_days=30, per_feed=1, dry_run=True)
    assert (done.removed, done.per_feed, done.dry_run) == (4, {"Local": 4}, True)
    assert len(titles(store)) == 5
    assert store.search("octopus").ids


def test_removed_articles_leave_the_index_and_do_not_come_back(
    store: Store, tmp_path: Path
) -> None:
    feed_id = subscribed(store, tmp_path, ITEMS)
    assert store.search("octopus").ids
    cleanup(store, keep_days=30)
    assert store.search("octopus").ids == []
    assert store.search("giraffe").ids == []
    assert len(store.search("pelican").ids) == 1
    (outcome,) = refresh(store, [find_feed(store, str(feed_id))])
    assert (outcome.status, outcome.added) == ("ok", 0)
    assert titles(store) == {"Item a", "Item b"}
    assert store.search("octopus").ids == []


def test_refresh_applies_the_limits(store: Store, tmp_path: Path) -> None:
    feed_id = subscribed(store, tmp_path, ITEMS)
    refresh(store, [find_feed(store, str(feed_id))], per_feed=3)
    assert titles(store) == {"Item a", "Item b", "Item c"}
    refresh(store, [find_feed(store, str(feed_id))])  # no limit: nothing removed comes back
    assert titles(store) == {"Item a", "Item b", "Item c"}


def test_imported_files_are_never_removed(store: Store, tmp_path: Path) -> None:
    old = NOW - timedelta(days=900)
    store.add([ArticleDraft("Mine", "My own notes.", "me", "file", published_at=old)])
    subscribed(store, tmp_path, ITEMS)
    cleanup(store, keep_days=2, per_feed=1)
    assert titles(store) == {"Mine", "Item a"}


def test_unsubscribing_forgets_the_removed_entries(store: Store, tmp_path: Path) -> None:
    feed_id = subscribed(store, tmp_path, ITEMS)
    cleanup(store, per_feed=1)
    remove_feed(store, feed_id)
    subscribed(store, tmp_path, ITEMS)  # subscribing again is a fresh start
    assert len(titles(store)) == 5


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ages=st.lists(st.tuples(st.integers(0, 60), st.booleans()), min_size=1, max_size=12),
    keep_days=st.none() | st.integers(1, 60),
    per_feed=st.none() | st.integers(1, 12),
)
def test_what_stays_is_what_the_limits_say(
    ages: list[tuple[int, bool]], keep_days: int | None, per_feed: int | None
) -> None:
    """Against a model: starred stay; the rest stay when young enough and among the newest
    `per_feed` of the unstarred. A second refresh brings none of the removed back."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/p.db")
        try:
            items = [(f"g{i}", age) for i, (age, _) in enumerate(ages)]
            feed_id = subscribed(store, Path(tmp), items)
            for i, (_, starred) in enumerate(ages):
                if starred:
                    star(store, f"Item g{i}")
            unstarred = sorted(
                (age, -i) for i, (age, starred) in enumerate(ages) if not starred
            )  # newest first; of two as new, the one stored later (the store's tie-break)
            expected = {f"Item g{i}" for i, (_, starred) in enumerate(ages) if starred}
            for rank, (age, minus) in enumerate(unstarred):
                i = -minus
                young = keep_days is None or age < keep_days
                if young and (per_feed is None or rank < per_feed):
                    expected.add(f"Item g{i}")
            cleanup(store, keep_days=keep_days, per_feed=per_feed)
            assert titles(store) == expected
            refresh(store, [find_feed(store, str(feed_id))])
            assert titles(store) == expected
        finally:
            store.close()


def index_figures(store: Store) -> tuple[int, int]:
    """(documents the index's segments store, tombstones)."""
    with store.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT sum(doc_count) FROM search_segment").scalar()
        stones = conn.exec_driver_sql("SELECT count(*) FROM search_tombstone").scalar()
    return int(stored or 0), int(stones or 0)


def test_a_big_cleanup_compacts_the_index(store: Store, tmp_path: Path) -> None:
    """Most of the index deleted: it is merged, so the dead postings and their tombstones
    go and the index shrinks with the store; what is left is still found."""
    subscribed(store, tmp_path, ITEMS)
    cleanup(store, per_feed=1)
    assert index_figures(store) == (1, 0)
    assert len(store.search("pelican").ids) == 1


def test_a_merge_drops_the_tombstones_of_deleted_documents(store: Store) -> None:
    from newsreader.search.writer import merge_segments

    feed_id = add_feed(store, "https://x.example/rss")
    drafts = [ArticleDraft(f"T{n}", f"Body {n}.", "S", "o", guid=f"g{n}") for n in range(4)]
    store.add(drafts[:2], feed_id=feed_id)
    store.add(drafts[2:])
    remove_feed(store, feed_id)
    assert index_figures(store)[1] == 2
    with store.writing() as conn:
        merge_segments(conn, force=True)
    assert index_figures(store) == (2, 0)
