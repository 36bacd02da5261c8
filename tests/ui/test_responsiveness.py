"""The event loop never waits on the store: first paint comes before the ids do."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from newsreader.importer import seed
from newsreader.store.store import Order, Store
from newsreader.store.views import ArticleRow
from newsreader.ui.app import make_app
from newsreader.ui.widgets.article_list import PAGE_SIZE
from tests.ui.helpers import SEED_TITLE, flat, numbered_drafts, region_text, settle


class SlowStore(Store):
    """A store whose queries wait until the test lets them go."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.release = threading.Event()

    def ids(self, order: Order = "newest") -> list[int]:
        assert self.release.wait(10)
        return super().ids(order)

    def rows(self, ids: Sequence[int]) -> dict[int, ArticleRow]:
        assert self.release.wait(10)
        return super().rows(ids)


async def test_the_app_paints_and_takes_keys_while_the_store_is_busy(tmp_path: Path) -> None:
    store = SlowStore(f"sqlite:///{tmp_path}/slow.db")
    store.release.set()
    seed(store)
    store.release.clear()
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "Loading articles…" in region_text(app, app.reader.article_list)
        assert app.reader.status == "loading…"
        await pilot.press("slash")  # keys are handled while the query waits
        assert app.focused is app.reader.search_bar
        await pilot.press("escape")
        store.release.set()
        await settle(pilot)
        assert SEED_TITLE[:25] in region_text(app, app.reader.article_list)
        assert SEED_TITLE in flat(region_text(app, app.reader.article_pane))
        assert app.reader.status == "1 article · 1 unread · 0 starred"


def test_the_core_does_not_import_textual() -> None:
    code = (
        "import sys, newsreader.store, newsreader.search, newsreader.ingest, newsreader.importer;"
        "sys.exit(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


class GatedRowsStore(Store):
    """Row pages beyond the first wait until the test opens the gate."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.gate = threading.Event()
        self.first_page_ids: set[int] = set()

    def rows(self, ids: Sequence[int]) -> dict[int, ArticleRow]:
        if not set(ids) <= self.first_page_ids:
            assert self.gate.wait(10)
        return super().rows(ids)


async def test_rows_not_yet_fetched_show_a_placeholder(tmp_path: Path) -> None:
    store = GatedRowsStore(f"sqlite:///{tmp_path}/gated.db")
    seed(store)
    store.add(numbered_drafts(999))
    store.first_page_ids = set(store.ids()[:PAGE_SIZE])
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        while app.reader.shown_query is None or app.reader.head_only:  # the whole list
            await pilot.pause(0.01)
        await pilot.pause()
        assert SEED_TITLE[:25] in region_text(app, app.reader.article_list)
        await pilot.press("G")
        await pilot.pause(0.1)
        shown = region_text(app, app.reader.article_list)
        assert "Loading…" in shown
        assert "Story" not in shown
        assert app.reader.article_list.cursor == 999
        store.gate.set()
        await settle(pilot)
        shown = region_text(app, app.reader.article_list)
        assert "Loading…" not in shown
        assert "Story 1: " in shown
