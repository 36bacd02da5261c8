"""The app over hostile articles: every escape and control is gone from the screen, markup
shows as text, and the extremes (a 5 MB article, a 20,000-character word, an empty title,
10,000 identical titles) open, scroll and quit like any other article."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsreader.ingest import ArticleDraft
from newsreader.ingest.text import parse_text
from newsreader.store.store import Store
from newsreader.ui.app import make_app
from newsreader.ui.widgets.article_view import ArticlePane
from tests.core.hostile import CONTROL_CASES, MARKUP_CASES, assert_terminal_safe
from tests.ui.helpers import flat, region_text, screen_lines, settle

SIZE = (120, 40)
BASE = datetime(2024, 5, 1, tzinfo=UTC)


def _hostile_store(tmp_path: Path, *, through_ingest: bool) -> Store:
    """One article per case. Through ingest (the real path), or written raw, as a store
    filled by an older or foreign writer might hold it: the UI must be safe on its own."""
    store = Store(f"sqlite:///{tmp_path}/hostile-{through_ingest}.db")
    drafts = []
    for n, (raw, _) in enumerate(CONTROL_CASES + [(m, m) for m in MARKUP_CASES]):
        title = f"Case {n:02d} {raw}"
        body = f"Body {n:02d} says {raw} and ends."
        if through_ingest:
            draft = parse_text(f"{title}\n\n{body}\n".encode(), f"case{n}.txt", "Hostile")
        else:
            draft = ArticleDraft(title=title, body=body, source=f"Src {raw}", origin="raw")
        drafts.append(
            ArticleDraft(
                title=draft.title,
                body=draft.body,
                source=draft.source,
                origin=draft.origin,
                published_at=BASE + timedelta(hours=100 - n),  # case 00 first
            )
        )
    store.add(drafts)
    return store


async def _walk_every_article(tmp_path: Path, *, through_ingest: bool) -> None:
    store = _hostile_store(tmp_path, through_ingest=through_ingest)
    cases = CONTROL_CASES + [(m, m) for m in MARKUP_CASES]
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for n, (_, visible) in enumerate(cases):
            if n:
                await pilot.press("j")
                await settle(pilot)
            for line in screen_lines(app):
                assert_terminal_safe(line)
            pane = flat(region_text(app, app.reader.article_pane))
            assert f"Body {n:02d} says {flat(visible)} and ends." in pane, (n, pane[:200])
            assert app.is_running
        # Clicking the markup cases' text in the pane does nothing the reader did not ask.
        await pilot.click(ArticlePane, offset=(4, 1))
        await pilot.click(ArticlePane, offset=(10, 6))
        await settle(pilot)
        assert app.is_running
    store.close()


async def test_escapes_and_markup_through_ingest(tmp_path: Path) -> None:
    await _walk_every_article(tmp_path, through_ingest=True)


async def test_escapes_and_markup_written_raw_are_still_safe_on_screen(tmp_path: Path) -> None:
    await _walk_every_article(tmp_path, through_ingest=False)


async def test_extremes_open_scroll_and_quit(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/extremes.db")
    paragraph = "The quick brown fox jumps over the lazy dog near the harbour. " * 40
    huge = "\n\n".join(paragraph for _ in range(2100))  # about 5 MB
    word = "x" * 20_000
    store.add(
        [
            ArticleDraft("Huge article", huge, "Big", "t", published_at=BASE),
            ArticleDraft(
                f"Long {word}",
                f"A word: {word} ends.",
                "Wide",
                "t",
                published_at=BASE - timedelta(hours=1),
            ),
            ArticleDraft(
                "",
                "A body under an empty title.",
                "Blank",
                "t",
                published_at=BASE - timedelta(hours=2),
            ),
        ]
    )
    assert len(huge) > 5_000_000
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "The quick brown fox" in region_text(app, app.reader.article_pane)
        await pilot.press("enter", "space", "space", "G")  # read, page, jump to the end
        await settle(pilot)
        end = flat(region_text(app, app.reader.article_pane))
        assert "`newsreader show 1` prints the whole article." in end  # the pane says so
        await pilot.press("g")
        await settle(pilot)
        assert "Huge article" in region_text(app, app.reader.article_pane)
        await pilot.press("escape", "j")
        await settle(pilot)
        listing = region_text(app, app.reader.article_list)
        assert "Long xxxxxxxx" in listing  # cut to the column, not overflowing it
        assert all(len(line) <= SIZE[0] for line in screen_lines(app))
        await pilot.press("j")
        await settle(pilot)
        assert "(untitled)" in region_text(app, app.reader.article_list)
        assert "A body under an empty title." in flat(region_text(app, app.reader.article_pane))
        await pilot.press("q")
    assert not app.is_running
    store.close()


async def test_ten_thousand_identical_titles(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/same.db")
    store.add(
        ArticleDraft(
            "Same headline",
            f"Body number {n}.",
            "Copycat",
            "t",
            published_at=BASE - timedelta(minutes=n),
        )
        for n in range(10_000)
    )
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.reader.status.startswith("10,000 articles")
        await pilot.press("G")
        await settle(pilot)
        assert "Body number 9999." in flat(region_text(app, app.reader.article_pane))
        await pilot.press("slash", *"same headlin")
        await settle(pilot)
        assert app.reader.status.startswith("10,000 of 10,000")
    store.close()
