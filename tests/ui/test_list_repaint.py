"""A new result repaints only the list's lines that changed, and the screen is never stale:
whatever happened before, the lines kept on screen are those a full repaint would draw."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.geometry import Region
from textual.strip import Strip

from newsreader.store.store import Store
from newsreader.ui.app import make_app
from newsreader.ui.widgets.article_list import ArticleList
from tests.ui.helpers import settle

SIZE = (120, 40)


def on_screen(articles: ArticleList) -> list[Strip]:
    """The list's lines as drawn: unchanged lines come from Textual's cache of them."""
    return articles.render_lines(Region(0, 0, *articles.size))


def drawn_afresh(articles: ArticleList) -> list[Strip]:
    articles._styles_cache.clear()
    return articles.render_lines(Region(0, 0, *articles.size))


async def test_a_narrower_result_repaints_only_the_lines_that_changed(store_50: Store) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        articles = app.reader.article_list
        ids = list(articles.ids)
        articles.show(ids, terms=())  # after the focus moved, which repaints it all
        dirty: list[tuple[Region, ...]] = []
        original = articles._set_dirty

        def spy(*regions: Region) -> None:
            dirty.append(regions)
            original(*regions)

        articles._set_dirty = spy  # type: ignore[method-assign]
        articles.show(ids, terms=())  # the same rows again: nothing to draw
        assert dirty == []
        articles.show([ids[0], *ids[2:]], terms=())  # the second row goes: the rows below move
        assert len(dirty) == 1 and dirty[0]  # lines of the list, not all of it
        assert min(region.y for region in dirty[0]) == 2  # the top row's two lines stay
        await pilot.pause()
        assert on_screen(articles) == drawn_afresh(articles)


async def test_a_moved_cursor_or_new_highlights_repaint_their_lines(store_50: Store) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        articles = app.reader.article_list
        ids = list(articles.ids)
        articles.move_to(3)
        await pilot.pause()
        for keep, terms in ((ids[3], ()), (None, ()), (None, ("harbour",)), (ids[5], ("1",))):
            articles.show(ids, terms=terms, keep=keep)
            await pilot.pause()
            assert articles.painted is not None  # the lines were compared, not all redrawn
            assert on_screen(articles) == drawn_afresh(articles), (keep, terms)


WORDS = ("story", "harbour", "tram", "flood", "wind", "turkey", "1", "ledger")
SHOW = st.tuples(  # few results and few terms: a line often stays, or changes only its look
    st.just("show"),
    st.integers(0, 2),
    st.sets(st.sampled_from(WORDS), max_size=2),
    st.integers(-1, 8),
)
OTHER = st.tuples(
    st.sampled_from(("move", "flag", "scroll")), st.integers(0, 60), st.just(set()), st.just(-1)
)
STEPS = st.lists(st.one_of(SHOW, SHOW, OTHER), min_size=1, max_size=25)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(STEPS)
def test_the_lines_on_screen_are_always_those_a_full_repaint_draws(
    store_50: Store, steps: list[tuple[str, int, set[str], int]]
) -> None:
    async def run() -> None:
        app = make_app(store_50)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            articles = app.reader.article_list
            everything = list(articles.ids)
            articles.show(everything)
            for kind, n, terms, keep in steps:
                if kind == "show":  # a result that drops every n-th row, or keeps them all
                    ids = [i for k, i in enumerate(everything) if not n or k % (n + 1)]
                    held = everything[keep] if keep >= 0 else None
                    articles.show(ids, terms=terms, rows={}, keep=held)
                elif kind == "move":
                    articles.move_to(n)
                elif kind == "flag" and articles.ids:
                    shown = articles.ids[min(n, len(articles.ids) - 1)]
                    row = articles.row(shown)
                    if row is not None:
                        articles.set_flags(shown, is_read=not row.is_read)
                else:
                    articles.scroll_to(y=n, animate=False, immediate=True)
                await pilot.pause()
                assert on_screen(articles) == drawn_afresh(articles), (kind, n, terms, keep)

    asyncio.run(run())
