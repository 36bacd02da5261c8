"""The keystroke path's shortcuts keep the screen right: the list's length moves the scrollbar
without a layout, and rows fetched ahead of the scroll repaint nothing."""

from __future__ import annotations

from newsreader.store.store import Store
from newsreader.ui.app import make_app
from newsreader.ui.widgets.article_list import ROW_HEIGHT, ArticleList
from newsreader.ui.widgets.search_bar import ECHO_HOLD
from tests.ui.helpers import settle

SIZE = (120, 40)


async def test_the_scrollbar_follows_the_length_of_each_result(store_50: Store) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        articles = app.reader.article_list
        await pilot.press("slash")
        # many rows, few, many, then many again (the bar stays: no layout on that step)
        for query, bar in (("story", True), ("harbour", False), ("stor", True), ("story", True)):
            app.reader.search_bar.value = query
            await settle(pilot)
            assert app.reader.shown_query == query
            assert articles.show_vertical_scrollbar is bar, query
            assert articles.virtual_size.height == len(articles.ids) * ROW_HEIGHT
            if bar:
                assert articles.vertical_scrollbar.window_virtual_size == len(articles.ids) * 2
            assert app.reader.status.startswith(f"{len(articles.ids)} of ")


async def test_rows_fetched_ahead_repaint_only_when_a_shown_row_waited(store_50: Store) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        articles = app.reader.article_list
        refreshed: list[object] = []
        original = articles.refresh
        articles.refresh = lambda *a, **k: refreshed.append(a) or original(*a, **k)  # type: ignore[method-assign]
        ids = list(articles.ids)
        off_screen = {i: articles.row(i) for i in ids[-3:] if articles.row(i) is not None}
        on_screen = ids[0]
        row = articles.row(on_screen)
        assert off_screen and row is not None
        for i in off_screen:
            articles._rows.pop(i)
        articles.post_message(ArticleList._PageLoaded(0, 0, off_screen))  # type: ignore[arg-type]
        await pilot.pause()
        assert refreshed == []
        articles._rows.pop(on_screen)
        articles.post_message(ArticleList._PageLoaded(0, 0, {on_screen: row}))
        await pilot.pause()
        assert len(refreshed) == 1
        assert articles.row(on_screen) == row


async def test_the_echo_is_never_held_past_its_search(store_50: Store) -> None:
    """Repaints held for a keystroke's search resume with its result, or after ECHO_HOLD when
    the search never answers (a failed worker); typing goes on drawing."""
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "s", "t")
        await settle(pilot)
        assert app.reader.shown_query == "st"
        assert app._batch_count == 0
        search = store_50.search

        def broken(*args: object, **kwargs: object) -> object:
            raise OSError("disk gone")

        store_50.search = broken  # type: ignore[method-assign]
        await pilot.press("o")
        await pilot.pause(ECHO_HOLD * 3)
        await settle(pilot)
        assert app._batch_count == 0
        assert app.reader.search_bar.value == "sto"
        store_50.search = search  # type: ignore[method-assign]
        await pilot.press("r")
        await settle(pilot)
        assert app.reader.shown_query == "stor"
        assert app._batch_count == 0
