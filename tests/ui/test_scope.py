"""The feed, tag or saved search picked in `F` is a scope of the reading view, not text in
the search bar: the header and the list's border name it, the bar keeps the reader's own
words and searches within it, any qualifier typed narrows it further (never widens it),
`A` and `Ctrl+S` act on exactly what is shown, and Esc with an empty bar leaves it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from newsreader.search.query import parse_query
from newsreader.search.result import SearchResult
from newsreader.store.saved import save_search, saved_searches
from newsreader.store.store import Store
from newsreader.ui.app import NewsReaderApp, make_app
from newsreader.ui.scope import Scope, compose
from newsreader.ui.screens.dialogs import ConfirmScreen, SaveSearchScreen
from newsreader.ui.screens.feeds import Chosen
from newsreader.ui.screens.help import HelpScreen
from tests.ui.helpers import region_text, screen_lines, settle
from tests.ui.test_feeds_tags_saved import SIZE, _fill, choose, header_title, notices, shown_ids


@pytest.fixture
def tagged(tmp_path: Path) -> Iterator[Store]:
    """Three tagged feeds, one article read, three loose articles, a saved search."""
    store = Store(f"sqlite:///{tmp_path}/tagged.db")
    _fill(store)
    yield store
    store.close()


def border(app: NewsReaderApp) -> str:
    """The list's top border line, as the screen shows it."""
    region = app.reader.article_list.region
    return screen_lines(app)[region.y][region.x : region.right]


def titles(store: Store, ids: set[int]) -> set[str]:
    return {r.title for r in store.rows(list(ids)).values()}


LOCAL = {"Ferry Timetable Change", "Harbour Wall Repair", "Orchard Frost", "Valley Ferry Crossing"}


async def test_a_qualifier_typed_narrows_within_the_tag_never_widens_it(
    tagged: Store,
) -> None:
    """`tag:money` typed within Tag: local shows the articles carrying both (none), where
    the one query `tag:local tag:money` shows those carrying either."""
    app = make_app(tagged)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose(app, pilot, "local")
        assert titles(tagged, shown_ids(app)) == LOCAL
        cases = {
            "tag:money": set(),
            "tag:boats": {"Ferry Timetable Change", "Harbour Wall Repair"},
            'source:"Valley"': {"Orchard Frost", "Valley Ferry Crossing"},
            'feed:"The Ledger"': set(),
            "is:unread": LOCAL - {"Harbour Wall Repair"},
            "is:read": {"Harbour Wall Repair"},
            "ferry": {"Ferry Timetable Change", "Valley Ferry Crossing"},
            "ferry -valley": {"Ferry Timetable Change"},
            "before:2000-01-01": set(),
        }
        await pilot.press("slash")
        for typed, expected in cases.items():
            app.reader.search_bar.value = typed
            await settle(pilot)
            assert titles(tagged, shown_ids(app)) == expected, typed
            assert header_title(app) == "Tag: local"
        assert len(tagged.search("tag:local tag:money").ids) == 6  # the query widens


async def test_the_scope_holds_across_views_and_esc_leaves_it(tagged: Store) -> None:
    app = make_app(tagged)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose(app, pilot, "local")
        assert app.reader.search_bar.value == ""
        assert "Tag: local · 4" in border(app)
        await pilot.press("u")  # unread, within the tag
        await settle(pilot)
        assert titles(tagged, shown_ids(app)) == LOCAL - {"Harbour Wall Repair"}
        assert "Tag: local · Unread · 3" in border(app)
        await pilot.press("u")
        await settle(pilot)
        assert titles(tagged, shown_ids(app)) == LOCAL
        await pilot.press("escape")  # the list has focus and the bar is empty: leave it
        await settle(pilot)
        assert header_title(app) == ""
        assert len(shown_ids(app)) == 9
        assert "Tag: local" not in border(app)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "feed/tag/saved" in region_text(app, app.screen)


async def test_a_saved_search_is_a_scope_and_another_choice_replaces_it(
    tagged: Store,
) -> None:
    app = make_app(tagged)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose(app, pilot, "Ferries")  # `ferry tag:local`
        assert titles(tagged, shown_ids(app)) == {
            "Ferry Timetable Change",
            "Valley Ferry Crossing",
        }
        await pilot.press("slash", *"valley")
        await settle(pilot)
        assert titles(tagged, shown_ids(app)) == {"Valley Ferry Crossing"}
        await pilot.press("escape", "down")
        await settle(pilot)
        await choose(app, pilot, "The Ledger")  # the words typed stay the reader's
        assert header_title(app) == "Feed: The Ledger"
        assert titles(tagged, shown_ids(app)) == {"Bond Market Calm", "Ferry Company Profits"}


