"""The reading view: search bar, virtual article list, article pane; the store only in workers.

Every store call (ids, rows, search, article loads, flag writes) runs off the event loop, so
it only renders and handles keys. The list is shown as soon as the ids arrive; the search
vocabulary is warmed after that first paint. A keystroke's search is shown by its own handler
when it answers within a frame, else by its answer's message (`ui.keystroke`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer
from textual.worker import Worker, WorkerState, get_current_worker

from newsreader.store.views import Counts
from newsreader.ui import messages
from newsreader.ui.bindings import ARTICLE_BINDINGS, BACK_BINDINGS, VIEW_BINDINGS, typed_action
from newsreader.ui.first_screen import load_list
from newsreader.ui.full_text import FullTextAction
from newsreader.ui.keystroke import Answer, Request, Searches
from newsreader.ui.list_actions import ListActions
from newsreader.ui.marks import Marks
from newsreader.ui.screens.stats import StatsScreen
from newsreader.ui.settings import Settings
from newsreader.ui.status import (
    EMPTY_LINES,
    VIEW_FILTERS,
    View,
    list_title,
    status_line,
)
from newsreader.ui.story_rows import Grouped, Stories, StoryActions, StoryMap
from newsreader.ui.view_actions import ViewActions
from newsreader.ui.widgets.app_header import AppHeader
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.article_view import ArticlePane
from newsreader.ui.widgets.refresh_bar import RefreshBar
from newsreader.ui.widgets.search_bar import EchoHold, SearchBar
from newsreader.ui.widgets.story_list import StoryList

if TYPE_CHECKING:
    from newsreader.search.result import SearchResult
    from newsreader.store.store import Order, Store

PANE_DELAY = 0.35
"""Seconds of typing pause before the pane follows the list (a typist's gaps: 0.15-0.25 s)."""


class ReaderScreen(ViewActions, ListActions, StoryActions, FullTextAction, Screen[None]):
    """The reading view: a search narrows the list, the list picks what the pane shows.
    What it does with the whole list (F, Ctrl+S, A) is `ViewActions`'."""

    BINDINGS: ClassVar[list[BindingType]] = [*BACK_BINDINGS, *ARTICLE_BINDINGS, *VIEW_BINDINGS]

    def __init__(
        self, settings: Settings, describe: Callable[[BaseException], str], store: Store | None
    ) -> None:
        super().__init__()
        self.settings = settings
        self._describe = describe
        self._store = store
        self.view: View = "all"
        self.counts: Counts | None = None
        """Articles, unread and starred in the whole store (None until first counted)."""
        self.restored = False
        """True once the first list is shown (and the last article read is found again)."""
        self._ended = False
        self._pane_timer: Timer | None = None
        self._echo = EchoHold(self)
        self._searches = Searches()
        self.marks = Marks(self, describe, lambda: self.store)
        self.stories = Stories(settings)
        self._problem: str | None = None
        """Why the query in the bar cannot run, said in the header while it stands."""
        self.all_ids: list[int] | None = None
        """The ids of the current view (all, unread or starred) in list order; None until
        the first worker brings them."""
        self.head_only = False
        """The list shows only its first screen (`ui.first_screen`); the whole one follows."""
        self.shown_query: str | None = None
        """The query whose result the list shows ("" for all articles; None before the
        first list). Tests and benchmarks wait on it, with `ArticleList.Updated`."""

    # -- layout ------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the store is not open yet")
        return self._store

    @property
    def sort(self) -> Order:
        return self.settings.sort

    def compose(self) -> ComposeResult:
        yield AppHeader("loading…", id="header")
        yield SearchBar(id="search", on_edit=self._echo.hold)
        with Horizontal(id="main"):
            yield StoryList(lambda ids: self.store.rows(ids), id="articles")
            yield ArticlePane(id="article")
        yield RefreshBar(self.settings, id="progress")
        yield Footer()

    def on_mount(self) -> None:
        self._title_list()
        self.article_pane.border_title = "Article"
        self._apply_width()
        self.article_list.focus()
        if self._store is not None:
            self.load_ids()

    def store_opened(self, store: Store) -> None:
        """The app opened the store: the list can be filled."""
        self._store = store
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
    def article_list(self) -> StoryList:
        return self.query_one("#articles", StoryList)

    @property
    def article_pane(self) -> ArticlePane:
        return self.query_one("#article", ArticlePane)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one("#search", SearchBar)

    # -- workers -----------------------------------------------------------------------

    @property
    def _key(self) -> tuple[str, ...]:
        return (self.view, self.sort, self.scope.query)

    @work(thread=True, exclusive=True, group="ids", exit_on_error=False)
    def load_ids(self, keep: int | None = None) -> None:
        chosen, key, view, sort = self.scope.chosen, self._key, self.view, self.sort
        if keep is None and not self.restored:
            keep = self.settings.prefs.last_article or None  # where the reader left off
        what, post, worker = (chosen, view, sort), self.post_message, get_current_worker()
        load_list(self.store, self.stories, what, key, keep, post, worker, first=not self.restored)

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def warm_index(self) -> None:
        """Load the search vocabulary now, so the first keystroke does not pay for it.

        Then freeze what was made so far (app, vocabulary) out of the cyclic collector: its
        full passes took 70-90 ms at 100k, a stalled key; now ~5 ms. Only young generations
        are collected first (a full pass was that ~80 ms stall, for ~2k objects), and before
        the prefixes are scored (`warm_prefixes`, ~1 s): after, it fell on the first keys.
        """
        self.store.index.load()
        if not self._ended:
            gc.collect(1)
            gc.freeze()
            self.store.index.warm_prefixes(lambda: self._ended)

    def on_unmount(self) -> None:
        self._searches.close()
        self._echo.release()
        self._ended = True  # a warm-up still running must not freeze what is garbage now
        gc.unfreeze()  # what the app held is garbage now (in tests, before the next app)

    def run_search(self, query: str) -> bool:
        """Search now: shown here if the search answers within a frame (`Searches.quick`);
        True while a slower answer is awaited."""
        screenful = self.article_list.screenful
        view, scope = self.view, self.scope

        def narrow(store: Store, result: SearchResult) -> SearchResult:
            return scope.narrow(store, result, view)  # within F's choice

        group = self.stories.searched(screenful)
        request = Request(query, self._key, VIEW_FILTERS[view], self.sort, screenful, narrow, group)
        future = self._searches.submit(self.store, request)
        try:
            answer = self._searches.quick(future)
        except Exception as error:
            self.post_message(messages.SearchFailed(error))
            return False
        if answer is not None:
            self._show_answer(answer)
        else:  # a slower search (None from a finished one: stale, it shows nothing)
            post = self.post_message
            self._searches.when_done(
                future,
                lambda answer: post(messages.SearchFinished(answer)),
                lambda error: post(messages.SearchFailed(error)),
            )
        return answer is None

    @on(messages.SearchFailed)
    def _search_failed(self, message: messages.SearchFailed) -> None:
        self._echo.release()
        reason = self._describe(message.error)
        self.notify(f"search failed: {reason}", severity="error", markup=False)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def load_article(self, article_id: int) -> None:
        article = self.store.article(article_id)
        if not get_current_worker().is_cancelled:
            self.post_message(messages.ArticleLoaded(article_id, article))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed worker is reported in words, not swallowed (markup off: errors may quote
        text). Before the first list there is nothing to show: the app gives up, in words,
        rather than sit on "loading…"."""
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        reason = self._describe(event.worker.error)
        if event.worker.group == "ids" and not self.restored:
            self.post_message(messages.Unusable(reason))
        else:
            self.notify(f"{event.worker.group} failed: {reason}", severity="error", markup=False)

    # -- marks -------------------------------------------------------------------------

    @on(messages.FlagSaved)
    def _flag_saved(self, message: messages.FlagSaved) -> None:
        self.marks.saved(message.saved)
        if message.saved.counts is not None:
            self.counts = message.saved.counts
            self._refresh_status()

    def _mark_read(self, article_id: int) -> None:
        """Opening (or stepping to) an article marks it read, unless turned off."""
        if self.settings.prefs.read_on_open:
            self.marks.mark_read(article_id)

    def action_toggle_read(self) -> None:
        self.marks.toggle("is_read")

    def action_toggle_star(self) -> None:
        self.marks.toggle("is_starred")

    # -- results -----------------------------------------------------------------------

    @on(messages.IdsLoaded)
    def _ids_loaded(self, message: messages.IdsLoaded) -> None:
        if message.key != self._key:
            return  # the view or the order changed meanwhile: a newer load is on its way
        first = not self.restored
        self.restored = True
        self.all_ids = message.ids
        self.scope.loaded(self.view, message.ids)
        self.counts = message.counts
        self.stories.map = message.stories or (self.stories.map if message.head else StoryMap())
        self.stories.all = all = message.shown or Grouped(message.ids)
        self._title_list()
        keep = message.keep
        if self.head_only:
            # The whole list after its first screen: the cursor stays where the reader put it.
            keep = self.article_list.highlighted_id if self.article_list.cursor else keep
        self.head_only = message.head
        if query := self.search_bar.value.strip():
            self.run_search(query)  # typed while the store was opening, or a view change
        else:
            self.article_list.show(all.ids, groups=all.groups, rows=message.rows, keep=keep)
        if first:
            self.call_after_refresh(self.warm_index)
            self.query_one(RefreshBar).begin(self.store)  # refresh.on_start, .interval

    @on(SearchBar.Changed, "#search")
    async def _search_changed(self, event: SearchBar.Changed) -> None:
        """The bar's edit held repaints (`EchoHold`): they resume once the list is shown,
        here or by its message, so echo, list and header go out in one frame."""
        if self._store is None:
            self._echo.release()
            return  # searched once the store is open
        if event.value.strip():
            if self.run_search(event.value):
                return  # its message shows the list and resumes the repaints
        else:
            self._searches.cancel()
            self._show_all()
        await self._echo.release_soon()

    @on(SearchBar.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.article_list.focus()

    @on(messages.SearchFinished)
    async def _search_finished(self, message: messages.SearchFinished) -> None:
        self._show_answer(message.answer)
        await self._echo.release_soon()

    def _show_answer(self, answer: Answer) -> None:
        newest = self._searches.is_newest(answer) and answer.key == self._key
        if not newest or answer.query != self.search_bar.value:
            return  # superseded by a newer keystroke, view or order
        self._problem = answer.problem
        result, shown = answer.result, answer.shown or Grouped(answer.result.ids)
        terms, groups = result.terms, shown.groups
        self.article_list.show(
            shown.ids, groups=groups, query=answer.query, terms=terms, rows=answer.rows
        )
        self._list_shown(answer.query)  # now, not a message later: in the list's frame
        self.group_rest(answer.query, result.ids, shown)

    def _show_all(self) -> None:
        self._problem = None
        if self.all_ids is not None and self.article_list.search_query:
            all, keep = self.stories.all, self.article_list.highlighted_id
            self.article_list.show(all.ids, groups=all.groups, keep=keep)

    @on(ArticleList.Updated)
    def _list_updated(self, message: ArticleList.Updated) -> None:
        self._list_shown(message.query)

    def _list_shown(self, query: str) -> None:
        self.shown_query = query
        self._refresh_status()
        self._title_list()

    def _refresh_status(self) -> None:
        articles = self.article_list
        problem = self._problem if articles.search_query else None
        self.status = status_line(articles.search_query, len(articles.ids), self.counts, problem)

    def _title_list(self) -> None:
        articles = self.article_list
        ranked = bool(articles.search_query) and bool(articles.terms)
        size = len(self.all_ids) if self.all_ids is not None else None
        articles.set_title(list_title(self.view, size, ranked, self.sort, self.scope.label))
        articles.empty_lines = self.scope.empty_lines(EMPTY_LINES[self.view])

    @on(ArticleList.Highlighted)
    def _highlighted(self, message: ArticleList.Highlighted) -> None:
        if self._pane_timer is not None:
            self._pane_timer.stop()
            self._pane_timer = None
        self.article_pane.wanted = message.article_id
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

    @on(messages.ArticleLoaded)
    def _article_loaded(self, message: messages.ArticleLoaded) -> None:
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

    # -- moving around -----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that type into the search bar are not commands while it has focus (decided
        by the keys the keymap gives each action now)."""
        return not (isinstance(self.focused, SearchBar) and typed_action(self.app, action))

    def action_focus_search(self) -> None:
        """Focus moves now, not after the keys already queued (`Widget.focus` waits for
        them): with the priority binding, every key after `/` is the search bar's."""
        self.set_focus(self.search_bar)

    def action_focus_list(self) -> None:
        self.article_list.focus()

    def action_clear_search(self) -> None:
        self.search_bar.value = ""

    def action_step_back(self) -> None:
        """Esc: clear the search if there is one, else leave the feed, tag or saved search
        shown; otherwise step back to the list."""
        focused = self.focused
        if focused is self.article_pane:
            self.article_list.focus()
        elif self.search_bar.value:
            self.action_clear_search()
        elif self.scope.chosen is not None:
            self.leave_scope()
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
            self.app.bell()
        elif self.focused is self.article_pane and articles.highlighted_id is not None:
            self._mark_read(articles.highlighted_id)

    def action_open_link(self) -> None:
        self.article_pane.open_link()

    def action_copy_link(self) -> None:
        self.article_pane.copy_link()

    # -- what the list shows -----------------------------------------------------------

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

    def _reload(self) -> None:
        self._title_list()
        if self._store is not None:
            self.load_ids(keep=self.article_list.highlighted_id)

    # -- other screens -----------------------------------------------------------------

    def _store_or_say(self) -> Store | None:
        if self._store is None:
            self.notify("The store is still opening.", timeout=3)
        return self._store

    def action_stats(self) -> None:
        if (store := self._store_or_say()) is not None:
            self.app.push_screen(StatsScreen(store))

    def action_refresh_feeds(self) -> None:
        if (store := self._store_or_say()) is not None:
            self.query_one(RefreshBar).start(store)

    @on(RefreshBar.Finished)
    def _feeds_refreshed(self, message: RefreshBar.Finished) -> None:
        self.query_one("#header", AppHeader).refreshed = message.header
        failed = any(o.status == "error" for o in message.outcomes)
        if not message.background:  # the header says it: no notice every half hour
            self.notify(
                message.summary, severity="warning" if failed else "information", markup=False
            )
        if any(o.added or o.updated for o in message.outcomes):
            self._reload()
            if self.search_bar.value.strip():
                self.run_search(self.search_bar.value)
