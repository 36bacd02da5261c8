"""Start-up in O(screen): the list's first screen is painted from an `ORDER BY ... LIMIT`
read before every id (and every story) is read, grouped as the whole list will be; the whole
list then replaces it without moving the cursor the reader moved."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsreader.store.store import Order, Store
from newsreader.stories.groups import StoryGroup
from newsreader.ui.app import make_app
from newsreader.ui.first_screen import head_rows
from newsreader.ui.story_rows import StoryMap, collapse
from newsreader.ui.widgets.article_list import PAGE_SIZE
from tests.ui.conftest import COPIES, REPRESENTATIVE
from tests.ui.helpers import numbered_drafts, region_text, settle

SIZE = (120, 35)
MORE = PAGE_SIZE + 50


class WholeListGated(Store):
    """Reading every id (the whole list) waits until the test opens the gate."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.gate = threading.Event()
        self.gate.set()

    def ids(self, order: Order = "newest") -> list[int]:
        assert self.gate.wait(10)
        return super().ids(order)


@pytest.fixture
def big_story_store(story_store: Store) -> Iterator[WholeListGated]:
    """The one story of three outlets, newest, above more than a screen of older articles."""
    story_store.add(numbered_drafts(MORE))
    store = WholeListGated(story_store.url)
    yield store
    store.close()


async def first_paint(app: Any, pilot: Any) -> None:
    """Wait (up to 5 s) for the list's first paint, while the whole list is held back."""
    for _ in range(500):
        if app.reader.shown_query is not None:
            return
        await pilot.pause(0.01)


async def test_the_first_screen_is_painted_before_the_whole_list_is_read(
    big_story_store: WholeListGated,
) -> None:
    big_story_store.gate.clear()
    app = make_app(big_story_store)
    async with app.run_test(size=SIZE) as pilot:
        await first_paint(app, pilot)
        assert app.reader.shown_query == "", "nothing painted while the whole list was read"
        assert app.reader.head_only
        head = list(app.reader.article_list.ids)
        text = region_text(app, app.reader.article_list)
        assert REPRESENTATIVE in text and "+2 sources" in text
        assert not any(copy in text for copy in COPIES)
        total = MORE + 5
        assert app.reader.status.startswith(f"{total:,} articles")
        big_story_store.gate.set()
        await settle(pilot)
        assert not app.reader.head_only
        whole = list(app.reader.article_list.ids)
        assert len(whole) == total - 2  # the story's three articles are one row
        assert whole[: len(head)] == head  # the first screen was the whole list's head


async def test_the_cursor_the_reader_moved_stays_when_the_whole_list_arrives(
    big_story_store: WholeListGated,
) -> None:
    big_story_store.gate.clear()
    app = make_app(big_story_store)
    async with app.run_test(size=SIZE) as pilot:
        await first_paint(app, pilot)
        await pilot.press("j", "j", "j", "j")
        chosen = app.reader.article_list.highlighted_id
        assert app.reader.article_list.cursor == 4
        big_story_store.gate.set()
        await settle(pilot)
        assert not app.reader.head_only
        assert app.reader.article_list.highlighted_id == chosen
        assert app.reader.article_list.cursor == 4


@st.composite
def lists_with_stories(draw: st.DrawFn) -> tuple[list[int], list[StoryGroup], int]:
    """Ids in list order, stories among them (members in any order, the first earliest),
    and a head length."""
    n = draw(st.integers(1, 60))
    ids = draw(st.permutations(list(range(1, n + 1))))
    label = draw(st.lists(st.integers(0, 8), min_size=n, max_size=n))
    by: dict[int, list[int]] = {}
    for i, story in zip(ids, label, strict=True):
        if story:
            by.setdefault(story, []).append(i)
    stories = []
    for story, members in by.items():
        if len(members) > 1:
            order = draw(st.permutations(members))
            stories.append(StoryGroup(100 + story, tuple(order), (f"s{story}",)))
    return list(ids), stories, draw(st.integers(1, n))


@given(lists_with_stories())
def test_head_rows_are_the_whole_lists_first_rows(
    case: tuple[list[int], list[StoryGroup], int],
) -> None:
    ids, stories, size = case
    story_map = StoryMap(
        {i: g.story for g in stories for i in g.members},
        {g.story: g.members for g in stories},
        {g.story: g.sources for g in stories},
    )
    whole = collapse(ids, story_map)
    head = ids[:size]
    touched = [g for g in stories if set(g.members) & set(head)]
    first = head_rows(head, touched)
    assert list(whole.ids[: len(first.ids)]) == list(first.ids)
    assert {i: whole.groups[i] for i in first.groups} == dict(first.groups)
    assert all(i in first.groups for i in first.ids if i in whole.groups)


async def test_the_warm_up_runs_no_full_garbage_collection(
    big_story_store: WholeListGated, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full pass holds the interpreter ~80 ms: a keystroke falling on it froze."""
    generations: list[int] = []
    collect = gc.collect

    def recorded(generation: int = 2) -> int:
        generations.append(generation)
        return collect(generation)

    monkeypatch.setattr(gc, "collect", recorded)
    app = make_app(big_story_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.reader.store.index.vocabulary_size > 0  # warmed
    assert generations and max(generations) < 2


async def test_a_reload_never_takes_a_reader_far_down_to_the_top(
    big_story_store: WholeListGated,
) -> None:
    """After the first list, a first screen is shown only when it holds the cursor's
    article: a refresh adding articles must not jump the list to the top and back."""
    app = make_app(big_story_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("G")
        deep = app.reader.article_list.highlighted_id
        assert app.reader.article_list.cursor > PAGE_SIZE
        big_story_store.gate.clear()
        app.reader._reload()  # as after a refresh that added articles
        for _ in range(20):
            await pilot.pause(0.01)
            assert app.reader.article_list.highlighted_id == deep
        big_story_store.gate.set()
        await settle(pilot)
        assert app.reader.article_list.highlighted_id == deep
