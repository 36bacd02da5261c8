"""The feeds screen: every subscription with its health; Enter shows that feed's articles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from newsreader.ingest.sanitize import clean_line

if TYPE_CHECKING:
    from newsreader.store.feeds import FeedInfo
    from newsreader.store.store import Store

_COLUMNS = ("Feed", "Articles", "Unread", "Last fetch", "Status")


class FeedsScreen(ModalScreen[str | None]):
    """Dismissed with the name of the feed to show, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss(None)", "Close"),
        Binding("enter", "choose", "Show its articles"),
    ]

    @dataclass
    class Loaded(Message):
        feeds: Sequence[FeedInfo]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.feeds: Sequence[FeedInfo] = ()

    def compose(self) -> ComposeResult:
        with Vertical(id="feeds-dialog"):
            yield DataTable(id="feeds-table", cursor_type="row", zebra_stripes=True)
            yield Static(Content("Loading feeds…"), id="feeds-detail", markup=False)

    def on_mount(self) -> None:
        dialog = self.query_one("#feeds-dialog")
        dialog.border_title = "Feeds"
        dialog.border_subtitle = "Enter shows a feed · r refreshes · Esc closes"
        table = self.query_one(DataTable)
        table.add_columns(*_COLUMNS)
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        from newsreader.store.feeds import feeds

        self.post_message(self.Loaded(feeds(self.store)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.feeds = message.feeds
        table = self.query_one(DataTable)
        table.clear()
        for feed in self.feeds:
            fetched = feed.fetched_at.strftime("%Y-%m-%d %H:%M") if feed.fetched_at else "never"
            status = Text(feed.status, style="red" if feed.status == "error" else "")
            # Cells are Text, never str: DataTable would parse a str as markup.
            table.add_row(
                Text(clean_line(feed.name)),
                Text(f"{feed.articles:,}", justify="right"),
                Text(f"{feed.unread:,}", justify="right"),
                Text(fetched),
                status,
                key=str(feed.id),
            )
        detail = self.query_one("#feeds-detail", Static)
        if not self.feeds:
            detail.update(Content("No feeds yet. Subscribe with: newsreader feed add URL"))
        else:
            self._describe(0)
        table.focus()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(event.cursor_row)

    def _describe(self, row: int) -> None:
        if not 0 <= row < len(self.feeds):
            return
        feed = self.feeds[row]
        lines = [clean_line(feed.url)]
        if feed.error:
            lines.append(f"Last error: {clean_line(feed.error)}")
        self.query_one("#feeds-detail", Static).update(Content("\n".join(lines)))

    def action_choose(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if 0 <= row < len(self.feeds):
            self.dismiss(self.feeds[row].name)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_choose()
