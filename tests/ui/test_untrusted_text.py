"""Article text is data: markup in it shows literally and clicking it does nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.ingest import ArticleDraft
from newsreader.store.store import Store
from newsreader.ui.app import make_app
from tests.ui.helpers import flat, region_text, screen_lines, settle

CLICK = "[@click=app.quit]click me[/]"
BOLD = "[bold red]x[/]"
US = "[US]"
LINK = "[link=file:///etc/passwd]x[/link]"
HOSTILE_TITLE = f"{CLICK} {US}"
HOSTILE_SOURCE = BOLD
HOSTILE_BODY = (
    f"First {CLICK} paragraph {US} here.\n\n"
    f"Second {BOLD} and {LINK} done.\n\n"
    "Third: [/] [b]unclosed [the_ad id=’2023′] [$accent]var[/]"
)


@pytest.fixture
def hostile_store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path}/hostile.db")
    store.add(
        [ArticleDraft(title=HOSTILE_TITLE, body=HOSTILE_BODY, source=HOSTILE_SOURCE, origin="t")]
    )
    return store


def find(app: object, text: str) -> tuple[int, int]:
    """Screen (x, y) of the first occurrence of `text`."""
    for y, line in enumerate(screen_lines(app)):  # type: ignore[arg-type]
        if (x := line.find(text)) >= 0:
            return x, y
    raise AssertionError(f"{text!r} is not on screen")


async def test_markup_in_articles_is_shown_literally_and_is_inert(hostile_store: Store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listed = region_text(app, app.reader.article_list)
        assert HOSTILE_TITLE in listed
        assert HOSTILE_SOURCE in listed
        pane = flat(region_text(app, app.reader.article_pane))
        assert HOSTILE_TITLE in pane
        assert f"{HOSTILE_SOURCE} · 1 min read" in pane
        assert f"First {CLICK} paragraph {US} here." in pane
        assert f"Second {BOLD} and {LINK} done." in pane
        assert "Third: [/] [b]unclosed [the_ad id=’2023′] [$accent]var[/]" in pane
        assert app.reader.status == "1 article · 1 unread · 0 starred"

        # Nothing on screen carries a link or an action from the article's text.
        for strip in app.screen._compositor.render_strips():
            for segment in strip:
                style = segment.style
                if style is not None:
                    assert not style.link, segment
                    assert "@click" not in (style.meta or {}), segment

        # Clicking the would-be action, in the list and in the article, does not quit.
        for _ in range(2):
            x, y = find(app, "click me")
            await pilot.click(offset=(x + 2, y))
            await settle(pilot)
            assert app.return_code is None
            await pilot.press("enter")  # the second round clicks inside the article pane
            await settle(pilot)
        x, y = find(app, f"First {CLICK}")
        await pilot.click(offset=(x + len("First [@click=app.quit]") + 1, y))
        await settle(pilot)
        assert app.return_code is None
        assert app.is_running


async def test_a_hostile_query_is_shown_literally(hostile_store: Store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"[bold]zz[/]")
        await settle(pilot)
        assert "No articles match “[bold]zz[/]”" in flat(region_text(app, app.reader.article_list))
        assert app.reader.status == "0 of 1 · “[bold]zz[/]”"
        assert "[bold]zz[/]" in screen_lines(app)[0]