async def test_A_in_a_scope_marks_exactly_the_articles_shown(tagged: Store) -> None:
    app = make_app(tagged)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose(app, pilot, "local")
        await pilot.press("slash", *"ferry", "down")
        await settle(pilot)
        shown = shown_ids(app)
        assert titles(tagged, shown) == {"Ferry Timetable Change", "Valley Ferry Crossing"}
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Mark 2 articles read? y/n" in region_text(app, app.screen)
        await pilot.press("y")
        await settle(pilot)
        rows = tagged.rows(tagged.ids())
        read = {r.title for r in rows.values() if r.is_read}
        assert read == {"Harbour Wall Repair", "Ferry Timetable Change", "Valley Ferry Crossing"}
        for article_id in shown:  # the list shows what the store saved
            row = app.reader.article_list.row(article_id)
            assert row is not None and row.is_read
        assert header_title(app) == "Tag: local"


async def test_ctrl_s_in_a_scope_saves_the_scope_and_the_words(tagged: Store) -> None:
    app = make_app(tagged)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose(app, pilot, "local")
        await pilot.press("slash", *"frost", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SaveSearchScreen)
        await pilot.press(*"Local frost", "enter")
        await settle(pilot)
        assert ("Local frost", "tag:local frost") in {
            (s.name, s.query) for s in saved_searches(tagged)
        }
        assert header_title(app) == "Saved: Local frost"
        assert app.reader.search_bar.value == ""
        assert titles(tagged, shown_ids(app)) == {"Orchard Frost"}
        await pilot.press("escape", "escape")
        await settle(pilot)
        await choose(app, pilot, "local")
        await pilot.press("slash", *"tag:money", "ctrl+s")  # no one query says both
        await settle(pilot)
        assert not isinstance(app.screen, SaveSearchScreen)
        assert any(n.startswith("Not saved: no one query says Tag: local") for n in notices(app))


async def test_a_scope_name_is_shown_literally_in_the_border(tagged: Store) -> None:
    save_search(tagged, "[bold]Hot[/] news", "frost")
    app = make_app(tagged)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose(app, pilot, "[bold]Hot[/] news")
        assert "Saved: [bold]Hot[/] news" in border(app)


async def test_a_saved_search_that_cannot_run_changes_nothing_and_says_why(
    tagged: Store,
) -> None:
    with tagged.writing() as conn:  # saved by an older version that let it through
        conn.execute(
            text("INSERT INTO saved_search VALUES ('stormless', 'Stormless', '-storm', :t)"),
            {"t": datetime(2024, 1, 1)},
        )
    app = make_app(tagged)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose(app, pilot, "local")
        await choose(app, pilot, "Stormless")
        assert header_title(app) == "Tag: local"
        assert titles(tagged, shown_ids(app)) == LOCAL
        said = [n for n in notices(app) if n.startswith("Cannot show Saved: Stormless: ")]
        assert len(said) == 1 and "needs words or qualifiers" in said[0]


QUALIFIERS = st.sampled_from(
    ["tag:a", "tag:b", "source:x", 'feed:"y z"', "is:unread", "is:starred", "after:2024-01-01"]
)
WORDS = st.sampled_from(["ferry", "harbour", "-storm", '"wall repair"'])


@given(st.lists(QUALIFIERS | WORDS, max_size=3), st.lists(QUALIFIERS | WORDS, max_size=3))
def test_compose_says_both_or_refuses(scope: list[str], typed: list[str]) -> None:
    """What Ctrl+S saves within a scope: a query allowing only what both allow, or None
    where one query cannot say it (both name sources, feeds or tags: alternatives)."""
    scope_text, typed_text = " ".join(scope) or "tag:a", " ".join(typed)
    first, second = parse_query(scope_text), parse_query(typed_text)
    composed = compose(scope_text, typed_text)
    clash = any(
        getattr(first.filters, kind) and getattr(second.filters, kind)
        for kind in ("sources", "feeds", "tags")
    )
    if clash:
        assert composed is None
        return
    assert composed is not None
    both = parse_query(composed)
    assert both.filters == first.filters.merged(second.filters)
    assert set(both.words) == set(first.words) | set(second.words)
    assert set(both.excluded) == set(first.excluded) | set(second.excluded)


@given(
    st.lists(st.integers(1, 40), unique=True),
    st.frozensets(st.integers(1, 40)),
)
def test_narrowing_keeps_the_order_and_only_the_scope(ids: list[int], allowed: set[int]) -> None:
    scope = Scope()
    scope.choose(Chosen("tag", "a", "tag:a"))
    scope.loaded("all", sorted(allowed))
    result = SearchResult("q", ids, [float(i) for i in ids], frozenset({"q"}))
    narrowed = scope.narrow(None, result, "all")  # type: ignore[arg-type] - cached: no store
    assert list(narrowed.ids) == [i for i in ids if i in allowed]
    assert list(narrowed.scores) == [float(i) for i in narrowed.ids]
    assert narrowed.terms == result.terms
    scope.choose(None)
    assert scope.narrow(None, result, "all") is result  # type: ignore[arg-type]
