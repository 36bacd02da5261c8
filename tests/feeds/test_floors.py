"""What a feed asks of its reader: a floor between fetches (`<ttl>`, `sy:updatePeriod`,
`Cache-Control: max-age`), its new home after a permanent redirect; and the new-articles
hook of `newsreader refresh`. Against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader import paths
from newsreader.cli import main
from newsreader.config import toml_value
from newsreader.ingest.feed import parse_feed
from newsreader.refresh import MAX_FLOOR, refresh
from newsreader.store.feeds import add_feed, find_feed
from newsreader.store.store import Store
from tests.feeds.server import FeedServer, Response, serving

SY = 'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"'


def rss(extra: str = "", guid: str = "a1") -> bytes:
    return (
        f'<?xml version="1.0"?><rss version="2.0" {SY}><channel><title>Harbour</title>'
        f"<link>https://h.example/</link>{extra}<item><title>Ferry {guid}</title>"
        f"<guid>{guid}</guid><description>Boats.</description></item></channel></rss>"
    ).encode()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    yield from serving()


@pytest.fixture
def lite(tmp_path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path}/floors.db")
    yield store
    store.close()


def rest(store: Store, url: str) -> timedelta | None:
    info = find_feed(store, url)
    if info.not_before is None:
        return None
    return info.not_before.replace(tzinfo=UTC) - datetime.now(UTC)


@pytest.mark.parametrize(
    ("extra", "headers", "floor"),
    [
        ("<ttl>60</ttl>", {}, timedelta(hours=1)),
        ("<sy:updatePeriod>hourly</sy:updatePeriod>", {}, timedelta(hours=1)),
        (
            "<sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency>",
            {},
            timedelta(hours=6),
        ),
        ("", {"Cache-Control": "public, max-age=1800"}, timedelta(minutes=30)),
        ("<ttl>10</ttl>", {"Cache-Control": "max-age=3600"}, timedelta(hours=1)),
        ("<ttl>99999</ttl>", {}, MAX_FLOOR),
    ],
    ids=["ttl", "sy-hourly", "sy-frequency", "max-age", "longest-wins", "capped"],
)
def test_a_feeds_floor_keeps_it_from_being_fetched_again_too_soon(
    lite: Store, server: FeedServer, extra: str, headers: dict[str, str], floor: timedelta
) -> None:
    server.routes["/f"] = lambda _: Response(200, rss(extra), headers)
    add_feed(lite, server.url("/f"))
    (first,) = refresh(lite)
    assert first.status == "ok" and first.added == 1
    wait = rest(lite, server.url("/f"))
    assert wait is not None and floor - timedelta(minutes=1) < wait <= floor
    (second,) = refresh(lite)
    assert second.status == "waiting" and "asked not to be fetched more often" in (
        second.error or ""
    )
    assert len(server.hits("/f")) == 1


def test_no_floor_and_no_cache_set_none(lite: Store, server: FeedServer) -> None:
    server.routes["/f"] = lambda _: Response(200, rss(), {"Cache-Control": "no-cache, max-age=60"})
    add_feed(lite, server.url("/f"))
    refresh(lite)
    refresh(lite)
    assert rest(lite, server.url("/f")) is None and len(server.hits("/f")) == 2


def test_a_304_keeps_the_floor_the_feed_asked_for(lite: Store, server: FeedServer) -> None:
    def route(headers: dict[str, str]) -> Response:
        if headers.get("if-none-match") == '"v1"':
            return Response(304, b"")
        return Response(200, rss("<ttl>120</ttl>"), {"ETag": '"v1"'})

    server.routes["/f"] = route
    feed_id = add_feed(lite, server.url("/f"))
    refresh(lite)
    info = find_feed(lite, str(feed_id))
    # As if the floor had passed: the same floor, its time over.
    from sqlalchemy import update

    from newsreader.search.tables import table_of
    from newsreader.store.models import Feed

    feed = table_of(Feed)
    assert info.not_before is not None and info.fetched_at is not None
    with lite.writing() as conn:
        conn.execute(
            update(feed)
            .where(feed.c.id == feed_id)
            .values(
                fetched_at=info.fetched_at - timedelta(hours=3),
                not_before=info.not_before - timedelta(hours=3),
            )
        )
    (again,) = refresh(lite)
    assert again.status == "not modified"
    wait = rest(lite, server.url("/f"))
    assert wait is not None and timedelta(minutes=115) < wait <= timedelta(hours=2)


@given(
    ttl=st.text(max_size=12),
    period=st.text(max_size=10) | st.sampled_from(["hourly", "daily", "weekly", "yearly"]),
    frequency=st.text(max_size=10) | st.integers(-5, 10**12).map(str),
)
@settings(max_examples=150, deadline=None)
def test_any_ttl_or_period_is_a_floor_or_nothing(ttl: str, period: str, frequency: str) -> None:
    from xml.sax.saxutils import escape

    extra = (
        f"<ttl>{escape(ttl)}</ttl><sy:updatePeriod>{escape(period)}</sy:updatePeriod>"
        f"<sy:updateFrequency>{escape(frequency)}</sy:updateFrequency>"
    )
    parsed = parse_feed(rss(extra), "test:floor")
    assert parsed.min_interval is None or parsed.min_interval > 0


# -- permanent redirects -----------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 308])
def test_a_permanent_redirect_moves_the_feed(lite: Store, server: FeedServer, status: int) -> None:
    server.routes["/old"] = lambda _: Response(status, b"", {"Location": server.url("/new")})
    server.serve("/new", rss())
    feed_id = add_feed(lite, server.url("/old"))
    (outcome,) = refresh(lite)
    assert outcome.status == "ok" and outcome.note and "now " + server.url("/new") in outcome.note
    assert find_feed(lite, str(feed_id)).url == server.url("/new")
    refresh(lite)
    assert len(server.hits("/old")) == 1 and len(server.hits("/new")) == 2


def test_a_temporary_redirect_keeps_the_url(lite: Store, server: FeedServer) -> None:
    server.routes["/old"] = lambda _: Response(302, b"", {"Location": server.url("/new")})
    server.serve("/new", rss())
    feed_id = add_feed(lite, server.url("/old"))
    (outcome,) = refresh(lite)
    assert outcome.status == "ok" and outcome.note is None
    assert find_feed(lite, str(feed_id)).url == server.url("/old")


def test_only_the_permanent_start_of_a_chain_counts(lite: Store, server: FeedServer) -> None:
    server.routes["/a"] = lambda _: Response(301, b"", {"Location": server.url("/b")})
    server.routes["/b"] = lambda _: Response(302, b"", {"Location": server.url("/c")})
    server.serve("/c", rss())
    feed_id = add_feed(lite, server.url("/a"))
    refresh(lite)
    assert find_feed(lite, str(feed_id)).url == server.url("/b")


def test_a_move_onto_another_feeds_url_is_said_and_changes_nothing(
    tmp_path: Path, server: FeedServer
) -> None:
    server.routes["/old"] = lambda _: Response(308, b"", {"Location": server.url("/new")})
    server.serve("/new", rss())
    db = str(tmp_path / "moves.db")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "feed", "add", server.url("/new")]).exit_code == 0
    store = Store(f"sqlite:///{db}")
    try:
        add_feed(store, server.url("/old"))
    finally:
        store.close()
    result = runner.invoke(main, ["--db", db, "refresh"])
    assert result.exit_code == 0
    said = [line for line in result.stderr.splitlines() if "already the feed" in line]
    assert len(said) == 1 and server.url("/new") in said[0], result.stderr
    store = Store(f"sqlite:///{db}")
    try:
        assert find_feed(store, server.url("/old")).url == server.url("/old")
    finally:
        store.close()


# -- the new-articles hook of `newsreader refresh` ---------------------------------------


def recorder(tmp_path: Path, out: Path, status: int = 0) -> list[str]:
    script = tmp_path / "record.py"
    script.write_text(
        "import json, sys\n"
        f"with open({str(out)!r}, 'a') as f: f.write(json.dumps(sys.argv[1:]) + '\\n')\n"
        f"sys.exit({status})\n"
    )
    return [sys.executable, str(script)]


def write_config(text: str) -> None:
    path = paths.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_refresh_runs_the_hook_with_whole_argv_elements(tmp_path: Path, server: FeedServer) -> None:
    out = tmp_path / "argv.jsonl"
    argv = [*recorder(tmp_path, out), "{count} new articles", "{feeds}", "--names={names}"]
    write_config(f"[hooks]\nnew_articles = {toml_value(argv)}\n")
    server.serve("/f", rss(guid="x1").replace(b"<title>Harbour<", b"<title>$(touch pwned);id<"))
    db = str(tmp_path / "hook.db")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "feed", "add", server.url("/f")]).exit_code == 0
    assert not out.exists()  # `feed add` is not a refresh
    server.serve("/f", rss(guid="x2").replace(b"<title>Harbour<", b"<title>$(touch pwned);id<"))
    result = runner.invoke(main, ["--db", db, "refresh"])
    assert result.exit_code == 0, result.output
    (line,) = out.read_text().splitlines()
    assert json.loads(line) == ["1 new articles", "1", "--names=$(touch pwned);id"]
    assert not list(Path.cwd().glob("pwned")) and not list(tmp_path.glob("pwned"))
    again = runner.invoke(main, ["--db", db, "refresh"])  # nothing new: no hook
    assert again.exit_code == 0 and len(out.read_text().splitlines()) == 1


def test_a_failing_hook_is_one_line_and_the_refresh_still_counts(
    tmp_path: Path, server: FeedServer
) -> None:
    out = tmp_path / "argv.jsonl"
    write_config(f"[hooks]\nnew_articles = {toml_value(recorder(tmp_path, out, status=3))}\n")
    server.serve("/f", rss())
    db = str(tmp_path / "hook.db")
    runner = CliRunner()
    store = Store(f"sqlite:///{db}")
    try:
        add_feed(store, server.url("/f"))
    finally:
        store.close()
    result = runner.invoke(main, ["--db", db, "refresh"])
    assert result.exit_code == 0
    said = [line for line in result.stderr.splitlines() if "hooks.new_articles" in line]
    assert len(said) == 1 and "stopped with status 3" in said[0], result.stderr
    assert "1 new articles" in result.stdout


def test_a_broken_config_is_said_once_and_refresh_goes_on(
    tmp_path: Path, server: FeedServer
) -> None:
    write_config('[refresh]\ninterval = "5s"\nbogus = 1\n')
    server.serve("/f", rss())
    db = str(tmp_path / "c.db")
    store = Store(f"sqlite:///{db}")
    try:
        add_feed(store, server.url("/f"))
    finally:
        store.close()
    result = CliRunner().invoke(main, ["--db", db, "refresh"])
    assert result.exit_code == 0
    said = [line for line in result.stderr.splitlines() if "config.toml" in line]
    assert len(said) == 1 and "line 2" in said[0] and "1 more" in said[0]
