"""A keystroke's search, answered in the key's own frame when it is quick.

The search runs on a thread of this module's pool; the key handler waits for it at most
`FAST_WAIT` (one frame) and, if it answered, shows the list in the same handler: echo, list
and header go out in the next frame, with no message to wait for. A slower search posts its
answer (or its error) to the screen from its own thread when it ends (`Searches.when_done`):
no worker thread to start and wait on it, nor its state messages. Each
search has a generation; a newer keystroke cancels the older searches (they stop early) and
an answer that is not the newest is never shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as WaitTimeout
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import constants

from newsreader.search.query import Filters, QueryError, parse_query
from newsreader.search.result import SearchCancelled, SearchResult
from newsreader.store.views import ArticleRow
from newsreader.ui.story_rows import Grouped

if TYPE_CHECKING:
    from newsreader.store.store import Order, Store

FAST_WAIT = min(1 / constants.MAX_FPS, 0.008)
"""Seconds a key handler may wait for its search: one frame (at most 8 ms), so the screen is
never held up longer than a frame. The library search answers in ~3 ms at 100k."""


@dataclass(frozen=True)
class Answer:
    """A search's result with its first screenful of rows (so the list paints at once);
    `problem` says why the query cannot run (the result is then empty)."""

    query: str
    result: SearchResult
    rows: Mapping[int, ArticleRow]
    key: tuple[str, ...]
    """(view, sort) it was searched for: a stale answer is dropped."""
    generation: int
    problem: str | None = None
    shown: Grouped | None = None
    """The rows to show, one per story (None: `result.ids`)."""


@dataclass(frozen=True)
class Request:
    """What to search for, read on the event loop (the thread reads no widget)."""

    query: str
    key: tuple[str, ...]
    within: Filters
    order: Order
    screenful: int
    narrow: Callable[[Store, SearchResult], SearchResult] | None = None
    """Keeps only what the screen's scope (a feed, tag or saved search chosen) holds."""
    group: Callable[[Sequence[int]], Grouped] | None = None
    """Makes the ranked hits the list's rows, one per story (`ui.story_rows`)."""


def answer(
    store: Store, request: Request, generation: int, cancelled: Callable[[], bool]
) -> Answer | None:
    """The search and its first rows; None once a newer keystroke cancelled it."""
    problem = None
    try:
        result = store.search(
            request.query, cancelled=cancelled, within=request.within, order=request.order
        )
        if request.narrow is not None:
            result = request.narrow(store, result)
    except SearchCancelled:
        return None
    except QueryError as error:  # said in the header, quietly: it is often half-typed
        problem = str(error)
        result = SearchResult(request.query, [], [])
    if cancelled():
        return None
    # Only a screenful: 200 rows cost 2.3 ms of a keystroke at 100k, 40 rows 0.5 ms.
    shown = request.group(result.ids) if request.group is not None else Grouped(result.ids)
    rows = store.rows(shown.ids[: request.screenful])
    if cancelled():
        return None
    return Answer(request.query, result, rows, request.key, generation, problem, shown)


def read_ahead(store: Store, query: str, cancelled: Callable[[], bool]) -> None:
    try:
        parsed = parse_query(query)
    except QueryError:
        return
    if parsed.prefix_last and parsed.words:
        store.index.read_ahead(parsed.words[-1], cancelled)


class Searches:
    """The keystroke searches: one pool, a generation per search, a wait of one frame."""

    def __init__(self, wait: float = FAST_WAIT) -> None:
        self.wait = wait
        self._generation = 0
        # Two threads: a cancelled search still finishing never delays the next one.
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="newsreader-search")

    def submit(self, store: Store, request: Request) -> Future[Answer | None]:
        """Start a search; every older one is cancelled (it stops at its next check)."""
        self._generation += 1
        generation = self._generation

        def cancelled() -> bool:
            return generation != self._generation

        future = self._pool.submit(answer, store, request, generation, cancelled)
        future.add_done_callback(lambda _: self._read_ahead(store, request.query, cancelled))
        return future

    def _read_ahead(self, store: Store, query: str, cancelled: Callable[[], bool]) -> None:
        """Once answered, the pool reads what the next key of the word being typed needs
        (`SearchIndex.read_ahead`), unless that key came already."""
        if not cancelled():
            with suppress(RuntimeError):  # the pool is shut down: the screen went
                self._pool.submit(read_ahead, store, query, cancelled)

    def quick(self, future: Future[Answer | None]) -> Answer | None:
        """The answer if it comes within `wait` (a search's error is raised here); else None,
        and the caller hands `future` to `when_done`."""
        try:
            return future.result(timeout=self.wait)
        except WaitTimeout:
            return None

    def when_done(
        self,
        future: Future[Answer | None],
        answered: Callable[[Answer], object],
        failed: Callable[[BaseException], object],
    ) -> None:
        """Call `answered` (or `failed`) from the search's thread once it ends; nothing once
        it was cancelled (stale) or the screen went (the pool is shut down and the search
        never ran). The callers post a message: thread-safe, and the loop shows it."""

        def done(future: Future[Answer | None]) -> None:
            if future.cancelled():
                return
            if (error := future.exception()) is not None:
                failed(error)
            elif (answer := future.result()) is not None:
                answered(answer)

        future.add_done_callback(done)

    def is_newest(self, answer: Answer) -> bool:
        return answer.generation == self._generation

    def cancel(self) -> None:
        """Every search running is stale now (the bar was cleared, the screen went)."""
        self._generation += 1

    def close(self) -> None:
        self.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)
