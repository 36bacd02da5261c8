"""Pilot tests: real key presses and clicks, asserting on what the screen shows."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.command import CommandPalette
from textual.message import Message
from textual.widgets import Input

from newsreader.ingest import ArticleDraft
from newsreader.store.store import Store
from newsreader.ui.app import NewsReaderApp, make_app
from newsreader.ui.bindings import help_sections
from newsreader.ui.screens.help import HelpScreen
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.article_view import ArticlePane
from tests.ui.helpers import SEED_TITLE, flat, numbered_drafts, region_text, settle

SIZE = (120, 40)


def list_text(app: NewsReaderApp) -> str:
    return region_text(app, app.reader.article_list)


def pane_text(app: NewsReaderApp) -> str:
    return flat(region_text(app, app.reader.article_pane))


def highlighted_title(app: NewsReaderApp) -> str:
    article_id = app.reader.article_list.highlighted_id
    assert article_id is not None
    row = app.reader.article_list.row(article_id)
    assert row is not None
    return row.title


async def test_launch_shows_the_seed_in_the_list_and_the_pane(seeded_store: Store) -> None:
    app = make_app(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = list_text(app)
        assert "● Turkey, Russia Get Closer" in shown
        assert "DESPARDES News Monitor" in shown
        assert "—" in shown  # the seed has no date
        pane = pane_text(app)
        assert SEED_TITLE in pane
        assert "DESPARDES News Monitor · 2 min read" in pane
        assert "Turkish President Recep Tayyip Erdogan" in pane
        assert app.reader.status == "1 article · 1 unread · 0 starred"
        assert app.reader.shown_query == ""
        assert isinstance(app.focused, ArticleList)
        await pilot.press("enter", "G")  # read it, to the end
        await pilot.pause(0.3)
        assert "“They [US] are passing the ball" in pane_text(app)  # literally, not markup


async def test_list_keys_move_the_cursor_and_the_pane_follows(store_50: Store) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        articles = app.reader.article_list
        assert app.reader.status == "50 articles · 50 unread · 0 starred"

        await pilot.press("j")
        await settle(pilot)
        assert articles.cursor == 1
        assert "Story 49: " in pane_text(app)

        await pilot.press("down", "down")
        await settle(pilot)
        assert articles.cursor == 3
        assert "Story 47: " in pane_text(app)

        await pilot.press("k", "up")
        await settle(pilot)
        assert articles.cursor == 1

        await pilot.press("G")
        await settle(pilot)
        assert articles.cursor == 49
        assert "Story 1: " in list_text(app)  # scrolled to the end
        assert SEED_TITLE[:20] not in list_text(app)
        assert "Story 1: " in pane_text(app)

        await pilot.press("g")
        await settle(pilot)
        assert articles.cursor == 0
        assert SEED_TITLE[:20] in list_text(app)
        assert SEED_TITLE in pane_text(app)

        await pilot.press("end")
        await settle(pilot)
        assert articles.cursor == 49
        await pilot.press("home")
        await settle(pilot)
        assert articles.cursor == 0

        page = articles.scrollable_content_region.height // 2
        assert page > 1
        await pilot.press("pagedown")
        await settle(pilot)
        assert articles.cursor == page
        assert highlighted_title(app) in list_text(app)  # the cursor stays on screen
        await pilot.press("pagedown", "pageup")
        await settle(pilot)
        assert articles.cursor == page
        assert highlighted_title(app) in pane_text(app)


async def test_enter_opens_the_article_and_n_p_move_while_reading(store_50: Store) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert isinstance(app.focused, ArticlePane)
        assert "Story 49: " in pane_text(app)

        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.focused, ArticlePane)
        assert "Story 48: " in pane_text(app)
        assert app.reader.article_list.cursor == 2

        await pilot.press("p", "p")
        await settle(pilot)
        assert SEED_TITLE in pane_text(app)

        # Opening and stepping while reading marks articles read, on screen and in the store.
        ids = app.reader.article_list.ids
        assert store_50.rows([ids[1]])[ids[1]].is_read
        assert store_50.rows([ids[2]])[ids[2]].is_read
        assert not store_50.rows([ids[3]])[ids[3]].is_read
        story_49 = next(line for line in list_text(app).splitlines() if "Story 49:" in line)
        assert "●" not in story_49

        await pilot.press("escape")
        assert isinstance(app.focused, ArticleList)
        await pilot.press("l")
        assert isinstance(app.focused, ArticlePane)


async def test_space_and_b_page_the_article(seeded_store: Store) -> None:
    long_body = "\n\n".join(f"Paragraph {n}. " + "Words to read. " * 30 for n in range(40))
    seeded_store.add([ArticleDraft(title="Long read", body=long_body, source="S", origin="t")])
    app = make_app(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g", "enter")
        await settle(pilot)
        pane = app.reader.article_pane
        assert "Long read" in pane_text(app)
        assert pane.scroll_y == 0
        await pilot.press("space")
        await pilot.pause(0.3)
        first_page = pane.scroll_y
        assert first_page > 10
        await pilot.press("space")
        await pilot.pause(0.3)
        assert pane.scroll_y > first_page
        await pilot.press("b", "b")
        await pilot.pause(0.3)
        assert pane.scroll_y == 0


async def test_tab_and_shift_tab_cycle_focus(seeded_store: Store) -> None:
    app = make_app(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, ArticleList)
        await pilot.press("tab")
        assert isinstance(app.focused, ArticlePane)
        await pilot.press("tab")
        assert isinstance(app.focused, Input)
        await pilot.press("tab")
        assert isinstance(app.focused, ArticleList)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, Input)


async def test_clicking_a_row_selects_it(store_50: Store) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # The list has a one-line border; rows are two lines each: row 2 starts at y = 5.
        await pilot.click(ArticleList, offset=(6, 5))
        await settle(pilot)
        assert app.reader.article_list.cursor == 2
        assert "Story 48: " in pane_text(app)
        await pilot.click(ArticleList, offset=(6, 5), times=2)
        await settle(pilot)
        assert isinstance(app.focused, ArticlePane)


async def test_search_narrows_and_esc_restores_the_full_list(store_50: Store) -> None:
    messages: list[Message] = []
    app = make_app(store_50)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"orchard frst")
        await settle(pilot)
        assert app.reader.shown_query == "orchard frst"
        orchard = {n for n in range(1, 50) if n % 8 == 1}  # the stories about orchard frost
        rows = store_50.rows(app.reader.article_list.ids)
        assert {rows[i].title for i in app.reader.article_list.ids} == {
            f"Story {n}: orchard frost losses" for n in orchard
        }
        titles = [line for line in list_text(app).splitlines() if "Story" in line]
        assert len(titles) == len(orchard) == 7
        assert app.reader.status == "7 of 50 · “orchard frst”"
        updated = [m for m in messages if isinstance(m, ArticleList.Updated)]
        assert updated[-1].query == "orchard frst"
        assert updated[-1].count == 7

        await pilot.press("escape")
        await settle(pilot)
        assert app.reader.shown_query == ""
        assert app.reader.status == "50 articles · 50 unread · 0 starred"
        assert len(app.reader.article_list.ids) == 50
        assert SEED_TITLE[:20] in list_text(app)


async def test_typo_tolerant_queries_find_the_seed_among_decoys(store_50: Store) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for query in ("erdgan", "s400", "lockheed martn"):
            await pilot.press("slash", *query)
            await settle(pilot)
            assert app.reader.shown_query == query
            assert app.reader.status == f"1 of 50 · “{query}”"
            assert SEED_TITLE[:30] in list_text(app)
            assert "Story" not in list_text(app)
            assert SEED_TITLE in pane_text(app)
            await pilot.press("escape")  # clears the search, focus stays in the bar
            await settle(pilot)
            assert isinstance(app.focused, Input)
            await pilot.press("escape")  # then back to the list
            assert app.reader.shown_query == ""
            assert len(app.reader.article_list.ids) == 50


async def test_matched_terms_are_highlighted_in_the_list_and_the_article(
    seeded_store: Store,
) -> None:
    app = make_app(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"russia")
        await settle(pilot)
        strips = app.screen._compositor.render_strips()

        def styled(widget: ArticleList | ArticlePane, word: str) -> list[bool]:
            """For each on-screen segment that is exactly `word`: is it highlighted?"""
            region = widget.region
            return [
                bool(s.style and (s.style.underline or s.style.bgcolor != base.bgcolor))
                for strip in strips[region.y : region.bottom]
                for s in strip.crop(region.x, region.right)
                if s.text == word
            ]

        base_strip = strips[app.reader.article_pane.region.y + 1]
        base = next(s.style for s in base_strip if s.style is not None)
        assert styled(app.reader.article_list, "Russia") == [True]
        assert True in styled(app.reader.article_pane, "Russia")  # title and body
        assert all(styled(app.reader.article_pane, "Russia"))
        # Only matched words are highlighted: "Turkey" sits in the same title, unstyled.
        lr = app.reader.article_list.region
        title_segments = [
            s
            for strip in strips[lr.y : lr.bottom]
            for s in strip.crop(lr.x, lr.right)
            if "Turkey" in s.text
        ]
        assert title_segments and not any(s.style and s.style.underline for s in title_segments)


async def test_no_match_shows_an_empty_state_naming_the_query(store_50: Store) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"qwxzv")
        await settle(pilot)
        shown = flat(list_text(app))
        assert "No articles match “qwxzv”" in shown
        assert "Esc clears the search" in shown
        assert app.reader.status == "0 of 50 · “qwxzv”"
        assert app.reader.shown_query == "qwxzv"
        assert "Nothing matches that search." in pane_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.reader.article_list.ids) == 50
        assert "No articles match" not in list_text(app)
        await pilot.press("escape")  # empty bar: back to the list
        assert isinstance(app.focused, ArticleList)


async def test_typing_in_the_search_bar_does_not_trigger_keys(seeded_store: Store) -> None:
    app = make_app(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"q?gjn/msuSOoy[]")
        await settle(pilot)
        assert app.return_code is None
        assert not isinstance(app.screen, HelpScreen)
        assert app.reader.search_bar.value == "q?gjn/msuSOoy[]"
        assert app.reader.view == "all" and app.reader.sort == "newest"  # u, S, O did not act
        assert not seeded_store.rows(app.reader.all_ids or [])[app.reader.all_ids[0]].is_starred  # type: ignore[index]


async def test_help_lists_every_binding_and_closes(seeded_store: Store) -> None:
    app = make_app(seeded_store)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = flat("\n".join(_screen(app)))
        for _section, rows in help_sections(app):
            for keys, what in rows:
                assert flat(f"{keys} {what}") in text, (keys, what)
        for expected in (
            "j / ↓",
            "k / ↑",
            "g / Home",
            "G / End",
            "PgDn",
            "Enter / l",
            "Space",
            "Ctrl+P",
        ):
            assert expected in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


def _screen(app: NewsReaderApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_q_quits(seeded_store: Store) -> None:
    app = make_app(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_palette_offers_the_apps_commands(store_50: Store) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"last article")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, CommandPalette)
        assert app.reader.article_list.cursor == 49

        await pilot.press("ctrl+p", *"search articles")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.focused, Input)


async def test_the_list_fetches_rows_a_page_at_a_time(
    tmp_path: object, seeded_store: Store
) -> None:
    seeded_store.add(numbered_drafts(1500))
    app = make_app(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        articles = app.reader.article_list
        assert len(articles.ids) == 1501
        cached = sum(articles.row(i) is not None for i in articles.ids)
        assert cached < 400  # the first page (and a prefetch), not all 1501
        await pilot.press("G")
        await settle(pilot)
        assert "Story 1: " in list_text(app)
        assert articles.row(articles.ids[-1]) is not None
        assert sum(articles.row(i) is not None for i in articles.ids) < 800


async def test_the_warmed_app_is_kept_out_of_the_collectors_way_until_it_ends(
    seeded_store: Store,
) -> None:
    import gc

    app = make_app(seeded_store)
    async with app.run_test() as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        assert seeded_store.index.vocabulary_size > 0
        assert gc.get_freeze_count() > 0  # full collections skip what was made up to now
    assert gc.get_freeze_count() == 0  # and an app that ended is garbage like any other


async def test_an_older_store_opened_by_the_app_says_it_is_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    shutil.copyfile(Path(__file__).parents[1] / "fixtures" / "store_v1.db", db)
    app = make_app(db_url=f"sqlite:///{db}", prefs_path=tmp_path / "prefs.toml")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [str(n.message) for n in app._notifications] == [
            "Upgrading the store to this version, once…"
        ]
        assert "Harbour reopens after storm" in list_text(app)
