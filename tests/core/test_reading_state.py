"""Read/starred state, qualifier filters, counts and stats, as the store computes them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from newsreader.search.query import Filters
from newsreader.store.store import Store
from tests.conftest import draft

ARTICLES = [
    draft("Harbour dredging plan approved", source="Harbour Times", day=1),
    draft("Orchard frost losses mount", source="The Ledger", day=2),
    draft("Harbour ferry timetable", source="Harbour Times", day=3),
    draft("Tram line extension opens", source="Valley Courier", day=5),
]


KEYS = {
    "Harbour dredging": "harbour",
    "Orchard": "orchard",
    "Harbour ferry": "ferry",
    "Tram": "tram",
}


def ids_by_title(store: Store) -> dict[str, int]:
    """harbour, orchard, ferry, tram: the four articles' ids."""
    rows = store.rows(store.ids())
    return {
        key: row.id
        for row in rows.values()
        for start, key in KEYS.items()
        if row.title.startswith(start)
    }


def filled(store: Store) -> dict[str, int]:
    store.add(ARTICLES)
    return ids_by_title(store)


def test_flags_persist_and_are_counted(store: Store) -> None:
    ids = filled(store)
    assert store.counts().unread == 4
    store.set_flag(ids["orchard"], "is_read", True)
    store.set_flag(ids["tram"], "is_starred", True)
    counts = store.counts()
    assert (counts.total, counts.unread, counts.starred) == (4, 3, 1)
    reopened = Store(store.url)
    try:
        row = reopened.rows([ids["orchard"]])[ids["orchard"]]
        assert row.is_read and not row.is_starred
    finally:
        reopened.close()


def test_each_qualifier_filters_by_sql(store: Store) -> None:
    ids = filled(store)
    store.set_flag(ids["orchard"], "is_read", True)
    store.set_flag(ids["tram"], "is_starred", True)
    assert store.filter_ids(Filters()) is None
    assert store.filter_ids(Filters(sources=("harbour",))) == {ids["harbour"], ids["ferry"]}
    assert store.filter_ids(Filters(sources=("HARBOUR".casefold(), "ledger"))) == {
        ids["harbour"],
        ids["ferry"],
        ids["orchard"],
    }
    assert store.filter_ids(Filters(states=frozenset({"read"}))) == {ids["orchard"]}
    assert store.filter_ids(Filters(states=frozenset({"unread"}))) == {
        ids["harbour"],
        ids["ferry"],
        ids["tram"],
    }
    assert store.filter_ids(Filters(states=frozenset({"starred"}))) == {ids["tram"]}
    assert store.filter_ids(Filters(after=date(2024, 1, 3))) == {ids["ferry"], ids["tram"]}
    assert store.filter_ids(Filters(before=date(2024, 1, 3))) == {ids["harbour"], ids["orchard"]}
    assert store.filter_ids(Filters(states=frozenset({"read", "unread"}))) == set()
    # A LIKE wildcard typed by the reader is a character, not a pattern.
    assert store.filter_ids(Filters(sources=("%",))) == set()


def test_search_combines_words_with_qualifiers(store: Store) -> None:
    ids = filled(store)
    assert set(store.search("harbour").ids) == {ids["harbour"], ids["ferry"]}
    assert store.search("harbour source:ledger").ids == []
    assert store.search("harbor after:2024-01-02").ids == [ids["ferry"]]  # typo and date
    store.set_flag(ids["ferry"], "is_read", True)
    assert store.search("harbour is:unread").ids == [ids["harbour"]]
    assert store.search("harbour is:read").ids == [ids["ferry"]]
    within = Filters(states=frozenset({"unread"}))
    assert store.search("harbour", within=within).ids == [ids["harbour"]]


def test_qualifiers_alone_list_in_the_asked_order(store: Store) -> None:
    ids = filled(store)
    newest = store.search("source:harbour").ids
    assert newest == [ids["ferry"], ids["harbour"]]
    assert store.search("source:harbour", order="oldest").ids == newest[::-1]
    assert store.search("is:unread", limit=2).ids == [ids["tram"], ids["ferry"]]
    assert store.search("is:unread").terms == frozenset()


def test_the_filter_cache_follows_writes(store: Store) -> None:
    ids = filled(store)
    unread = Filters(states=frozenset({"unread"}))
    first = store.filter_ids(unread)
    assert store.filter_ids(unread) is first  # cached: the next keystroke costs nothing
    store.set_flag(ids["tram"], "is_read", True)
    after = store.filter_ids(unread)
    assert after is not None and ids["tram"] not in after
    store.add([draft("Library hours extended", source="The Ledger", day=9)])
    grown = store.filter_ids(unread)
    assert grown is not None and len(grown) == len(after) + 1


def test_source_stats_and_articles_per_day(store: Store) -> None:
    ids = filled(store)
    store.set_flag(ids["harbour"], "is_read", True)
    store.set_flag(ids["ferry"], "is_starred", True)
    stats = {s.source: (s.total, s.unread, s.starred) for s in store.source_stats()}
    assert stats == {
        "Harbour Times": (2, 1, 1),
        "The Ledger": (1, 1, 0),
        "Valley Courier": (1, 1, 0),
    }
    assert store.source_stats()[0].source == "Harbour Times"  # the biggest first
    days = store.per_day()
    assert [(d.day.day, d.count) for d in days] == [(1, 1), (2, 1), (3, 1), (4, 0), (5, 1)]
    assert [d.day for d in store.per_day(2)] == [date(2024, 1, 4), date(2024, 1, 5)]


def test_empty_store_stats(store: Store) -> None:
    assert store.per_day() == []
    assert store.source_stats() == []
    assert store.counts().total == 0


def test_feed_qualifier_matches_the_feeds_name(store: Store) -> None:
    from newsreader.search.tables import table_of
    from newsreader.store.models import Feed

    with store.writing() as conn:
        feed_id = conn.execute(
            table_of(Feed)
            .insert()
            .values(url="https://example.org/feed", name="Le Monde", added_at=datetime.now(UTC))
            .returning(table_of(Feed).c.id)
        ).scalar_one()
    store.add([draft("Budget vote in Paris", source="example.net")], feed_id=feed_id)
    store.add([draft("Budget vote in Berlin", source="Le Monde diplomatique")])
    paris = store.search("feed:monde").ids
    assert len(paris) == 1
    assert store.rows(paris)[paris[0]].title == "Budget vote in Paris"
    assert store.search("budget feed:MONDE").ids == paris
    assert store.search("feed:ledger").ids == []
    assert len(store.search("budget source:monde").ids) == 1  # the other one: by source


def test_qualifiers_with_only_excluded_words(store: Store) -> None:
    ids = filled(store)
    assert store.search("source:harbour -ferry").ids == [ids["harbour"]]
    assert store.search("is:unread -harbour", limit=1).ids == [ids["tram"]]
    assert store.search("-harbour").ids == []  # nothing to search in: as before
