"""Read and star marks in the reading view: shown at once, written in order in a worker,
then shown as the store saved them (the change, or what was there before)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from newsreader.store.views import ArticleRow
from newsreader.ui import messages
from newsreader.ui.flags import Flag, FlagWriter, Saved
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.article_view import ArticlePane

if TYPE_CHECKING:
    from newsreader.store.store import Store


class Marks:
    """The marks of one reading view; the store's answers come back as `FlagSaved`."""

    def __init__(
        self,
        screen: Screen[Any],
        describe: Callable[[BaseException], str],
        store: Callable[[], Store],
    ) -> None:
        self._screen = screen
        self._store = store
        self._writer = FlagWriter(describe)

    def _show(
        self, article_id: int, *, is_read: bool | None = None, is_starred: bool | None = None
    ) -> None:
        for widget in (
            self._screen.query_one("#articles", ArticleList),
            self._screen.query_one("#article", ArticlePane),
        ):
            widget.set_flags(article_id, is_read=is_read, is_starred=is_starred)

    def write(self, article_id: int, flag: Flag, value: bool) -> None:
        """Show the change at once and queue its write."""
        self._show(article_id, **{flag: value})
        self._writer.ask(article_id, flag, value)
        self._screen.run_worker(self._drain, thread=True, group="flags", exit_on_error=False)

    def _drain(self) -> None:
        post = self._screen.post_message
        self._writer.drain(self._store(), lambda saved: post(messages.FlagSaved(saved)))

    def saved(self, saved: Saved) -> None:
        """Put on screen what the store said (the last answer for its article wins)."""
        if saved.notice:
            self._screen.notify(saved.notice, severity="error", markup=False)
        if self._writer.settle(saved):
            self._show(saved.article_id, **saved.shown())

    def toggle(self, flag: Flag) -> None:
        """Flip `flag` of the highlighted article (a bell when there is none yet)."""
        articles = self._screen.query_one("#articles", ArticleList)
        article_id = articles.highlighted_id
        row: ArticleRow | None = articles.row(article_id) if article_id is not None else None
        if row is None:
            self._screen.app.bell()
        else:
            self.write(row.id, flag, not getattr(row, flag))

    def mark_read(self, article_id: int) -> None:
        row = self._screen.query_one("#articles", ArticleList).row(article_id)
        if row is None or not row.is_read:
            self.write(article_id, "is_read", True)
