"""A keystroke's search is shown by its own handler when quick, by a worker when slow: the same
list either way, a slow search never holds the handler, and an older answer never replaces a
newer one (ui/keystroke.py, ReaderScreen.run_search / _show_answer)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.message import Message

from newsreader.importer import seed
from newsreader.search.query import Filters
from newsreader.search.result import SearchCancelled, SearchResult
from newsreader.store.store import Store
from newsreader.ui import messages
from newsreader.ui.app import NewsReaderApp, make_app
from newsreader.ui.keystroke import Answer, Request, Searches
from tests.ui.helpers import numbered_drafts, settle

SIZE = (120, 40)


class Held:
    """`store.search`, held at a gate for the queries named (each call once entered is
    counted); `fake` answers a held query with a result of its own instead."""

    def __init__(self, store: Store, queries: set[str], fake: SearchResult | None = None):
        self.real = store.search
        self.queries = queries
        self.fake = fake
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.store = store
        store.search = self  # type: ignore[method-assign]

    def __call__(self, query: str, **kwargs: Any) -> SearchResult:
        if query in self.queries:
            self.entered.set()
            self.gate.wait(30)
            if self.fake is not None:
                return self.fake
        return self.real(query, **kwargs)

    def release(self) -> None:
        self.gate.set()
        del self.store.search


@pytest.fixture
def store_50(tmp_path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path}/fifty.db")
    seed(store)
    store.add(numbered_drafts(49))
    yield store
    store.close()


async def entered(held: Held) -> None:
    """Until the held search has started (its handler has run and handed it on)."""
    for _ in range(200):
        if held.entered.is_set():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the search never started")


def keys(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


def listed(app: NewsReaderApp) -> tuple[object, ...]:
    reader = app.reader
    articles = reader.article_list
    rows = [articles.row(i) for i in articles.ids[: articles.screenful]]
    return (reader.shown_query, list(articles.ids), rows, reader.status)


async def test_the_handler_and_the_worker_show_the_same_list(store_50: Store) -> None:
    query = "story harb"
    shown = {}
    for path in ("handler", "worker"):
        finished: list[Message] = []

        def hook(message: Message, finished: list[Message] = finished) -> None:
            if isinstance(message, messages.SearchFinished):
                finished.append(message)

        app = make_app(store_50)
        async with app.run_test(size=SIZE, message_hook=hook) as pilot:
            await settle(pilot)
            held = None
            if path == "handler":
                app.reader._searches.wait = 30.0  # every search answers within its handler
            else:
                held = Held(store_50, {query})
            await pilot.press("slash", *keys(query))
            if held is not None:
                await entered(held)
                held.release()
            await settle(pilot)
            shown[path] = listed(app)
            answered = [m.answer.query for m in finished if isinstance(m, messages.SearchFinished)]
            assert (query in answered) == (path == "worker"), answered
    assert shown["handler"] == shown["worker"]
    assert shown["handler"][0] == query
    assert shown["handler"][1] == store_50.search(query).ids


async def test_a_slow_search_never_holds_its_key_handler(store_50: Store) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "o", "r")
        await settle(pilot)
        held = Held(store_50, {"orc"})
        await pilot.press("c")
        await entered(held)
        # The handler returned while its search is still held: the loop goes on taking keys.
        assert not held.gate.is_set()
        assert app.reader.shown_query == "or"
        await pilot.press("h")
        assert app.reader.search_bar.value == "orch"
        assert not held.gate.is_set()
        held.release()
        await settle(pilot)
        assert app.reader.shown_query == "orch"
        assert list(app.reader.article_list.ids) == store_50.search("orch").ids
        assert app._batch_count == 0


async def test_an_older_answer_never_replaces_a_newer_one(store_50: Store) -> None:
    """`o` is slow (and answers wrongly, to be seen), `or` then back to `o` are quick: when
    the first `o` answers at last, for the very text in the bar, it is still not shown."""
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        decoy = SearchResult("o", [store_50.search("story").ids[-1]], [])
        held = Held(store_50, {"o"}, fake=decoy)
        await pilot.press("slash", "o")
        await entered(held)
        held.queries = set()  # the next searches answer at once
        await pilot.press("r", "backspace")
        held.release()
        await settle(pilot)
        right = store_50.search("o").ids
        assert app.reader.shown_query == "o"
        assert list(app.reader.article_list.ids) == right != decoy.ids
        # Even delivered, an answer of an older generation is dropped.
        stale = Answer("o", decoy, {}, app.reader._key, generation=1)
        app.reader.post_message(messages.SearchFinished(stale))
        await settle(pilot)
        assert list(app.reader.article_list.ids) == right


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["s", "t", "o", "r", "y", "backspace"]), st.booleans()),
        min_size=1,
        max_size=8,
    ),
    order=st.randoms(use_true_random=False),
)
def test_whatever_answers_last_the_list_is_the_last_texts(
    store_50: Store, steps: list[tuple[str, bool]], order: Any
) -> None:
    """Keys typed with some searches slow, released in any order: the list ends as the
    search of what the bar says."""

    async def run() -> None:
        app = make_app(store_50)
        real = store_50.search
        gates: dict[str, threading.Event] = {}
        slow: set[str] = set()

        def search(query: str, **kwargs: Any) -> SearchResult:
            if query in slow:
                gates.setdefault(query, threading.Event()).wait(30)
            return real(query, **kwargs)

        try:
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press("slash")
                store_50.search = search  # type: ignore[method-assign]
                text = ""
                for key, is_slow in steps:
                    text = text[:-1] if key == "backspace" else text + key
                    if is_slow and text:
                        slow.add(text)
                        gates.setdefault(text, threading.Event())
                    await pilot.press(key)
                for gate in order.sample(list(gates.values()), len(gates)):
                    gate.set()
                    await asyncio.sleep(0)
                await settle(pilot)
                value = app.reader.search_bar.value
                assert value == text
                if text.strip():
                    assert app.reader.shown_query == text
                    assert list(app.reader.article_list.ids) == real(text).ids
                assert app._batch_count == 0
        finally:
            for gate in gates.values():
                gate.set()
            store_50.__dict__.pop("search", None)

    asyncio.run(run())


async def test_each_key_paints_the_list_once_with_its_echo(store_50: Store) -> None:
    """Echo, list and header go out in one frame, with no layout of the screen; nothing of
    the list is painted again for the same key (a second frame waited for the next key)."""
    app = make_app(store_50)
    frames: list[set[str]] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "s", "t")  # then every result fills the list: no layout
        app.reader.search_bar.cursor_blink = False
        app.reader._searches.wait = 30.0  # the handler's path, whatever the machine's load
        await settle(pilot)
        screen = app.reader
        paint, layout = screen._compositor_refresh, screen._refresh_layout

        def painted() -> None:
            frames.append({type(w).__name__ for w in screen._dirty_widgets})
            paint()

        def laid_out(*args: Any, **kwargs: Any) -> None:
            frames.append({"layout"})
            layout(*args, **kwargs)

        screen._compositor_refresh = painted  # type: ignore[method-assign]
        screen._refresh_layout = laid_out  # type: ignore[method-assign]
        changed = 0
        for key in ("o", "r", "y", "backspace", "backspace", "backspace", "x"):
            frames.clear()
            before = screen.article_list.painted
            await pilot.press(key)
            await pilot.pause(0.05)
            listed = type(screen.article_list).__name__  # StoryList, an ArticleList
            keyed = [f for f in frames if f & {listed, "SearchBar", "ScrollBar"}]
            assert len(keyed) == 1, frames  # not the echo alone, nor the scrollbar after
            assert {"layout"} not in frames, frames
            # A list whose lines on screen stay the same is not painted (list_repaint)
            if screen.article_list.painted != before:
                changed += 1
                assert {listed, "SearchBar", "Static"} <= keyed[0], (key, frames)
            else:
                assert {"SearchBar", "Static"} <= keyed[0] and listed not in keyed[0], frames
        assert changed >= 2  # the keys above change the list's lines: the check ran


class GatedStore:
    """A store whose searches wait at a gate, then answer as a cancelled search does."""

    def __init__(self) -> None:
        self.gate = threading.Event()

    def search(self, query: str, *, cancelled: Any, **kwargs: Any) -> SearchResult:
        self.gate.wait(30)
        if cancelled():
            raise SearchCancelled
        return SearchResult(query, [1], [])

    def rows(self, ids: Any) -> dict[int, Any]:
        return {}


def test_a_newer_search_cancels_the_older_and_the_pool_ends_with_the_screen() -> None:
    request = Request("q", ("all", "newest"), Filters(), "newest", 10)
    searches = Searches(wait=0.0)
    slow = GatedStore()
    first = searches.submit(slow, request)  # type: ignore[arg-type]
    assert searches.quick(first) is None and not first.done()  # handed to `when_done`
    delivered: list[object] = []
    searches.when_done(first, delivered.append, delivered.append)
    fast = GatedStore()
    fast.gate.set()
    searches.wait = 30.0
    second = searches.quick(searches.submit(fast, request))  # type: ignore[arg-type]
    assert second is not None and searches.is_newest(second)
    slow.gate.set()
    held = GatedStore()
    running = [searches.submit(held, request) for _ in range(2)]  # type: ignore[arg-type]
    queued = searches.submit(held, request)  # type: ignore[arg-type]
    for future in (queued, *running):
        searches.when_done(future, delivered.append, delivered.append)
    searches.close()
    held.gate.set()
    searches._pool.shutdown(wait=True)  # every search and its callback has run
    assert queued.cancelled()  # never ran: the screen went
    assert delivered == []  # the first stopped (a newer one was asked for), the rest too
    assert not searches.is_newest(second)


class FailingStore(GatedStore):
    def search(self, query: str, *, cancelled: Any, **kwargs: Any) -> SearchResult:
        self.gate.wait(30)
        raise RuntimeError("disk I/O error")


def test_a_slower_answer_or_its_error_is_delivered_once_even_when_it_ended_first() -> None:
    """`when_done` is asked after `quick` gave up; the search may have ended in between:
    its answer is still delivered (it was dropped, and the list stayed on the old text)."""
    request = Request("q", ("all", "newest"), Filters(), "newest", 10)
    searches = Searches(wait=0.0)
    for store in (GatedStore(), FailingStore()):
        future = searches.submit(store, request)  # type: ignore[arg-type]
        assert searches.quick(future) is None
        store.gate.set()
        futures.wait([future])
        answers: list[Answer] = []
        errors: list[BaseException] = []
        searches.when_done(future, answers.append, errors.append)
        if isinstance(store, FailingStore):
            assert answers == [] and [str(e) for e in errors] == ["disk I/O error"]
        else:
            assert [a.query for a in answers] == ["q"] and errors == []
    searches.close()


async def test_a_slow_search_that_fails_is_said_in_one_line_and_frees_the_screen(
    store_50: Store,
) -> None:
    """Answered after its key's frame, a failed search reaches the person as a notice (no
    exception name), and the repaints held for its list resume at once."""
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        held = Held(store_50, {"orc"}, fake=None)
        real = held.real

        def failing(query: str, **kwargs: Any) -> SearchResult:
            if query == "orc":
                held.entered.set()
                held.gate.wait(30)
                raise OSError("disk I/O error")
            return real(query, **kwargs)

        store_50.search = failing  # type: ignore[method-assign]
        await pilot.press("slash", "o", "r", "c")
        await entered(held)
        held.gate.set()
        await settle(pilot)
        del store_50.search
        notices = [n.message for n in app._notifications]
        assert any(m.startswith("search failed: ") for m in notices), notices
        assert not any("OSError" in m for m in notices), notices
        assert app._batch_count == 0
        assert app.reader.shown_query == "or"  # the list stays on what was answered
