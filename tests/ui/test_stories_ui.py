"""Stories in the list, through real keys: a story is one row with "+N sources", `Enter`/`→`
open it to its members and `←` folds it, `M` marks the whole story read, a search brings the
story of a hit in any member, and `stories.group = false` shows every article."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import OperationalError

from newsreader.store.store import Store
from newsreader.stories.groups import StoryGroup, group_hits, group_list
from newsreader.ui import story_rows
from newsreader.ui.app import NewsReaderApp, make_app
from newsreader.ui.story_rows import StoryMap, collapse
from tests.ui.conftest import COPIES, REPRESENTATIVE
from tests.ui.helpers import region_text, settle

SIZE = (120, 35)


def list_lines(app: NewsReaderApp) -> list[str]:
    return region_text(app, app.reader.article_list).splitlines()


def shown_titles(app: NewsReaderApp) -> list[str]:
    rows = app.reader.article_list._rows
    return [rows[i].title for i in app.reader.article_list.ids if i in rows]


def ids_of(store: Store) -> dict[str, int]:
    ids = store.ids()
    return {row.title: row.id for row in store.rows(ids).values()}


async def test_a_story_is_one_row_with_its_sources(story_store: Store) -> None:
    app = make_app(story_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert shown_titles(app) == [
            "Orchard frost losses",
            "Bank minutes show split",
            REPRESENTATIVE,
        ]
        text = "\n".join(list_lines(app))
        assert "+2 sources Wire, Daily, [b]" in text  # names as written: no markup
        assert not any(copy in text for copy in COPIES)


async def test_enter_and_arrows_open_and_fold_a_story(story_store: Store) -> None:
    app = make_app(story_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        assert shown_titles(app)[2:] == [REPRESENTATIVE, REPRESENTATIVE, *COPIES]
        lines = list_lines(app)
        member = next(line for line in lines[6:] if COPIES[1] in line)
        assert member.startswith("  ") and "●" in member  # indented under its story
        assert app.reader.focused is app.reader.article_list  # opening a story reads nothing
        await pilot.press("enter")  # again: folded
        await settle(pilot)
        assert shown_titles(app)[2:] == [REPRESENTATIVE]
        await pilot.press("right", "j", "j", "left")  # ← on a member folds its story
        await settle(pilot)
        assert shown_titles(app)[2:] == [REPRESENTATIVE]
        assert app.reader.article_list.cursor == 2


async def test_reading_a_member_marks_only_it(story_store: Store) -> None:
    ids = ids_of(story_store)
    app = make_app(story_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "right", "j", "j", "enter")  # the Daily copy
        await settle(pilot)
        rows = story_store.rows(list(ids.values()))
        assert [t for t, i in ids.items() if rows[i].is_read] == [COPIES[0]]
        assert app.reader.status == "5 articles · 4 unread · 0 starred"


async def test_M_marks_the_whole_story_read_and_the_header_follows(story_store: Store) -> None:
    ids = ids_of(story_store)
    app = make_app(story_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "M")
        await settle(pilot)
        rows = story_store.rows(list(ids.values()))
        read = {t for t, i in ids.items() if rows[i].is_read}
        assert read == {REPRESENTATIVE, *COPIES}
        assert app.reader.status == "5 articles · 2 unread · 0 starred"
        assert "●" not in list_lines(app)[4]  # the story's row shows it read
        await pilot.press("right")
        await settle(pilot)
        assert not any("●" in line for line in list_lines(app)[4:12])


async def test_M_on_a_member_row_marks_its_whole_story(story_store: Store) -> None:
    app = make_app(story_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "right", "j", "j", "M")
        await settle(pilot)
        assert app.reader.status == "5 articles · 2 unread · 0 starred"
        assert not any("●" in line for line in list_lines(app)[4:12])  # every row it changed


async def test_a_failed_story_write_shows_what_is_stored_and_says_why(
    story_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(store: Store, story: int, read: bool = True) -> int:
        raise OperationalError("UPDATE article SET is_read=1", {}, Exception("database is locked"))

    monkeypatch.setattr(story_rows, "mark_story_read", locked)
    app = make_app(story_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "M")
        await settle(pilot)
        [notice] = [str(n.message) for n in app._notifications]
        assert notice.startswith("Could not mark the story read: ")
        assert "\n" not in notice and "UPDATE" not in notice and "Error" not in notice
        assert "●" in list_lines(app)[4]  # still unread, as stored
        assert app.reader.status == "5 articles · 5 unread · 0 starred"


async def test_grouping_off_shows_every_article(story_store: Store, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[stories]\ngroup = false\n")
    app = make_app(story_store, config_path=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(shown_titles(app)) == 5
        assert "source" not in "\n".join(list_lines(app))
        await pilot.press("ctrl+p", *"stories as one row")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert len(shown_titles(app)) == 3  # the palette turns it back on


async def test_a_hit_in_a_copy_brings_its_story_represented_by_the_hit(story_store: Store) -> None:
    app = make_app(story_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"lifts")  # only the Feed copy's title says it
        await settle(pilot)
        assert shown_titles(app)[0] == COPIES[1]
        assert REPRESENTATIVE not in shown_titles(app)
        assert "+2 sources [b]Feed[/b], Wire" in "\n".join(list_lines(app))
        await pilot.press("escape")
        await settle(pilot)
        assert shown_titles(app)[2] == REPRESENTATIVE
        assert app.reader.article_list.cursor == 2  # the copy it was on is in this row


# -- collapse agrees with the core's rules ---------------------------------------------


def _map(groups: list[tuple[int, ...]]) -> StoryMap:
    story_of = {i: g[0] for g in groups for i in g}
    return StoryMap(story_of, {g[0]: g for g in groups}, {g[0]: () for g in groups})


def _rows(groups: list[StoryGroup]) -> list[tuple[int, ...]]:
    return [g.members for g in groups]


@settings(max_examples=150, deadline=None)
@given(st.permutations(range(1, 13)), st.sets(st.integers(1, 12)), st.integers(1, 4))
def test_collapse_keeps_each_article_once_and_each_story_at_its_first_place(
    order: list[int], hidden: set[int], size: int
) -> None:
    """Stories of `size` consecutive ids (earliest = smallest); any order, any filter."""
    stories = _map([tuple(range(s, min(s + size, 13))) for s in range(1, 13, size)])
    ids = [i for i in order if i not in hidden]
    for ranked in (False, True):
        shown = collapse(ids, stories, ranked)
        firsts = list(dict.fromkeys(stories.story_of[i] for i in ids))
        assert [stories.story_of[i] for i in shown.ids] == firsts
        for rep, group in shown.groups.items():
            assert group.representative == rep and rep in shown.ids
            every = stories.members[group.story]
            if ranked:  # the best hit, then the other hits, then the rest
                hits = [i for i in ids if i in every]
                assert group.members[: len(hits)] == tuple(hits)
                assert set(group.members) == set(every)
            else:  # only what the list shows, earliest first
                assert group.members == tuple(i for i in every if i in ids)
        assert all(len(g.members) > 1 for g in shown.groups.values())
        for head in range(1, len(shown.ids) + 1) if ranked else ():  # a screenful: same rows
            part = collapse(ids, stories, ranked, head)
            assert list(part.ids[:head]) == list(shown.ids[:head])
            tail = list(part.ids[head:])  # the rest as it came, grouped after
            assert tail == list(ids[len(ids) - len(tail) :]) if tail else part.complete
            assert not part.complete or list(part.ids) == list(shown.ids)


def test_collapse_gives_the_cores_rows(story_store: Store) -> None:
    """The list's and the search's rows are `group_list`'s and `group_hits`'."""
    stories = story_rows.load_stories(story_store)
    ids = story_store.ids()
    for ranked, core in ((False, group_list), (True, group_hits)):
        for order in (ids, ids[::-1]):
            shown = collapse(order, stories, ranked)
            expected = core(story_store, order)
            assert list(shown.ids) == [g.representative for g in expected]
            assert _rows(list(shown.groups.values())) == [g.members for g in expected if g.more]


async def test_a_search_longer_than_its_head_is_grouped_whole_after_it_shows(
    story_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A keystroke groups its screenful only (here one row); a worker groups the rest."""
    searched = story_rows.Stories.searched
    monkeypatch.setattr(story_rows.Stories, "searched", lambda self, rows: searched(self, 1))
    app = make_app(story_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"bank")
        await settle(pilot)
        ids = list(app.reader.article_list.ids)
        assert len(ids) == len(set(ids))  # each article once
        titles = shown_titles(app)
        assert sum(t in titles for t in (REPRESENTATIVE, *COPIES)) == 1  # the story once
        assert "Bank minutes show split" in titles
        assert "+2 sources" in "\n".join(list_lines(app))
