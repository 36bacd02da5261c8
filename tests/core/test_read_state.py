"""Read and starred state in tables of its own (schema step 7): the upgrade keeps every
reader's state, every reader of the state agrees with what was written, and marking many
articles read does not rewrite the articles."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text

from newsreader.ingest import ArticleDraft
from newsreader.quick import unread_count
from newsreader.search.query import Filters
from newsreader.store import schema
from newsreader.store.engine import make_engine
from newsreader.store.feeds import add_feed, feeds, remove_feed
from newsreader.store.health import salvage_state
from newsreader.store.marking import mark_read
from newsreader.store.store import Store
from tests.fixtures.make_store_v1 import ARTICLES, fingerprint
from tests.pg.test_shared_store import _create_v1

UNREAD = Filters(states=frozenset({"unread"}))
STARRED = Filters(states=frozenset({"starred"}))
MIXED = [(True, True), (True, False), (False, True), (False, False), (True, False)]
"""The states of the articles a v6 store gets besides the v1 fixture's four."""


def make_v6(url: str, monkeypatch: pytest.MonkeyPatch, states: list[tuple[bool, bool]]) -> None:
    """A store as schema 6 left it: the v1 articles (mixed states), upgraded by steps 2-6,
    then a feed whose entries carry `states` in the flags of the `article` row."""
    with monkeypatch.context() as patch:
        patch.setattr(schema, "STEPS", [_create_v1, *schema.STEPS[1:6]])
        Store(url).close()
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            assert schema.schema_version(conn) == 6
            feed_id = conn.execute(
                text(
                    "INSERT INTO feed (url, name, added_at, status) "
                    "VALUES ('https://example.com/feed', 'Coast', '2024-05-01', 'ok') RETURNING id"
                )
            ).scalar_one()
            for n, (read, starred) in enumerate(states):
                conn.execute(
                    text(
                        "INSERT INTO article (fingerprint, title, source, author, imported_at, "
                        "sorted_at, body, summary, word_count, origin, is_read, is_starred, "
                        "feed_id, guid) VALUES (:fp, :title, 'Coast', '', '2024-05-02', "
                        "'2024-05-02', 'body', 'body', 1, '', :read, :starred, :feed, :guid)"
                    ),
                    {
                        "fp": f"fp-{n}",
                        "title": f"Entry {n}",
                        "read": read,
                        "starred": starred,
                        "feed": feed_id,
                        "guid": f"g-{n}",
                    },
                )
    finally:
        engine.dispose()


def expected(states: list[tuple[bool, bool]]) -> dict[str, tuple[bool, bool]]:
    flags = {title: (read, starred) for title, _, _, read, starred in ARTICLES}
    return flags | {f"Entry {n}": state for n, state in enumerate(states)}


def check_upgraded(url: str, states: list[tuple[bool, bool]]) -> None:
    flags = expected(states)
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            assert schema.schema_version(conn) == schema.latest_version()
            columns = {c["name"] for c in inspect(conn).get_columns("article")}
            assert not {"is_read", "is_starred"} & columns
        rows = store.rows(store.ids())
        by_title = {r.title: r.id for r in rows.values()}
        assert {r.title: (r.is_read, r.is_starred) for r in rows.values()} == flags
        unread = {by_title[t] for t, (read, _) in flags.items() if not read}
        starred = {by_title[t] for t, (_, star) in flags.items() if star}
        assert store.filter_ids(UNREAD) == unread
        assert store.filter_ids(STARRED) == starred
        counts = store.counts()
        assert (counts.total, counts.unread, counts.starred) == (
            len(flags),
            len(unread),
            len(starred),
        )
        (coast,) = feeds(store)
        assert coast.unread == sum(1 for read, _ in states if not read)
        some = next(iter(rows))
        view = store.article(some)
        assert view is not None and (view.is_read, view.is_starred) == flags[view.title]
    finally:
        store.close()


def test_a_v6_store_keeps_every_read_and_starred_state(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_v6(store_url, monkeypatch, MIXED)
    check_upgraded(store_url, MIXED)


def test_unread_count_reads_a_store_before_and_after_its_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    make_v6(url, monkeypatch, MIXED)
    unread = sum(1 for read, _ in expected(MIXED).values() if not read)
    assert unread_count(url) == unread  # schema 6: the flags are still in `article`
    Store(url).close()
    assert unread_count(url) == unread


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.booleans(), st.booleans()), max_size=12))
def test_any_mix_of_states_survives_the_upgrade(states: list[tuple[bool, bool]]) -> None:
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        url = f"sqlite:///{Path(folder) / 'store.db'}"
        make_v6(url, patch, states)
        check_upgraded(url, states)


def test_marking_many_long_articles_read_does_not_rewrite_them(tmp_path: Path) -> None:
    """The class of the slow mark-read: state written into the wide article row rewrote
    a page per article. Counted in WAL frames (pages written), not in seconds."""
    path = tmp_path / "store.db"
    store = Store(f"sqlite:///{path}")
    try:
        body = "Long body text about the harbour and the ferry. " * 36  # ~1.8 KB: in the row
        store.add(ArticleDraft(f"Story {n}", f"{n} {body}", "Wire", "x") for n in range(300))
        conn = sqlite3.connect(path)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            assert mark_read(store, "is:unread") == 300
            _, frames, _ = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            conn.close()
        assert frames < 30, f"marking 300 articles read wrote {frames} pages"
        assert store.counts().unread == 0
    finally:
        store.close()


