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
