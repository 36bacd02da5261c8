"""`f` while reading: the page is fetched in a worker, and the pane then shows the full
text as the store saved it; a page that fails leaves the article and says why once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.ingest import ArticleDraft
from newsreader.store.store import Store
from newsreader.ui.app import NewsReaderApp, make_app
from tests.feeds.server import FeedServer, Response, serving
from tests.feeds.test_full_text import PAGE
from tests.ui.helpers import flat, region_text, settle

SIZE = (120, 40)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    yield from serving()


def pane_text(app: NewsReaderApp) -> str:
    return flat(region_text(app, app.reader.article_pane))


def one_article(tmp_path: Path, url: str) -> Store:
    store = Store(f"sqlite:///{tmp_path}/f.db")
    draft = ArticleDraft("Harbour dredging", "Council approves dredging.", "Wire", "t", url=url)
    store.add([draft])
    return store


async def test_f_shows_the_saved_full_text(server: FeedServer, tmp_path: Path) -> None:
    server.serve("/page", PAGE)
    store = one_article(tmp_path, server.url("/page"))
    app = make_app(store, prefs_path=tmp_path / "prefs.toml")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Council approves dredging." in pane_text(app)
        await pilot.press("f")
        await settle(pilot)
        assert "cormorant colony" in pane_text(app)
        (article_id,) = store.ids()
        article = store.article(article_id)
        assert article is not None and "cormorant colony" in article.body
        assert store.search("cormorant").ids == [article_id]
    store.close()


async def test_a_failing_page_says_why_and_keeps_the_summary(
    server: FeedServer, tmp_path: Path
) -> None:
    server.routes["/gone"] = lambda _: Response(500, b"oops")
    store = one_article(tmp_path, server.url("/gone"))
    app = make_app(store, prefs_path=tmp_path / "prefs.toml")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "f")
        await settle(pilot)
        assert "Council approves dredging." in pane_text(app)
        said = [str(n.message) for n in app._notifications]
        assert "No full text: its page could not be fetched: HTTP 500 Internal Server Error" in said
    store.close()


async def test_an_enclosure_opens_by_its_digit(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/m.db")
    body = "Episode notes.\n\nLinks:\n[1] https://p.example/notes\n[2] audio/mpeg https://p.example/1.mp3"
    store.add([ArticleDraft("Episode", body, "Pod", "t")])
    app = make_app(store, prefs_path=tmp_path / "prefs.toml")
    opened: list[str] = []
    app.open_url = lambda url, new_tab=True: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "2")
        await pilot.pause(1.0)  # past the wait for a second digit
        await settle(pilot)
        assert opened == ["https://p.example/1.mp3"]
        assert "[2] audio/mpeg https://p.example/1.mp3" in pane_text(app)
    store.close()
