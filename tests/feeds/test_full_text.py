"""Full text from a local page: fetched for one article (`f`, tested in the UI too) and for a
full-text feed's new entries during refresh; the feed's text is kept, the page's words are
found; a page that fails leaves the article as it was and says why in one line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.cli import main
from newsreader.fulltext import FullTextError, fetch_full_text, page_text
from newsreader.refresh import refresh
from newsreader.store.feeds import add_feed, feeds, find_feed, set_full_text
from newsreader.store.store import Store
from tests.feeds.server import FeedServer, Response, serving

PAGE = b"""<!doctype html><html><head><title>Harbour dredging</title></head><body>
<nav>Home | News | Sport</nav><article><h1>Harbour dredging</h1>
<p>The council approved the dredging of the inner harbour on Tuesday, after months of
debate about the silt that has narrowed the channel since the winter storms.</p>
<p>Engineers expect the barges to start in spring; the quay stays open while the
cormorant colony on the breakwater is left undisturbed, the plan says.</p>
<p>Fishermen welcomed the decision, which ends a decade of waiting for deeper water at
low tide and lets the larger trawlers land their catch in town again.</p>
</article><footer>Copyright</footer></body></html>"""


def feed(link: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title>'
        f"<item><guid>h1</guid><title>Harbour dredging</title><link>{link}</link>"
        "<description>Council approves dredging.</description>"
        '<enclosure url="https://h.example/h1.mp3" type="audio/mpeg" length="9"/>'
        "</item></channel></rss>"
    ).encode()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    yield from serving()


def only(store: Store) -> int:
    (article_id,) = store.ids()
    return article_id


def test_a_full_text_feed_fetches_pages_of_new_entries(server: FeedServer, store: Store) -> None:
    server.serve("/page", PAGE, **{"Content-Type": "text/html"})
    server.serve("/rss", feed(server.url("/page")))
    feed_id = add_feed(store, server.url("/rss"))
    set_full_text(store, feed_id, True)
    (outcome,) = refresh(store, [find_feed(store, str(feed_id))])
    assert (outcome.status, outcome.added) == ("ok", 1)
    article = store.article(only(store))
    assert article is not None
    assert "cormorant colony" in article.body
    assert article.summary == "Council approves dredging."  # the feed's summary kept
    assert "[1] audio/mpeg https://h.example/h1.mp3" in article.body  # its links kept
    assert store.search("cormorant").ids == [article.id]
    assert len(server.hits("/page")) == 1
    refresh(store, [find_feed(store, str(feed_id))])  # not new: not fetched again
    assert len(server.hits("/page")) == 1
    assert store.search("cormorant").ids == [article.id]


def test_a_feed_without_full_text_fetches_no_page(server: FeedServer, store: Store) -> None:
    server.serve("/page", PAGE)
    server.serve("/rss", feed(server.url("/page")))
    feed_id = add_feed(store, server.url("/rss"))
    refresh(store, [find_feed(store, str(feed_id))])
    assert server.hits("/page") == []


def test_a_page_that_fails_leaves_the_article_and_says_why(
    server: FeedServer, store: Store
) -> None:
    server.routes["/gone"] = lambda _: Response(404, b"no")
    server.serve("/rss", feed(server.url("/gone")))
    feed_id = add_feed(store, server.url("/rss"))
    set_full_text(store, feed_id, True)
    (outcome,) = refresh(store, [find_feed(store, str(feed_id))])
    assert outcome.status == "ok"
    assert outcome.note == "full text: 1 new page(s) could not be read (their feed text is kept)"
    article_id = only(store)
    before = store.article(article_id)
    with pytest.raises(FullTextError) as failed:
        fetch_full_text(store, article_id)
    assert str(failed.value) == "its page could not be fetched: HTTP 404 Not Found"
    assert store.article(article_id) == before


def test_f_path_stores_the_text_and_indexes_it(server: FeedServer, store: Store) -> None:
    server.serve("/page", PAGE)
    server.serve("/rss", feed(server.url("/page")))
    feed_id = add_feed(store, server.url("/rss"))
    refresh(store, [find_feed(store, str(feed_id))])
    article_id = only(store)
    assert store.search("cormorant").ids == []
    fetch_full_text(store, article_id)
    assert store.search("cormorant").ids == [article_id]
    fetch_full_text(store, article_id)  # again: the feed's text stays the one kept
    article = store.article(article_id)
    assert article is not None and article.body.count("cormorant") == 1


def test_cli_full_text_flags(server: FeedServer, tmp_path: Path) -> None:
    server.serve("/page", PAGE)
    server.serve("/rss", feed(server.url("/page")))
    db = str(tmp_path / "s.db")
    runner = CliRunner()
    added = runner.invoke(main, ["--db", db, "feed", "add", "--full-text", server.url("/rss")])
    assert added.exit_code == 0, added.stderr
    assert len(server.hits("/page")) == 1
    found = runner.invoke(main, ["--db", db, "search", "cormorant"])
    assert "Harbour dredging" in found.stdout
    off = runner.invoke(main, ["--db", db, "feed", "edit", "Harbour", "--no-full-text"])
    assert (off.exit_code, off.stdout) == (0, "Harbour: full text off\n")
    store = Store(f"sqlite:///{db}")
    assert [f.full_text for f in feeds(store)] == [False]
    store.close()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (None, "the article has no link to fetch"),
        ("javascript:alert(1)", "its link is not fetched: it is not an http or https address"),
        ("file:///etc/passwd", "its link is not fetched: it is not an http or https address"),
    ],
)
def test_only_web_pages_are_fetched(url: str | None, reason: str) -> None:
    with pytest.raises(FullTextError) as failed:
        page_text(url)
    assert str(failed.value) == reason


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=2000), status=st.sampled_from([200, 200, 403, 500]))
def test_any_page_gives_text_or_one_line(body: bytes, status: int) -> None:
    """Whatever a server sends, the answer is text or one line saying why: no exception of
    any other kind, no line breaks in the reason."""
    with FeedServer() as server:
        server.routes["/x"] = lambda _: Response(status, body)
        try:
            text = page_text(server.url("/x"), timeout=5)
        except FullTextError as error:
            assert "\n" not in str(error) and str(error)
        else:
            assert text.strip()
