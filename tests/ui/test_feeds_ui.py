"""`r` refreshes feeds in the background and new articles appear; `F` shows feed health and
picks a feed to read. Against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import DataTable

from newsreader.store.feeds import add_feed
from newsreader.store.store import Store
from newsreader.ui.app import make_app
from newsreader.ui.screens.feeds import FeedsScreen
from tests.feeds.server import FeedServer, Response, serving
from tests.feeds.test_refresh import rss
from tests.ui.helpers import region_text, settle

SIZE = (120, 40)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    yield from serving()


async def test_r_refreshes_and_new_articles_appear(seeded_store: Store, server: FeedServer) -> None:
    server.serve("/rss", rss(("h1", "Harbour ferry resumes", "Boats are back.")))
    add_feed(seeded_store, server.url("/rss"), "Harbour Times")
    app = make_app(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Harbour ferry resumes" not in region_text(app, app.reader.article_list)
        await pilot.press("r")
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        assert "Harbour ferry resumes" in region_text(app, app.reader.article_list)
        assert server.hits("/rss")
        # The index heard of it too: a typo finds the new article.
        await pilot.press("slash", *"ferr resumes")
        await settle(pilot)
        assert app.reader.article_list.ids == seeded_store.search("ferry resumes").ids


async def test_F_lists_feed_health_and_picks_a_feed(
    seeded_store: Store, server: FeedServer
) -> None:
    server.serve("/rss", rss(("h1", "Harbour ferry resumes", "Boats.")))
    server.routes["/down"] = lambda _: Response(500, b"")
    add_feed(seeded_store, server.url("/rss"), "Harbour Times")
    add_feed(seeded_store, server.url("/down"), "[bold]Down[/] Feed")
    app = make_app(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        assert isinstance(app.screen, FeedsScreen)
        table = app.screen.query_one(DataTable)
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert names == ["[bold]Down[/] Feed", "Harbour Times"]  # literally, markup and all
        statuses = [str(table.get_row_at(i)[4]) for i in range(table.row_count)]
        assert statuses == ["error", "ok"]
        assert "HTTP 500" in region_text(app, app.screen.query_one("#feeds-detail"))
        await pilot.press("down", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, FeedsScreen)
        assert app.reader.search_bar.value == ""  # a scope, not words in the bar
        assert app.reader.scope.label == "Feed: Harbour Times"
        rows = app.reader.article_list.ids
        assert [seeded_store.rows(rows)[i].title for i in rows] == ["Harbour ferry resumes"]
