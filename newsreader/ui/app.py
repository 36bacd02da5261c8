"""The reader app: search bar, virtual article list, article pane; the store only in workers.

Every store call (ids, rows, search, article loads, flag writes) runs in a thread worker and
comes back as a message, so the event loop only ever renders and handles keys. The list is
shown as soon as the ids arrive; the search vocabulary is warmed after that first paint.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from textual import on, work
from textual.actions import SkipAction
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState, get_current_worker

from newsreader import paths, preferences
from newsreader.preferences import SORTS, Preferences
from newsreader.search.query import Filters, QueryError
from newsreader.search.result import SearchCancelled, SearchResult

if TYPE_CHECKING:
    from newsreader.refresh import Outcome
    from newsreader.store.store import Order, Store
from newsreader.store.views import ArticleRow, ArticleView, Counts
from newsreader.ui.browser import open_detached
from newsreader.ui.commands import ReaderCommands
from newsreader.ui.flags import Flag, FlagWriter, Saved
from newsreader.ui.lifecycle import describe, end_on_signals
from newsreader.ui.links import is_web_link, numbered_links, scheme_of
from newsreader.ui.screens.feeds import FeedsScreen
from newsreader.ui.screens.help import HelpScreen, KeyRow, Section
from newsreader.ui.screens.stats import Stats, StatsScreen
from newsreader.ui.text import count_label, literal_line
from newsreader.ui.widgets.app_header import AppHeader
from newsreader.ui.widgets.article_list import PAGE_SIZE, ArticleList
from newsreader.ui.widgets.article_view import LINK_HELP, ArticlePane
from newsreader.ui.widgets.search_bar import SearchBar

_KEY_NAMES = {
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "enter": "Enter",
    "escape": "Esc",
    "space": "Space",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "ctrl+t": "Ctrl+T",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


PANE_DELAY = 0.12
"""Seconds of typing pause before the article pane follows the search results."""

View = Literal["all", "unread", "starred"]
VIEW_FILTERS: dict[View, Filters] = {
    "all": Filters(),
    "unread": Filters(states=frozenset({"unread"})),
    "starred": Filters(states=frozenset({"starred"})),
}
SORT_LABELS = {
    "newest": "newest first",
    "oldest": "oldest first",
    "source": "by source",
    "title": "by title",
}
OPEN_PATIENCE = 3.0
"""Seconds the store may take to open before the app says it is still waiting."""
LINK_DIGIT_DELAY = 0.8
"""Seconds to type the second digit of a link number ([10] and on)."""
WIDTH_STEP = 4

_TYPED_KEYS_ACTIONS = frozenset(
    {
        "quit",
        "focus_search",
        "help",
        "toggle_read",
        "toggle_star",
        "view('unread')",
        "view('starred')",
        "next_sort",
        "open_link",
        "copy_link",
        "narrower_list",
        "wider_list",
        "refresh_feeds",
        "feeds",
    }
)
"""App actions on printable keys: in the search bar those keys are text, not commands."""

ARTICLE_BINDINGS: list[BindingType] = [
    Binding("m", "toggle_read", "Read", show=False, tooltip="Mark read / unread"),
    Binding("s", "toggle_star", "Star", show=False, tooltip="Star / unstar"),
    Binding("o", "open_link", "Open link", show=False, tooltip="Open the article's link"),
    Binding("y", "copy_link", "Copy link", show=False, tooltip="Copy the article's link"),
]
"""Keys acting on the highlighted article, in the list or while reading it."""

VIEW_BINDINGS: list[BindingType] = [
    Binding("u", "view('unread')", "Unread", show=False, tooltip="Unread only (again: all)"),
    Binding("S", "view('starred')", "Starred", show=False, tooltip="Starred only (again: all)"),
    Binding("O", "next_sort", "Order", show=False, tooltip="Order: newest, oldest, source, title"),
    Binding(
        "left_square_bracket", "narrower_list", "Narrower", show=False, tooltip="Narrower list"
    ),
    Binding("right_square_bracket", "wider_list", "Wider", show=False, tooltip="Wider list"),
    Binding("ctrl+t", "stats", "Stats", show=False, tooltip="Statistics: per day, per source"),
    Binding("r", "refresh_feeds", "Refresh", show=False, tooltip="Fetch every feed now"),
    Binding("F", "feeds", "Feeds", show=False, tooltip="Feeds and their health; pick one"),
]
"""Keys choosing what the list shows and how."""


class NewsReaderApp(App[None]):
    """A keyboard-first reader for a newsreader store."""

    CSS_PATH = paths.stylesheet()
    TITLE = "newsreader"
    COMMANDS = App.COMMANDS | {ReaderCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Quit newsreader"),
        # A priority binding runs as the app takes the key off its queue, before it hands the
        # next keys on: keys typed (or pasted) right after `/` go to the search bar.
        Binding("slash", "focus_search", "Search", tooltip="Search: typos are fine", priority=True),
        Binding("question_mark", "help", "Keys", tooltip="This list of keys"),
        Binding(
            "escape",
            "step_back",
            "Back",
            show=False,
            tooltip="Clear search / back to list",
        ),
        *ARTICLE_BINDINGS,
        *VIEW_BINDINGS,
    ]

    class IdsLoaded(Message):
        """The ids of the view in list order, with the first page of rows and the counts."""

        def __init__(
            self,
            ids: list[int],
            rows: Mapping[int, ArticleRow],
            counts: Counts,
            key: tuple[str, str],
            keep: int | None,
        ) -> None:
            super().__init__()
            self.ids = ids
            self.rows = rows
            self.counts = counts
            self.key = key
            """(view, sort) it was loaded for: a stale answer is dropped."""
            self.keep = keep

    class SearchFinished(Message):
        """A search result, with its first page of rows so the list paints at once."""

        def __init__(
            self,
            query: str,
            result: SearchResult,
            rows: Mapping[int, ArticleRow],
            key: tuple[str, str],
        ) -> None:
            super().__init__()
            self.query = query
            self.result = result
            self.rows = rows
            self.key = key

    class ArticleLoaded(Message):
        """An article fetched for the pane (`None` if it left the store meanwhile)."""

        def __init__(self, article_id: int, article: ArticleView | None) -> None:
            super().__init__()
            self.article_id = article_id
            self.article = article

    class FlagSaved(Message):
        def __init__(self, saved: Saved) -> None:
            super().__init__()
            self.saved = saved

    class LinkOpened(Message):
        def __init__(self, url: str, problem: str | None) -> None:
            super().__init__()
            self.url = url
            self.problem = problem

    class StoreSlow(Message):
        """The store is slow to open: being upgraded, or not answering (`name`)."""

        def __init__(self, name: str, *, upgrading: bool = False) -> None:
            super().__init__()
            self.name = name
            self.upgrading = upgrading

    class StoreOpened(Message):
        """The store is open (and seeded): the list can be filled."""

        def __init__(self, store: Store) -> None:
            super().__init__()
            self.store = store

    def __init__(
        self,
        store: Store | None = None,
        *,
        db_url: str | None = None,
        prefs: Preferences | None = None,
        prefs_path: Path | None = None,
        prefs_problem: str | None = None,
    ) -> None:
        super().__init__()
        self.prefs_path = prefs_path
        """Where preferences are saved when they change (None: not saved)."""
        self._prefs_problem = prefs_problem
        """Why the preferences file could not be read whole: said once, and it is not saved."""
        self.prefs = prefs or Preferences()
        self.view: View = "all"
        self.counts: Counts | None = None
        """Articles, unread and starred in the whole store (None until first counted)."""
        self._restored = False
        self._upgrading_said = False
        self._restore_signals: Callable[[], None] = lambda: None
        self._ended = False
        self._link_digits = ""
        self._link_timer: Timer | None = None
        self._store = store
        self.db_url = db_url
        """Where to open the store, when none was given: opened in a worker after the first
        frame, so the window appears before SQLAlchemy has even been imported."""
        self._pane_timer: Timer | None = None
        self._flags = FlagWriter(self._describe)
        self.error: str | None = None
        """Why the app gave up (the store could not be opened), for the CLI to report."""
        self.all_ids: list[int] | None = None
        """The ids of the current view (all, unread or starred) in list order; None until
        the first worker brings them."""
        self.shown_query: str | None = None
        """The query whose result the list shows ("" for all articles; None before the
        first list). Tests and benchmarks wait on it, with `ArticleList.Updated`."""

    # -- layout ------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the store is not open yet")
        return self._store

    def compose(self) -> ComposeResult:
        yield AppHeader("loading…", id="header")
        yield SearchBar(id="search")
        with Horizontal(id="main"):
            yield ArticleList(lambda ids: self.store.rows(ids), id="articles")
            yield ArticlePane(id="article")
        yield Static(Content(""), id="progress", markup=False)
        yield Footer()

    @property
    def sort(self) -> Order:
        sort = self.prefs.sort
        return sort if sort in SORTS else "newest"  # type: ignore[return-value]

    def on_mount(self) -> None:
        articles = self.article_list
        self._title_list()
        self.article_pane.border_title = "Article"
        if self.prefs.theme and self.prefs.theme in self.available_themes:
            self.theme = self.prefs.theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self._apply_width()
        if self._prefs_problem:
            self._prefs_not_saved(self._prefs_problem)
        articles.focus()
        self._exit_on_signals()
        if self._store is None:
            self.open_store()
        else:
            self.load_ids()

    @property
    def pane_pending(self) -> bool:
        """The article pane waits for a pause in typing before it follows the list."""
        return self._pane_timer is not None

    @property
    def status(self) -> str:
        """What the header says: `N articles`, or `k of N · “query”` while searching."""
        return self.query_one("#header", AppHeader).status

    @status.setter
    def status(self, text: str) -> None:
        self.query_one("#header", AppHeader).status = text

    @property
    def article_list(self) -> ArticleList:
        return self.query_one("#articles", ArticleList)

    @property
    def article_pane(self) -> ArticlePane:
        return self.query_one("#article", ArticlePane)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one("#search", SearchBar)

    # -- workers -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="store", exit_on_error=False)
    def open_store(self) -> None:
        """Open (and seed) the store in a daemon thread, and wait for it here.

        A server that never answers would hold a worker thread forever, and Python waits for
        those at exit: `q` cleared the screen, then the process hung. Waiting here instead,
        the worker ends when the app does (the daemon thread is dropped), and says once when
        the store is slow to answer, so "loading…" never stands alone with no way out.
        """
        from newsreader import paths
        from newsreader.store.errors import store_name

        url = self.db_url = self.db_url or paths.db_url()
        worker = get_current_worker()
        outcome: list[Store | BaseException] = []
        opener = threading.Thread(target=self._open, args=(url, outcome), daemon=True)
        opener.start()
        patience: float | None = time.monotonic() + OPEN_PATIENCE
        while opener.is_alive() and not worker.is_cancelled:
            opener.join(0.1)
            if patience is not None and time.monotonic() > patience and opener.is_alive():
                self.post_message(self.StoreSlow(store_name(url)))
                patience = None
        if worker.is_cancelled or not outcome:
            return
        if isinstance(outcome[0], BaseException):
            self.call_from_thread(self._give_up, self._describe(outcome[0]))
        else:
            self.post_message(self.StoreOpened(outcome[0]))

    def _open(self, url: str, outcome: list[Store | BaseException]) -> None:
        from newsreader.importer import seed
        from newsreader.store.store import Store

        def upgrading() -> None:
            self.post_message(self.StoreSlow("", upgrading=True))

        try:
            store = Store(url, on_upgrade=upgrading)
            seed(store)
        except Exception as error:  # whatever it is, the app must not sit on "loading…"
            outcome.append(error)
        else:
            outcome.append(store)

    @on(StoreSlow)
    def _store_slow(self, message: StoreSlow) -> None:
        if message.upgrading:
            self.notify("Upgrading the store to this version, once…", timeout=30)
        elif self._store is None and not self._upgrading_said:
            self.status = "opening the store… · q quits"
            self.notify(
                f"The store {message.name} has not answered for {OPEN_PATIENCE:g} s; "
                "still trying (q quits).",
                severity="warning",
                markup=False,
                timeout=30,
            )
        self._upgrading_said = self._upgrading_said or message.upgrading

    def _give_up(self, error: str) -> None:
        self.error = error
        self.exit(return_code=1)

    def _describe(self, error: BaseException) -> str:
        return describe(error, self._store.url if self._store is not None else self.db_url or "")

    def _exit_on_signals(self) -> None:
        """SIGTERM and SIGHUP end the app as `q` does: the terminal is put back as it was
        (alt screen off, cursor shown, mouse reporting off), nothing is left half-done."""
        if not self.is_headless:  # tests run in the test runner's process: not its signals
            loop = asyncio.get_running_loop()
            self._restore_signals = end_on_signals(
                lambda: loop.call_soon_threadsafe(self.call_later, self.action_quit)
            )

    @on(StoreOpened)
    def _store_opened(self, message: StoreOpened) -> None:
        self._store = message.store
        self.load_ids()

    @property
    def _key(self) -> tuple[str, str]:
        return (self.view, self.sort)

    @work(thread=True, exclusive=True, group="ids", exit_on_error=False)
    def load_ids(self, keep: int | None = None) -> None:
        key, view, sort = self._key, self.view, self.sort
        if keep is None and not self._restored:
            keep = self.prefs.last_article or None  # where the reader left off
        if view == "all":
            ids = self.store.ids(sort)
        else:
            ids = self.store.filtered_ids(VIEW_FILTERS[view], sort)
        counts = self.store.counts()
        self.post_message(self.IdsLoaded(ids, self.store.rows(ids[:PAGE_SIZE]), counts, key, keep))

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def warm_index(self) -> None:
        """Load the search vocabulary now, so the first keystroke does not pay for it.

        Then set aside everything made so far (the app, the vocabulary) from the cyclic
        garbage collector: its full passes over them took 70-90 ms at 100k articles, a
        frozen keystroke whenever one fell on a key; afterwards they take about 5 ms.
        """
        self.store.index.load()
        if not self._ended:
            gc.collect()
            gc.freeze()

    def on_unmount(self) -> None:
        self._ended = True  # a warm-up still running must not freeze what is garbage now
        self._restore_signals()  # once the app is gone, signals act as they did before
        gc.unfreeze()  # what the app held is garbage now (in tests, before the next app)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str) -> None:
        worker = get_current_worker()
        key = self._key
        try:
            result = self.store.search(
                query,
                cancelled=lambda: worker.is_cancelled,
                within=VIEW_FILTERS[self.view],
                order=self.sort,
            )
        except SearchCancelled:
            return
        except QueryError as error:  # said, not swallowed; nothing matches what cannot run
            if not worker.is_cancelled:
                self.notify(str(error), severity="warning", timeout=4, markup=False)
            result = SearchResult(query, [], [])
        if worker.is_cancelled:
            return
        # Only a screenful: 200 rows cost 2.3 ms of a keystroke at 100k, 40 rows 0.5 ms.
        rows = self.store.rows(result.ids[: self.article_list.screenful])
        if not worker.is_cancelled:
            self.post_message(self.SearchFinished(query, result, rows, key))

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def load_article(self, article_id: int) -> None:
        article = self.store.article(article_id)
        if not get_current_worker().is_cancelled:
            self.post_message(self.ArticleLoaded(article_id, article))

    def _write_flag(self, article_id: int, flag: Flag, value: bool) -> None:
        """Show the change at once and queue its write; the store's answer (`FlagSaved`)
        then puts on screen what was saved: the change, or what was there before."""
        self._show_flags(article_id, **{flag: value})
        self._flags.ask(article_id, flag, value)
        self.save_flags()

    @work(thread=True, group="flags", exit_on_error=False)
    def save_flags(self) -> None:
        self._flags.drain(self.store, lambda saved: self.post_message(self.FlagSaved(saved)))

    @on(FlagSaved)
    def _flag_saved(self, message: FlagSaved) -> None:
        saved = message.saved
        if saved.notice:
            self.notify(saved.notice, severity="error", markup=False)
        if self._flags.settle(saved):
            self._show_flags(saved.article_id, **saved.shown())
        if saved.counts is not None:
            self.counts = saved.counts
            self._refresh_status()

    def _show_flags(
        self, article_id: int, *, is_read: bool | None = None, is_starred: bool | None = None
    ) -> None:
        self.article_list.set_flags(article_id, is_read=is_read, is_starred=is_starred)
        self._pane_flags(article_id, is_read=is_read, is_starred=is_starred)

    def load_stats(self) -> Stats:
        """For the stats screen's worker: a thread, never the event loop."""
        store = self.store
        return Stats(store.counts(), store.per_day(), store.source_stats())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed worker is reported in words, not swallowed (markup off: errors may quote
        text). Before the first list there is nothing to show: the app gives up, in words,
        rather than sit on "loading…"."""
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        reason = self._describe(event.worker.error)
        if event.worker.group in ("store", "ids") and not self._restored:
            self._give_up(reason)
        else:
            self.notify(f"{event.worker.group} failed: {reason}", severity="error", markup=False)

    # -- results -----------------------------------------------------------------------

    @on(IdsLoaded)
    def _ids_loaded(self, message: IdsLoaded) -> None:
        if message.key != self._key:
            return  # the view or the order changed meanwhile: a newer load is on its way
        first = not self._restored
        self._restored = True
        self.all_ids = message.ids
        self.counts = message.counts
        self._title_list()
        if query := self.search_bar.value.strip():
            self.run_search(query)  # typed while the store was opening, or a view change
        else:
            self.article_list.show(message.ids, rows=message.rows, keep=message.keep)
        if first:
            self.call_after_refresh(self.warm_index)

    @on(SearchBar.Changed, "#search")
    def _search_changed(self, event: SearchBar.Changed) -> None:
        if self._store is None:
            return  # searched once the store is open
        if event.value.strip():
            self.run_search(event.value)
        else:
            self.workers.cancel_group(self, "search")
            self._show_all()

    @on(SearchBar.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.article_list.focus()

    @on(SearchFinished)
    def _search_finished(self, message: SearchFinished) -> None:
        if message.query != self.search_bar.value or message.key != self._key:
            return  # superseded by a newer keystroke, view or order
        result = message.result
        self.article_list.show(
            result.ids, query=message.query, terms=result.terms, rows=message.rows
        )

    def _show_all(self) -> None:
        if self.all_ids is not None and self.article_list.search_query:
            self.article_list.show(self.all_ids, keep=self.article_list.highlighted_id)

    @on(ArticleList.Updated)
    def _list_updated(self, message: ArticleList.Updated) -> None:
        self.shown_query = message.query
        self._refresh_status()
        self._title_list()

    def _refresh_status(self) -> None:
        articles = self.article_list
        self.status = self._status(articles.search_query, len(articles.ids))

    def _status(self, query: str, count: int) -> str:
        """`1,234 articles · 56 unread · 3 starred`, or `k of N · “query”` when searching."""
        counts = self.counts
        if not query:
            if counts is None:
                return count_label(count)
            return (
                f"{count_label(counts.total)} · {counts.unread:,} unread · "
                f"{counts.starred:,} starred"
            )
        shown = " ".join(query.split())
        if counts is None:
            return f"{count_label(count, 'match')} for “{shown}”"
        return f"{count:,} of {counts.total:,} · “{shown}”"

    def _title_list(self) -> None:
        """The list's border says which view and order it shows: `Unread · 56 · by title`."""
        articles = self.article_list
        parts = [{"all": "Articles", "unread": "Unread", "starred": "Starred"}[self.view]]
        if self.view != "all" and self.all_ids is not None:
            parts.append(f"{len(self.all_ids):,}")
        ranked = bool(articles.search_query) and bool(articles.terms)
        if ranked:
            parts.append("best match first")
        elif self.sort != "newest":
            parts.append(SORT_LABELS[self.sort])
        articles.border_title = " · ".join(parts)
        articles.empty_lines = {
            "all": ("No articles yet.", "Add some:", "newsreader import PATH"),
            "unread": ("No unread articles.", "u shows them all"),
            "starred": ("No starred articles.", "s stars one · S shows them all"),
        }[self.view]

    @on(ArticleList.Highlighted)
    def _highlighted(self, message: ArticleList.Highlighted) -> None:
        if self._pane_timer is not None:
            self._pane_timer.stop()
            self._pane_timer = None
        if isinstance(self.focused, SearchBar):
            # While typing, the list follows every key at once; the pane (a whole article to
            # lay out again) waits until the typing pauses.
            self._pane_timer = self.set_timer(
                PANE_DELAY, lambda: self._show_in_pane(message.article_id)
            )
        else:
            self._show_in_pane(message.article_id)

    def _show_in_pane(self, article_id: int | None) -> None:
        self._pane_timer = None
        if article_id is None:
            self.workers.cancel_group(self, "article")
            query = self.article_list.search_query
            self.article_pane.show_message(
                "Nothing matches that search." if query else "No article selected."
            )
        else:
            self.load_article(article_id)

    @on(ArticleLoaded)
    def _article_loaded(self, message: ArticleLoaded) -> None:
        if message.article_id != self.article_list.highlighted_id:
            return  # the cursor has moved on
        if message.article is None:
            self.article_pane.show_message("This article is no longer in the store.")
        else:
            self.article_pane.show_article(message.article, self.article_list.terms)

    @on(ArticleList.Opened)
    def _opened(self, message: ArticleList.Opened) -> None:
        self.article_pane.focus()
        self._mark_read(message.article_id)

    def _mark_read(self, article_id: int) -> None:
        """Opening (or stepping to) an article marks it read, unless turned off."""
        if not self.prefs.read_on_open:
            return
        row = self.article_list.row(article_id)
        if row is None or not row.is_read:
            self._write_flag(article_id, "is_read", True)

    def _pane_flags(
        self, article_id: int, *, is_read: bool | None = None, is_starred: bool | None = None
    ) -> None:
        shown = self.article_pane.article
        if shown is not None and shown.id == article_id:
            read = shown.is_read if is_read is None else is_read
            starred = shown.is_starred if is_starred is None else is_starred
            if (read, starred) != (shown.is_read, shown.is_starred):  # else keep its scroll
                changed = replace(shown, is_read=read, is_starred=starred)
                self.article_pane.show_article(changed, self.article_pane.terms)

    # -- actions -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that type into the search bar are not offered while it has focus."""
        return not (action in _TYPED_KEYS_ACTIONS and isinstance(self.focused, SearchBar))

    def action_focus_search(self) -> None:
        """Focus moves now, not after the keys already queued (`Widget.focus` waits for
        them): with the priority binding, every key after `/` is the search bar's."""
        if self.screen is not self.screen_stack[0]:
            raise SkipAction()  # `/` on a dialog (palette, help, feeds) is that dialog's
        self.screen.set_focus(self.search_bar)

    def action_focus_list(self) -> None:
        self.article_list.focus()

    def action_clear_search(self) -> None:
        self.search_bar.value = ""

    def action_step_back(self) -> None:
        """Esc: clear the search if there is one; otherwise step back to the list."""
        focused = self.focused
        if focused is self.article_pane:
            self.article_list.focus()
        elif self.search_bar.value:
            self.action_clear_search()
        elif focused is self.search_bar:
            self.article_list.focus()

    def action_first_article(self) -> None:
        self.article_list.action_first()

    def action_last_article(self) -> None:
        self.article_list.action_last()

    def action_open_article(self) -> None:
        self.article_list.action_open()

    def action_next_article(self) -> None:
        self._step(+1)

    def action_previous_article(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        articles = self.article_list
        before = articles.cursor
        articles.move_to(before + delta)
        if articles.cursor == before:
            self.bell()
        elif self.focused is self.article_pane and articles.highlighted_id is not None:
            self._mark_read(articles.highlighted_id)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.key_sections()))

    async def action_quit(self) -> None:
        """Remember where the reader was, then quit."""
        if self._restored:
            self._save_prefs(last_article=self.article_list.highlighted_id or 0)
        await super().action_quit()

    # -- reading state -----------------------------------------------------------------

    def _flag_target(self) -> ArticleRow | None:
        article_id = self.article_list.highlighted_id
        row = self.article_list.row(article_id) if article_id is not None else None
        if row is None:
            self.bell()
        return row

    def action_toggle_read(self) -> None:
        if (row := self._flag_target()) is not None:
            self._write_flag(row.id, "is_read", not row.is_read)

    def action_toggle_star(self) -> None:
        if (row := self._flag_target()) is not None:
            self._write_flag(row.id, "is_starred", not row.is_starred)

    def action_view(self, view: View) -> None:
        """Show only unread (or starred) articles; the same key again shows them all.

        A search runs within the view: `u` then `russia` is `russia is:unread`.
        """
        if view not in VIEW_FILTERS:
            return
        self.view = "all" if self.view == view else view
        self._reload()

    def action_show_all(self) -> None:
        if self.view != "all":
            self.view = "all"
            self._reload()

    def action_sort(self, sort: str) -> None:
        if sort in SORTS and sort != self.sort:
            self._save_prefs(sort=sort)
            self._reload()
            self.notify(f"Order: {SORT_LABELS[sort]}", timeout=2)

    def action_next_sort(self) -> None:
        self.action_sort(SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)])

    def action_toggle_read_on_open(self) -> None:
        on = not self.prefs.read_on_open
        self._save_prefs(read_on_open=on)
        self.notify(f"Opening an article marks it read: {'on' if on else 'off'}", timeout=3)

    def _reload(self) -> None:
        self._title_list()
        if self._store is not None:
            self.load_ids(keep=self.article_list.highlighted_id)

    # -- links -------------------------------------------------------------------------

    def _current_article(self) -> ArticleView | None:
        shown = self.article_pane.article
        if shown is None or shown.id != self.article_list.highlighted_id:
            self.notify("No article is shown yet.", severity="warning", timeout=3)
            return None
        return shown

    def _web_link(self, url: str | None, what: str) -> str | None:
        """`url` if it may be opened; otherwise a one-line notice and None."""
        if not url:
            self.notify(f"This article has no {what}.", severity="warning", timeout=3)
            return None
        if not is_web_link(url):
            self.notify(
                f"Not opened: {literal_line(url).plain[:60]} is {scheme_of(url)} "
                "(only http and https links are opened).",
                severity="warning",
                markup=False,
                timeout=5,
            )
            return None
        return url

    def action_open_link(self) -> None:
        article = self._current_article()
        if article is not None and (url := self._web_link(article.url, "link")):
            self.open_url(url)

    def action_copy_link(self) -> None:
        article = self._current_article()
        if article is not None and (url := self._web_link(article.url, "link")):
            self.copy_to_clipboard(url)
            self.notify(f"Copied {url}", markup=False, timeout=3)

    def action_open_numbered_link(self, number: int) -> None:
        article = self._current_article()
        if article is None:
            return
        links = numbered_links(article.body)
        if number not in links:
            have = f"it has [1]–[{max(links)}]" if links else "it has none"
            self.notify(f"No link [{number}] in this article ({have}).", timeout=3)
            return
        if url := self._web_link(links[number], f"link [{number}]"):
            self.open_url(url)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """In a browser started detached, from a worker: the app never waits for it."""
        self.launch_browser(url)

    @work(thread=True, group="browser", exit_on_error=False)
    def launch_browser(self, url: str) -> None:
        self.post_message(self.LinkOpened(url, open_detached(url)))

    @on(LinkOpened)
    def _link_opened(self, message: LinkOpened) -> None:
        url = literal_line(message.url).plain
        if message.problem is None:
            self.notify(f"Opening {url}", markup=False, timeout=3)
        else:
            self.notify(f"Not opened: {message.problem}.", severity="warning", markup=False)

    def action_link_digit(self, digit: int) -> None:
        """Digits while reading open a numbered link: at once when the article has fewer
        than ten, else after a pause for a second digit."""
        article = self._current_article()
        if article is None:
            return
        if self._link_timer is not None:
            self._link_timer.stop()
            self._link_timer = None
        self._link_digits += str(digit)
        count = len(numbered_links(article.body))
        if count < 10 or len(self._link_digits) >= 2 or int(self._link_digits) * 10 > count:
            self._follow_link_digits()
        else:
            self._link_timer = self.set_timer(LINK_DIGIT_DELAY, self._follow_link_digits)

    def _follow_link_digits(self) -> None:
        digits, self._link_digits, self._link_timer = self._link_digits, "", None
        if digits:
            self.action_open_numbered_link(int(digits))

    # -- layout and preferences --------------------------------------------------------

    def _save_prefs(self, **changes: object) -> None:
        self.prefs = self.prefs.with_(**changes)
        if self.prefs_path is None:
            return
        try:
            preferences.save(self.prefs, self.prefs_path)
        except preferences.PreferencesError as error:
            if str(error) != self._prefs_problem:  # said once per reason
                self._prefs_not_saved(str(error))
        except OSError as error:
            self.notify(
                f"Cannot save preferences to {self.prefs_path}: {error.strerror or error}",
                severity="error",
                markup=False,
            )

    def _prefs_not_saved(self, problem: str) -> None:
        self._prefs_problem = problem
        self.notify(
            f"Preferences: {literal_line(problem).plain}. Using defaults for that; the file "
            "is left as it is (changes are not saved until it is fixed).",
            severity="warning",
            markup=False,
            timeout=10,
        )

    def _theme_changed(self, theme: object) -> None:
        if self.theme != self.prefs.theme:
            self._save_prefs(theme=self.theme)

    def _apply_width(self) -> None:
        width = self.prefs.list_width
        styles = self.article_list.styles
        if width:
            styles.width = width
            styles.max_width = preferences.MAX_LIST_WIDTH
        else:
            styles.clear_rule("width")
            styles.clear_rule("max_width")

    def _resize_list(self, delta: int) -> None:
        current = self.prefs.list_width or self.article_list.outer_size.width
        width = max(preferences.MIN_LIST_WIDTH, min(preferences.MAX_LIST_WIDTH, current + delta))
        if width == self.prefs.list_width:
            self.bell()
            return
        self._save_prefs(list_width=width)
        self._apply_width()

    def action_narrower_list(self) -> None:
        self._resize_list(-WIDTH_STEP)

    def action_wider_list(self) -> None:
        self._resize_list(+WIDTH_STEP)

    def action_stats(self) -> None:
        if self._store is None:
            self.notify("The store is still opening.", timeout=3)
        elif not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen(self.load_stats))

    # -- feeds -------------------------------------------------------------------------

    class FeedsRefreshed(Message):
        def __init__(self, outcomes: Sequence[Outcome]) -> None:
            super().__init__()
            self.outcomes = outcomes

    def action_refresh_feeds(self) -> None:
        if self._store is None:
            self.notify("The store is still opening.", timeout=3)
        elif any(w.group == "refresh" and w.is_running for w in self.workers):
            self.notify("Already refreshing.", timeout=3)
        else:
            self.refresh_feeds()

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def refresh_feeds(self) -> None:
        from newsreader.refresh import refresh
        from newsreader.store.feeds import feeds

        targets = feeds(self.store)
        if not targets:
            self.call_from_thread(
                self.notify, "No feeds yet: newsreader feed add URL subscribes to one.", timeout=5
            )
            return
        done = added = 0

        def progress(outcome: Outcome) -> None:
            nonlocal done, added
            done += 1
            added += outcome.added
            text = f"Refreshing feeds {done}/{len(targets)} · {added} new"
            self.call_from_thread(self._show_progress, text)

        self.call_from_thread(self._show_progress, f"Refreshing feeds 0/{len(targets)}")
        self.post_message(self.FeedsRefreshed(refresh(self.store, targets, on_done=progress)))

    def _show_progress(self, text: str) -> None:
        bar = self.query_one("#progress", Static)
        bar.update(Content(text))
        bar.display = bool(text)

    @on(FeedsRefreshed)
    def _feeds_refreshed(self, message: FeedsRefreshed) -> None:
        self._show_progress("")
        outcomes = message.outcomes
        added = sum(o.added for o in outcomes)
        updated = sum(o.updated for o in outcomes)
        failed = [o for o in outcomes if o.status == "error"]
        summary = f"{len(outcomes)} feeds: {added} new, {updated} updated"
        if failed:
            summary += f", {len(failed)} failed (F shows why)"
        self.notify(summary, severity="warning" if failed else "information", markup=False)
        if added or updated:
            self._reload()
            if self.search_bar.value.strip():
                self.run_search(self.search_bar.value)

    def action_feeds(self) -> None:
        if self._store is None:
            self.notify("The store is still opening.", timeout=3)
        elif not isinstance(self.screen, FeedsScreen):
            self.push_screen(FeedsScreen(self.store), self._feed_chosen)

    def _feed_chosen(self, name: str | None) -> None:
        if name:
            self.search_bar.value = f'feed:"{name}"' if " " in name else f"feed:{name}"
            self.article_list.focus()

    # -- help --------------------------------------------------------------------------

    def key_sections(self) -> list[Section]:
        """Every binding, by where it works, from the widgets' own BINDINGS."""
        return [
            (
                "Everywhere",
                [
                    *self._rows(
                        b for b in self.BINDINGS if b not in ARTICLE_BINDINGS + VIEW_BINDINGS
                    ),
                    ("Tab / Shift+Tab", "Next / previous pane"),
                    ("Ctrl+P", "Palette: sort, themes, more"),
                    ("Ctrl+Q", "Quit"),
                ],
            ),
            (
                "Article list",
                [
                    *self._rows(ArticleList.BINDINGS),
                    ("Click", "Select an article"),
                    ("Double-click", "Open it"),
                ],
            ),
            (
                "Reading an article",
                [
                    ("↑ / ↓", "Scroll a line"),
                    ("PgUp / PgDn", "Scroll a page"),
                    *self._rows(b for b in ArticlePane.BINDINGS if not _is_digit(b)),
                    ("1–9 / 0", LINK_HELP),
                    ("1 then 2", "Quickly, for link [12]"),
                    ("Esc", "Back to the list"),
                ],
            ),
            (
                "The highlighted article (list or reading)",
                self._rows(ARTICLE_BINDINGS),
            ),
            (
                "What the list shows",
                self._rows(VIEW_BINDINGS),
            ),
            (
                "Search bar",
                [
                    ("type", "Narrow the list as you type"),
                    ("source:NAME", "Only sources whose name has NAME"),
                    ("feed:NAME", "Only feeds whose name has NAME"),
                    ("is:unread", "Or is:read, is:starred, is:unstarred"),
                    ("after:DATE", "On/after 2019-04-01, 2019-04 or 2019"),
                    ("before:DATE", "Before that day"),
                    ("-word", "Leave out articles with that word"),
                    ("Enter", "Go to the list"),
                    *self._rows(SearchBar.BINDINGS),
                ],
            ),
        ]

    def _rows(self, bindings: Iterable[BindingType]) -> list[KeyRow]:
        rows: list[KeyRow] = []
        for binding in bindings:
            if not isinstance(binding, Binding):
                continue
            keys = " / ".join(self._key_name(key) for key in binding.key.split(","))
            rows.append((keys, binding.tooltip or binding.description))
        return rows

    def _key_name(self, key: str) -> str:
        key = key.strip()
        return _KEY_NAMES.get(key) or self.get_key_display(Binding(key, ""))


def _is_digit(binding: BindingType) -> bool:
    return isinstance(binding, Binding) and binding.key.isdigit()


def make_app(
    store: Store | None = None,
    *,
    db_url: str | None = None,
    prefs_path: Path | None = None,
) -> NewsReaderApp:
    """The one app factory, used by the CLI and by every UI test.

    Give it an open `store`, or a `db_url` for the app to open (and seed) itself in a worker
    after its first frame. Preferences are read from `prefs_path` (the config dir's file by
    default) and saved back there when they change.
    """
    path = prefs_path or paths.preferences_path()
    prefs, problem = preferences.read(path)
    return NewsReaderApp(store, db_url=db_url, prefs=prefs, prefs_path=path, prefs_problem=problem)


__all__: Sequence[str] = ["NewsReaderApp", "make_app"]
