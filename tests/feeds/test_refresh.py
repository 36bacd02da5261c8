"""Subscribing and refreshing against a real HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsreader.cli import main
from newsreader.refresh import refresh
from newsreader.store.feeds import add_feed, feeds, find_feed, remove_feed
from newsreader.store.store import Store
from tests.feeds.server import FeedServer, Response, serving


def rss(*items: tuple[str, str, str], title: str = "Harbour Times") -> bytes:
    entries = "".join(
        f"<item><title>{t}</title><guid>{g}</guid><link>https://h.example/{g}</link>"
        f"<description>{d}</description></item>"
        for g, t, d in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://h.example/</link>{entries}</channel></rss>"
    ).encode()


ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Post</title>
<entry><id>urn:a1</id><title>Atom one</title><updated>2024-02-01T00:00:00Z</updated>
<content type="html">&lt;p&gt;Alpha text&lt;/p&gt;</content></entry></feed>"""
JSON = (
    b'{"version":"https://jsonfeed.org/version/1.1","title":"Jay Daily","items":'
    b'[{"id":"j1","title":"Jay one","content_text":"Jot text"}]}'
)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    yield from serving()


def subscribe(store: Store, server: FeedServer, path: str, name: str = "") -> int:
    return add_feed(store, server.url(path), name)


def test_refresh_fetches_every_format_and_counts_articles(store: Store, server: FeedServer) -> None:
    server.serve("/rss", rss(("a1", "Ferry resumes", "Boats are back."), ("a2", "Storm", "Wind.")))
    server.serve("/atom", ATOM)
    server.serve("/json", JSON, **{"Content-Type": "application/feed+json"})
    for path in ("/rss", "/atom", "/json"):
        subscribe(store, server, path)
    outcomes = refresh(store)
    assert sorted((o.feed.url.rsplit("/", 1)[1], o.status, o.added) for o in outcomes) == [
        ("atom", "ok", 1),
        ("json", "ok", 1),
        ("rss", "ok", 2),
    ]
    by_name = {f.name: f.articles for f in feeds(store)}
    assert by_name == {"Harbour Times": 2, "Atom Post": 1, "Jay Daily": 1}
    assert store.search("ferry resmes").ids  # indexed, typo-tolerant
    rows = store.rows(store.search("ferry").ids)
    assert {r.source for r in rows.values()} == {"Harbour Times"}


def test_conditional_get_sends_validators_and_a_304_costs_nothing(
    store: Store, server: FeedServer
) -> None:
    body = rss(("a1", "Ferry resumes", "Boats are back."))

    def route(headers: dict[str, str]) -> Response:
        if headers.get("if-none-match") == '"v1"':
            return Response(304)
        return Response(
            200, body, {"ETag": '"v1"', "Last-Modified": "Mon, 01 Apr 2024 10:00:00 GMT"}
        )

    server.routes["/rss"] = route
    subscribe(store, server, "/rss")
    (first,) = refresh(store)
    (second,) = refresh(store)
    assert (first.status, first.added) == ("ok", 1)
    assert (second.status, second.added) == ("not modified", 0)
    first_hit, second_hit = server.hits("/rss")
    assert "if-none-match" not in first_hit
    assert second_hit["if-none-match"] == '"v1"'
    assert second_hit["if-modified-since"] == "Mon, 01 Apr 2024 10:00:00 GMT"
    assert "newsreader/" in second_hit["user-agent"]
    assert store.count() == 1


def test_entries_are_deduplicated_across_refreshes_and_updated_in_place(
    store: Store, server: FeedServer
) -> None:
    server.serve("/rss", rss(("a1", "Ferry resumes", "Boats are back."), ("a2", "Storm", "Wind.")))
    feed_id = subscribe(store, server, "/rss")
    refresh(store)
    (ferry,) = store.search("ferry").ids
    store.set_flag(ferry, "is_read", True)
    store.set_flag(ferry, "is_starred", True)
    # Same guids, one edited, one new: no duplicates, the edit lands in place.
    server.serve(
        "/rss",
        rss(
            ("a1", "Ferry resumes after repairs", "Boats are back in the harbour."),
            ("a2", "Storm", "Wind."),
            ("a3", "Bridge", "Closed."),
        ),
    )
    (outcome,) = refresh(store)
    assert (outcome.added, outcome.updated) == (1, 1)
    assert store.count() == 3
    article = store.article(ferry)
    assert article is not None
    assert article.title == "Ferry resumes after repairs"
    assert (article.is_read, article.is_starred) == (True, True)
    assert store.search("repairs").ids == [ferry]
    assert store.search('"boats are back."').ids == [ferry]
    assert find_feed(store, str(feed_id)).articles == 3


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (lambda _: Response(500, b"oops"), "HTTP 500"),
        (lambda _: Response(404, b"gone"), "HTTP 404"),
        (lambda _: Response(200, b"<html><body>not a feed</body></html>"), "not a feed"),
        (lambda _: Response(200, b"\x00\x01binary\xff" * 100), "not a feed"),
        (lambda _: Response(200, rss(("a", "x", "y")) + b" " * 3_000_000), "too large"),
        (lambda _: Response(200, rss(("a", "x", "y")), delay=3.0), "timed out"),
        (lambda _: Response(302, b"", {"Location": "/bad"}), "too many redirects"),
    ],
    ids=["500", "404", "html", "binary", "oversize", "slow", "redirect-loop"],
)
def test_one_failing_feed_is_recorded_and_never_stops_the_others(
    store: Store, server: FeedServer, route: object, reason: str
) -> None:
    server.serve("/good", rss(("g1", "Good news", "Fine.")))
    server.routes["/bad"] = route  # type: ignore[assignment]
    subscribe(store, server, "/good")
    subscribe(store, server, "/bad", name="Bad Feed")
    outcomes = refresh(store, max_bytes=2_000_000, timeout=1.0)
    status = {o.feed.url.rsplit("/", 1)[1]: (o.status, o.error or "") for o in outcomes}
    assert status["good"][0] == "ok"
    assert status["bad"][0] == "error"
    assert reason in status["bad"][1]
    bad = find_feed(store, "Bad Feed")
    assert bad.status == "error" and reason in (bad.error or "")
    assert store.search("good news").ids


