"""Snapshots of the screens on a fixed store: dated decoys plus the undated seed (a dash)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from newsreader.importer import seed
from newsreader.store.store import Store
from newsreader.ui.app import make_app
from newsreader.ui.widgets.search_bar import SearchBar
from tests.ui.helpers import numbered_drafts, settle

SnapCompare = Callable[..., bool]


@pytest.fixture
def fixed_store(tmp_path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path}/snap.db")
    seed(store)
    store.add(numbered_drafts(12))
    yield store
    store.close()


def after(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Wait for the first paint's workers, freeze the cursor blink, press `keys`, settle."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.query_one("#search", SearchBar).cursor_blink = False
        if keys:
            await pilot.press(*keys)
        await settle(pilot)

    return run_before


def test_main_screen_80x24(snap_compare: SnapCompare, fixed_store: Store) -> None:
    assert snap_compare(make_app(fixed_store), terminal_size=(80, 24), run_before=after())


def test_main_screen_120x40(snap_compare: SnapCompare, fixed_store: Store) -> None:
    assert snap_compare(make_app(fixed_store), terminal_size=(120, 40), run_before=after())


def test_reading_after_moving_120x40(snap_compare: SnapCompare, fixed_store: Store) -> None:
    app = make_app(fixed_store)
    assert snap_compare(app, terminal_size=(120, 40), run_before=after("j", "j", "enter"))


def test_search_with_highlights_120x40(snap_compare: SnapCompare, fixed_store: Store) -> None:
    app = make_app(fixed_store)
    keys = ("slash", *"orchard frst")
    assert snap_compare(app, terminal_size=(120, 40), run_before=after(*keys))


def test_no_match_80x24(snap_compare: SnapCompare, fixed_store: Store) -> None:
    app = make_app(fixed_store)
    assert snap_compare(app, terminal_size=(80, 24), run_before=after("slash", *"qwxzv"))


def test_help_120x40(snap_compare: SnapCompare, fixed_store: Store) -> None:
    app = make_app(fixed_store)
    assert snap_compare(app, terminal_size=(120, 40), run_before=after("question_mark"))


@pytest.fixture
def dated_store(tmp_path: Path) -> Iterator[Store]:
    """Dated decoys only (no seed, whose date is the day it was imported): the chart's days
    are the same on every run."""
    store = Store(f"sqlite:///{tmp_path}/dated.db")
    store.add(numbered_drafts(60))
    ids = store.ids()
    for article_id in ids[:7]:
        store.set_flag(article_id, "is_read", True)
    for article_id in ids[2:5]:
        store.set_flag(article_id, "is_starred", True)
    yield store
    store.close()


def test_stats_120x40(snap_compare: SnapCompare, dated_store: Store) -> None:
    app = make_app(dated_store)
    assert snap_compare(app, terminal_size=(120, 40), run_before=after("ctrl+t"))


def test_stats_80x24(snap_compare: SnapCompare, dated_store: Store) -> None:
    app = make_app(dated_store)
    assert snap_compare(app, terminal_size=(80, 24), run_before=after("ctrl+t"))


def test_unread_view_by_title_120x40(snap_compare: SnapCompare, dated_store: Store) -> None:
    app = make_app(dated_store)
    assert snap_compare(app, terminal_size=(120, 40), run_before=after("u", "O", "O", "O"))


def test_stories_grouped_and_one_opened_120x40(
    snap_compare: SnapCompare, story_store: Store
) -> None:
    """A story of three outlets as one row (+2 sources), opened below the cursor."""
    app = make_app(story_store)
    assert snap_compare(app, terminal_size=(120, 40), run_before=after("j", "j", "right"))
