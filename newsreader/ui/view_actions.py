"""What the reading view does with the whole of what it shows: pick a feed, tag or saved
search (`F`), save the search shown (`Ctrl+S`), mark every article shown read (`A`).

"What is shown" is the view's qualifier (`is:unread`, `is:starred`) and the search bar's
text, within the scope picked in `F` (ui/scope.py), so these keys act on exactly the list on
screen. A mixin of `ReaderScreen`, kept apart from its keystroke path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.message import Message
from textual.screen import Screen

from newsreader.store.views import ArticleRow
from newsreader.ui.scope import Scope, compose
from newsreader.ui.screens.dialogs import ConfirmScreen, SaveSearchScreen
from newsreader.ui.screens.feeds import Chosen, FeedsScreen
from newsreader.ui.text import count_label
from newsreader.ui.widgets.app_header import AppHeader

if TYPE_CHECKING:
    from newsreader.store.saved import SavedInfo
    from newsreader.store.store import Store
    from newsreader.ui.status import View
    from newsreader.ui.widgets.article_list import ArticleList
    from newsreader.ui.widgets.article_view import ArticlePane
    from newsreader.ui.widgets.search_bar import SearchBar


def shown_query(view: str, typed: str) -> str:
    """The query of what the list shows: the view's qualifier and the typed text."""
    parts = [] if view == "all" else [f"is:{view}"]
    if typed.strip():
        parts.append(typed.strip())
    return " ".join(parts)


