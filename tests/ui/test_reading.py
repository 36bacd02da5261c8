"""Pilot tests for the reading workflow: read/star keys, views, order, links, qualifiers,
stats, preferences — each through real key presses, checked on screen and in the store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable, Sparkline

from newsreader import preferences
from newsreader.importer import seed
from newsreader.ingest import ArticleDraft
from newsreader.preferences import Preferences
from newsreader.store.store import Store
from newsreader.ui.app import NewsReaderApp, make_app
from newsreader.ui.commands import ReaderCommands
from newsreader.ui.screens.help import HelpScreen
from newsreader.ui.screens.stats import StatsScreen
from newsreader.ui.widgets.article_view import ArticlePane
from tests.ui.helpers import SEED_TITLE, flat, numbered_drafts, region_text, screen_lines, settle

SIZE = (120, 40)


def list_text(app: NewsReaderApp) -> str:
    return region_text(app, app.reader.article_list)


def pane_text(app: NewsReaderApp) -> str:
    return flat(region_text(app, app.reader.article_pane))


def row_line(app: NewsReaderApp, title: str) -> str:
    return next(line for line in list_text(app).splitlines() if title in line)


def titles(app: NewsReaderApp) -> list[str]:
    rows = app.reader.article_list._rows
    return [rows[i].title for i in app.reader.article_list.ids if i in rows]


@pytest.fixture
def prefs_path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "preferences.toml"


@pytest.fixture
def linked_store(tmp_path: Path) -> Iterator[Store]:
    """Three articles with links: web, hostile, and twelve numbered references."""
    refs = "\n".join(f"[{n}] https://example.org/ref/{n}" for n in range(1, 13))
    store = Store(f"sqlite:///{tmp_path}/links.db")
    store.add(
        [
            ArticleDraft(
                title="Web article",
                body="See [1] and [2].\n\nLinks:\n[1] https://example.org/one\n[2] javascript:alert(1)",
                source="Wire",
                origin="t:1",
                url="https://example.org/story",
                published_at=numbered_drafts(3)[2].published_at,
            ),
            ArticleDraft(
                title="Hostile article",
                body="Nothing to see.",
                source="Wire",
                origin="t:2",
                url="javascript:alert(document.cookie)",
                published_at=numbered_drafts(2)[1].published_at,
            ),
            ArticleDraft(
                title="Many links",
                body=f"Twelve references.\n\nLinks:\n{refs}",
                source="Wire",
                origin="t:3",
                published_at=numbered_drafts(1)[0].published_at,
            ),
        ]
    )
    yield store
    store.close()


def record_browser(app: NewsReaderApp) -> tuple[list[str], list[str]]:
    """What the app opened in a browser and copied, instead of doing either."""
    opened: list[str] = []
    copied: list[str] = []
    app.open_url = lambda url, new_tab=True: opened.append(url)  # type: ignore[method-assign]
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    return opened, copied


def notices(app: NewsReaderApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


# -- read and starred ------------------------------------------------------------------


async def test_m_toggles_read_and_s_toggles_star_in_list_store_and_header(
    store_50: Store,
) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.reader.article_list.ids[0]
        assert "●" in row_line(app, SEED_TITLE[:20])
        await pilot.press("m")
        await settle(pilot)
        assert "●" not in row_line(app, SEED_TITLE[:20])
        assert store_50.rows([first])[first].is_read
        assert app.reader.status == "50 articles · 49 unread · 0 starred"
        await pilot.press("m")
        await settle(pilot)
        assert not store_50.rows([first])[first].is_read
        assert app.reader.status == "50 articles · 50 unread · 0 starred"

        await pilot.press("s")
        await settle(pilot)
        assert store_50.rows([first])[first].is_starred
        assert "★" in list_text(app).split("\n")[1]  # the star sits on the meta line
        assert app.reader.status == "50 articles · 50 unread · 1 starred"
        assert "★ starred" in pane_text(app)
        await pilot.press("enter", "s")  # works while reading too
        await settle(pilot)
        assert not store_50.rows([first])[first].is_starred
        assert "★" not in list_text(app)
        assert app.reader.status == "50 articles · 49 unread · 0 starred"  # opening read it


async def test_read_on_open_can_be_turned_off_from_the_palette(
    store_50: Store, prefs_path: Path
) -> None:
    app = make_app(store_50, prefs_path=prefs_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"mark read on open")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert not app.prefs.read_on_open
        assert preferences.load(prefs_path).read_on_open is False
        await pilot.press("enter", "n")
        await settle(pilot)
        ids = app.reader.article_list.ids
        assert not any(r.is_read for r in store_50.rows(ids[:2]).values())
        assert app.reader.status.endswith("50 unread · 0 starred")


# -- views and order -------------------------------------------------------------------


async def test_u_shows_unread_only_and_combines_with_search(store_50: Store) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "n", "escape")  # read the seed and Story 49
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert app.reader.view == "unread"
        assert len(app.reader.article_list.ids) == 48
        assert app.reader.article_list.border_title == "Unread · 48"
        assert "Story 49:" not in list_text(app) and SEED_TITLE[:20] not in list_text(app)

        await pilot.press("slash", *"wind farm")  # Story n with n % 8 == 7: 7 .. 47
        await settle(pilot)
        assert (
            app.reader.status == "6 of 50 · “wind farm”"
        )  # Story 47 is unread, 49 is not wind farm
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("u")  # again: all
        await settle(pilot)
        assert app.reader.view == "all" and len(app.reader.article_list.ids) == 50
        assert app.reader.article_list.border_title == "Articles"


async def test_u_with_a_search_drops_read_matches(store_50: Store) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"orchard", "enter")
        await settle(pilot)
        assert len(app.reader.article_list.ids) == 7
        await pilot.press("enter", "escape")  # read the best match
        await settle(pilot)
        read_title = titles(app)[0]
        await pilot.press("u")
        await settle(pilot)
        assert app.reader.shown_query == "orchard"
        assert len(app.reader.article_list.ids) == 6
        assert read_title not in titles(app)
        assert app.reader.status == "6 of 50 · “orchard”"


async def test_S_shows_starred_only_with_an_empty_state(store_50: Store) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        assert app.reader.view == "starred" and app.reader.article_list.ids == []
        assert "No starred articles." in flat(list_text(app))
        await pilot.press("S", "j", "s", "j", "j", "s", "S")
        await settle(pilot)
        assert titles(app) == ["Story 49: orchard frost losses", "Story 47: wind farm vote"]
        assert app.reader.article_list.border_title == "Starred · 2"
        await pilot.press("u")  # straight to another view
        await settle(pilot)
        assert app.reader.view == "unread" and len(app.reader.article_list.ids) == 50


async def test_O_cycles_the_order_and_it_is_remembered(store_50: Store, prefs_path: Path) -> None:
    app = make_app(store_50, prefs_path=prefs_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert titles(app)[:2] == [SEED_TITLE, "Story 49: orchard frost losses"]
        await pilot.press("O")
        await settle(pilot)
        assert app.reader.sort == "oldest"
        assert titles(app)[0] == "Story 1: orchard frost losses"
        assert app.reader.article_list.border_title == "Articles · oldest first"
        assert (
            app.reader.article_list.highlighted_id == app.reader.article_list.ids[-1]
        )  # cursor kept
        await pilot.press("O")
        await settle(pilot)
        assert app.reader.sort == "source"
        first = store_50.rows(app.reader.article_list.ids[:1])[app.reader.article_list.ids[0]]
        assert first.source == "DESPARDES News Monitor"
        await pilot.press("O")
        await settle(pilot)
        assert app.reader.sort == "title"
        assert titles(app)[0] == "Story 10: tram line extension"  # ":" sorts after "0"
        assert preferences.load(prefs_path).sort == "title"

        # Words are ranked by relevance whatever the order; qualifiers alone follow it.
        await pilot.press("slash", *"orchard frost")
        await settle(pilot)
        assert app.reader.article_list.border_title == "Articles · best match first"
        await pilot.press("escape")
        await pilot.press(*"source:ledger")
        await settle(pilot)
        assert titles(app) == sorted(titles(app))
        assert app.reader.article_list.border_title == "Articles · by title"
    app2 = make_app(store_50, prefs_path=prefs_path)
    async with app2.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app2.reader.sort == "title"
        assert titles(app2)[0] == "Story 10: tram line extension"


async def test_the_palette_sorts(store_50: Store) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"sort oldest")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.reader.sort == "oldest"
        assert titles(app)[0] == "Story 1: orchard frost losses"


# -- qualifiers in the search bar ------------------------------------------------------


async def test_each_qualifier_typed_in_the_search_bar(store_50: Store) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "m", "j", "s")  # Story 49 read, Story 48 starred
        await settle(pilot)

        async def search(query: str) -> list[str]:
            app.reader.search_bar.value = ""
            app.reader.search_bar.focus()
            await pilot.press(*query)
            await settle(pilot)
            assert app.reader.shown_query == query
            return titles(app)

        assert await search("source:despardes") == [SEED_TITLE]
        assert await search("source:despardes erdgan") == [SEED_TITLE]
        assert await search("source:ledger erdgan") == []
        ledger = await search("source:ledger")
        assert len(ledger) == 13 and all(t.startswith("Story") for t in ledger)
        assert ledger[:2] == ["Story 49: orchard frost losses", "Story 45: school meal prices"]
        assert await search("is:read") == ["Story 49: orchard frost losses"]
        assert await search("is:starred") == ["Story 48: harbour dredging plan"]
        assert len(await search("is:unread")) == 49
        assert len(await search("orchard")) == 7
        assert len(await search("is:unread orchard")) == 6  # not Story 49
        # Story n is dated 2024-03-01 09:30 + n hours: 2024-03-03 from n = 39.
        after = await search("after:2024-03-03 orchard")
        assert after == ["Story 49: orchard frost losses", "Story 41: orchard frost losses"]
        before = await search("before:2024-03-02 orchard")
        assert before == ["Story 9: orchard frost losses", "Story 1: orchard frost losses"]
        assert await search("feed:ledger") == []  # no feeds in this store
        assert app.reader.status == "0 of 50 · “feed:ledger”"
        assert await search("orchard -frost") == []
        # While the date is half typed the qualifier waits, and is never searched as a word.
        assert len(await search("after:2024-0")) == 0


# -- links -----------------------------------------------------------------------------


async def test_o_opens_and_y_copies_only_web_links(linked_store: Store) -> None:
    app = make_app(linked_store)
    async with app.run_test(size=SIZE) as pilot:
        opened, copied = record_browser(app)
        await settle(pilot)
        assert titles(app)[0] == "Web article"
        await pilot.press("o", "y")
        await settle(pilot)
        assert opened == ["https://example.org/story"]
        assert copied == ["https://example.org/story"]
        await pilot.press("j")
        await settle(pilot)
        await pilot.press("o", "y")
        await settle(pilot)
        assert opened == ["https://example.org/story"] and len(copied) == 1
        assert any("only http and https links are opened" in n for n in notices(app))
        await pilot.press("j", "o")
        await settle(pilot)
        assert any("This article has no link." in n for n in notices(app))


async def test_digits_open_numbered_links_while_reading(linked_store: Store) -> None:
    app = make_app(linked_store)
    async with app.run_test(size=SIZE) as pilot:
        opened, _ = record_browser(app)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.focused, ArticlePane)
        await pilot.press("1")
        assert opened == ["https://example.org/one"]
        await pilot.press("2")  # javascript: never opened
        assert opened == ["https://example.org/one"]
        assert any("a javascript: link" in n for n in notices(app))
        await pilot.press("7")
        assert any("No link [7] in this article" in n for n in notices(app))

        await pilot.press("n", "n")  # the article with twelve links
        await settle(pilot)
        await pilot.press("1", "2")
        assert opened[-1] == "https://example.org/ref/12"
        await pilot.press("1")
        await pilot.pause(0.3)
        assert opened[-1] == "https://example.org/ref/12"  # waiting for a second digit
        await pilot.pause(1.0)
        assert opened[-1] == "https://example.org/ref/1"
        await pilot.press("3")  # no [30]: opens at once
        assert opened[-1] == "https://example.org/ref/3"
        assert len(opened) == 4


# -- stats, width, preferences ---------------------------------------------------------


async def test_ctrl_t_shows_stats(tmp_path: Path) -> None:
    store_50 = Store(f"sqlite:///{tmp_path}/dated.db")
    store_50.add(numbered_drafts(50))  # 2024-03-01 10:30 to 2024-03-03 11:30, hourly
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "m", "s")
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        assert screen.stats is not None
        chart = screen.query_one(Sparkline)
        assert chart.data == [14, 24, 12]  # per day, first to last
        table = screen.query_one(DataTable)
        assert table.row_count == 4
        text = flat("\n".join(screen_lines(app)))
        assert "50 articles · 49 unread · 1 starred · 4 sources" in text
        assert "busiest 2024-03-02: 24" in text
        assert "Valley Courier 13 13 0" in text
        assert "Harbour Times 12 12 0" in text
        assert "The Ledger 13 12 1" in text  # Story 49 is The Ledger's: read and starred
        await pilot.press("escape")
        assert not isinstance(app.screen, StatsScreen)
    store_50.close()


async def test_brackets_resize_the_list_and_it_is_remembered(
    seeded_store: Store, prefs_path: Path
) -> None:
    app = make_app(seeded_store, prefs_path=prefs_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.reader.article_list.outer_size.width
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert app.reader.article_list.outer_size.width == before + 8
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.reader.article_list.outer_size.width == before + 4
        assert preferences.load(prefs_path).list_width == before + 4
    app2 = make_app(seeded_store, prefs_path=prefs_path)
    async with app2.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app2.reader.article_list.outer_size.width == before + 4


async def test_theme_and_last_article_come_back(store_50: Store, prefs_path: Path) -> None:
    app = make_app(store_50, prefs_path=prefs_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await pilot.press("j", "j", "j")
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    saved = preferences.load(prefs_path)
    assert saved.theme == "nord"
    assert saved.last_article == store_50.ids()[3]
    app2 = make_app(store_50, prefs_path=prefs_path)
    async with app2.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app2.theme == "nord"
        assert app2.reader.article_list.cursor == 3
        assert "Story 47: " in pane_text(app2)


async def test_a_vanished_last_article_starts_at_the_top(store_50: Store, prefs_path: Path) -> None:
    preferences.save(Preferences(last_article=99999), prefs_path)
    app = make_app(store_50, prefs_path=prefs_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.reader.article_list.cursor == 0


# -- help and palette ------------------------------------------------------------------


async def test_help_and_palette_list_every_new_command(seeded_store: Store) -> None:
    app = make_app(seeded_store)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = flat("\n".join(screen_lines(app)))
        for keys, what in (
            ("m", "Mark read / unread"),
            ("s", "Star / unstar"),
            ("o", "Open the article's link"),
            ("y", "Copy the article's link"),
            ("u", "Unread only"),
            ("S", "Starred only"),
            ("O", "Order: newest, oldest, source, title"),
            ("[", "Narrower list"),
            ("]", "Wider list"),
            ("Ctrl+T", "Statistics"),
            ("1–9 / 0", "Open link [n]"),
            ("source:NAME", "Only sources"),
            ("feed:NAME", "Only feeds"),
            ("is:unread", "Or is:read, is:starred"),
            ("after:DATE", "On/after"),
            ("before:DATE", "Before"),
        ):
            assert flat(f"{keys} {what}") in text, (keys, what)
        await pilot.press("escape")

    actions = {action for _, _, action, _ in ReaderCommands.COMMANDS}
    for action in (
        "toggle_read",
        "toggle_star",
        "view('unread')",
        "view('starred')",
        "show_all",
        "next_sort",
        "sort('newest')",
        "sort('oldest')",
        "sort('source')",
        "sort('title')",
        "open_link",
        "copy_link",
        "stats",
        "toggle_read_on_open",
        "narrower_list",
        "wider_list",
    ):
        assert action in actions, action
        name = action.split("(")[0]
        assert callable(getattr(app.reader, f"action_{name}")), action


async def test_the_palette_shows_the_stats(store_50: Store) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"statistics")
        await pilot.pause(0.5)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)


def test_seed_fixture_is_unread(seeded_store: Store) -> None:
    seed(seeded_store)  # idempotent: still one article
    assert seeded_store.counts().unread == 1
