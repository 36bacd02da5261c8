"""A server answering 429/503 with `Retry-After` (seconds or an HTTP date) is not fetched
again before then; absurd waits are capped at a week, unreadable ones ignored. Against a real
HTTP server on 127.0.0.1 (tests/feeds/server.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from newsreader.cli import main
from newsreader.refresh import Outcome, refresh
from newsreader.store.feeds import add_feed, find_feed
from newsreader.store.store import Store
from tests.feeds.server import FeedServer, Response, serving
from tests.feeds.test_refresh import rss

FEED = rss(("a1", "Ferry resumes", "Boats are back."))


@pytest.fixture
def server() -> Iterator[FeedServer]:
    yield from serving()


@pytest.fixture
def lite(tmp_path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    yield store
    store.close()


def statuses(outcomes: list[Outcome]) -> dict[str, tuple[str, str]]:
    return {o.feed.url.rsplit("/", 1)[1]: (o.status, o.error or "") for o in outcomes}


def _cli(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", db, *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("kind", ["seconds", "http-date"])
def test_a_feed_asked_to_wait_is_not_fetched_before_then(
    store: Store, server: FeedServer, kind: str
) -> None:
    later = datetime.now(UTC) + timedelta(hours=2)
    value = "7200" if kind == "seconds" else format_datetime(later, usegmt=True)
    status = 429 if kind == "seconds" else 503
    server.routes["/busy"] = lambda _: Response(status, b"", {"Retry-After": value})
    server.serve("/good", FEED)
    add_feed(store, server.url("/busy"))
    add_feed(store, server.url("/good"))
    first = statuses(refresh(store))
    assert first["busy"][0] == "error" and "server asked to wait" in first["busy"][1]
    second = statuses(refresh(store))
    assert len(server.hits("/busy")) == 1  # not asked again
    assert second["good"][0] in ("ok", "not modified")
    status_, line = second["busy"]
    assert status_ == "waiting" and line.startswith("not before ") and "\n" not in line
    info = find_feed(store, server.url("/busy"))
    assert info.not_before is not None
    wait = info.not_before.replace(tzinfo=UTC) - datetime.now(UTC)
    assert timedelta(hours=1, minutes=50) < wait <= timedelta(hours=2, minutes=1)


def test_the_cli_lists_and_reports_a_waiting_feed(tmp_path: Path, server: FeedServer) -> None:
    server.serve("/rss", FEED)
    db = str(tmp_path / "cli.db")
    assert _cli(db, "feed", "add", server.url("/rss"))[0] == 0
    server.routes["/rss"] = lambda _: Response(429, b"", {"Retry-After": "3600"})
    code, _, err = _cli(db, "refresh")
    assert code == 1 and "server asked to wait" in err
    code, out, err = _cli(db, "refresh")
    assert code == 0 and "not before" in err and "failed" not in err
    assert len(server.hits("/rss")) == 2
    code, out, _ = _cli(db, "feed", "list")
    assert code == 0 and "server asked to wait" in out


@pytest.mark.parametrize(
    ("value", "waits"),
    [
        ("99999999999999999999", timedelta(days=7)),
        (format_datetime(datetime(2999, 1, 1, tzinfo=UTC), usegmt=True), timedelta(days=7)),
        ("soon", None),
        ("-5", None),
        (format_datetime(datetime(2001, 1, 1, tzinfo=UTC), usegmt=True), None),
        ("", None),
    ],
    ids=["huge", "far-date", "words", "negative", "past", "empty"],
)
def test_absurd_waits_are_capped_and_unreadable_ones_ignored(
    lite: Store, server: FeedServer, value: str, waits: timedelta | None
) -> None:
    server.routes["/busy"] = lambda _: Response(503, b"", {"Retry-After": value})
    add_feed(lite, server.url("/busy"))
    refresh(lite)
    info = find_feed(lite, server.url("/busy"))
    if waits is None:
        assert info.not_before is None
        refresh(lite)
        assert len(server.hits("/busy")) == 2
    else:
        assert info.not_before is not None
        wait = info.not_before.replace(tzinfo=UTC) - datetime.now(UTC)
        assert waits - timedelta(minutes=1) < wait <= waits


def test_a_wait_that_has_passed_is_fetched_and_cleared(lite: Store, server: FeedServer) -> None:
    server.routes["/busy"] = lambda _: Response(429, b"", {"Retry-After": "600"})
    feed_id = add_feed(lite, server.url("/busy"))
    refresh(lite)
    with lite.engine.begin() as conn:
        conn.execute(
            text("UPDATE feed SET not_before = :t WHERE id = :i"),
            {"t": datetime(2001, 1, 1), "i": feed_id},
        )
    server.serve("/busy", FEED)
    (outcome,) = refresh(lite)
    assert outcome.status == "ok"
    assert find_feed(lite, str(feed_id)).not_before is None


@settings(max_examples=300, deadline=None)
@given(value=st.none() | st.text(max_size=60) | st.integers(-(10**30), 10**30).map(str))
def test_any_retry_after_is_bounded_or_ignored(value: str | None) -> None:
    from newsreader.fetch import MAX_WAIT, retry_after

    now = datetime.now(UTC)
    when = retry_after(value, now)
    assert when is None or now < when <= now + MAX_WAIT


def test_a_store_from_before_retry_after_gains_the_column(tmp_path: Path) -> None:
    from newsreader.store import schema

    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = Store(url)
    feed_id = add_feed(store, "https://h.example/rss", "Harbour")
    with store.engine.begin() as conn:  # as version 4 left it
        conn.exec_driver_sql("ALTER TABLE feed DROP COLUMN not_before")
        schema.set_meta(conn, "schema_version", "4")
    store.close()
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            assert schema.schema_version(conn) == schema.latest_version()
        info = find_feed(store, str(feed_id))
        assert (info.name, info.not_before) == ("Harbour", None)
    finally:
        store.close()
