"""config.toml in the running app: rebound keys (the key, help, footer), refused rebindings,
auto-refresh against a local server, the new-articles hook, and link openers (argv only)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from newsreader import paths
from newsreader.config import toml_value
from newsreader.ingest import ArticleDraft
from newsreader.store.feeds import add_feed
from newsreader.store.store import Store
from newsreader.ui.app import NewsReaderApp, make_app
from newsreader.ui.screens.help import HelpScreen
from newsreader.ui.widgets.app_header import AppHeader
from newsreader.ui.widgets.refresh_bar import RefreshBar
from tests.feeds.server import FeedServer, Response, serving
from tests.ui.helpers import flat, screen_lines, settle

SIZE = (120, 40)


def write_config(text: str) -> None:
    path = paths.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def notices(app: NewsReaderApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def recorder(tmp_path: Path, out: Path, status: int = 0) -> list[str]:
    """argv of a program that appends its own arguments (as JSON) to `out`."""
    script = tmp_path / f"record-{out.stem}-{status}.py"
    script.write_text(
        "import json, sys\n"
        f"with open({str(out)!r}, 'a') as f: f.write(json.dumps(sys.argv[1:]) + '\\n')\n"
        f"sys.exit({status})\n"
    )
    return [sys.executable, str(script)]


def recorded(out: Path) -> list[list[str]]:
    return [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []


async def until(pilot: Pilot[None], done: Callable[[], bool], what: str) -> None:
    """Wait for `done` (bounded: the wait is a limit, never what is asserted)."""
    for _ in range(300):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")


# -- keys ---------------------------------------------------------------------------------


async def test_a_rebound_key_acts_and_help_and_footer_show_it(store_50: Store) -> None:
    write_config('[keys]\nmark_read = "x"\nsearch = "z"\n')
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not any("config.toml" in n for n in notices(app))
        footer = screen_lines(app)[-1]
        assert "z Search" in footer and "/ Search" not in footer
        first = app.reader.article_list.highlighted_id
        assert first is not None
        await pilot.press("m")
        await settle(pilot)
        assert not store_50.rows([first])[first].is_read
        await pilot.press("x")
        await settle(pilot)
        assert store_50.rows([first])[first].is_read
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = flat("\n".join(screen_lines(app)))
        assert "x Mark read / unread" in text and "m Mark read / unread" not in text


async def test_two_actions_on_one_key_keep_the_defaults_and_are_said(store_50: Store) -> None:
    write_config('[keys]\nmark_read = "s"\nhelp = "f1"\n')
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = [n for n in notices(app) if "config.toml" in n]
        assert len(said) == 1 and "keys.mark_read" in said[0] and "line 2" in said[0], said
        first = app.reader.article_list.highlighted_id
        assert first is not None
        await pilot.press("s")  # still star's
        await settle(pilot)
        row = store_50.rows([first])[first]
        assert row.is_starred and not row.is_read
        await pilot.press("m")  # mark_read keeps its default
        await settle(pilot)
        assert store_50.rows([first])[first].is_read
        await pilot.press("f1")  # the other rebinding is used
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


# -- auto-refresh and the hook ------------------------------------------------------------


def rss(*guids: str) -> bytes:
    items = "".join(
        f"<item><title>Ferry {g}</title><guid>{g}</guid><description>Boats {g}.</description>"
        "</item>"
        for g in guids
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title>{items}'
        "</channel></rss>"
    ).encode()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    yield from serving()


async def test_auto_refresh_runs_in_the_background_and_keeps_the_place(
    store_50: Store, server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "hook.jsonl"
    hook = [*recorder(tmp_path, out), "{count} new", "{feeds}", "{names}"]
    write_config(f"[refresh]\non_start = true\n[hooks]\nnew_articles = {toml_value(hook)}\n")
    monkeypatch.setattr(RefreshBar, "_test_interval", 0.3)  # the config's minimum is 1m
    server.serve("/f", rss("a1"))
    server.routes["/broken"] = lambda _: Response(500, b"")
    add_feed(store_50, server.url("/f"))
    add_feed(store_50, server.url("/broken"))
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        header = app.reader.query_one("#header", AppHeader)
        await until(pilot, lambda: "refreshed" in header.refreshed, "the first refresh")
        assert "1 new" in header.refreshed and "1 failed" in header.refreshed
        assert not any("feeds:" in n for n in notices(app))  # the header says it, no notice
        await until(pilot, lambda: len(recorded(out)) == 1, "the hook")
        assert recorded(out) == [["1 new", "1", "Harbour"]]
        await settle(pilot)
        articles = app.reader.article_list
        articles.move_to(5)
        await settle(pilot)
        kept, row_on_screen = articles.highlighted_id, articles.cursor * 2 - articles.scroll_y
        server.serve("/f", rss("a1", "a2", "a3"))  # the next tick brings two more
        await until(pilot, lambda: store_50.counts().total == 50 + 3, "the second refresh")
        await until(pilot, lambda: "2 new" in header.refreshed, "the header")
        await settle(pilot)
        assert articles.highlighted_id == kept  # the person's place
        assert articles.cursor * 2 - articles.scroll_y == row_on_screen
        await until(pilot, lambda: len(recorded(out)) == 2, "the second hook")
        assert recorded(out)[1][0] == "2 new"


async def test_a_failing_hook_is_said_once(
    store_50: Store, server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "hook.jsonl"
    write_config(f"[hooks]\nnew_articles = {toml_value(recorder(tmp_path, out, status=2))}\n")
    monkeypatch.setattr(RefreshBar, "_test_interval", 0.2)
    counter = iter(range(1, 1000))
    server.routes["/f"] = lambda _: Response(200, rss(f"n{next(counter)}"))
    add_feed(store_50, server.url("/f"))
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await until(pilot, lambda: len(recorded(out)) >= 3, "three hooks")
        await settle(pilot)
        said = [n for n in notices(app) if "hooks.new_articles" in n]
        assert len(said) == 1 and "stopped with status 2" in said[0], said


# -- openers ------------------------------------------------------------------------------

HOSTILE = "http://x/$(touch${IFS}pwned);id"
HOSTILE_WITH_SPACE = "http://x/$(touch pwned);id"


@pytest.fixture
def linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.chdir(tmp_path)  # where a `touch pwned` would land
    store = Store(f"sqlite:///{tmp_path}/links.db")
    body = "A clip.\n\nLinks:\n[1] https://v.example/clip.mp4\n[2] https://example.org/page"
    store.add(
        [
            ArticleDraft(
                title="Hostile",
                body="Body.",
                source="Wire",
                origin="t:1",
                url=HOSTILE,
                published_at=None,
            ),
            ArticleDraft(
                title="Spaced", body="Body.", source="Wire", origin="t:2", url=HOSTILE_WITH_SPACE
            ),
            ArticleDraft(title="Clip", body=body, source="Wire", origin="t:3", url=None),
        ]
    )
    yield store
    store.close()


async def _open_titled(pilot: Pilot[None], title: str) -> None:
    app = pilot.app
    assert isinstance(app, NewsReaderApp)
    articles = app.reader.article_list
    for index, article_id in enumerate(articles.ids):
        if (row := articles.row(article_id)) is not None and row.title == title:
            articles.move_to(index)
            await settle(pilot)
            return
    raise AssertionError(f"no article {title!r}")


async def test_the_opener_gets_the_hostile_link_as_one_argument(
    linked: Store, tmp_path: Path
) -> None:
    out, videos = tmp_path / "opened.jsonl", tmp_path / "videos.jsonl"
    write_config(
        f"opener = {toml_value([*recorder(tmp_path, out), '--url={url}'])}\n"
        "[[openers]]\n"
        'match = "\\\\.mp4$"\n'
        f"command = {toml_value(recorder(tmp_path, videos))}\n"
    )
    app = make_app(linked)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_titled(pilot, "Hostile")
        await pilot.press("o")
        await settle(pilot)
        await until(pilot, lambda: bool(recorded(out)), "the opener")
        assert recorded(out) == [[f"--url={HOSTILE}"]]

        await _open_titled(pilot, "Spaced")  # not a web link: never reaches the opener
        await pilot.press("o")
        await settle(pilot)
        assert len(recorded(out)) == 1
        assert any(n.startswith("Not opened") for n in notices(app))

        await _open_titled(pilot, "Clip")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("1")  # the .mp4 link: the matching opener, the link appended
        await settle(pilot)
        await until(pilot, lambda: bool(recorded(videos)), "the video opener")
        assert recorded(videos) == [["https://v.example/clip.mp4"]]
        await pilot.press("2")  # any other link: `opener`
        await settle(pilot)
        await until(pilot, lambda: len(recorded(out)) == 2, "the opener again")
        assert recorded(out)[1] == ["--url=https://example.org/page"]
    assert not list(tmp_path.rglob("pwned")) and not Path("pwned").exists()


async def test_a_feed_moving_onto_another_is_said_once_in_the_app(
    store_50: Store, server: FeedServer
) -> None:
    server.routes["/old"] = lambda _: Response(301, b"", {"Location": server.url("/new")})
    server.serve("/new", rss("m1"))
    add_feed(store_50, server.url("/new"))
    add_feed(store_50, server.url("/old"))
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(2):
            await pilot.press("r")
            await settle(pilot)
        said = [n for n in notices(app) if "moved permanently" in n]
        assert len(said) == 1 and "already the feed" in said[0], notices(app)
