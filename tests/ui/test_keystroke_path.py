"""The keystroke path's shortcuts keep the screen right: the list's length moves the scrollbar
without a layout, and rows fetched ahead of the scroll repaint nothing."""

from __future__ import annotations

import random

from textual.geometry import Region
from textual.scrollbar import ScrollBar

from newsreader.store.store import Store
from newsreader.ui.app import make_app
from newsreader.ui.widgets.article_list import PREFETCH, ROW_HEIGHT, ArticleList
from newsreader.ui.widgets.list_upkeep import AHEAD_DELAY, set_length
from newsreader.ui.widgets.search_bar import ECHO_HOLD
from tests.ui.helpers import numbered_drafts, settle

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


async def test_the_scrollbar_is_repainted_only_when_a_new_length_moves_its_thumb(
    store_50: Store,
) -> None:
    """Lengths chosen at random: the bar's lines after each are those it draws for that
    length from scratch, and a length that draws the same thumb repaints nothing."""
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.reader.article_list.vertical_scrollbar
        height = bar.size.height
        crop = Region(0, 0, 1, height)
        repaints: list[object] = []
        original = bar.refresh
        bar.refresh = lambda *a, **k: repaints.append(a) or original(*a, **k)  # type: ignore[method-assign]
        choices = random.Random(14)
        lengths = [choices.choice([height * 50, height * 80, 10**5, 2 * 10**5]) for _ in range(8)]
        lengths += [choices.randint(height + 1, height * 40) for _ in range(12)]
        for lines in lengths:
            before = len(repaints)
            drawn = painted(bar, crop)
            set_length(bar, lines)
            await pilot.pause()
            assert bar.window_virtual_size == lines
            shown = painted(bar, crop)
            original()
            fresh = painted(bar, crop)
            assert shown == fresh, lines
            if fresh == drawn:
                assert len(repaints) == before, lines
        for first, second in ((10**5, 2 * 10**5), (height * 50, height * 80)):
            set_length(bar, first)
            before = len(repaints)
            set_length(bar, second)  # both draw the smallest thumb, at the top
            assert len(repaints) == before


def painted(bar: ScrollBar, crop: Region) -> list[tuple[str, object]]:
    return [(segment.text, segment.style) for strip in bar.render_lines(crop) for segment in strip]


async def test_rows_ahead_of_the_scroll_are_fetched_after_the_frame(seeded_store: Store) -> None:
    """The page ahead is not fetched while the list paints (its thread would compete with
    the frame's write), but a moment after; the rows on screen come with the result."""
    seeded_store.add(numbered_drafts(600))
    app = make_app(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        articles = app.reader.article_list
        asked_while_painting: list[int] = []
        want = articles._want

        def spy(index: int) -> None:
            if articles._pass is not None:
                asked_while_painting.append(index)
            want(index)

        articles._want = spy  # type: ignore[method-assign]
        ids = list(reversed(articles.ids))
        screenful = articles.screenful
        articles.show(ids, rows=seeded_store.rows(ids[:screenful]))
        await pilot.pause()
        assert asked_while_painting == []
        await pilot.pause(AHEAD_DELAY * 2)
        await settle(pilot)
        assert articles.row(ids[PREFETCH]) is not None