class ViewActions(Screen[None]):
    """F, Ctrl+S and A of the reading view; `ReaderScreen` provides what is declared here."""

    if TYPE_CHECKING:
        view: View
        _describe: Callable[[BaseException], str]

        @property
        def search_bar(self) -> SearchBar: ...
        @property
        def article_list(self) -> ArticleList: ...
        @property
        def article_pane(self) -> ArticlePane: ...
        def _store_or_say(self) -> Store | None: ...
        def _reload(self) -> None: ...

    def __init__(self) -> None:
        super().__init__()
        self.scope = Scope()
        """The feed, tag or saved search the list is narrowed to (named in the header)."""

    @dataclass
    class Counted(Message):
        """How many unread articles `A` would mark read (`problem`: why it cannot); the
        target is a query, or the ids shown when the list is narrowed to a scope."""

        target: str | tuple[int, ...]
        count: int
        problem: str | None = None

    @dataclass
    class MarkedRead(Message):
        """`A` is done: how many were marked, and the cached rows as the store has them now."""

        count: int
        rows: Mapping[int, ArticleRow]
        problem: str | None = None

    # -- F: feeds, tags, saved searches ------------------------------------------------

    def action_feeds(self) -> None:
        if (store := self._store_or_say()) is not None:
            self.app.push_screen(FeedsScreen(store, self._describe), self._show_chosen)

    def _show_chosen(self, chosen: Chosen | None) -> None:
        """The list shows what was picked; the words in the search bar search within it. A
        saved search that cannot run changes nothing (the header names only what is shown)."""
        from newsreader.search.query import QueryError
        from newsreader.store.saved import check_query

        if chosen is None:
            return
        try:
            check_query(chosen.query)
        except QueryError as error:
            self.notify(f"Cannot show {chosen.label}: {error}", severity="warning", markup=False)
            return
        self._narrow(chosen)
        self.article_list.focus()

    def _narrow(self, chosen: Chosen | None) -> None:
        self.scope.choose(chosen)
        self.query_one("#header", AppHeader).shown = self.scope.label
        self._reload()

    def leave_scope(self) -> None:
        """Esc with an empty search bar: the whole view again."""
        self._narrow(None)

    # -- Ctrl+S: save the search shown -------------------------------------------------

    def action_save_search(self) -> None:
        from newsreader.search.query import QueryError
        from newsreader.store.saved import check_query

        if (store := self._store_or_say()) is None:
            return
        query = shown_query(self.view, self.search_bar.value)
        if self.scope.chosen is not None:
            composed = compose(self.scope.query, query)
            if composed is None:
                self.notify(
                    f"Not saved: no one query says {self.scope.label} and “{query}” both "
                    "(both name sources, feeds or tags)",
                    severity="warning",
                    markup=False,
                )
                return
            query = composed
        if not query:
            self.notify("Nothing to save: search for something first.", timeout=3)
            return
        try:
            query = check_query(query)
        except QueryError as error:
            self.notify(f"Not saved: {error}", severity="warning", markup=False)
            return
        self.app.push_screen(SaveSearchScreen(store, query, self._describe), self._search_saved)

    def _search_saved(self, saved: SavedInfo | None) -> None:
        if saved is not None:
            self.notify(f"Saved search “{saved.name}”: {saved.query}", markup=False, timeout=4)
            # What was shown is the saved search now: the list is narrowed to it.
            self.search_bar.value = ""
            self._narrow(Chosen("saved", saved.name, saved.query))

    # -- A: mark every article shown read ----------------------------------------------

    def action_mark_all_read(self) -> None:
        if (store := self._store_or_say()) is not None:
            target: str | tuple[int, ...] = (
                shown_query(self.view, self.search_bar.value) or "is:unread"
                if self.scope.chosen is None
                else tuple(self.article_list.ids)
            )
            self._count_unread(store, target)

    @staticmethod
    def _mark(store: Store, target: str | tuple[int, ...], dry_run: bool = False) -> int:
        from newsreader.store.marking import mark_ids_read, mark_read

        if isinstance(target, str):
            return mark_read(store, target, dry_run=dry_run)
        return mark_ids_read(store, target, dry_run=dry_run)

    @work(thread=True, exclusive=True, group="mark_all", exit_on_error=False)
    def _count_unread(self, store: Store, target: str | tuple[int, ...]) -> None:
        try:
            self.post_message(self.Counted(target, self._mark(store, target, dry_run=True)))
        except Exception as error:  # a query that cannot run, a busy store: in words
            self.post_message(self.Counted(target, 0, self._describe(error)))

    @on(Counted)
    def _counted(self, message: Counted) -> None:
        if message.problem is not None:
            self.notify(f"Not marked read: {message.problem}", severity="error", markup=False)
        elif message.count == 0:
            self.notify("Nothing unread here.", timeout=3)
        else:
            question = f"Mark {count_label(message.count)} read? y/n"

            def answered(yes: bool | None) -> None:
                if yes and (store := self._store_or_say()) is not None:
                    self._mark_all(store, message.target, self._unread_rows())

            self.app.push_screen(ConfirmScreen(question), answered)

    def _unread_rows(self) -> list[int]:
        """The cached rows shown unread: read back after marking, so the list follows."""
        articles = self.article_list
        return [i for i in articles.ids if (row := articles.row(i)) and not row.is_read]

    @work(thread=True, exclusive=True, group="mark_all", exit_on_error=False)
    def _mark_all(self, store: Store, target: str | tuple[int, ...], cached: list[int]) -> None:
        try:
            count = self._mark(store, target)
        except Exception as error:  # nothing was written: nothing changes on screen
            self.post_message(self.MarkedRead(0, {}, self._describe(error)))
            return
        self.post_message(self.MarkedRead(count, store.rows(cached)))

    @on(MarkedRead)
    def _marked_read(self, message: MarkedRead) -> None:
        if message.problem is not None:
            self.notify(f"Not marked read: {message.problem}", severity="error", markup=False)
            return
        for article_id, row in message.rows.items():
            self.article_list.set_flags(article_id, is_read=row.is_read)
            self.article_pane.set_flags(article_id, is_read=row.is_read)
        self.notify(f"Marked {count_label(message.count)} read.", timeout=3)
        self._reload()  # the counts, and the unread view's list, as the store has them
