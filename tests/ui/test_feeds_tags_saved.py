"""Moving in from newsboat, in the app: `F` lists feeds, tags and saved searches with unread
counts and shows any of them; `Ctrl+S` saves the search shown; `A` marks every article shown
read after a confirmation naming the count, or changes nothing and says why."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text
from textual.widgets import DataTable, Input

from newsreader.ingest import ArticleDraft
from newsreader.ingest.sanitize import clean_line
from newsreader.ingest.tags import tag_name
from newsreader.search.query import parse_query
from newsreader.store import engine
from newsreader.store.feed_tags import change_feed_tags
from newsreader.store.feeds import add_feed
from newsreader.store.saved import save_search, saved_searches
from newsreader.store.store import Store
from newsreader.ui.app import NewsReaderApp, make_app
from newsreader.ui.screens.dialogs import ConfirmScreen, SaveSearchScreen
from newsreader.ui.screens.feeds import FeedsScreen, qualifier
from newsreader.ui.view_actions import shown_query
from newsreader.ui.widgets.app_header import AppHeader
from tests.ui.helpers import BASE_DATE, numbered_drafts, region_text, settle
from tests.ui.test_snapshots import SnapCompare, after

SIZE = (120, 40)
FEEDS = {
    "Harbour Times": (("local", "boats"), ["ferry timetable change", "harbour wall repair"]),
    "The Ledger": (("money",), ["bond market calm", "ferry company profits"]),
    "Valley Courier": (("Local",), ["orchard frost", "valley ferry crossing"]),
}


def _fill(store: Store) -> None:
    """Three tagged feeds of two articles each (one read), and three loose articles."""
    n = 0
    for name, (tags, titles) in FEEDS.items():
        feed_id = add_feed(store, f"https://example.org/{name.split()[-1].lower()}", name)
        change_feed_tags(store, feed_id, tags)
        drafts = []
        for title in titles:
            n += 1
            drafts.append(
                ArticleDraft(
                    title=title.title(),
                    body=f"All about the {title}.",
                    source=name,
                    origin=f"feed:{n}",
                    guid=f"g{n}",
                    published_at=BASE_DATE + timedelta(hours=n),
                )
            )
        store.add(drafts, feed_id=feed_id)
    store.add(numbered_drafts(3))
    first = store.search("harbour wall").ids[0]
    store.set_flag(first, "is_read", True)
    save_search(store, "Ferries", "ferry tag:local")


@pytest.fixture
def tagged_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """Writers give up on a lock after 0.2 s, so a held lock is met quickly."""
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 200)
    store = Store(f"sqlite:///{tmp_path}/tagged.db")
    _fill(store)
    yield store
    store.close()


def table_rows(app: NewsReaderApp) -> list[tuple[str, str, str, str]]:
    """(kind, name, articles, unread) of every row of the F screen."""
    table = app.screen.query_one(DataTable)
    rows = []
    for key in table.rows:
        row = table.rows[key]
        label = row.label.plain if isinstance(row.label, Text) else str(row.label)
        cells = table.get_row(key)
        rows.append((label, str(cells[0]), str(cells[1]), str(cells[2])))
    return rows


def shown_ids(app: NewsReaderApp) -> set[int]:
    return set(app.reader.article_list.ids)


def header_title(app: NewsReaderApp) -> str:
    return app.reader.query_one("#header", AppHeader).shown


def notices(app: NewsReaderApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def unread_of(store: Store, query: str) -> int:
    ids = store.search(query).ids
    return sum(1 for row in store.rows(ids).values() if not row.is_read)


async def open_feeds_screen(app: NewsReaderApp, pilot: object) -> None:
    await pilot.press("F")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, FeedsScreen)


async def choose(app: NewsReaderApp, pilot: object, name: str) -> None:
    """Open F, put the cursor on the row named `name`, press Enter."""
    await open_feeds_screen(app, pilot)
    names = [row[1] for row in table_rows(app)]
    await pilot.press(*["down"] * names.index(name), "enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert not isinstance(app.screen, FeedsScreen)


async def test_F_lists_feeds_tags_and_saved_searches_with_unread_counts(
    tagged_store: Store,
) -> None:
    app = make_app(tagged_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_feeds_screen(app, pilot)
        assert table_rows(app) == [
            ("Feed", "Harbour Times", "2", "1"),
            ("Feed", "The Ledger", "2", "2"),
            ("Feed", "Valley Courier", "2", "2"),
            ("Tag", "boats", "2", "1"),
            ("Tag", "local", "4", "3"),  # `local` and `Local` are one tag
            ("Tag", "money", "2", "2"),
            ("Saved", "Ferries", "2", "2"),
        ]
        await pilot.press(*["down"] * 6)
        detail = region_text(app, app.screen.query_one("#feeds-detail"))
        assert "ferry tag:local" in detail


async def test_enter_on_a_tag_shows_its_articles_and_the_bar_narrows_within(
    tagged_store: Store,
) -> None:
    app = make_app(tagged_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose(app, pilot, "local")
        local = {
            i
            for name in ("Harbour Times", "Valley Courier")
            for i in tagged_store.search(qualifier("feed", name)).ids
        }
        assert len(local) == 4 and shown_ids(app) == local
        assert header_title(app) == "Tag: local"
        assert app.reader.search_bar.value == ""  # a scope, not words in the bar
        assert "newsreader · Tag: local" in region_text(app, app.reader.query_one("#header"))
        await pilot.press("slash", *"frost")
        await settle(pilot)
        titles = [r.title for r in tagged_store.rows(list(shown_ids(app))).values()]
        assert titles == ["Orchard Frost"]
        assert header_title(app) == "Tag: local"  # still within it
        await pilot.press("escape")  # the search cleared: the tag's articles again
        await settle(pilot)
        assert header_title(app) == "Tag: local" and shown_ids(app) == local
        await pilot.press("escape")  # then the tag left: the whole store again
        await settle(pilot)
        assert header_title(app) == ""
        assert len(shown_ids(app)) == 9


async def test_enter_on_a_saved_search_shows_its_results(tagged_store: Store) -> None:
    app = make_app(tagged_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose(app, pilot, "Ferries")
        assert app.reader.search_bar.value == ""
        expected = set(tagged_store.search("ferry tag:local").ids)
        titles = {r.title for r in tagged_store.rows(list(expected)).values()}
        assert titles == {"Ferry Timetable Change", "Valley Ferry Crossing"}
        assert shown_ids(app) == expected
        assert header_title(app) == "Saved: Ferries"
        await choose(app, pilot, "The Ledger")
        assert app.reader.search_bar.value == ""
        assert header_title(app) == "Feed: The Ledger"
        assert len(shown_ids(app)) == 2


async def test_ctrl_s_saves_the_search_shown_and_F_lists_it(tagged_store: Store) -> None:
    app = make_app(tagged_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")  # nothing searched yet: nothing to save
        await settle(pilot)
        assert not isinstance(app.screen, SaveSearchScreen)
        assert any("Nothing to save" in n for n in notices(app))
        await pilot.press("u", "slash", *"frost", "ctrl+s")  # from the search bar too
        await settle(pilot)
        assert isinstance(app.screen, SaveSearchScreen)
        await pilot.press(*"ferries", "enter")  # taken (in any case): said, dialog stays
        await settle(pilot)
        assert isinstance(app.screen, SaveSearchScreen)
        problem = region_text(app, app.screen.query_one("#save-problem"))
        assert "Not saved: a saved search named 'ferries' exists already" in problem
        app.screen.query_one(Input).value = "   "
        await pilot.press("enter")
        await settle(pilot)
        assert "needs a name" in region_text(app, app.screen.query_one("#save-problem"))
        app.screen.query_one(Input).value = "Frosty"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, SaveSearchScreen)
        assert ("Frosty", "is:unread frost") in {
            (s.name, s.query) for s in saved_searches(tagged_store)
        }
        assert header_title(app) == "Saved: Frosty"
        await pilot.press("down")  # from the search bar to the list, where F is a key
        await open_feeds_screen(app, pilot)
        assert ("Saved", "Frosty", "2", "2") in table_rows(app)


async def test_ctrl_s_refuses_a_query_that_cannot_be_saved(tagged_store: Store) -> None:
    app = make_app(tagged_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"-frost", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, SaveSearchScreen)
        assert any(n.startswith("Not saved: ") and "needs words" in n for n in notices(app))


async def test_A_asks_with_the_count_then_n_keeps_and_y_marks(tagged_store: Store) -> None:
    app = make_app(tagged_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose(app, pilot, "local")
        assert unread_of(tagged_store, "tag:local") == 3
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = region_text(app, app.screen.query_one("#confirm-question"))
        assert "Mark 3 articles read? y/n" in question
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert unread_of(tagged_store, "tag:local") == 3
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert unread_of(tagged_store, "tag:local") == 0
        assert tagged_store.counts().unread == 9 - 1 - 3
        for article_id in shown_ids(app):  # the list's marks follow
            row = app.reader.article_list.row(article_id)
            assert row is not None and row.is_read
        await pilot.press("escape")
        await settle(pilot)
        assert app.reader.status == "9 articles · 5 unread · 0 starred"
        assert any("Marked 3 articles read" in n for n in notices(app))
        await pilot.press("u", "A")  # the unread view: everything left
        await settle(pilot)
        assert "Mark 5 articles read?" in region_text(app, app.screen)
        await pilot.press("y")
        await settle(pilot)
        assert tagged_store.counts().unread == 0
        assert app.reader.article_list.ids == []  # the unread view is empty now
        await pilot.press("A")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert "Nothing unread here." in notices(app)


async def test_A_under_a_held_write_lock_changes_nothing_and_says_why(
    tagged_store: Store,
) -> None:
    app = make_app(tagged_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        status = app.reader.status
        await pilot.press("A")
        await settle(pilot)
        assert "Mark 8 articles read? y/n" in region_text(app, app.screen)
        locker = sqlite3.connect(tagged_store.engine.url.database or "", isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            await pilot.press("y")
            await settle(pilot)
            assert tagged_store.counts().unread == 8
            for article_id in app.reader.article_list.ids:
                row = app.reader.article_list.row(article_id)
                assert (
                    row is None
                    or row.is_read == tagged_store.rows([article_id])[article_id].is_read
                )
            assert app.reader.status == status
            failed = [n for n in notices(app) if n.startswith("Not marked read: ")]
            assert len(failed) == 1 and "busy" in failed[0]
            for leak in ("Error", "[SQL", "BEGIN", "Traceback", "sqlite3."):
                assert leak not in failed[0]
        finally:
            locker.rollback()
            locker.close()


def test_shown_query_is_the_view_and_the_typed_text() -> None:
    assert shown_query("all", "  ") == ""
    assert shown_query("unread", "") == "is:unread"
    assert shown_query("starred", " tag:local ferry ") == "is:starred tag:local ferry"


@given(st.text(min_size=1, max_size=60))
def test_a_feed_or_tag_picked_is_a_query_the_bar_runs_and_that_names_it(name: str) -> None:
    """Any feed name becomes a `feed:` qualifier whose value the name contains (so the feed
    is among those shown); any tag becomes exactly its own `tag:`."""
    name = clean_line(name)
    if name.replace('"', "").strip():
        value = parse_query(qualifier("feed", name)).filters.feeds
        assert len(value) == 1 and value[0] in name.casefold()
    tag = tag_name(name)
    if tag:
        assert parse_query(qualifier("tag", tag)).filters.tags == (tag.casefold(),)


async def test_names_are_shown_literally_in_the_list_and_the_header(tagged_store: Store) -> None:
    save_search(tagged_store, "[red]Hot[/] \x1b[2Jnews", "frost")
    app = make_app(tagged_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose(app, pilot, "[red]Hot[/] news")  # the escape sequence is gone
        assert header_title(app) == "Saved: [red]Hot[/] news"
        assert "Saved: [red]Hot[/] news" in region_text(app, app.reader.query_one("#header"))


def test_snapshot_feeds_tags_saved_120x40(snap_compare: SnapCompare, tagged_store: Store) -> None:
    assert snap_compare(make_app(tagged_store), terminal_size=(120, 40), run_before=after("F"))
