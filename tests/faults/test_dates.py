"""Dates: an explicit offset is converted to UTC, never replaced or dropped; a time without
one is UTC (the store's convention). Through every parser and through the store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.fetch import retry_after
from newsreader.ingest.draft import ArticleDraft, utc
from newsreader.ingest.feed import parse_feed
from newsreader.ingest.page import parse_page
from newsreader.store.feeds import add_feed, feeds, record_fetch
from newsreader.store.store import Store
from newsreader.store.times import stored

EASTERN = timezone(timedelta(hours=-5))
NEPAL = timezone(timedelta(hours=5, minutes=45))


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path / 'dates.db'}")
    yield store
    store.close()


def _same_instant_in_utc(got: datetime | None, want: datetime) -> None:
    assert got is not None
    assert got.utcoffset() in (None, timedelta(0))  # UTC, or naive UTC as SQLite returns it
    assert got.replace(tzinfo=UTC) == want


def _page(published: str) -> bytes:
    body = "Some words of the article body, long enough to be its main text. " * 30
    return (
        f'<html><head><meta property="article:published_time" content="{published}">'
        f"<title>Late news</title></head><body><article><h1>Late news</h1><p>{body}</p>"
        "</article></body></html>"
    ).encode()


def test_a_page_date_with_an_offset_is_converted() -> None:
    """23:30 at -05:00 is 04:30 UTC the next day: it was stored as the first day's midnight."""
    draft = parse_page(_page("2024-03-01T23:30:00-05:00"), "p.html")
    _same_instant_in_utc(draft.published_at, datetime(2024, 3, 2, 4, 30, tzinfo=UTC))
    draft = parse_page(_page("2024-03-01T23:30:00+05:45"), "p.html")
    _same_instant_in_utc(draft.published_at, datetime(2024, 3, 1, 17, 45, tzinfo=UTC))


def test_a_page_date_without_a_time_is_that_day_in_utc() -> None:
    draft = parse_page(_page("2024-03-01"), "p.html")
    _same_instant_in_utc(draft.published_at, datetime(2024, 3, 1, tzinfo=UTC))


def test_feed_dates_with_offsets_are_converted() -> None:
    rss = (
        b"<rss version='2.0'><channel><title>T</title><item><title>a</title><guid>a</guid>"
        b"<pubDate>Fri, 01 Mar 2024 23:30:00 -0500</pubDate></item></channel></rss>"
    )
    (entry,) = parse_feed(rss, "t").entries
    _same_instant_in_utc(entry.published_at, datetime(2024, 3, 2, 4, 30, tzinfo=UTC))
    items = [{"id": "1", "content_text": "x", "date_published": "2024-03-01T23:30:00+05:45"}]
    data = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()
    (entry,) = parse_feed(data, "t").entries
    _same_instant_in_utc(entry.published_at, datetime(2024, 3, 1, 17, 45, tzinfo=UTC))


def test_a_retry_after_date_with_an_offset_is_stored_as_its_instant(sqlite_store: Store) -> None:
    """`07:28+02:00` came back from `retry_after` with its offset; it is 05:28 UTC, in the
    store too."""
    now = datetime(2099, 10, 21, 0, 0, tzinfo=UTC)
    when = retry_after("Wed, 21 Oct 2099 07:28:00 +0200", now=now)
    _same_instant_in_utc(when, datetime(2099, 10, 21, 5, 28, tzinfo=UTC))
    feed_id = add_feed(sqlite_store, "https://f.example/rss")
    record_fetch(sqlite_store, feed_id, status="error", not_before=when)
    (info,) = feeds(sqlite_store)
    _same_instant_in_utc(info.not_before, datetime(2099, 10, 21, 5, 28, tzinfo=UTC))


def test_a_draft_with_any_offset_is_stored_as_its_instant(sqlite_store: Store) -> None:
    """The store converts whatever reaches it, so a draft made elsewhere cannot be shifted."""
    moment = datetime(2024, 3, 1, 23, 30, tzinfo=NEPAL)
    sqlite_store.add(
        [ArticleDraft(title="t", body="b", source="s", origin="o", published_at=moment)]
    )
    (article_id,) = sqlite_store.ids()
    article = sqlite_store.article(article_id)
    assert article is not None
    _same_instant_in_utc(article.published_at, moment.astimezone(UTC).replace(tzinfo=UTC))


_OFFSETS = st.timedeltas(
    min_value=-timedelta(hours=23, minutes=59), max_value=timedelta(hours=23, minutes=59)
)
_AWARE = st.builds(
    lambda naive, offset: naive.replace(tzinfo=timezone(offset)),
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(9998, 12, 30)),
    _OFFSETS.map(lambda d: timedelta(minutes=int(d.total_seconds() // 60))),
)


@given(_AWARE)
def test_any_aware_moment_keeps_its_instant(moment: datetime) -> None:
    """The ingest rule (`draft.utc`) and the store rule (`times.stored`) convert: the UTC
    result is the same instant, whatever the offset."""
    for converted in (utc(moment), stored(moment)):
        assert converted is not None and converted.utcoffset() == timedelta(0)
        assert converted == moment


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_AWARE)
def test_any_offset_in_a_json_feed_is_stored_as_its_instant(moment: datetime) -> None:
    items = [{"id": "1", "content_text": "x", "date_published": moment.isoformat()}]
    data = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()
    (entry,) = parse_feed(data, "t").entries
    assert entry.published_at == moment and entry.published_at.utcoffset() == timedelta(0)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_AWARE)
def test_any_offset_survives_a_sqlite_round_trip(moment: datetime) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/d.db")
        try:
            draft = ArticleDraft(title="t", body="b", source="s", origin="o", published_at=moment)
            store.add([draft])
            (article_id,) = store.ids()
            article = store.article(article_id)
            assert article is not None and article.published_at is not None
            assert article.published_at.replace(tzinfo=UTC) == moment
        finally:
            store.close()
