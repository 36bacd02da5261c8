"""The app under faults: an unreadable preferences file, writes the store refuses, keys that
arrive together, a browser that never returns, stores that cannot be used.

Each test drives the real app (`make_app`) with Pilot and checks the screen against the
store: the screen shows only what was saved, and every failure is one line in words.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual._xterm_parser import XTermParser
from textual.events import Key

from newsreader.importer import seed
from newsreader.store import engine
from newsreader.store.store import Store
from newsreader.ui.app import NewsReaderApp, make_app
from newsreader.ui.widgets.search_bar import SearchBar
from tests.ui.helpers import numbered_drafts, settle

SIZE = (120, 40)


def notices(app: NewsReaderApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def assert_in_words(text: str) -> None:
    for leak in ("Error", "[SQL", "BEGIN", "Traceback", "sqlite3.", "psycopg."):
        assert leak not in text, text


# -- 1. a preferences file that could not be read is left as it is ----------------------


@pytest.mark.parametrize(
    "content,reason",
    [
        (b"sort = oldest\n", "line 1"),  # the testers' case: one missing pair of quotes
        (b'list_width = "wide"\n', "list_width (line 1)"),
        (b'sort = "title"\nfont = "big"\n', "'font' (line 2)"),
        (b'theme = "\xff"\n', "not UTF-8"),
    ],
)
async def test_an_unreadable_preferences_file_is_said_once_and_never_rewritten(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    store = Store(f"sqlite:///{tmp_path}/s.db")
    store.add(numbered_drafts(3))
    path = tmp_path / "preferences.toml"
    path.write_bytes(content)
    app = make_app(store, prefs_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("O", "right_square_bracket", "O")  # preferences the app would save
        await settle(pilot)
        said = [n for n in notices(app) if str(path) in n]
        assert len(said) == 1 and reason in said[0], notices(app)
        await pilot.press("q")
    assert path.read_bytes() == content
    store.close()


# -- 2. the screen shows only what was saved ------------------------------------------


@pytest.fixture
def quick_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """A store whose writers give up on a lock after 0.2 s (not 30 s)."""
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 200)
    store = Store(f"sqlite:///{tmp_path}/locked.db")
    store.add(numbered_drafts(5))
    yield store
    store.close()


def stored_flags(store: Store, article_id: int) -> tuple[bool, bool]:
    row = store.rows([article_id])[article_id]
    return row.is_read, row.is_starred


def shown_flags(app: NewsReaderApp, article_id: int) -> tuple[bool, bool]:
    row = app.reader.article_list.row(article_id)
    pane = app.reader.article_pane.article
    assert row is not None and pane is not None and pane.id == article_id
    assert (pane.is_read, pane.is_starred) == (row.is_read, row.is_starred)
    return row.is_read, row.is_starred


def status_of(store: Store) -> str:
    counts = store.counts()
    return f"{counts.total} articles · {counts.unread} unread · {counts.starred} starred"


async def check_refused_writes(app: NewsReaderApp, store: Store, pilot: object) -> None:
    first = app.reader.article_list.highlighted_id
    assert first is not None
    for key in ("m", "s", "enter", "n"):  # toggle read, star, open (read), step (read)
        await pilot.press(key)  # type: ignore[attr-defined]
        await settle(pilot)  # type: ignore[arg-type]
    for article_id in {first, app.reader.article_list.highlighted_id}:
        assert article_id is not None
        assert stored_flags(store, article_id) == (False, False)
        row = app.reader.article_list.row(article_id)
        assert row is not None and (row.is_read, row.is_starred) == (False, False)
    assert shown_flags(app, app.reader.article_list.highlighted_id or 0) == (False, False)
    assert app.reader.status == status_of(store)
    failures = [n for n in notices(app) if n.startswith("Could not")]
    assert {n.split(":")[0] for n in failures} >= {"Could not mark it read", "Could not star it"}
    for notice in failures:
        assert_in_words(notice)


async def test_marks_refused_by_a_locked_store_are_not_shown(quick_store: Store) -> None:
    app = make_app(quick_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        locker = sqlite3.connect(quick_store.engine.url.database or "", isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            await check_refused_writes(app, quick_store, pilot)
            assert any("stayed busy" in n for n in notices(app))
        finally:
            locker.rollback()
            locker.close()
        await pilot.press("s")  # once the lock is gone, marks are saved and shown
        await settle(pilot)
        article_id = app.reader.article_list.highlighted_id or 0
        assert stored_flags(quick_store, article_id)[1] is True
        assert shown_flags(app, article_id)[1] is True
        assert app.reader.status == status_of(quick_store)


@pytest.fixture
def small_mount(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs of its own: to fill to the last byte, or to make read-only."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill (needs root): {done.stderr!r}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> None:
    """Write until the disk refuses even one more byte."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)


