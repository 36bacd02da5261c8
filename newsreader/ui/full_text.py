"""`f` while reading: the article's page fetched in a worker, its main text stored (the feed's
text kept), and the pane then shows the article as the store has it. A page that fails
leaves the article as it was and says why in one line. A mixin of `ReaderScreen`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.message import Message
from textual.screen import Screen

from newsreader.ui import messages

if TYPE_CHECKING:
    from newsreader.store.store import Store
    from newsreader.ui.widgets.article_view import ArticlePane


@dataclass
class FullTextFailed(Message):
    article_id: int
    reason: str


class FullTextAction(Screen[None]):
    """`action_full_text` for the reading view; `ReaderScreen` provides what is declared."""

    if TYPE_CHECKING:

        @property
        def article_pane(self) -> ArticlePane: ...
        def _store_or_say(self) -> Store | None: ...

    def action_full_text(self) -> None:
        pane = self.article_pane
        article = pane.article
        if article is None or article.id != pane.wanted:
            self.app.bell()  # nothing shown yet, or the pane has not caught up with the list
            return
        if (store := self._store_or_say()) is not None:
            self.notify("Fetching the full text…", timeout=2, markup=False)
            self._fetch_full_text(store, article.id)

    @work(thread=True, group="full_text", exit_on_error=False)
    def _fetch_full_text(self, store: Store, article_id: int) -> None:
        from newsreader.fulltext import FullTextError, fetch_full_text
        from newsreader.store.engine import StoreError

        try:
            fetch_full_text(store, article_id)
            article = store.article(article_id)  # the screen shows what was saved
        except (FullTextError, StoreError) as error:
            self.post_message(FullTextFailed(article_id, str(error)))
            return
        self.post_message(messages.ArticleLoaded(article_id, article))

    @on(FullTextFailed)
    def _full_text_failed(self, message: FullTextFailed) -> None:
        self.notify(f"No full text: {message.reason}", severity="warning", markup=False)
