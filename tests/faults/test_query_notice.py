"""The search bar under a query that cannot run: the reason is shown, not swallowed."""

from __future__ import annotations

from pathlib import Path

from newsreader.store.store import Store
from newsreader.ui.app import make_app
from tests.ui.helpers import numbered_drafts, settle


async def test_a_query_error_is_a_notice_and_nothing_matches(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/s.db")
    store.add(numbered_drafts(5))
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.search_bar.focus()
        app.search_bar.value = "orchard is:bogus"
        await settle(pilot)
        notices = [str(n.message) for n in app._notifications]
        assert any(n.startswith("is:bogus: not a state") for n in notices), notices
        assert app.shown_query == "orchard is:bogus" and app.article_list.ids == []
        app.search_bar.value = "orchard is:unread"
        await settle(pilot)
        assert len(app.article_list.ids) == 1
    store.close()