async def test_marks_refused_by_a_full_disk_are_not_shown(small_mount: Path) -> None:
    store = Store(f"sqlite:///{small_mount}/store.db")
    store.add(numbered_drafts(5))
    with store.engine.connect() as conn:  # the log empty: the next write needs new space
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        fill(small_mount)
        await check_refused_writes(app, store, pilot)
        assert any("is full" in n for n in notices(app))
    store.close()


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["m", "s", "enter", "n", "j", "k", "escape"]), st.booleans()),
        min_size=1,
        max_size=14,
    )
)
def test_any_keys_with_any_refused_writes_leave_the_screen_as_stored(
    quick_store: Store, steps: list[tuple[str, bool]]
) -> None:
    refusals = iter([refuse for _, refuse in steps])
    real_set_flag = quick_store.set_flag

    def set_flag(article_id: int, flag: str, value: bool) -> None:
        if next(refusals, False):
            from newsreader.store.engine import StoreError

            raise StoreError("the store stayed busy; try again")
        real_set_flag(article_id, flag, value)  # type: ignore[arg-type]

    async def run() -> None:
        app = make_app(quick_store)
        quick_store.set_flag = set_flag  # type: ignore[method-assign]
        try:
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press(*[key for key, _ in steps])  # as fast as keys come
                await settle(pilot)
                for article_id in app.reader.article_list.ids:
                    row = app.reader.article_list.row(article_id)
                    if row is not None:
                        stored = stored_flags(quick_store, article_id)
                        assert (row.is_read, row.is_starred) == stored
                pane = app.reader.article_pane.article
                if pane is not None:
                    assert (pane.is_read, pane.is_starred) == stored_flags(quick_store, pane.id)
                assert app.reader.status == status_of(quick_store)
        finally:
            del quick_store.set_flag

    asyncio.run(run())


# -- 3. every key after / is the search bar's -----------------------------------------


@pytest.fixture
def store_50(tmp_path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path}/fifty.db")
    seed(store)
    store.add(numbered_drafts(49))
    yield store
    store.close()


def deliver(app: NewsReaderApp, typed: str) -> None:
    """Keys as the driver delivers one read of the terminal: parsed, all posted before the
    app handles any of them."""
    for event in XTermParser().feed(typed):
        if isinstance(event, Key):
            app.post_message(event)


@pytest.mark.parametrize("typed", ["/quake", "/smash", "/Sm/q"])
async def test_keys_that_arrive_with_slash_are_typed_into_the_search_bar(
    store_50: Store, typed: str
) -> None:
    before = store_50.counts()
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        deliver(app, typed)
        await settle(pilot)
        assert app.is_running
        assert isinstance(app.focused, SearchBar)
        assert app.reader.search_bar.value == typed[1:]
        assert store_50.counts() == before  # nothing marked or starred
        assert app.reader.view == "all" and app.reader.sort == "newest"


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(
        st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=8),
        min_size=1,
        max_size=4,
    )
)
def test_any_keys_after_slash_are_typed_not_run(store_50: Store, texts: list[str]) -> None:
    before = store_50.counts()

    async def run() -> None:
        app = make_app(store_50)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for text in texts:
                app.reader.article_list.focus()
                app.reader.search_bar.value = ""
                await settle(pilot)
                deliver(app, "/" + text)
                await settle(pilot)
                assert app.is_running and app.screen is app.screen_stack[0]
                assert app.reader.search_bar.value == text
        assert store_50.counts() == before

    asyncio.run(run())