def test_an_article_gone_takes_its_state_with_it(store: Store) -> None:
    """Unread counts are the articles less the read ones: a removed article's row must go."""
    feed = add_feed(store, "https://example.com/feed", "Coast")
    drafts = [ArticleDraft(f"Entry {n}", f"text {n}", "Coast", "x", guid=f"g{n}") for n in range(4)]
    store.add(drafts, feed_id=feed)
    store.add([ArticleDraft("Loose", "kept", "Wire", "y")])
    ids = {r.title: r.id for r in store.rows(store.ids()).values()}
    store.set_flag(ids["Entry 0"], "is_read", True)
    store.set_flag(ids["Entry 1"], "is_starred", True)
    store.set_flag(ids["Loose"], "is_read", True)
    remove_feed(store, feed)
    counts = store.counts()
    assert (counts.total, counts.unread, counts.starred) == (2, 1, 1)
    assert store.filter_ids(UNREAD) == {ids["Entry 1"]}


OPS = st.lists(
    st.tuples(
        st.sampled_from(["is_read", "is_starred", "mark"]),
        st.integers(0, 5),
        st.booleans(),
    ),
    max_size=20,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPS)
def test_every_reader_of_the_state_agrees_with_what_was_written(
    ops: list[tuple[str, int, bool]],
) -> None:
    """Flags set and cleared one by one and marked by query, against a plain model: rows,
    the article view, filters, counts, per-source and per-feed counts and the quick count
    all say the same."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'store.db'}"
        store = Store(url)
        try:
            feed = add_feed(store, "https://example.com/feed", "Coast")
            store.add(
                [ArticleDraft(f"Ferry {n}", f"t{n}", "Coast", "x", guid=f"g{n}") for n in range(3)],
                feed_id=feed,
            )
            store.add([ArticleDraft(f"Tram {n}", f"u{n}", "Wire", "y") for n in range(3)])
            ids = sorted(store.ids())
            model = {i: [False, False] for i in ids}
            titles = {r.id: r.title for r in store.rows(ids).values()}
            for op, n, value in ops:
                if op == "mark":
                    word = "ferry" if value else "tram"
                    mark_read(store, word)
                    for i, title in titles.items():
                        model[i][0] |= title.lower().startswith(word)
                else:
                    store.set_flag(ids[n], op, value)  # type: ignore[arg-type]
                    model[ids[n]][op == "is_starred"] = value
            rows = store.rows(ids)
            assert {i: [r.is_read, r.is_starred] for i, r in rows.items()} == model
            for i in ids[:2]:
                view = store.article(i)
                assert view is not None and [view.is_read, view.is_starred] == model[i]
            unread = {i for i, (read, _) in model.items() if not read}
            starred = {i for i, (_, star) in model.items() if star}
            assert store.filter_ids(UNREAD) == unread
            assert store.filter_ids(STARRED) == starred
            assert store.filter_ids(Filters(states=frozenset({"read"}))) == set(ids) - unread
            counts = store.counts()
            assert (counts.unread, counts.starred) == (len(unread), len(starred))
            assert mark_read(store, "is:unread", dry_run=True) == len(unread)
            assert mark_read(store, "is:starred", dry_run=True) == len(starred & unread)
            assert mark_read(store, "tram is:starred", dry_run=True) == sum(
                1 for i in starred & unread if titles[i].startswith("Tram")
            )
            assert unread_count(url) == len(unread)
            per_source = {s.source: (s.unread, s.starred) for s in store.source_stats()}
            for source in per_source:
                mine = [i for i in ids if rows[i].source == source]
                assert per_source[source] == (
                    sum(1 for i in mine if i in unread),
                    sum(1 for i in mine if i in starred),
                )
            (coast,) = feeds(store)
            assert coast.unread == sum(1 for i in unread if titles[i].startswith("Ferry"))
        finally:
            store.close()


def test_salvage_reads_state_from_either_schema(tmp_path: Path) -> None:
    """`doctor --rebuild` carries state over from a damaged store of any version: the
    flags of a store from before step 7, the tables of one after it."""
    old = tmp_path / "old.db"
    shutil.copyfile(Path(__file__).parents[1] / "fixtures" / "store_v1.db", old)
    by_print = {fingerprint(title, body): (read, star) for title, body, _, read, star in ARTICLES}
    rows, stopped = salvage_state(old)
    assert stopped is None and {f: (r, s) for _, f, r, s in rows} == by_print
    new = tmp_path / "new.db"
    shutil.copyfile(old, new)
    store = Store(f"sqlite:///{new}")  # upgraded: the flags move to their tables
    store.close()
    rows, stopped = salvage_state(new)
    assert stopped is None and {f: (r, s) for _, f, r, s in rows} == by_print
