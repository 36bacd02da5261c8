"""The reader app: search bar, virtual article list, article pane; the store only in workers.

Every store call (ids, rows, search, article loads, flag writes) runs in a thread worker and
comes back as a message, so the event loop only ever renders and handles keys. The list is
shown as soon as the ids arrive; the search vocabulary is warmed after that first paint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer
from textual.worker import Worker, WorkerState, get_current_worker

from newsreader import paths
from newsreader.search.result import SearchCancelled, SearchResult

if TYPE_CHECKING:
    from newsreader.store.store import Store
from newsreader.store.views import ArticleRow, ArticleView
from newsreader.ui.commands import ReaderCommands
from newsreader.ui.screens.help import HelpScreen, KeyRow, Section
from newsreader.ui.text import count_label
from newsreader.ui.widgets.app_header import AppHeader
from newsreader.ui.widgets.article_list import PAGE_SIZE, ArticleList
from newsreader.ui.widgets.article_view import ArticlePane
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
}


PANE_DELAY = 0.12
"""Seconds of typing pause before the article pane follows the search results."""

_TYPED_KEYS_ACTIONS = frozenset({"quit", "focus_search", "help"})
"""App actions on printable keys: in the search bar those keys are text, not commands."""


class NewsReaderApp(App[None]):
    """A keyboard-first reader for a newsreader store."""

    CSS_PATH = paths.stylesheet()
    TITLE = "newsreader"
    COMMANDS = App.COMMANDS | {ReaderCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Quit newsreader"),
        Binding("slash", "focus_search", "Search", tooltip="Search: typos are fine"),
        Binding("question_mark", "help", "Keys", tooltip="This list of keys"),
        Binding(
            "escape",
            "step_back",
            "Back",
            show=False,
            tooltip="Clear the search, or go back to the list",
        ),
    ]

    class IdsLoaded(Message):
        """Every article id in list order, with the first page of rows."""

        def __init__(self, ids: list[int], rows: Mapping[int, ArticleRow]) -> None:
            super().__init__()
            self.ids = ids
            self.rows = rows

    class SearchFinished(Message):
        """A search result, with its first page of rows so the list paints at once."""

        def __init__(
            self, query: str, result: SearchResult, rows: Mapping[int, ArticleRow]
        ) -> None:
            super().__init__()
            self.query = query
            self.result = result
            self.rows = rows

    class ArticleLoaded(Message):
        """An article fetched for the pane (`None` if it left the store meanwhile)."""

        def __init__(self, article_id: int, article: ArticleView | None) -> None:
            super().__init__()
            self.article_id = article_id
            self.article = article

    class StoreOpened(Message):
        """The store is open (and seeded): the list can be filled."""

        def __init__(self, store: Store) -> None:
            super().__init__()
            self.store = store

    def __init__(self, store: Store | None = None, *, db_url: str | None = None) -> None:
        super().__init__()
        self._store = store
        self.db_url = db_url
        """Where to open the store, when none was given: opened in a worker after the first
        frame, so the window appears before SQLAlchemy has even been imported."""
        self._pane_timer: Timer | None = None
        self.error: str | None = None
        """Why the app gave up (the store could not be opened), for the CLI to report."""
        self.all_ids: list[int] | None = None
        """Every article id, newest first; None until the first worker brings them."""
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
        yield Footer()

    def on_mount(self) -> None:
        articles = self.article_list
        articles.border_title = "Articles"
        self.article_pane.border_title = "Article"
        articles.focus()
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
        from newsreader import paths
        from newsreader.importer import seed
        from newsreader.store.engine import StoreError
        from newsreader.store.store import Store

        try:
            store = Store(self.db_url or paths.db_url())
            seed(store)
        except StoreError as error:
            self.call_from_thread(self._give_up, str(error))
            return
        self.post_message(self.StoreOpened(store))

    def _give_up(self, error: str) -> None:
        self.error = error
        self.exit(return_code=1)

    @on(StoreOpened)
    def _store_opened(self, message: StoreOpened) -> None:
        self._store = message.store
        self.load_ids()

    @work(thread=True, exclusive=True, group="ids", exit_on_error=False)
    def load_ids(self) -> None:
        ids = self.store.ids()
        self.post_message(self.IdsLoaded(ids, self.store.rows(ids[:PAGE_SIZE])))

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def warm_index(self) -> None:
        """Load the search vocabulary now, so the first keystroke does not pay for it."""
        self.store.index.load()

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str) -> None:
        worker = get_current_worker()
        try:
            result = self.store.index.search(query, cancelled=lambda: worker.is_cancelled)
        except SearchCancelled:
            return
        if worker.is_cancelled:
            return
        rows = self.store.rows(result.ids[:PAGE_SIZE])
        if not worker.is_cancelled:
            self.post_message(self.SearchFinished(query, result, rows))

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def load_article(self, article_id: int) -> None:
        article = self.store.article(article_id)
        if not get_current_worker().is_cancelled:
            self.post_message(self.ArticleLoaded(article_id, article))

    @work(thread=True, group="flags", exit_on_error=False)
    def save_read(self, article_id: int) -> None:
        self.store.set_flag(article_id, "is_read", True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed worker is reported, not swallowed (markup off: errors may quote text)."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(
                f"{event.worker.group} failed: {type(error).__name__}: {error}",
                severity="error",
                markup=False,
            )

    # -- results -----------------------------------------------------------------------

    @on(IdsLoaded)
    def _ids_loaded(self, message: IdsLoaded) -> None:
        self.all_ids = message.ids
        if query := self.search_bar.value.strip():
            self.run_search(query)  # typed while the store was opening
        else:
            self.article_list.show(message.ids, rows=message.rows)
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
        if message.query != self.search_bar.value:
            return  # superseded by a newer keystroke
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
        self.status = self._status(message.query, message.count)

    def _status(self, query: str, count: int) -> str:
        if not query:
            return count_label(count)
        shown = " ".join(query.split())
        if self.all_ids is None:
            return f"{count_label(count, 'match')} for “{shown}”"
        return f"{count:,} of {len(self.all_ids):,} · “{shown}”"

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
        row = self.article_list.row(article_id)
        if row is None or not row.is_read:
            self.article_list.mark_read(article_id)
            self.save_read(article_id)

    # -- actions -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that type into the search bar are not offered while it has focus."""
        return not (action in _TYPED_KEYS_ACTIONS and isinstance(self.focused, SearchBar))

    def action_focus_search(self) -> None:
        self.search_bar.focus()

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

    # -- help --------------------------------------------------------------------------

    def key_sections(self) -> list[Section]:
        """Every binding, by where it works, from the widgets' own BINDINGS."""
        return [
            (
                "Everywhere",
                [
                    *self._rows(self.BINDINGS),
                    ("Tab / Shift+Tab", "Next / previous pane"),
                    ("Ctrl+P", "Command palette: commands, themes"),
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
                    *self._rows(ArticlePane.BINDINGS),
                    ("Esc", "Back to the list"),
                ],
            ),
            (
                "Search bar",
                [
                    ("type", "Narrow the list as you type, best first"),
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


def make_app(store: Store | None = None, *, db_url: str | None = None) -> NewsReaderApp:
    """The one app factory, used by the CLI and by every UI test.

    Give it an open `store`, or a `db_url` for the app to open (and seed) itself in a worker
    after its first frame.
    """
    return NewsReaderApp(store, db_url=db_url)


__all__: Sequence[str] = ["NewsReaderApp", "make_app"]