# -- 5. opening a link never freezes the app ------------------------------------------


@pytest.fixture
def linked(tmp_path: Path) -> Iterator[Store]:
    from newsreader.ingest import ArticleDraft

    store = Store(f"sqlite:///{tmp_path}/links.db")
    store.add(
        [
            ArticleDraft(
                title=f"Linked {n}",
                body="Body.",
                source="Wire",
                origin=f"test:link{n}",
                url=f"https://example.org/{n}",
            )
            for n in range(3)
        ]
    )
    yield store
    store.close()


async def test_a_browser_that_never_returns_does_not_freeze_the_app(
    linked: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release, started = tmp_path / "release", tmp_path / "started"
    browser = tmp_path / "browser"
    browser.write_text(
        f'#!/bin/sh\necho "$1" > {started}\n'
        f"while [ ! -e {release} ]; do sleep 0.05; done\n"
        f"echo done >> {started}\n"
    )
    browser.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(browser))
    safety = threading.Timer(20, release.touch)  # the old code waits for it: let it end
    safety.start()
    app = make_app(linked)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("o")
            for _ in range(200):  # until the browser has started (bounded, not timed)
                if started.exists():
                    break
                await pilot.pause(0.05)
            await pilot.press("j")
            await settle(pilot)
            assert app.reader.article_list.cursor == 1  # the app went on at once
            assert started.read_text() == "https://example.org/2\n"  # still running
            assert any(n.startswith("Opening https://example.org/2") for n in notices(app))
    finally:
        release.touch()
        safety.cancel()