def test_a_redirect_is_followed(store: Store, server: FeedServer) -> None:
    server.serve("/new", rss(("r1", "Moved story", "Here now.")))
    server.routes["/old"] = lambda _: Response(301, b"", {"Location": "/new"})
    subscribe(store, server, "/old")
    (outcome,) = refresh(store)
    assert (outcome.status, outcome.added) == ("ok", 1)


def test_a_failure_keeps_what_was_stored(store: Store, server: FeedServer) -> None:
    server.serve("/rss", rss(("a1", "Ferry resumes", "Boats.")))
    subscribe(store, server, "/rss")
    refresh(store)
    server.routes["/rss"] = lambda _: Response(500, b"")
    (outcome,) = refresh(store)
    assert outcome.status == "error"
    assert store.count() == 1  # nothing lost
    assert store.search("ferry").ids


def test_removing_a_feed_keeps_starred_articles(store: Store, server: FeedServer) -> None:
    server.serve("/rss", rss(("a1", "Ferry resumes", "Boats."), ("a2", "Storm", "Wind.")))
    feed_id = subscribe(store, server, "/rss")
    refresh(store)
    (storm,) = store.search("storm").ids
    store.set_flag(storm, "is_starred", True)
    assert remove_feed(store, feed_id) == (1, 1)
    assert store.search("ferry").ids == []
    assert store.search("storm").ids == [storm]
    assert feeds(store) == []


def test_cli_feed_commands(tmp_path: Path, server: FeedServer) -> None:
    server.serve("/rss", rss(("a1", "Ferry resumes", "Boats.")))
    server.routes["/down"] = lambda _: Response(503, b"")
    db = str(tmp_path / "cli.db")
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(main, ["--db", db, *args])
        return result.exit_code, result.stdout, result.stderr

    code, out, _ = run("feed", "add", server.url("/rss"), "--name", "Harbour")
    assert code == 0 and "subscribed to Harbour: 1 articles" in out
    code, _, err = run("feed", "add", server.url("/down"))
    assert code == 1 and "HTTP 503" in err and "Traceback" not in err
    code, out, _ = run("feed", "list")
    assert code == 0 and "Harbour" in out and "/down" not in out
    code, out, _ = run("refresh")
    assert code == 0 and "1 feeds: 0 new articles" in out
    code, out, _ = run("export", "--opml")
    assert code == 0 and server.url("/rss") in out and 'title="Harbour"' in out
    opml = tmp_path / "subs.opml"
    opml.write_text(out)
    other = str(tmp_path / "other.db")
    result = runner.invoke(main, ["--db", other, "import", str(opml)])
    assert result.exit_code == 0 and "1 feeds subscribed" in result.stdout
    result = runner.invoke(main, ["--db", other, "refresh"])
    assert result.exit_code == 0 and "1 new articles" in result.stdout
    code, out, _ = run("feed", "remove", "Harbour")
    assert code == 0 and "1 articles removed" in out
    code, _, err = run("feed", "remove", "Nope")
    assert code == 1 and "no feed 'Nope'" in err


def test_importing_feed_files_and_pages(store: Store, tmp_path: Path) -> None:
    from newsreader.importer import import_paths

    (tmp_path / "news.rss").write_bytes(rss(("x1", "Local feed story", "From a file.")))
    (tmp_path / "page.html").write_text(
        "<html><head><title>Page</title></head><body><article><h1>Saved page story</h1>"
        "<p>The council approved the new harbour budget after a long debate on Tuesday.</p>"
        "<p>Work on the quay starts next spring and should take two years.</p>"
        "</article></body></html>"
    )
    (tmp_path / "feed.json").write_bytes(JSON)
    report = import_paths(store, [tmp_path])
    assert (report.added, report.skipped) == (3, [])
    assert store.search("local feed").ids and store.search("quay").ids
    assert store.search("jot").ids


def test_a_40_mb_feed_file_is_refused_and_the_rest_imported(store: Store, tmp_path: Path) -> None:
    from newsreader.importer import import_paths

    big = tmp_path / "big.rss"
    with big.open("wb") as out:
        out.write(rss(("b1", "Buried story", "Under the padding.")))
        out.write(b"<!-- " + b"x" * (40 * 2**20) + b" -->")
    (tmp_path / "small.rss").write_bytes(rss(("s1", "Small story", "Fine.")))
    report = import_paths(store, [tmp_path])
    assert report.added == 1
    assert [(Path(p).name, why) for p, why in report.skipped] == [
        ("big.rss", "feed too large (40 MB; the cap is 20 MB)")
    ]


def test_import_reports_progress_per_file(store: Store, tmp_path: Path) -> None:
    from newsreader.importer import import_paths

    for n in range(5):
        (tmp_path / f"note{n}.txt").write_text(f"Note {n}\n\nBody {n}.\n")
    seen: list[tuple[int, int]] = []
    report = import_paths(store, [tmp_path], on_progress=lambda d, t: seen.append((d, t)))
    assert report.added == 5
    assert seen == [(n, 5) for n in range(1, 6)]
