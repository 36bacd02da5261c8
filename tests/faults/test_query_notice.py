"""A query that cannot run (often one half-typed): its reason is said quietly in the header,
never as a toast at each keystroke; the list shows nothing for it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.store.store import Store
from newsreader.ui.app import make_app
from tests.ui.helpers import numbered_drafts, settle


async def test_a_half_typed_date_is_said_in_the_header_without_a_toast(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/s.db")
    store.add(numbered_drafts(5))
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        reader = app.reader
        await pilot.press("slash", *"after:2019-")
        await settle(pilot)
        assert [n.message for n in app._notifications] == []
        assert reader.status.startswith("“after:2019-” · after:2019-: not a date")
        assert reader.shown_query == "after:2019-" and reader.article_list.ids == []
        await pilot.press(*"04")
        await settle(pilot)
        assert reader.status == "5 of 5 · “after:2019-04”"
        await pilot.press("escape")
        await settle(pilot)
        assert reader.status == "5 articles · 5 unread · 0 starred"
        assert [n.message for n in app._notifications] == []
    store.close()


async def test_a_bad_state_is_said_in_the_header(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/s.db")
    store.add(numbered_drafts(5))
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.reader.search_bar.focus()
        app.reader.search_bar.value = "orchard is:bogus"
        await settle(pilot)
        assert "“orchard is:bogus” · is:bogus: not a state" in app.reader.status
        assert list(app._notifications) == []
        assert app.reader.shown_query == "orchard is:bogus" and app.reader.article_list.ids == []
        app.reader.search_bar.value = "orchard is:unread"
        await settle(pilot)
        assert len(app.reader.article_list.ids) == 1
        assert app.reader.status == "1 of 5 · “orchard is:unread”"
    store.close()


PIECES = ["after:", "before:", "is:", "source:", "2019", "-", "04", "x", " ", "orchard", '"']


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=5))
def test_typing_any_query_raises_no_toast(tmp_path: Path, pieces: list[str]) -> None:
    """Whatever is typed, key by key: never a toast; the header names the query shown."""
    store = Store(f"sqlite:///{tmp_path}/p{abs(hash(tuple(pieces)))}.db")
    store.add(numbered_drafts(3))

    async def run() -> None:
        app = make_app(store)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            app.reader.search_bar.focus()
            for piece in pieces:
                app.reader.search_bar.value += piece
                await settle(pilot)
                assert list(app._notifications) == []
                query = app.reader.search_bar.value
                if query.strip():
                    assert f"“{' '.join(query.split())}”" in app.reader.status

    try:
        asyncio.run(run())
    finally:
        store.close()