async def test_with_no_browser_the_notice_says_so(
    linked: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    app = make_app(linked)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        said = notices(app)
        assert not any(n.startswith("Opening") for n in said), said
        assert any("no web browser" in n for n in said), said


async def test_a_browser_command_that_fails_is_said(
    linked: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROWSER", "false")  # found, starts, and fails at once
    app = make_app(linked)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        said = notices(app)
        assert not any(n.startswith("Opening") for n in said), said
        assert any("false could not open it" in n for n in said), said


@given(url=st.text(max_size=40) | st.sampled_from(["file:///etc/passwd", "javascript:x()"]))
@settings(max_examples=200, deadline=None)
def test_only_web_links_reach_a_browser(url: str) -> None:
    from newsreader.links import is_web_link
    from newsreader.ui import browser

    started: list[list[str]] = []

    def popen(argv: list[str], **_: object) -> subprocess.Popen[bytes]:
        started.append(argv)
        raise OSError(2, "not really")

    original = subprocess.Popen
    subprocess.Popen = popen  # type: ignore[assignment,misc]
    old = os.environ.get("BROWSER")
    os.environ["BROWSER"] = "true"
    try:
        problem = browser.open_detached(url)
    finally:
        subprocess.Popen = original  # type: ignore[misc]
        if old is None:
            del os.environ["BROWSER"]
        else:
            os.environ["BROWSER"] = old
    assert bool(started) == is_web_link(url)
    if started:
        assert started == [["true", url]]  # one argv, never a shell line
    assert problem is not None  # started nothing real


# -- 6. an unusable store is said, and the app ends ----------------------------------


async def ends_with(url: str, *, prefs: Path) -> str:
    app = make_app(db_url=url, prefs_path=prefs)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(400):  # bounded: each step waits for the app, not for a time
            await pilot.pause(0.05)
            if not app.is_running:
                break
        assert not app.is_running, f"still on {app.reader.status!r} with {notices(app)}"
    assert app.return_code == 1 and app.error
    assert "\n" not in app.error
    assert_in_words(app.error)
    return app.error


@pytest.mark.parametrize(
    "make,said",
    [
        (lambda d: "/dev/null", "/dev/null"),
        (lambda d: str(d.mkdir() or d), "folder"),
        (lambda d: (d.write_bytes(b"SQLite format 3\0" + b"\x07" * 3000), str(d))[1], "damaged"),
        (lambda d: (d.write_text("just some text\n" * 300), str(d))[1], "damaged"),
    ],
    ids=["dev-null", "folder", "damaged", "text-file"],
)
async def test_an_unusable_store_is_said_in_one_line_and_the_app_ends(
    tmp_path: Path, make: object, said: str
) -> None:
    target = make(tmp_path / "store.db")  # type: ignore[operator]
    error = await ends_with(f"sqlite:///{target}", prefs=tmp_path / "p.toml")
    assert said in error


async def test_a_store_damaged_past_its_header_is_said(tmp_path: Path) -> None:
    """It opens (its schema and meta pages are whole) but its articles cannot be listed: the
    app used to sit on "loading…" under a notice naming an exception."""
    path = tmp_path / "store.db"
    store = Store(f"sqlite:///{path}")
    seed(store)
    store.add(numbered_drafts(200))
    store.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = [
            row[0]
            for row in conn.execute(
                "SELECT rootpage FROM sqlite_master WHERE tbl_name = 'article' AND rootpage > 0"
            )
        ]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    with path.open("r+b") as file:
        for page in pages:
            file.seek((page - 1) * size)
            file.write(b"\xa5" * size)
    error = await ends_with(f"sqlite:///{path}", prefs=tmp_path / "p.toml")
    assert "damaged" in error and "newsreader doctor" in error


async def test_a_read_only_folder_is_said(tmp_path: Path, small_mount: Path) -> None:
    seed_store = Store(f"sqlite:///{small_mount}/store.db")
    seed(seed_store)
    seed_store.close()
    subprocess.run(["mount", "-o", "remount,ro", str(small_mount)], check=True)
    for name in ("store.db", "new.db"):
        error = await ends_with(f"sqlite:///{small_mount}/{name}", prefs=tmp_path / "p.toml")
        assert "read-only" in error


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that takes connections and never answers, as a hung database server does."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


async def test_a_server_that_never_answers_is_said_and_q_quits(
    tmp_path: Path, silent_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("psycopg")
    from newsreader.ui import app as app_module

    monkeypatch.setattr(app_module, "OPEN_PATIENCE", 0.2)
    url = f"postgresql+psycopg://nobody@127.0.0.1:{silent_server}/news"
    app = make_app(db_url=url, prefs_path=tmp_path / "p.toml")
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            if any("has not answered" in n for n in notices(app)):
                break
        assert "q quits" in app.reader.status
        await pilot.press("q")
    assert not app.is_running  # that the process then ends: test_signals.py, in a terminal


async def test_an_unreachable_server_is_said(tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    error = await ends_with(
        f"postgresql+psycopg://nobody@127.0.0.1:{port}/news", prefs=tmp_path / "p.toml"
    )
    assert "127.0.0.1" in error


# -- 4. the app ends cleanly whatever is in flight --------------------------------------


def test_the_app_handles_none_of_the_reading_views_messages() -> None:
    """`ScreenStackError: No screens on stack` at exit: an app handler of the list's
    messages ran after the screen was gone. The reading view's messages are handled by the
    screen, which stops taking messages when it is removed."""
    from newsreader.ui import messages
    from newsreader.ui.widgets.article_list import ArticleList

    reading = {
        ArticleList.Updated,
        ArticleList.Highlighted,
        ArticleList.Opened,
        SearchBar.Changed,
        SearchBar.Submitted,
        messages.IdsLoaded,
        messages.SearchFinished,
        messages.SearchFailed,
        messages.ArticleLoaded,
        messages.FlagSaved,
    }
    handled = set(NewsReaderApp._decorated_handlers)
    assert not handled & reading
    assert not any(hasattr(NewsReaderApp, message.handler_name) for message in reading), (
        "an on_* handler of a reading message on the app"
    )


@pytest.mark.parametrize("query", ["orchard", "o", "after:2019-"])
async def test_quitting_right_after_a_keystroke_ends_cleanly(store_50: Store, query: str) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        for key in query:
            deliver(app, key)
        app.exit()  # as the benchmark does: the search's answer is still on its way
    assert app.return_code == 0
